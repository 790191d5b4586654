"""What the WMS tells the OMS about fulfillment requests (contracts in docs/contracts.md).

Every service here locks the order row first (orders.locks), then changes the request, its
lines and the order lines, records the timeline and lets the order status follow.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction

from common.types import Actor
from inventory import services as inventory_services
from orders.choices import EventKind, RoutingTrigger
from orders.exceptions import InvalidOrderData, OrderNotEditable, QuantityExceeded
from orders.locks import order_for_update, orders_for_update, orders_lock
from orders.models import FulfillmentRequest, FulfillmentRequestLine, Order, OrderShipment
from orders.services.lifecycle import (
    _fulfillment_request_set_status,
    _fulfillment_requests_set_status_many,
    _order_set_status,
    fulfillment_request_close_if_done,
    order_status_refresh,
    orders_status_refresh_many,
)
from orders.services.routing import allocate_line_units, order_progress, order_route
from orders.services.timeline import timeline_record
from orders.states import FulfillmentRequestStatus, OrderStatus

FRS = FulfillmentRequestStatus


def _locked_request(request_id: int) -> tuple[Order, FulfillmentRequest]:
    order_id = FulfillmentRequest.objects.values_list("order_id", flat=True).get(pk=request_id)
    order = order_for_update(order_id)
    request = FulfillmentRequest.objects.select_related("warehouse").get(pk=request_id)
    request.order = order
    return order, request


def _locked_line(line_id: int) -> tuple[Order, FulfillmentRequest, FulfillmentRequestLine]:
    request_id = FulfillmentRequestLine.objects.values_list("request_id", flat=True).get(pk=line_id)
    order, request = _locked_request(request_id)
    line = FulfillmentRequestLine.objects.select_related("order_line").get(pk=line_id)
    return order, request, line


def _check_qty(quantity: int) -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise InvalidOrderData(f"Quantity must be a positive whole number, got {quantity!r}.")


@transaction.atomic
def fulfillment_line_lock(*, line_id: int) -> None:
    """Lock the order (then the request) of a fulfillment line, before any stock row.

    The system's lock order is order → fulfillment request → commitment → balance → stock level
    (docs/contracts.md). A WMS scan that will move stock for a line calls this first, so it
    never holds a stock row while it waits for the order (wave release holds the order and
    then reserves stock rows: the other order would deadlock).
    """
    _locked_line(line_id)


@transaction.atomic
def fulfillment_request_start(*, request_id: int, actor: Actor) -> FulfillmentRequest:
    """released → in_progress (the WMS took the request into a wave). Idempotent.

    Raises InvalidTransition when the request is held, cancelled or closed.
    """
    order, request = _locked_request(request_id)
    if request.status == FRS.IN_PROGRESS:
        return request
    _fulfillment_request_set_status(request=request, to=FRS.IN_PROGRESS, actor=actor)
    order_status_refresh(order=order, actor=actor)
    return request


@transaction.atomic
def fulfillment_requests_lock(*, request_ids: Iterable[int]) -> None:
    """Lock the orders of many fulfillment requests, in order pk order (one statement).

    A set-based WMS writer (wave release) calls this before it reads the requests' state and
    before any stock row (lock order order → request → commitment → stock, docs/contracts.md);
    what it reads afterwards cannot change under it until COMMIT.
    """
    order_ids = FulfillmentRequest.objects.filter(pk__in=list(request_ids)).values_list(
        "order_id", flat=True
    )
    orders_lock(order_ids)


@transaction.atomic
def fulfillment_requests_start_many(
    *, request_ids: Iterable[int], actor: Actor
) -> list[FulfillmentRequest]:
    """released → in_progress for many requests at once (a wave release): the same status
    changes, timeline rows and order statuses as `fulfillment_request_start` per request, in
    a fixed number of statements. Idempotent per request (one already in progress is skipped).

    Raises InvalidTransition (writing nothing) when a request is held, cancelled or closed.
    """
    ids = sorted(set(request_ids))
    if not ids:
        return []
    requests = list(
        FulfillmentRequest.objects.filter(pk__in=ids).select_related("warehouse").order_by("pk")
    )
    orders = {o.pk: o for o in orders_for_update({r.order_id for r in requests})}
    for request in requests:
        request.order = orders[request.order_id]
    starting = [r for r in requests if r.status != FRS.IN_PROGRESS]
    _fulfillment_requests_set_status_many(requests=starting, to=FRS.IN_PROGRESS, actor=actor)
    orders_status_refresh_many(
        orders=[orders[pk] for pk in sorted({r.order_id for r in starting})], actor=actor
    )
    return requests


@transaction.atomic
def fulfillment_line_picked(*, line_id: int, quantity: int, actor: Actor) -> FulfillmentRequestLine:
    """Record `quantity` units picked for a request line (moves a released request to in progress).

    Raises QuantityExceeded when more than the open units are reported.
    """
    _check_qty(quantity)
    order, request, line = _locked_line(line_id)
    if request.status == FRS.RELEASED:
        _fulfillment_request_set_status(request=request, to=FRS.IN_PROGRESS, actor=actor)
    if request.status != FRS.IN_PROGRESS:
        raise OrderNotEditable(
            f"Request {request.number} is {request.status}; picks are not accepted."
        )
    if quantity > line.quantity_open:
        raise QuantityExceeded(
            f"Only {line.quantity_open} unit(s) left to pick on this line, {quantity} reported.",
            open=line.quantity_open,
        )
    line.quantity_picked += quantity
    line.save(update_fields=["quantity_picked"])
    order_line = line.order_line
    order_line.quantity_picked += quantity
    order_line.save(update_fields=["quantity_picked", "updated_at"])
    timeline_record(
        order=order,
        kind=EventKind.PICKED,
        actor=actor,
        message=f"{quantity}× {order_line.sku} picked at {request.warehouse.code}",
        data={"request": request.number, "line_id": line.pk, "quantity": quantity},
    )
    order_status_refresh(order=order, actor=actor)
    return line


@transaction.atomic
def fulfillment_line_short(*, line_id: int, quantity: int, actor: Actor) -> FulfillmentRequestLine:
    """The warehouse cannot find `quantity` units: release them and re-route or backorder them.

    The commitment gives back those units at once; the order routes them over the channel's
    other warehouses (not this one), or backorders what nobody has.
    """
    _check_qty(quantity)
    order, request, line = _locked_line(line_id)
    if request.status not in (FRS.RELEASED, FRS.IN_PROGRESS, FRS.ON_HOLD, FRS.OPEN):
        raise OrderNotEditable(f"Request {request.number} is {request.status}.")
    if quantity > line.quantity_open:
        raise QuantityExceeded(
            f"Only {line.quantity_open} unit(s) are open on this line, {quantity} reported short.",
            open=line.quantity_open,
        )
    if line.commitment_id:
        inventory_services.commitment_release(
            commitment_id=line.commitment_id, actor=actor, quantity=quantity
        )
    line.quantity_short += quantity
    line.save(update_fields=["quantity_short"])
    order_line = line.order_line
    order_line.quantity_allocated -= quantity
    order_line.save(update_fields=["quantity_allocated", "updated_at"])
    timeline_record(
        order=order,
        kind=EventKind.SHORT_PICKED,
        actor=actor,
        message=f"{quantity}× {order_line.sku} short at {request.warehouse.code}; re-routing",
        data={"request": request.number, "line_id": line.pk, "quantity": quantity},
    )
    fulfillment_request_close_if_done(request=request, actor=actor)
    order_route(
        order=order,
        actor=actor,
        trigger=RoutingTrigger.SHORT_PICK,
        exclude_warehouse_ids=[request.warehouse_id],
    )
    order_progress(order=order, actor=actor, note="short pick")
    return line


@transaction.atomic
def fulfillment_request_shipped(
    *,
    request_id: int,
    shipment_id: int | None,
    carrier: str,
    tracking_number: str,
    lines: list[tuple[int, int]],
    actor: Actor,
) -> OrderShipment:
    """Record a shipment of (request line id, quantity) pairs; the WMS already consumed the stock.

    Units not reported as picked are counted as picked now. Idempotent per shipment_id.
    Raises QuantityExceeded, InvalidOrderData (line of another request).
    """
    order, request = _locked_request(request_id)
    if shipment_id is not None:
        done = OrderShipment.objects.filter(request=request, shipment_id=shipment_id).first()
        if done is not None:
            return done
    if request.status in (FRS.CLOSED, FRS.CANCELLED):
        raise OrderNotEditable(f"Request {request.number} is {request.status}.")
    if request.status == FRS.RELEASED:
        _fulfillment_request_set_status(request=request, to=FRS.IN_PROGRESS, actor=actor)
    by_id = {line.pk: line for line in request.lines.select_related("order_line")}
    for line_id, qty in lines:
        _check_qty(qty)
        line = by_id.get(line_id)
        if line is None:
            raise InvalidOrderData(f"Line {line_id} is not on request {request.number}.")
        unpicked_needed = max(0, qty - (line.quantity_picked - line.quantity_shipped))
        if unpicked_needed > line.quantity_open:
            raise QuantityExceeded(
                f"Only {line.quantity_picked - line.quantity_shipped + line.quantity_open} unit(s) "
                f"can ship on line {line_id}, {qty} reported.",
            )
        line.quantity_picked += unpicked_needed
        line.quantity_shipped += qty
        line.save(update_fields=["quantity_picked", "quantity_shipped"])
        ol = line.order_line
        ol.quantity_picked += unpicked_needed
        ol.quantity_shipped += qty
        ol.save(update_fields=["quantity_picked", "quantity_shipped", "updated_at"])
    shipment = OrderShipment.objects.create(
        order=order,
        request=request,
        shipment_id=shipment_id,
        carrier=carrier[:40],
        tracking_number=tracking_number[:64],
        lines=[[int(a), int(b)] for a, b in lines],
    )
    timeline_record(
        order=order,
        kind=EventKind.SHIPPED,
        actor=actor,
        message=f"Shipped from {request.warehouse.code} with {carrier} {tracking_number}",
        data={
            "request": request.number,
            "shipment_id": shipment_id,
            "carrier": carrier,
            "tracking_number": tracking_number,
            "lines": [[a, b] for a, b in lines],
        },
    )
    fulfillment_request_close_if_done(request=request, actor=actor)
    order_status_refresh(order=order, actor=actor)
    return shipment


@transaction.atomic
def fulfillment_request_weight_override(
    *, request_id: int, weight_g: int, expected_g: int, reason: str, actor: Actor
) -> None:
    """Record on the order's timeline that a supervisor let a package whose weight was out of
    tolerance go to labelling, with the weights and the reason (appends one event)."""
    request = FulfillmentRequest.objects.select_related("order", "warehouse").get(pk=request_id)
    timeline_record(
        order=request.order,
        kind=EventKind.WEIGHT_OVERRIDE,
        actor=actor,
        message=(
            f"{request.number} at {request.warehouse.code}: weighed {weight_g} g against "
            f"{expected_g} g expected; label allowed by {actor.label}. Reason: {reason}"
        ),
        data={
            "request": request.number,
            "weight_g": weight_g,
            "expected_g": expected_g,
            "reason": reason,
        },
    )


TRACKING_STATUSES = frozenset({"in_transit", "out_for_delivery", "delivered", "exception"})


@transaction.atomic
def order_tracking_event(
    *, order_id: int, status: str, description: str, occurred_at: datetime, actor: Actor
) -> Order:
    """Record a carrier tracking event; `delivered` moves a shipped order to delivered."""
    if status not in TRACKING_STATUSES:
        raise InvalidOrderData(f"Unknown tracking status {status!r}.", field="status")
    order = order_for_update(order_id)
    timeline_record(
        order=order,
        kind=EventKind.TRACKING,
        actor=actor,
        message=f"{status}: {description}"[:500],
        data={"status": status, "description": description, "occurred_at": occurred_at.isoformat()},
    )
    if status == "delivered" and order.status == OrderStatus.SHIPPED:
        _order_set_status(order=order, to=OrderStatus.DELIVERED, actor=actor, note=description)
    return order


@transaction.atomic(durable=True)
def fulfillment_request_move(
    *,
    request_id: int,
    to_warehouse_id: int,
    actor: Actor,
    lines: Iterable[tuple[int, int]] | None = None,
    reason: str = "",
) -> FulfillmentRequest:
    """Move (all or some) unpicked units of a request to another warehouse.

    All or nothing: commits at the target first (InsufficientStock → nothing changes), then
    releases the source commitment. Raises OrderNotEditable for requests already in progress
    (the floor has them), QuantityExceeded for more than the open units.
    """
    order, request = _locked_request(request_id)
    if request.status not in (FRS.OPEN, FRS.ON_HOLD, FRS.RELEASED):
        raise OrderNotEditable(
            f"Request {request.number} is {request.status}; only requests not yet started can move."
        )
    if to_warehouse_id == request.warehouse_id:
        raise InvalidOrderData("The request is already at that warehouse.", field="warehouse")
    if not order.channel.warehouse_links.filter(warehouse_id=to_warehouse_id).exists():
        raise InvalidOrderData(
            "That warehouse does not feed this order's channel.", field="warehouse"
        )
    by_id = {line.pk: line for line in request.lines.select_related("order_line")}
    wanted = (
        list(lines)
        if lines is not None
        else [(pk, line.quantity_open) for pk, line in by_id.items()]
    )
    moves = []
    for line_id, qty in wanted:
        line = by_id.get(line_id)
        if line is None:
            raise InvalidOrderData(f"Line {line_id} is not on request {request.number}.")
        if qty <= 0:
            continue
        if qty > line.quantity_open:
            raise QuantityExceeded(f"Only {line.quantity_open} unit(s) open on line {line_id}.")
        moves.append((line, qty))
    target = None
    for line, qty in sorted(moves, key=lambda m: m[0].product_id):
        ol = line.order_line
        frl = allocate_line_units(
            order=order,
            line=ol,
            warehouse_id=to_warehouse_id,
            quantity=qty,
            actor=actor,
            decision=None,
        )
        target = frl.request
        inventory_services.commitment_release(
            commitment_id=line.commitment_id, actor=actor, quantity=qty
        )
        line.quantity_cancelled += qty
        line.save(update_fields=["quantity_cancelled"])
        ol.quantity_allocated -= qty
        ol.save(update_fields=["quantity_allocated", "updated_at"])
    if target is None:
        raise InvalidOrderData("Nothing to move.")
    target.order = order
    timeline_record(
        order=order,
        kind=EventKind.MOVED,
        actor=actor,
        message=f"{sum(q for _, q in moves)} unit(s) moved from {request.warehouse.code} to request {target.number}"
        + (f": {reason}" if reason else ""),
        data={
            "from": request.number,
            "to": target.number,
            "lines": [[line.pk, q] for line, q in moves],
            "reason": reason,
        },
    )
    fulfillment_request_close_if_done(request=request, actor=actor)
    order_progress(order=order, actor=actor, note="moved")
    target.refresh_from_db()
    return target
