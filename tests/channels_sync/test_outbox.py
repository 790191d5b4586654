import pytest
from django.db import transaction

from channels_sync import outbox
from channels_sync.models import OutboxMessage
from tests.channels_sync.conftest import listed, shopify_channel, woo_channel
from tests.factories.channels_sync import ChannelFactory
from tests.scenarios import small_warehouse, stocked

pytestmark = pytest.mark.django_db


def test_stock_change_writes_one_row_per_listing_channel(shopify, woo, warehouse, pick_bin):
    # given two channels fed by the warehouse, one listing the product, and one not fed at all
    shop = shopify_channel(shopify, warehouse)
    woo_ch = woo_channel(woo, warehouse)
    other = shopify_channel(shopify, small_warehouse("FAR", aisles=1, bays=1, levels=1), code="far")
    product = listed(shop)
    listed(woo_ch, product)
    listed(other, product, channel_sku="X-far")

    # when stock arrives
    stocked(product, pick_bin, 5)

    # then exactly the two feeding channels have a pending stock row
    rows = OutboxMessage.objects.filter(topic="stock").order_by("channel__code")
    assert [(r.channel.code, r.key, r.version, r.sent_version) for r in rows] == [
        ("shop-a", str(product.pk), 1, 0),
        ("woo-a", str(product.pk), 1, 0),
    ]


def test_changes_coalesce_into_one_row_per_channel_and_sku(shopify, warehouse, pick_bin):
    shop = shopify_channel(shopify, warehouse)
    product = listed(shop)

    for _ in range(4):
        stocked(product, pick_bin, 1)

    row = OutboxMessage.objects.get(channel=shop, topic="stock")
    assert (row.version, row.sent_version, row.attempts) == (4, 0, 0)
    assert row.pending_since is not None


def test_rolled_back_change_writes_nothing(shopify, warehouse, pick_bin):
    shop = shopify_channel(shopify, warehouse)
    product = listed(shop)

    def caller():
        with transaction.atomic():
            stocked(product, pick_bin, 3)
            raise RuntimeError("caller fails")

    with pytest.raises(RuntimeError):
        caller()

    assert not OutboxMessage.objects.exists()


def test_unlisted_product_and_custom_channel_write_nothing(warehouse, pick_bin):
    from tests.factories.inventory import ProductFactory

    custom = ChannelFactory(kind="custom")
    stocked(ProductFactory(), pick_bin, 3)
    outbox.order_status_changed(order_id=1, channel_id=custom.pk, status="shipped")
    outbox.shipment_confirmed(order_id=1, channel_id=custom.pk, shipment_id=9)

    assert not OutboxMessage.objects.exists()


def test_order_topics_write_rows_for_pushed_channels(shopify, warehouse):
    shop = shopify_channel(shopify, warehouse)

    outbox.order_status_changed(order_id=7, channel_id=shop.pk, status="on_hold")
    outbox.order_status_changed(order_id=7, channel_id=shop.pk, status="routed")
    outbox.shipment_confirmed(order_id=7, channel_id=shop.pk, shipment_id=3)
    outbox.order_cancelled(order_id=8, channel_id=shop.pk, line_ids=[1])

    rows = {(r.topic, r.key): r for r in OutboxMessage.objects.all()}
    assert rows[("order_status", "7")].payload == {"order_id": 7, "status": "routed"}
    assert rows[("order_status", "7")].version == 2
    assert rows[("shipment", "3")].payload == {"order_id": 7, "shipment_id": 3}
    assert rows[("cancellation", "8")].payload == {"order_id": 8, "line_ids": [1]}


def test_one_drain_is_queued_per_channel_per_transaction(
    shopify, warehouse, pick_bin, django_capture_on_commit_callbacks
):
    shop = shopify_channel(shopify, warehouse)
    products = [listed(shop) for _ in range(5)]

    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for product in products:
            stocked(product, pick_bin, 2)

    assert len([c for c in callbacks if getattr(c, "func", None) is outbox._kick]) == 1
    assert OutboxMessage.objects.filter(channel=shop).count() == 5
