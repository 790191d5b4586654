"""The API drives the same scan services as the screens."""

import pytest
from rest_framework.test import APIClient

from inventory.models import StockMovement
from inventory.selectors import inventory_mismatches
from orders import services as order_services
from orders.models import Order
from shipping import services as shipping_services
from tests.factories.accounts import UserFactory
from tests.factories.channels_sync import channel_with_warehouses
from tests.orders.builders import payload
from tests.warehouse.builders import SYSTEM, bin_of, box_types, on_hand, product, stocked
from tests.warehouse.builders import warehouse as make_warehouse
from warehouse.models import CycleCount, Package, PickList

pytestmark = pytest.mark.django_db


@pytest.fixture
def wh():
    w = make_warehouse()
    w.address_line1, w.city, w.postal_code = "1 Dock Rd", "Newark", "07101"
    w.save()
    return w


def test_anonymous_and_customer_service_are_refused(anon_client, cs_client, wh):
    for client, status in ((anon_client, (401, 403)), (cs_client, (403,))):
        r = client.post("/api/v1/wms/scan/", {"warehouse": wh.code, "code": "X"}, format="json")
        assert r.status_code in status


def test_scan_lookup_tells_what_a_code_is(warehouse_client, wh):
    tee = product("TEE", barcode="0001")
    stocked(tee, bin_of(wh, "A-01-01-1"), 4)
    r = warehouse_client.post(
        "/api/v1/wms/scan/", {"warehouse": wh.code, "code": "A-01-01-1"}, format="json"
    )
    assert r.status_code == 200
    assert r.json()["kind"] == "bin"
    assert r.json()["details"]["contents"] == [{"sku": "TEE", "lot": "", "on_hand": 4}]
    r = warehouse_client.post(
        "/api/v1/wms/scan/", {"warehouse": wh.code, "code": "0001"}, format="json"
    )
    assert r.json()["kind"] == "product"
    assert r.json()["details"]["locations"][0]["bin"] == "A-01-01-1"
    r = warehouse_client.post(
        "/api/v1/wms/scan/", {"warehouse": wh.code, "code": "??"}, format="json"
    )
    assert r.json()["kind"] == "unknown"


def test_receive_and_putaway_over_the_api(warehouse_client, wh):
    tee = product("TEE", barcode="0001")
    r = warehouse_client.post(
        "/api/v1/wms/inbound/",
        {
            "warehouse": wh.code,
            "number": "PO-9",
            "kind": "po",
            "lines": [{"sku": "TEE", "quantity": 5}],
        },
        format="json",
    )
    assert r.status_code == 201, r.json()
    sid = r.json()["id"]
    r = warehouse_client.post(
        f"/api/v1/wms/inbound/{sid}/receive/",
        {"item_code": "0001", "quantity": 5, "scan_id": "a1"},
        format="json",
    )
    assert r.status_code == 200
    step = r.json()
    assert step["step"] == "scan_item"
    r = warehouse_client.post(
        f"/api/v1/wms/putaway/{step['data']['putaway_task_id']}/confirm/",
        {"bin_code": step["data"]["suggested_bin"]},
        format="json",
    )
    assert r.json()["step"] == "done"
    assert on_hand(tee, bin_of(wh, step["data"]["suggested_bin"])) == 5
    r = warehouse_client.post(f"/api/v1/wms/inbound/{sid}/close/", format="json")
    assert r.json()["status"] == "closed"


def test_domain_errors_are_json_not_500(warehouse_client, wh):
    product("TEE")
    r = warehouse_client.post(
        "/api/v1/wms/moves/",
        {
            "warehouse": wh.code,
            "from_bin": "NOPE",
            "item_code": "TEE",
            "quantity": 1,
            "to_bin": "A-01-01-1",
        },
        format="json",
    )
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "unknown_bin"
    r = warehouse_client.post(
        "/api/v1/wms/moves/",
        {
            "warehouse": wh.code,
            "from_bin": "A-01-01-1",
            "item_code": "TEE",
            "quantity": 1,
            "to_bin": "A-02-01-1",
        },
        format="json",
    )
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "insufficient_stock"
    r = warehouse_client.post("/api/v1/wms/moves/", {"warehouse": wh.code}, format="json")
    assert r.status_code == 400
    assert "from_bin" in r.json()["error"]["fields"]


