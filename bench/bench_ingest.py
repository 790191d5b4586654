"""Order ingestion over HTTP: gunicorn + real Postgres, concurrent keep-alive clients, orders of
1–5 lines with stock reservation. Side by side in the same run:

  api   POST /api/v1/orders/ (DRF, validation, capture, holds check, routing, reservation,
        timeline, outbox) — the product
  bare  POST /bare/orders/ (bench/bare_urls.py): only reserve-and-insert, same Django stack
  pg    pgbench_ingest.sql: the equivalent reserve-and-insert transaction in raw SQL
  bulk  POST /api/v1/orders/bulk/ (issue 12 item 4): --bulk-size 3-line orders per request,
        the same capture (holds, routing, reservation, timeline, outbox), set-based

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fulfillment_bench \
        .venv/bin/python bench/bench_ingest.py --clients 8 --seconds 20 --rate 100

Prints orders/s, p50/p99 latency, SQL statements per order, the ratios, then the latency at a
fixed arrival rate (--rate), then the consistency check.
Goals (issue 7): api >= 0.5 × bare; <= 20 SQL statements per order; p99 < 150 ms at 100 orders/s.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from _harness import ROOT, consistency_line, machine, migrate, pct, setup_django

BENCH = Path(__file__).resolve().parent


def _payload(products, i, *, bare, channel_id, warehouse_id):  # type: ignore[no-untyped-def]
    chosen = sorted(random.sample(products, random.randint(1, 5)), key=lambda p: p[0])
    lines = [
        {"sku": sku, "quantity": random.randint(1, 3), "unit_price": "9.99", "product_id": pid}
        for pid, sku in chosen
    ]
    body = {
        "external_id": f"B{os.getpid()}-{time.time_ns()}-{i}",
        "customer": {"email": f"c{i}@example.com", "name": "Ada Lovelace", "phone": "+16505550100"},
        "shipping_address": {
            "name": "Ada Lovelace",
            "line1": "1600 Amphitheatre Pkwy",
            "city": "Mountain View",
            "region": "CA",
            "postal_code": "94043",
            "country": "US",
        },
        "currency": "USD",
        "lines": lines,
        "payment_status": "captured",
    }
    if bare:
        body.update(channel_id=channel_id, warehouse_id=warehouse_id)
    else:
        for line in lines:
            line.pop("product_id")
    return json.dumps(body)


def _bulk_body(products, i, size):  # type: ignore[no-untyped-def]
    orders = []
    for k in range(size):
        body = json.loads(
            _payload(products, i * size + k, bare=False, channel_id=0, warehouse_id=0)
        )
        body["lines"] = [
            {"sku": sku, "quantity": random.randint(1, 3), "unit_price": "9.99"}
            for _, sku in sorted(random.sample(products, 3))
        ]
        orders.append(body)
    return json.dumps({"orders": orders})


def _load_bulk(port, headers, products, *, clients, seconds, size):  # type: ignore[no-untyped-def]
    """Closed loop of bulk requests; counts the orders answered 200/201 in the results."""
    lat, counts, lock = [], {}, threading.Lock()
    bodies = [_bulk_body(products, i, size) for i in range(clients * 2)]  # built before timing
    start = time.perf_counter()
    end = start + seconds
    counter = iter(range(10**9))

    def client(k):  # type: ignore[no-untyped-def]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while time.perf_counter() < end:
            i = next(counter)
            body = bodies[i % len(bodies)]
            if i >= len(bodies):  # fresh external ids: every order is new
                body = body.replace('"external_id": "B', f'"external_id": "R{i}-B')
            t0 = time.perf_counter()
            try:
                conn.request("POST", "/api/v1/orders/bulk/", body=body, headers=headers)
                resp = conn.getresponse()
                data = json.loads(resp.read() or b"{}")
            except (OSError, http.client.HTTPException, ValueError):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
                data = {}
            done = time.perf_counter()
            with lock:
                lat.append(done - t0)
                for r in data.get("results", []):
                    counts[r["status"]] = counts.get(r["status"], 0) + 1

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ok = sum(n for c, n in counts.items() if c in (200, 201))
    return {"ok": ok, "codes": counts, "elapsed": time.perf_counter() - start, "lat": lat}


def _gunicorn(port: int, *, settings: str, workers: int, threads: int):  # type: ignore[no-untyped-def]
    env = dict(os.environ, DJANGO_SETTINGS_MODULE=settings, CONN_MAX_AGE="600")
    cmd = [
        str(Path(sys.executable).with_name("gunicorn")),
        "config.wsgi:application",
        "--pythonpath",
        str(BENCH),
        "--chdir",
        str(ROOT),
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        str(workers),
        "-k",
        "gthread",
        "--threads",
        str(threads),
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(cmd, env=env, start_new_session=True)
    for _ in range(100):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/healthz")
            if c.getresponse().status < 500:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def _stop(proc) -> None:  # type: ignore[no-untyped-def]
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(20)


def _load(port, path, headers, make_body, *, clients, seconds, rate=None):  # type: ignore[no-untyped-def]
    """Closed loop (each client sends as soon as its previous order is answered), or, with
    `rate`, open loop: orders are due at a fixed rate and latency counts from the due time."""
    lat, codes, lock = [], {}, threading.Lock()
    start = time.perf_counter() + 0.5
    end = start + seconds
    counter = iter(range(10**9))

    def client(k):  # type: ignore[no-untyped-def]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            i = next(counter)
            if rate:
                due = start + i / rate
                if due >= end or time.perf_counter() > end + 5:
                    return  # the server fell behind by more than 5 s: stop, report what we have
                time.sleep(max(0.0, due - time.perf_counter()))
            else:
                due = time.perf_counter()
                if due >= end:
                    return
                due = max(due, start)
                time.sleep(max(0.0, start - time.perf_counter()))
            body = make_body(i)
            try:
                conn.request("POST", path, body=body, headers=headers)
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = 0
            done = time.perf_counter()
            with lock:
                lat.append(done - due)
                codes[status] = codes.get(status, 0) + 1

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = max(time.perf_counter(), end) - start if rate else time.perf_counter() - start
    ok = sum(n for c, n in codes.items() if c in (200, 201))
    return {"ok": ok, "codes": codes, "elapsed": elapsed, "lat": lat}


def _line(name, r) -> str:  # type: ignore[no-untyped-def]
    ms = [x * 1000 for x in r["lat"]]
    return (
        f"  {name:5s} {r['ok'] / r['elapsed']:7.1f} orders/s  p50 {pct(ms, 50):6.1f} ms  "
        f"p99 {pct(ms, 99):6.1f} ms  ({r['ok']} ok, statuses {dict(sorted(r['codes'].items()))})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rate", type=float, default=100, help="orders/s for the latency run")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--skus", type=int, default=400)
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--bulk-size", type=int, default=500, help="orders per bulk request")
    parser.add_argument("--bulk-clients", type=int, default=2)
    args = parser.parse_args()

    setup_django()
    migrate()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from channels_sync.models import Channel, ChannelToken, ChannelWarehouse
    from common.types import Actor
    from inventory.models import Product
    from inventory.services import stock_receive
    from warehouse.models import Bin, Warehouse
    from warehouse.services.layout import layout_generate

    tag = f"I{int(time.time()) % 10**8}"
    wh = Warehouse.objects.create(code=tag, name=f"Bench {tag}", region="east", country="US")
    layout_generate(warehouse=wh, aisles=2, bays=4, levels=1, blocks=1, pick_levels=1)
    bins = list(Bin.objects.filter(warehouse=wh, code__startswith="A-").order_by("code"))
    products = []
    for i in range(args.skus):
        p = Product.objects.create(sku=f"{tag}-{i:04d}", name=f"Bench {i}")
        stock_receive(
            product_id=p.pk,
            bin=bins[i % len(bins)],
            quantity=10_000_000,
            actor=Actor.system("bench"),
            document_type="bench",
            document_ref="setup",
        )
        products.append((p.pk, p.sku))
    channel = Channel.objects.create(code=tag.lower(), name=f"Bench {tag}", kind="custom")
    ChannelWarehouse.objects.create(channel=channel, warehouse=wh, priority=1)
    key = ChannelToken.generate_key()
    ChannelToken.objects.create(
        channel=channel, prefix=key[:10], key_hash=ChannelToken.hash_key(key)
    )
    with connection.cursor() as cur:
        cur.execute(
            "CREATE TABLE IF NOT EXISTS bench_order (id bigserial primary key, number text unique,"
            " channel_id bigint, external_id text, status text, customer_email text,"
            " customer_name text, shipping_address jsonb, placed_at timestamptz,"
            " created_at timestamptz)"
        )
        cur.execute(
            "CREATE TABLE IF NOT EXISTS bench_order_line (id bigserial primary key,"
            " order_id bigint references bench_order(id), line_number int, sku text,"
            " product_id bigint, unit_price numeric(12,2), quantity int)"
        )

    api_headers = {"Authorization": f"Token {key}", "Content-Type": "application/json"}
    make_api = lambda i: _payload(products, i, bare=False, channel_id=0, warehouse_id=0)  # noqa: E731
    make_bare = lambda i: _payload(  # noqa: E731
        products, i, bare=True, channel_id=channel.pk, warehouse_id=wh.pk
    )

    # SQL statements per order, counted in-process on the same code path (3-line order)
    client = Client()
    counts = []
    for i in range(5):
        body = json.loads(make_api(10**8 + i))
        body["lines"] = [
            {"sku": sku, "quantity": 1, "unit_price": "9.99"}
            for _, sku in sorted(products[i * 3 : i * 3 + 3])
        ]
        with CaptureQueriesContext(connection) as ctx:
            r = client.post(
                "/api/v1/orders/",
                data=json.dumps(body),
                content_type="application/json",
                HTTP_AUTHORIZATION=f"Token {key}",
            )
        assert r.status_code == 201, r.content[:500]
        counts.append(len(ctx.captured_queries))
    sql_per_order = sorted(counts)[len(counts) // 2]
    kinds: dict[str, int] = {}
    for q in ctx.captured_queries:
        word = q["sql"].split()[0].upper()
        kinds[word] = kinds.get(word, 0) + 1
    connection.close()

    print(f"machine: {machine()}")
    print(
        f"ingestion: gunicorn gthread {args.workers} workers × {args.threads} threads, "
        f"{args.clients} keep-alive clients, {args.seconds:.0f} s per run, orders of 1–5 lines "
        f"over {args.skus} SKUs, CONN_MAX_AGE=600"
    )
    print(f"  SQL statements per 3-line order (API): {sql_per_order}  {kinds}")

    results = {}
    for name, settings, path, headers, make in (
        ("api", "config.settings.base", "/api/v1/orders/", api_headers, make_api),
        ("bare", "bare_settings", "/bare/orders/", {"Content-Type": "application/json"}, make_bare),
    ):
        proc = _gunicorn(args.port, settings=settings, workers=args.workers, threads=args.threads)
        try:
            _load(args.port, path, headers, make, clients=args.clients, seconds=2)  # warm up
            results[name] = _load(
                args.port, path, headers, make, clients=args.clients, seconds=args.seconds
            )
            if name == "api":
                results["bulk"] = _load_bulk(
                    args.port,
                    headers,
                    products,
                    clients=args.bulk_clients,
                    seconds=args.seconds,
                    size=args.bulk_size,
                )
            results[name + "@rate"] = _load(
                args.port,
                path,
                headers,
                make,
                clients=max(args.clients, 16),
                seconds=args.seconds,
                rate=args.rate,
            )
        finally:
            _stop(proc)

    db = connection.settings_dict
    pmin, pmax = min(p[0] for p in products), max(p[0] for p in products)
    out = subprocess.run(
        [
            "pgbench",
            "-n",
            "-h",
            db["HOST"] or "127.0.0.1",
            "-p",
            str(db["PORT"] or 5432),
            "-U",
            db["USER"] or "postgres",
            "-f",
            str(BENCH / "pgbench_ingest.sql"),
            "-D",
            f"wid={wh.pk}",
            "-D",
            f"pmin={pmin}",
            "-D",
            f"pmax={pmax}",
            "-c",
            str(args.clients),
            "-j",
            "2",
            "-T",
            str(int(args.seconds)),
            db["NAME"],
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    pg_tps = next(
        float(x.split("=")[1].split()[0]) for x in out.splitlines() if x.startswith("tps")
    )
    pg_lat = next(
        (x.split("=")[1].strip() for x in out.splitlines() if "latency average" in x), "?"
    )

    print(f"  closed loop, {args.clients} clients:")
    print(_line("api", results["api"]))
    print(_line("bare", results["bare"]))
    print(f"  pg    {pg_tps:7.1f} orders/s  (pgbench, 3-line order, latency average {pg_lat})")
    bulk = results["bulk"]["ok"] / results["bulk"]["elapsed"]
    print(
        f"  bulk  {bulk:7.1f} orders/s  ({args.bulk_size} 3-line orders per request, "
        f"{args.bulk_clients} clients, request p50 "
        f"{pct([x * 1000 for x in results['bulk']['lat']], 50):.0f} ms; "
        f"per-order statuses {dict(sorted(results['bulk']['codes'].items()))})  "
        f"bulk/pg = {bulk / pg_tps:.2f} (goal >= 0.30, >= 1,000 orders/s)"
    )
    api = results["api"]["ok"] / results["api"]["elapsed"]
    bare = results["bare"]["ok"] / results["bare"]["elapsed"]
    print(
        f"  ratios: api/bare = {api / bare:.2f} (goal >= 0.50)   api/pg = {api / pg_tps:.3f}   "
        f"bare/pg = {bare / pg_tps:.3f}"
    )
    print(f"  open loop at {args.rate:.0f} orders/s (latency from the due time):")
    print(_line("api", results["api@rate"]))
    print(_line("bare", results["bare@rate"]))
    print(f"  {consistency_line()}")


if __name__ == "__main__":
    main()
