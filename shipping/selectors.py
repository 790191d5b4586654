"""Shipping reads shared by services, the API, the admin and other apps (orders' lookup by
tracking number, the WMS pack screen)."""

from __future__ import annotations

from datetime import date

from django.db.models import Prefetch, QuerySet

from shipping.models import Carrier, Manifest, ServiceLevel, Shipment, TrackingEvent
from shipping.states import TRACKABLE_STATUSES, ShipmentStatus


def shipment_get_by_tracking(tracking_number: str) -> Shipment | None:
    """The shipment with this tracking number (case- and space-insensitive), or None."""
    cleaned = (tracking_number or "").strip().upper()
    if not cleaned:
        return None
    return Shipment.objects.select_related("carrier").filter(tracking_number=cleaned).first()


def shipments_for_fulfillment_request(fulfillment_request_id: int) -> QuerySet[Shipment]:
    """All shipments (including voided ones) of a fulfillment request, newest first."""
    return Shipment.objects.select_related("carrier").filter(
        fulfillment_request_id=fulfillment_request_id
    )


def shipments_for_order(order_id: int) -> QuerySet[Shipment]:
    """All shipments of an order, newest first."""
    return Shipment.objects.select_related("carrier").filter(order_id=order_id)


def order_has_live_shipment(*, order_id: int) -> bool:
    """Whether a label is bought (a non-voided shipment exists) for any package of the order."""
    return shipments_for_order(order_id).exclude(status=ShipmentStatus.VOIDED).exists()


def shipment_live_for_request(fulfillment_request_id: int) -> Shipment | None:
    """The non-voided shipment of a fulfillment request, if any (there is at most one)."""
    return (
        shipments_for_fulfillment_request(fulfillment_request_id)
        .exclude(status=ShipmentStatus.VOIDED)
        .first()
    )


def shipment_list_for_api() -> QuerySet[Shipment]:
    """Shipments with what the API serializers read, without the label blobs."""
    return (
        Shipment.objects.select_related("carrier", "manifest")
        .defer("label_pdf", "label_zpl")
        .prefetch_related(
            "packages",
            Prefetch(
                "tracking_events", queryset=TrackingEvent.objects.order_by("occurred_at", "id")
            ),
        )
    )


def active_carriers_with_services() -> list[tuple[Carrier, list[ServiceLevel]]]:
    """Active carriers, each with its active service levels (carriers without any are left out)."""
    services = ServiceLevel.objects.filter(is_active=True, carrier__is_active=True).select_related(
        "carrier"
    )
    grouped: dict[int, tuple[Carrier, list[ServiceLevel]]] = {}
    for service in services.order_by("carrier__code", "code"):
        grouped.setdefault(service.carrier_id, (service.carrier, []))[1].append(service)
    return list(grouped.values())


def shipments_to_track(*, limit: int = 500) -> QuerySet[Shipment]:
    """Shipments the poller should ask the carrier about, least recently tracked first."""
    return (
        Shipment.objects.select_related("carrier")
        .filter(status__in=TRACKABLE_STATUSES, carrier__is_active=True)
        .order_by("last_tracked_at", "pk")[:limit]
    )


def shipments_to_manifest(
    *, carrier_id: int, warehouse_id: int, ship_date: date
) -> QuerySet[Shipment]:
    """Labelled, not voided, not yet manifested shipments of a carrier at a warehouse, up to a day."""
    return (
        Shipment.objects.filter(
            carrier_id=carrier_id,
            warehouse_id=warehouse_id,
            manifest__isnull=True,
            ship_date__lte=ship_date,
        )
        .exclude(status=ShipmentStatus.VOIDED)
        .order_by("pk")
    )


def manifest_list_for_api() -> QuerySet[Manifest]:
    """Manifests without their file blobs."""
    return Manifest.objects.select_related("carrier").defer("pdf", "csv_text")


def warehouses_with_unmanifested_shipments(*, carrier_id: int) -> list[int]:
    """Ids of warehouses holding labelled, not voided, not yet manifested shipments of a carrier."""
    return list(
        Shipment.objects.filter(carrier_id=carrier_id, manifest__isnull=True)
        .exclude(status=ShipmentStatus.VOIDED)
        .values_list("warehouse_id", flat=True)
        .distinct()
        .order_by("warehouse_id")
    )
