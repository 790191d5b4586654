"""Against a real Celery worker process, real Redis and Postgres: stock and tracking reach the
channels, and failures (429/500, a SIGKILLed worker, a Redis restart) still converge to exactly
the true values, in order, with no order imported twice."""

import os
import random

import httpx
import pytest
from django.db.models import F

from channels_sync.models import Channel, Listing, OutboxMessage
from channels_sync.services.sync import channel_ats
from common.types import Actor
from inventory import services as inventory_services
from orders.models import FulfillmentRequest, Order
from shipping import services as shipping_services
from tests.channels_sync.conftest import (
    amazon_channel,
    fail,
    listed,
    shopify_channel,
    woo_channel,
)
from tests.channels_sync.worker import RedisServer, Worker, wait_for
from tests.factories.inventory import ProductFactory
from tests.scenarios import bin_of, small_warehouse, stocked

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

SYSTEM = Actor.system("test")


def _channel_values(channel, products, servers):
    kind = channel.kind
    app = servers[kind].app
    with app.lock:
        if kind == "shopify":
            return {p.pk: app.inventory.get(str(7000 + p.pk)) for p in products}
        if kind == "woocommerce":
            return {
                p.pk: (app.products.get(str(8000 + p.pk)) or {}).get("stock_quantity")
                for p in products
            }
        return {p.pk: app.stock.get(p.sku) for p in products}


def _all_true(channels, products, servers):
    for channel in channels:
        truth = channel_ats(channel=channel, product_ids=[p.pk for p in products])
        if _channel_values(channel, products, servers) != truth:
            return False
    return True


def _mismatches(channels, products, servers):
    out = {}
    for channel in channels:
        truth = channel_ats(channel=channel, product_ids=[p.pk for p in products])
        held = _channel_values(channel, products, servers)
        out[channel.code] = {
            pid: (held[pid], truth[pid]) for pid in truth if held[pid] != truth[pid]
        }
    return out


@pytest.fixture
def servers(shopify, woo, amazon):
    return {"shopify": shopify, "woocommerce": woo, "amazon": amazon}


@pytest.fixture
def worker(transactional_db):
    w = Worker(redis_url=os.environ["REDIS_URL"])
    yield w
    w.kill()


def _pick_pack_ship(wh, order):
    from warehouse.models import Package, PickLine, PickList
    from warehouse.services.packing import (
        pack_close,
        pack_record_weight,
        pack_scan_item,
        pack_start,
        ship_confirm,
    )
    from warehouse.services.picking import (
        pick_confirm,
        pick_list_next,
        pick_scan_bin,
        pick_scan_item,
    )
    from warehouse.services.waves import wave_plan, wave_release

    wave = wave_plan(warehouse_id=wh.pk, actor=SYSTEM)
    wave_release(wave_id=wave.pk, actor=SYSTEM)
    pick_list = PickList.objects.get(wave=wave)
    step = pick_list_next(pick_list_id=pick_list.pk)
    while step.step == "scan_bin":
        d = step.data
        line = PickLine.objects.get(pk=d["pick_line_id"])
        pick_scan_bin(pick_line_id=line.pk, bin_code=d["bin"])
        pick_scan_item(pick_line_id=line.pk, bin_code=d["bin"], item_code=d["sku"])
        step = pick_confirm(
            pick_line_id=line.pk,
            bin_code=d["bin"],
            item_code=d["sku"],
            quantity=d["quantity"],
            tote_code=d["tote"],
            actor=SYSTEM,
            scan_id=f"pick-{line.pk}",
        )
    step = pack_start(warehouse_id=wh.pk, code=order.number, actor=SYSTEM)
    package_id = step.data["package_id"]
    for item in step.data["items"]:
        for _ in range(item["expected"] - item["verified"]):
            pack_scan_item(package_id=package_id, item_code=item["sku"], actor=SYSTEM)
    package = Package.objects.get(pk=package_id)
    pack_record_weight(package_id=package_id, weight_g=package.expected_weight_g, actor=SYSTEM)
    pack_close(package_id=package_id, actor=SYSTEM)
    ship_confirm(package_id=package_id, actor=SYSTEM)
    return Package.objects.get(pk=package_id)


