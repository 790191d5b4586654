"""Later updates from the channel, applied in the channel's own order (docs/orders.md).

A channel sends its whole order again whenever it changes (Shopify `orders/updated`, `paid`,
`cancelled`, `fulfilled`; WooCommerce `order.updated`; Amazon `LastUpdateDate` on a poll).
`order_channel_update` compares that state with ours under the order row lock and applies the
difference through the ordinary services (payment → holds; cancel; address; line edits) — it
writes no status field itself. The channel's version (`updated_at` / `date_modified_gmt` /
`LastUpdateDate`) is kept on the order: an older or equal version changes nothing, so
duplicates and late deliveries are harmless whichever order they come in.

What can no longer be applied becomes an exception for ops instead of a silent ship:
a cancel once anything is picked (hold `late_cancel`), an address change once a label is
bought (hold `late_change`). Every applied, deferred or refused update is a timeline entry.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Sum

from common import money
from common.exceptions import DomainError
from common.types import Actor
from inventory import services as inventory_services
from notifications import outbox as notification_outbox
from orders import money_rules
from orders.choices import PAID_STATUSES, EventKind, HoldKind, PaymentStatus
from orders.exceptions import HoldNotActive, InvalidOrderData
from orders.locks import order_for_update
from orders.models import FulfillmentRequest, FulfillmentRequestLine, Hold, Order, OrderLine
from orders.services.edits import (
    order_address_change_in_tx,
    order_cancel_in_tx,
    order_lines_edit_in_tx,
)
from orders.services.holds import (
    hold_place,
    hold_release,
    holds_changed,
    order_payment_update_in_tx,
)
from orders.services.lifecycle import (
    fulfillment_request_close_if_done,
    order_nothing_to_ship_cancel,
)
from orders.services.timeline import timeline_record
from orders.states import OPEN_ORDER_STATUSES, OrderStatus

ADDRESS_KEYS = ("name", "company", "line1", "line2", "city", "region", "postal_code", "country")
LATE_CANCEL_OPTIONS = ("stop", "ship")


@dataclass
class ChannelUpdateOutcome:
    """What one channel update did: `applied`, `older` (a newer one was applied already),
    `duplicate` (that version was applied already) — with one note per effect."""

    result: str
    notes: list[str] = field(default_factory=list)


def _address_differs(ours: dict[str, Any], theirs: dict[str, Any]) -> bool:
    return any(
        str(ours.get(k) or "").strip() != str(theirs.get(k) or "").strip() for k in ADDRESS_KEYS
    )


def _record(order: Order, actor: Actor, message: str, data: dict[str, Any]) -> None:
    timeline_record(
        order=order, kind=EventKind.CHANNEL_UPDATE, actor=actor, message=message, data=data
    )


def _exception(order: Order, kind: str, reason: str, details: dict[str, Any]) -> bool:
    """Place an exception hold unless one of that kind is open (then only the details move)."""
    if order.holds.filter(kind=kind, released_at__isnull=True).exists():
        return False
    hold_place(
        order=order, kind=kind, reason=reason, actor=Actor.system("channel"), details=details
    )
    return True


def _apply_payment(order: Order, state: dict[str, Any], actor: Actor, notes: list[str]) -> None:
    wanted = state.get("payment_status")
    if not wanted or wanted == order.payment_status or wanted not in PaymentStatus.values:
        return
    if order.payment_status in PAID_STATUSES and wanted == PaymentStatus.PENDING:
        return  # a channel never un-pays an order; an echo of an older state
    order_payment_update_in_tx(
        order=order, payment_status=wanted, actor=actor, note="reported by the channel"
    )
    notes.append(f"payment {wanted}")


def _apply_cancel(
    order: Order, state: dict[str, Any], actor: Actor, notes: list[str], version: str
) -> bool:
    """→ True when the order is (now) cancelled here and nothing else should be applied."""
    if not state.get("cancelled"):
        return False
    if order.status == OrderStatus.CANCELLED:
        return True
    reason = str(state.get("cancel_reason") or "").strip() or "cancelled at the channel"
    if order.status == OrderStatus.NOTHING_TO_SHIP:
        # recorded only (marketplace-fulfilled, nothing to ship): nothing here to stop
        order_nothing_to_ship_cancel(
            order=order, actor=actor, note=f"cancelled at the channel: {reason}"
        )
        notes.append("cancelled")
        return True
    picked = order.lines.aggregate(p=Sum("quantity_picked"))["p"] or 0
    if order.status not in OPEN_ORDER_STATUSES or order.status == OrderStatus.PARTIALLY_SHIPPED:
        _record(
            order,
            actor,
            f"Cancel at the channel refused: the order is already {order.get_status_display()}"
            "; the channel refunds the buyer",
            {"refused": "cancel", "reason": reason, "status": order.status, "version": version},
        )
        notes.append("cancel refused: already shipped")
        return True
    if picked:
        placed = _exception(
            order,
            HoldKind.LATE_CANCEL,
            f"The channel cancelled this order ({reason}) after {picked} unit(s) were picked: "
            "stop at pack and return them to stock, or ship and let the channel refund.",
            {"options": list(LATE_CANCEL_OPTIONS), "picked": picked, "reason": reason},
        )
        _record(
            order,
            actor,
            f"Cancel at the channel deferred to ops: {picked} unit(s) already picked "
            "(exception “cancel requested after pick”)",
            {"deferred": "cancel", "reason": reason, "picked": picked, "version": version},
        )
        notes.append("cancel after pick: exception" + ("" if placed else " (already open)"))
        return True
    order_cancel_in_tx(
        order=order, actor=actor, reason=f"cancelled at the channel: {reason}", tell_channel=False
    )
    notes.append("cancelled")
    return True


def _apply_fulfilled_elsewhere(
    order: Order, state: dict[str, Any], actor: Actor, notes: list[str], version: str
) -> None:
    """Units the channel fulfilled itself: our open work for them is withdrawn."""
    fulfilled = state.get("fulfilled") or {}
    if not fulfilled:
        return
    withdraw: list[tuple[int, int]] = []
    picked_elsewhere: list[str] = []
    for line in order.lines.order_by("pk"):
        done_there = int(fulfilled.get(line.external_line_id, 0) or 0)
        if not line.external_line_id or done_there <= 0:
            continue
        ours = line.quantity_shipped
        extra = done_there - ours
        unpicked = line.quantity - line.quantity_cancelled - line.quantity_picked
        take = min(extra, unpicked)
        if take > 0:
            withdraw.append((line.pk, take))
        if extra > take and line.quantity_picked > line.quantity_shipped:
            picked_elsewhere.append(line.sku)
    if withdraw:
        was = order.status
        order_cancel_in_tx(
            order=order,
            actor=actor,
            reason="fulfilled elsewhere by the channel",
            lines=withdraw,
            tell_channel=False,
        )
        notes.append(f"{sum(q for _, q in withdraw)} unit(s) fulfilled elsewhere withdrawn")
        if order.status == OrderStatus.CANCELLED and was != OrderStatus.CANCELLED:
            # Closed here because the channel shipped it: no "cancelled" e-mail to the buyer.
            notification_outbox.order_cancelled_withdraw(order_id=order.pk)
    if picked_elsewhere:
        _exception(
            order,
            HoldKind.LATE_CHANGE,
            "The channel fulfilled lines that are already picked here ("
            + ", ".join(picked_elsewhere)
            + "): return them to stock or ship them.",
            {"fulfilled_elsewhere": picked_elsewhere},
        )
        _record(
            order,
            actor,
            "Fulfilled elsewhere after pick: exception for ops ("
            + ", ".join(picked_elsewhere)
            + ")",
            {"deferred": "fulfilled", "skus": picked_elsewhere, "version": version},
        )


LINE_MONEY_FIELDS = (
    "unit_price",
    "line_subtotal",
    "discount_total",
    "tax_total",
    "discount_allocations",
    "tax_lines",
    "presentment",
)


def _apply_money(
    order: Order, state: dict[str, Any], actor: Actor, notes: list[str], version: str
) -> None:
    """The channel's newest figures (its document's money) replace ours: totals, breakdown and
    each line's price, discounts and taxes (by the channel's line id). A document without its
    total (an SP-API order without OrderTotal) changes nothing."""
    snapshot = state.get("money") or {}
    if snapshot.get("total") in (None, ""):
        return
    order.refresh_from_db()
    currency = order.currency
    errors = money_rules.Errors()
    ours = {line.external_line_id: line for line in order.lines.all() if line.external_line_id}
    clean_lines, changed = [], []
    for i, row in enumerate(snapshot.get("lines") or []):
        try:
            quantity = int(row.get("quantity") or 0)
        except (TypeError, ValueError):
            continue
        if quantity <= 0:
            continue
        clean = money_rules.clean_line_money(
            {**row, "quantity": quantity}, i, currency, errors, check=False
        )
        clean_lines.append(clean)
        line = ours.get(str(row.get("external_line_id") or ""))
        if line is not None and any(getattr(line, f) != clean[f] for f in LINE_MONEY_FIELDS):
            for f in LINE_MONEY_FIELDS:
                setattr(line, f, clean[f])
            changed.append(line)
    totals = money_rules.clean_order_money(snapshot, clean_lines, currency, errors, check=False)
    if errors:
        notes.append("money not refreshed: " + ", ".join(sorted(errors)))
        return
    if changed:
        OrderLine.objects.bulk_update(changed, LINE_MONEY_FIELDS)
    before = order.total
    fields = [*money_rules.ORDER_TOTALS, "prices_include_tax", "presentment_currency", "money"]
    if all(getattr(order, f) == totals[f] for f in fields) and not changed:
        return
    for f in fields:
        setattr(order, f, totals[f])
    order.save(update_fields=[*fields, "updated_at"])
    notes.append(
        f"money as the channel now has it (total {money.fmt(before, currency)} → "
        f"{money.fmt(order.total, currency)})"
        if before != order.total
        else "money as the channel now has it"
    )


def _apply_lines(
    order: Order, state: dict[str, Any], actor: Actor, notes: list[str], version: str
) -> None:
    lines = state.get("lines")
    if not lines:
        return
    ours = {line.external_line_id: line for line in order.lines.all() if line.external_line_id}
    if not ours:
        return
    changes: list[dict[str, Any]] = []
    add: list[dict[str, Any]] = []
    # Units the channel fulfilled itself are withdrawn here (_apply_fulfilled_elsewhere), not
    # edited: the channel's quantity of such a line is no edit to compare with ours.
    fulfilled = state.get("fulfilled") or {}
    for row in lines:
        ext = str(row.get("external_line_id") or "")
        qty = int(row.get("quantity") or 0)
        line = ours.get(ext)
        if line is not None and int(fulfilled.get(ext, 0) or 0) > 0:
            continue
        if line is None:
            # A new line we can route (a line without a SKU or shipping is not work here).
            if ext and qty > 0 and row.get("sku") and row.get("requires_shipping", True):
                add.append(
                    {
                        "sku": row["sku"],
                        "quantity": qty,
                        "unit_price": str(row.get("unit_price") or "0"),
                        "external_line_id": ext,
                    }
                )
            continue
        if qty != line.quantity - line.quantity_cancelled:
            changes.append({"line_id": line.pk, "quantity": qty})
    seen = {str(r.get("external_line_id") or "") for r in lines}
    for ext, line in ours.items():
        if ext not in seen and line.quantity > line.quantity_cancelled and state.get("complete"):
            changes.append({"line_id": line.pk, "quantity": 0})
    if not changes and not add:
        return
    try:
        with transaction.atomic():
            order_lines_edit_in_tx(
                order=order, actor=actor, changes=changes, add=add, note="edited at the channel"
            )
    except DomainError as exc:
        order.refresh_from_db()
        _record(
            order,
            actor,
            f"Line edit at the channel refused: {exc.message}",
            {"refused": "lines", "code": exc.code, "version": version},
        )
        notes.append(f"line edit refused: {exc.code}")
        return
    notes.append("lines edited")


def _apply_address(
    order: Order,
    state: dict[str, Any],
    actor: Actor,
    notes: list[str],
    version: str,
    packed: bool,
) -> None:
    new = state.get("shipping_address")
    if not isinstance(new, dict) or not (new.get("line1") or new.get("postal_code")):
        return  # no address in this document (or not fetched): nothing to compare
    if not _address_differs(order.shipping_address, new):
        return
    if order.status not in OPEN_ORDER_STATUSES:
        return
    if packed:
        _exception(
            order,
            HoldKind.LATE_CHANGE,
            "The channel changed the shipping address after the label was bought: void the "
            "label and re-pack to the new address, or ship to the old one.",
            {"address": {k: new.get(k, "") for k in ADDRESS_KEYS}},
        )
        _record(
            order,
            actor,
            "Address change at the channel deferred to ops: the package is already labelled",
            {"deferred": "address", "after": new, "version": version},
        )
        notes.append("address after pack: exception")
        return
    merged = {**order.shipping_address, **{k: v for k, v in new.items() if k in ADDRESS_KEYS}}
    order_address_change_in_tx(
        order=order, actor=actor, shipping_address=merged, note="changed at the channel"
    )
    notes.append("address changed")


@transaction.atomic(durable=True)
def order_channel_update(
    *,
    order_id: int,
    version: dt.datetime,
    state: dict[str, Any],
    actor: Actor,
    topic: str = "",
    packed: bool = False,
    baseline: bool = False,
    received_before_create: bool = False,
) -> ChannelUpdateOutcome:
    """Apply the channel's state of one order at `version` (its own updated_at), unless a
    version as new or newer is applied already.

    `state`: `payment_status`, `cancelled` + `cancel_reason`, `shipping_address`, `lines`
    ([{external_line_id, sku, quantity, unit_price}], `complete` when the list is every line),
    `fulfilled` ({external_line_id: units the channel fulfilled}). `packed`: a label is bought
    for the order (the caller asks shipping/), so an address change is an exception.
    `baseline`: the state is the document the order was just captured from (only its version
    is kept). `received_before_create`: the update came before the order's create.
    """
    order = order_for_update(order_id)
    applied = order.channel_updated_at
    stamp = version.isoformat()
    what = topic or "update"
    if applied is not None and version <= applied:
        if version < applied:
            _record(
                order,
                actor,
                f"Channel {what} of {stamp} ignored: the newer one of {applied.isoformat()} "
                "is applied",
                {"ignored": "older", "version": stamp, "applied": applied.isoformat()},
            )
            return ChannelUpdateOutcome("older")
        return ChannelUpdateOutcome("duplicate")
    first = baseline
    notes: list[str] = []
    if not first:
        _apply_payment(order, state, actor, notes)
        if not _apply_cancel(order, state, actor, notes, stamp):
            _apply_fulfilled_elsewhere(order, state, actor, notes, stamp)
            _apply_lines(order, state, actor, notes, stamp)
            _apply_address(order, state, actor, notes, stamp, packed)
    if not first:
        _apply_money(order, state, actor, notes, stamp)
    order.refresh_from_db()
    order.channel_updated_at = version
    order.save(update_fields=["channel_updated_at", "updated_at"])
    if not first:
        early = " (received before the order was created)" if received_before_create else ""
        _record(
            order,
            actor,
            f"Channel {what} of {stamp} applied{early}: "
            + ("; ".join(notes) if notes else "nothing we keep changed"),
            {"applied": notes, "version": stamp, "topic": topic, "early": received_before_create},
        )
    return ChannelUpdateOutcome("applied", notes)


@transaction.atomic(durable=True)
def order_late_cancel_resolve(*, hold_id: int, decision: str, actor: Actor) -> Order:
    """Ops' answer to a “cancel requested after pick” exception.

    `ship`: the hold is released and the order ships as picked; the channel refunds the buyer.
    `stop`: every unit not yet picked is cancelled now (its stock released); the picked units
    stop at packing (packing and shipping keep refusing while the exception is open) until
    the warehouse has returned them to stock and ops release the exception.
    Raises HoldNotActive, InvalidOrderData.
    """
    if decision not in LATE_CANCEL_OPTIONS:
        raise InvalidOrderData(
            f"Decision must be one of {', '.join(LATE_CANCEL_OPTIONS)}.", field="decision"
        )
    order_id = Hold.objects.values_list("order_id", flat=True).get(pk=hold_id)
    order = order_for_update(order_id)
    hold = Hold.objects.get(pk=hold_id)
    hold.order = order
    if hold.kind != HoldKind.LATE_CANCEL or not hold.is_active:
        raise HoldNotActive(f"Hold {hold_id} is not an open cancel-after-pick exception.")
    if decision == "ship":
        hold_release(hold=hold, actor=actor, note="ship as picked; the channel refunds the buyer")
        return order
    unpicked = [
        (line.pk, line.quantity - line.quantity_cancelled - line.quantity_picked)
        for line in order.lines.order_by("pk")
        if line.quantity - line.quantity_cancelled - line.quantity_picked > 0
    ]
    if unpicked:
        order_cancel_in_tx(
            order=order,
            actor=actor,
            reason="cancelled at the channel after pick: the rest is withdrawn",
            lines=unpicked,
            tell_channel=False,
        )
    hold.details = {**hold.details, "decision": "stop", "decided_by": actor.label}
    hold.save(update_fields=["details", "updated_at"])
    _record(
        order,
        actor,
        "Cancel after pick: stop at pack — picked units go back to stock; "
        f"{sum(q for _, q in unpicked)} unpicked unit(s) cancelled",
        {"decision": "stop", "cancelled": [[pk, q] for pk, q in unpicked]},
    )
    return order


@transaction.atomic
def fulfillment_request_return_to_stock(
    *, request_id: int, lines: list[tuple[int, int]], actor: Actor
) -> Order:
    """The warehouse put picked units of a stopped request back on its shelves: they are
    un-picked and cancelled here (commitments released, so the units are sellable again), and
    once nothing picked is left unshipped the cancel-after-pick exception releases itself and
    the order settles (cancelled when nothing else is left).

    A building block for the WMS (`warehouse.services.packing.pack_return_to_stock`), called
    after it has locked its documents and before it moves stock. `lines` are (fulfillment
    request line id, units). Raises InvalidOrderData, HoldNotActive.
    """
    order_id = FulfillmentRequest.objects.values_list("order_id", flat=True).get(pk=request_id)
    order = order_for_update(order_id)
    hold = order.holds.filter(kind=HoldKind.LATE_CANCEL, released_at__isnull=True).first()
    if hold is None or hold.details.get("decision") != "stop":
        raise HoldNotActive(
            f"Order {order.number} has no cancel-after-pick exception that ops stopped."
        )
    by_id = {
        frl.pk: frl
        for frl in FulfillmentRequestLine.objects.select_related("order_line").filter(
            request_id=request_id, pk__in=[pk for pk, _ in lines]
        )
    }
    returned = []
    for frl_id, qty in sorted(lines):
        frl = by_id.get(frl_id)
        if frl is None or qty <= 0 or qty > frl.quantity_picked - frl.quantity_shipped:
            raise InvalidOrderData(f"Line {frl_id}: {qty} picked unit(s) cannot go back.")
        if frl.commitment_id:
            inventory_services.commitment_release(
                commitment_id=frl.commitment_id, actor=actor, quantity=qty
            )
        frl.quantity_picked -= qty
        frl.quantity_cancelled += qty
        frl.save(update_fields=["quantity_picked", "quantity_cancelled"])
        line = frl.order_line
        line.quantity_picked -= qty
        line.quantity_allocated -= qty
        line.quantity_cancelled += qty
        line.save(
            update_fields=[
                "quantity_picked",
                "quantity_allocated",
                "quantity_cancelled",
                "updated_at",
            ]
        )
        returned.append({"sku": line.sku, "quantity": qty})
    request = order.fulfillment_requests.select_related("warehouse").get(pk=request_id)
    request.order = order
    fulfillment_request_close_if_done(request=request, actor=actor)
    _record(
        order,
        actor,
        "Cancel after pick: "
        + ", ".join(f"{r['quantity']}× {r['sku']}" for r in returned)
        + " returned to stock",
        {"returned": returned},
    )
    left = order.lines.aggregate(p=Sum("quantity_picked"), s=Sum("quantity_shipped"))
    if (left["p"] or 0) - (left["s"] or 0) <= 0:
        hold.order = order
        hold_release(hold=hold, actor=actor, note="picked units returned to stock", progress=False)
        holds_changed(order=order, actor=actor)
    return order
