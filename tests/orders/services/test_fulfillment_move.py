import pytest

from inventory.exceptions import InsufficientStock
from inventory.models import InventoryBalance
from orders import selectors as orders_selectors
from orders import services as orders_services
from orders.exceptions import OrderNotEditable
from orders.models import FulfillmentRequest
from tests.orders.builders import CS, SYSTEM, capture, channel, product, stock, warehouse

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    w1, w2 = warehouse("M1"), warehouse("M2")
    a = product("M-A")
    stock(a, w1, 5)
    stock(a, w2, 5)
    ch = channel(w1, w2)
    order = capture(ch, [("M-A", 3)])
    return w1, w2, a, order


def _committed(product, wh):
    return InventoryBalance.objects.get(product=product, warehouse=wh).committed


def test_move_a_whole_request_to_another_warehouse(setup):
    w1, w2, a, order = setup
    source = FulfillmentRequest.objects.get(order=order)
    assert source.warehouse_id == w1.pk

    target = orders_services.fulfillment_request_move(
        request_id=source.pk, to_warehouse_id=w2.pk, actor=CS, reason="W1 flooded"
    )

    source.refresh_from_db()
    assert source.status == "cancelled"
    assert (target.warehouse_id, target.status) == (w2.pk, "released")
    assert target.lines.get().quantity == 3
    assert (_committed(a, w1), _committed(a, w2)) == (0, 3)
    assert order.events.filter(kind="moved", message__contains="W1 flooded").exists()
    assert list(orders_selectors.fulfillment_requests_for_wave(warehouse_id=w2.pk)) == [target]


def test_split_part_of_a_request_to_another_warehouse(setup):
    w1, w2, a, order = setup
    source = FulfillmentRequest.objects.get(order=order)
    line = source.lines.get()

    orders_services.fulfillment_request_move(
        request_id=source.pk, to_warehouse_id=w2.pk, actor=CS, lines=[(line.pk, 1)]
    )

    source.refresh_from_db()
    assert source.status == "released"
    assert (_committed(a, w1), _committed(a, w2)) == (2, 1)
    assert FulfillmentRequest.objects.filter(order=order, status="released").count() == 2


def test_move_without_stock_at_the_target_changes_nothing(setup):
    w1, _w2, a, order = setup
    w3 = warehouse("M3")
    order.channel.warehouse_links.create(warehouse=w3, priority=3)
    source = FulfillmentRequest.objects.get(order=order)

    with pytest.raises(InsufficientStock):
        orders_services.fulfillment_request_move(
            request_id=source.pk, to_warehouse_id=w3.pk, actor=CS
        )

    source.refresh_from_db()
    assert source.status == "released"
    assert _committed(a, w1) == 3


def test_move_is_refused_once_the_warehouse_started(setup):
    _w1, w2, _a, order = setup
    source = FulfillmentRequest.objects.get(order=order)
    orders_services.fulfillment_request_start(request_id=source.pk, actor=SYSTEM)
    with pytest.raises(OrderNotEditable):
        orders_services.fulfillment_request_move(
            request_id=source.pk, to_warehouse_id=w2.pk, actor=CS
        )


def test_short_pick_with_no_stock_elsewhere_backorders_then_allocates_when_stock_arrives():
    wh = warehouse("SP1")
    a = product("SP-A")
    stock(a, wh, 2)
    order = capture(channel(wh), [("SP-A", 2)])
    request = FulfillmentRequest.objects.get(order=order)
    line = request.lines.get()
    orders_services.fulfillment_request_start(request_id=request.pk, actor=SYSTEM)
    orders_services.fulfillment_line_picked(line_id=line.pk, quantity=1, actor=SYSTEM)

    orders_services.fulfillment_line_short(line_id=line.pk, quantity=1, actor=SYSTEM)

    ol = order.lines.get()
    assert (ol.quantity_allocated, ol.quantity_backordered, ol.quantity_picked) == (1, 1, 1)
    assert InventoryBalance.objects.get(product=a).committed == 1
    assert order.events.filter(kind="short_picked").exists()
