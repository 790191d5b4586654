import json

import httpx
import pytest

from channels_sync import ratelimit, selectors
from channels_sync.adapters.woocommerce import WooCommerceAdapter
from channels_sync.models import Listing, OutboxMessage
from channels_sync.services import channel_reconcile, outbox_drain, outbox_message_retry
from common.types import Actor
from tests.channels_sync.conftest import (
    amazon_channel,
    fail,
    listed,
    shopify_channel,
    woo_channel,
)
from tests.factories.inventory import ProductFactory
from tests.scenarios import stocked

pytestmark = pytest.mark.django_db

OPS = Actor.system("ops")


def _graphql_sets(server):
    return [
        json.loads(r["body"])["variables"]["input"]
        for r in server.app.requests
        if r["path"].endswith("/graphql.json") and "inventorySetQuantities" in r["body"]
    ]


def test_shopify_receives_ats_with_safety_stock_and_compare_quantity(shopify, warehouse, pick_bin):
    # given a Shopify-style channel holding back 2 units and 10% of each SKU
    shop = shopify_channel(shopify, warehouse, safety_stock=2, buffer_percent=10)
    product = listed(shop)
    stocked(product, pick_bin, 20)

    # when the outbox is drained
    result = outbox_drain(channel_id=shop.pk)

    # then the channel holds 20 - 2 - 2 = 16, set with compare-and-set
    item = str(7000 + product.pk)
    assert shopify.app.inventory[item] == 16
    (mutation,) = _graphql_sets(shopify)
    assert mutation["quantities"][0]["compareQuantity"] is None
    assert mutation["quantities"][0]["locationId"] == "gid://shopify/Location/1"
    assert result.pushed == 1
    row = OutboxMessage.objects.get(channel=shop)
    assert (row.sent_version, row.version, row.pending_since) == (1, 1, None)
    listing = Listing.objects.get(channel=shop)
    assert (listing.last_pushed_quantity, listing.last_pushed_version) == (16, 1)

    # and the next change compares against the value we set
    stocked(product, pick_bin, 10)
    outbox_drain(channel_id=shop.pk)
    assert shopify.app.inventory[item] == 25
    assert _graphql_sets(shopify)[-1]["quantities"][0]["compareQuantity"] == 16


def test_many_skus_are_batched_250_per_mutation(shopify, warehouse, pick_bin):
    shop = shopify_channel(shopify, warehouse)
    products = [listed(shop, ProductFactory()) for _ in range(260)]
    for product in products:
        stocked(product, pick_bin, 3)

    # Drain until nothing is left: one drain's time budget may end after the first batch on a
    # slow machine, and that must not change what is pushed.
    for _ in range(10):
        if not outbox_drain(channel_id=shop.pk).more:
            break

    sizes = [len(m["quantities"]) for m in _graphql_sets(shopify)]
    assert sorted(sizes) == [10, 250]
    assert all(shopify.app.inventory[str(7000 + p.pk)] == 3 for p in products)
    assert selectors.sync_health(channel_ids=[shop.pk])[0].backlog == 0


def test_429_is_honoured_without_counting_an_attempt(shopify, warehouse, pick_bin, clock):
    # given: the channel answers 429 with Retry-After: 30 once; time only moves when we say so
    shop = shopify_channel(shopify, warehouse)
    product = listed(shop)
    stocked(product, pick_bin, 4)
    fail(shopify, "429", count=1, retry_after=30)

    # when
    first = outbox_drain(channel_id=shop.pk)

    # then: no attempt counted, and nobody pushes until Retry-After has passed
    row = OutboxMessage.objects.get(channel=shop)
    assert first.retry_in == pytest.approx(30)
    assert (row.sent_version, row.attempts) == (0, 0)
    clock.shift(29)
    assert outbox_drain(channel_id=shop.pk).pushed == 0
    assert ratelimit.rate_limit_take(channel_id=shop.pk, rate=10, burst=10) == pytest.approx(
        1, abs=0.01
    )
    clock.shift(2)
    assert outbox_drain(channel_id=shop.pk).pushed == 1
    assert shopify.app.inventory[str(7000 + product.pk)] == 4


