"""Hot-SKU storm: many concurrent buyers reserve one (or a few) SKUs; prove zero oversell.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fulfillment_bench \
        .venv/bin/python bench/bench_hot_sku.py --clients 32 --skus 1 --stock 3000

Each client is a separate OS process with its own Postgres connection (no shared GIL), looping
`inventory.services.commitment_create(quantity=1)` until the stock is gone. Prints
reservations/s, latency, refused attempts and the oversell check (committed <= on hand, and
Σ open commitments == committed), then runs the system-wide consistency check.
Goal (issue 7): >= 300 reservations/s on one hot SKU with zero oversold.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import time

from _harness import consistency_line, machine, migrate, setup_django, summary_ms


def _client(args, product_ids, warehouse_id, start_at, queue):  # type: ignore[no-untyped-def]
    from django.db import connection

    from common.types import Actor
    from inventory import services as inventory_services
    from inventory.exceptions import InsufficientStock

    connection.close()  # a fresh connection per process
    actor = Actor.system("bench")
    lat, ok, refused = [], 0, 0
    exhausted: set[int] = set()
    n = 0
    while time.time() < start_at:
        time.sleep(0.001)
    deadline = start_at + args.seconds
    while len(exhausted) < len(product_ids) and time.time() < deadline:
        pid = product_ids[n % len(product_ids)]
        n += 1
        if pid in exhausted:
            continue
        t0 = time.perf_counter()
        try:
            inventory_services.commitment_create(
                product_id=pid,
                warehouse_id=warehouse_id,
                quantity=1,
                document_type="bench",
                document_ref=f"{mp.current_process().pid}-{n}",
                actor=actor,
            )
            ok += 1
        except InsufficientStock:
            refused += 1
            exhausted.add(pid)
        lat.append(time.perf_counter() - t0)
    queue.put((ok, refused, lat, time.time()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--skus", type=int, default=1)
    parser.add_argument("--stock", type=int, default=3000, help="units per SKU")
    parser.add_argument("--seconds", type=float, default=60, help="stop after this long")
    parser.add_argument(
        "--pgbench",
        action="store_true",
        help="also run the raw-Postgres reference (pgbench_hot_sku.sql) on a fresh SKU",
    )
    args = parser.parse_args()

    setup_django()
    migrate()
    from django.db import connection
    from django.db.models import Sum

    from common.types import Actor
    from inventory.choices import ReservationStatus
    from inventory.models import Commitment, InventoryBalance, Product
    from inventory.services import stock_receive
    from warehouse.models import Bin, Warehouse
    from warehouse.services.layout import layout_generate

    tag = f"HOT{int(time.time())}"
    wh = Warehouse.objects.create(code=tag[-10:], name=f"Bench {tag}", region="east", country="US")
    layout_generate(warehouse=wh, aisles=1, bays=2, levels=1, blocks=1, pick_levels=1)
    bins = list(Bin.objects.filter(warehouse=wh).order_by("code")[:2])

    def make_skus(prefix: str, count: int) -> list[Product]:
        made = []
        for i in range(count):
            p = Product.objects.create(sku=f"{tag}-{prefix}{i}", name=f"Hot {prefix}{i}")
            for b in bins:
                stock_receive(
                    product_id=p.pk,
                    bin=b,
                    quantity=args.stock // len(bins),
                    actor=Actor.system("bench"),
                    document_type="bench",
                    document_ref="setup",
                )
            made.append(p)
        return made

    products = make_skus("", args.skus)
    probe = make_skus("probe", 1)[0]
    from django.test.utils import CaptureQueriesContext

    from inventory.services import commitment_create

    with CaptureQueriesContext(connection) as ctx:
        commitment_create(
            product_id=probe.pk,
            warehouse_id=wh.pk,
            quantity=1,
            document_type="bench",
            document_ref="probe",
            actor=Actor.system("bench"),
        )
    statements = [q["sql"].split()[0].upper() for q in ctx.captured_queries]
    pg_product = None
    if args.pgbench:  # enough stock that pgbench never sells out in its 10 s
        stock, args.stock = args.stock, 1_000_000
        pg_product = make_skus("pg", 1)[0]
        args.stock = stock
    stock_total = sum(args.stock // len(bins) * len(bins) for _ in products)
    connection.close()

    queue: mp.Queue = mp.Queue()
    start_at = time.time() + 1.0
    procs = [
        mp.Process(target=_client, args=(args, [p.pk for p in products], wh.pk, start_at, queue))
        for _ in range(args.clients)
    ]
    for p in procs:
        p.start()
    results = [queue.get() for _ in procs]
    for p in procs:
        p.join()
    ok = sum(r[0] for r in results)
    refused = sum(r[1] for r in results)
    lat = [x for r in results for x in r[2]]
    elapsed = max(r[3] for r in results) - start_at

    oversold = 0
    for p in products:
        bal = InventoryBalance.objects.get(product=p, warehouse=wh)
        open_units = (
            Commitment.objects.filter(product=p, status=ReservationStatus.OPEN).aggregate(
                n=Sum("quantity")
            )["n"]
            or 0
        )
        oversold += max(0, bal.committed - bal.on_hand) + abs(open_units - bal.committed)
    print(f"machine: {machine()}")
    print(
        f"hot-SKU storm: {args.clients} clients (processes), {args.skus} SKU(s) × "
        f"{args.stock} units"
    )
    print(
        f"  reservations: {ok} of {stock_total} units in {elapsed:.2f} s = {ok / elapsed:.0f} reservations/s"
    )
    print(f"  refused (sold out): {refused}")
    print(f"  latency per reservation: {summary_ms(lat)}")
    print(
        f"  oversold units: {oversold}  (committed <= on hand and Σ open commitments == committed)"
    )
    print(f"  SQL statements per reservation: {len(statements)} ({' '.join(statements)})")
    if pg_product is not None:
        import subprocess
        from pathlib import Path

        db = connection.settings_dict
        cmd = [
            "pgbench",
            "-n",
            "-h",
            db["HOST"] or "127.0.0.1",
            "-p",
            str(db["PORT"] or 5432),
            "-U",
            db["USER"] or "postgres",
            "-f",
            str(Path(__file__).with_name("pgbench_hot_sku.sql")),
            "-D",
            f"pid={pg_product.pk}",
            "-D",
            f"wid={wh.pk}",
            "-c",
            str(args.clients),
            "-j",
            "2",
            "-T",
            "10",
            db["NAME"],
        ]
        out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
        tps = next(
            float(line.split("=")[1].split()[0])
            for line in out.splitlines()
            if line.startswith("tps")
        )
        lat = next((line for line in out.splitlines() if "latency average" in line), "")
        bal = InventoryBalance.objects.get(product=pg_product, warehouse=wh)
        print(
            f"  pgbench reference (same UPDATE + INSERT, {args.clients} clients, 10 s): "
            f"{tps:.0f} tps, {lat.strip()}; ratio Django/pgbench = {ok / elapsed / tps:.2f}"
        )
        print(f"  pgbench SKU: committed {bal.committed} of on hand {bal.on_hand}")
    print(f"  {consistency_line()}")
    if oversold:
        raise SystemExit("OVERSOLD")


if __name__ == "__main__":
    main()
