"""order_search matches what a customer reads out, however it is typed: e-mail in any case,
phone numbers in any format (even only the last seven digits), name fragments, tracking
numbers and external ids in any case; newest first. (The plans: test_order_list_plans.py.)"""

from datetime import UTC, datetime

import pytest
from django.db import connection

from orders import selectors as orders_selectors
from orders import services as orders_services
from orders.filters import OrderFilterSet
from orders.models import FulfillmentRequest, Order
from tests.orders.builders import SYSTEM, capture, channel, product, stock, warehouse

pytestmark = pytest.mark.django_db


@pytest.fixture
def grace():
    wh = warehouse("NM1")
    stock(product("NM-A"), wh, 10)
    order = capture(
        channel(wh),
        [("NM-A", 1)],
        external_id="Shop-Grace-9",
        customer={
            "email": "Grace.Hopper@Navy.Example",
            "name": "Grace Brewster Hopper",
            "phone": "+44 20 7946 0958",
        },
    )
    fr = FulfillmentRequest.objects.get(order=order)
    orders_services.fulfillment_request_shipped(
        request_id=fr.pk,
        shipment_id=11,
        carrier="MOCK",
        tracking_number="1ZNORM0042",
        lines=[(fr.lines.get().pk, 1)],
        actor=SYSTEM,
    )
    return order


@pytest.mark.parametrize(
    "query",
    [
        "grace.hopper@navy.example",
        "GRACE.HOPPER@NAVY.EXAMPLE",
        "  Grace.Hopper@Navy.Example ",
        "+442079460958",
        "020 7946-0958",
        "(0)20 7946 0958",
        "79460958",
        "946 0958",  # only the last seven digits
        "brewster",
        "RACE BREW",
        "shop-grace-9",
        "1znorm0042",
        "1ZNORM0042",
    ],
)
def test_search_normalises_each_kind(grace, query):
    assert list(orders_selectors.order_search(query=query)) == [grace]


@pytest.mark.parametrize("query", ["946 0957", "grace.hopper@navy.exampl", "1ZNORM004", "zzz"])
def test_search_does_not_match_near_misses(grace, query):
    assert list(orders_selectors.order_search(query=query)) == []


def test_search_returns_the_newest_matches_first_up_to_the_limit():
    wh = warehouse("NM2")
    stock(product("NM-B"), wh, 10)
    ch = channel(wh)
    same = {"email": "repeat@example.com", "name": "Repeat Buyer", "phone": "555 0100 200"}
    older = capture(ch, [("NM-B", 1)], external_id="R-1", customer=same)
    newer = capture(ch, [("NM-B", 1)], external_id="R-2", customer=same)

    assert list(orders_selectors.order_search(query="REPEAT@example.com")) == [newer, older]
    assert list(orders_selectors.order_search(query="repeat buyer", limit=1)) == [newer]
    assert list(orders_selectors.order_search(query="5550100200")) == [newer, older]


# -- Postgres: plans ---------------------------------------------------------------------------


def _plan(qs) -> str:
    # Tiny tables favour sequential scans; forbid them so the plan shows which index is chosen.
    with connection.cursor() as cur:
        cur.execute("SET LOCAL enable_seqscan = off")
    return qs.explain()


@pytest.mark.postgres
def test_seven_digit_phone_lookup_is_one_index_scan(grace):
    lookups = orders_selectors._search_lookups("946 0958")
    plans = "\n".join(_plan(qs[: orders_selectors.SEARCH_CANDIDATES_PER_KIND]) for qs in lookups)
    assert "Seq Scan" not in plans, plans
    assert "order_phone_tail8" in plans, plans


def test_email_filter_is_case_insensitive_on_every_database(grace):
    filterset = OrderFilterSet({"email": "GRACE.HOPPER@navy.EXAMPLE"}, queryset=Order.objects.all())
    assert list(filterset.qs) == [grace]
    after = datetime(2020, 1, 1, tzinfo=UTC).isoformat()
    assert list(OrderFilterSet({"placed_after": after}, queryset=Order.objects.all()).qs) == [grace]
