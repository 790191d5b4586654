import pytest
from django.utils import timezone

from inventory.models import Commitment, InventoryBalance
from orders import selectors as orders_selectors
from orders import services as orders_services
from orders.exceptions import InvalidOrderData
from orders.models import FulfillmentRequest
from tests.orders.builders import SYSTEM, capture, channel, product, statuses, stock, warehouse

pytestmark = pytest.mark.django_db


def test_capture_routes_and_releases_one_request_per_warehouse():
    # given one warehouse with stock for both SKUs
    wh = warehouse("E1")
    a, b = product("A-1"), product("B-1")
    stock(a, wh, 5)
    stock(b, wh, 5)
    ch = channel(wh)

    # when an order for both arrives
    order = capture(ch, [("A-1", 2), ("B-1", 1)])

    # then it is allocated and released to that warehouse as one request
    assert order.status == "released"
    assert statuses(order) == ["ready", "allocated", "released"]
    request = FulfillmentRequest.objects.get(order=order)
    assert (request.warehouse_id, request.status) == (wh.pk, "released")
    assert sorted(line.quantity for line in request.lines.all()) == [1, 2]
    assert InventoryBalance.objects.get(product=a, warehouse=wh).committed == 2
    assert list(orders_selectors.fulfillment_requests_for_wave(warehouse_id=wh.pk)) == [request]


def test_pick_ship_deliver_through_the_contract_functions():
    # given a released order
    wh = warehouse("E2")
    a = product("A-2")
    stock(a, wh, 5)
    order = capture(channel(wh), [("A-2", 3)])
    request = FulfillmentRequest.objects.get(order=order)
    line = request.lines.get()

    # when the WMS starts, picks, ships (consuming stock) and the carrier delivers
    orders_services.fulfillment_request_start(request_id=request.pk, actor=SYSTEM)
    orders_services.fulfillment_line_picked(line_id=line.pk, quantity=3, actor=SYSTEM)
    order.refresh_from_db()
    assert order.status == "in_fulfillment"
    orders_services.fulfillment_request_shipped(
        request_id=request.pk,
        shipment_id=77,
        carrier="MOCK",
        tracking_number="1Z999",
        lines=[(line.pk, 3)],
        actor=SYSTEM,
    )
    orders_services.order_tracking_event(
        order_id=order.pk,
        status="delivered",
        description="Left at door",
        occurred_at=timezone.now(),
        actor=SYSTEM,
    )

    # then every step is on the timeline and the request is closed
    order.refresh_from_db()
    request.refresh_from_db()
    assert order.status == "delivered"
    assert request.status == "closed"
    assert statuses(order)[-3:] == ["in_fulfillment", "shipped", "delivered"]
    assert list(orders_selectors.order_search(query="1Z999")) == [order]


def test_short_pick_reroutes_to_another_warehouse():
    # given stock in two warehouses, the first has priority
    wh1, wh2 = warehouse("S1"), warehouse("S2")
    a = product("A-3")
    stock(a, wh1, 2)
    stock(a, wh2, 5)
    order = capture(channel(wh1, wh2), [("A-3", 2)])
    first = FulfillmentRequest.objects.get(order=order)
    assert first.warehouse_id == wh1.pk

    # when the first warehouse reports both units short
    orders_services.fulfillment_request_start(request_id=first.pk, actor=SYSTEM)
    orders_services.fulfillment_line_short(line_id=first.lines.get().pk, quantity=2, actor=SYSTEM)

    # then they are committed and released at the second warehouse instead
    first.refresh_from_db()
    assert first.status == "cancelled"
    second = FulfillmentRequest.objects.exclude(pk=first.pk).get(order=order)
    assert (second.warehouse_id, second.status) == (wh2.pk, "released")
    assert InventoryBalance.objects.get(product=a, warehouse=wh1).committed == 0
    assert InventoryBalance.objects.get(product=a, warehouse=wh2).committed == 2
    assert Commitment.objects.filter(document_ref=order.number, status="open").count() == 1
    order.refresh_from_db()
    assert order.status == "released"


@pytest.mark.parametrize(
    ("_case", "data", "field"),
    [
        ("not an object", ["x"], "non_field_errors"),
        ("no external id", {"lines": [{"sku": "A", "quantity": 1}]}, "external_id"),
        (
            "float quantity",
            {"external_id": "e", "lines": [{"sku": "A", "quantity": 1.5}]},
            "lines[0].quantity",
        ),
        (
            "huge quantity",
            {"external_id": "e", "lines": [{"sku": "A", "quantity": 10**9}]},
            "lines[0].quantity",
        ),
        (
            "long sku",
            {"external_id": "e", "lines": [{"sku": "A" * 65, "quantity": 1}]},
            "lines[0].sku",
        ),
        (
            "bad priority",
            {"external_id": "e", "priority": "high", "lines": [{"sku": "A", "quantity": 1}]},
            "priority",
        ),
        (
            "customer not object",
            {"external_id": "e", "customer": "x", "lines": [{"sku": "A", "quantity": 1}]},
            "customer",
        ),
        (
            "huge price",
            {"external_id": "e", "lines": [{"sku": "A", "quantity": 1, "unit_price": "1e12"}]},
            "lines[0].unit_price",
        ),
    ],
)
def test_capture_refuses_malformed_importer_data_with_field_errors(_case, data, field):
    from orders.exceptions import InvalidOrderData
    from orders.models import Order

    ch = channel(warehouse("V1"))
    with pytest.raises(InvalidOrderData) as exc:
        orders_services.order_capture(channel_id=ch.pk, data=data, actor=SYSTEM)
    assert field in exc.value.extra["fields"]
    assert Order.objects.count() == 0


def test_naive_dates_are_taken_as_utc_and_bad_dates_are_refused():
    # given a channel that sends dates without an offset
    wh = warehouse("E9")
    product("N-1")
    ch = channel(wh)

    # when an order carries naive placed_at / promise dates
    order = capture(
        ch,
        [("N-1", 1)],
        placed_at="2026-11-01T10:00:00",
        promised_ship_by="2026-11-02T17:30:00",
    )

    # then they are stored as UTC instants
    assert order.placed_at.isoformat() == "2026-11-01T10:00:00+00:00"
    assert order.promised_ship_by.isoformat() == "2026-11-02T17:30:00+00:00"

    # and a date that is not a date is a field error, not a crash
    with pytest.raises(InvalidOrderData) as err:
        capture(ch, [("N-1", 1)], placed_at="yesterday-ish")
    assert "placed_at" in err.value.extra["fields"]
