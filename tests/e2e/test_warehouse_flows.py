"""A picker completes a batch pick by typing scans (with a wrong scan and a short pick); a packer
packs an order and gets a label. 360×740 phone, headless Chromium, screenshots of each screen."""

import re

import pytest

from orders.models import Order
from tests.e2e.conftest import click_and_wait, horizontal_overflow, shot, sign_in
from tests.factories.accounts import UserFactory
from tests.screens import scenarios
from warehouse.models import Package, PickLine

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BARCODES = {"TEE": "4000000000017"}  # scan the barcode where the item has one, else the SKU


def _scan(page, label: str, code: str) -> None:
    field = page.get_by_label(label)
    assert field.evaluate("el => el === document.activeElement"), f"{label} is not focused"
    field.fill(code)
    with page.expect_navigation():
        field.press("Enter")


def _expected(page) -> str:
    return page.get_by_test_id("expect-value").inner_text().strip()


def test_picker_completes_a_batch_pick_with_a_wrong_scan_and_a_short_pick(phone):
    # given: two orders in one released wave
    floor = scenarios.released_batch()
    UserFactory(username="picker", roles=["warehouse_operator"])
    sign_in(phone, "picker")
    assert phone.url.endswith("/warehouse/")
    shot(phone, "pick-00-tasks")
    click_and_wait(phone, phone.get_by_role("link", name=re.compile("^Pick")).first)
    shot(phone, "pick-01-lists")
    click_and_wait(phone, phone.get_by_role("link", name=re.compile(floor.pick_list.number)))
    assert horizontal_overflow(phone) == 0
    shot(phone, "pick-02-first-bin")

    # when: a wrong bin scan first
    expected_bin = _expected(phone)
    _scan(phone, "Scan bin", "Z-99-99")
    error = phone.get_by_test_id("feedback-error")
    assert f"pick from {expected_bin}" in error.inner_text()
    assert _expected(phone) == expected_bin  # still waiting for the same bin
    shot(phone, "pick-03-wrong-bin")

    # then walk the route, reading each expected scan off the screen
    picks = shorts = 0
    while phone.get_by_label("Scan bin").count():
        bin_code = _expected(phone)
        _scan(phone, "Scan bin", bin_code)
        sku = _expected(phone)
        _scan(phone, "Scan item", BARCODES.get(sku, sku))
        assert phone.get_by_label("Scan tote").count() == 1
        if sku == "CAP":
            phone.get_by_text("Not enough in the bin? Short pick").click()
            found = phone.get_by_label(re.compile("^Units found in"))
            found.fill("1")
            click_and_wait(phone, phone.get_by_role("button", name="Report short pick"))
            shot(phone, "pick-05-short-pick")
            assert "reported short" in phone.locator(".feedback").first.inner_text()
            shorts += 1
        else:
            tote = _expected(phone)
            if picks == 0:
                shot(phone, "pick-04-quantity-and-tote")
            _scan(phone, "Scan tote", tote)
            assert phone.get_by_test_id("feedback-success").count() == 1
            picks += 1
        assert horizontal_overflow(phone) == 0

    # then the list is complete: every unit picked except the one short CAP
    assert "Complete" in phone.get_by_test_id("expect").inner_text()
    shot(phone, "pick-06-complete")
    assert (picks, shorts) == (3, 1)
    lines = PickLine.objects.filter(pick_list=floor.pick_list)
    assert sum(line.quantity_picked for line in lines) == 5
    assert sum(line.quantity_short for line in lines) == 1


def test_packer_packs_an_order_and_gets_a_label(phone):
    # given: one picked order in its tote
    floor = scenarios.picked_order()
    order = floor.orders[0]
    tote = PickLine.objects.filter(pick_list=floor.pick_list).first().tote_code
    UserFactory(username="packer", roles=["warehouse_operator"])
    sign_in(phone, "packer")
    click_and_wait(phone, phone.get_by_role("link", name=re.compile("^Pack")).first)
    shot(phone, "pack-01-station")

    # when: the tote is scanned and each item verified
    _scan(phone, "Scan tote or order", tote)
    shot(phone, "pack-02-items")
    _scan(phone, "Scan item", "WRONG-ITEM")
    assert phone.get_by_test_id("feedback-error").count() == 1
    for _ in range(2):
        _scan(phone, "Scan item", BARCODES["TEE"])
    package = Package.objects.get(order_number=order.number)
    shot(phone, "pack-03-box-and-weight")
    _scan(phone, "Weight (grams)", str(package.expected_weight_g))
    click_and_wait(phone, phone.get_by_role("button", name="Print label"))

    # then: the label is there to print, with its tracking number
    package.refresh_from_db()
    assert phone.get_by_test_id("tracking").inner_text().strip() == package.tracking_number
    label = phone.get_by_test_id("label-link")
    response = phone.request.get(label.get_attribute("href"))
    assert response.status == 200
    assert response.body().startswith(b"%PDF")
    shot(phone, "pack-04-label")
    assert horizontal_overflow(phone) == 0
    click_and_wait(phone, phone.get_by_role("button", name="Handed to carrier"))
    shot(phone, "pack-05-shipped")
    assert Order.objects.get(pk=order.pk).status == "shipped"
