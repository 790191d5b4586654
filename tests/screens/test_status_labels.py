"""Issue 10 item 20: the count-approval, pick and pack screens name statuses by their labels
(the choices' labels), never by the raw codes stored in the database ("recount", "short",
"packed"). Each test drives the real screen into a refusal that names the status."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from common import roles
from tests.factories.accounts import UserFactory
from tests.screens import scenarios
from tests.warehouse.builders import SYSTEM, bin_of, product, stocked
from tests.warehouse.builders import warehouse as make_warehouse
from warehouse.models import CycleCount, Package, PickLine
from warehouse.services.counts import cycle_count_create
from warehouse.states import CountStatus, PackageStatus, PickLineStatus

pytestmark = pytest.mark.django_db


def _messages(response) -> list[tuple[str, str]]:
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def _submit(username: str, count: CycleCount):
    client = APIClient()
    client.force_authenticate(UserFactory(username=username, roles=[roles.WAREHOUSE_OPERATOR]))
    response = client.post(
        f"/api/v1/wms/counts/{count.pk}/submit/",
        {"counted": [{"code": "LBL-TEE", "quantity": 40}]},
        format="json",
    )
    assert response.status_code == 200, response.content
    return response.json()["step"]


def test_count_approval_names_the_counts_status_by_its_label(ops):
    # given a count with a variance beyond tolerance, counted twice, waiting for approval
    wh = make_warehouse()
    tee = product("LBL-TEE")
    tee.unit_cost = Decimal("2.00")
    tee.save(update_fields=["unit_cost"])
    stocked(tee, bin_of(wh, "A-01-01-2"), 49)
    count = cycle_count_create(bin_id=bin_of(wh, "A-01-01-2").pk, actor=SYSTEM)
    assert (_submit("lbl-1", count), _submit("lbl-2", count)) == ("recount", "awaiting_approval")
    url = f"/dashboard/exceptions/counts/{count.pk}/"

    # when the supervisor asks for a recount, then approves from the page still open elsewhere
    ops.post(url, {"decision": "recount"})
    response = ops.post(url, {"decision": "approve"}, follow=True)

    # then the refusal names the status by its label, not by its code
    count.refresh_from_db()
    assert count.status == CountStatus.RECOUNT
    assert _messages(response)[-1] == (
        "error",
        f"Count {count.pk} is not waiting for approval (now: Recount requested).",
    )
    assert "is recount" not in response.content.decode()


def test_pick_screen_names_the_lines_status_by_its_label(operator):
    # given a pick list on the screen, its first line scanned at bin and item and reported
    # short (nothing found)
    floor = scenarios.released_batch()
    url = f"/warehouse/pick/{floor.pick_list.pk}/"
    d = operator.get(url).context["step"].data
    operator.post(url + "scan/", {"code": d["bin"], "line": d["pick_line_id"]})
    operator.post(url + "scan/", {"code": d["sku"], "line": d["pick_line_id"]})
    operator.post(url + "short/", {"line": d["pick_line_id"], "found": 0, "scan_id": "lbl-s1"})
    assert PickLine.objects.get(pk=d["pick_line_id"]).status == PickLineStatus.SHORT

    # when a second device reports the same line short again
    response = operator.post(
        url + "short/", {"line": d["pick_line_id"], "found": 0, "scan_id": "lbl-s2"}, follow=True
    )

    # then the refusal says it in words
    assert _messages(response)[-1] == ("error", "This pick is already reported short.")
    assert "already short." not in response.content.decode()


def test_pack_screen_names_the_packages_status_by_its_label(operator):
    # given an order packed and labelled on the pack screen
    floor = scenarios.picked_order()
    order = floor.orders[0]
    operator.post("/warehouse/pack/", {"code": order.number})
    package = Package.objects.get(order_number=order.number)
    url = f"/warehouse/pack/{package.pk}/"
    for n in range(2):
        operator.post(url + "item/", {"code": "4000000000017", "scan_id": f"lbl-p{n}"})
    package.refresh_from_db()
    operator.post(url + "weigh/", {"box": package.box.code, "weight_g": package.expected_weight_g})
    operator.post(url + "close/")
    package.refresh_from_db()
    assert package.status == PackageStatus.PACKED

    # when the packer scans the order again
    response = operator.post("/warehouse/pack/", {"code": order.number}, follow=True)

    # then the refusal names the package's status by its label
    assert _messages(response)[-1] == (
        "error",
        f"Order {order.number} is already packed (label printed).",
    )
    assert f"is already {PackageStatus.PACKED.value}." not in response.content.decode()
