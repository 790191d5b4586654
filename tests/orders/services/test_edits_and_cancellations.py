import pytest

from inventory.models import Commitment, InventoryBalance
from orders import services as orders_services
from orders.exceptions import AlreadyPicked, OrderNotEditable
from orders.models import FulfillmentRequest
from orders.services.edits import order_address_change, order_cancel, order_lines_edit
from tests.orders.builders import (
    CS,
    GOOD_ADDRESS,
    SYSTEM,
    capture,
    channel,
    product,
    stock,
    warehouse,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    wh = warehouse("C1")
    stock(product("C-A"), wh, 10)
    stock(product("C-B"), wh, 10)
    return channel(wh)


def _committed(sku):
    return InventoryBalance.objects.get(product__sku=sku).committed


def _pick(order, sku, qty):
    frl = FulfillmentRequest.objects.get(order=order).lines.get(order_line__sku=sku)
    orders_services.fulfillment_line_picked(line_id=frl.pk, quantity=qty, actor=SYSTEM)


def test_cancel_whole_order_before_picking_releases_stock_at_once(shop):
    order = capture(shop, [("C-A", 3), ("C-B", 1)])
    assert _committed("C-A") == 3

    order_cancel(order_id=order.pk, actor=CS, reason="customer changed mind")

    order.refresh_from_db()
    assert order.status == "cancelled"
    assert (_committed("C-A"), _committed("C-B")) == (0, 0)
    assert FulfillmentRequest.objects.get(order=order).status == "cancelled"
    assert not Commitment.objects.filter(document_ref=order.number, status="open").exists()
    assert order.events.filter(kind="cancelled", message__contains="customer changed mind").exists()
    assert order.total == 0


def test_cancel_whole_order_after_picking_is_refused_with_the_reason(shop):
    order = capture(shop, [("C-A", 2)])
    _pick(order, "C-A", 1)

    with pytest.raises(AlreadyPicked) as exc:
        order_cancel(order_id=order.pk, actor=CS, reason="too late")

    assert "already picked" in exc.value.message
    order.refresh_from_db()
    assert order.status == "in_fulfillment"
    assert _committed("C-A") == 2


def test_cancel_unpicked_units_of_a_line_while_others_are_picked(shop):
    # given 3 units allocated, 1 picked
    order = capture(shop, [("C-A", 3), ("C-B", 1)])
    _pick(order, "C-A", 1)
    line_a = order.lines.get(sku="C-A")

    # when 2 unpicked units are cancelled, it works; a third is refused
    order_cancel(order_id=order.pk, actor=CS, reason="short", lines=[(line_a.pk, 2)])
    with pytest.raises(AlreadyPicked):
        order_cancel(order_id=order.pk, actor=CS, reason="more", lines=[(line_a.pk, 1)])

    line_a.refresh_from_db()
    assert (line_a.quantity_cancelled, line_a.quantity_allocated, line_a.quantity_picked) == (
        2,
        1,
        1,
    )
    assert _committed("C-A") == 1


def test_cancelling_every_line_cancels_the_order(shop):
    order = capture(shop, [("C-A", 1)])
    order_cancel(order_id=order.pk, actor=CS, reason="x", lines=[(order.lines.get().pk, 1)])
    order.refresh_from_db()
    assert order.status == "cancelled"


def test_cancel_backordered_units_needs_no_stock_release():
    wh = warehouse("C2")
    product("C-Z")
    order = capture(channel(wh), [("C-Z", 2)])
    assert order.status == "backordered"
    order_cancel(order_id=order.pk, actor=CS, reason="no stock")
    order.refresh_from_db()
    assert order.status == "cancelled"


def test_cancel_shipped_order_is_refused(shop):
    order = capture(shop, [("C-A", 1)])
    fr = FulfillmentRequest.objects.get(order=order)
    orders_services.fulfillment_request_shipped(
        request_id=fr.pk,
        shipment_id=1,
        carrier="MOCK",
        tracking_number="T1",
        lines=[(fr.lines.get().pk, 1)],
        actor=SYSTEM,
    )
    with pytest.raises(OrderNotEditable):
        order_cancel(order_id=order.pk, actor=CS, reason="late")


def test_address_edit_before_picking_is_recorded(shop):
    order = capture(shop, [("C-A", 1)])
    new = {**GOOD_ADDRESS, "line1": "2 Infinite Loop", "city": "Cupertino", "postal_code": "95014"}

    order_address_change(order_id=order.pk, actor=CS, shipping_address=new)

    order.refresh_from_db()
    assert order.shipping_address["line1"] == "2 Infinite Loop"
    event = order.events.get(kind="address_changed")
    assert event.actor == "cs-agent"
    assert event.data["before"]["shipping_address"]["line1"] == GOOD_ADDRESS["line1"]


def test_address_edit_after_picking_is_refused(shop):
    order = capture(shop, [("C-A", 1)])
    _pick(order, "C-A", 1)
    with pytest.raises(AlreadyPicked):
        order_address_change(order_id=order.pk, actor=CS, shipping_address=GOOD_ADDRESS)


def test_line_edits_before_picking_release_or_allocate_stock(shop):
    order = capture(shop, [("C-A", 3)])
    line = order.lines.get()

    order_lines_edit(
        order_id=order.pk,
        actor=CS,
        changes=[{"line_id": line.pk, "quantity": 1}],
        add=[{"sku": "C-B", "quantity": 2, "unit_price": "5.00"}],
    )

    order.refresh_from_db()
    assert _committed("C-A") == 1
    assert _committed("C-B") == 2
    assert order.total == 20  # 1×10 + 2×5
    assert order.status == "released"
    assert order.events.filter(kind="edited").count() == 1


def test_line_quantity_increase_is_routed(shop):
    order = capture(shop, [("C-A", 1)])
    order_lines_edit(
        order_id=order.pk, actor=CS, changes=[{"line_id": order.lines.get().pk, "quantity": 4}]
    )
    assert _committed("C-A") == 4


def test_line_edit_after_picking_is_refused(shop):
    order = capture(shop, [("C-A", 2)])
    _pick(order, "C-A", 1)
    with pytest.raises(AlreadyPicked):
        order_lines_edit(
            order_id=order.pk, actor=CS, changes=[{"line_id": order.lines.get().pk, "quantity": 1}]
        )
    assert _committed("C-A") == 2
