"""Bulk order history for the lookup benchmark: millions of orders in minutes, set-based.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_lookup_10m \
        .venv/bin/python bench/bulk_orders.py --orders 10000000

Everything is written server-side by `INSERT … SELECT … FROM generate_series` in chunks (one
transaction each), no Python per row. Five years of history, oldest first (ids and created_at
rise together, as live capture writes them):

* orders: four channels (60 / 30 / 9 / 1 %), 3.3 customers per 10 orders (a customer orders
  again: same name, e-mail and phone), names from Faker's en_US lists (690 first × 1,000 last
  names), a status mix by age (history mostly delivered, some cancelled, returned or never
  confirmed; the last days spread over every open status), placed 0–60 minutes before capture,
  a promised ship-by 1–3 days after placing for 90 %;
* lines: 1–4 per order (1.7 on average), 20,000 SKUs of which 1,000 popular ones take 80 % of
  the lines, quantities consistent with the order's status (the table's CHECK constraints hold);
* fulfillment requests: one per routed order in one of three warehouses (the third opened two
  years ago), 5 % of multi-line orders split over two;
* shipments with tracking numbers for every shipped request;
* holds: an active one (payment, fraud, address, manual, unknown SKU or exchange) on every
  `on_hold` order, and released holds on 4 % of the rest.

For speed the load runs with foreign-key triggers off (`session_replication_role = replica`,
the generator's own ids are consistent by construction), drops the tables' plain indexes first
and builds them again afterwards (in parallel workers), then VACUUM ANALYZEs so index-only
scans work. Unique constraints stay on throughout. A database that already holds at least
`--orders` orders is reused as it is.
"""

from __future__ import annotations

import argparse
import time

TABLES = (
    "orders_order",
    "orders_orderline",
    "orders_fulfillmentrequest",
    "orders_ordershipment",
    "orders_hold",
)
CHUNK = 250_000
YEARS = 5

# r(k): a pseudo-random integer in [0, 1000) for order g, independent for each k.
R = "((hashint8extended(g, {k}) & 1073741823) %% 1000)"


def _r(k: int) -> str:
    return R.format(k=k)


STATUS_SQL = """
CASE
  WHEN now() - t > interval '30 days' THEN
    CASE WHEN r1 < 860 THEN 'delivered' WHEN r1 < 910 THEN 'cancelled'
         WHEN r1 < 950 THEN 'returned' ELSE 'shipped' END
  WHEN now() - t > interval '3 days' THEN
    CASE WHEN r1 < 600 THEN 'delivered' WHEN r1 < 850 THEN 'shipped'
         WHEN r1 < 900 THEN 'cancelled' WHEN r1 < 920 THEN 'returned'
         WHEN r1 < 950 THEN 'partially_shipped' ELSE 'backordered' END
  ELSE
    CASE WHEN r1 < 50 THEN 'received' WHEN r1 < 100 THEN 'on_hold'
         WHEN r1 < 130 THEN 'ready' WHEN r1 < 280 THEN 'allocated'
         WHEN r1 < 300 THEN 'partially_allocated' WHEN r1 < 350 THEN 'backordered'
         WHEN r1 < 550 THEN 'released' WHEN r1 < 700 THEN 'in_fulfillment'
         WHEN r1 < 750 THEN 'partially_shipped' WHEN r1 < 950 THEN 'shipped'
         ELSE 'cancelled' END
END
"""

ROUTED = (
    "('allocated','partially_allocated','released','in_fulfillment','partially_shipped',"
    "'shipped','delivered','returned')"
)
SHIPPED = "('partially_shipped','shipped','delivered','returned')"


def _names() -> tuple[list[str], list[str]]:
    from faker.providers.person.en_US import Provider

    return list(Provider.first_names), list(Provider.last_names)


def _fixtures() -> dict[str, list[int]]:
    """Four channels and three warehouses (ids for the SQL)."""
    from channels_sync.models import Channel
    from warehouse.models import Warehouse

    channels = [
        Channel.objects.get_or_create(code=code, defaults={"name": code.title()})[0].pk
        for code in ("bulk-web", "bulk-market", "bulk-wholesale", "bulk-popup")
    ]
    warehouses = [
        Warehouse.objects.get_or_create(
            code=code, defaults={"name": code.title(), "region": region, "country": "US"}
        )[0].pk
        for code, region in (("BULK-E", "east"), ("BULK-W", "west"), ("BULK-C", "central"))
    ]
    return {"channels": channels, "warehouses": warehouses}


