import pytest

from inventory.models import Commitment, InventoryBalance
from orders import services as orders_services
from orders.exceptions import OrderRefused
from orders.models import (
    FulfillmentRequest,
    Order,
    RoutingDecision,
    RoutingPolicy,
    WarehouseDistance,
)
from tests.orders.builders import SYSTEM, capture, channel, payload, product, stock, warehouse

pytestmark = pytest.mark.django_db


def _requests(order):
    return {
        fr.warehouse.code: sorted((line.order_line.sku, line.quantity) for line in fr.lines.all())
        for fr in FulfillmentRequest.objects.filter(order=order).exclude(status="cancelled")
    }


@pytest.fixture
def two_sites():
    """W1 (priority 1) has 2×A and 0×B, W2 (priority 2) has 5×A and 5×B."""
    w1, w2 = warehouse("W1"), warehouse("W2")
    a, b = product("R-A"), product("R-B")
    stock(a, w1, 2)
    stock(a, w2, 5)
    stock(b, w2, 5)
    return w1, w2


def test_fewest_shipments_ships_from_the_one_warehouse_that_fills_everything(two_sites):
    w1, w2 = two_sites
    ch = channel(w1, w2)  # default strategy: fewest shipments

    order = capture(ch, [("R-A", 2), ("R-B", 1)])

    assert _requests(order) == {"W2": [("R-A", 2), ("R-B", 1)]}
    decision = RoutingDecision.objects.get(order=order)
    assert decision.strategy == "fewest_shipments"
    assert decision.shipments == 1
    reasons = {c["code"]: c for c in decision.candidates}
    assert reasons["W2"]["fills_all"] is True
    assert reasons["W1"]["fills_all"] is False
    assert "not needed" in reasons["W1"]["reason"]
    assert order.events.filter(kind="routed", data__decision_id=decision.pk).exists()


def test_priority_strategy_with_splits_takes_from_the_first_warehouse_first(two_sites):
    w1, w2 = two_sites
    ch = channel(w1, w2)
    RoutingPolicy.objects.create(channel=ch, strategy="priority")

    order = capture(ch, [("R-A", 3), ("R-B", 1)])

    assert _requests(order) == {"W1": [("R-A", 2)], "W2": [("R-A", 1), ("R-B", 1)]}
    assert RoutingDecision.objects.get(order=order).shipments == 2


def test_priority_strategy_without_splits_uses_the_first_warehouse_that_fills_all(two_sites):
    w1, w2 = two_sites
    ch = channel(w1, w2, allows_split=False)
    RoutingPolicy.objects.create(channel=ch, strategy="priority")

    order = capture(ch, [("R-A", 2)])

    assert _requests(order) == {"W1": [("R-A", 2)]}


def test_nearest_strategy_uses_the_distance_table(two_sites):
    w1, w2 = two_sites
    ch = channel(w1, w2)
    RoutingPolicy.objects.create(channel=ch, strategy="nearest")
    WarehouseDistance.objects.create(warehouse=w1, country="US", region="", distance_km=3000)
    WarehouseDistance.objects.create(warehouse=w2, country="US", region="", distance_km=2500)
    WarehouseDistance.objects.create(warehouse=w1, country="US", region="CA", distance_km=50)

    order = capture(ch, [("R-A", 1)])  # ships to CA: W1 is nearest by its region row

    assert _requests(order) == {"W1": [("R-A", 1)]}
    candidates = {c["code"]: c for c in RoutingDecision.objects.get(order=order).candidates}
    assert (candidates["W1"]["distance_km"], candidates["W2"]["distance_km"]) == (50, 2500)


def test_split_not_allowed_and_no_single_warehouse_can_fill_waits_as_backorder():
    w1, w2 = warehouse("N1"), warehouse("N2")
    a, b = product("N-A"), product("N-B")
    stock(a, w1, 5)
    stock(b, w2, 5)
    ch = channel(w1, w2, allows_split=False)

    order = capture(ch, [("N-A", 1), ("N-B", 1)])

    assert order.status == "backordered"
    assert _requests(order) == {}
    assert sum(order.lines.values_list("quantity_backordered", flat=True)) == 2
    assert "splits are not allowed" in RoutingDecision.objects.get(order=order).summary
    assert InventoryBalance.objects.get(product=a, warehouse=w1).committed == 0


def test_split_allowed_ships_from_both_when_no_single_warehouse_can_fill():
    w1, w2 = warehouse("P1"), warehouse("P2")
    a, b = product("P-A"), product("P-B")
    stock(a, w1, 5)
    stock(b, w2, 5)
    ch = channel(w1, w2, allows_split=True)

    order = capture(ch, [("P-A", 1), ("P-B", 1)])

    assert _requests(order) == {"P1": [("P-A", 1)], "P2": [("P-B", 1)]}
    assert order.status == "released"


def test_none_can_fill_partial_allocation_then_stock_arrives():
    # given 1 unit in stock and an order for 3
    wh = warehouse("B1")
    a = product("B-A")
    stock(a, wh, 1)
    ch = channel(wh)
    order = capture(ch, [("B-A", 3)])
    line = order.lines.get()
    assert (line.quantity_allocated, line.quantity_backordered) == (1, 2)
    assert order.status == "released"  # the allocated unit goes to the warehouse at once

    # when stock arrives and backorders are allocated
    stock(a, wh, 5)
    served = orders_services.backorders_allocate(product_ids=[a.pk], actor=SYSTEM)

    # then the backordered units are committed too
    line.refresh_from_db()
    assert served == 1
    assert (line.quantity_allocated, line.quantity_backordered) == (3, 0)
    assert InventoryBalance.objects.get(product=a, warehouse=wh).committed == 3
    assert order.events.filter(kind="routed").count() == 2


def test_no_stock_anywhere_backorders_everything_and_retry_without_stock_writes_nothing():
    wh = warehouse("Z1")
    product("Z-A")
    ch = channel(wh)
    order = capture(ch, [("Z-A", 2)])
    assert order.status == "backordered"
    decisions = RoutingDecision.objects.count()

    assert orders_services.backorders_allocate(actor=SYSTEM) == 0
    assert RoutingDecision.objects.count() == decisions


def test_backorders_are_served_highest_priority_then_oldest_first():
    wh = warehouse("Q1")
    a = product("Q-A")
    ch = channel(wh)
    old = capture(ch, [("Q-A", 1)])
    newer = capture(ch, [("Q-A", 1)])
    urgent = capture(ch, [("Q-A", 1)], priority=5)

    stock(a, wh, 2)
    orders_services.backorders_allocate(actor=SYSTEM)

    got = {
        o.pk: Order.objects.get(pk=o.pk).lines.get().quantity_allocated
        for o in (old, newer, urgent)
    }
    assert got == {urgent.pk: 1, old.pk: 1, newer.pk: 0}


def test_refuse_policy_rejects_an_order_that_cannot_be_filled_and_writes_nothing():
    wh = warehouse("F1")
    a = product("F-A")
    stock(a, wh, 1)
    ch = channel(wh)
    RoutingPolicy.objects.create(channel=ch, shortage_policy="refuse")

    with pytest.raises(OrderRefused):
        orders_services.order_capture(channel_id=ch.pk, data=payload([("F-A", 2)]), actor=SYSTEM)

    assert Order.objects.count() == 0
    assert Commitment.objects.count() == 0
    assert InventoryBalance.objects.get(product=a).committed == 0