def test_stock_and_tracking_reach_the_channels_through_a_real_worker(servers, worker, live_server):
    from tests.warehouse.builders import box_types

    # given a warehouse feeding a Shopify-style shop and an Amazon-style marketplace
    wh = small_warehouse("E2E")
    wh.address_line1, wh.city, wh.postal_code = "1 Dock Rd", "Newark", "07101"
    wh.save()
    shipping_services.carriers_ensure_defaults()
    box_types()
    shop = shopify_channel(servers["shopify"], wh, safety_stock=1)
    marketplace = amazon_channel(servers["amazon"], wh)
    tee = ProductFactory(sku="E2E-TEE")
    listed(shop, tee)
    listed(marketplace, tee)
    worker.start()

    # when stock is received through the inventory services
    stocked(tee, bin_of(wh, "A-01-01-1"), 20)

    # then both channels hold the right value (the shop keeps 1 back)
    wait_for(
        lambda: (
            servers["shopify"].app.inventory.get(str(7000 + tee.pk)) == 19
            and servers["amazon"].app.stock.get("E2E-TEE") == 20
        ),
        timeout=40,
        message=f"stock not propagated\n{worker.tail()}",
    )

    # when the shop sends a signed order webhook to us and the warehouse ships it
    placed = httpx.post(
        f"{servers['shopify'].url}/_mock/orders",
        json={
            "line_items": [{"variant_id": 8000 + tee.pk, "quantity": 2, "price": "15.00"}],
            "webhook_url": f"{live_server.url}/api/v1/channel-webhooks/{shop.code}/",
            "secret": shop.webhook_secret,
        },
        timeout=30,
    ).json()
    assert placed["webhook"]["status"] == 200, placed["webhook"]
    order = Order.objects.get(channel=shop, external_id=str(placed["order"]["id"]))
    assert FulfillmentRequest.objects.filter(order=order).exists()
    package = _pick_pack_ship(wh, order)

    # then the tracking number arrives at the shop, on the order's fulfillment order
    def fulfilled():
        with servers["shopify"].app.lock:
            return [
                f
                for f in servers["shopify"].app.fulfillments
                if f["order_id"] == placed["order"]["id"]
            ]

    (fulfillment,) = wait_for(fulfilled, timeout=40, message=f"no fulfillment\n{worker.tail()}")
    assert fulfillment["tracking_number"] == package.tracking_number
    # and the stock that left is reflected: 18 left, 17 for the shop, 18 at the marketplace
    wait_for(
        lambda: (
            servers["shopify"].app.inventory.get(str(7000 + tee.pk)) == 17
            and servers["amazon"].app.stock.get("E2E-TEE") == 18
        ),
        timeout=40,
        message=f"stock after shipping not propagated\n{worker.tail()}",
    )
    assert not OutboxMessage.objects.filter(dead_at__isnull=False).exists()


def _random_changes(rng, products, bins, n):
    for _ in range(n):
        product = rng.choice(products)
        bin_ = rng.choice(bins)
        if rng.random() < 0.6:
            stocked(product, bin_, rng.randint(1, 5))
        else:
            try:
                inventory_services.stock_adjust(
                    product_id=product.pk, bin=bin_, delta=-rng.randint(1, 3), actor=SYSTEM
                )
            except Exception:  # not enough in that bin: try another change
                stocked(product, bin_, 2)


