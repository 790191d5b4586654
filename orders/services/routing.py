"""Routing and allocation: turn an order's open units into fulfillment requests.

`order_route` (building block; caller holds the order row lock) asks `routing_rules.plan_routing`
for a plan over the channel's warehouses, commits stock for each planned unit with
`inventory_services.commitment_create` (a conditional UPDATE — race-free; InsufficientStock means
a concurrent buyer won, and those units are backordered), creates or extends one fulfillment
request per warehouse, stores the RoutingDecision (candidates, reasons, scores, plan) and puts it
on the timeline. `backorders_allocate` retries backordered lines, highest priority then oldest
first, whenever stock arrives or is freed.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from common.types import Actor
from inventory import selectors as inventory_selectors
from inventory import services as inventory_services
from inventory.exceptions import InsufficientStock
from orders.choices import EventKind, HoldScope, RoutingTrigger, ShortagePolicy
from orders.exceptions import OrderRefused
from orders.locks import order_for_update
from orders.models import (
    FulfillmentRequest,
    FulfillmentRequestLine,
    Hold,
    Order,
    OrderLine,
    RoutingDecision,
    RoutingPolicy,
    WarehouseDistance,
)
from orders.routing_rules import Candidate, Plan, RoutingConfig, plan_routing
from orders.services.lifecycle import (
    fulfillment_requests_sync_holds,
    order_has_order_hold,
    order_status_refresh,
)
from orders.services.reservations import cart_reservations_convert_for_order
from orders.services.timeline import timeline_record
from orders.states import ACTIVE_FR_STATUSES, FulfillmentRequestStatus, OrderStatus

logger = logging.getLogger(__name__)
COMMITMENT_DOCUMENT = "order"


def routing_config_for(*, channel, draft: bool = False) -> RoutingConfig:  # type: ignore[no-untyped-def]
    """The live (or draft) routing configuration of a channel, with defaults."""
    policy = RoutingPolicy.objects.filter(channel=channel, is_draft=draft).first()
    if policy is None:
        return RoutingConfig(allow_split=channel.allows_split_shipments)
    return RoutingConfig(
        strategy=policy.strategy,
        allow_split=channel.allows_split_shipments
        if policy.allow_split is None
        else policy.allow_split,
        shortage_policy=policy.shortage_policy,
        max_distance_km=policy.max_distance_km,
    )


def _distances(*, warehouse_ids: list[int], address: dict) -> dict[int, int]:
    """Distance per warehouse to the ship-to: the most specific matching row of the table."""
    country = str(address.get("country", "")).upper()
    region = str(address.get("region") or address.get("state") or "").upper()
    postal = (
        str(address.get("postal_code") or address.get("postcode") or "").upper().replace(" ", "")
    )
    keys = {"", region} | {postal[:k] for k in range(1, len(postal) + 1)}
    best: dict[int, tuple[int, int]] = {}
    for row in WarehouseDistance.objects.filter(
        warehouse_id__in=warehouse_ids, country=country, region__in=keys
    ):
        specificity = len(row.region) + (100 if row.region and row.region == region else 0)
        if row.warehouse_id not in best or specificity > best[row.warehouse_id][0]:
            best[row.warehouse_id] = (specificity, row.distance_km)
    return {wid: d for wid, (_, d) in best.items()}


def routing_candidates(
    *, order: Order, product_ids: Iterable[int], exclude_warehouse_ids: Iterable[int] = ()
) -> list[Candidate]:
    """The channel's active warehouses with priority, distance to the ship-to and stock."""
    excluded = set(exclude_warehouse_ids)
    links = [
        link
        for link in order.channel.warehouse_links.select_related("warehouse").order_by(
            "priority", "warehouse_id"
        )
        if link.warehouse.is_active and link.warehouse_id not in excluded
    ]
    wids = [link.warehouse_id for link in links]
    available: dict[int, dict[int, int]] = defaultdict(dict)
    for bal in inventory_selectors.balances_for(product_ids=list(product_ids), warehouse_ids=wids):
        available[bal.warehouse_id][bal.product_id] = bal.available
    distances = _distances(warehouse_ids=wids, address=order.shipping_address or {})
    return [
        Candidate(
            warehouse_id=link.warehouse_id,
            code=link.warehouse.code,
            priority=link.priority,
            distance_km=distances.get(link.warehouse_id),
            available=dict(available.get(link.warehouse_id, {})),
        )
        for link in links
    ]


def held_line_ids(order: Order) -> set[int]:
    """Ids of the order's lines under an active line-scope hold."""
    return set(
        Hold.objects.filter(
            order=order, scope=HoldScope.LINES, released_at__isnull=True
        ).values_list("lines__id", flat=True)
    ) - {None}


