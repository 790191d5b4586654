"""Labels: rate shop → buy from the carrier → render → persist; mark shipped; void.

No carrier HTTP call happens inside a database transaction: the carrier is called first and
the result persisted in one short transaction (STYLE.md B4); a carrier failure writes nothing.
At most one non-voided shipment per fulfillment request (a partial unique constraint), so a
retried pack never buys two labels.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction

from common.exceptions import InvalidInput
from common.types import Actor
from shipping import selectors
from shipping.carriers import adapter_for
from shipping.carriers.base import Address, Parcel
from shipping.exceptions import (
    CarrierError,
    InvalidShipmentTransition,
    ShipmentNotFound,
)
from shipping.labels import LabelData, render_label_pdf, render_label_zpl
from shipping.locks import shipments_for_update
from shipping.models import (
    Carrier,
    ServiceLevel,
    Shipment,
    ShipmentPackage,
    ShipmentStatusChange,
)
from shipping.states import ShipmentStatus, ensure_shipment_transition

from .inputs import _order_refs, _parse_packages, _parse_ship_to, _warehouse, _warehouse_address
from .rates import shipment_rate_shop
from .status import _shipment_set_status

logger = logging.getLogger(__name__)


# --- labels ----------------------------------------------------------------------------------
def _label_data(
    *,
    tracking_number: str,
    carrier: Carrier,
    service: ServiceLevel,
    ship_from: Address,
    ship_to: Address,
    parcels: list[Parcel],
    ship_date: date,
    reference: str,
) -> list[LabelData]:
    return [
        LabelData(
            tracking_number=tracking_number,
            carrier_code=carrier.code,
            carrier_name=carrier.name,
            service=service.code,
            ship_from=ship_from,
            ship_to=ship_to,
            ship_date=ship_date,
            weight_g=parcel.weight_g,
            package_index=i,
            package_count=len(parcels),
            reference=reference,
        )
        for i, parcel in enumerate(parcels, start=1)
    ]


@transaction.atomic(durable=True)
def _shipment_persist(
    *,
    fulfillment_request_id: int,
    warehouse_id: int,
    order_id: int | None,
    channel_id: int | None,
    reference: str,
    carrier: Carrier,
    service: ServiceLevel,
    requested_service_level: str,
    label: Any,
    ship_from: Address,
    ship_to: Address,
    parcels: list[Parcel],
    ship_date: date,
    promised_by: date | None,
    estimated_delivery_date: date | None,
    label_pdf: bytes,
    label_zpl: str,
    actor: Actor,
) -> Shipment:
    shipment = Shipment.objects.create(
        carrier=carrier,
        service_level=service,
        service=service.code,
        warehouse_id=warehouse_id,
        fulfillment_request_id=fulfillment_request_id,
        order_id=order_id,
        channel_id=channel_id,
        reference=reference,
        status=ShipmentStatus.LABEL_PURCHASED,
        tracking_number=label.tracking_number,
        carrier_shipment_id=label.carrier_shipment_id,
        ship_from=ship_from.as_dict(),
        ship_to=ship_to.as_dict(),
        requested_service_level=requested_service_level[:40],
        rate_amount=label.amount,
        currency=label.currency,
        ship_date=ship_date,
        promised_by=promised_by,
        estimated_delivery_date=estimated_delivery_date,
        label_pdf=label_pdf,
        label_zpl=label_zpl,
    )
    ShipmentPackage.objects.bulk_create(
        ShipmentPackage(shipment=shipment, sequence=i, **parcel.as_dict())
        for i, parcel in enumerate(parcels, start=1)
    )
    ShipmentStatusChange.objects.create(
        shipment=shipment,
        from_status="",
        to_status=ShipmentStatus.LABEL_PURCHASED,
        note=f"{carrier.code}:{service.code} {label.amount} {label.currency}",
        actor=str(actor)[:150],
        actor_user_id=actor.user_id,
    )
    return shipment


def shipment_create_with_label(
    *,
    fulfillment_request_id: int,
    warehouse_id: int,
    ship_to: dict[str, Any],
    packages: list[dict[str, Any]],
    service_level: str,
    promised_by: date | datetime | None,
    actor: Actor,
    order_id: int | None = None,
    channel_id: int | None = None,
    reference: str = "",
) -> Shipment:
    """Rate-shop, buy a label from the carrier, render it (4×6 PDF and ZPL) and record the shipment.

    Idempotent per fulfillment request: a live (non-voided) shipment is returned as is. Must be
    called outside any transaction (carrier HTTP first, then one short durable transaction).
    Raises InvalidInput, UnknownService, NoCarrierAvailable, NoServiceMeetsPromise,
    CarrierUnavailable (after retries), CarrierRejected; on any of them nothing is written.
    """
    existing = selectors.shipment_live_for_request(fulfillment_request_id)
    if existing is not None:
        return existing
    # The OMS is authoritative for which order (and channel) a fulfillment request belongs to.
    found_order, found_channel = _order_refs(fulfillment_request_id)
    if found_order is not None:
        if order_id is not None and order_id != found_order:
            raise InvalidInput(
                f"Fulfillment request {fulfillment_request_id} belongs to order {found_order}, "
                f"not {order_id}.",
                fields={"order_id": ["Does not match the fulfillment request."]},
            )
        order_id, channel_id = found_order, found_channel
    shop = shipment_rate_shop(
        warehouse_id=warehouse_id,
        ship_to=ship_to,
        packages=packages,
        service_level=service_level,
        promised_by=promised_by,
    )
    chosen = shop.chosen
    carrier = Carrier.objects.get(code=chosen.carrier_code)
    service = ServiceLevel.objects.get(carrier=carrier, code=chosen.service)
    ship_from = _warehouse_address(_warehouse(warehouse_id))
    address = _parse_ship_to(ship_to)
    parcels = _parse_packages(packages)
    reference = reference or f"FR-{fulfillment_request_id}"
    # The key changes only after a void, so a retry after a crash between "bought" and
    # "persisted", and a second packer racing this one, get the same label back from the
    # carrier instead of paying twice (a live shipment persisted meanwhile must not count).
    voided = (
        selectors.shipments_for_fulfillment_request(fulfillment_request_id)
        .filter(status=ShipmentStatus.VOIDED)
        .count()
    )
    adapter = adapter_for(carrier, [service])
    label = adapter.buy_label(
        ship_from=ship_from,
        ship_to=address,
        parcels=parcels,
        service=service.code,
        ship_date=shop.ship_date,
        reference=reference,
        idempotency_key=f"fr-{fulfillment_request_id}-{voided}",
    )
    label_pages = _label_data(
        tracking_number=label.tracking_number,
        carrier=carrier,
        service=service,
        ship_from=ship_from,
        ship_to=address,
        parcels=parcels,
        ship_date=shop.ship_date,
        reference=reference,
    )
    try:
        return _shipment_persist(
            fulfillment_request_id=fulfillment_request_id,
            warehouse_id=warehouse_id,
            order_id=order_id,
            channel_id=channel_id,
            reference=reference,
            carrier=carrier,
            service=service,
            requested_service_level=service_level,
            label=label,
            ship_from=ship_from,
            ship_to=address,
            parcels=parcels,
            ship_date=shop.ship_date,
            promised_by=shop.deliver_by,
            estimated_delivery_date=label.delivery_date or chosen.delivery_date,
            label_pdf=render_label_pdf(label_pages),
            label_zpl=render_label_zpl(label_pages),
            actor=actor,
        )
    except IntegrityError:
        # A concurrent call for the same request won the race: keep its label.
        winner = selectors.shipment_live_for_request(fulfillment_request_id)
        if winner is None:
            raise
        if winner.tracking_number != label.tracking_number:
            # Same idempotency key normally yields the same label; if the carrier sold us a
            # second one anyway, refund it.
            _void_quietly(adapter, label.carrier_shipment_id, label.tracking_number)
        return winner


def _void_quietly(adapter: Any, carrier_shipment_id: str, tracking_number: str) -> None:
    try:
        adapter.void(carrier_shipment_id=carrier_shipment_id, tracking_number=tracking_number)
    except CarrierError:
        logger.exception("could not void duplicate label %s", tracking_number)


@transaction.atomic
def shipment_mark_shipped_in_tx(*, shipment_id: int, actor: Actor) -> Shipment:
    """Building block of shipment_mark_shipped for callers inside their own transaction."""
    try:
        shipment = shipments_for_update().select_related("carrier").get(pk=shipment_id)
    except Shipment.DoesNotExist as exc:
        raise ShipmentNotFound(f"Shipment {shipment_id} does not exist.") from exc
    if shipment.status == ShipmentStatus.VOIDED:
        raise InvalidShipmentTransition(
            "A voided shipment cannot be shipped.", status=shipment.status
        )
    if shipment.status == ShipmentStatus.LABEL_PURCHASED:
        _shipment_set_status(shipment=shipment, to=ShipmentStatus.SHIPPED, actor=actor)
    return shipment


@transaction.atomic(durable=True)
def shipment_mark_shipped(*, shipment_id: int, actor: Actor) -> Shipment:
    """Record that the carrier has the parcel (label_purchased → shipped); idempotent.

    Writes the channel outbox row (shipment_confirmed) in the same transaction. Raises
    ShipmentNotFound, InvalidShipmentTransition (voided).
    """
    return shipment_mark_shipped_in_tx(shipment_id=shipment_id, actor=actor)


def shipment_void(*, shipment_id: int, actor: Actor) -> Shipment:
    """Refund an unused label at the carrier and mark the shipment voided.

    Only a label not yet handed over can be voided. The carrier is called first (outside any
    transaction); the status is written afterwards under the row lock. Raises ShipmentNotFound,
    InvalidShipmentTransition, CarrierUnavailable, CarrierRejected.
    """
    shipment = (
        Shipment.objects.select_related("carrier", "service_level").filter(pk=shipment_id).first()
    )
    if shipment is None:
        raise ShipmentNotFound(f"Shipment {shipment_id} does not exist.")
    ensure_shipment_transition(shipment.status, ShipmentStatus.VOIDED)
    adapter_for(shipment.carrier, [shipment.service_level]).void(
        carrier_shipment_id=shipment.carrier_shipment_id, tracking_number=shipment.tracking_number
    )
    return _shipment_void_persist(shipment_id=shipment_id, actor=actor)


@transaction.atomic(durable=True)
def _shipment_void_persist(*, shipment_id: int, actor: Actor) -> Shipment:
    shipment = shipments_for_update().get(pk=shipment_id)
    _shipment_set_status(
        shipment=shipment, to=ShipmentStatus.VOIDED, actor=actor, note="label refunded"
    )
    return shipment
