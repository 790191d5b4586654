"""OMS reads shared by the API, the ops/CS screens and the WMS."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Lower, Right, Upper

from orders.choices import HoldScope, RoutingTrigger
from orders.models import (
    FulfillmentRequest,
    FulfillmentRequestLine,
    Hold,
    Order,
    OrderEvent,
    OrderLine,
    OrderShipment,
    ReturnAuthorization,
    RoutingDecision,
)
from orders.routing_rules import Candidate, RoutingConfig, plan_routing
from orders.states import FulfillmentRequestStatus


def order_get_by_number(*, number: str) -> Order | None:
    """One order by its number (with channel), or None."""
    return Order.objects.select_related("channel").filter(number=number).first()


def order_list_for_api(*, channel_id: int | None = None) -> QuerySet[Order]:
    """Orders with everything the API serializer needs, in a constant number of queries.

    A channel token sees only its channel's orders (`channel_id`); ops see all (None).
    """
    qs = Order.objects.select_related("channel").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("line_number")),
        Prefetch(
            "holds",
            queryset=Hold.objects.filter(released_at__isnull=True).prefetch_related("lines"),
            to_attr="active_holds",
        ),
        Prefetch(
            "fulfillment_requests",
            queryset=FulfillmentRequest.objects.select_related("warehouse").prefetch_related(
                "lines"
            ),
        ),
    )
    if channel_id is not None:
        qs = qs.filter(channel_id=channel_id)
    return qs


# How many ids one lookup kind may contribute before the newest `limit` are chosen among them:
# exact keys match a handful of orders; a common name substring could match thousands.
SEARCH_CANDIDATES_PER_KIND = 1000


def _search_lookups(q: str) -> list[QuerySet[Any]]:
    """One index-backed query of order ids per kind the text could be (see Order.Meta.indexes).

    Each is a single index lookup; OR-ing them in one WHERE (across the shipment join) would
    make Postgres walk every order instead.
    """
    lookups: list[QuerySet[Any]] = []
    orders = Order.objects.all()
    if "@" in q:
        return [orders.alias(k=Lower("customer_email")).filter(k=q.lower()).values_list("pk")]
    lookups.append(orders.filter(number=q.upper()).values_list("pk"))
    lookups.append(orders.alias(k=Upper("external_id")).filter(k=q.upper()).values_list("pk"))
    lookups.append(
        OrderShipment.objects.filter(tracking_number__in={q, q.upper()}).values_list("order_id")
    )
    digits = "".join(ch for ch in q if ch.isdigit())
    if len(digits) >= 7:
        # The last 8 digits match whatever prefix was typed (+44 20… vs 020…). Seven typed
        # digits are a suffix of the stored last eight: probe the same index for each possible
        # eighth digit (and for numbers stored with only seven digits) instead of a `LIKE '%…'`.
        tails = [digits[-8:]] if len(digits) >= 8 else [digits, *(d + digits for d in "0123456789")]
        lookups.append(
            orders.alias(k=Right("customer_phone_digits", 8)).filter(k__in=tails).values_list("pk")
        )
    looks_like_a_code = " " not in q and bool(digits)  # SO-…, 1Z…, +1650…: not a name
    if len(q) >= 3 and any(ch.isalpha() for ch in q) and not looks_like_a_code:
        lookups.append(orders.filter(customer_name__icontains=q).values_list("pk"))
    return lookups


def order_search(*, query: str, limit: int = 50) -> QuerySet[Order]:
    """Find orders by number, external id, email, customer name, phone or tracking number.

    Newest first. The text's shape picks the kinds worth trying (an e-mail address is only an
    e-mail address); each kind is one index lookup (a pg_trgm GIN index serves name substrings
    on Postgres), and the newest `limit` orders among the matches are returned.
    """
    q = (query or "").strip()
    if not q:
        return Order.objects.none()
    ids: set[int] = set()
    for lookup in _search_lookups(q):
        ids.update(pk for (pk,) in lookup[:SEARCH_CANDIDATES_PER_KIND])
    return (
        Order.objects.select_related("channel")
        .filter(pk__in=ids)
        .order_by("-created_at", "-id")[:limit]
    )


def order_timeline(*, order: Order) -> QuerySet[OrderEvent]:
    """The order's events, oldest first."""
    return (
        OrderEvent.objects.filter(order=order)
        .select_related("actor_user")
        .order_by("created_at", "id")
    )


