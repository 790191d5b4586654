"""The single writer of `Shipment.status` (with its status-change row, the channel's
shipment-confirmed outbox row and the buyer's shipped / delivered e-mails).
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from channels_sync import outbox
from common.types import Actor
from notifications import outbox as notification_outbox
from shipping.models import (
    Shipment,
    ShipmentStatusChange,
)
from shipping.states import ShipmentStatus, ensure_shipment_transition


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
