"""The order timeline: `timeline_record` (and its set-based twin `timeline_record_many`) are the
only writers of OrderEvent rows."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from common.db import insert_rows
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


def timeline_record_many(
    *, entries: list[tuple[Order, str, str, dict[str, Any]]], actor: Actor
) -> int:
    """Append many events at once, one INSERT: (order, kind, message, data) each, in order.

    Used by set-based writers (a wave release starting many requests) instead of a call per
    event; the rows are the same `timeline_record` would write.
    """
    return insert_rows(
        objs=[
            OrderEvent(
                order=order,
                kind=kind,
                message=message[:500],
                data=data or {},
                actor=actor.label[:150],
                actor_kind=actor.kind,
                actor_user_id=actor.user_id,
            )
            for order, kind, message, data in entries
        ]
    )


def timeline_event(
    *, order: Order, kind: str, actor: Actor, message: str = "", data: dict[str, Any] | None = None
) -> OrderEvent:
    """One unsaved timeline row, for `timeline_events_record` (set-based writers)."""
    return OrderEvent(
        order=order,
        kind=kind,
        message=message[:500],
        data=data or {},
        actor=actor.label[:150],
        actor_kind=actor.kind,
        actor_user_id=actor.user_id,
    )


def timeline_events_record(*, events: list[OrderEvent]) -> list[OrderEvent]:
    """Append many timeline rows in one INSERT, in the order given (their ids follow it)."""
    return OrderEvent.objects.bulk_create(events)


@transaction.atomic(durable=True)
def order_note_add(*, order_id: int, text: str, actor: Actor) -> OrderEvent:
    """Add a free-text note to an order's timeline."""
    order = Order.objects.get(pk=order_id)
    return timeline_record(order=order, kind="note", actor=actor, message=text)
