"""`make run` shows a shop-side cancel and a late payment: `manage.py demo_channel_updates`
(started by bin/run-mocks) against the Shopify mock and our real HTTP server."""

import pytest
from django.core.management import call_command

from orders.models import Order
from tests.channels_sync.conftest import listed, shopify_channel
from tests.scenarios import bin_of, small_warehouse, stocked

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_cancels_one_order_at_the_shop_and_pays_another_later(shopify, live_server):
    wh = small_warehouse("DEMO")
    shop = shopify_channel(shopify, wh, code="shopify-demo")
    for _ in range(2):
        stocked(listed(shop), bin_of(wh, "A-01-01-1"), 5)

    call_command(
        "demo_channel_updates", channel=shop.code, app_url=live_server.url, pay_after=0, wait=10
    )

    cancelled = Order.objects.get(channel=shop, customer_email="cancel.demo@example.com")
    paid = Order.objects.get(channel=shop, customer_email="late.payer@example.com")
    assert cancelled.status == "cancelled"
    assert paid.payment_status == "captured"
    assert paid.status == "released"
    timelines = {
        o.pk: [e.message for e in o.events.filter(kind="channel_update")] for o in (cancelled, paid)
    }
    assert any("orders/cancelled" in m and "cancelled" in m for m in timelines[cancelled.pk])
    assert any("orders/paid" in m and "payment captured" in m for m in timelines[paid.pk])
    assert paid.events.filter(kind="hold_released").exists()
