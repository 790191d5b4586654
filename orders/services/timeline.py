"""The order timeline: `timeline_record` is the only writer of OrderEvent rows."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from common.types import Actor
from orders.models import Order, OrderEvent


@transaction.atomic
def timeline_record(
    *, order: Order, kind: str, actor: Actor, message: str = "", data: dict[str, Any] | None = None
) -> OrderEvent:
    """Append one event to the order's timeline (who, what, when)."""
    return OrderEvent.objects.create(
        order=order,
        kind=kind,
        message=message[:500],
        data=data or {},
        actor=actor.label[:150],
        actor_kind=actor.kind,
        actor_user_id=actor.user_id,
    )


@transaction.atomic(durable=True)
def order_note_add(*, order_id: int, text: str, actor: Actor) -> OrderEvent:
    """Add a free-text note to an order's timeline."""
    order = Order.objects.get(pk=order_id)
    return timeline_record(order=order, kind="note", actor=actor, message=text)
