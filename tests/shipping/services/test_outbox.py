"""Shipping tells the channel that sold the order when a shipment leaves the building."""

import pytest

from channels_sync.models import OutboxMessage
from shipping import services
from tests.factories.channels_sync import ChannelFactory
from tests.shipping.conftest import BOX, SHIP_TO, control

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    return ChannelFactory(code="shopx", kind="shopify", base_url="http://127.0.0.1:9/")


def _shipment(warehouse, actor, shop, fr=1):
    return services.shipment_create_with_label(
        fulfillment_request_id=fr,
        warehouse_id=warehouse.pk,
        ship_to=SHIP_TO,
        packages=[BOX],
        service_level="standard",
        promised_by=None,
        actor=actor,
        order_id=42,
        channel_id=shop.pk,
    )


def test_mark_shipped_writes_one_shipment_outbox_row(http_carrier, warehouse, actor, shop):
    # given
    shipment = _shipment(warehouse, actor, shop)
    assert OutboxMessage.objects.count() == 0  # buying a label tells nobody yet

    # when (twice: idempotent)
    services.shipment_mark_shipped(shipment_id=shipment.pk, actor=actor)
    services.shipment_mark_shipped(shipment_id=shipment.pk, actor=actor)

    # then
    message = OutboxMessage.objects.get()
    assert (message.channel_id, message.topic, message.key) == (
        shop.pk,
        "shipment",
        str(shipment.pk),
    )
    assert message.payload == {"order_id": 42, "shipment_id": shipment.pk}


def test_first_carrier_scan_confirms_an_unconfirmed_shipment(
    http_carrier, warehouse, actor, shop, mock_carrier
):
    # given: the WMS never said "shipped", the carrier scanned it
    shipment = _shipment(warehouse, actor, shop)
    control(
        mock_carrier,
        "advance",
        tracking_code=shipment.tracking_number,
        status="delivered",
        push=False,
    )

    # when
    services.tracking_poll_shipment(shipment_id=shipment.pk, actor=actor)

    # then: exactly one confirmation although the status moved three times
    assert OutboxMessage.objects.filter(topic="shipment", key=str(shipment.pk)).count() == 1
    assert OutboxMessage.objects.get().version == 1


def test_voided_label_tells_the_channel_nothing(http_carrier, warehouse, actor, shop):
    shipment = _shipment(warehouse, actor, shop)

    services.shipment_void(shipment_id=shipment.pk, actor=actor)

    assert OutboxMessage.objects.count() == 0