def test_wave_pick_pack_ship_over_the_api(warehouse_client, wh):
    shipping_services.carriers_ensure_defaults()
    box_types()
    ch = channel_with_warehouses(wh)
    tee = product("TEE", barcode="0001")
    stocked(tee, bin_of(wh, "A-02-03-1"), 5)
    order, _ = order_services.order_capture(
        channel_id=ch.pk, data=payload([("TEE", 2)]), actor=SYSTEM
    )
    r = warehouse_client.post("/api/v1/wms/waves/create/", {"warehouse": wh.code}, format="json")
    assert r.status_code == 201, r.json()
    wave = r.json()
    assert wave["status"] == "released"
    pick_list_id = wave["pick_lists"][0]
    pl = warehouse_client.get(f"/api/v1/wms/pick-lists/{pick_list_id}/").json()
    assert pl["route_length_m"] <= pl["sshape_length_m"]
    step = warehouse_client.get(f"/api/v1/wms/pick-lists/{pick_list_id}/next/").json()
    line_id, d = step["data"]["pick_line_id"], step["data"]
    wrong = warehouse_client.post(
        f"/api/v1/wms/picks/{line_id}/scan-bin/", {"bin_code": "A-01-01-1"}, format="json"
    )
    assert wrong.status_code == 409
    assert wrong.json()["error"]["code"] == "wrong_bin"
    assert (
        warehouse_client.post(
            f"/api/v1/wms/picks/{line_id}/scan-bin/", {"bin_code": d["bin"]}, format="json"
        ).json()["step"]
        == "scan_item"
    )
    body = {
        "bin_code": d["bin"],
        "item_code": "0001",
        "quantity": 2,
        "tote_code": d["tote"],
        "scan_id": "p-1",
    }
    first = warehouse_client.post(f"/api/v1/wms/picks/{line_id}/confirm/", body, format="json")
    again = warehouse_client.post(f"/api/v1/wms/picks/{line_id}/confirm/", body, format="json")
    assert first.json() == again.json()
    assert first.json()["step"] == "done"
    assert StockMovement.objects.filter(reason="pick").count() == 1
    r = warehouse_client.post(
        "/api/v1/wms/pack/start/", {"warehouse": wh.code, "code": d["tote"]}, format="json"
    )
    pkg = r.json()["data"]["package_id"]
    for _ in range(2):
        r = warehouse_client.post(
            f"/api/v1/wms/packages/{pkg}/scan-item/", {"item_code": "0001"}, format="json"
        )
    assert r.json()["step"] == "weigh"
    r = warehouse_client.post(
        f"/api/v1/wms/packages/{pkg}/weight/", {"weight_g": 600}, format="json"
    )
    assert r.json()["step"] == "close"
    r = warehouse_client.post(f"/api/v1/wms/packages/{pkg}/close/", format="json")
    assert r.json()["step"] == "print_label", r.json()
    r = warehouse_client.post(f"/api/v1/wms/packages/{pkg}/ship/", format="json")
    assert r.json()["step"] == "done"
    assert Order.objects.get(pk=order.pk).status == "shipped"
    assert PickList.objects.get(pk=pick_list_id).status == "done"
    assert inventory_mismatches() == []


def _numbers(payload):
    """Every quantity-like number in a JSON payload (ids and timestamps excluded)."""
    if isinstance(payload, dict):
        return [
            n
            for k, v in payload.items()
            if not (k == "id" or k.endswith("_id"))
            for n in _numbers(v)
        ]
    if isinstance(payload, list):
        return [n for v in payload for n in _numbers(v)]
    if isinstance(payload, str):
        return [int(payload)] if payload.isdigit() else []
    if isinstance(payload, bool) or payload is None:
        return []
    return [payload]


