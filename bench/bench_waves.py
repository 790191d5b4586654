"""Waves and routed pick lists for 10,000 order lines in a demo-sized warehouse.

    .venv/bin/python bench/bench_waves.py            # Postgres (see _harness.py), fresh database
    .venv/bin/python bench/bench_waves.py --lines 2000 --db postgres://…/wms_bench

Builds a warehouse of 10 aisles × 20 bays × 4 levels (one block; levels 1–2 pick faces, 3–4
reserve), 400 SKUs with stock in their pick face and in reserve (fast movers nearest the depot,
demand skewed 80/20), and captures orders through the OMS (`orders.services.order_capture`,
which routes and releases them) until there are `--lines` order lines. Then it times
`wave_plan` + `wave_release` (bin reservations, totes, carts, routing) until every request is in
a wave, and prints the time taken and the total route length against S-shape. Routing alone is
timed separately. Finally it checks inventory consistency (inventory_mismatches()).
"""

from __future__ import annotations

import argparse
import random
import time

from _harness import create_database, machine, migrate, setup_django

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/wms_bench"


def _fresh_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    create_database(url)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=DEFAULT_DB)
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--skus", type=int, default=400)
    parser.add_argument("--max-orders", type=int, default=48, help="orders per wave")
    parser.add_argument("--max-lines", type=int, default=200, help="lines per wave")
    parser.add_argument("--totes-per-cart", type=int, default=12)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="cProfile the measured part")
    args = parser.parse_args()

    _fresh_database(args.db)
    setup_django(db_url=args.db)
    migrate()

    from django.conf import settings
    from django.db import connection

    settings.WMS_TOTES_PER_CART = args.totes_per_cart

    from channels_sync.models import Channel, ChannelWarehouse
    from common.types import Actor
    from inventory import services as inventory_services
    from inventory.models import Product
    from inventory.selectors import inventory_mismatches
    from orders import services as order_services
    from warehouse.choices import BinType
    from warehouse.models import Bin, PickList, Warehouse, Wave
    from warehouse.routing import route_plan
    from warehouse.selectors import layout_for, location_of
    from warehouse.services.layout import layout_generate
    from warehouse.services.waves import wave_plan, wave_release

    rng = random.Random(args.seed)
    actor = Actor.system("bench")
    t0 = time.perf_counter()
    wh = Warehouse.objects.create(code="BENCH", name="Bench DC", city="Newark")
    layout_generate(warehouse=wh, aisles=10, bays=20, levels=4, pick_levels=2)
    faces = list(
        Bin.objects.filter(warehouse=wh, bin_type=BinType.PICK_FACE).order_by(
            "x_m", "position_m", "level"
        )
    )
    reserves = list(
        Bin.objects.filter(warehouse=wh, bin_type=BinType.RESERVE).order_by("pick_sequence")
    )
    skus = min(args.skus, len(faces))
    products = []
    for i in range(skus):
        abc = "A" if i < skus * 0.2 else ("B" if i < skus * 0.5 else "C")
        products.append(
            Product(
                sku=f"B{i:04d}",
                name=f"Bench item {i}",
                abc_class=abc,
                weight_g=300,
                length_mm=200,
                width_mm=150,
                height_mm=60,
            )
        )
    Product.objects.bulk_create(products)
    products = list(Product.objects.filter(sku__startswith="B").order_by("sku"))
    # Fast movers (low index) sit in the pick faces nearest the depot (slotting by velocity).
    for i, product in enumerate(products):
        inventory_services.stock_receive(
            product_id=product.pk, bin=faces[i], quantity=1000, actor=actor, document_type="bench"
        )
        inventory_services.stock_receive(
            product_id=product.pk,
            bin=reserves[i % len(reserves)],
            quantity=500,
            actor=actor,
            document_type="bench",
        )
    channel = Channel.objects.create(code="bench", name="Bench shop")
    ChannelWarehouse.objects.create(channel=channel, warehouse=wh, priority=1)
    weights = [
        8.0 if p.abc_class == "A" else (1.5 if p.abc_class == "B" else 0.5) for p in products
    ]
    address = {
        "name": "Ada Lovelace",
        "line1": "1 Main St",
        "city": "Springfield",
        "region": "IL",
        "postal_code": "62701",
        "country": "US",
    }
    lines = orders = 0
    t_setup = time.perf_counter()
    while lines < args.lines:
        n = min(args.lines - lines, rng.choice((1, 1, 2, 2, 3, 4, 5)))
        chosen = rng.choices(products, weights=weights, k=n * 2)
        skus_in_order = list(dict.fromkeys(p.sku for p in chosen))[:n]
        order_services.order_capture(
            channel_id=channel.pk,
            data={
                "external_id": f"B-{orders}",
                "customer": {"email": "a@example.com", "name": "Ada Lovelace"},
                "shipping_address": address,
                "billing_address": address,
                "currency": "USD",
                "lines": [
                    {"sku": s, "quantity": rng.choice((1, 1, 1, 2)), "unit_price": "9.90"}
                    for s in skus_in_order
                ],
                "service_level": "standard",
                "payment_status": "captured",
                "priority": rng.choice((0, 0, 0, 5)),
            },
            actor=actor,
        )
        lines += len(skus_in_order)
        orders += 1
    t_orders = time.perf_counter()
    print(
        f"setup: layout + {skus} SKUs stocked in {t_setup - t0:.1f} s; "
        f"{orders} orders / {lines} lines captured and released in {t_orders - t_setup:.1f} s"
    )

    # ---- the measured part: waves, bin reservations, totes, carts, routes
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    statements = [0]

    def _count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    counting = connection.execute_wrapper(_count)
    counting.__enter__()
    start = time.perf_counter()
    waves = 0
    while True:
        wave = wave_plan(
            warehouse_id=wh.pk, actor=actor, max_orders=args.max_orders, max_lines=args.max_lines
        )
        if wave is None:
            break
        wave_release(wave_id=wave.pk, actor=actor)
        waves += 1
    elapsed = time.perf_counter() - start
    counting.__exit__(None, None, None)
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)

    pick_lists = list(PickList.objects.filter(wave__warehouse=wh).prefetch_related("lines__bin"))
    picks = sum(len(pl.lines.all()) for pl in pick_lists)
    route = sum(pl.route_length_m for pl in pick_lists)
    sshape = sum(pl.sshape_length_m for pl in pick_lists)
    layout = layout_for(wh)
    t_route = time.perf_counter()
    for pl in pick_lists:
        route_plan(layout, [location_of(layout, ln.bin) for ln in pl.lines.all()])
    routing_only = time.perf_counter() - t_route
    stops = [len({ln.bin_id for ln in pl.lines.all()}) for pl in pick_lists]
    released = Wave.objects.filter(warehouse=wh, status="released").count()
    problems = inventory_mismatches()

    print(f"machine: {machine()}")
    print(
        f"warehouse: 10 aisles × 20 bays × 4 levels, single block, {Bin.objects.filter(warehouse=wh).count()} bins"
    )
    print(
        f"waves: {waves} ({released} released), pick lists (carts): {len(pick_lists)}, "
        f"pick lines: {picks}, stops per list: mean {sum(stops) / max(1, len(stops)):.1f}, "
        f"max {max(stops, default=0)}"
    )
    print(
        f"wave build + release for {lines} order lines: {elapsed:.1f} s "
        f"({lines / elapsed:.0f} lines/s), {statements[0]} SQL statements "
        f"({statements[0] / max(1, lines):.2f} per line)"
    )
    print(
        f"routing alone (Ratliff–Rosenthal, {len(pick_lists)} lists): {routing_only:.2f} s "
        f"({1000 * routing_only / max(1, len(pick_lists)):.1f} ms per list)"
    )
    print(
        f"total route {route:,.0f} m vs S-shape {sshape:,.0f} m: "
        f"{100 * (1 - route / sshape):.1f} % shorter"
    )
    print(f"inventory_mismatches(): {len(problems)}")
    if problems:
        raise SystemExit("inventory check FAILED")


if __name__ == "__main__":
    main()
