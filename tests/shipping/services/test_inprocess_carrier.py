"""The embedded default: no carrier server, the in-process carrier behaves the same way."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from shipping import services
from shipping.states import ShipmentStatus
from tests.shipping.conftest import BOX, SHIP_TO

pytestmark = pytest.mark.django_db


def test_in_process_tracking_advances_with_time_and_manifests(warehouse, actor, settings):
    # given: the demo carrier without a base_url, stages every 10 minutes
    settings.SHIPPING_INPROCESS_STAGE_SECONDS = 600
    carrier = services.carriers_ensure_defaults()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        shipment = services.shipment_create_with_label(
            fulfillment_request_id=5,
            warehouse_id=warehouse.pk,
            ship_to=SHIP_TO,
            packages=[BOX],
            service_level="expedited",
            promised_by=None,
            actor=actor,
        )
    assert shipment.service == "2DAY"

    # when: 25 minutes later
    with time_machine.travel(start + timedelta(minutes=25), tick=False):
        first = services.tracking_poll_shipment(shipment_id=shipment.pk, actor=actor)
    # and an hour later
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        second = services.tracking_poll_shipment(shipment_id=shipment.pk, actor=actor)

    # then
    assert [e.status for e in first] == ["in_transit", "out_for_delivery"]
    assert [e.status for e in second] == ["delivered"]
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED

    manifest = services.manifest_create(
        carrier_id=carrier.pk, warehouse_id=warehouse.pk, actor=actor
    )
    assert manifest.shipment_count == 1
    assert manifest.carrier_manifest_id.startswith("inp_sf_")
