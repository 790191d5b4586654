import httpx
import pytest
from django.apps import apps

from channels_sync.models import Channel, InboundEvent, OutboxMessage
from channels_sync.services import marketplace_poll, outbox_drain
from tests.channels_sync.conftest import amazon_channel, fail, listed, shopify_channel
from tests.scenarios import stocked

pytestmark = pytest.mark.django_db

Order = apps.get_model("orders", "Order")


def _place(amazon, sku, qty=1, **extra):
    return httpx.post(
        f"{amazon.url}/_mock/orders",
        json={"items": [{"SellerSKU": sku, "QuantityOrdered": qty, "Amount": "20.00"}], **extra},
    ).json()["order"]


def test_poller_pages_with_next_token_and_imports_each_order_once(amazon, warehouse, pick_bin):
    # given 5 unshipped orders (page size 2 → 3 pages) and one still pending
    channel = amazon_channel(amazon, warehouse)
    product = listed(channel, channel_sku="AMZ-SKU-1")
    stocked(product, pick_bin, 50)
    placed = [_place(amazon, "AMZ-SKU-1", qty=2) for _ in range(5)]
    _place(amazon, "AMZ-SKU-1", OrderStatus="Pending")

    # when polled twice
    first = marketplace_poll(channel_id=channel.pk)
    second = marketplace_poll(channel_id=channel.pk)

    # then five orders, each once, with their items
    assert (first, second) == (5, 0)
    assert set(Order.objects.filter(channel=channel).values_list("external_id", flat=True)) == {
        o["AmazonOrderId"] for o in placed
    }
    assert {line.sku for o in Order.objects.all() for line in o.lines.all()} == {product.sku}
    get_orders = [r for r in amazon.app.requests if r["path"] == "/orders/v0/orders"]
    assert any("NextToken" in r["query"] for r in get_orders)
    assert InboundEvent.objects.filter(source="poll").count() == 5
    assert Channel.objects.get(pk=channel.pk).poll_cursor


def test_poller_honours_a_429_and_keeps_the_cursor(amazon, warehouse):
    from channels_sync.adapters.base import RateLimited

    channel = amazon_channel(amazon, warehouse)
    fail(amazon, "429", retry_after=60, path="/orders")

    with pytest.raises(RateLimited):
        marketplace_poll(channel_id=channel.pk)
    assert Channel.objects.get(pk=channel.pk).poll_cursor == ""


def test_sync_health_api(ops_client, cs_client, shopify, warehouse, pick_bin):
    shop = shopify_channel(shopify, warehouse)
    a, b = listed(shop), listed(shop)
    stocked(a, pick_bin, 1)
    outbox_drain(channel_id=shop.pk)
    stocked(b, pick_bin, 1)

    response = ops_client.get(f"/api/v1/channels/{shop.code}/sync-health/")
    listing = ops_client.get("/api/v1/channels/sync-health/")

    assert response.status_code == 200
    body = response.json()
    assert (body["backlog"], body["dead"], body["failing"]) == (1, 0, 0)
    assert body["last_success_at"] is not None
    assert body["oldest_unsent_age_seconds"] >= 0
    assert [h["channel_code"] for h in listing.json()] == ["shop-a"]
    assert cs_client.get("/api/v1/channels/sync-health/").status_code == 403


def test_retry_api_revives_a_dead_message_and_refuses_a_live_one(
    ops_client, shopify, warehouse, pick_bin, settings
):
    settings.CHANNELS_SYNC_MAX_ATTEMPTS = 1
    shop = shopify_channel(shopify, warehouse)
    stocked(listed(shop), pick_bin, 1)
    fail(shopify, "500")
    outbox_drain(channel_id=shop.pk)
    row = OutboxMessage.objects.get()
    assert row.is_dead

    ok = ops_client.post(f"/api/v1/outbox-messages/{row.pk}/retry/")
    again = ops_client.post(f"/api/v1/outbox-messages/{row.pk}/retry/")

    assert ok.status_code == 200
    assert ok.json()["dead_at"] is None
    assert again.status_code == 409
    assert ops_client.post("/api/v1/outbox-messages/999999/retry/").status_code == 404
