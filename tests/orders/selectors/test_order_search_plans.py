"""Each customer-service lookup kind is one index lookup on Postgres, never a walk over every
order (at a million orders that walk took seconds; see bench/RESULTS.md)."""

import pytest
from django.db import connection

from orders import selectors as orders_selectors
from orders import services as orders_services
from orders.models import FulfillmentRequest
from tests.orders.builders import SYSTEM, capture, channel, product, stock, warehouse

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def shipped_order():
    wh = warehouse("PL1")
    stock(product("PL-A"), wh, 10)
    order = capture(
        channel(wh),
        [("PL-A", 1)],
        external_id="shop-77",
        customer={
            "email": "Plan.Case@Example.com",
            "name": "Radia Perlman",
            "phone": "+1 (650) 555-0199",
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
    return order


@pytest.mark.parametrize(
    ("kind", "query", "index"),
    [
        ("email", "plan.case@example.com", "order_email_lower"),
        ("number", None, "orders_order_number"),
        ("external id", "SHOP-77", "order_external_id_upper"),
        ("phone", "650 555 0199", "order_phone_tail8"),
        ("name", "perlman", "order_name_upper_trgm"),
        ("tracking", "1zplan77", "tracking_number"),
    ],
)
def test_every_lookup_kind_is_an_index_scan_and_finds_the_order(shipped_order, kind, query, index):
    query = query or shipped_order.number.lower()
    # Tiny tables favour sequential scans, or walking the created_at index (the candidates'
    # ORDER BY) with a filter; forbid both so the plan shows which index serves the predicate.
    # (At a million orders the planner picks these indexes unaided: bench/RESULTS.md.)
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
        cur.execute("SET LOCAL enable_indexscan = off")
    plans = "\n".join(
        qs[: orders_selectors.SEARCH_CANDIDATES_PER_KIND].explain()
        for qs in orders_selectors._search_lookups(query)
    )
    assert "Seq Scan" not in plans
    assert index in plans, plans
    assert list(orders_selectors.order_search(query=query)) == [shipped_order]
