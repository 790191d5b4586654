"""Status writers and the derived order status.

`_order_set_status` and `_fulfillment_request_set_status` (and their set-based twins
`_orders_set_status_many` and `_fulfillment_requests_set_status_many`) are the ONLY code that
writes those status fields. Each checks the transition table (orders/states.py), saves with update_fields,
records a timeline row and (for orders) tells the channel through the outbox — all in the
caller's transaction. Callers hold the order row lock (orders.locks.order_for_update).
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import F, Sum
from django.utils import timezone

from channels_sync import outbox
from common.db import update_rows
from common.types import Actor
from notifications import outbox as notification_outbox
from orders.choices import EventKind, HoldScope
from orders.models import FulfillmentRequest, Hold, Order, OrderEvent, OrderLine
from orders.services.timeline import timeline_event, timeline_record, timeline_record_many
from orders.states import (
    ORDER_TRANSITIONS,
    FulfillmentRequestStatus,
    OrderStatus,
    ensure_fulfillment_request_transition,
    ensure_order_transition,
)

FRS = FulfillmentRequestStatus


def _label(choices, value) -> str:  # type: ignore[no-untyped-def]
    """The human label of a status code (the code itself if unknown)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return str(value)


def _order_set_status(*, order: Order, to: str, actor: Actor, note: str = "") -> None:
    """Write Order.status (the only writer); caller holds the order row lock."""
    ensure_order_transition(order.status, to)
    previous = order.status
    order.status = to
    order.save(update_fields=["status", "updated_at"])
    timeline_record(
        order=order,
        kind=EventKind.STATUS_CHANGED,
        actor=actor,
        message=f"{_label(OrderStatus, previous)} → {_label(OrderStatus, to)}"
        + (f": {note}" if note else ""),
        data={"from": str(previous), "to": str(to), "note": note},
    )
    outbox.order_status_changed(order_id=order.pk, channel_id=order.channel_id, status=str(to))
    if to == OrderStatus.CANCELLED:
        # The buyer hears once, whichever path cancelled it (us, customer service, the shop).
        notification_outbox.order_cancelled(order_id=order.pk, channel_id=order.channel_id)


def _fulfillment_request_set_status(
    *, request: FulfillmentRequest, to: str, actor: Actor, note: str = ""
) -> None:
    """Write FulfillmentRequest.status (the only writer); caller holds the order row lock."""
    ensure_fulfillment_request_transition(request.status, to)
    previous = request.status
    request.status = to
    fields = ["status", "updated_at"]
    now = timezone.now()
    if to == FRS.RELEASED and request.released_at is None:
        request.released_at = now
        fields.append("released_at")
    if to in (FRS.CLOSED, FRS.CANCELLED):
        request.closed_at = now
        fields.append("closed_at")
    request.save(update_fields=fields)
    timeline_record(
        order=request.order,
        kind=EventKind.FR_STATUS,
        actor=actor,
        message=f"{request.number} at {request.warehouse.code}: "
        f"{_label(FRS, previous)} → {_label(FRS, to)}" + (f" ({note})" if note else ""),
        data={"request": request.number, "from": str(previous), "to": str(to), "note": note},
    )


def _orders_set_status_many(
    *, steps: list[tuple[Order, list[str]]], actor: Actor, note: str = ""
) -> None:
    """`_order_set_status` for many orders, each through its list of steps (the only other
    writer of Order.status, in this module): one UPDATE, one timeline INSERT, one outbox upsert.
    Every step is checked against the table first (InvalidTransition writes nothing)."""
    if not steps:
        return
    events: list[tuple[Order, str, str, dict]] = []
    changes: list[tuple[int, int, str]] = []
    for order, path in steps:
        src = order.status
        for to in path:
            ensure_order_transition(src, to)
            events.append(
                (
                    order,
                    EventKind.STATUS_CHANGED,
                    f"{_label(OrderStatus, src)} → {_label(OrderStatus, to)}"
                    + (f": {note}" if note else ""),
                    {"from": str(src), "to": str(to), "note": note},
                )
            )
            src = to
    now = timezone.now()
    for order, path in steps:
        order.status = path[-1]
        order.updated_at = now
        changes.append((order.pk, order.channel_id, str(order.status)))
    update_rows(model=Order, fields=["status", "updated_at"], objs=[o for o, _ in steps])
    timeline_record_many(entries=events, actor=actor)
    outbox.order_status_changed_many(changes=changes)
    for order, path in steps:
        if OrderStatus.CANCELLED in path:
            notification_outbox.order_cancelled(order_id=order.pk, channel_id=order.channel_id)


