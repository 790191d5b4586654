"""Channel sync benchmark: propagation latency and burst batching, through a real Celery worker.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_sync \
    REDIS_URL=redis://127.0.0.1:6379/9 .venv/bin/python bench/bench_sync.py

1. Steady stream: `--rate` stock receipts per second for `--seconds` on `--skus` SKUs, each its own
   committed transaction through inventory services. Latency of a change = from its commit to
   the first moment the mock Shopify-style storefront holds that value (or a newer one of the
   same SKU, when the outbox coalesced it). Prints p50/p95/p99/max and throughput.
2. Burst: `--burst` SKUs changed at once (one receipt each, committed from 4 threads), then the
   time until the storefront — rate-limited like Shopify (leaky bucket 40, 2/s) — holds every
   new value, and how many GraphQL calls that took (batching: up to 250 SKUs per call).

One worker process (`--concurrency 1`); the storefront runs in this process on a free port.
Needs Postgres and Redis; creates the database if missing and migrates it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _setup() -> tuple[str, str]:
    db = os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_sync")
    redis = os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/9")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ.setdefault("DEBUG", "false")
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 50)
    import psycopg

    base, name = db.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname=%s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return db, redis


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=20.0, help="changes per second")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--skus", type=int, default=200)
    parser.add_argument("--burst", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=1)
    args = parser.parse_args()

    db, redis_url = _setup()
    from django.db import transaction

    from channels_sync.mock_servers import MockServer, ShopifyMock
    from channels_sync.models import Channel, ChannelWarehouse, Listing
    from common.types import Actor
    from inventory import services as inventory_services
    from inventory.models import Product
    from warehouse.models import Bin, Warehouse
    from warehouse.services.layout import layout_generate

    actor = Actor.system("bench")
    run = time.strftime("%H%M%S")
    # the steady stream measures our pipeline: a storefront whose limit is not the bottleneck
    fast = MockServer(
        ShopifyMock(capacity=100000, leak_rate=100000.0, access_tokens=["shpat_bench"])
    ).start()
    # the burst goes to a storefront limited like Shopify: leaky bucket of 40, 2 per second
    server = MockServer(ShopifyMock(access_tokens=["shpat_bench"])).start()
    app = server.app

    warehouse = Warehouse.objects.create(code=f"BS{run}", name=f"Bench sync {run}")
    layout_generate(warehouse=warehouse, aisles=1, bays=2, levels=1, blocks=1, pick_levels=1)
    bin_ = Bin.objects.filter(warehouse=warehouse).order_by("pk").first()
    channel = Channel.objects.create(
        code=f"bench-{run}",
        name="Bench shop",
        kind="shopify",
        base_url=server.url,
        credentials={"access_token": "shpat_bench", "location_id": "1"},
        rate_limit_per_second=2.0,
        rate_limit_burst=40,
    )
    ChannelWarehouse.objects.create(channel=channel, warehouse=warehouse, priority=1)
    fast_channel = Channel.objects.create(
        code=f"bench-fast-{run}",
        name="Bench fast shop",
        kind="shopify",
        base_url=fast.url,
        credentials={"access_token": "shpat_bench", "location_id": "1"},
        rate_limit_per_second=1000.0,
        rate_limit_burst=1000,
    )
    ChannelWarehouse.objects.create(channel=fast_channel, warehouse=warehouse, priority=1)
    total = args.skus + args.burst
    products = Product.objects.bulk_create(
        [Product(sku=f"BS{run}-{n:05d}", name=f"bench {n}") for n in range(total)]
    )
    steady, burst = products[: args.skus], products[args.skus :]
    Listing.objects.bulk_create(
        [
            Listing(channel=ch, product=p, channel_sku=p.sku, external_inventory_item_id=str(p.pk))
            for ch, group in ((fast_channel, steady), (channel, burst))
            for p in group
        ]
    )
    # earlier runs' channels point at storefronts that are gone: switch them off
    Channel.objects.filter(code__startswith="bench-").exclude(
        pk__in=[channel.pk, fast_channel.pk]
    ).update(is_active=False)

    env = {
        **os.environ,
        "DATABASE_URL": db,
        "REDIS_URL": redis_url,
        "LOG_LEVEL": "WARNING",
        "CHANNELS_SYNC_SWEEP_SECONDS": "2",
    }
    tmp = tempfile.mkdtemp(prefix="bench-sync-")
    log = open(f"{tmp}/worker.log", "w")  # noqa: SIM115 (closed with the worker)
    worker = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/celery"),
            "-A",
            "config",
            "worker",
            "-B",
            "-s",
            f"{tmp}/beat",
            "-l",
            "info",
            "-c",
            str(args.concurrency),
            "--pool",
            "prefork",
            "-n",
            f"bench{run}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        for _ in range(150):
            if " ready." in Path(f"{tmp}/worker.log").read_text():
                break
            time.sleep(0.2)
        # warm up: one change, so the worker's connections and imports are hot
        inventory_services.stock_receive(product_id=steady[0].pk, bin=bin_, quantity=1, actor=actor)
        _wait(lambda: fast.app.inventory.get(str(steady[0].pk)) == 1, 60, "warm-up", tmp)

        # --- 1. steady stream --------------------------------------------------------------
        expected: dict[int, int] = {p.pk: 0 for p in steady}
        expected[steady[0].pk] = 1
        changes: list[tuple[int, int, float, float]] = []  # (product, new ATS, began, committed)
        interval = 1.0 / args.rate
        n_changes = int(args.rate * args.seconds)
        start = time.time()
        for i in range(n_changes):
            target = start + i * interval
            delay = target - time.time()
            if delay > 0:
                time.sleep(delay)
            product = steady[(i * 7919) % len(steady)]
            began = time.time()
            inventory_services.stock_receive(
                product_id=product.pk, bin=bin_, quantity=1, actor=actor
            )
            expected[product.pk] += 1
            changes.append((product.pk, expected[product.pk], began, time.time()))
        stream_end = time.time()
        _wait(
            lambda: all(fast.app.inventory.get(str(pid)) == q for pid, q in expected.items()),
            60,
            "steady stream",
            tmp,
        )
        latencies = []
        with fast.app.lock:
            history = {k: list(v) for k, v in fast.app.history.items()}
        for pid, value, began, committed in changes:
            # the push can land before this thread notes the commit time: match from `began`
            seen = [t for t, q, _ in history.get(str(pid), []) if q >= value and t >= began]
            latencies.append(max(0.0, min(seen) - committed))
        print(
            f"steady stream: {n_changes} changes at {args.rate:g}/s on {args.skus} SKUs, "
            f"{args.concurrency} worker process(es)"
        )
        print(
            f"  propagation latency  p50 {_pct(latencies, 50) * 1000:.0f} ms  "
            f"p95 {_pct(latencies, 95) * 1000:.0f} ms  p99 {_pct(latencies, 99) * 1000:.0f} ms  "
            f"max {max(latencies) * 1000:.0f} ms  mean {statistics.mean(latencies) * 1000:.0f} ms"
        )
        print(
            f"  throughput           {n_changes / (stream_end - start):.1f} changes/s committed, "
            f"all reflected at the storefront"
        )

        # --- 2. burst of changed SKUs ------------------------------------------------------
        calls_before = sum(1 for r in app.requests if "inventorySetQuantities" in r["body"])
        # one receipt of every SKU, committed at once (a large inbound shipment or a count)
        t_start = time.time()
        with transaction.atomic():
            for p in burst:
                inventory_services.stock_receive(product_id=p.pk, bin=bin_, quantity=5, actor=actor)
        t0 = t_committed = time.time()
        _wait(lambda: all(app.inventory.get(str(p.pk)) == 5 for p in burst), 120, "burst", tmp)
        t_done = time.time()
        calls = sum(1 for r in app.requests if "inventorySetQuantities" in r["body"]) - calls_before
        print(
            f"burst: {len(burst)} SKUs changed in one transaction "
            f"(building it took {t_committed - t_start:.2f} s)"
        )
        print(
            f"  fully reflected at the Shopify-rate-limited storefront {t_done - t0:.2f} s "
            f"after the commit"
        )
        print(f"  inventorySetQuantities calls: {calls} (≤250 SKUs each, one request each)")
    finally:
        os.killpg(worker.pid, 9)
        log.close()
        server.stop()
        fast.stop()


def _wait(predicate, timeout: float, stage: str, tmp: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.time() + timeout
    while not predicate():
        if time.time() > deadline:
            tail = Path(f"{tmp}/worker.log").read_text()[-3000:]
            raise SystemExit(f"timed out waiting for the storefront ({stage})\n{tail}")
        time.sleep(0.005)


if __name__ == "__main__":
    main()