def test_failures_converge_to_exactly_the_true_values_in_order(servers, transactional_db):
    rng = random.Random(5)
    redis = RedisServer().start()
    worker = Worker(redis_url=redis.url, CHANNELS_SYNC_POLL_SECONDS="4")
    try:
        # given three channels listing 30 SKUs fed by one warehouse, and 3 marketplace orders
        wh = small_warehouse("FAIL", aisles=1, bays=3, levels=1)
        bins = [bin_of(wh, f"A-01-0{i}-1") for i in (1, 2, 3)]
        channels = [
            shopify_channel(servers["shopify"], wh, safety_stock=1),
            woo_channel(servers["woocommerce"], wh),
            amazon_channel(servers["amazon"], wh, buffer_percent=10),
        ]
        products = [ProductFactory(sku=f"F-{n:03d}") for n in range(30)]
        for channel in channels:
            for p in products:
                listed(channel, p)
        # the store has these products (as variations) before we push their stock
        httpx.post(
            f"{servers['woocommerce'].url}/_mock/products",
            json={
                "products": [{"id": 9000 + p.pk, "type": "variable"} for p in products]
                + [{"id": 8000 + p.pk, "sku": p.sku, "parent_id": 9000 + p.pk} for p in products]
            },
        ).raise_for_status()
        for p in products:
            stocked(p, bins[0], 10)
        for n in range(3):
            httpx.post(
                f"{servers['amazon'].url}/_mock/orders",
                json={"items": [{"SellerSKU": products[n].sku, "QuantityOrdered": 1}]},
            )

        # when the channels answer 429 and 500 for a while
        fail(servers["shopify"], "429", count=4, retry_after=1)
        fail(servers["shopify"], "500", count=4)
        fail(servers["woocommerce"], "500", count=3)
        fail(servers["amazon"], "500", count=3, path="/feeds")
        worker.start()
        _random_changes(rng, products, bins, 60)
        wait_for(
            lambda: _all_true(channels, products, servers),
            timeout=60,
            interval=0.5,
            message=f"{_mismatches(channels, products, servers)}\n{worker.tail()}",
        )

        # and the worker is SIGKILLed in the middle of a push (the shop is slow; the push is
        # applied by the shop after we died, so our acknowledgement is lost)
        fail(servers["shopify"], "slow", count=1, seconds=2.5, path="/admin")
        _random_changes(rng, products, bins, 20)
        wait_for(
            lambda: not servers["shopify"].app.failures, timeout=30, message="push never started"
        )
        worker.kill()
        _random_changes(rng, products, bins, 20)  # more changes while no worker runs
        worker.start()

        # and Redis restarts (broker, rate-limit buckets and kick flags are all lost)
        _random_changes(rng, products, bins, 10)
        redis.stop()
        _random_changes(rng, products, bins, 10)
        redis.start()
        _random_changes(rng, products, bins, 10)

        # then every channel holds exactly the true values
        wait_for(
            lambda: _all_true(channels, products, servers),
            timeout=90,
            interval=0.5,
            message=f"{_mismatches(channels, products, servers)}\n{worker.tail()}",
        )
        # nothing was pushed out of order: per SKU, versions only grew at the channels that
        # record them, and the shop's compare-and-set refused the stale write after the kill
        for app in (servers["woocommerce"].app, servers["amazon"].app):
            for history in app.history.values():
                versions = [v for _, _, v in history]
                assert versions == sorted(versions), history
        assert servers["shopify"].app.rejected_sets >= 1
        assert not OutboxMessage.objects.filter(dead_at__isnull=False).exists()
        # once every acknowledgement is written, the listings remember exactly what each
        # channel holds (a channel may hold a value a moment before we record its answer)
        wait_for(
            lambda: not OutboxMessage.objects.filter(version__gt=F("sent_version")).exists(),
            timeout=40,
            message=f"outbox not drained\n{worker.tail()}",
        )
        for channel in channels:
            truth = channel_ats(channel=channel, product_ids=[p.pk for p in products])
            pushed = dict(
                Listing.objects.filter(channel=channel).values_list(
                    "product_id", "last_pushed_quantity"
                )
            )
            assert pushed == truth
        # and the marketplace orders polled across the kill and the restart exist once each
        wait_for(
            lambda: Order.objects.filter(channel=channels[2]).count() == 3,
            timeout=40,
            message=f"orders not polled\n{worker.tail()}",
        )
        external = list(
            Order.objects.filter(channel=channels[2]).values_list("external_id", flat=True)
        )
        assert len(external) == len(set(external)) == 3
        assert Channel.objects.get(pk=channels[2].pk).poll_cursor
    finally:
        worker.kill()
        redis.stop()