def order_routing_decisions(*, order: Order) -> QuerySet[RoutingDecision]:
    """The order's routing decisions, oldest first."""
    return RoutingDecision.objects.filter(order=order).order_by("created_at", "id")


def order_active_holds(*, order: Order) -> QuerySet[Hold]:
    """The order's active holds with their lines."""
    return Hold.objects.filter(order=order, released_at__isnull=True).prefetch_related("lines")


def fulfillment_requests_for_wave(*, warehouse_id: int) -> QuerySet[FulfillmentRequest]:
    """Released, unheld requests of a warehouse: earliest ship-by, then priority, then age."""
    active_hold = Hold.objects.filter(
        Q(order_id=OuterRef("order_id"), scope=HoldScope.ORDER)
        | Q(fulfillment_request_id=OuterRef("pk")),
        released_at__isnull=True,
    )
    return (
        FulfillmentRequest.objects.filter(
            warehouse_id=warehouse_id, status=FulfillmentRequestStatus.RELEASED
        )
        .exclude(Exists(active_hold))
        .select_related("order")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=FulfillmentRequestLine.objects.select_related("product", "order_line"),
            )
        )
        .order_by("ship_by", "-priority", "created_at", "id")
    )


def fulfillment_request_list_for_api(
    *, channel_id: int | None = None
) -> QuerySet[FulfillmentRequest]:
    """Fulfillment requests with order, warehouse and lines (channel-scoped if given)."""
    qs = FulfillmentRequest.objects.select_related("order", "warehouse").prefetch_related("lines")
    if channel_id is not None:
        qs = qs.filter(order__channel_id=channel_id)
    return qs


def order_for_fulfillment_request(*, request_id: int) -> Order | None:
    """The order a fulfillment request belongs to (used by shipping to stamp shipments)."""
    return Order.objects.filter(fulfillment_requests__pk=request_id).first()


def return_list_for_api(*, channel_id: int | None = None) -> QuerySet[ReturnAuthorization]:
    """Returns with order and lines (channel-scoped if given)."""
    qs = ReturnAuthorization.objects.select_related("order").prefetch_related("lines")
    if channel_id is not None:
        qs = qs.filter(order__channel_id=channel_id)
    return qs


def routing_replay(
    *,
    channel_id: int,
    live: RoutingConfig,
    draft: RoutingConfig,
    since: datetime | None = None,
) -> dict[str, Any]:
    """Re-plan past capture decisions of a channel with the live and the draft configuration.

    Uses the candidate snapshots (stock per warehouse at the time) stored on each decision, so
    the comparison is deterministic and changes nothing.
    """
    decisions = RoutingDecision.objects.filter(
        order__channel_id=channel_id, trigger=RoutingTrigger.CAPTURE
    ).order_by("created_at", "id")
    if since is not None:
        decisions = decisions.filter(created_at__gte=since)
    totals = {
        name: {
            "orders": 0,
            "shipments": 0,
            "splits": 0,
            "backordered_orders": 0,
            "backordered_units": 0,
        }
        for name in ("recorded", "live", "draft")
    }
    changed: list[dict[str, Any]] = []
    for decision in decisions.iterator():
        demand = {int(k): int(v) for k, v in decision.demand.items()}
        candidates = [Candidate.from_dict(row) for row in decision.candidates]
        plans = {
            "live": plan_routing(demand=demand, candidates=candidates, config=live),
            "draft": plan_routing(demand=demand, candidates=candidates, config=draft),
        }
        recorded = decision.plan or {}
        rows = {
            "recorded": (
                int(recorded.get("shipments", 0)),
                int(recorded.get("splits", 0)),
                int(recorded.get("backordered_units", 0)),
            ),
            **{k: (p.shipments, p.splits, p.backordered_units) for k, p in plans.items()},
        }
        for name, (shipments, splits, backordered) in rows.items():
            t = totals[name]
            t["orders"] += 1
            t["shipments"] += shipments
            t["splits"] += splits
            t["backordered_units"] += backordered
            t["backordered_orders"] += 1 if backordered else 0
        if rows["live"] != rows["draft"]:
            changed.append(
                {
                    "order_id": decision.order_id,
                    "decision_id": decision.pk,
                    "live": rows["live"],
                    "draft": rows["draft"],
                }
            )
    return {"totals": totals, "changed": changed}