def test_repeated_500s_back_off_then_park_dead_and_ops_retry_delivers(
    shopify, warehouse, pick_bin, settings, clock
):
    settings.CHANNELS_SYNC_MAX_ATTEMPTS = 3
    shop = shopify_channel(shopify, warehouse)
    product = listed(shop)
    stocked(product, pick_bin, 6)
    fail(shopify, "500", count=3)

    for _ in range(3):
        outbox_drain(channel_id=shop.pk)
        clock.shift(1)  # past the back-off (capped at 0.05 s in these tests)

    row = OutboxMessage.objects.get(channel=shop)
    assert row.is_dead
    assert row.attempts == 3
    assert "500" in row.last_error
    health = selectors.sync_health(channel_ids=[shop.pk])[0]
    assert (health.dead, health.backlog) == (1, 0)
    assert outbox_drain(channel_id=shop.pk).pushed == 0  # dead rows are not retried by workers

    outbox_message_retry(message_id=row.pk, actor=OPS)
    assert outbox_drain(channel_id=shop.pk).pushed == 1
    assert shopify.app.inventory[str(7000 + product.pk)] == 6


def test_a_value_changed_at_the_channel_is_detected_and_overwritten(shopify, warehouse, pick_bin):
    # given the channel was set to 5 by us, then someone edited it to 17 at the channel
    shop = shopify_channel(shopify, warehouse)
    product = listed(shop)
    stocked(product, pick_bin, 5)
    outbox_drain(channel_id=shop.pk)
    item = str(7000 + product.pk)
    httpx.post(f"{shopify.url}/_mock/inventory", json={"items": {item: 17}})

    # when stock changes again
    stocked(product, pick_bin, 1)
    outbox_drain(channel_id=shop.pk)

    # then the compare-and-set was refused once, the value learned, and the truth pushed
    assert shopify.app.rejected_sets == 1
    assert shopify.app.inventory[item] == 6
    assert Listing.objects.get(channel=shop).last_pushed_quantity == 6


def test_woocommerce_batch_update_and_older_version_never_overwrites(woo, warehouse, pick_bin):
    channel = woo_channel(woo, warehouse)
    simple = listed(channel, external_variant_id="")
    variant = listed(channel)
    httpx.post(
        f"{woo.url}/_mock/products",
        json={
            "products": [
                {"id": 9000 + simple.pk, "sku": simple.sku},
                {"id": 9000 + variant.pk, "type": "variable"},
                {"id": 8000 + variant.pk, "sku": variant.sku, "parent_id": 9000 + variant.pk},
            ]
        },
    ).raise_for_status()
    stocked(simple, pick_bin, 7)
    stocked(variant, pick_bin, 2)

    outbox_drain(channel_id=channel.pk)

    assert woo.app.products[str(9000 + simple.pk)]["stock_quantity"] == 7
    assert woo.app.products[str(8000 + variant.pk)]["stock_quantity"] == 2
    paths = sorted(r["path"] for r in woo.app.requests)
    assert paths == sorted(
        [
            "/wp-json/wc/v3/products/batch",
            f"/wp-json/wc/v3/products/{9000 + variant.pk}/variations/batch",
        ]
    )

    # a push carrying an older version than the store holds is refused by the store
    WooCommerceAdapter(base_url=woo.url, credentials=channel.credentials).client.post(
        "/wp-json/wc/v3/products/batch",
        json={
            "update": [
                {
                    "id": 9000 + simple.pk,
                    "stock_quantity": 1,
                    "meta_data": [{"key": "_oms_stock_version", "value": "99"}],
                }
            ]
        },
    )
    stocked(simple, pick_bin, 1)
    outbox_drain(channel_id=channel.pk)
    assert woo.app.products[str(9000 + simple.pk)]["stock_quantity"] == 1
    assert not OutboxMessage.objects.get(channel=channel, key=str(simple.pk)).is_pending


def test_amazon_inventory_feed(amazon, warehouse, pick_bin):
    channel = amazon_channel(amazon, warehouse, safety_stock=1)
    product = listed(channel)
    stocked(product, pick_bin, 9)

    outbox_drain(channel_id=channel.pk)

    assert amazon.app.stock == {product.sku: 8}
    (feed,) = amazon.app.feeds.values()
    assert feed["feedType"] == "JSON_LISTINGS_FEED"


def test_reconciliation_repushes_only_values_that_differ(shopify, warehouse, pick_bin):
    shop = shopify_channel(shopify, warehouse)
    a, b = listed(shop), listed(shop)
    stocked(a, pick_bin, 3)
    stocked(b, pick_bin, 4)
    outbox_drain(channel_id=shop.pk)
    Listing.objects.filter(channel=shop, product=b).update(last_pushed_quantity=99)

    repushed = channel_reconcile(channel_id=shop.pk)

    assert repushed == [b.pk]
    assert list(OutboxMessage.objects.filter(version__gt=0).values_list("key", "version")) in (
        [(str(a.pk), 1), (str(b.pk), 2)],
        [(str(b.pk), 2), (str(a.pk), 1)],
    )
