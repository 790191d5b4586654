"""Bulk import through a file: `manage.py orders_import_csv` with N orders of 1–5 lines.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_csv \
        .venv/bin/python bench/bench_csv_import.py --orders 2000

Writes a CSV of `--orders` orders (1–5 lines each over `--skus` stocked SKUs), then times the
real command (validate the whole file, then capture, route and reserve each order in its own
transaction) and prints orders/s, lines/s and SQL statements per order, then the consistency
check. A second run on the same database imports nothing new (idempotent on external id) and is
timed too. Goal (issue 7): a bulk import path of at least 1,000 orders/s.
"""

from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
import uuid

from _harness import consistency_line, machine, migrate, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--skus", type=int, default=300)
    args = parser.parse_args()

    setup_django()
    migrate()
    from django.core.management import call_command
    from django.db import connection

    from channels_sync.models import Channel, ChannelWarehouse
    from common.types import Actor
    from inventory.models import Product
    from inventory.services import stock_receive
    from warehouse.choices import BinType
    from warehouse.models import Bin, Warehouse
    from warehouse.services.layout import layout_generate

    tag = uuid.uuid4().hex[:6].upper()
    actor = Actor.system("bench")
    wh = Warehouse.objects.create(code=f"CSV{tag}", name="CSV bench", city="Newark")
    layout_generate(warehouse=wh, aisles=4, bays=20, levels=2, pick_levels=2)
    faces = list(Bin.objects.filter(warehouse=wh, bin_type=BinType.PICK_FACE))
    channel = Channel.objects.create(code=f"csv-{tag.lower()}", name="CSV bench")
    ChannelWarehouse.objects.create(channel=channel, warehouse=wh, priority=1)
    skus = []
    for i in range(args.skus):
        p = Product.objects.create(sku=f"C{tag}-{i:04d}", name=f"Item {i}", weight_g=200)
        stock_receive(product_id=p.pk, bin=faces[i % len(faces)], quantity=100_000, actor=actor)
        skus.append(p.sku)

    rng = random.Random(3)
    lines = 0
    with tempfile.NamedTemporaryFile("w", suffix=".csv", newline="", delete=False) as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["external_id", "sku", "quantity", "unit_price", "email", "name", "ship_line1",
             "ship_city", "ship_region", "ship_postal_code", "ship_country", "payment_status"]
        )  # fmt: skip
        for n in range(args.orders):
            for sku in rng.sample(skus, rng.randint(1, 5)):
                writer.writerow(
                    [f"{tag}-{n}", sku, rng.randint(1, 3), "9.90", f"c{n}@example.com",
                     "Ada Lovelace", "1 Main St", "Springfield", "IL", "62701", "US", "captured"]
                )  # fmt: skip
                lines += 1
        path = fh.name

    statements = 0

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        call_command("orders_import_csv", path, "--channel", channel.code, "--no-progress")
        took = time.perf_counter() - started
    again_started = time.perf_counter()
    call_command("orders_import_csv", path, "--channel", channel.code, "--no-progress")
    again = time.perf_counter() - again_started

    print(f"machine: {machine()}")
    print(f"csv import: {args.orders} orders, {lines} lines over {args.skus} SKUs, one warehouse")
    print(
        f"  first run   {took:7.1f} s   {args.orders / took:7.1f} orders/s   {lines / took:7.1f} "
        f"lines/s   {statements / args.orders:.0f} SQL statements per order"
    )
    print(f"  second run  {again:7.1f} s   (idempotent: nothing new)   goal >= 1,000 orders/s")
    print(f"  {consistency_line()}")


if __name__ == "__main__":
    main()
