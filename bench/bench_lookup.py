"""Customer-service lookups and the order list API at 1,000,000 orders.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fulfillment_lookup \
        .venv/bin/python bench/bench_lookup.py --orders 1000000 --samples 200

The bulk generator writes orders, one line each and a shipment (tracking number) for every
other order server-side in a few set-based INSERT … SELECT generate_series statements (no
Python per row): a million orders take about a minute. It only tops up to --orders, so a second
run reuses the data. Then, in-process through Django's test client (the real URLconf, views,
serializers and queries, without HTTP), it times:

  * the CS lookup page  GET /orders/?q=…  by order number, e-mail, phone, name and tracking number
  * the order search selector alone (orders.selectors.order_search)
  * the order list API  GET /api/v1/orders/ (first page, and filtered by email / status)

and prints p50/p99 per kind. Goal (issue 7): lookups and the order list under 50 ms p99.
"""

from __future__ import annotations

import argparse
import random
import time

from _harness import machine, migrate, pct, setup_django

LOOKUP_DB = "postgres://postgres@127.0.0.1:5432/fulfillment_lookup"


def generate(total: int) -> float:
    from django.db import connection, transaction

    with transaction.atomic():
        return _generate(total, connection)


def _generate(total: int, connection) -> float:  # type: ignore[no-untyped-def]

    from channels_sync.models import Channel

    channel, _ = Channel.objects.get_or_create(code="lookup-shop", defaults={"name": "Lookup"})
    with connection.cursor() as cur:
        cur.execute("SELECT count(*), coalesce(max(id), 0) FROM orders_order")
        have, _max_id = cur.fetchone()
        if have >= total:
            return 0.0
        start = time.perf_counter()
        first, last = have + 1, total
        cur.execute(
            """
            INSERT INTO orders_order (created_at, updated_at, external_id, number, status,
                customer_email, customer_name, customer_phone, customer_phone_digits,
                shipping_address, billing_address,
                currency, subtotal, shipping_total, tax_total, total, service_level,
                payment_status, priority, placed_at, fraud_score, channel_id)
            SELECT now() - (g || ' seconds')::interval, now(), 'EXT-' || g, 'SO-' || lpad(g::text, 8, '0'),
                (ARRAY['released','shipped','delivered','cancelled','allocated'])[1 + g %% 5],
                'customer' || g || '@example.com',
                (ARRAY['Ada','Grace','Alan','Edsger','Barbara','Donald','Ken','Radia'])[1 + g %% 8]
                    || ' ' || (ARRAY['Lovelace','Hopper','Turing','Dijkstra','Liskov','Knuth'])[1 + g %% 6]
                    || ' ' || g,
                '+1650' || lpad(g::text, 7, '0'), '1650' || lpad(g::text, 7, '0'),
                '{"name": "A", "line1": "1 Main St", "city": "Springfield", "postal_code": "12345", "country": "US"}',
                '{}', 'USD', 19.98, 5, 0, 24.98, 'standard', 'captured', 0,
                now() - (g || ' seconds')::interval, 0, %s
            FROM generate_series(%s, %s) AS g
            """,
            [channel.pk, first, last],
        )
        cur.execute(
            """
            INSERT INTO orders_orderline (created_at, updated_at, line_number, external_line_id,
                sku, name, unit_price, quantity, quantity_allocated, quantity_backordered,
                quantity_picked, quantity_shipped, quantity_cancelled, quantity_returned,
                order_id, product_id)
            SELECT o.created_at, o.created_at, 1, '', 'SKU-' || (o.id %% 5000), 'Item', 9.99, 2, 2,
                0, 0, 0, 0, 0, o.id, NULL
            FROM orders_order o WHERE o.number >= 'SO-' || lpad(%s::text, 8, '0')
              AND o.number <= 'SO-' || lpad(%s::text, 8, '0') AND o.number LIKE 'SO-%%'
            """,
            [first, last],
        )
        from orders.models import FulfillmentRequest, Order
        from warehouse.models import Warehouse

        wh, _ = Warehouse.objects.get_or_create(
            code="LKP", defaults={"name": "Lookup", "region": "east", "country": "US"}
        )
        request, _ = FulfillmentRequest.objects.get_or_create(
            number="FR-LKP",
            defaults={"order": Order.objects.order_by("pk").first(), "warehouse": wh},
        )
        cur.execute(
            """
            INSERT INTO orders_ordershipment (shipment_id, carrier, tracking_number, lines,
                shipped_at, order_id, request_id)
            SELECT NULL, 'MOCK', '1Z' || lpad(o.id::text, 12, '0'), '[]', o.created_at, o.id, %s
            FROM orders_order o
            WHERE o.id %% 2 = 0 AND o.number >= 'SO-' || lpad(%s::text, 8, '0')
              AND o.number <= 'SO-' || lpad(%s::text, 8, '0') AND o.number LIKE 'SO-%%'
            """,
            [request.pk, first, last],
        )
        cur.execute("ANALYZE orders_order; ANALYZE orders_orderline; ANALYZE orders_ordershipment")
    return time.perf_counter() - start


