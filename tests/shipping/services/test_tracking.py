import json
import time

import pytest

from shipping import services
from shipping.exceptions import InvalidSignature
from shipping.models import Shipment, ShipmentStatusChange, TrackingEvent, TrackingSource
from shipping.states import ShipmentStatus
from tests.shipping.conftest import BOX, SHIP_TO, control, server_state

pytestmark = pytest.mark.django_db


def _shipment(warehouse, actor, fr=201):
    return services.shipment_create_with_label(
        fulfillment_request_id=fr,
        warehouse_id=warehouse.pk,
        ship_to=SHIP_TO,
        packages=[BOX],
        service_level="standard",
        promised_by=None,
        actor=actor,
    )


def test_mark_shipped_is_idempotent_and_leaves_a_history_row(http_carrier, warehouse, actor):
    # given
    shipment = _shipment(warehouse, actor)

    # when
    services.shipment_mark_shipped(shipment_id=shipment.pk, actor=actor)
    services.shipment_mark_shipped(shipment_id=shipment.pk, actor=actor)

    # then
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.SHIPPED
    assert shipment.shipped_at is not None
    assert list(shipment.status_changes.values_list("from_status", "to_status")) == [
        ("", "label_purchased"),
        ("label_purchased", "shipped"),
    ]


def test_poll_records_carrier_scans_and_moves_the_status(
    http_carrier, warehouse, actor, mock_carrier
):
    # given: shipped, and the carrier has scanned it in transit then out for delivery
    shipment = _shipment(warehouse, actor)
    services.shipment_mark_shipped(shipment_id=shipment.pk, actor=actor)
    control(
        mock_carrier,
        "advance",
        tracking_code=shipment.tracking_number,
        status="out_for_delivery",
        push=False,
    )

    # when
    summary = services.tracking_poll_all(actor=actor)

    # then
    assert (summary.polled, summary.events, summary.failed) == (1, 2, 0)
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.OUT_FOR_DELIVERY
    assert list(shipment.tracking_events.values_list("status", "source")) == [
        ("in_transit", TrackingSource.POLL),
        ("out_for_delivery", TrackingSource.POLL),
    ]
    assert shipment.last_tracked_at is not None


def test_polling_again_records_nothing_twice(http_carrier, warehouse, actor, mock_carrier):
    # given
    shipment = _shipment(warehouse, actor)
    control(
        mock_carrier,
        "advance",
        tracking_code=shipment.tracking_number,
        status="delivered",
        push=False,
    )
    services.tracking_poll_shipment(shipment_id=shipment.pk, actor=actor)

    # when
    again = services.tracking_poll_shipment(shipment_id=shipment.pk, actor=actor)

    # then
    assert again == []
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED
    assert shipment.delivered_at is not None
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 3


def test_delivered_via_scan_skips_straight_from_label_purchased(
    http_carrier, warehouse, actor, mock_carrier
):
    # given: the WMS never marked it shipped but the carrier delivered it
    shipment = _shipment(warehouse, actor)
    control(
        mock_carrier,
        "advance",
        tracking_code=shipment.tracking_number,
        status="delivered",
        push=False,
    )

    # when
    services.tracking_poll_shipment(shipment_id=shipment.pk, actor=actor)

    # then: shipped_at is filled (it did leave) and every step is in the history
    shipment.refresh_from_db()
    assert shipment.shipped_at is not None
    assert list(shipment.status_changes.values_list("to_status", flat=True)) == [
        "label_purchased",
        "in_transit",
        "out_for_delivery",
        "delivered",
    ]


def test_exception_then_recovery(http_carrier, warehouse, actor, mock_carrier):
    shipment = _shipment(warehouse, actor)
    control(
        mock_carrier,
        "advance",
        tracking_code=shipment.tracking_number,
        status="in_transit",
        push=False,
    )
    control(
        mock_carrier,
        "advance",
        tracking_code=shipment.tracking_number,
        status="exception",
        push=False,
    )
    services.tracking_poll_shipment(shipment_id=shipment.pk, actor=actor)
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.EXCEPTION

    control(
        mock_carrier,
        "advance",
        tracking_code=shipment.tracking_number,
        status="delivered",
        push=False,
    )
    services.tracking_poll_shipment(shipment_id=shipment.pk, actor=actor)

    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED


