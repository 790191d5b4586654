"""On Postgres, every order-list filter (first page and a page deep in history) and every
customer-service lookup kind reads its own index, in the list's order, without a sort or a
sequential scan. Fails when one of those indexes is dropped or a filter stops matching it.

Tiny tables make the planner prefer a sequential scan and a sort whatever the indexes; the
tests forbid both (and bitmap scans, which lose the order) for their transaction, so the plan
shows which index yields the rows. At 1 M and 10 M orders the planner picks these indexes
unaided: bench/RESULTS.md has the plans.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from orders import selectors as orders_selectors
from orders import services as orders_services
from orders.api import pagination as list_pages
from orders.choices import HoldKind
from orders.models import FulfillmentRequest
from tests.orders.builders import SYSTEM, capture, channel, product, stock, warehouse

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

URL = "/api/v1/orders/"
PLACED = dt.datetime(2026, 3, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def shipped():
    wh = warehouse("PLN")
    stock(product("PLN-A"), wh, 20)
    ch = channel(wh, code="plan-shop")
    order = capture(
        ch,
        [("PLN-A", 1)],
        external_id="Shop-Plan-1",
        placed_at=PLACED.isoformat(),
        promised_ship_by=(PLACED + dt.timedelta(days=2)).isoformat(),
        customer={
            "email": "Plan.Case@Example.com",
            "name": "Radia Perlman",
            "phone": "+1 650 555 0199",
        },
    )
    fr = FulfillmentRequest.objects.get(order=order)
    orders_services.fulfillment_request_shipped(
        request_id=fr.pk,
        shipment_id=9,
        carrier="MOCK",
        tracking_number="1ZPLAN77",
        lines=[(fr.lines.get().pk, 1)],
        actor=SYSTEM,
    )
    held = capture(ch, [("PLN-A", 1)], external_id="Shop-Plan-2")
    orders_services.order_hold_place(
        order_id=held.pk, kind=HoldKind.FRAUD, reason="review", actor=SYSTEM
    )
    return order


def _forbid_scans_and_sorts() -> None:
    with connection.cursor() as cur:
        for setting in ("enable_seqscan", "enable_sort", "enable_bitmapscan", "enable_hashjoin"):
            cur.execute(f"SET LOCAL {setting} = off")


def _forbid_walks() -> None:
    """For keys that match a handful of orders: no walk of the pk filtering every row (which a
    tiny table favours over the key's index and a sort of its few matches)."""
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_indexscan = off")
        cur.execute("SET LOCAL enable_bitmapscan = on")
        cur.execute("SET LOCAL enable_sort = on")


def _plans_of(client, params) -> str:  # type: ignore[no-untyped-def]
    """EXPLAIN of every query the list request runs on the order tables (the page's rows, and
    for a filter on another table the order ids read from its index first)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(URL, params)
    assert response.status_code == 200, response.content
    plans = []
    for q in ctx.captured_queries:
        sql = q["sql"]
        if sql.startswith("SELECT") and 'FROM "orders_' in sql:
            with connection.cursor() as cur:
                cur.execute("EXPLAIN " + sql)
                plans.append("\n".join(r[0] for r in cur.fetchall()))
    assert plans, "no page query ran"
    return "\n".join(plans)


FILTERS = [
    ("no filter", {}, "orders_order_pkey"),
    ("status", {"status": "shipped"}, "order_status_id"),
    ("several statuses", {"status": ["shipped", "on_hold"]}, "order_status_id"),
    ("channel", {"channel": "plan-shop"}, "order_channel_id"),
    ("warehouse", {"warehouse": "PLN"}, "fr_warehouse_order"),
    (
        "placed window",
        {"placed_after": "2026-02-01T00:00:00Z", "placed_before": "2026-04-01T00:00:00Z"},
        "order_placed_id",
    ),
    (
        "promised window",
        {"promised_after": "2026-02-01T00:00:00Z", "promised_before": "2026-04-01T00:00:00Z"},
        "order_promised_id",
    ),
    ("created window", {"created_after": "2020-01-01T00:00:00Z"}, "orders_order_created_at"),
    ("hold kind", {"hold_kind": "fraud"}, "hold_active_kind_order"),
    ("sku", {"sku": "PLN-A"}, "orderline_sku_order"),
    ("e-mail", {"email": "PLAN.case@example.com"}, "order_email_lower"),
    ("number", {"number": "NUMBER"}, "orders_order_number"),
    ("external id", {"external_id": "shop-plan-1"}, "order_external_id_upper"),
]


EXACT = {"e-mail", "number", "external id"}


@pytest.mark.parametrize("deep", [False, True], ids=["first page", "deep page"])
@pytest.mark.parametrize(("_name", "params", "index"), FILTERS, ids=[f[0] for f in FILTERS])
def test_every_list_filter_reads_its_index_in_order(
    ops_client, shipped, _name, params, index, deep
):
    params = {k: shipped.number.lower() if v == "NUMBER" else v for k, v in params.items()}
    if deep:
        # the cursor a `next` link carries, positioned after a newer row than any here
        ordering = orders_selectors.order_list_ordering(
            {k: PLACED for k in params if k.endswith(("_after", "_before"))}
        )
        far = dt.datetime(2100, 1, 1, tzinfo=dt.UTC)
        key = {"id": (10**12,)}.get(ordering, (far, 10**12))
        params = {**params, "cursor": list_pages.encode(ordering, key, backwards=False)}
    exact = _name in EXACT
    _forbid_scans_and_sorts()
    if exact:
        _forbid_walks()

    plan = _plans_of(ops_client, params)

    assert index in plan, plan
    assert "Seq Scan" not in plan, plan
    if exact:
        return  # a handful of rows: sorting them is the cheap plan at any size
    # the index gives the list's order: no sort of the matches (an incremental sort of rows
    # with the same created_at, already in index order, is no such sort)
    assert not re.search(r"(?<!Incremental )Sort\s+\(", plan), plan


LOOKUPS = [
    ("number", "NUMBER", "orders_order_number"),
    ("external id", "SHOP-PLAN-1", "order_external_id_upper"),
    ("e-mail", "plan.case@example.com", "order_email_lower"),
    ("phone", "650 555 0199", "order_phone_tail8"),
    ("name start", "radia perl", "order_name_prefix"),
    ("tracking", "1zplan77", "tracking_number"),
]


@pytest.mark.parametrize(("_kind", "query", "index"), LOOKUPS, ids=[k[0] for k in LOOKUPS])
def test_every_lookup_kind_reads_its_index(shipped, _kind, query, index):
    query = shipped.number.lower() if query == "NUMBER" else query
    _forbid_scans_and_sorts()
    _forbid_walks()
    plans = "\n".join(
        qs[: orders_selectors.SEARCH_CANDIDATES_PER_KIND].explain()
        for qs in orders_selectors._search_lookups(query)
    )
    assert index in plans, plans
    assert "Seq Scan" not in plans, plans
    assert shipped in orders_selectors.order_search(query=query)


def test_name_inside_names_reads_the_trigram_index(shipped):
    _forbid_scans_and_sorts()
    _forbid_walks()
    plan = orders_selectors._name_contains("perlman")[:1000].explain()
    assert "order_name_upper_trgm" in plan, plan
    assert "Seq Scan" not in plan, plan
    assert list(orders_selectors.order_search(query="perlman")) == [shipped]