def _orders_sql() -> str:
    # g: the order's id; t: its created_at; c: its customer.
    return f"""
    INSERT INTO orders_order (id, created_at, updated_at, external_id, number, status,
        customer_email, customer_name, customer_phone, customer_phone_digits,
        shipping_address, billing_address, currency, subtotal, shipping_total, tax_total, total,
        service_level, promised_ship_by, promised_delivery_by, payment_status, priority,
        placed_at, fraud_score, channel_id)
    SELECT g, t, t + interval '1 hour', 'EXT-' || g, 'SO-' || lpad(g::text, 9, '0'), st,
        lower(fn || '.' || ln || '.' || c) || '@example.com', fn || ' ' || ln,
        '+1 (' || (200 + c %% 800) || ') ' || lpad((c %% 10000000)::text, 7, '0'),
        '1' || (200 + c %% 800) || lpad((c %% 10000000)::text, 7, '0'),
        (ARRAY['{{"line1": "1 Main St", "city": "Springfield", "region": "IL", "postal_code": "62701", "country": "US"}}',
               '{{"line1": "22 Elm Ave", "city": "Portland", "region": "OR", "postal_code": "97201", "country": "US"}}',
               '{{"line1": "9 Harbor Rd", "city": "Boston", "region": "MA", "postal_code": "02110", "country": "US"}}',
               '{{"line1": "400 Pine St", "city": "Austin", "region": "TX", "postal_code": "73301", "country": "US"}}'
              ]::jsonb[])[1 + c %% 4],
        '{{}}', 'USD', sub, 5.00, 0, sub + 5.00, 'standard',
        CASE WHEN {_r(5)} < 900 THEN p + (1 + {_r(6)} %% 3) * interval '1 day' END,
        CASE WHEN {_r(5)} < 900 THEN p + (4 + {_r(6)} %% 3) * interval '1 day' END,
        CASE WHEN st IN ('received', 'on_hold') AND {_r(7)} < 300 THEN 'pending' ELSE 'captured' END,
        0, p, 0,
        (%(channels)s::bigint[])[CASE WHEN {_r(2)} < 600 THEN 1 WHEN {_r(2)} < 900 THEN 2
                                      WHEN {_r(2)} < 990 THEN 3 ELSE 4 END]
    FROM (
        SELECT g, t, t - ({_r(3)} * 3.6) * interval '1 second' AS p, c,
            f.name AS fn, l.name AS ln, (20 + {_r(4)} %% 180)::numeric(12, 2) AS sub,
            {STATUS_SQL} AS st
        FROM (
            SELECT g, %(start)s::timestamptz + (g - 1) * %(step)s::interval AS t,
                (hashint8extended(g, 9) & 1073741823) %% %(customers)s AS c, {_r(1)} AS r1
            FROM generate_series(%(lo)s::bigint, %(hi)s::bigint) AS g
        ) a
        JOIN bulk_first_name f ON f.i = a.c %% %(nfirst)s
        JOIN bulk_last_name l ON l.i = (a.c / %(nfirst)s) %% %(nlast)s
    ) b
    """


LINES_SQL = f"""
INSERT INTO orders_orderline (id, created_at, updated_at, line_number, external_line_id, sku,
    name, unit_price, quantity, quantity_allocated, quantity_backordered, quantity_picked,
    quantity_shipped, quantity_cancelled, quantity_returned, order_id, product_id)
SELECT o.id * 4 + k, o.created_at, o.updated_at, k, '', sku, 'Item ' || sku, 9.99, q,
    CASE WHEN o.status IN {ROUTED} THEN q ELSE 0 END,
    CASE WHEN o.status = 'backordered' THEN q ELSE 0 END,
    CASE WHEN o.status IN ('shipped','delivered','returned')
              OR (o.status = 'partially_shipped' AND k = 1) THEN q ELSE 0 END,
    CASE WHEN o.status IN ('shipped','delivered','returned')
              OR (o.status = 'partially_shipped' AND k = 1) THEN q ELSE 0 END,
    CASE WHEN o.status = 'cancelled' THEN q ELSE 0 END,
    CASE WHEN o.status = 'returned' AND k = 1 THEN q ELSE 0 END,
    o.id, NULL
FROM orders_order o
CROSS JOIN LATERAL (SELECT o.id AS g) gg
CROSS JOIN LATERAL generate_series(1, CASE WHEN {_r(10)} < 550 THEN 1 WHEN {_r(10)} < 850 THEN 2
                                          WHEN {_r(10)} < 950 THEN 3 ELSE 4 END) AS k
CROSS JOIN LATERAL (SELECT 1 + (hashint8extended(o.id * 4 + k, 11) & 1073741823) %% 3 AS q,
    'SKU-' || lpad((CASE WHEN (hashint8extended(o.id * 4 + k, 12) & 1023) < 820
                         THEN 1 + (hashint8extended(o.id * 4 + k, 13) & 1073741823) %% 1000
                         ELSE 1001 + (hashint8extended(o.id * 4 + k, 13) & 1073741823) %% 19000
                    END)::text, 5, '0') AS sku) x
WHERE o.id BETWEEN %(lo)s AND %(hi)s
"""

