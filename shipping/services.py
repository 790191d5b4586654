"""Shipping writes: labels (rate shop → buy → render → persist), the shipment status, tracking
events and end-of-day manifests.

Invariants:
* No carrier HTTP call happens inside a database transaction: we call the carrier first and
  persist afterwards, in one short transaction (STYLE.md B4). A carrier failure writes nothing.
* `_shipment_set_status` is the only writer of `Shipment.status`; it records a
  ShipmentStatusChange row and, when a shipment first leaves the building, the outbox row
  (`channels_sync.outbox.shipment_confirmed`) in the same transaction, and the buyer's
  shipped / delivered e-mails (`notifications.outbox`).
* At most one non-voided shipment per fulfillment request (a partial unique constraint), so a
  retried pack never buys two labels.
* Tracking events are unique per (shipment, carrier event id): polls and webhooks that see the
  same scan record it once, and the OMS hears about it once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as dt_time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import IntegrityError, transaction
from django.utils import timezone

from channels_sync import outbox
from common.exceptions import InvalidInput, NotFound
from common.types import Actor
from notifications import outbox as notification_outbox
from orders import selectors as orders_selectors
from orders import services as orders_services
from shipping import selectors
from shipping.carriers import adapter_for
from shipping.carriers.base import Address, Parcel, RateQuote, TrackingUpdate
from shipping.carriers.http import tracking_result_from_payload
from shipping.exceptions import (
    CarrierError,
    CarrierNotFound,
    CarrierUnavailable,
    InvalidShipmentTransition,
    InvalidSignature,
    NoCarrierAvailable,
    NothingToManifest,
    ShipmentNotFound,
    UnknownService,
)
from shipping.labels import LabelData, render_label_pdf, render_label_zpl
from shipping.labels.manifest import ManifestRow, render_manifest_csv, render_manifest_pdf
from shipping.locks import shipments_for_update
from shipping.models import (
    Carrier,
    Manifest,
    ServiceLevel,
    Shipment,
    ShipmentPackage,
    ShipmentStatusChange,
    TrackingEvent,
    TrackingSource,
)
from shipping.rating import choose_rate, promise_date, ship_date_for
from shipping.states import ShipmentStatus, can_transition, ensure_shipment_transition

logger = logging.getLogger(__name__)

WEBHOOK_TOLERANCE_SECONDS = 300
SIGNATURE_PREFIX = "hmac-sha256-hex="


# --- input parsing ---------------------------------------------------------------------------
def _parse_ship_to(ship_to: dict[str, Any]) -> Address:
    if not isinstance(ship_to, dict):
        raise InvalidInput(
            "ship_to must be an object.", fields={"ship_to": ["Expected an object."]}
        )
    address = Address.from_dict(ship_to)
    missing = address.missing_fields()
    if missing:
        raise InvalidInput(
            f"The ship-to address is missing {', '.join(missing)}.",
            fields={f"ship_to.{f}": ["This field is required."] for f in missing},
        )
    if len(address.country) != 2:
        raise InvalidInput(
            "country must be an ISO 3166-1 alpha-2 code.",
            fields={"ship_to.country": ["Use a 2-letter country code."]},
        )
    return address


def _parse_packages(packages: list[dict[str, Any]]) -> list[Parcel]:
    if not packages:
        raise InvalidInput("At least one package is required.", fields={"packages": ["Empty."]})
    parcels = []
    for i, package in enumerate(packages):
        try:
            values = {
                k: int(package[k]) for k in ("weight_g", "length_mm", "width_mm", "height_mm")
            }
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidInput(
                f"Package {i + 1} needs integer weight_g, length_mm, width_mm and height_mm.",
                fields={f"packages[{i}]": [str(exc)]},
            ) from exc
        bad = [k for k, v in values.items() if v <= 0]
        if bad:
            raise InvalidInput(
                f"Package {i + 1}: {', '.join(bad)} must be positive.",
                fields={f"packages[{i}].{k}": ["Must be positive."] for k in bad},
            )
        parcels.append(Parcel(**values))
    return parcels


def _as_date(value: date | datetime | str | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError as exc:
            raise InvalidInput("promised_by must be an ISO date.") from exc
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def _warehouse(warehouse_id: int) -> Any:
    # The warehouse is the FK target of our own Shipment.warehouse; reading its return address
    # and cutoff through the relation keeps shipping from importing the (higher) warehouse app.
    warehouse_model = Shipment._meta.get_field("warehouse").related_model
    try:
        return warehouse_model.objects.get(pk=warehouse_id)  # type: ignore[union-attr]
    except warehouse_model.DoesNotExist as exc:  # type: ignore[union-attr]
        raise InvalidInput(
            f"Warehouse {warehouse_id} does not exist.",
            fields={"warehouse_id": ["Unknown warehouse."]},
        ) from exc


def _warehouse_address(warehouse: Any) -> Address:
    return Address(
        name=warehouse.name,
        company="",
        line1=warehouse.address_line1 or warehouse.name,
        city=warehouse.city or "-",
        postal_code=warehouse.postal_code or "-",
        country=warehouse.country or "US",
    )


def _ship_date(warehouse: Any) -> date:
    """Today, or the next working day once the warehouse's shipping cutoff has passed."""
    try:
        tz = ZoneInfo(warehouse.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        tz = ZoneInfo("UTC")
    cutoff = warehouse.shipping_cutoff
    if isinstance(cutoff, str):
        cutoff = dt_time.fromisoformat(cutoff)
    return ship_date_for(now_local=timezone.now().astimezone(tz), cutoff=cutoff)


def warehouse_ship_date(*, warehouse_id: int) -> date:
    """The ship date a label bought now at this warehouse gets (and today's manifest closes)."""
    return _ship_date(_warehouse(warehouse_id))


def _order_refs(fulfillment_request_id: int) -> tuple[int | None, int | None]:
    """(order_id, channel_id) of a fulfillment request, asked of the OMS."""
    order = orders_selectors.order_for_fulfillment_request(request_id=fulfillment_request_id)
    if order is None:
        return None, None
    return order.pk, order.channel_id


# --- rate shopping ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class RateShopResult:
    """The chosen quote, every quote considered and the date it had to meet."""

    chosen: RateQuote
    quotes: list[RateQuote]
    deliver_by: date | None
    ship_date: date
    unavailable_carriers: list[str]


def _candidate_services(service_level: str) -> list[tuple[Carrier, list[ServiceLevel]]]:
    if ":" in (service_level or ""):
        carrier_code, service_code = service_level.split(":", 1)
        for carrier, services in selectors.active_carriers_with_services():
            if carrier.code.lower() == carrier_code.lower():
                chosen = [s for s in services if s.code.lower() == service_code.lower()]
                if chosen:
                    return [(carrier, chosen)]
        raise UnknownService(
            f"Service {service_level} does not exist or is not active.", service=service_level
        )
    candidates = selectors.active_carriers_with_services()
    if not candidates:
        raise NoCarrierAvailable("No active carrier with an active service is configured.")
    return candidates


def shipment_rate_shop(
    *,
    warehouse_id: int,
    ship_to: dict[str, Any],
    packages: list[dict[str, Any]],
    service_level: str,
    promised_by: date | datetime | None,
) -> RateShopResult:
    """Quote every active carrier service and pick the cheapest that delivers by the promise.

    Writes nothing. Calls carriers over HTTP, so never call it while holding row locks. A carrier
    that stays unavailable is skipped while another one quotes; if none can quote, raises
    CarrierUnavailable. Raises NoServiceMeetsPromise, NoCarrierAvailable, UnknownService,
    InvalidInput.
    """
    address = _parse_ship_to(ship_to)
    parcels = _parse_packages(packages)
    warehouse = _warehouse(warehouse_id)
    ship_from = _warehouse_address(warehouse)
    ship_date = _ship_date(warehouse)
    deliver_by = promise_date(
        service_level=service_level, promised_by=_as_date(promised_by), ship_date=ship_date
    )
    quotes: list[RateQuote] = []
    unavailable: list[str] = []
    last_error: CarrierError | None = None
    for carrier, services in _candidate_services(service_level):
        wanted = {s.code for s in services}
        try:
            carrier_quotes = adapter_for(carrier, services).rate(
                ship_from=ship_from, ship_to=address, parcels=parcels, ship_date=ship_date
            )
        except CarrierError as exc:
            logger.warning("rate shop: carrier %s skipped: %s", carrier.code, exc)
            unavailable.append(carrier.code)
            last_error = exc
            continue
        quotes.extend(q for q in carrier_quotes if q.service in wanted)
    if not quotes and last_error is not None:
        raise last_error
    chosen = choose_rate(quotes, deliver_by=deliver_by)
    return RateShopResult(
        chosen=chosen,
        quotes=sorted(quotes, key=lambda q: (q.amount, q.delivery_date)),
        deliver_by=deliver_by,
        ship_date=ship_date,
        unavailable_carriers=unavailable,
    )


# --- the single status writer ----------------------------------------------------------------
def _shipment_set_status(
    *, shipment: Shipment, to: str, actor: Actor, note: str = "", at: datetime | None = None
) -> None:
    """Write Shipment.status. The ONLY function that does; caller must hold the shipment lock.

    Records the history row; when the shipment first leaves our hands (any move out of
    label_purchased except voiding) it writes the channel outbox row in the same transaction.
    """
    ensure_shipment_transition(shipment.status, to)
    previous = shipment.status
    now = at or timezone.now()
    shipment.status = to
    fields = ["status", "updated_at"]
    confirmed = previous == ShipmentStatus.LABEL_PURCHASED and to != ShipmentStatus.VOIDED
    if confirmed and shipment.shipped_at is None:
        shipment.shipped_at = now
        fields.append("shipped_at")
    if to == ShipmentStatus.DELIVERED:
        shipment.delivered_at = now
        fields.append("delivered_at")
    if to == ShipmentStatus.VOIDED:
        shipment.voided_at = now
        fields.append("voided_at")
    shipment.save(update_fields=fields)
    ShipmentStatusChange.objects.create(
        shipment=shipment,
        from_status=previous,
        to_status=to,
        note=note[:255],
        actor=str(actor)[:150],
        actor_user_id=actor.user_id,
    )
    if confirmed and shipment.order_id and shipment.channel_id:
        outbox.shipment_confirmed(
            order_id=shipment.order_id, channel_id=shipment.channel_id, shipment_id=shipment.pk
        )
        notification_outbox.shipment_shipped(
            order_id=shipment.order_id, channel_id=shipment.channel_id, shipment_id=shipment.pk
        )
    if to == ShipmentStatus.DELIVERED and shipment.order_id and shipment.channel_id:
        notification_outbox.shipment_delivered(
            order_id=shipment.order_id, channel_id=shipment.channel_id, shipment_id=shipment.pk
        )


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
    # "persisted" gets the same label back from the carrier instead of paying twice.
    voided = selectors.shipments_for_fulfillment_request(fulfillment_request_id).count()
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


# --- tracking --------------------------------------------------------------------------------
def _notify_order(shipment: Shipment, event: TrackingEvent, actor: Actor) -> None:
    """Tell the OMS about a tracking event (orders decides what it means for the order)."""
    if not shipment.order_id:
        return
    try:
        orders_services.order_tracking_event(
            order_id=shipment.order_id,
            status=event.status,
            description=event.description,
            occurred_at=event.occurred_at,
            actor=actor,
        )
    except NotFound:
        # The carrier's scan is a fact about the parcel; keep it even if the order is gone.
        logger.warning(
            "tracking event of shipment %s: order %s does not exist", shipment.pk, shipment.order_id
        )


@transaction.atomic
def tracking_events_record(
    *, shipment_id: int, updates: list[TrackingUpdate], source: str, actor: Actor
) -> list[TrackingEvent]:
    """Record new carrier scans of a shipment and move its status forward.

    Takes the shipment row lock. Scans already recorded (same carrier event id) are skipped;
    scans that arrive late (e.g. in_transit after delivered) are recorded but do not move the
    status back. Each scan that moves the status is passed to the OMS
    (orders.services.order_tracking_event). Returns the newly recorded events.
    """
    shipment = shipments_for_update().get(pk=shipment_id)
    known = set(shipment.tracking_events.values_list("carrier_event_id", flat=True))
    created: list[TrackingEvent] = []
    for update in sorted(updates, key=lambda u: (u.occurred_at, u.event_id)):
        if update.event_id in known:
            continue
        known.add(update.event_id)
        event = TrackingEvent.objects.create(
            shipment=shipment,
            carrier_event_id=update.event_id[:80],
            status=update.status,
            description=update.description[:255],
            location=update.location[:120],
            occurred_at=update.occurred_at,
            source=source,
        )
        created.append(event)
        if update.status != shipment.status and can_transition(shipment.status, update.status):
            _shipment_set_status(
                shipment=shipment,
                to=update.status,
                actor=actor,
                note=f"{source}: {update.description}"[:255],
                at=update.occurred_at,
            )
            _notify_order(shipment, event, actor)
    shipment.last_tracked_at = timezone.now()
    shipment.save(update_fields=["last_tracked_at"])
    return created


def tracking_poll_shipment(*, shipment_id: int, actor: Actor) -> list[TrackingEvent]:
    """Ask the carrier for a shipment's scans and record the new ones (carrier call first)."""
    shipment = (
        Shipment.objects.select_related("carrier", "service_level").filter(pk=shipment_id).first()
    )
    if shipment is None:
        raise ShipmentNotFound(f"Shipment {shipment_id} does not exist.")
    result = adapter_for(shipment.carrier, [shipment.service_level]).track(
        tracking_number=shipment.tracking_number
    )
    with transaction.atomic(durable=True):
        return tracking_events_record(
            shipment_id=shipment.pk, updates=result.events, source=TrackingSource.POLL, actor=actor
        )


@dataclass(frozen=True, slots=True)
class PollSummary:
    polled: int
    events: int
    failed: int


def tracking_poll_all(*, actor: Actor, limit: int = 500) -> PollSummary:
    """Poll every shipment still on its way (least recently tracked first).

    A carrier that is unavailable for one shipment does not stop the others; failures are
    counted and retried on the next run.
    """
    polled = events = failed = 0
    for shipment_id in list(selectors.shipments_to_track(limit=limit).values_list("pk", flat=True)):
        try:
            events += len(tracking_poll_shipment(shipment_id=shipment_id, actor=actor))
            polled += 1
        except (CarrierUnavailable, CarrierError) as exc:
            failed += 1
            logger.warning("tracking poll of shipment %s failed: %s", shipment_id, exc)
    return PollSummary(polled=polled, events=events, failed=failed)


def webhook_signature(*, secret: str, timestamp: str, body: bytes) -> str:
    """The X-Hmac-Signature header value for a webhook body (what the carrier sends)."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return SIGNATURE_PREFIX + digest


@dataclass(frozen=True, slots=True)
class WebhookOutcome:
    tracking_number: str
    recorded: int
    ignored: bool


def tracking_webhook_receive(
    *, carrier_code: str, body: bytes, signature: str, timestamp: str, actor: Actor
) -> WebhookOutcome:
    """Verify and apply a carrier's signed `tracker.updated` webhook.

    The signature is HMAC-SHA256 over "<timestamp>.<raw body>" with the carrier's webhook
    secret, sent as `X-Hmac-Signature: hmac-sha256-hex=<hex>` with `X-Timestamp`; timestamps
    more than 5 minutes off are refused (replays). Raises CarrierNotFound, InvalidSignature
    (nothing written), InvalidInput (malformed body). Unknown tracking numbers are ignored.
    """
    carrier = Carrier.objects.filter(code=carrier_code, is_active=True).first()
    if carrier is None:
        raise CarrierNotFound(f"Carrier {carrier_code} does not exist.")
    if not carrier.webhook_secret:
        raise InvalidSignature("This carrier has no webhook secret configured.")
    try:
        skew = abs(time.time() - int(timestamp))
    except (TypeError, ValueError) as exc:
        raise InvalidSignature("Missing or malformed X-Timestamp.") from exc
    if skew > WEBHOOK_TOLERANCE_SECONDS:
        raise InvalidSignature("The webhook timestamp is too old or in the future.")
    expected = webhook_signature(secret=carrier.webhook_secret, timestamp=timestamp, body=body)
    if not hmac.compare_digest(expected, signature or ""):
        raise InvalidSignature("The webhook signature does not match.")
    try:
        payload = json.loads(body)
        tracker = payload["result"]
        result = tracking_result_from_payload(tracker)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InvalidInput(f"Malformed tracker webhook: {exc}") from exc
    shipment = selectors.shipment_get_by_tracking(result.tracking_number)
    if shipment is None or shipment.carrier_id != carrier.pk:
        return WebhookOutcome(tracking_number=result.tracking_number, recorded=0, ignored=True)
    with transaction.atomic(durable=True):
        created = tracking_events_record(
            shipment_id=shipment.pk,
            updates=result.events,
            source=TrackingSource.WEBHOOK,
            actor=actor,
        )
    return WebhookOutcome(
        tracking_number=result.tracking_number, recorded=len(created), ignored=False
    )


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


# --- reference data --------------------------------------------------------------------------
DEFAULT_CARRIER_CODE = "MOCK"


@transaction.atomic
def carriers_ensure_defaults(
    *,
    base_url: str = "",
    webhook_secret: str = "",
    api_key: str | None = None,
    update_endpoint: bool = False,
) -> Carrier:
    """Create (or leave alone) the demo carrier MOCK with the default service catalog.

    Blank base_url = the in-process carrier (no server needed). Idempotent; with
    `update_endpoint` an existing carrier is re-pointed at `base_url` (and given the secret and
    key when they are passed), e.g. when the mock carrier server is started.
    """
    from shipping.carriers.pricing import DEFAULT_CATALOG

    carrier, created = Carrier.objects.get_or_create(
        code=DEFAULT_CARRIER_CODE,
        defaults={
            "name": "Mock Parcel Co.",
            "base_url": base_url,
            "webhook_secret": webhook_secret,
            "api_key": api_key if api_key is not None else "",
        },
    )
    if update_endpoint and not created:
        carrier.base_url = base_url
        fields = ["base_url", "updated_at"]
        if webhook_secret:
            carrier.webhook_secret = webhook_secret
            fields.append("webhook_secret")
        if api_key is not None:
            carrier.api_key = api_key
            fields.append("api_key")
        carrier.save(update_fields=fields)
    for spec in DEFAULT_CATALOG:
        ServiceLevel.objects.get_or_create(
            carrier=carrier,
            code=spec.code,
            defaults={
                "name": spec.name,
                "tier": spec.tier,
                "transit_days": spec.transit_days,
                "base_cost": spec.base_cost,
                "cost_per_kg": spec.cost_per_kg,
            },
        )
    return carrier
