import pytest

from inventory import services as inventory_services
from inventory.models import InventoryBalance, StockLevel
from orders import services as orders_services
from orders.exceptions import OrderNotEditable, QuantityExceeded
from orders.models import FulfillmentRequest, Order
from orders.services import returns as return_services
from tests.factories.warehouse import BinFactory
from tests.orders.builders import CS, SYSTEM, capture, channel, pick_bin, product, stock, warehouse
from warehouse.services import returns as warehouse_returns

pytestmark = pytest.mark.django_db


@pytest.fixture
def shipped():
    wh = warehouse("RT1")
    BinFactory(warehouse=wh, code="RT1-Q", bin_type="quarantine")
    BinFactory(warehouse=wh, code="RT1-D", bin_type="damaged")
    stock(product("RT-A"), wh, 5)
    stock(product("RT-B"), wh, 5)
    order = capture(channel(wh), [("RT-A", 2)])
    fr = FulfillmentRequest.objects.get(order=order)
    # the WMS consumes the committed stock when it ships
    inventory_services.stock_consume(
        commitment_id=fr.lines.get().commitment_id, from_bin=pick_bin(wh), quantity=2, actor=SYSTEM
    )
    orders_services.fulfillment_request_shipped(
        request_id=fr.pk,
        shipment_id=9,
        carrier="MOCK",
        tracking_number="TR9",
        lines=[(fr.lines.get().pk, 2)],
        actor=SYSTEM,
    )
    order.refresh_from_db()
    assert order.status == "shipped"
    return wh, order


def _bin_qty(code):
    level = StockLevel.objects.filter(bin__code=code, product__sku="RT-A").first()
    return level.on_hand if level else 0


@pytest.mark.parametrize(
    ("disposition", "bin_code", "sellable_after"),
    [("restock", "RT1-PICK", 5), ("damaged", "RT1-D", 3), ("quarantine", "RT1-Q", 3)],
)
def test_return_flow_with_each_disposition(shipped, disposition, bin_code, sellable_after):
    wh, order = shipped
    line = order.lines.get()

    # requested → approved
    rma = return_services.return_request(
        order_id=order.pk, lines=[(line.pk, 2)], reason="too small", actor=CS
    )
    return_services.return_approve(rma_id=rma.pk, actor=CS)

    # received: into the ledger, in quarantine (on hand, not sellable)
    warehouse_returns.return_receive(
        rma_id=rma.pk, warehouse_id=wh.pk, lines=[(rma.lines.get().pk, 2)], actor=SYSTEM
    )
    balance = InventoryBalance.objects.get(product__sku="RT-A")
    assert (balance.on_hand, balance.available) == (5, 3)
    order.refresh_from_db()
    assert order.status == "returned"
    assert order.lines.get().quantity_returned == 2

    # inspected and dispositioned
    warehouse_returns.return_disposition(
        rma_id=rma.pk,
        lines=[(rma.lines.get().pk, "as new" if disposition == "restock" else "torn", disposition)],
        actor=SYSTEM,
    )
    rma.refresh_from_db()
    assert rma.status == "dispositioned"
    assert rma.lines.get().disposition == disposition
    assert _bin_qty(bin_code) >= 2
    assert InventoryBalance.objects.get(product__sku="RT-A").available == sellable_after
    steps = [e.data.get("to") for e in order.events.filter(kind="return") if e.data.get("to")]
    assert steps == ["approved", "received", "inspected", "dispositioned"]


def test_cannot_return_more_than_shipped(shipped):
    _wh, order = shipped
    with pytest.raises(QuantityExceeded):
        return_services.return_request(
            order_id=order.pk, lines=[(order.lines.get().pk, 3)], reason="x", actor=CS
        )


def test_cannot_return_an_unshipped_order():
    wh = warehouse("RT2")
    stock(product("RT-C"), wh, 5)
    order = capture(channel(wh), [("RT-C", 1)])
    with pytest.raises(OrderNotEditable):
        return_services.return_request(
            order_id=order.pk, lines=[(order.lines.get().pk, 1)], reason="x", actor=CS
        )


def test_exchange_replacement_waits_on_hold_until_the_return_is_received(shipped):
    wh, order = shipped
    rma = return_services.return_request(
        order_id=order.pk,
        lines=[(order.lines.get().pk, 1)],
        reason="wrong colour",
        actor=CS,
        exchange_lines=[{"sku": "RT-B", "quantity": 1}],
    )
    replacement = Order.objects.get(exchange_for=rma)
    assert replacement.status == "on_hold"
    assert replacement.holds.get(kind="exchange").is_active
    assert not FulfillmentRequest.objects.filter(order=replacement).exists()

    return_services.return_approve(rma_id=rma.pk, actor=CS)
    warehouse_returns.return_receive(
        rma_id=rma.pk, warehouse_id=wh.pk, lines=[(rma.lines.get().pk, 1)], actor=SYSTEM
    )

    replacement.refresh_from_db()
    assert replacement.status == "released"
    assert replacement.holds.get(kind="exchange").released_by == "returns"
