"""Reads for the customer-service and ops screens (a fixed number of queries per page)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.db.models.functions import TruncHour

from orders import selectors as orders_selectors
from orders.models import (
    FulfillmentRequest,
    FulfillmentRequestLine,
    Hold,
    Order,
    OrderLine,
    OrderShipment,
    ReturnAuthorization,
)


def order_for_page(*, number: str) -> Order | None:
    """The order with this number (channel joined), or None."""
    return orders_selectors.order_get_by_number(number=number.strip())


def order_search_results(*, query: str, limit: int = 50) -> QuerySet[Order]:
    """`orders.selectors.order_search` plus what the result list shows (active hold count)."""
    ids = list(orders_selectors.order_search(query=query, limit=limit).values_list("pk", flat=True))
    return orders_by_ids(ids=ids)


def orders_by_ids(*, ids: list[int]) -> QuerySet[Order]:
    return (
        Order.objects.filter(pk__in=ids)
        .select_related("channel")
        .annotate(active_holds=Count("holds", filter=Q(holds__released_at__isnull=True)))
        .order_by("-created_at", "-id")
    )


def line_of_order(*, order_id: int, line_id: int) -> OrderLine | None:
    return OrderLine.objects.filter(order_id=order_id, pk=line_id).first()


def order_page(*, order: Order) -> dict[str, Any]:
    """Everything the order page shows besides the order row itself."""
    holds = list(
        Hold.objects.filter(order=order)
        .select_related("fulfillment_request")
        .order_by("created_at", "id")
    )
    requests = list(
        FulfillmentRequest.objects.filter(order=order)
        .select_related("warehouse")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=FulfillmentRequestLine.objects.select_related("product").order_by("pk"),
            )
        )
        .order_by("created_at", "id")
    )
    return {
        "lines": list(order.lines.select_related("product").order_by("line_number")),
        "active_holds": [h for h in holds if h.released_at is None],
        "past_holds": [h for h in holds if h.released_at is not None],
        "fulfillment_requests": requests,
        "order_shipments": list(
            OrderShipment.objects.filter(order=order).order_by("shipped_at", "id")
        ),
        "returns": list(
            ReturnAuthorization.objects.filter(order=order)
            .prefetch_related("lines__order_line")
            .order_by("created_at", "id")
        ),
        "timeline": list(orders_selectors.order_timeline(order=order)),
    }


def hold_of_order(*, order_id: int, hold_id: int) -> Hold | None:
    return Hold.objects.filter(order_id=order_id, pk=hold_id).first()


# ---------------------------------------------------------------- ops dashboard and exceptions

CLOSED_STATUSES = ("shipped", "delivered", "cancelled", "returned")


def orders_per_hour_by_status(*, since: datetime) -> list[dict[str, Any]]:
    """[{hour, status, n}] of orders placed since `since` (one grouped query)."""
    return list(
        Order.objects.filter(placed_at__gte=since)
        .annotate(hour=TruncHour("placed_at"))
        .values("hour", "status")
        .annotate(n=Count("id"))
        .order_by("hour", "status")
    )


def late_orders(*, now: datetime) -> QuerySet[Order]:
    """Open orders whose promised ship-by time has passed, most overdue first."""
    return (
        Order.objects.filter(promised_ship_by__lt=now)
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("channel")
        .order_by("promised_ship_by", "id")
    )


def open_hold_counts() -> dict[str, int]:
    """Active holds per kind."""
    rows = (
        Hold.objects.filter(released_at__isnull=True)
        .values("kind")
        .annotate(n=Count("id"))
        .order_by("kind")
    )
    return {r["kind"]: r["n"] for r in rows}


def backordered_order_count() -> int:
    """Open orders with at least one backordered unit."""
    return (
        Order.objects.filter(lines__quantity_backordered__gt=0)
        .exclude(status__in=CLOSED_STATUSES)
        .values("pk")
        .distinct()
        .count()
    )


def active_holds(
    *, kinds: list[str] | None = None, exclude_kinds: list[str] | None = None
) -> QuerySet[Hold]:
    """Active holds with their order (oldest first) for the exceptions queue."""
    qs = Hold.objects.filter(released_at__isnull=True).select_related("order", "order__channel")
    if kinds:
        qs = qs.filter(kind__in=kinds)
    if exclude_kinds:
        qs = qs.exclude(kind__in=exclude_kinds)
    return qs.order_by("created_at", "id")


def order_ids_by_fulfillment_line(*, line_ids: list[int]) -> dict[int, Order]:
    """The order of each fulfillment request line (for short picks reported by the WMS)."""
    rows = FulfillmentRequestLine.objects.filter(pk__in=line_ids).select_related("request__order")
    return {r.pk: r.request.order for r in rows}


def picked_request_warehouses(*, order_id: int) -> list[tuple[int, str]]:
    """(warehouse id, request number) of the order's requests with units picked and not
    shipped (where a stopped cancel-after-pick has units to return to stock)."""
    return [
        (r.warehouse_id, r.number)
        for r in FulfillmentRequest.objects.filter(
            order_id=order_id, lines__quantity_picked__gt=F("lines__quantity_shipped")
        )
        .distinct()
        .order_by("pk")
    ]