# One request per routed order (id = order id * 2 + 1), a second one (order id * 2 + 2) for 5 %
# of multi-line orders; the third warehouse only takes orders of the last two years.
FR_SQL = f"""
INSERT INTO orders_fulfillmentrequest (id, created_at, updated_at, number, status, priority,
    ship_by, service_level, released_at, closed_at, warehouse_id, order_id, routing_decision_id)
SELECT o.id * 2 + n, o.created_at, o.updated_at, 'FR-' || o.number || '-' || n,
    CASE WHEN o.status IN ('shipped','delivered','returned') THEN 'closed'
         WHEN o.status IN ('in_fulfillment','partially_shipped') THEN 'in_progress'
         WHEN o.status = 'released' THEN 'released' ELSE 'open' END,
    0, o.promised_ship_by, 'standard', o.created_at,
    CASE WHEN o.status IN ('shipped','delivered','returned') THEN o.created_at + interval '1 day' END,
    (%(warehouses)s::bigint[])[1 + (w + n - 1) %% CASE WHEN o.created_at > now() - interval '2 years'
                                                     THEN 3 ELSE 2 END],
    o.id, NULL
FROM orders_order o
CROSS JOIN LATERAL (SELECT o.id AS g) gg
CROSS JOIN LATERAL (SELECT CASE WHEN {_r(20)} < 550 THEN 0 WHEN {_r(20)} < 900 THEN 1 ELSE 2 END AS w) ww
CROSS JOIN LATERAL generate_series(1, CASE WHEN {_r(21)} < 50 AND {_r(10)} >= 550
    THEN 2 ELSE 1 END) AS n
WHERE o.id BETWEEN %(lo)s AND %(hi)s AND o.status IN {ROUTED}
"""

SHIPMENT_SQL = f"""
INSERT INTO orders_ordershipment (id, shipment_id, carrier, tracking_number, lines, shipped_at,
    order_id, request_id)
SELECT r.id, NULL, 'UPS',
    '1Z' || upper(lpad(to_hex(hashint8extended(r.id, 30) & 281474976710655), 12, '0')),
    '[]', r.created_at + interval '1 day', r.order_id, r.id
FROM orders_fulfillmentrequest r JOIN orders_order o ON o.id = r.order_id
WHERE r.id BETWEEN %(lo)s * 2 AND %(hi)s * 2 + 2 AND o.status IN {SHIPPED}
"""

HOLD_KINDS = "(ARRAY['payment','fraud','address','manual','unknown_sku','exchange'])"
HOLDS_SQL = f"""
INSERT INTO orders_hold (id, created_at, updated_at, kind, scope, reason, details, placed_by,
    released_at, released_by, release_note, fulfillment_request_id, placed_by_user_id, order_id)
SELECT o.id, o.created_at, o.updated_at,
    {HOLD_KINDS}[CASE WHEN {_r(40)} < 300 THEN 1 WHEN {_r(40)} < 550 THEN 2 WHEN {_r(40)} < 750 THEN 3
                      WHEN {_r(40)} < 850 THEN 4 WHEN {_r(40)} < 950 THEN 5 ELSE 6 END],
    'order', 'generated', '{{}}', 'system',
    CASE WHEN o.status = 'on_hold' THEN NULL ELSE o.created_at + interval '2 hours' END,
    CASE WHEN o.status = 'on_hold' THEN '' ELSE 'system' END, '', NULL, NULL, o.id
FROM orders_order o
CROSS JOIN LATERAL (SELECT o.id AS g) gg
WHERE o.id BETWEEN %(lo)s AND %(hi)s AND (o.status = 'on_hold' OR {_r(41)} < 40)
"""


