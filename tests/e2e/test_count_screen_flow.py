"""A counter scans a bin on a 360-px phone: an unknown barcode is refused at the scan in red (not
a green "noted" that fails at Submit), a slip is undone on its own, and the count submits.
Issue 10, item 17."""

import pytest

from tests.e2e.conftest import (
    click_and_wait,
    horizontal_overflow,
    serious_axe_violations,
    shot,
    sign_in,
)
from tests.factories.accounts import UserFactory
from tests.warehouse.builders import SYSTEM, bin_of, on_hand, product, stocked
from tests.warehouse.builders import warehouse as make_warehouse
from warehouse.models import CycleCount
from warehouse.services.counts import cycle_count_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _scan(page, code: str, quantity: str) -> None:
    page.get_by_label("Scan item").fill(code)
    page.get_by_label("Quantity").fill(quantity)
    click_and_wait(page, page.get_by_role("button", name="Add", exact=True))


def test_counter_is_told_at_once_about_an_unknown_code_and_undoes_a_slip(phone):
    # given: a bin with 10 tees, to count
    wh = make_warehouse()
    tee = product("TEE", barcode="4000000000017")
    stocked(tee, bin_of(wh, "A-01-01-2"), 10)
    count = cycle_count_create(bin_id=bin_of(wh, "A-01-01-2").pk, actor=SYSTEM)
    UserFactory(username="counter", roles=["warehouse_operator"])
    sign_in(phone, "counter")
    phone.goto(f"/warehouse/count/{count.pk}/")

    # when: a code nobody knows
    _scan(phone, "9999999999999", "3")

    # then: red, said at the scan, and nothing noted
    error = phone.get_by_test_id("feedback-error")
    assert "No item has the code '9999999999999'" in error.inner_text()
    color = error.evaluate("el => getComputedStyle(el).color")
    red, green, _blue = (int(c) for c in color[color.index("(") + 1 : -1].split(",")[:3])
    assert red > 120 > green, color
    assert phone.get_by_test_id("entry").count() == 0
    assert horizontal_overflow(phone) == 0
    shot(phone, "count-01-unknown-code")

    # when: 6 tees, then a slip (60), then 4 more; the slip is undone
    _scan(phone, "4000000000017", "6")
    assert phone.get_by_test_id("feedback-success").count() == 1
    _scan(phone, "4000000000017", "60")
    _scan(phone, "TEE", "4")
    assert phone.get_by_test_id("entry").count() == 3
    shot(phone, "count-02-three-entries")
    click_and_wait(phone, phone.get_by_role("button", name="Undo 60 × 4000000000017"))

    # then: only the slip is gone
    entries = phone.get_by_test_id("entry")
    assert entries.count() == 2
    assert "60" not in phone.get_by_test_id("counted").inner_text()
    assert "Removed 60 × 4000000000017" in phone.get_by_test_id("feedback-success").inner_text()
    assert horizontal_overflow(phone) == 0
    assert serious_axe_violations(phone) == []
    shot(phone, "count-03-slip-undone")

    # when submitted: 6 + 4 = 10, as the bin holds
    click_and_wait(phone, phone.get_by_role("button", name="Submit count"))
    assert CycleCount.objects.get(pk=count.pk).status == "applied"
    assert on_hand(tee, bin_of(wh, "A-01-01-2")) == 10