def _fulfillment_requests_set_status_many(
    *, requests: list[FulfillmentRequest], to: str, actor: Actor, note: str = ""
) -> None:
    """`_fulfillment_request_set_status` for many requests going to one status: one UPDATE and
    one timeline INSERT. Each request carries its order and warehouse; caller holds the orders'
    row locks. Every transition is checked first (InvalidTransition writes nothing)."""
    if not requests:
        return
    for request in requests:
        ensure_fulfillment_request_transition(request.status, to)
    now = timezone.now()
    fields = ["status", "updated_at"]
    if to == FRS.RELEASED:
        fields.append("released_at")
    if to in (FRS.CLOSED, FRS.CANCELLED):
        fields.append("closed_at")
    events = []
    for request in requests:
        previous = request.status
        request.status = to
        request.updated_at = now
        if to == FRS.RELEASED and request.released_at is None:
            request.released_at = now
        if to in (FRS.CLOSED, FRS.CANCELLED):
            request.closed_at = now
        events.append(
            (
                request.order,
                EventKind.FR_STATUS,
                f"{request.number} at {request.warehouse.code}: "
                f"{_label(FRS, previous)} → {_label(FRS, to)}" + (f" ({note})" if note else ""),
                {"request": request.number, "from": str(previous), "to": str(to), "note": note},
            )
        )
    update_rows(model=FulfillmentRequest, fields=fields, objs=requests)
    timeline_record_many(entries=events, actor=actor)


def order_has_order_hold(order: Order) -> bool:
    """Whether an active hold covers the whole order."""
    return Hold.objects.filter(
        order=order, scope=HoldScope.ORDER, released_at__isnull=True
    ).exists()


def _held_request_ids(order: Order) -> set[int]:
    """Fulfillment requests held by an FR-scope hold or holding a line under a line hold."""
    held = set(
        Hold.objects.filter(
            order=order, scope=HoldScope.FULFILLMENT_REQUEST, released_at__isnull=True
        ).values_list("fulfillment_request_id", flat=True)
    )
    held_lines = Hold.objects.filter(
        order=order, scope=HoldScope.LINES, released_at__isnull=True
    ).values_list("lines__id", flat=True)
    held |= set(
        FulfillmentRequest.objects.filter(
            order=order, lines__order_line_id__in=list(held_lines)
        ).values_list("pk", flat=True)
    )
    return held


def fulfillment_requests_sync_holds(*, order: Order, actor: Actor) -> None:
    """Put held requests on hold and release the unheld ones to their warehouses.

    Held work is never released: a request is released only when neither the order, its
    lines nor the request itself carry an active hold. Caller holds the order row lock.
    """
    order_held = order_has_order_hold(order)
    held_ids = _held_request_ids(order)
    for request in order.fulfillment_requests.select_related("warehouse").filter(
        status__in=[FRS.OPEN, FRS.ON_HOLD, FRS.RELEASED]
    ):
        request.order = order
        should_hold = order_held or request.pk in held_ids
        if should_hold and request.status != FRS.ON_HOLD:
            _fulfillment_request_set_status(request=request, to=FRS.ON_HOLD, actor=actor)
        elif not should_hold and request.status != FRS.RELEASED:
            if not request.lines.exists():
                continue
            _fulfillment_request_set_status(request=request, to=FRS.RELEASED, actor=actor)


def order_nothing_to_ship(*, order: Order, actor: Actor, note: str) -> None:
    """Record a just-captured order that is never fulfilled here (marketplace-fulfilled, or no
    line needs shipping): no hold, no routing, no commitment, no warehouse work."""
    _order_set_status(order=order, to=OrderStatus.NOTHING_TO_SHIP, actor=actor, note=note)


def order_nothing_to_ship_cancel(*, order: Order, actor: Actor, note: str) -> None:
    """Cancel a recorded-only order (marketplace-fulfilled, nothing to ship): its lines are
    cancelled; no stock or warehouse work exists to release. Caller holds the order lock."""
    OrderLine.objects.filter(order=order).update(quantity_cancelled=F("quantity"))
    _order_set_status(order=order, to=OrderStatus.CANCELLED, actor=actor, note=note)


def order_cancelled_at_channel(*, order: Order, actor: Actor, note: str) -> None:
    """Record a just-captured order whose channel copy was already cancelled (its lines are
    created cancelled): nothing is routed, committed or sent to a warehouse."""
    _order_set_status(order=order, to=OrderStatus.CANCELLED, actor=actor, note=note)