def test_count_api_is_blind_and_approval_is_for_supervisors(
    warehouse_client, supervisor_client, wh
):
    other_counter = APIClient()
    other_counter.force_authenticate(
        UserFactory(username="counter-2", roles=["warehouse_operator"])
    )
    tee = product("TEE")
    stocked(tee, bin_of(wh, "A-01-01-2"), 50)
    r = warehouse_client.post(
        "/api/v1/wms/counts/request/",
        {"warehouse": wh.code, "bin_code": "A-01-01-2"},
        format="json",
    )
    count_id = r.json()["data"]["count_id"]
    detail = warehouse_client.get(f"/api/v1/wms/counts/{count_id}/").json()
    assert 50 not in _numbers(detail)
    for client in (warehouse_client, other_counter):
        r = client.post(
            f"/api/v1/wms/counts/{count_id}/submit/",
            {"counted": [{"code": "TEE", "quantity": 30}]},
            format="json",
        )
    assert r.json()["step"] == "awaiting_approval"
    assert 50 not in _numbers(r.json())
    assert (
        warehouse_client.post(
            f"/api/v1/wms/counts/{count_id}/approve/", {}, format="json"
        ).status_code
        == 403
    )
    r = supervisor_client.post(f"/api/v1/wms/counts/{count_id}/approve/", {}, format="json")
    assert r.json()["step"] == "done"
    assert CycleCount.objects.get(pk=count_id).status == "applied"
    assert on_hand(tee, bin_of(wh, "A-01-01-2")) == 30
    acc = supervisor_client.get(f"/api/v1/wms/count-accuracy/?warehouse={wh.code}").json()
    assert acc[0]["counts"] == 1
    labour = supervisor_client.get(f"/api/v1/wms/labour/?warehouse={wh.code}")
    assert labour.status_code == 200


def test_close_refuses_an_out_of_tolerance_weight_until_a_supervisor_overrides(
    warehouse_client, supervisor_client, wh
):
    # given: a picked order (TEE×2) verified at packing, weighed far above the expected weight
    from orders.models import OrderEvent
    from tests.screens import scenarios

    floor = scenarios.picked_order()
    order = floor.orders[0]
    tote = floor.pick_list.lines.first().tote_code
    r = warehouse_client.post(
        "/api/v1/wms/pack/start/", {"warehouse": "WH1", "code": tote}, format="json"
    )
    pkg = r.json()["data"]["package_id"]
    for _ in range(2):
        warehouse_client.post(
            f"/api/v1/wms/packages/{pkg}/scan-item/", {"item_code": "TEE"}, format="json"
        )
    r = warehouse_client.post(
        f"/api/v1/wms/packages/{pkg}/weight/", {"weight_g": 2500}, format="json"
    )
    assert r.json()["data"]["weight_flagged"] is True
    assert r.json()["step"] == "reweigh"

    # when: the label is asked for anyway
    r = warehouse_client.post(f"/api/v1/wms/packages/{pkg}/close/", format="json")

    # then: refused, nothing bought
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "weight_out_of_tolerance"
    assert Package.objects.get(pk=pkg).status == "open"
    assert Package.objects.get(pk=pkg).shipment_id is None

    # when: an operator tries the override, then a supervisor without a reason, then with one
    url = f"/api/v1/wms/packages/{pkg}/weight-override/"
    assert warehouse_client.post(url, {"reason": "ok"}, format="json").status_code == 403
    blank = supervisor_client.post(url, {"reason": "  "}, format="json")
    assert blank.status_code == 400
    r = supervisor_client.post(url, {"reason": "Heavy gift box, checked"}, format="json")

    # then: the label can be printed and the override is on the order's timeline
    assert r.status_code == 200, r.json()
    assert r.json()["step"] == "close"
    r = warehouse_client.post(f"/api/v1/wms/packages/{pkg}/close/", format="json")
    assert r.json()["step"] == "print_label", r.json()
    event = OrderEvent.objects.get(order=order, kind="weight_override")
    assert event.actor == supervisor_client.user.username
    assert "Heavy gift box, checked" in event.message


def test_the_override_service_refuses_an_operator(wh):
    # given: an out-of-tolerance package
    from common.exceptions import PermissionDenied
    from tests.screens import scenarios
    from tests.warehouse.builders import operator
    from warehouse.services import packing

    floor = scenarios.picked_order()
    step = packing.pack_start(
        warehouse_id=floor.warehouse.pk, code=floor.orders[0].number, actor=SYSTEM
    )
    pkg = step.data["package_id"]
    for _ in range(2):
        packing.pack_scan_item(package_id=pkg, item_code="TEE", actor=SYSTEM)
    packing.pack_record_weight(package_id=pkg, weight_g=2500, actor=SYSTEM)

    # when / then: an operator cannot override even when calling the service directly
    with pytest.raises(PermissionDenied):
        packing.pack_weight_override(package_id=pkg, reason="fine", actor=operator())
    assert Package.objects.get(pk=pkg).weight_override_at is None
