"""Tracking: events from polls and signed carrier webhooks, unique per (shipment, carrier event
id), so a scan seen by both is recorded once and the OMS hears about it once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from common.exceptions import InvalidInput, NotFound
from common.types import Actor
from orders import services as orders_services
from shipping import selectors
from shipping.carriers import adapter_for
from shipping.carriers.base import TrackingUpdate
from shipping.carriers.http import tracking_result_from_payload
from shipping.exceptions import (
    CarrierError,
    CarrierNotFound,
    CarrierUnavailable,
    InvalidSignature,
    ShipmentNotFound,
)
from shipping.locks import shipments_for_update
from shipping.models import (
    Carrier,
    Shipment,
    TrackingEvent,
    TrackingSource,
)
from shipping.states import can_transition

from .status import _shipment_set_status

logger = logging.getLogger(__name__)

WEBHOOK_TOLERANCE_SECONDS = 300
SIGNATURE_PREFIX = "hmac-sha256-hex="


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
