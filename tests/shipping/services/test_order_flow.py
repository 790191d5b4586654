"""Shipping ↔ OMS: a real order, labelled, shipped and delivered by the carrier."""

import pytest

from common.exceptions import InvalidInput
from orders import services as orders_services
from orders.models import FulfillmentRequest
from shipping import services
from tests.orders.builders import SYSTEM, capture, channel, product, statuses, stock, warehouse
from tests.shipping.conftest import BOX, control, server_state

pytestmark = pytest.mark.django_db


def _shipped_order(mock_carrier):
    wh = warehouse("SHIPWH", address_line1="1 Dock Rd", city="Newark", postal_code="07101")
    item = product("SHIP-1")
    stock(item, wh, 5)
    order = capture(channel(wh), [("SHIP-1", 2)])
    request = FulfillmentRequest.objects.get(order=order)
    line = request.lines.get()
    orders_services.fulfillment_request_start(request_id=request.pk, actor=SYSTEM)
    orders_services.fulfillment_line_picked(line_id=line.pk, quantity=2, actor=SYSTEM)
    # the WMS pack step: label first (outside its transaction), then tell the OMS, then hand over
    shipment = services.shipment_create_with_label(
        fulfillment_request_id=request.pk,
        warehouse_id=wh.pk,
        ship_to=order.shipping_address,
        packages=[BOX],
        service_level=request.service_level or "standard",
        promised_by=None,
        actor=SYSTEM,
    )
    orders_services.fulfillment_request_shipped(
        request_id=request.pk,
        shipment_id=shipment.pk,
        carrier=shipment.carrier_code,
        tracking_number=shipment.tracking_number,
        lines=[(line.pk, 2)],
        actor=SYSTEM,
    )
    services.shipment_mark_shipped(shipment_id=shipment.pk, actor=SYSTEM)
    order.refresh_from_db()
    return order, shipment


def test_shipment_is_stamped_with_the_order_and_channel(http_carrier, mock_carrier):
    order, shipment = _shipped_order(mock_carrier)

    assert shipment.order_id == order.pk
    assert shipment.channel_id == order.channel_id
    assert order.status == "shipped"


def test_carrier_delivery_delivers_the_order(http_carrier, mock_carrier):
    # given
    order, shipment = _shipped_order(mock_carrier)
    control(
        mock_carrier,
        "advance",
        tracking_code=shipment.tracking_number,
        status="delivered",
        push=False,
    )

    # when
    services.tracking_poll_all(actor=SYSTEM)

    # then: the order is delivered, and each scan is on its timeline once
    order.refresh_from_db()
    assert order.status == "delivered"
    assert statuses(order)[-1] == "delivered"
    tracking = list(
        order.events.filter(kind="tracking").order_by("id").values_list("data", flat=True)
    )
    assert [t["status"] for t in tracking] == ["in_transit", "out_for_delivery", "delivered"]

    # and polling again tells the OMS nothing new
    services.tracking_poll_all(actor=SYSTEM)
    assert order.events.filter(kind="tracking").count() == 3


def test_order_id_that_does_not_match_the_request_is_refused(http_carrier, mock_carrier):
    # given
    wh = warehouse("SHIPW2", address_line1="1 Dock Rd", city="Newark", postal_code="07101")
    stock(product("SHIP-2"), wh, 5)
    order = capture(channel(wh), [("SHIP-2", 1)])
    request = FulfillmentRequest.objects.get(order=order)

    # when
    with pytest.raises(InvalidInput):
        services.shipment_create_with_label(
            fulfillment_request_id=request.pk,
            warehouse_id=wh.pk,
            ship_to=order.shipping_address,
            packages=[BOX],
            service_level="standard",
            promised_by=None,
            actor=SYSTEM,
            order_id=order.pk + 1000,
        )

    # then
    assert server_state(mock_carrier)["requests"] == {}
