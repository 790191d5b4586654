"""Storefront cart reservations: commit stock for a cart until it expires, convert on order.

Units are committed with `inventory_services.commitment_create(expires_at=...)` (document "cart");
`cart_reservations_expire` releases what has expired (run by a periodic task), and placing an
order with the reservation's token releases the cart's commitments inside the order's
transaction, so the order's own allocation gets those units.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from common.types import Actor
from inventory import selectors as inventory_selectors
from inventory import services as inventory_services
from inventory.exceptions import InsufficientStock
from orders.choices import CartReservationStatus, EventKind
from orders.exceptions import InvalidOrderData, ReservationNotActive
from orders.locks import cart_reservation_for_update
from orders.models import CartReservation, CartReservationLine, Order
from orders.services.timeline import timeline_record

CART_DOCUMENT = "cart"
MAX_TTL = timedelta(hours=2)


def _channel_warehouses(channel_id: int) -> list[int]:
    channel = Order._meta.get_field("channel").related_model.objects.get(pk=channel_id)
    return [
        link.warehouse_id
        for link in channel.warehouse_links.select_related("warehouse").order_by(
            "priority", "warehouse_id"
        )
        if link.warehouse.is_active
    ]


@transaction.atomic(durable=True)
def cart_reservation_create(
    *, channel_id: int, lines: list[dict[str, Any]], ttl_seconds: int, actor: Actor
) -> CartReservation:
    """Hold units for a cart for `ttl_seconds` (≤ 2 h) in the channel's warehouses by priority.

    All or nothing: raises InsufficientStock (409) if any line cannot be held, InvalidOrderData
    for unknown SKUs or bad quantities.
    """
    ttl = timedelta(seconds=ttl_seconds)
    if ttl <= timedelta(0) or ttl > MAX_TTL:
        raise InvalidOrderData(
            "ttl_seconds must be between 1 and 7200.", fields={"ttl_seconds": ["out of range"]}
        )
    products = inventory_selectors.products_by_sku(skus=[line["sku"] for line in lines])
    unknown = [line["sku"] for line in lines if line["sku"] not in products]
    if unknown:
        raise InvalidOrderData(
            f"Unknown SKU(s): {', '.join(unknown)}",
            fields={"lines": [f"unknown sku {s}" for s in unknown]},
        )
    warehouses = _channel_warehouses(channel_id)
    reservation = CartReservation.objects.create(
        channel_id=channel_id,
        token="cr_" + secrets.token_urlsafe(18),
        expires_at=timezone.now() + ttl,
    )
    for line in sorted(lines, key=lambda r: products[r["sku"]].pk):
        product = products[line["sku"]]
        left = int(line["quantity"])
        available = inventory_selectors.balances_for(
            product_ids=[product.pk], warehouse_ids=warehouses
        )
        by_wh = {b.warehouse_id: b.available for b in available}
        for wid in warehouses:
            n = min(left, by_wh.get(wid, 0))
            if n <= 0:
                continue
            try:
                commitment = inventory_services.commitment_create(
                    product_id=product.pk,
                    warehouse_id=wid,
                    quantity=n,
                    document_type=CART_DOCUMENT,
                    document_ref=reservation.token,
                    actor=actor,
                    expires_at=reservation.expires_at,
                )
            except InsufficientStock:
                continue
            CartReservationLine.objects.create(
                reservation=reservation,
                product=product,
                warehouse_id=wid,
                quantity=n,
                commitment=commitment,
            )
            left -= n
            if left == 0:
                break
        if left:
            raise InsufficientStock(
                f"Only {int(line['quantity']) - left} unit(s) of {line['sku']} can be reserved.",
                sku=line["sku"],
                available=int(line["quantity"]) - left,
            )
    return reservation


def _release(reservation: CartReservation, status: str, actor: Actor) -> None:
    for line in reservation.lines.all():
        inventory_services.commitment_release(commitment_id=line.commitment_id, actor=actor)
    reservation.status = status
    reservation.save(update_fields=["status", "updated_at"])


@transaction.atomic(durable=True)
def cart_reservation_release(*, token: str, channel_id: int, actor: Actor) -> CartReservation:
    """Give a cart's units back now (cart abandoned). Raises ReservationNotActive."""
    pk = CartReservation.objects.values_list("pk", flat=True).get(
        token=token, channel_id=channel_id
    )
    reservation = cart_reservation_for_update(pk)
    if reservation.status != CartReservationStatus.ACTIVE:
        raise ReservationNotActive(f"Reservation is {reservation.status}.")
    _release(reservation, CartReservationStatus.RELEASED, actor)
    return reservation


@transaction.atomic
def cart_reservation_link(*, order: Order, token: str, actor: Actor) -> bool:
    """Attach a cart's reservation to the order being placed. False if not active.

    The units stay committed to the cart until the order is routed (after any holds), when
    `cart_reservations_convert_for_order` hands them over; a reservation that expires first
    frees its stock as usual.
    """
    pk = (
        CartReservation.objects.filter(token=token, channel_id=order.channel_id)
        .values_list("pk", flat=True)
        .first()
    )
    if pk is None:
        timeline_record(
            order=order, kind=EventKind.NOTE, actor=actor, message=f"Reservation {token} not found"
        )
        return False
    reservation = cart_reservation_for_update(pk)
    if (
        reservation.status != CartReservationStatus.ACTIVE
        or reservation.expires_at <= timezone.now()
        or reservation.order_id not in (None, order.pk)
    ):
        timeline_record(
            order=order,
            kind=EventKind.NOTE,
            actor=actor,
            message=f"Reservation {token} is {reservation.status} or expired; stock allocated afresh",
        )
        return False
    reservation.order = order
    reservation.save(update_fields=["order", "updated_at"])
    return True


@transaction.atomic
def cart_reservations_convert_for_order(*, order: Order, actor: Actor) -> int:
    """Release the order's linked cart reservations so its routing commits those units.

    Called by routing inside the order's transaction: the balance rows stay locked by this
    transaction after the release, so nobody else can take the units before the order's own
    commitments take them again. Returns how many reservations were converted.
    """
    count = 0
    for pk in CartReservation.objects.filter(
        order=order, status=CartReservationStatus.ACTIVE
    ).values_list("pk", flat=True):
        reservation = cart_reservation_for_update(pk)
        if reservation.status != CartReservationStatus.ACTIVE:
            continue
        _release(reservation, CartReservationStatus.CONVERTED, actor)
        timeline_record(
            order=order,
            kind=EventKind.RESERVATION_CONVERTED,
            actor=actor,
            message=f"Cart reservation {reservation.token} converted",
            data={
                "token": reservation.token,
                "lines": [
                    [line.product_id, line.warehouse_id, line.quantity]
                    for line in reservation.lines.all()
                ],
            },
        )
        count += 1
    return count


def cart_reservations_expire(*, now=None, actor: Actor | None = None) -> int:  # type: ignore[no-untyped-def]
    """Free the stock of expired cart reservations; return how many expired."""
    now = now or timezone.now()
    actor = actor or Actor.system("reservation-expiry")
    count = 0
    for pk in CartReservation.objects.filter(
        status=CartReservationStatus.ACTIVE, expires_at__lte=now
    ).values_list("pk", flat=True):
        with transaction.atomic(durable=True):
            reservation = cart_reservation_for_update(pk)
            if reservation.status == CartReservationStatus.ACTIVE and reservation.expires_at <= now:
                _release(reservation, CartReservationStatus.EXPIRED, actor)
                count += 1
    # Anything else committed with an expiry (other callers) goes too.
    inventory_services.commitments_expire(now=now, actor=actor)
    return count
