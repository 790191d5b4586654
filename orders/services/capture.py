"""Order capture: validate, store, hold or route — idempotent on (channel, external id).

Nothing is dropped: an unknown SKU is kept on its line (product empty) and the order goes on an
`unknown_sku` hold with the SKUs named in the reason.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from common import money
from common.exceptions import DomainError
from common.types import Actor
from common.validation import aware_utc
from inventory import selectors as inventory_selectors
from orders import money_rules
from orders.choices import (
    PAID_STATUSES,
    EventKind,
    FulfilledBy,
    HoldKind,
    LineKind,
    PaymentStatus,
    RoutingTrigger,
)
from orders.exceptions import InvalidOrderData
from orders.models import Order, OrderLine
from orders.services import intake
from orders.services.holds import RULES_ACTOR, address_problems, hold_place, order_fraud_result
from orders.services.idempotency import idempotency_record_order
from orders.services.lifecycle import order_cancelled_at_channel, order_nothing_to_ship
from orders.services.reservations import cart_reservation_link
from orders.services.routing import order_route_and_progress
from orders.services.timeline import timeline_record

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _new_number() -> str:
    return "SO-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


def _datetime(value: Any, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        result = value
    else:
        try:
            result = parse_datetime(str(value))
        except ValueError:  # well formed but impossible, e.g. month 13
            result = None
        if result is None:
            raise InvalidOrderData(
                f"{field} is not a date-time.", fields={field: ["invalid date-time"]}
            )
    try:
        return aware_utc(result)  # the shared range check (offset, overflow)
    except ValueError as exc:
        raise InvalidOrderData(f"{field}: {exc}", fields={field: [str(exc)]}) from exc


def _clean(data: dict[str, Any], *, check_money: bool = True) -> dict[str, Any]:
    """Check the shape the REST serializer also checks (importers call the service directly).

    Money is exact in the order's currency (orders.money_rules); with `check_money` a body
    whose parts do not add up to its totals is refused, naming the fields. A channel's own
    document is stored as the channel wrote it (`check_money=False`).
    """
    errors = money_rules.Errors()
    if not isinstance(data, dict):
        raise InvalidOrderData(
            "The order must be an object.", fields={"non_field_errors": ["not an object"]}
        )
    external_id = str(data.get("external_id") or "").strip()
    if not external_id:
        errors.add("external_id", "required")
    currency = str(data.get("currency") or "USD")[:3].upper()
    if check_money and not money.currency_known(currency):
        # (a channel's own document is kept whatever it says; amounts then use two places)
        errors.add("currency", "not an ISO 4217 currency code")
    lines = data.get("lines") or []
    if not isinstance(lines, list) or not lines:
        errors.add("lines", "at least one line is required")
        lines = []
    clean_lines = []
    for i, raw in enumerate(lines):
        if not isinstance(raw, dict):
            errors.add(f"lines[{i}]", "must be an object")
            continue
        sku = str(raw.get("sku") or "").strip()
        qty = raw.get("quantity")
        requires_shipping = raw.get("requires_shipping", True) not in (False, "false", 0)
        kind = str(raw.get("kind") or LineKind.PRODUCT)
        if kind not in LineKind.values:
            errors.add(f"lines[{i}].kind", f"one of {', '.join(LineKind.values)}")
        if len(sku) > 64 or (check_money and requires_shipping and not sku):
            errors.add(f"lines[{i}].sku", "required, at most 64 characters")
        try:
            if isinstance(qty, (bool, float)):
                raise ValueError
            qty = int(str(qty).strip())
            if qty <= 0 or qty > 1_000_000:
                raise ValueError
        except (TypeError, ValueError):
            errors.add(f"lines[{i}].quantity", "must be a whole number from 1 to 1,000,000")
            continue
        clean_lines.append(
            {
                "sku": sku,
                "quantity": qty,
                "external_line_id": str(raw.get("external_line_id") or "")[:100],
                "name": str(raw.get("name") or "")[:200],
                "requires_shipping": requires_shipping,
                "kind": kind,
                **money_rules.clean_line_money(
                    {**raw, "quantity": qty}, i, currency, errors, check=check_money
                ),
            }
        )
    order_money = money_rules.clean_order_money(
        data, clean_lines, currency, errors, check=check_money
    )
    payment_status = data.get("payment_status") or PaymentStatus.PENDING
    if payment_status not in PaymentStatus.values:
        errors.add("payment_status", f"one of {', '.join(PaymentStatus.values)}")
    fulfilled_by = data.get("fulfilled_by") or FulfilledBy.MERCHANT
    if fulfilled_by not in FulfilledBy.values:
        errors.add("fulfilled_by", f"one of {', '.join(FulfilledBy.values)}")
    for key in ("shipping_address", "billing_address", "customer"):
        if not isinstance(data.get(key) or {}, dict):
            errors.add(key, "must be an object")
    try:
        priority = int(data.get("priority") or 0)
    except (TypeError, ValueError):
        errors.add("priority", "must be a whole number")
        priority = 0
    if errors:
        raise InvalidOrderData(
            "The order is not valid: " + ", ".join(sorted(errors)) + ".", fields=dict(errors)
        )
    customer = data.get("customer") or {}
    return {
        "external_id": external_id[:100],
        "customer_email": str(customer.get("email") or "")[:254],
        "customer_name": str(customer.get("name") or "")[:200],
        "customer_phone": str(customer.get("phone") or "")[:40],
        "customer_phone_digits": "".join(
            ch for ch in str(customer.get("phone") or "") if ch.isdigit()
        )[:40],
        "shipping_address": dict(data.get("shipping_address") or {}),
        "billing_address": dict(data.get("billing_address") or {}),
        "currency": currency,
        "service_level": str(data.get("service_level") or "standard")[:40],
        "payment_status": payment_status,
        "fulfilled_by": fulfilled_by,
        "priority": max(-100, min(100, priority)),
        "placed_at": _datetime(data.get("placed_at"), "placed_at") or timezone.now(),
        "promised_ship_by": _datetime(data.get("promised_ship_by"), "promised_ship_by"),
        "promised_delivery_by": _datetime(data.get("promised_delivery_by"), "promised_delivery_by"),
        **order_money,
        "reservation_token": str(data.get("reservation_token") or ""),
        "cancelled_at": _datetime(data.get("cancelled_at"), "cancelled_at"),
        "cancel_reason": str(data.get("cancel_reason") or "")[:200],
        "lines": clean_lines,
    }


def _channel_model():  # type: ignore[no-untyped-def]
    # Other apps' models only through FK relations (STYLE.md B3).
    return Order._meta.get_field("channel").related_model


@transaction.atomic
def order_create(
    *,
    channel_id: int,
    data: dict[str, Any],
    actor: Actor,
    exchange_for_id: int | None = None,
    check_money: bool = True,
) -> tuple[Order, bool]:
    """Building block of order_capture (also used for exchange replacements), in the caller's
    transaction."""
    return _order_create(
        channel_id=channel_id,
        data=data,
        actor=actor,
        exchange_for_id=exchange_for_id,
        check_money=check_money,
    )


def _order_create(
    *,
    channel_id: int,
    data: dict[str, Any],
    actor: Actor,
    exchange_for_id: int | None = None,
    check_money: bool = True,
    idempotency_key_id: int | None = None,
) -> tuple[Order, bool]:
    """Store and decide one order (order_capture's transaction has no savepoint of its own).

    Set-based (orders.services.intake): decided in memory and written once. An order that
    hands over a storefront cart reservation takes the stepwise path, which converts the
    cart's commitments inside the order's routing.
    """
    clean = _clean(data, check_money=check_money)
    if not clean["reservation_token"]:
        return _order_create_set(
            channel_id=channel_id,
            clean=clean,
            actor=actor,
            exchange_for_id=exchange_for_id,
            idempotency_key_id=idempotency_key_id,
        )
    return _order_create_stepwise(
        channel_id=channel_id, clean=clean, actor=actor, exchange_for_id=exchange_for_id
    )


def _order_create_set(
    *,
    channel_id: int,
    clean: dict[str, Any],
    actor: Actor,
    exchange_for_id: int | None,
    idempotency_key_id: int | None,
) -> tuple[Order, bool]:
    [result] = intake.orders_capture_set(
        channel_id=channel_id,
        cleans=[clean],
        actor=actor,
        exchange_for_id=exchange_for_id,
        idempotency_key_ids=[idempotency_key_id],
        precheck=False,
    )
    if result.error is not None or result.order is None:
        raise result.error or InvalidOrderData("The order was not captured.")
    return result.order, result.created


def _order_create_stepwise(
    *, channel_id: int, clean: dict[str, Any], actor: Actor, exchange_for_id: int | None
) -> tuple[Order, bool]:
    channel = _channel_model().objects.filter(pk=channel_id).first()
    if channel is None:
        raise InvalidOrderData(
            f"Channel {channel_id} does not exist.", fields={"channel": ["unknown"]}
        )
    existing = Order.objects.filter(channel_id=channel_id, external_id=clean["external_id"]).first()
    if existing is not None:
        return existing, False
    fields = {
        k: v
        for k, v in clean.items()
        if k not in ("lines", "reservation_token", "cancelled_at", "cancel_reason")
    }
    cancelled = clean["cancelled_at"] is not None
    order = None
    for _attempt in range(3):
        try:
            with transaction.atomic():
                order = Order.objects.create(
                    channel=channel,
                    number=_new_number(),
                    exchange_for_id=exchange_for_id,
                    **fields,
                )
            break
        except IntegrityError:
            # The same (channel, external id) committed concurrently: that order is the answer.
            existing = Order.objects.filter(
                channel_id=channel_id, external_id=clean["external_id"]
            ).first()
            if existing is not None:
                return existing, False
            # Otherwise the random number collided (about 1 in 10^12): draw another.
    if order is None:
        raise InvalidOrderData(
            "Could not allocate an order number; retry.", code="number_collision"
        )
    order.channel = channel
    shippable = [line for line in clean["lines"] if line["requires_shipping"]]
    products = inventory_selectors.products_by_sku(
        skus=[line["sku"] for line in shippable if line["sku"]]
    )
    for line in shippable:  # a code that is not a SKU may still name a product (barcode)
        if line["sku"] and line["sku"] not in products:
            found = inventory_selectors.product_get_by_code(code=line["sku"])
            if found is not None:
                products[line["sku"]] = found
    rows, unknown = intake.build_lines(clean, order, products, cancelled)
    OrderLine.objects.bulk_create(rows)
    timeline_record(
        order=order,
        kind=EventKind.CREATED,
        actor=actor,
        message=f"Order {order.number} received from {channel.code} ({clean['external_id']})",
        data={
            "external_id": order.external_id,
            "lines": len(clean["lines"]),
            "total": money.fmt(order.total, order.currency),
            "currency": order.currency,
        },
    )
    if cancelled:
        # The channel's first copy is already cancelled: recorded, never fulfilled.
        order_cancelled_at_channel(
            order=order, actor=actor, note=clean["cancel_reason"] or "cancelled at the channel"
        )
        return order, True
    if order.fulfilled_by == FulfilledBy.CHANNEL or not shippable:
        # Recorded for customer service and reporting; no hold, no routing, no stock.
        order_nothing_to_ship(
            order=order,
            actor=actor,
            note="fulfilled by the channel"
            if order.fulfilled_by == FulfilledBy.CHANNEL
            else "no line needs shipping",
        )
        return order, True
    if clean["reservation_token"]:
        cart_reservation_link(order=order, token=clean["reservation_token"], actor=actor)
    _capture_holds(order=order, unknown_skus=unknown, actor=actor)
    order_route_and_progress(order=order, actor=actor, trigger=RoutingTrigger.CAPTURE)
    return order, True


def _capture_holds(*, order: Order, unknown_skus: list[str], actor: Actor) -> None:
    rules = Actor.system(RULES_ACTOR)
    if order.exchange_for_id:
        hold_place(
            order=order,
            kind=HoldKind.EXCHANGE,
            actor=rules,
            progress=False,
            reason="Exchange replacement: waits until the returned items are received",
            details={"return_id": order.exchange_for_id},
        )
    if unknown_skus:
        hold_place(
            order=order,
            kind=HoldKind.UNKNOWN_SKU,
            actor=rules,
            progress=False,
            reason=f"Unknown SKU(s): {', '.join(sorted(set(unknown_skus)))}",
            details={"skus": sorted(set(unknown_skus))},
        )
    if order.payment_status not in PAID_STATUSES:
        hold_place(
            order=order,
            kind=HoldKind.PAYMENT,
            actor=rules,
            progress=False,
            reason=f"Payment is {order.payment_status}, not authorised or captured",
        )
    problems = address_problems(order.shipping_address)
    if problems:
        hold_place(
            order=order,
            kind=HoldKind.ADDRESS,
            actor=rules,
            progress=False,
            reason="Shipping address: " + "; ".join(f"{k} {v}" for k, v in problems.items()),
            details={"fields": problems},
        )
    result = order_fraud_result(order=order)
    if result.score:
        order.fraud_score = min(result.score, 32767)
        order.save(update_fields=["fraud_score", "updated_at"])
    if result.is_suspicious:
        hold_place(
            order=order,
            kind=HoldKind.FRAUD,
            actor=rules,
            progress=False,
            reason=f"Fraud score {result.score} ≥ {result.threshold}: " + "; ".join(result.reasons),
            details={
                "score": result.score,
                "threshold": result.threshold,
                "reasons": result.reasons,
            },
        )


@transaction.atomic(durable=True)
def order_capture(
    *,
    channel_id: int,
    data: dict[str, Any],
    actor: Actor,
    idempotency_key: str | None = None,
    idempotency_key_id: int | None = None,
    check_money: bool = True,
) -> tuple[Order, bool]:
    """Capture an order from a channel; the same (channel, external_id) returns the existing one.

    Holds are placed by rule (payment, fraud, address, unknown SKU); without holds the order is
    routed and released at once. Raises InvalidOrderData (400) and OrderRefused (409, channel
    refuses backorders). `idempotency_key` is accepted for callers that track it; the API layer
    enforces key semantics (orders.services.idempotency) and passes the claimed key's row as
    `idempotency_key_id`: the key is completed with this order in the order's own transaction,
    so a lost connection after the commit cannot leave it in flight. `check_money=False` stores
    a channel's own document's figures as the channel wrote them (channels_sync parsers); the
    REST API checks that the parts add up to the totals.
    """
    order, created = _order_create(
        channel_id=channel_id,
        data=data,
        actor=actor,
        check_money=check_money,
        idempotency_key_id=idempotency_key_id,
    )
    if idempotency_key_id is not None and not getattr(order, "idempotency_recorded", False):
        idempotency_record_order(
            row_id=idempotency_key_id, order_id=order.pk, status=201 if created else 200
        )
    return order, created


BULK_MAX = 1000


@transaction.atomic(durable=True)
def orders_capture_bulk(
    *,
    channel_id: int,
    bodies: list[dict[str, Any] | Exception],
    actor: Actor,
    check_money: bool = True,
) -> list[intake.Result]:
    """Capture up to 1,000 orders of one channel in one transaction, set-based (issue 12 item 4).

    One result per body, in order: the order (created, or the existing one for a known
    (channel, external id) — the same rule as a single capture) or the domain error that
    refused it (invalid body, channel refuses backorders). A refused order writes nothing; the
    others are written together. A body given as an exception (the caller's own validation)
    is reported back as it is. Orders carrying a cart `reservation_token` take the stepwise
    path, each in its own savepoint.
    """
    if len(bodies) > BULK_MAX:
        raise InvalidOrderData(
            f"At most {BULK_MAX} orders per request.", fields={"orders": ["too many"]}
        )
    cleans: list[dict[str, Any] | Exception] = []
    for body in bodies:
        if isinstance(body, Exception):
            cleans.append(body)
            continue
        try:
            cleans.append(_clean(body, check_money=check_money))
        except InvalidOrderData as exc:
            cleans.append(exc)
    stepwise = [i for i, c in enumerate(cleans) if isinstance(c, dict) and c["reservation_token"]]
    batch = [
        InvalidOrderData("handled stepwise") if i in set(stepwise) else c
        for i, c in enumerate(cleans)
    ]
    results = intake.orders_capture_set(channel_id=channel_id, cleans=batch, actor=actor)
    for i in stepwise:
        try:
            with transaction.atomic():
                order, created = _order_create_stepwise(
                    channel_id=channel_id,
                    clean=cleans[i],  # type: ignore[arg-type]
                    actor=actor,
                    exchange_for_id=None,
                )
            results[i] = intake.Result(order=order, created=created)
        except DomainError as exc:
            results[i] = intake.Result(error=exc)
    return results
