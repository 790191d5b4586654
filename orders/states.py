"""The OMS state machines as data: statuses and their allowed transitions.

Each status field has exactly one writer (`orders.services.lifecycle._order_set_status`,
`_fulfillment_request_set_status`, `orders.services.returns._return_set_status`), which calls
the `ensure_*` guard here before writing.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from django.db import models

from orders.exceptions import InvalidTransition


class OrderStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    ON_HOLD = "on_hold", "On hold"
    READY = "ready", "Ready to route"
    ALLOCATED = "allocated", "Allocated"
    PARTIALLY_ALLOCATED = "partially_allocated", "Partially allocated"
    BACKORDERED = "backordered", "Backordered"
    RELEASED = "released", "Released to warehouse"
    IN_FULFILLMENT = "in_fulfillment", "In fulfillment"
    PARTIALLY_SHIPPED = "partially_shipped", "Partially shipped"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"
    RETURNED = "returned", "Returned"
    # Recorded for customer service and reporting, never fulfilled here: the marketplace ships
    # it (Amazon AFN) or no line needs shipping (gift cards, tips).
    NOTHING_TO_SHIP = "nothing_to_ship", "Nothing to ship here"


S = OrderStatus
_ALLOCATION = frozenset({S.ALLOCATED, S.PARTIALLY_ALLOCATED, S.BACKORDERED})

ORDER_TRANSITIONS: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        S.RECEIVED: frozenset({S.ON_HOLD, S.READY, S.CANCELLED, S.NOTHING_TO_SHIP}),
        S.ON_HOLD: frozenset({S.READY, S.CANCELLED}),
        S.READY: _ALLOCATION | {S.ON_HOLD, S.CANCELLED},
        S.ALLOCATED: frozenset(
            {S.PARTIALLY_ALLOCATED, S.BACKORDERED, S.RELEASED, S.ON_HOLD, S.CANCELLED}
        ),
        S.PARTIALLY_ALLOCATED: frozenset(
            {S.ALLOCATED, S.BACKORDERED, S.RELEASED, S.ON_HOLD, S.CANCELLED}
        ),
        S.BACKORDERED: frozenset(
            {S.ALLOCATED, S.PARTIALLY_ALLOCATED, S.RELEASED, S.ON_HOLD, S.CANCELLED}
        ),
        S.RELEASED: _ALLOCATION | {S.IN_FULFILLMENT, S.ON_HOLD, S.CANCELLED},
        S.IN_FULFILLMENT: _ALLOCATION | {S.RELEASED, S.PARTIALLY_SHIPPED, S.SHIPPED, S.CANCELLED},
        S.PARTIALLY_SHIPPED: frozenset({S.SHIPPED}),
        S.SHIPPED: frozenset({S.DELIVERED, S.RETURNED}),
        S.DELIVERED: frozenset({S.RETURNED}),
        S.CANCELLED: frozenset(),
        S.RETURNED: frozenset(),
        S.NOTHING_TO_SHIP: frozenset({S.CANCELLED}),
    }
)

# Statuses in which the order's work may still change (routing, holds, edits).
OPEN_ORDER_STATUSES: Final = frozenset(
    {
        S.RECEIVED,
        S.ON_HOLD,
        S.READY,
        S.ALLOCATED,
        S.PARTIALLY_ALLOCATED,
        S.BACKORDERED,
        S.RELEASED,
        S.IN_FULFILLMENT,
        S.PARTIALLY_SHIPPED,
    }
)


class FulfillmentRequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    ON_HOLD = "on_hold", "On hold"
    RELEASED = "released", "Released to warehouse"
    IN_PROGRESS = "in_progress", "In progress"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


F = FulfillmentRequestStatus
FULFILLMENT_REQUEST_TRANSITIONS: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        F.OPEN: frozenset({F.ON_HOLD, F.RELEASED, F.CANCELLED}),
        F.ON_HOLD: frozenset({F.OPEN, F.RELEASED, F.CANCELLED}),
        F.RELEASED: frozenset({F.ON_HOLD, F.IN_PROGRESS, F.CLOSED, F.CANCELLED}),
        F.IN_PROGRESS: frozenset({F.CLOSED, F.CANCELLED}),
        F.CLOSED: frozenset(),
        F.CANCELLED: frozenset(),
    }
)
ACTIVE_FR_STATUSES: Final = frozenset({F.OPEN, F.ON_HOLD, F.RELEASED, F.IN_PROGRESS})


class ReturnStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    RECEIVED = "received", "Received"
    INSPECTED = "inspected", "Inspected"
    DISPOSITIONED = "dispositioned", "Dispositioned"
    REJECTED = "rejected", "Rejected"
    CANCELLED = "cancelled", "Cancelled"


R = ReturnStatus
RETURN_TRANSITIONS: Final[Mapping[str, frozenset[str]]] = MappingProxyType(
    {
        R.REQUESTED: frozenset({R.APPROVED, R.REJECTED, R.CANCELLED}),
        R.APPROVED: frozenset({R.RECEIVED, R.CANCELLED}),
        R.RECEIVED: frozenset({R.INSPECTED}),
        R.INSPECTED: frozenset({R.DISPOSITIONED}),
        R.DISPOSITIONED: frozenset(),
        R.REJECTED: frozenset(),
        R.CANCELLED: frozenset(),
    }
)


def _ensure(table: Mapping[str, frozenset[str]], what: str, src: str, dst: str) -> None:
    if dst not in table.get(src, frozenset()):
        allowed = ", ".join(sorted(table.get(src, ()))) or "nothing (final status)"
        raise InvalidTransition(
            f"A {what} cannot go from '{src}' to '{dst}'; from '{src}' it may go to: {allowed}.",
            current=str(src),
            requested=str(dst),
        )


def ensure_order_transition(src: str, dst: str) -> None:
    """Raise InvalidTransition unless `src → dst` is in ORDER_TRANSITIONS."""
    _ensure(ORDER_TRANSITIONS, "order", src, dst)


def ensure_fulfillment_request_transition(src: str, dst: str) -> None:
    """Raise InvalidTransition unless `src → dst` is in FULFILLMENT_REQUEST_TRANSITIONS."""
    _ensure(FULFILLMENT_REQUEST_TRANSITIONS, "fulfillment request", src, dst)


def ensure_return_transition(src: str, dst: str) -> None:
    """Raise InvalidTransition unless `src → dst` is in RETURN_TRANSITIONS."""
    _ensure(RETURN_TRANSITIONS, "return", src, dst)