BUDGET_S = 60.0  # per measured kind: a pathological query stops early with fewer samples


def timed(fn, n):  # type: ignore[no-untyped-def]
    out = []
    started = time.perf_counter()
    for i in range(n):
        t0 = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t0) * 1000)
        if time.perf_counter() - started > BUDGET_S and len(out) >= 3:
            break
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    import os

    setup_django(
        db_url=os.environ.get("LOOKUP_DATABASE_URL") or os.environ.get("DATABASE_URL") or LOOKUP_DB
    )
    migrate()
    from django.db import connection

    from common import roles
    from orders.selectors import order_search

    took = generate(args.orders)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*), min(id), max(id) FROM orders_order")
        count, lo, hi = cur.fetchone()
        cur.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        size = cur.fetchone()[0]
    print(f"machine: {machine()}")
    print(
        f"lookup: {count:,} orders ({size}); generated {'now in ' + format(took, '.0f') + ' s' if took else 'earlier'}"
    )

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    user, _ = get_user_model().objects.get_or_create(username="bench-cs")
    user.groups.add(Group.objects.get_or_create(name=roles.CUSTOMER_SERVICE)[0])
    client = Client()
    client.force_login(user)
    # As config/wsgi.py does in a server worker after start-up (see there).
    import gc

    gc.collect()
    gc.freeze()
    rng = random.Random(7)
    ids = [rng.randint(lo, hi) for _ in range(args.samples)]
    rows = {
        r[0]: r
        for r in __import__("orders.models", fromlist=["Order"])
        .Order.objects.filter(pk__in=ids)
        .values_list("pk", "number", "customer_email", "customer_phone", "customer_name")
    }
    samples = [rows[i] for i in ids if i in rows]

    kinds = {
        "number": lambda r: r[1],
        "email": lambda r: r[2],
        "phone": lambda r: r[3],
        "name": lambda r: r[4].split()[-1] and " ".join(r[4].split()[:2]) + " " + r[4].split()[-1],
        "tracking": lambda r: "1Z" + str(r[0] + (r[0] % 2)).zfill(12),
    }
    print(
        f"  {'what':34s} {'p50':>8s} {'p99':>8s}   (up to {len(samples)} samples, {BUDGET_S:.0f} s each)"
    )
    for kind, make in kinds.items():
        page = timed(
            lambda i, make=make: client.get("/orders/", {"q": make(samples[i])}), len(samples)
        )
        sel = timed(lambda i, make=make: list(order_search(query=make(samples[i]))), len(samples))
        print(
            f"  CS lookup page by {kind:15s} {pct(page, 50):8.1f} {pct(page, 99):8.1f} ms"
            f"  n={len(page)}"
        )
        print(
            f"  order_search() by {kind:15s} {pct(sel, 50):8.1f} {pct(sel, 99):8.1f} ms"
            f"  n={len(sel)}"
        )
    api = Client()
    ops, _ = get_user_model().objects.get_or_create(username="bench-ops")
    ops.groups.add(Group.objects.get_or_create(name=roles.OPS_MANAGER)[0])
    api.force_login(ops)
    for label, params in (
        ("order list API, first page", {}),
        ("order list API, ?status=shipped", {"status": "shipped"}),
        ("order list API, ?email=…", None),
    ):
        if params is None:
            lat = timed(
                lambda i: api.get("/api/v1/orders/", {"email": samples[i][2]}), len(samples)
            )
        else:
            lat = timed(lambda i, p=params: api.get("/api/v1/orders/", p), min(len(samples), 100))
        print(f"  {label:34s} {pct(lat, 50):8.1f} {pct(lat, 99):8.1f} ms  n={len(lat)}")
    r = api.get("/api/v1/orders/")
    assert r.status_code == 200, r.status_code

    # The plan of each lookup kind for one sample: every one must be an index scan.
    from orders.selectors import SEARCH_CANDIDATES_PER_KIND, _search_lookups

    print("  plans (EXPLAIN ANALYZE, first sample of each kind):")
    for kind, make in kinds.items():
        for qs in _search_lookups(make(samples[0])):
            plan = qs[:SEARCH_CANDIDATES_PER_KIND].explain(analyze=True).splitlines()
            scans = [ln.strip() for ln in plan if "Scan" in ln]
            total = next((ln for ln in plan if ln.startswith("Execution Time")), "")
            print(f"    {kind:9s} {scans[0][:90] if scans else plan[0][:90]}  [{total}]")


if __name__ == "__main__":
    main()
