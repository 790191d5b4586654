"""The mock shop's own events — held, then released shuffled and each sent three times, to our
real HTTP server — converge to the right final orders, and a real Celery worker brings the
shop's available-to-sell to the truth (issue 11 items 3 and 7)."""

import os

import httpx
import pytest

from channels_sync.models import ChannelOrderUpdate, OutboxMessage
from orders.models import FulfillmentRequest, Order
from tests.channels_sync.conftest import listed, shopify_channel
from tests.channels_sync.worker import Worker, wait_for
from tests.factories.inventory import ProductFactory
from tests.scenarios import bin_of, small_warehouse, stocked

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def worker(transactional_db):
    w = Worker(redis_url=os.environ["REDIS_URL"])
    yield w
    w.kill()


def test_shuffled_repeated_shop_events_converge(shopify, worker, live_server):
    # given a shop fed by one warehouse with 20 units, and a worker draining the outbox
    wh = small_warehouse("UPD")
    shop = shopify_channel(shopify, wh)
    tee = ProductFactory(sku="UPD-TEE")
    listed(shop, tee)
    stocked(tee, bin_of(wh, "A-01-01-1"), 20)
    worker.start()
    item = str(7000 + tee.pk)
    mock = shopify.url
    hook = {
        "webhook_url": f"{live_server.url}/api/v1/channel-webhooks/{shop.code}/",
        "secret": shop.webhook_secret,
    }
    wait_for(lambda: shopify.app.inventory.get(item) == 20, timeout=40, message=worker.tail())

    # when the shop's deliveries are held while its buyers and staff act
    httpx.post(f"{mock}/_mock/deliveries", json={"hold": True}).raise_for_status()

    def place(**extra):
        line = {"variant_id": 8000 + tee.pk, "quantity": 3, "price": "15.00"}
        made = httpx.post(
            f"{mock}/_mock/orders", json={"line_items": [line], **extra, **hook}
        ).json()
        return str(made["order"]["id"])

    def event(order_id, topic, **changes):
        httpx.post(
            f"{mock}/_mock/orders/{order_id}/events",
            json={"topic": topic, "changes": changes, **hook},
        ).raise_for_status()

    late_payer = place(financial_status="pending")
    cancelled = place()
    moved = place()
    event(late_payer, "orders/paid")
    event(cancelled, "orders/cancelled", reason="customer")
    event(moved, "orders/updated", shipping_address={"address1": "9 Elm St", "zip": "62702"})
    event(moved, "orders/updated", shipping_address={"address1": "10 Elm St"})

    # and then sent all at once: shuffled (updates before their creates, older after newer),
    # every delivery three times
    sent = httpx.post(
        f"{mock}/_mock/deliveries/release",
        json={"order": "shuffle", "seed": 1, "repeat": 3},
        timeout=120,
    ).json()["sent"]
    assert sent == 7 * 3

    # then each order is what the shop says
    paid = Order.objects.get(channel=shop, external_id=late_payer)
    assert paid.payment_status == "captured"
    assert paid.status == "released"
    assert not paid.holds.filter(released_at__isnull=True).exists()
    gone = Order.objects.get(channel=shop, external_id=cancelled)
    assert gone.status == "cancelled"
    assert not FulfillmentRequest.objects.filter(order=gone).exclude(status="cancelled").exists()
    address = Order.objects.get(channel=shop, external_id=moved)
    assert address.shipping_address["line1"] == "10 Elm St"
    assert address.shipping_address["postal_code"] == "62702"
    assert Order.objects.filter(channel=shop).count() == 3
    assert not ChannelOrderUpdate.objects.filter(status="pending").exists()
    # (the hazards happened: updates came before their creates, and older after newer)
    assert ChannelOrderUpdate.objects.filter(early=True).exists()
    assert ChannelOrderUpdate.objects.filter(status__in=["older", "superseded"]).exists()
    # and the shop's ATS converges: 20 − 3 (paid) − 3 (moved); the cancelled 3 are back
    wait_for(
        lambda: shopify.app.inventory.get(item) == 14,
        timeout=40,
        message=f"ATS {shopify.app.inventory.get(item)}\n{worker.tail()}",
    )
    assert not OutboxMessage.objects.filter(topic="cancellation").exists()
    assert not OutboxMessage.objects.filter(dead_at__isnull=False).exists()
