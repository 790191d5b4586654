"""Returns (RMA): requested → approved → received → inspected → dispositioned.

The OMS side records the return's status and quantities; the physical receipt and the
restock/quarantine/damaged moves go through `warehouse.services.returns`, which calls
`return_mark_received` and `return_mark_dispositioned` here inside its own transaction.
An exchange's replacement order waits on an `exchange` hold until the return is received.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from channels_sync import outbox
from common.types import Actor
from notifications import outbox as notification_outbox
from orders.choices import Disposition, EventKind, HoldKind
from orders.exceptions import InvalidOrderData, OrderNotEditable, QuantityExceeded
from orders.locks import order_for_update, return_for_update
from orders.models import Order, ReturnAuthorization, ReturnLine
from orders.services.capture import order_create
from orders.services.holds import hold_release, holds_changed
from orders.services.lifecycle import _order_set_status
from orders.services.timeline import timeline_record
from orders.states import ReturnStatus, ensure_return_transition

RS = ReturnStatus
RETURNABLE = frozenset({"shipped", "delivered", "partially_shipped"})


def _return_set_status(
    *, rma: ReturnAuthorization, order: Order, to: str, actor: Actor, note: str = ""
) -> None:
    """Write ReturnAuthorization.status (the only writer), with a timeline row on the order."""
    ensure_return_transition(rma.status, to)
    previous = rma.status
    rma.status = to
    fields = ["status", "updated_at"]
    if to == RS.RECEIVED:
        rma.received_at = timezone.now()
        fields.append("received_at")
    rma.save(update_fields=fields)
    timeline_record(
        order=order,
        kind=EventKind.RETURN,
        actor=actor,
        message=f"Return {rma.number}: {previous} → {to}" + (f" ({note})" if note else ""),
        data={"return": rma.number, "from": previous, "to": to, "note": note},
    )
    # The channel hears about the return through the order-status topic.
    outbox.order_status_changed(
        order_id=order.pk, channel_id=order.channel_id, status=f"return_{to}"
    )
    if to == RS.RECEIVED:
        notification_outbox.return_received(
            order_id=order.pk, channel_id=order.channel_id, return_id=rma.pk
        )


def _pending_returned(order_line_id: int) -> int:
    return (
        ReturnLine.objects.filter(order_line_id=order_line_id)
        .exclude(rma__status__in=[RS.REJECTED, RS.CANCELLED])
        .aggregate(n=Sum("quantity"))["n"]
        or 0
    )


@transaction.atomic(durable=True)
def return_request(
    *,
    order_id: int,
    lines: list[tuple[int, int]],
    reason: str,
    actor: Actor,
    exchange_lines: list[dict[str, Any]] | None = None,
) -> ReturnAuthorization:
    """Open a return for shipped units (and, for an exchange, a held replacement order).

    Raises OrderNotEditable (nothing shipped), QuantityExceeded (more than shipped and not
    already being returned), InvalidOrderData.
    """
    order = order_for_update(order_id)
    if order.status not in RETURNABLE:
        raise OrderNotEditable(
            f"Order {order.number} is {order.status}; only shipped units can be returned."
        )
    if not lines:
        raise InvalidOrderData("A return needs at least one line.", fields={"lines": ["required"]})
    by_id = {line.pk: line for line in order.lines.all()}
    for line_id, qty in lines:
        line = by_id.get(line_id)
        if line is None:
            raise InvalidOrderData(f"Line {line_id} is not on order {order.number}.")
        if not isinstance(qty, int) or qty <= 0:
            raise InvalidOrderData("Return quantities must be positive whole numbers.")
        returnable = line.quantity_shipped - _pending_returned(line.pk)
        if qty > returnable:
            raise QuantityExceeded(
                f"Line {line.line_number} ({line.sku}): {returnable} shipped unit(s) can be returned, not {qty}.",
                returnable=returnable,
            )
    n = order.returns.count() + 1
    rma = ReturnAuthorization.objects.create(
        order=order,
        number=f"RMA-{order.number.removeprefix('SO-')}-{n}",
        reason=reason[:500],
        is_exchange=bool(exchange_lines),
    )
    for line_id, qty in lines:
        ReturnLine.objects.create(rma=rma, order_line_id=line_id, quantity=qty, reason=reason[:200])
    timeline_record(
        order=order,
        kind=EventKind.RETURN,
        actor=actor,
        message=f"Return {rma.number} requested: {reason}",
        data={
            "return": rma.number,
            "lines": [[a, b] for a, b in lines],
            "exchange": bool(exchange_lines),
        },
    )
    if exchange_lines:
        replacement, _ = order_create(
            channel_id=order.channel_id,
            actor=actor,
            exchange_for_id=rma.pk,
            data={
                "external_id": f"{order.external_id}/EX{n}",
                "customer": {
                    "email": order.customer_email,
                    "name": order.customer_name,
                    "phone": order.customer_phone,
                },
                "shipping_address": order.shipping_address,
                "billing_address": order.billing_address,
                "currency": order.currency,
                "service_level": order.service_level,
                "payment_status": "captured",
                "priority": order.priority,
                "lines": [
                    {"sku": r["sku"], "quantity": int(r["quantity"]), "unit_price": "0"}
                    for r in exchange_lines
                ],
            },
        )
        timeline_record(
            order=order,
            kind=EventKind.RETURN,
            actor=actor,
            message=f"Exchange order {replacement.number} created; held until the return is received",
            data={"return": rma.number, "replacement": replacement.number},
        )
    return rma


def _locked(rma_id: int) -> tuple[Order, ReturnAuthorization]:
    order_id = ReturnAuthorization.objects.values_list("order_id", flat=True).get(pk=rma_id)
    order = order_for_update(order_id)
    return order, return_for_update(rma_id)


@transaction.atomic(durable=True)
def return_approve(*, rma_id: int, actor: Actor) -> ReturnAuthorization:
    """requested → approved (the customer may send the items)."""
    order, rma = _locked(rma_id)
    _return_set_status(rma=rma, order=order, to=RS.APPROVED, actor=actor)
    return rma


@transaction.atomic(durable=True)
def return_reject(*, rma_id: int, actor: Actor, reason: str) -> ReturnAuthorization:
    """requested → rejected."""
    order, rma = _locked(rma_id)
    _return_set_status(rma=rma, order=order, to=RS.REJECTED, actor=actor, note=reason)
    return rma


@transaction.atomic
def return_mark_received(
    *, rma_id: int, warehouse_id: int, lines: list[tuple[int, int]], actor: Actor
) -> ReturnAuthorization:
    """approved → received: record units received (the caller put them in the ledger).

    Releases the exchange hold of a replacement order. Raises QuantityExceeded.
    """
    order, rma = _locked(rma_id)
    ensure_return_transition(rma.status, RS.RECEIVED)
    by_id = {line.pk: line for line in rma.lines.select_related("order_line")}
    for line_id, qty in lines:
        line = by_id.get(line_id)
        if line is None:
            raise InvalidOrderData(f"Line {line_id} is not on return {rma.number}.")
        if qty <= 0 or line.quantity_received + qty > line.quantity:
            raise QuantityExceeded(
                f"Return line {line_id} expects {line.quantity - line.quantity_received} more unit(s)."
            )
        line.quantity_received += qty
        line.save(update_fields=["quantity_received"])
        ol = line.order_line
        ol.quantity_returned += qty
        ol.save(update_fields=["quantity_returned", "updated_at"])
    rma.warehouse_id = warehouse_id
    rma.save(update_fields=["warehouse", "updated_at"])
    _return_set_status(rma=rma, order=order, to=RS.RECEIVED, actor=actor)
    totals = order.lines.aggregate(s=Sum("quantity_shipped"), r=Sum("quantity_returned"))
    if totals["s"] and totals["r"] >= totals["s"] and order.status in ("shipped", "delivered"):
        _order_set_status(order=order, to="returned", actor=actor, note=f"return {rma.number}")
    for replacement in rma.replacement_orders.order_by("pk").values_list("pk", flat=True):
        other = order_for_update(replacement)
        holds = list(other.holds.filter(kind=HoldKind.EXCHANGE, released_at__isnull=True))
        for hold in holds:
            hold.order = other
            hold_release(
                hold=hold,
                actor=Actor.system("returns"),
                note=f"return {rma.number} received",
                progress=False,
            )
        if holds:
            holds_changed(order=other, actor=Actor.system("returns"))
    return rma


@transaction.atomic
def return_mark_inspected(
    *, rma_id: int, lines: list[tuple[int, str, str]], actor: Actor
) -> ReturnAuthorization:
    """received → inspected: record (return line id, condition, disposition) per line."""
    order, rma = _locked(rma_id)
    ensure_return_transition(rma.status, RS.INSPECTED)
    by_id = {line.pk: line for line in rma.lines.all()}
    for line_id, condition, disposition in lines:
        line = by_id.get(line_id)
        if line is None:
            raise InvalidOrderData(f"Line {line_id} is not on return {rma.number}.")
        if disposition not in Disposition.values:
            raise InvalidOrderData(f"Disposition must be one of {', '.join(Disposition.values)}.")
        line.condition = condition[:200]
        line.disposition = disposition
        line.save(update_fields=["condition", "disposition"])
    _return_set_status(
        rma=rma,
        order=order,
        to=RS.INSPECTED,
        actor=actor,
        note=", ".join(f"{by_id[i].order_line_id}: {d}" for i, _, d in lines),
    )
    return rma


@transaction.atomic
def return_mark_dispositioned(*, rma_id: int, actor: Actor) -> ReturnAuthorization:
    """inspected → dispositioned (the warehouse moved the units where the disposition says)."""
    order, rma = _locked(rma_id)
    _return_set_status(rma=rma, order=order, to=RS.DISPOSITIONED, actor=actor)
    return rma