def fulfillment_request_close_if_done(*, request: FulfillmentRequest, actor: Actor) -> None:
    """Close (something shipped) or cancel (nothing shipped) a request with no open units."""
    if request.status not in (FRS.OPEN, FRS.ON_HOLD, FRS.RELEASED, FRS.IN_PROGRESS):
        return
    lines = list(request.lines.all())
    if any(line.quantity_committed > 0 for line in lines):
        return
    shipped = any(line.quantity_shipped for line in lines)
    to = FRS.CLOSED if shipped else FRS.CANCELLED
    if to == FRS.CLOSED and request.status in (FRS.OPEN, FRS.ON_HOLD):
        to = FRS.CANCELLED
    _fulfillment_request_set_status(request=request, to=to, actor=actor)


def _allocation_status(*, active: int, allocated: int, backordered: int) -> str:
    if allocated >= active:
        return OrderStatus.ALLOCATED
    if allocated > 0:
        return OrderStatus.PARTIALLY_ALLOCATED
    return OrderStatus.BACKORDERED


def _derive_from(
    *, current: str, totals: dict, statuses: set[str], order_hold: Callable[[], bool]
) -> tuple[str, str]:
    """Pure: (target status, allocation status) from the order's line totals, its requests'
    statuses and (asked only when it matters) whether an order-scope hold is active."""
    active = (totals["q"] or 0) - (totals["c"] or 0)
    allocated, backordered = totals["a"] or 0, totals["b"] or 0
    picked, shipped = totals["p"] or 0, totals["s"] or 0
    alloc = _allocation_status(active=active, allocated=allocated, backordered=backordered)
    if current in (
        OrderStatus.CANCELLED,
        OrderStatus.RETURNED,
        OrderStatus.DELIVERED,
        OrderStatus.NOTHING_TO_SHIP,
    ):
        return current, alloc
    if active <= 0:
        return OrderStatus.CANCELLED, alloc
    if current == OrderStatus.SHIPPED:
        return current, alloc
    if shipped >= active:
        return OrderStatus.SHIPPED, alloc
    if shipped > 0:
        return OrderStatus.PARTIALLY_SHIPPED, alloc
    if FRS.IN_PROGRESS in statuses or picked > 0:
        return OrderStatus.IN_FULFILLMENT, alloc
    may_hold = OrderStatus.ON_HOLD in ORDER_TRANSITIONS[current] or current == OrderStatus.ON_HOLD
    if may_hold and order_hold():
        return OrderStatus.ON_HOLD, alloc
    if FRS.RELEASED in statuses:
        return OrderStatus.RELEASED, alloc
    waiting = current in (OrderStatus.RECEIVED, OrderStatus.ON_HOLD, OrderStatus.READY)
    if waiting and allocated == 0 and backordered == 0:
        return OrderStatus.READY, alloc
    return alloc, alloc


_TOTALS = {
    "q": Sum("quantity"),
    "c": Sum("quantity_cancelled"),
    "a": Sum("quantity_allocated"),
    "b": Sum("quantity_backordered"),
    "p": Sum("quantity_picked"),
    "s": Sum("quantity_shipped"),
}


def _derive(order: Order) -> tuple[str, str]:
    """(target status, allocation status) from lines, holds and fulfillment requests."""
    totals = order.lines.filter(requires_shipping=True).aggregate(**_TOTALS)
    return _derive_from(
        current=order.status,
        totals=totals,
        statuses=set(order.fulfillment_requests.values_list("status", flat=True)),
        order_hold=lambda: order_has_order_hold(order),
    )


def _status_path(*, current: str, target: str, alloc: str) -> list[str]:
    """Pure: the steps from `current` to `target` through the transition table ([] when there;
    `[target]` when no path exists, so that the writer raises InvalidTransition)."""
    if target == current:
        return []
    paths = (
        [target],
        [OrderStatus.READY, target],
        [alloc, target],
        [OrderStatus.READY, alloc, target],
        [alloc, OrderStatus.RELEASED, target],
        [OrderStatus.READY, alloc, OrderStatus.RELEASED, target],
        [OrderStatus.IN_FULFILLMENT, target],
    )
    for path in paths:
        src, ok = current, True
        for step in path:
            if step == src or step not in ORDER_TRANSITIONS[src]:
                ok = False
                break
            src = step
        if ok:
            return path
    return [target]


def derive_order_status(*, order: Order) -> str:
    """Work out where the order stands from its lines, holds and fulfillment requests."""
    return _derive(order)[0]