def test_a_carrier_outage_during_polling_is_counted_and_retried_next_time(
    http_carrier, warehouse, actor, mock_carrier
):
    # given
    shipment = _shipment(warehouse, actor)
    control(mock_carrier, "advance", tracking_code=shipment.tracking_number, push=False)
    control(mock_carrier, "fail", mode="500", count=3, path_prefix="/v2/trackers")

    # when
    first = services.tracking_poll_all(actor=actor)
    second = services.tracking_poll_all(actor=actor)

    # then
    assert (first.polled, first.failed) == (0, 1)
    assert (second.polled, second.events, second.failed) == (1, 1, 0)


def _signed(secret, payload, timestamp=None):
    body = json.dumps(payload).encode()
    ts = str(int(timestamp if timestamp is not None else time.time()))
    return body, ts, services.webhook_signature(secret=secret, timestamp=ts, body=body)


def _tracker(tracking, *details):
    return {
        "description": "tracker.updated",
        "result": {
            "tracking_code": tracking,
            "status": details[-1][1],
            "tracking_details": [
                {"id": eid, "status": st, "message": st.replace("_", " "), "datetime": at}
                for eid, st, at in details
            ],
        },
    }


def test_signed_webhook_records_events_once(http_carrier, warehouse, actor):
    # given
    shipment = _shipment(warehouse, actor)
    payload = _tracker(
        shipment.tracking_number,
        ("e1", "pre_transit", "2026-11-20T10:00:00Z"),
        ("e2", "in_transit", "2026-11-20T18:00:00Z"),
    )
    body, ts, sig = _signed("carrier-whsec", payload)

    # when: delivered twice
    first = services.tracking_webhook_receive(
        carrier_code="MOCK", body=body, signature=sig, timestamp=ts, actor=actor
    )
    second = services.tracking_webhook_receive(
        carrier_code="MOCK", body=body, signature=sig, timestamp=ts, actor=actor
    )

    # then
    assert (first.recorded, second.recorded) == (1, 0)
    event = TrackingEvent.objects.get(shipment=shipment)
    assert (event.status, event.source, event.carrier_event_id) == ("in_transit", "webhook", "e2")
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.IN_TRANSIT


@pytest.mark.parametrize(
    ("_case", "secret", "age_seconds"),
    [("wrong secret", "not-the-secret", 0), ("replayed an hour later", "carrier-whsec", 3600)],
)
def test_bad_webhook_signature_is_refused_and_writes_nothing(
    http_carrier, warehouse, actor, _case, secret, age_seconds
):
    # given
    shipment = _shipment(warehouse, actor)
    payload = _tracker(shipment.tracking_number, ("e9", "delivered", "2026-11-21T10:00:00Z"))
    body, ts, sig = _signed(secret, payload, timestamp=time.time() - age_seconds)

    # when
    with pytest.raises(InvalidSignature):
        services.tracking_webhook_receive(
            carrier_code="MOCK", body=body, signature=sig, timestamp=ts, actor=actor
        )

    # then
    assert TrackingEvent.objects.count() == 0
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.LABEL_PURCHASED


def test_late_scan_after_delivery_is_recorded_but_does_not_move_status_back(
    http_carrier, warehouse, actor
):
    shipment = _shipment(warehouse, actor)
    delivered = _tracker(shipment.tracking_number, ("d", "delivered", "2026-11-21T10:00:00Z"))
    late = _tracker(shipment.tracking_number, ("t", "in_transit", "2026-11-20T10:00:00Z"))
    for payload in (delivered, late):
        body, ts, sig = _signed("carrier-whsec", payload)
        services.tracking_webhook_receive(
            carrier_code="MOCK", body=body, signature=sig, timestamp=ts, actor=actor
        )

    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED
    assert TrackingEvent.objects.filter(shipment=shipment).count() == 2
    assert (
        ShipmentStatusChange.objects.filter(shipment=shipment, to_status="in_transit").count() == 0
    )


