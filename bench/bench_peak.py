"""Peak-day simulation: a day's orders arrive in bursts while the warehouse waves, picks, packs
and ships them and the channel is kept in sync; reports order-to-ship time and sync lag.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fulfillment_bench \
        .venv/bin/python bench/bench_peak.py --orders 300 --seconds 90

In one process, on real Postgres, through the real services:
  * a feeder places `--orders` orders of 1–3 lines in three bursts (morning, lunch, evening:
    50 % of the day's orders in 3 windows of 10 % of the time each, the rest spread evenly):
    each is created at the Shopify-style mock and arrives as its signed orders/create webhook
    (`inbound_webhook_ingest`: signature, dedupe, parse, capture — the web view minus HTTP);
  * the warehouse loop plans and releases a wave every `--wave-every` seconds, then picks,
    packs, labels (in-process mock carrier) and ships every released order, scan by scan;
  * a sync loop drains the outbox to the Shopify-style mock storefront (HTTP on localhost):
    stock levels, and each shipment's fulfillment with tracking on the shop's order.
It prints orders/s placed, order-to-ship time (order created → shipped) p50/p99, sync lag (the
age of the oldest undelivered stock change, sampled every 0.5 s) p50/p99/max, how many shop
orders hold their tracking, and runs the
consistency check (incl. the channel holding the true ATS) at the end.
"""

from __future__ import annotations

import argparse
import json
import logging
import random
import threading
import time

