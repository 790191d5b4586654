"""End-of-day manifests (CSV and PDF) of the shipments a warehouse hands to a carrier."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from common.types import Actor
from shipping import selectors
from shipping.carriers import adapter_for
from shipping.exceptions import (
    CarrierNotFound,
    NothingToManifest,
)
from shipping.labels.manifest import ManifestRow, render_manifest_csv, render_manifest_pdf
from shipping.models import (
    Carrier,
    Manifest,
    ServiceLevel,
    Shipment,
)
from shipping.states import ShipmentStatus

from .inputs import _ship_date, _warehouse


# --- manifests -------------------------------------------------------------------------------
def manifest_create(
    *, carrier_id: int, warehouse_id: int, actor: Actor, ship_date: date | None = None
) -> Manifest:
    """Close the day for one carrier at one warehouse: hand the carrier the list of labelled,
    not yet manifested shipments (its SCAN form), and record the manifest with a CSV and a PDF.

    The carrier is called first; then, in one transaction, the shipments are attached to the
    manifest with a conditional update, so a shipment is never on two manifests. Raises
    CarrierNotFound, NothingToManifest, CarrierUnavailable, CarrierRejected.
    """
    carrier = Carrier.objects.filter(pk=carrier_id).first()
    if carrier is None:
        raise CarrierNotFound(f"Carrier {carrier_id} does not exist.")
    ship_date = ship_date or _ship_date(_warehouse(warehouse_id))
    candidates = list(
        selectors.shipments_to_manifest(
            carrier_id=carrier.pk, warehouse_id=warehouse_id, ship_date=ship_date
        ).values_list("pk", "tracking_number")
    )
    if not candidates:
        raise NothingToManifest(
            f"No labelled shipments of {carrier.code} waiting at warehouse {warehouse_id}."
        )
    services = list(ServiceLevel.objects.filter(carrier=carrier))
    result = adapter_for(carrier, services).manifest(
        tracking_numbers=[t for _, t in candidates], ship_date=ship_date
    )
    accepted = set(result.tracking_numbers)
    ids = [pk for pk, tracking in candidates if tracking in accepted]
    return _manifest_persist(
        carrier=carrier,
        warehouse_id=warehouse_id,
        ship_date=ship_date,
        shipment_ids=ids,
        carrier_manifest_id=result.carrier_manifest_id,
        actor=actor,
    )


@transaction.atomic(durable=True)
def _manifest_persist(
    *,
    carrier: Carrier,
    warehouse_id: int,
    ship_date: date,
    shipment_ids: list[int],
    carrier_manifest_id: str,
    actor: Actor,
) -> Manifest:
    manifest = Manifest.objects.create(
        carrier=carrier,
        warehouse_id=warehouse_id,
        ship_date=ship_date,
        carrier_manifest_id=carrier_manifest_id,
        actor=str(actor)[:150],
    )
    Shipment.objects.filter(pk__in=shipment_ids, manifest__isnull=True).exclude(
        status=ShipmentStatus.VOIDED
    ).update(manifest=manifest)
    shipments = list(
        Shipment.objects.filter(manifest=manifest)
        .defer("label_pdf", "label_zpl")
        .prefetch_related("packages")
        .order_by("pk")
    )
    if not shipments:
        raise NothingToManifest("Every shipment was manifested or voided meanwhile.")
    rows = [
        ManifestRow(
            tracking_number=s.tracking_number,
            service=s.service,
            reference=s.reference,
            package=p.sequence,
            weight_g=p.weight_g,
            length_mm=p.length_mm,
            width_mm=p.width_mm,
            height_mm=p.height_mm,
            ship_to_name=s.ship_to.get("name", ""),
            ship_to_city=s.ship_to.get("city", ""),
            ship_to_postal_code=s.ship_to.get("postal_code", ""),
            ship_to_country=s.ship_to.get("country", ""),
        )
        for s in shipments
        for p in s.packages.all()
    ]
    warehouse_code = str(
        Manifest._meta.get_field("warehouse").related_model.objects.get(pk=warehouse_id)
    )  # type: ignore[union-attr]
    manifest.shipment_count = len(shipments)
    manifest.package_count = len(rows)
    manifest.total_weight_g = sum(r.weight_g for r in rows)
    manifest.csv_text = render_manifest_csv(rows)
    manifest.pdf = render_manifest_pdf(
        carrier_name=carrier.name,
        warehouse_code=warehouse_code,
        ship_date=ship_date,
        manifest_ref=carrier_manifest_id,
        rows=rows,
    )
    manifest.save(
        update_fields=[
            "shipment_count",
            "package_count",
            "total_weight_g",
            "csv_text",
            "pdf",
            "updated_at",
        ]
    )
    return manifest