def test_void_refunds_an_unused_label_and_frees_the_request(
    http_carrier, warehouse, actor, mock_carrier
):
    # given
    shipment = _shipment(warehouse, actor)

    # when
    services.shipment_void(shipment_id=shipment.pk, actor=actor)
    replacement = _shipment(warehouse, actor)

    # then
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.VOIDED
    assert (
        server_state(mock_carrier)["shipments"][shipment.tracking_number]["refund_status"]
        == "submitted"
    )
    assert replacement.pk != shipment.pk
    assert replacement.tracking_number != shipment.tracking_number
    assert Shipment.objects.exclude(status="voided").get() == replacement


@pytest.mark.django_db(transaction=True)
def test_carrier_pushes_signed_webhooks_to_the_running_site(live_server, mock_carrier, actor):
    # given: the carrier knows our webhook URL and secret
    from tests.factories.warehouse import WarehouseFactory
    from tests.shipping.factories import carrier_with_default_catalog

    carrier_with_default_catalog(
        code="MOCK",
        name="Mock",
        base_url=mock_carrier.url,
        api_key="test-key",
        webhook_secret="s3cret",
    )
    warehouse = WarehouseFactory(code="WHL")
    shipment = _shipment(warehouse, actor, fr=999)
    control(
        mock_carrier,
        "config",
        webhook_url=f"{live_server.url}/api/v1/carrier-webhooks/MOCK/",
        webhook_secret="s3cret",
    )

    # when: the carrier moves the parcel on twice, pushing each time
    first = control(mock_carrier, "advance", tracking_code=shipment.tracking_number)
    second = control(
        mock_carrier, "advance", tracking_code=shipment.tracking_number, status="delivered"
    )

    # then
    assert (first["webhook_status"], second["webhook_status"]) == (200, 200)
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED
    assert list(shipment.tracking_events.values_list("status", flat=True)) == [
        "in_transit",
        "out_for_delivery",
        "delivered",
    ]
    assert set(shipment.tracking_events.values_list("source", flat=True)) == {"webhook"}

    # and a push signed with the wrong secret is refused with 401
    control(mock_carrier, "config", webhook_secret="wrong")
    third = control(
        mock_carrier, "advance", tracking_code=shipment.tracking_number, status="exception"
    )
    assert third["webhook_status"] == 401
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED


def test_carrier_advances_parcels_over_time_on_its_own(
    http_carrier, warehouse, actor, mock_carrier
):
    # given: the carrier moves every parcel one stage on every 30 s of its clock, which the
    # test drives through the control endpoint (no waiting on the wall clock)
    shipment = _shipment(warehouse, actor)
    control(mock_carrier, "config", auto_advance_seconds=30, manual_clock=True)

    def carrier_status():
        return server_state(mock_carrier)["shipments"][shipment.tracking_number]["status"]

    # when less than one interval passes, nothing moves; each interval moves it one stage on
    assert control(mock_carrier, "clock", seconds=29)["ticks"] == 0
    assert carrier_status() == "pre_transit"
    assert control(mock_carrier, "clock", seconds=1)["ticks"] == 1
    assert carrier_status() == "in_transit"
    assert control(mock_carrier, "clock", seconds=60)["ticks"] == 2
    assert carrier_status() == "delivered"

    # when
    services.tracking_poll_shipment(shipment_id=shipment.pk, actor=actor)

    # then
    shipment.refresh_from_db()
    assert shipment.status == ShipmentStatus.DELIVERED
    assert list(shipment.tracking_events.values_list("status", flat=True)) == [
        "in_transit",
        "out_for_delivery",
        "delivered",
    ]