from _harness import consistency_line, machine, migrate, pct, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=90, help="length of the simulated day")
    parser.add_argument("--skus", type=int, default=40)
    parser.add_argument(
        "--drain-limit", type=float, default=900.0, help="max seconds to drain after the day"
    )
    parser.add_argument("--wave-every", type=float, default=5.0)
    args = parser.parse_args()

    import os

    # Drains run in the sync loop below, not inline in the feeder's on_commit hooks.
    os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "false")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request otherwise
    setup_django()
    migrate()
    from django.db import connections
    from django.db.models import F, Min
    from django.utils import timezone

    from channels_sync.mock_servers import MockServer, ShopifyMock
    from channels_sync.models import Channel, ChannelWarehouse, Listing, OutboxMessage
    from channels_sync.services import inbound_webhook_ingest, sync, webhook_signature
    from common.types import Actor
    from inventory.models import Product
    from inventory.services import stock_receive
    from orders.models import Order, OrderShipment
    from shipping import services as shipping_services
    from warehouse.models import Bin, BoxType, Package, PickLine, PickList, Warehouse
    from warehouse.services.layout import layout_generate
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

    actor = Actor.system("peak")
    tag = f"PK{int(time.time()) % 10**7}"
    wh = Warehouse.objects.create(
        code=tag,
        name=f"Peak {tag}",
        region="east",
        country="US",
        address_line1="1 Dock Rd",
        city="Newark",
        postal_code="07101",
    )
    layout_generate(warehouse=wh, aisles=2, bays=5, levels=2, blocks=1, pick_levels=1)
    shipping_services.carriers_ensure_defaults()
    for code, dims, max_g in (
        ("S", (250, 200, 100), 2000),
        ("M", (400, 300, 200), 10000),
        ("L", (600, 400, 400), 25000),
    ):
        BoxType.objects.get_or_create(
            code=f"BOX-{code}",
            defaults={
                "name": code,
                "length_mm": dims[0],
                "width_mm": dims[1],
                "height_mm": dims[2],
                "max_weight_g": max_g,
                "tare_weight_g": 100,
            },
        )
    server = MockServer(ShopifyMock(access_tokens=["shpat_bench"])).start()
    channel = Channel.objects.create(
        code=tag.lower(),
        name=f"Peak {tag}",
        kind="shopify",
        base_url=server.url,
        credentials={"access_token": "shpat_bench", "location_id": "1"},
        webhook_secret="shpss_bench",  # noqa: S106 - a mock shop's test secret
    )
    ChannelWarehouse.objects.create(channel=channel, warehouse=wh, priority=1)
    bins = list(Bin.objects.filter(warehouse=wh, code__startswith="A-", code__endswith="-1"))
    products = []
    for i in range(args.skus):
        p = Product.objects.create(
            sku=f"{tag}-{i:03d}",
            name=f"Peak {i}",
            weight_g=300,
            length_mm=150,
            width_mm=100,
            height_mm=50,
        )
        Listing.objects.create(
            channel=channel,
            product=p,
            channel_sku=p.sku,
            external_product_id=str(9000 + p.pk),
            external_variant_id=str(8000 + p.pk),
            external_inventory_item_id=str(7000 + p.pk),
        )
        stock_receive(
            product_id=p.pk,
            bin=bins[i % len(bins)],
            quantity=5000,
            actor=actor,
            document_type="bench",
            document_ref="setup",
        )
        products.append(p)
    connections.close_all()

    # arrival times: 50 % in three bursts of 10 % of the day each, the rest uniform
    rng = random.Random(11)
    day = args.seconds
    due = []
    for i in range(args.orders):
        if i % 2 == 0:
            start = rng.choice((0.15, 0.45, 0.75)) * day
            due.append(start + rng.random() * 0.1 * day)
        else:
            due.append(rng.random() * day)
    due.sort()
    stop = threading.Event()
    errors: list[str] = []
    lag_samples: list[float] = []
    placed = []
    t0 = time.perf_counter()

    def feeder():  # type: ignore[no-untyped-def]
        # Each order is created at the Shopify-style mock first and arrives as its signed
        # orders/create webhook (verify, dedupe, parse, capture), so the fulfillment pushes
        # later find it at the channel as they would at a real shop.
        try:
            for i, at in enumerate(due):
                time.sleep(max(0.0, t0 + at - time.perf_counter()))
                chosen = rng.sample(products, rng.randint(1, 3))
                shop_order = server.app.make_order(
                    {
                        "email": f"p{i}@example.com",
                        "line_items": [
                            {
                                "variant_id": 8000 + p.pk,
                                "sku": p.sku,
                                "quantity": 1,
                                "price": "10.00",
                            }
                            for p in chosen
                        ],
                    }
                )
                body = json.dumps(
                    {k: v for k, v in shop_order.items() if not k.startswith("_")}
                ).encode()
                result = inbound_webhook_ingest(
                    channel=channel,
                    headers={
                        "X-Shopify-Hmac-Sha256": webhook_signature(
                            secret=channel.webhook_secret, body=body
                        ),
                        "X-Shopify-Topic": "orders/create",
                        "X-Shopify-Event-Id": f"{tag}-{i}",
                    },
                    body=body,
                )
                placed.append(result.order_id)
        except Exception as exc:  # reported below
            errors.append(f"feeder: {exc!r}")
        finally:
            connections.close_all()

    def ship_all_released():  # type: ignore[no-untyped-def]
        while (wave := wave_plan(warehouse_id=wh.pk, actor=actor)) is not None:
            ship_wave(wave)

    def ship_wave(wave):  # type: ignore[no-untyped-def]
        wave_release(wave_id=wave.pk, actor=actor)
        for pick_list in PickList.objects.filter(wave=wave):
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
                    actor=actor,
                    scan_id=f"pk-{line.pk}",
                )
        for number in Order.objects.filter(channel=channel, status="in_fulfillment").values_list(
            "number", flat=True
        ):
            step = pack_start(warehouse_id=wh.pk, code=number, actor=actor)
            package_id = step.data["package_id"]
            for item in step.data["items"]:
                for _ in range(item["expected"] - item["verified"]):
                    pack_scan_item(package_id=package_id, item_code=item["sku"], actor=actor)
            package = Package.objects.get(pk=package_id)
            pack_record_weight(
                package_id=package_id, weight_g=package.expected_weight_g, actor=actor
            )
            pack_close(package_id=package_id, actor=actor)
            ship_confirm(package_id=package_id, actor=actor)

    def warehouse_loop():  # type: ignore[no-untyped-def]
        try:
            while not stop.is_set():
                started = time.perf_counter()
                ship_all_released()
                stop.wait(max(0.0, args.wave_every - (time.perf_counter() - started)))
            ship_all_released()
        except Exception as exc:
            errors.append(f"warehouse: {exc!r}")
        finally:
            connections.close_all()

    def sync_loop():  # type: ignore[no-untyped-def]
        try:
            while not stop.is_set():
                sync.outbox_drain(channel_id=channel.pk, time_budget=1.0)
                stop.wait(0.2)
        except Exception as exc:
            errors.append(f"sync: {exc!r}")
        finally:
            connections.close_all()

    def lag_sampler():  # type: ignore[no-untyped-def]
        try:
            while not stop.is_set():
                oldest = OutboxMessage.objects.filter(
                    channel=channel,
                    topic="stock",
                    version__gt=F("sent_version"),
                    dead_at__isnull=True,
                ).aggregate(t=Min("pending_since"))["t"]
                lag_samples.append((timezone.now() - oldest).total_seconds() if oldest else 0.0)
                stop.wait(0.5)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=f) for f in (feeder, warehouse_loop, sync_loop, lag_sampler)]
    for t in threads:
        t.start()
    threads[0].join()
    placed_at = time.perf_counter() - t0
    # let the floor finish the day's work (bounded), then stop the loops
    deadline = time.perf_counter() + max(60.0, args.seconds)
    while time.perf_counter() < deadline:
        open_orders = (
            Order.objects.filter(channel=channel)
            .exclude(status__in=("shipped", "delivered", "cancelled"))
            .count()
        )
        if open_orders == 0:
            break
        time.sleep(1)
    stop.set()
    for t in threads[1:]:
        t.join(120)
    finished_at = time.perf_counter() - t0

    # After the day: drain what is left (fulfillments wait on the shop's REST rate limit, 2
    # requests/s and two requests per fulfillment) until every shop order holds its tracking.
    def fulfilled_at_shop() -> int:
        return sum(
            1 for o in server.app.orders.values() if o.get("fulfillment_status") == "fulfilled"
        )

    tracked_during_day = fulfilled_at_shop()
    drain_deadline = time.perf_counter() + args.drain_limit
    while time.perf_counter() < drain_deadline:
        more = sync.outbox_drain(channel_id=channel.pk, time_budget=5.0).more
        if not more and fulfilled_at_shop() >= len(placed):
            break
        if not more:
            time.sleep(0.5)
    drained_after = time.perf_counter() - t0 - finished_at

    orders = Order.objects.filter(channel=channel)
    shipped = {
        s["order_id"]: s["t"]
        for s in OrderShipment.objects.filter(order__channel=channel)
        .values("order_id")
        .annotate(t=Min("shipped_at"))
    }
    o2s = [
        (shipped[o.pk] - o.created_at).total_seconds()
        for o in orders.only("pk", "created_at")
        if o.pk in shipped
    ]
    print(f"machine: {machine()}")
    print(
        f"peak day: {len(placed)} orders (1–3 lines, {args.skus} SKUs) in a {day:.0f} s day "
        f"with 3 bursts; waves every {args.wave_every:.0f} s; Shopify-style mock synced in-process"
    )
    print(f"  placed in {placed_at:.1f} s ({len(placed) / placed_at:.1f} orders/s on average)")
    print(f"  shipped: {len(o2s)} of {orders.count()}, all work done after {finished_at:.1f} s")
    if o2s:
        print(
            f"  order-to-ship: p50 {pct(o2s, 50):.1f} s  p99 {pct(o2s, 99):.1f} s  max {max(o2s):.1f} s"
        )
    if lag_samples:
        print(
            f"  sync lag (oldest undelivered change): p50 {pct(lag_samples, 50):.2f} s  "
            f"p99 {pct(lag_samples, 99):.2f} s  max {max(lag_samples):.2f} s"
        )
    if errors:
        print("  ERRORS:", *errors[:5], sep="\n    ")
    print(
        f"  tracking at the channel: {tracked_during_day} of {len(placed)} shop orders by the end "
        f"of the work, {fulfilled_at_shop()} after draining for {drained_after:.0f} s more "
        "(the shop's REST limit, 2 requests/s, allows about one fulfillment per second)"
    )
    print(f"  {consistency_line()}")
    server.stop()


if __name__ == "__main__":
    main()
