"""Named row-lock helpers: the only place in orders/ that calls select_for_update.

Lock order, always: the order row first, then its fulfillment requests / lines by pk. Every
service that changes an order's lines, holds or fulfillment requests holds the order row lock,
so those changes are serialised per order. On SQLite this is a no-op (writers are serialised).
"""

from __future__ import annotations

from collections.abc import Iterable

from orders.exceptions import OrderNotFound
from orders.models import CartReservation, FulfillmentRequest, Order, ReturnAuthorization


def order_for_update(pk: int) -> Order:
    """Lock one order row (NO KEY UPDATE: we never change its key)."""
    try:
        return (
            Order.objects.select_for_update(of=("self",), no_key=True)
            .select_related("channel")
            .get(pk=pk)
        )
    except Order.DoesNotExist as exc:
        raise OrderNotFound(f"Order {pk} does not exist.") from exc


def orders_for_update(ids: Iterable[int]) -> list[Order]:
    """Lock several orders in pk order (no deadlock between overlapping sets)."""
    return list(
        Order.objects.filter(pk__in=sorted(set(ids)))
        .order_by("pk")
        .select_for_update(of=("self",), no_key=True)
    )


def orders_lock(ids: Iterable[int]) -> None:
    """Lock several orders in pk order without reading them (a set-based writer that reads
    what it needs afterwards)."""
    list(
        Order.objects.filter(pk__in=sorted(set(ids)))
        .order_by("pk")
        .select_for_update(of=("self",), no_key=True)
        .values_list("pk", flat=True)
    )


def fulfillment_requests_for_update(ids: Iterable[int]) -> list[FulfillmentRequest]:
    return list(
        FulfillmentRequest.objects.filter(pk__in=sorted(set(ids)))
        .order_by("pk")
        .select_for_update(of=("self",), no_key=True)
    )


def cart_reservation_for_update(pk: int) -> CartReservation:
    return CartReservation.objects.select_for_update(of=("self",), no_key=True).get(pk=pk)


def return_for_update(pk: int) -> ReturnAuthorization:
    return ReturnAuthorization.objects.select_for_update(of=("self",), no_key=True).get(pk=pk)