def order_status_refresh(*, order: Order, actor: Actor, note: str = "") -> str:
    """Move the order to its derived status, through the intermediate steps the table needs.

    For example on_hold → ready → allocated → released after the last hold is released.
    Caller holds the order row lock.
    """
    target, alloc = _derive(order)
    for step in _status_path(current=order.status, target=target, alloc=alloc):
        _order_set_status(
            order=order, to=step, actor=actor, note=note
        )  # may raise InvalidTransition
    return order.status


def orders_status_refresh_many(*, orders: list[Order], actor: Actor, note: str = "") -> None:
    """`order_status_refresh` for many orders at once: the same steps, timeline rows and outbox
    messages, in a fixed number of statements (line totals, request statuses and order holds
    each one grouped query; one status write; one timeline INSERT; one outbox upsert).

    Caller holds every order's row lock. The status write goes through `_orders_set_status_many`.
    """
    if not orders:
        return
    ids = [o.pk for o in orders]
    totals: dict[int, dict] = {
        row.pop("order_id"): row
        for row in OrderLine.objects.filter(order_id__in=ids, requires_shipping=True)
        .values("order_id")
        .order_by()
        .annotate(**_TOTALS)
    }
    statuses: dict[int, set[str]] = {}
    for order_id, status in FulfillmentRequest.objects.filter(order_id__in=ids).values_list(
        "order_id", "status"
    ):
        statuses.setdefault(order_id, set()).add(status)
    held = set(
        Hold.objects.filter(
            order_id__in=ids, scope=HoldScope.ORDER, released_at__isnull=True
        ).values_list("order_id", flat=True)
    )
    empty = dict.fromkeys(_TOTALS)
    steps: list[tuple[Order, list[str]]] = []
    for order in orders:
        target, alloc = _derive_from(
            current=order.status,
            totals=totals.get(order.pk, empty),
            statuses=statuses.get(order.pk, set()),
            order_hold=lambda order=order: order.pk in held,
        )
        path = _status_path(current=order.status, target=target, alloc=alloc)
        if path:
            steps.append((order, path))
    _orders_set_status_many(steps=steps, actor=actor, note=note)


def capture_status_steps(*, held: bool, routed: bool, alloc: str, released: bool) -> list[str]:
    """The statuses a just-received order steps through at capture (pure), the same steps
    `order_route_and_progress` takes one refresh at a time: on hold; or ready → its
    allocation status → released (when a fulfillment request went to a warehouse)."""
    if held:
        return [OrderStatus.ON_HOLD]
    steps = [OrderStatus.READY]
    if not routed:
        return steps
    steps += _status_path(current=OrderStatus.READY, target=alloc, alloc=alloc)
    if released:
        steps += _status_path(current=steps[-1], target=OrderStatus.RELEASED, alloc=alloc)
    return steps


def allocation_status(*, active: int, allocated: int) -> str:
    """allocated / partially allocated / backordered from unit counts (pure)."""
    return _allocation_status(active=active, allocated=allocated, backordered=0)


def order_capture_status(
    *, order: Order, steps: list[str], actor: Actor, note: str = ""
) -> list[OrderEvent]:
    """Set a new (not yet inserted) order's status through `steps` from received: the order is
    then inserted with its final status (one write). Returns the timeline rows, one per
    transition as `_order_set_status` writes them, for the caller to insert together; the
    caller writes the outbox entry (`outbox.order_status_entry`) with its other entries."""
    events = []
    for to in steps:
        ensure_order_transition(order.status, to)
        previous = order.status
        order.status = to
        events.append(
            timeline_event(
                order=order,
                kind=EventKind.STATUS_CHANGED,
                actor=actor,
                message=f"{_label(OrderStatus, previous)} → {_label(OrderStatus, to)}"
                + (f": {note}" if note else ""),
                data={"from": str(previous), "to": str(to), "note": note},
            )
        )
    return events


def fulfillment_request_capture_release(
    *, request: FulfillmentRequest, order: Order, warehouse_code: str, actor: Actor
) -> OrderEvent:
    """Release a new (not yet inserted) request of an order being captured: it is inserted
    released. Returns its timeline row (as `_fulfillment_request_set_status` writes it)."""
    ensure_fulfillment_request_transition(request.status, FRS.RELEASED)
    previous = request.status
    request.status = FRS.RELEASED
    request.released_at = timezone.now()
    return timeline_event(
        order=order,
        kind=EventKind.FR_STATUS,
        actor=actor,
        message=f"{request.number} at {warehouse_code}: "
        f"{_label(FRS, previous)} → {_label(FRS, FRS.RELEASED)}",
        data={
            "request": request.number,
            "from": str(previous),
            "to": str(FRS.RELEASED),
            "note": "",
        },
    )
