"""Pick and pack scanner screens through the Django test client (PRG, next expected scan)."""

import pytest

from orders.models import Order
from tests.screens import scenarios
from warehouse.models import Package, PickLine

pytestmark = pytest.mark.django_db


def _expect(response) -> str:
    return response.context["step"].data if "step" in response.context else {}


def _messages(response):
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def test_pick_list_page_lists_open_pick_lists_with_bounded_queries(
    operator, django_assert_max_num_queries
):
    floor = scenarios.released_batch()
    with django_assert_max_num_queries(12):
        response = operator.get("/warehouse/pick/")
    assert response.status_code == 200
    assert [pl.pk for pl in response.context["pick_lists"]] == [floor.pick_list.pk]
    assert response.context["pick_lists"][0].orders == 2


def test_wrong_bin_scan_says_what_was_expected_and_changes_nothing(operator):
    # given
    floor = scenarios.released_batch()
    url = f"/warehouse/pick/{floor.pick_list.pk}/"
    first = operator.get(url)
    expected_bin = first.context["step"].data["bin"]
    line_id = first.context["step"].data["pick_line_id"]
    # when
    response = operator.post(url + "scan/", {"code": "Z-99", "line": line_id}, follow=True)
    # then
    assert _messages(response) == [
        ("error", f"Wrong bin: you scanned 'Z-99', pick from {expected_bin}.")
    ]
    assert response.context["phase"] == "bin"
    assert PickLine.objects.get(pk=line_id).quantity_picked == 0


def test_picker_completes_the_batch_with_a_short_pick(operator):
    # given
    floor = scenarios.released_batch()
    url = f"/warehouse/pick/{floor.pick_list.pk}/"
    page = operator.get(url)
    shorts = 0
    # when: walk the route by scanning; CAP is short (1 of 2 found)
    while page.context["phase"] != "done":
        d = page.context["step"].data
        operator.post(url + "scan/", {"code": d["bin"], "line": d["pick_line_id"]})
        page = operator.post(
            url + "scan/", {"code": d["sku"], "line": d["pick_line_id"]}, follow=True
        )
        assert page.context["phase"] == "confirm"
        if d["sku"] == "CAP":
            page = operator.post(
                url + "short/",
                {"line": d["pick_line_id"], "found": 1, "scan_id": "s1"},
                follow=True,
            )
            shorts += 1
            assert "1 reported short to the order system" in _messages(page)[0][1]
        else:
            page = operator.post(
                url + "confirm/",
                {
                    "line": d["pick_line_id"],
                    "quantity": d["quantity"],
                    "tote": d["tote"],
                    "scan_id": f"c{d['pick_line_id']}",
                },
                follow=True,
            )
            assert _messages(page)[0][0] == "success"
    # then
    assert shorts == 1
    assert "Complete" in page.content.decode()
    lines = PickLine.objects.filter(pick_list=floor.pick_list)
    assert sum(line.quantity_picked for line in lines) == 5  # 2 TEE + 1 MUG + 1 TEE + 1 CAP
    assert sum(line.quantity_short for line in lines) == 1


def test_double_submitted_confirm_picks_once(operator):
    floor = scenarios.released_batch()
    url = f"/warehouse/pick/{floor.pick_list.pk}/"
    d = operator.get(url).context["step"].data
    operator.post(url + "scan/", {"code": d["bin"], "line": d["pick_line_id"]})
    operator.post(url + "scan/", {"code": d["sku"], "line": d["pick_line_id"]})
    body = {
        "line": d["pick_line_id"],
        "quantity": d["quantity"],
        "tote": d["tote"],
        "scan_id": "dup",
    }
    operator.post(url + "confirm/", body)
    operator.post(url + "confirm/", body)
    assert PickLine.objects.get(pk=d["pick_line_id"]).quantity_picked == d["quantity"]


def test_packer_packs_and_gets_a_label_then_ships(operator):
    # given
    floor = scenarios.picked_order()
    order = floor.orders[0]
    # when: wrong start code, then the order number
    page = operator.post("/warehouse/pack/", {"code": "NOPE"}, follow=True)
    assert _messages(page) == [("error", "No tote or order 'NOPE' to pack here.")]
    page = operator.post("/warehouse/pack/", {"code": order.number}, follow=True)
    package = Package.objects.get(order_number=order.number)
    url = f"/warehouse/pack/{package.pk}/"
    assert page.context["phase"] == "items"
    wrong = operator.post(url + "item/", {"code": "MUG-X"}, follow=True)
    assert _messages(wrong)[0][0] == "error"
    for n in range(2):
        page = operator.post(
            url + "item/", {"code": "4000000000017", "scan_id": f"p{n}"}, follow=True
        )
    assert page.context["phase"] == "weigh"
    package.refresh_from_db()
    page = operator.post(
        url + "weigh/",
        {"box": package.box.code, "weight_g": package.expected_weight_g},
        follow=True,
    )
    assert page.context["phase"] == "close"
    page = operator.post(url + "close/", follow=True)
    # then: a label
    assert page.context["phase"] == "label"
    package.refresh_from_db()
    assert package.tracking_number
    label = operator.get(f"/shipping/labels/{package.tracking_number}.pdf")
    assert label.status_code == 200
    assert label.content.startswith(b"%PDF")
    page = operator.post(url + "ship/", follow=True)
    assert page.context["phase"] == "shipped"
    assert Order.objects.get(pk=order.pk).status == "shipped"