def _request_for(
    *, order: Order, warehouse_id: int, decision: RoutingDecision | None
) -> FulfillmentRequest:
    """The order's not-yet-started request at this warehouse, or a new one."""
    existing = (
        order.fulfillment_requests.filter(
            warehouse_id=warehouse_id,
            status__in=[
                FulfillmentRequestStatus.OPEN,
                FulfillmentRequestStatus.ON_HOLD,
                FulfillmentRequestStatus.RELEASED,
            ],
        )
        .order_by("pk")
        .first()
    )
    if existing is not None:
        return existing
    n = order.fulfillment_requests.count() + 1
    return FulfillmentRequest.objects.create(
        order=order,
        warehouse_id=warehouse_id,
        number=f"{order.number}-F{n}",
        priority=order.priority,
        ship_by=order.promised_ship_by,
        service_level=order.service_level,
        routing_decision=decision,
    )


def allocate_line_units(
    *,
    order: Order,
    line: OrderLine,
    warehouse_id: int,
    quantity: int,
    actor: Actor,
    decision: RoutingDecision | None,
) -> FulfillmentRequestLine:
    """Commit `quantity` units of a line in a warehouse and add them to its request there.

    Raises InsufficientStock (nothing written) when the warehouse no longer has them.
    """
    commitment = inventory_services.commitment_create(
        product_id=line.product_id,
        warehouse_id=warehouse_id,
        quantity=quantity,
        document_type=COMMITMENT_DOCUMENT,
        document_ref=order.number,
        actor=actor,
    )
    request = _request_for(order=order, warehouse_id=warehouse_id, decision=decision)
    frl = FulfillmentRequestLine.objects.create(
        request=request,
        order_line=line,
        product_id=line.product_id,
        quantity=quantity,
        commitment=commitment,
    )
    line.quantity_allocated += quantity
    return frl


def order_route(
    *,
    order: Order,
    actor: Actor,
    trigger: str,
    exclude_warehouse_ids: Iterable[int] = (),
) -> RoutingDecision | None:
    """Route every open and backordered unit of the order's routable lines.

    Lines without a product or under an active line hold wait; an order-scope hold stops all
    routing. With shortage policy "refuse", an order being captured that cannot be allocated in
    full raises OrderRefused (the caller's transaction rolls back). A backorder retry that
    allocates nothing writes nothing. Caller holds the order row lock.
    """
    if order.status in (
        OrderStatus.CANCELLED,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
        OrderStatus.RETURNED,
        OrderStatus.NOTHING_TO_SHIP,
    ):
        return None
    if order_has_order_hold(order):
        return None
    cart_reservations_convert_for_order(order=order, actor=actor)
    held = held_line_ids(order)
    lines = [
        line
        for line in order.lines.filter(product__isnull=False, requires_shipping=True).order_by(
            "line_number"
        )
        if line.pk not in held and (line.quantity_open + line.quantity_backordered) > 0
    ]
    if not lines:
        return None
    need = {line.pk: line.quantity_open + line.quantity_backordered for line in lines}
    demand: dict[int, int] = defaultdict(int)
    for line in lines:
        demand[line.product_id] += need[line.pk]
    config = routing_config_for(channel=order.channel)
    candidates = routing_candidates(
        order=order, product_ids=demand.keys(), exclude_warehouse_ids=exclude_warehouse_ids
    )
    plan: Plan = plan_routing(demand=demand, candidates=candidates, config=config)
    if trigger == RoutingTrigger.BACKORDER and not plan.allocations:
        return None
    if (
        trigger == RoutingTrigger.CAPTURE
        and config.shortage_policy == ShortagePolicy.REFUSE
        and plan.backorder
    ):
        raise OrderRefused(
            "Not enough stock to fill this order and the channel does not take backorders.",
            backorder={str(p): q for p, q in plan.backorder.items()},
        )
    decision = RoutingDecision.objects.create(
        order=order,
        trigger=trigger,
        strategy=config.strategy,
        config=config.as_dict(),
        demand={str(p): q for p, q in demand.items()},
        candidates=plan.explanations,
        plan=plan.as_dict(),
        shipments=plan.shipments,
        backordered_units=plan.backordered_units,
        summary=plan.summary[:500],
        actor=actor.label[:150],
    )
    lost = 0
    by_product: dict[int, list[OrderLine]] = defaultdict(list)
    for line in lines:
        line.quantity_backordered = 0
        by_product[line.product_id].append(line)
    # Commit in (warehouse, product) order: balance rows are always locked in the same order,
    # so two orders allocating the same SKUs cannot deadlock.
    for wid in sorted(plan.allocations):
        units = plan.allocations[wid]
        for pid in sorted(units):
            qty = units[pid]
            left = qty
            for line in by_product[pid]:
                n = min(left, need[line.pk])
                if n <= 0:
                    continue
                try:
                    allocate_line_units(
                        order=order,
                        line=line,
                        warehouse_id=wid,
                        quantity=n,
                        actor=actor,
                        decision=decision,
                    )
                except InsufficientStock:
                    # A concurrent buyer took the units after we looked: they wait instead.
                    lost += n
                else:
                    need[line.pk] -= n
                left -= n
    backordered = 0
    for line in lines:
        line.quantity_backordered = need[line.pk]
        backordered += need[line.pk]
        line.save(update_fields=["quantity_allocated", "quantity_backordered", "updated_at"])
    if (
        trigger == RoutingTrigger.CAPTURE
        and config.shortage_policy == ShortagePolicy.REFUSE
        and backordered
    ):
        raise OrderRefused(
            "Not enough stock to fill this order and the channel does not take backorders.",
        )
    if lost:
        decision.summary = (decision.summary + f"; {lost} unit(s) lost to concurrent orders")[:500]
        decision.backordered_units = backordered
        decision.save(update_fields=["summary", "backordered_units"])
    timeline_record(
        order=order,
        kind=EventKind.ROUTED,
        actor=actor,
        message=f"Routing ({config.strategy}, {trigger}): {decision.summary}",
        data={"decision_id": decision.pk, "plan": plan.as_dict(), "candidates": plan.explanations},
    )
    if backordered:
        timeline_record(
            order=order,
            kind=EventKind.BACKORDERED,
            actor=actor,
            message=f"{backordered} unit(s) backordered",
            data={
                "lines": {
                    str(line.pk): line.quantity_backordered
                    for line in lines
                    if line.quantity_backordered
                }
            },
        )
    return decision