def _say(msg: str, started: float) -> None:
    print(f"  [{time.perf_counter() - started:7.1f} s] {msg}", flush=True)


def _names_tables(cur, first: list[str], last: list[str]) -> None:  # type: ignore[no-untyped-def]
    for table, names in (("bulk_first_name", first), ("bulk_last_name", last)):
        cur.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table} (i int PRIMARY KEY, name text)")
        cur.execute(f"TRUNCATE {table}")
        cur.execute(
            f"INSERT INTO {table} SELECT i - 1, n FROM unnest(%s::text[]) WITH ORDINALITY AS u(n, i)",
            [names],
        )
        cur.execute(f"ANALYZE {table}")


def _in_threads(jobs: int, work: list, run) -> None:  # type: ignore[no-untyped-def]
    """Run `run(item)` for every item on `jobs` threads, each with its own connection."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    def one(item):  # type: ignore[no-untyped-def]
        try:
            run(item)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        for _ in pool.map(one, work):
            pass


def generate(total: int, *, jobs: int = 2) -> float:
    """Fill the database up to `total` generated orders; returns the seconds taken (0: reused)."""
    from django.db import connection, transaction

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM orders_order")
        have = cur.fetchone()[0]
    if have >= total:
        return 0.0
    if have:
        raise SystemExit(
            f"the database holds {have:,} orders (< {total:,}): use a fresh database for the bulk "
            "generator (its ids and times are laid out for the whole history at once)"
        )
    started = time.perf_counter()
    ids = _fixtures()
    first, last = _names()
    with connection.cursor() as cur:
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            [list(TABLES)],
        )
        indexes = cur.fetchall()
        for name, _ in indexes:
            cur.execute(f'DROP INDEX IF EXISTS "{name}"')
        cur.execute(
            "SELECT now() - make_interval(years => %s), "
            "(now() - (now() - make_interval(years => %s))) / %s",
            [YEARS, YEARS, total],
        )
        start, span_step = cur.fetchone()
    _say(
        f"dropped {len(indexes)} plain indexes; loading {total:,} orders on {jobs} connections",
        started,
    )
    params = {
        **ids,
        "nfirst": len(first),
        "nlast": len(last),
        "customers": max(1, total * 33 // 100),
        "start": start,
        "step": span_step,
    }

    def load(lo: int) -> None:
        hi = min(total, lo + CHUNK - 1)
        with connection.cursor() as cur:
            _names_tables(cur, first, last)
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET LOCAL session_replication_role = replica")
            cur.execute("SET LOCAL synchronous_commit = off")
            cur.execute("SET LOCAL jit = off")
            cur.execute("SET LOCAL work_mem = '64MB'")
            chunk = {**params, "lo": lo, "hi": hi}
            for sql in (_orders_sql(), LINES_SQL, FR_SQL, SHIPMENT_SQL, HOLDS_SQL):
                cur.execute(sql, chunk)
        _say(f"orders {lo:,}–{hi:,}", started)

    _in_threads(jobs, list(range(1, total + 1, CHUNK)), load)
    with connection.cursor() as cur:
        for table in TABLES:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
            )

    def build(index: tuple[str, str]) -> None:
        with connection.cursor() as cur:
            cur.execute("SET maintenance_work_mem = '512MB'")
            cur.execute("SET max_parallel_maintenance_workers = 0")
            cur.execute(index[1])
        _say(f"index {index[0]}", started)

    # the big GIN index first, so it does not run alone at the end
    _in_threads(jobs, sorted(indexes, key=lambda i: "gin" not in i[1]), build)

    def vacuum(table: str) -> None:
        with connection.cursor() as cur:
            cur.execute(f"VACUUM (ANALYZE) {table}")
        _say(f"vacuum analyze {table}", started)

    _in_threads(jobs, list(TABLES), vacuum)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--jobs", type=int, default=2, help="connections loading at once")
    args = parser.parse_args()
    import os

    from _harness import migrate, setup_django

    setup_django(db_url=os.environ.get("LOOKUP_DATABASE_URL") or os.environ.get("DATABASE_URL"))
    migrate()
    took = generate(args.orders, jobs=args.jobs)
    print(f"generated {args.orders:,} orders in {took:.0f} s" if took else "reused")


if __name__ == "__main__":
    main()
