"""An order held for an unknown SKU is resolved by ops in the browser, end to end, at 360 px:
from the exceptions queue to the order page (which renders the unknown line), then either
mapping the SKU to an existing product there, or adding the product in the admin (the role's
permissions come from `migrate`, not from a manual setup step) and releasing the hold.
Issue 10, items 2 and 3."""

import pytest

from common import roles
from orders.models import Order
from tests.e2e.conftest import (
    click_and_wait,
    horizontal_overflow,
    serious_axe_violations,
    shot,
    sign_in,
)
from tests.factories.accounts import UserFactory
from tests.factories.channels_sync import channel_with_warehouses
from tests.screens import scenarios
from tests.warehouse.builders import bin_of, product, stocked

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _held_order():
    wh = scenarios.shipping_warehouse()
    ch = channel_with_warehouses(wh, code="web")
    stocked(product("TEE"), bin_of(wh, "A-01-01-1"), 5)
    order = scenarios.order(ch, [("TEE", 1), ("HOODIE-NEW", 1)])
    assert order.status == "on_hold"
    return wh, order


def _to_unknown_sku_card(phone, order):
    click_and_wait(
        phone,
        phone.get_by_role("navigation", name="Main menu").get_by_role("link", name="Exceptions"),
    )
    card = phone.locator("#unknown ~ .card").filter(has_text=order.number)
    assert "HOODIE-NEW" in card.inner_text()
    return card


def test_ops_maps_an_unknown_sku_on_the_order_page(phone):
    # given: the catalog has the hoodie as HOODIE-GRY, the channel sent HOODIE-NEW
    wh, order = _held_order()
    stocked(product("HOODIE-GRY"), bin_of(wh, "A-01-02-1"), 3)
    UserFactory(username="opsmap", roles=[roles.OPS_MANAGER])
    sign_in(phone, "opsmap")
    card = _to_unknown_sku_card(phone, order)

    # when: the order page opens (it used to answer 500)
    click_and_wait(phone, card.get_by_role("link", name=order.number))
    unknown = phone.get_by_test_id("unknown-line-HOODIE-NEW")
    assert "no product has this SKU" in unknown.inner_text()
    assert horizontal_overflow(phone) == 0
    assert serious_axe_violations(phone) == []
    shot(phone, "unknown-sku-01-order-page")
    unknown.get_by_text("Map HOODIE-NEW to an existing product").click()
    unknown.get_by_label("Existing product's SKU or barcode").fill("HOODIE-GRY")
    click_and_wait(phone, unknown.get_by_role("button", name="Map HOODIE-NEW"))

    # then: the hold released itself and the order went out to the warehouse
    assert "HOODIE-NEW now maps to HOODIE-GRY" in phone.locator(".messages").inner_text()
    assert phone.get_by_test_id("unknown-line-HOODIE-NEW").count() == 0
    assert phone.get_by_test_id("order-status").inner_text().strip() == "Released to warehouse"
    assert Order.objects.get(pk=order.pk).status == "released"
    assert horizontal_overflow(phone) == 0
    shot(phone, "unknown-sku-02-mapped")


def test_ops_adds_the_product_in_the_admin_and_releases_the_hold(phone):
    # given: an ops manager as `make run` creates one (staff, role group, nothing else)
    _wh, order = _held_order()
    UserFactory(username="opsadd", roles=[roles.OPS_MANAGER], is_staff=True)
    sign_in(phone, "opsadd")
    card = _to_unknown_sku_card(phone, order)

    # when: "Add product" (the admin) — the role may add products
    click_and_wait(phone, card.get_by_role("link", name="Add product"))
    assert "/admin/inventory/product/add/" in phone.url
    assert phone.get_by_label("Sku").count() == 1, phone.content()[:500]
    phone.get_by_label("Sku").fill("HOODIE-NEW")
    phone.get_by_label("Name").fill("Hoodie, new colour")
    shot(phone, "unknown-sku-03-admin-add")
    click_and_wait(phone, phone.get_by_role("button", name="Save", exact=True))
    assert "was added successfully" in phone.content()

    # and back in the queue the hold is released
    phone.goto("/dashboard/exceptions/")
    card = phone.locator("#unknown ~ .card").filter(has_text=order.number)
    click_and_wait(phone, card.get_by_role("button", name=f"Release hold on {order.number}"))

    # then
    assert "Hold released." in phone.locator(".messages").inner_text()
    order.refresh_from_db()
    assert order.holds.filter(released_at__isnull=True).count() == 0
    assert order.lines.get(sku="HOODIE-NEW").product.name == "Hoodie, new colour"
    assert horizontal_overflow(phone) == 0
    shot(phone, "unknown-sku-04-released")
