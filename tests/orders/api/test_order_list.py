"""The order list API: lean rows, keyset pages that walk the whole history in both directions,
every filter, and the page size (?page_size= or ?limit=, within 500)."""

from __future__ import annotations

import datetime as dt

import pytest

from orders import services as orders_services
from orders.choices import HoldKind
from tests.orders.builders import SYSTEM, capture, channel, product, stock, warehouse

pytestmark = pytest.mark.django_db

URL = "/api/v1/orders/"
BASE = dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC)


@pytest.fixture
def history():
    """Seven orders placed a day apart, over two warehouses; the fourth on a fraud hold."""
    east, west = warehouse("LE1"), warehouse("LW1")
    stock(product("LST-E"), east, 50)
    stock(product("LST-W"), west, 50)
    ch = channel(east, west, code="list-shop")
    orders = []
    for i in range(7):
        sku = "LST-E" if i % 2 == 0 else "LST-W"
        orders.append(
            capture(
                ch,
                [(sku, 1)],
                external_id=f"Ext-{i}",
                placed_at=(BASE + dt.timedelta(days=i)).isoformat(),
                promised_ship_by=(BASE + dt.timedelta(days=i + 2)).isoformat(),
                customer={"email": f"buyer{i % 3}@example.com", "name": f"Buyer {i}"},
            )
        )
    orders_services.order_hold_place(
        order_id=orders[3].pk, kind=HoldKind.FRAUD, reason="check", actor=SYSTEM
    )
    return orders


def _numbers(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["number"] for row in response.json()["results"]]


def _walk(client, params, page_size):  # type: ignore[no-untyped-def]
    """Every page from the first through `next`, then back through `previous`."""
    forward, pages = [], []
    response = client.get(URL, {**params, "page_size": page_size})
    while True:
        pages.append(_numbers(response))
        forward.extend(pages[-1])
        nxt = response.json()["next"]
        if nxt is None:
            break
        response = client.get(nxt)
    backward = [pages[-1]]
    while response.json()["previous"]:
        response = client.get(response.json()["previous"])
        backward.append(_numbers(response))
    return forward, pages, backward


def test_list_rows_are_lean_and_newest_first(ops_client, history):
    response = ops_client.get(URL)
    rows = response.json()["results"]
    assert [r["number"] for r in rows] == [o.number for o in reversed(history)]
    assert set(rows[0]) == {
        "number",
        "external_id",
        "channel",
        "status",
        "customer",
        "currency",
        "total",
        "payment_status",
        "service_level",
        "priority",
        "placed_at",
        "promised_ship_by",
        "created_at",
    }
    assert rows[0]["channel"] == "list-shop"
    assert rows[0]["customer"]["email"] == "buyer0@example.com"
    assert "lines" not in rows[0]  # nested detail stays on GET /orders/{number}/


@pytest.mark.parametrize(
    "params",
    [{}, {"placed_after": "2026-01-01T00:00:00Z"}, {"promised_after": "2026-01-01T00:00:00Z"}],
    ids=["by id", "by placed_at", "by promised_ship_by"],
)
def test_keyset_pages_walk_every_order_once_and_back(ops_client, history, params):
    forward, pages, backward = _walk(ops_client, params, 3)
    newest_first = [o.number for o in reversed(history)]
    assert forward == newest_first
    assert [len(p) for p in pages] == [3, 3, 1]
    assert backward == list(reversed(pages))


def test_limit_is_honoured_as_the_page_size_within_the_maximum(ops_client, history):
    assert len(_numbers(ops_client.get(URL, {"limit": 2}))) == 2
    assert len(_numbers(ops_client.get(URL, {"page_size": 4}))) == 4
    assert len(_numbers(ops_client.get(URL, {"limit": 500}))) == 7
    for bad in ("501", "0", "x"):
        response = ops_client.get(URL, {"limit": bad})
        assert response.status_code == 400
        assert "limit" in response.json()["error"]["fields"]


def test_a_cursor_that_is_not_ours_is_refused(ops_client, history):
    assert ops_client.get(URL, {"cursor": "not-a-cursor"}).status_code == 404
    by_id = ops_client.get(URL, {"page_size": 2}).json()["next"]
    # a cursor of the id ordering does not fit a placed-window page
    cursor = by_id.split("cursor=")[1].split("&")[0]
    response = ops_client.get(URL, {"cursor": cursor, "placed_after": "2026-01-01T00:00:00Z"})
    assert response.status_code == 404


def test_every_filter(ops_client, history):
    n = [o.number for o in history]

    def got(**params):  # type: ignore[no-untyped-def]
        return _numbers(ops_client.get(URL, params))

    day = lambda i: (BASE + dt.timedelta(days=i)).isoformat()  # noqa: E731
    assert got(warehouse="LW1") == [n[5], n[3], n[1]]
    assert got(warehouse="NOPE") == []
    assert got(sku="LST-E") == [n[6], n[4], n[2], n[0]]
    assert got(hold_kind="fraud") == [n[3]]
    assert got(hold_kind="manual") == []
    assert got(status="on_hold") == [n[3]]
    flowing = history[0].status  # the others went on to the warehouse
    assert flowing != "on_hold"
    assert got(status=["on_hold", flowing]) == list(reversed(n))
    assert got(placed_after=day(2), placed_before=day(4)) == [n[3], n[2]]
    assert got(promised_after=day(5), promised_before=day(7)) == [n[4], n[3]]
    assert got(email="BUYER1@example.com") == [n[4], n[1]]
    assert got(external_id="ext-5") == [n[5]]
    assert got(number=n[2].lower()) == [n[2]]
    assert got(channel="list-shop", sku="LST-W") == [n[5], n[3], n[1]]
    assert ops_client.get(URL, {"hold_kind": "nope"}).status_code == 400


def test_filtered_pages_keep_their_filter(ops_client, history):
    forward, pages, _ = _walk(ops_client, {"sku": "LST-E"}, 2)
    assert forward == [o.number for o in reversed(history) if o.lines.get().sku == "LST-E"]
    assert [len(p) for p in pages] == [2, 2]
    forward, _, _ = _walk(ops_client, {"status": ["on_hold", history[0].status]}, 2)
    assert forward == [o.number for o in reversed(history)]
