"""Cancellations and edits: allowed until the affected units are picked.

Cancelled units give their committed stock back at once (inventory commitment_release in the
same transaction); units already picked refuse the change with `already_picked`.
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum

from audit.choices import AuditAction
from audit.services import audit_record
from channels_sync import outbox
from common import money
from common.types import Actor
from inventory import selectors as inventory_selectors
from inventory import services as inventory_services
from inventory.exceptions import UnknownSku
from orders.choices import EventKind, HoldKind, RoutingTrigger
from orders.exceptions import AlreadyPicked, InvalidOrderData, OrderNotEditable
from orders.locks import order_for_update
from orders.models import Order, OrderLine
from orders.services.holds import (
    RULES_ACTOR,
    address_problems,
    hold_place,
    hold_release,
    holds_changed,
    unknown_sku_holds_settle,
)
from orders.services.lifecycle import fulfillment_request_close_if_done
from orders.services.routing import order_progress, order_route_and_progress
from orders.services.timeline import timeline_record
from orders.states import FulfillmentRequestStatus, OrderStatus

FRS = FulfillmentRequestStatus
EDITABLE = frozenset(
    {
        OrderStatus.RECEIVED,
        OrderStatus.ON_HOLD,
        OrderStatus.READY,
        OrderStatus.ALLOCATED,
        OrderStatus.PARTIALLY_ALLOCATED,
        OrderStatus.BACKORDERED,
        OrderStatus.RELEASED,
        OrderStatus.IN_FULFILLMENT,
        OrderStatus.PARTIALLY_SHIPPED,
    }
)


def _ensure_open(order: Order) -> None:
    if order.status not in EDITABLE:
        raise OrderNotEditable(f"Order {order.number} is {order.status} and can no longer change.")


def _recompute_totals(order: Order) -> None:
    """The order's money after lines were cancelled, changed or added (docs/orders.md, "Money").

    Each line's own figures (price × quantity, discounts, taxes) count for its active units;
    a partly cancelled line counts its share, rounded to the currency's exponent. Shipping,
    shipping discounts, duties and tips stay; order-level tax stays unless the lines carry
    their taxes (then it is the lines' plus the shipping lines').
    """
    currency = order.currency
    quantum = Decimal(1).scaleb(-money.exponent(currency))
    items = discounts = taxes = full_taxes = Decimal("0")
    for line in order.lines.all():
        full_taxes += line.tax_total
        active = line.quantity - line.quantity_cancelled
        if active <= 0:
            continue
        if active == line.quantity:
            items += line.line_subtotal
            discounts += line.discount_total
            taxes += line.tax_total
            continue
        share = Decimal(active) / Decimal(line.quantity)
        items += (line.line_subtotal * share).quantize(quantum, rounding=ROUND_HALF_EVEN)
        discounts += (line.discount_total * share).quantize(quantum, rounding=ROUND_HALF_EVEN)
        taxes += (line.tax_total * share).quantize(quantum, rounding=ROUND_HALF_EVEN)
    if full_taxes:
        shipping_taxes = money.total(
            (s.get("tax_total") or "0" for s in (order.money or {}).get("shipping_lines", [])),
            currency,
        )
        order.tax_total = taxes + shipping_taxes
    order.items_total = items
    order.subtotal = items - discounts
    order.discount_total = discounts + order.shipping_discount_total
    order.total = (
        order.subtotal
        + order.shipping_total
        - order.shipping_discount_total
        + (Decimal("0") if order.prices_include_tax else order.tax_total)
        + order.duties_total
        + order.tip_total
    )
    order.save(
        update_fields=[
            "items_total",
            "subtotal",
            "discount_total",
            "tax_total",
            "total",
            "updated_at",
        ]
    )


def _cancel_units(*, line: OrderLine, quantity: int, actor: Actor) -> list[int]:
    """Cancel unpicked units of a line: backordered, then waiting, then allocated (releasing
    the commitment). Returns the touched request ids. Caller holds the order lock."""
    unpicked = line.quantity - line.quantity_cancelled - line.quantity_picked
    if quantity > unpicked:
        raise AlreadyPicked(
            f"Line {line.line_number} ({line.sku}): only {unpicked} unit(s) are not yet picked; "
            f"{quantity} cannot be cancelled.",
            line_id=line.pk,
            cancellable=unpicked,
        )
    left = quantity
    n = min(left, line.quantity_backordered)
    line.quantity_backordered -= n
    left -= n
    n = min(left, line.quantity_open)
    left -= n
    touched: list[int] = []
    if left:
        for frl in (
            line.fulfillment_lines.select_related("request")
            .filter(request__status__in=[FRS.OPEN, FRS.ON_HOLD, FRS.RELEASED, FRS.IN_PROGRESS])
            .order_by("-pk")
        ):
            take = min(left, frl.quantity_open)
            if take <= 0:
                continue
            if frl.commitment_id:
                inventory_services.commitment_release(
                    commitment_id=frl.commitment_id, actor=actor, quantity=take
                )
            frl.quantity_cancelled += take
            frl.save(update_fields=["quantity_cancelled"])
            line.quantity_allocated -= take
            touched.append(frl.request_id)
            left -= take
            if not left:
                break
    line.quantity_cancelled += quantity
    line.save(
        update_fields=[
            "quantity_cancelled",
            "quantity_allocated",
            "quantity_backordered",
            "updated_at",
        ]
    )
    return touched


def _close_touched(order: Order, request_ids: list[int], actor: Actor) -> None:
    for request in order.fulfillment_requests.select_related("warehouse").filter(
        pk__in=set(request_ids)
    ):
        request.order = order
        fulfillment_request_close_if_done(request=request, actor=actor)


@transaction.atomic(durable=True)
def order_cancel(
    *,
    order_id: int,
    actor: Actor,
    reason: str,
    lines: list[tuple[int, int]] | None = None,
) -> Order:
    """Cancel the whole order (`lines=None`) or (line id, quantity) pairs.

    Committed stock is released at once. Raises AlreadyPicked when any affected unit is
    picked, OrderNotEditable when the order is closed, InvalidOrderData for foreign lines.
    """
    order = order_for_update(order_id)
    return order_cancel_in_tx(order=order, actor=actor, reason=reason, lines=lines)


def order_cancel_in_tx(
    *,
    order: Order,
    actor: Actor,
    reason: str,
    lines: list[tuple[int, int]] | None = None,
    tell_channel: bool = True,
) -> Order:
    """`order_cancel` for a caller that holds the order row lock (a plain building block).

    `tell_channel=False` when the channel itself cancelled (it must not be told back).
    """
    _ensure_open(order)
    by_id = {line.pk: line for line in order.lines.all()}
    if lines is None:
        picked = sum(line.quantity_picked for line in by_id.values())
        if picked:
            raise AlreadyPicked(
                f"{picked} unit(s) of order {order.number} are already picked; cancel the "
                "remaining lines instead.",
                picked=picked,
            )
        wanted = [
            (pk, line.quantity - line.quantity_cancelled)
            for pk, line in by_id.items()
            if line.quantity > line.quantity_cancelled
        ]
    else:
        wanted = []
        for line_id, qty in lines:
            if line_id not in by_id:
                raise InvalidOrderData(f"Line {line_id} is not on order {order.number}.")
            if not isinstance(qty, int) or qty <= 0:
                raise InvalidOrderData("Quantities to cancel must be positive whole numbers.")
            wanted.append((line_id, qty))
    # Check every line before changing any (all or nothing, with the reason).
    for line_id, qty in wanted:
        line = by_id[line_id]
        unpicked = line.quantity - line.quantity_cancelled - line.quantity_picked
        if qty > unpicked:
            raise AlreadyPicked(
                f"Line {line.line_number} ({line.sku}): only {unpicked} unit(s) are not yet "
                f"picked; {qty} cannot be cancelled.",
                line_id=line_id,
                cancellable=unpicked,
            )
    touched: list[int] = []
    for line_id, qty in sorted(wanted):
        touched += _cancel_units(line=by_id[line_id], quantity=qty, actor=actor)
    _close_touched(order, touched, actor)
    if tell_channel:
        _recompute_totals(order)
    # else the channel cancelled it: its figures stay what it charged (its own current totals
    # come with its documents)
    timeline_record(
        order=order,
        kind=EventKind.CANCELLED,
        actor=actor,
        message=("Order cancelled" if lines is None else "Lines cancelled")
        + (f": {reason}" if reason else ""),
        data={"lines": [[pk, q] for pk, q in wanted], "reason": reason, "whole": lines is None},
    )
    audit_record(
        action=AuditAction.ORDER_CANCEL,
        actor=actor,
        object_type="order",
        object_id=order.number,
        summary=("Order cancelled" if lines is None else f"{len(wanted)} line(s) cancelled")
        + (f": {reason}" if reason else ""),
        data={"lines": [[pk, q] for pk, q in wanted], "reason": reason, "whole": lines is None},
    )
    if tell_channel:
        outbox.order_cancelled(
            order_id=order.pk,
            channel_id=order.channel_id,
            line_ids=None if lines is None else [pk for pk, _ in wanted],
        )
    if lines is not None and unknown_sku_holds_settle(order=order, actor=actor):
        holds_changed(order=order, actor=actor)  # the cancelled line was the last unknown SKU
    else:
        order_progress(order=order, actor=actor, note=reason)
    if order.status == OrderStatus.CANCELLED:
        # Nothing is left to hold: a cancelled order's holds would only clutter the queue.
        for hold in order.holds.filter(released_at__isnull=True).order_by("pk"):
            hold.order = order
            hold_release(hold=hold, actor=actor, note="order cancelled", progress=False)
    return order


def _unknown_line(order: Order, line_id: int) -> OrderLine:
    line = order.lines.filter(pk=line_id).first()
    if line is None:
        raise InvalidOrderData(f"Line {line_id} is not on order {order.number}.")
    if line.product_id is not None:
        raise InvalidOrderData(
            f"Line {line.line_number} ({line.sku}) already has a product.", code="line_has_product"
        )
    return line


def _line_product_set(
    *, order: Order, line: OrderLine, product: Any, how: str, actor: Actor
) -> None:
    line.product = product
    line.name = line.name or product.name
    line.save(update_fields=["product", "name", "updated_at"])
    timeline_record(
        order=order,
        kind=EventKind.EDITED,
        actor=actor,
        message=f"Line {line.line_number}: unknown SKU {line.sku} {how} {product.sku}",
        data={"line_id": line.pk, "sku": line.sku, "product_id": product.pk, "how": how},
    )
    if unknown_sku_holds_settle(order=order, actor=actor):
        holds_changed(order=order, actor=actor)


@transaction.atomic(durable=True)
def order_line_product_map(
    *, order_id: int, line_id: int, product_code: str, actor: Actor
) -> Order:
    """Resolve an unknown-SKU line by mapping its SKU to an existing product.

    The line's SKU becomes an alias (internal barcode) of the product, so later orders with
    that code find it at once. When no unknown line is left, the unknown-SKU hold is released
    and the order routed. Raises UnknownSku, CodeTaken, InvalidOrderData, OrderNotEditable.
    """
    order = order_for_update(order_id)
    _ensure_open(order)
    line = _unknown_line(order, line_id)
    product = inventory_selectors.product_get_by_code(code=product_code)
    if product is None:
        raise UnknownSku(f"No product has the SKU or barcode {product_code.strip()!r}.")
    if product.sku != line.sku:
        inventory_services.product_alias_add(product_id=product.pk, code=line.sku, actor=actor)
    _line_product_set(order=order, line=line, product=product, how="mapped to", actor=actor)
    return order


@transaction.atomic(durable=True)
def order_line_product_create(*, order_id: int, line_id: int, name: str, actor: Actor) -> Order:
    """Resolve an unknown-SKU line by creating the product under the line's SKU (then as
    order_line_product_map). Raises CodeTaken, InvalidInput, InvalidOrderData, OrderNotEditable."""
    order = order_for_update(order_id)
    _ensure_open(order)
    line = _unknown_line(order, line_id)
    product = inventory_services.product_create(sku=line.sku, name=name, actor=actor)
    _line_product_set(order=order, line=line, product=product, how="created as", actor=actor)
    return order


def _ensure_nothing_picked(order: Order) -> None:
    picked = order.lines.aggregate(n=Sum("quantity_picked"))["n"] or 0
    if picked:
        raise AlreadyPicked(
            f"{picked} unit(s) of order {order.number} are already picked; it can no longer be "
            "edited.",
            picked=picked,
        )


@transaction.atomic(durable=True)
def order_address_change(
    *,
    order_id: int,
    actor: Actor,
    shipping_address: dict[str, Any],
    billing_address: dict[str, Any] | None = None,
) -> Order:
    """Change the ship-to (and bill-to) while nothing is picked; re-validates the address.

    A valid new address releases an address hold; an invalid one places one.
    Raises AlreadyPicked, OrderNotEditable.
    """
    order = order_for_update(order_id)
    _ensure_nothing_picked(order)
    return order_address_change_in_tx(
        order=order,
        actor=actor,
        shipping_address=shipping_address,
        billing_address=billing_address,
    )


def order_address_change_in_tx(
    *,
    order: Order,
    actor: Actor,
    shipping_address: dict[str, Any],
    billing_address: dict[str, Any] | None = None,
    note: str = "",
) -> Order:
    """Write the new address and re-validate it (caller holds the order lock and has checked
    what may still change: people until picked, the channel until packed)."""
    _ensure_open(order)
    before = {"shipping_address": order.shipping_address, "billing_address": order.billing_address}
    order.shipping_address = dict(shipping_address)
    fields = ["shipping_address", "updated_at"]
    if billing_address is not None:
        order.billing_address = dict(billing_address)
        fields.append("billing_address")
    order.save(update_fields=fields)
    timeline_record(
        order=order,
        kind=EventKind.ADDRESS_CHANGED,
        actor=actor,
        message="Address changed" + (f": {note}" if note else ""),
        data={"before": before, "after": {"shipping_address": order.shipping_address}},
    )
    problems = address_problems(order.shipping_address)
    active = list(order.holds.filter(kind=HoldKind.ADDRESS, released_at__isnull=True))
    if problems and not active:
        hold_place(
            order=order,
            kind=HoldKind.ADDRESS,
            actor=Actor.system(RULES_ACTOR),
            reason="Shipping address: " + "; ".join(f"{k} {v}" for k, v in problems.items()),
            details={"fields": problems},
        )
    elif not problems and active:
        for hold in active:
            hold.order = order
            hold_release(hold=hold, actor=actor, note="address corrected", progress=False)
        holds_changed(order=order, actor=actor)
    return order


@transaction.atomic(durable=True)
def order_lines_edit(
    *,
    order_id: int,
    actor: Actor,
    changes: list[dict[str, Any]] | None = None,
    add: list[dict[str, Any]] | None = None,
) -> Order:
    """Change line quantities and add lines while nothing is picked; re-routes what changed.

    A lower quantity cancels the difference (stock released at once); a higher one or a new
    line is routed. Raises AlreadyPicked, OrderNotEditable, InvalidOrderData.
    """
    order = order_for_update(order_id)
    return order_lines_edit_in_tx(order=order, actor=actor, changes=changes, add=add)


def order_lines_edit_in_tx(
    *,
    order: Order,
    actor: Actor,
    changes: list[dict[str, Any]] | None = None,
    add: list[dict[str, Any]] | None = None,
    note: str = "",
) -> Order:
    """`order_lines_edit` for a caller that holds the order row lock (same rules)."""
    _ensure_open(order)
    _ensure_nothing_picked(order)
    by_id = {line.pk: line for line in order.lines.all()}
    diff: list[dict[str, Any]] = []
    touched: list[int] = []
    for change in changes or []:
        line = by_id.get(int(change["line_id"]))
        if line is None:
            raise InvalidOrderData(f"Line {change['line_id']} is not on order {order.number}.")
        new_qty = int(change["quantity"])
        active = line.quantity - line.quantity_cancelled
        if new_qty < 0:
            raise InvalidOrderData("Quantity must not be negative.")
        if new_qty < active:
            touched += _cancel_units(line=line, quantity=active - new_qty, actor=actor)
        elif new_qty > active:
            line.line_subtotal += line.unit_price * (new_qty - active)
            line.quantity += new_qty - active
            line.save(update_fields=["quantity", "line_subtotal", "updated_at"])
        diff.append({"line_id": line.pk, "sku": line.sku, "from": active, "to": new_qty})
    next_number = max((line.line_number for line in by_id.values()), default=0)
    for row in add or []:
        product = inventory_selectors.product_get_by_code(code=str(row["sku"]))
        if product is None:
            raise InvalidOrderData(f"Unknown SKU {row['sku']}.", fields={"add": ["unknown sku"]})
        qty = int(row["quantity"])
        if qty <= 0:
            raise InvalidOrderData("Quantity must be positive.", fields={"add": ["quantity"]})
        next_number += 1
        line = OrderLine.objects.create(
            order=order,
            line_number=next_number,
            sku=product.sku,
            product=product,
            name=product.name,
            unit_price=Decimal(str(row.get("unit_price") or "0")),
            line_subtotal=Decimal(str(row.get("unit_price") or "0")) * qty,
            quantity=qty,
            external_line_id=str(row.get("external_line_id") or ""),
        )
        diff.append({"line_id": line.pk, "sku": line.sku, "from": 0, "to": qty})
    if not diff:
        raise InvalidOrderData("Nothing to change.")
    _close_touched(order, touched, actor)
    _recompute_totals(order)
    timeline_record(
        order=order,
        kind=EventKind.EDITED,
        actor=actor,
        message="Lines edited" + (f": {note}" if note else ""),
        data={"lines": diff},
    )
    order_route_and_progress(order=order, actor=actor, trigger=RoutingTrigger.EDIT)
    return order