def order_progress(*, order: Order, actor: Actor, note: str = "") -> None:
    """Bring statuses up to date: order status, release unheld requests, order status again."""
    order_status_refresh(order=order, actor=actor, note=note)
    fulfillment_requests_sync_holds(order=order, actor=actor)
    order_status_refresh(order=order, actor=actor, note=note)


def order_route_and_progress(
    *, order: Order, actor: Actor, trigger: str, exclude_warehouse_ids: Iterable[int] = ()
) -> RoutingDecision | None:
    """Route (if nothing holds the order) and move statuses on. Caller holds the order lock."""
    if order.status == OrderStatus.RECEIVED and not order_has_order_hold(order):
        order_status_refresh(order=order, actor=actor)
    decision = order_route(
        order=order, actor=actor, trigger=trigger, exclude_warehouse_ids=exclude_warehouse_ids
    )
    order_progress(order=order, actor=actor)
    return decision


@transaction.atomic(durable=True)
def order_reroute(*, order_id: int, actor: Actor) -> RoutingDecision | None:
    """Re-run routing for one order's open and backordered units."""
    order = order_for_update(order_id)
    return order_route_and_progress(order=order, actor=actor, trigger=RoutingTrigger.BACKORDER)


def backorders_allocate(
    *,
    product_ids: Iterable[int] | None = None,
    actor: Actor | None = None,
    limit: int | None = None,
) -> int:
    """Allocate backordered lines now that stock arrived or was freed.

    Orders are tried highest priority first, then oldest first, each in its own short
    transaction (so one order's locks are never held while another is routed). Returns the
    number of orders that received units. Safe to run concurrently and repeatedly.
    """
    actor = actor or Actor.system("backorder-allocator")
    qs = OrderLine.objects.filter(
        quantity_backordered__gt=0,
        order__status__in=[
            OrderStatus.BACKORDERED,
            OrderStatus.PARTIALLY_ALLOCATED,
            OrderStatus.RELEASED,
            OrderStatus.IN_FULFILLMENT,
            OrderStatus.PARTIALLY_SHIPPED,
            OrderStatus.ALLOCATED,
        ],
    )
    if product_ids is not None:
        qs = qs.filter(product_id__in=list(product_ids))
    # Only products that have some available stock somewhere can be served: skip the rest
    # without touching their orders (one query instead of one routing run per order).
    wanted = set(qs.values_list("product_id", flat=True).distinct())
    in_stock = {
        bal.product_id
        for bal in inventory_selectors.balances_for(product_ids=wanted)
        if bal.available > 0
    }
    qs = qs.filter(product_id__in=in_stock)
    order_ids: list[int] = []
    seen: set[int] = set()
    for oid in qs.order_by("-order__priority", "order__placed_at", "order_id").values_list(
        "order_id", flat=True
    ):
        if oid not in seen:
            seen.add(oid)
            order_ids.append(oid)
    served = 0
    for oid in order_ids[:limit] if limit else order_ids:
        with transaction.atomic(durable=True):
            order = order_for_update(oid)
            before = sum(order.lines.values_list("quantity_backordered", flat=True))
            decision = order_route(order=order, actor=actor, trigger=RoutingTrigger.BACKORDER)
            if decision is None:
                continue
            order_progress(order=order, actor=actor, note="backorder allocated")
            after = sum(order.lines.values_list("quantity_backordered", flat=True))
            if after < before:
                served += 1
    return served


def active_request_count(order: Order) -> int:
    """How many of the order's fulfillment requests are still active."""
    return order.fulfillment_requests.filter(status__in=ACTIVE_FR_STATUSES).count()
