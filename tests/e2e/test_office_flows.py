"""Customer service finds orders by email and by tracking number and cancels an unpicked order;
ops releases a hold from the exceptions queue. 360×740 phone, headless Chromium."""

import re

import pytest

from common import roles
from orders import services as orders_services
from orders.choices import HoldKind
from orders.models import Hold, Order
from tests.e2e.conftest import (
    click_and_wait,
    horizontal_overflow,
    serious_axe_violations,
    shot,
    sign_in,
)
from tests.factories.accounts import UserFactory
from tests.screens import scenarios
from tests.warehouse.builders import SYSTEM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _search(page, text: str) -> None:
    field = page.get_by_label(re.compile("^Order number, external id, email"))
    field.fill(text)
    field.press("Enter")
    # Enter loads the full page; htmx may also have swapped the list as the text was typed.
    # Either way, wait until the list on screen is the answer to this text.
    page.wait_for_load_state()
    page.wait_for_function(
        "q => (document.getElementById('search-results')?.innerText || '').includes(q)",
        arg=text,
    )


def test_cs_finds_orders_by_email_and_tracking_and_cancels_an_unpicked_one(phone):
    # given: Ada's order shipped, Alan's released but not picked
    shipped, unpicked, tracking = scenarios.shipped_and_open_orders()
    UserFactory(username="agent", roles=[roles.CUSTOMER_SERVICE])
    sign_in(phone, "agent")
    assert phone.url.endswith("/orders/")
    shot(phone, "cs-01-search")

    # when: by email
    _search(phone, "ada@example.com")
    results = phone.get_by_test_id("results")
    assert results.get_by_role("link").count() == 1
    assert shipped.number in results.inner_text()
    shot(phone, "cs-02-results-by-email")

    # when: typing alone (no Enter) — htmx swaps just the result list, the page stays
    phone.evaluate("window.__samePage = true")
    phone.get_by_label(re.compile("^Order number, external id, email")).fill("alan@example.com")
    phone.wait_for_function(
        "n => (document.querySelector('[data-testid=results]')?.innerText || '').includes(n)",
        arg=unpicked.number,
    )
    assert phone.evaluate("window.__samePage") is True  # no navigation happened
    assert "q=alan" in phone.url  # the address bar follows (hx-push-url), so Back works
    shot(phone, "cs-02b-results-as-you-type")

    # when: by tracking number
    _search(phone, tracking)
    click_and_wait(
        phone, phone.get_by_test_id("results").get_by_role("link", name=re.compile(shipped.number))
    )
    assert phone.get_by_test_id("order-status").inner_text().strip() == "Shipped"
    assert tracking in phone.get_by_test_id("shipments").inner_text()
    assert "Shipped" in phone.get_by_test_id("timeline").inner_text()
    assert horizontal_overflow(phone) == 0
    assert serious_axe_violations(phone) == []
    shot(phone, "cs-03-shipped-order")

    # when: Alan's unpicked order is cancelled
    _search(phone, "alan@example.com")
    click_and_wait(
        phone, phone.get_by_test_id("results").get_by_role("link", name=re.compile(unpicked.number))
    )
    phone.get_by_text("Cancel order", exact=True).first.click()  # opens the section
    phone.get_by_label("Reason for cancelling").fill("Customer asked by phone")
    click_and_wait(phone, phone.get_by_role("button", name="Cancel order"))

    # then
    assert f"Order {unpicked.number} is cancelled." in phone.locator(".messages").inner_text()
    assert phone.get_by_test_id("order-status").inner_text().strip() == "Cancelled"
    assert Order.objects.get(pk=unpicked.pk).status == "cancelled"
    assert horizontal_overflow(phone) == 0
    shot(phone, "cs-04-cancelled")


def test_ops_releases_a_hold_from_the_exceptions_queue(phone):
    # given: an order on a manual hold
    wh = scenarios.shipping_warehouse()
    from tests.factories.channels_sync import channel_with_warehouses
    from tests.warehouse.builders import bin_of, product, stocked

    ch = channel_with_warehouses(wh, code="web")
    stocked(product("TEE"), bin_of(wh, "A-01-01-1"), 5)
    order = scenarios.order(ch, [("TEE", 1)])
    hold = orders_services.order_hold_place(
        order_id=order.pk, kind=HoldKind.MANUAL, reason="Confirm address by phone", actor=SYSTEM
    )
    UserFactory(username="opsuser", roles=[roles.OPS_MANAGER])
    sign_in(phone, "opsuser")

    # then the dashboard comes first, with its charts, readable at 360 px
    assert phone.url.endswith("/dashboard/")
    phone.wait_for_function(
        "() => window.Chart && document.querySelector('#chart-orders').width > 0"
    )
    assert horizontal_overflow(phone) == 0
    assert serious_axe_violations(phone) == []
    shot(phone, "ops-01-dashboard")

    # when
    click_and_wait(
        phone,
        phone.get_by_role("navigation", name="Main menu").get_by_role("link", name="Exceptions"),
    )
    assert horizontal_overflow(phone) == 0
    assert serious_axe_violations(phone) == []
    shot(phone, "ops-02-exceptions")
    card = phone.get_by_test_id(f"hold-{order.number}")
    card.get_by_label("Release note").fill("Customer confirmed")
    click_and_wait(phone, card.get_by_role("button", name=f"Release hold on {order.number}"))

    # then
    assert "Hold released." in phone.locator(".messages").inner_text()
    assert phone.get_by_test_id(f"hold-{order.number}").count() == 0
    hold = Hold.objects.get(pk=hold.pk)
    assert hold.released_at is not None
    assert hold.release_note == "Customer confirmed"
    shot(phone, "ops-03-released")
