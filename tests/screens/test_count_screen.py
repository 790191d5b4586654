"""The count screen refuses an unknown code at the scan (error, nothing noted) and lets the
counter undo any one entry without re-scanning the bin. Issue 10, item 17."""

import pytest

from tests.warehouse.builders import SYSTEM, bin_of, on_hand, product, stocked
from tests.warehouse.builders import warehouse as make_warehouse
from warehouse.services.counts import cycle_count_create

pytestmark = pytest.mark.django_db


def _messages(response):
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


@pytest.fixture
def count():
    wh = make_warehouse()
    tee = product("TEE", barcode="0001")
    stocked(tee, bin_of(wh, "A-01-01-2"), 10)
    return cycle_count_create(bin_id=bin_of(wh, "A-01-01-2").pk, actor=SYSTEM)


def test_an_unknown_code_is_refused_at_the_scan(operator, count):
    url = f"/warehouse/count/{count.pk}/"

    page = operator.post(url, {"action": "add", "code": "NOPE", "quantity": "3"}, follow=True)

    assert _messages(page) == [("error", "No item has the code 'NOPE'. Nothing was noted.")]
    assert page.context["counted"] == []
    assert "NOPE" not in page.content.decode().split("Counted so far")[1]


def test_each_entry_can_be_undone_alone(operator, count):
    url = f"/warehouse/count/{count.pk}/"
    operator.post(url, {"action": "add", "code": "0001", "quantity": "6"})
    operator.post(url, {"action": "add", "code": "0001", "quantity": "40"})  # a slip
    page = operator.post(url, {"action": "add", "code": "TEE", "quantity": "4"}, follow=True)
    entries = page.context["counted"]
    assert [(e["code"], e["quantity"]) for e in entries] == [
        ("0001", 6),
        ("0001", 40),
        ("TEE", 4),
    ]
    assert "TEE" in page.content.decode()  # the item's SKU is shown next to what was scanned

    # when: the slip is undone
    page = operator.post(url, {"action": "undo", "entry": entries[1]["id"]}, follow=True)

    # then: only that entry is gone, and undoing it again changes nothing
    assert [(e["code"], e["quantity"]) for e in page.context["counted"]] == [
        ("0001", 6),
        ("TEE", 4),
    ]
    assert _messages(page)[0][0] == "success"
    page = operator.post(url, {"action": "undo", "entry": entries[1]["id"]}, follow=True)
    assert len(page.context["counted"]) == 2

    # and the submitted count is 6 + 4
    operator.post(url, {"action": "submit", "scan_id": "c-undo"})
    count.refresh_from_db()
    assert count.status == "applied"
    assert on_hand(count.bin.stock_levels.get().product, count.bin) == 10
