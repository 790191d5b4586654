"""Set-based order capture: load the context in a few reads, decide in memory, write once.

`orders_capture_set` captures one or many orders of a channel (issue 12 items 1 and 4):

1. reads: the channel with its warehouses and live routing policy (one query), the products
   by SKU, the fraud velocity of the customers, the balances of the lines' SKUs, the distance
   table, the channels listening to the stock that moves;
2. pure decisions per order, in memory: lines, the rules' holds, the routing plan (the same
   `routing_rules.plan_routing` and explanations as `order_route`), the allocation of units to
   lines, the status path (`lifecycle.capture_status_steps`) and the timeline rows;
3. writes, inside one savepoint: orders, lines, holds, routing decisions, fulfillment requests,
   commitments, request lines and timeline rows by `bulk_create`, one outbox upsert, and, as
   the last statement before COMMIT, one conditional `UPDATE … FROM (VALUES …) … RETURNING`
   on the balances. A balance that turns out short (a concurrent buyer won) rolls the
   savepoint back and the batch is planned again on fresh balances: never oversold. The
   savepoint is also where a concurrent duplicate (channel, external id) or an order number
   collision is caught and retried.

Timeline rows, routing decisions, hold reasons and outbox messages are the ones the stepwise
path (`order_route_and_progress`) writes, one per transition.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Subquery

from channels_sync import outbox
from common import money
from common.types import Actor
from inventory import selectors as inventory_selectors
from inventory import services as inventory_services
from notifications import outbox as notification_outbox
from orders.choices import EventKind, FulfilledBy, RoutingTrigger, ShortagePolicy
from orders.exceptions import InvalidOrderData, OrderRefused
from orders.models import (
    FulfillmentRequest,
    FulfillmentRequestLine,
    Hold,
    Order,
    OrderEvent,
    OrderLine,
    RoutingDecision,
    RoutingPolicy,
    WarehouseDistance,
)
from orders.routing_rules import Candidate, RoutingConfig, plan_routing
from orders.services.holds import (
    RULES_ACTOR,
    capture_hold_events,
    capture_holds_build,
    fraud_results_for_new,
)
from orders.services.idempotency import idempotency_record_order
from orders.services.lifecycle import (
    allocation_status,
    capture_status_steps,
    fulfillment_request_capture_release,
    order_capture_status,
)
from orders.services.timeline import timeline_event, timeline_events_record
from orders.states import OrderStatus

COMMITMENT_DOCUMENT = "order"
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_ORDER_FIELDS_SKIPPED = ("lines", "reservation_token", "cancelled_at", "cancel_reason")


def _new_number() -> str:
    return "SO-" + "".join(secrets.choice(_ALPHABET) for _ in range(8))


def _channel_model():  # type: ignore[no-untyped-def]
    # Other apps' models only through FK relations (STYLE.md B3).
    return Order._meta.get_field("channel").related_model


@dataclass
class Context:
    """What capture needs to know about the channel, read once per call."""

    channel: Any
    links: list[Any]  # active ChannelWarehouse rows (with warehouse), by priority
    config: RoutingConfig
    pushed: bool


def _config(channel: Any, row: Any) -> RoutingConfig:
    if not row.p_exists:
        return RoutingConfig(allow_split=channel.allows_split_shipments)
    return RoutingConfig(
        strategy=row.p_strategy,
        allow_split=channel.allows_split_shipments if row.p_split is None else row.p_split,
        shortage_policy=row.p_shortage,
        max_distance_km=row.p_max,
    )


def _policy_annotations(channel_ref: str) -> dict[str, Any]:
    live = RoutingPolicy.objects.filter(channel_id=OuterRef(channel_ref), is_draft=False)
    return {
        "p_exists": Exists(live),
        "p_strategy": Subquery(live.values("strategy")[:1]),
        "p_split": Subquery(live.values("allow_split")[:1]),
        "p_shortage": Subquery(live.values("shortage_policy")[:1]),
        "p_max": Subquery(live.values("max_distance_km")[:1]),
    }


def capture_context(*, channel_id: int) -> Context:
    """The channel, its active warehouses by priority and its live routing policy: one query
    (two for a channel without warehouses). Raises InvalidOrderData for an unknown channel."""
    channel_model = _channel_model()
    link_model = channel_model._meta.get_field("warehouse_links").related_model
    links = list(
        link_model.objects.filter(channel_id=channel_id)
        .select_related("channel", "warehouse")
        .annotate(**_policy_annotations("channel_id"))
        .order_by("priority", "warehouse_id")
    )
    if links:
        channel, row = links[0].channel, links[0]
    else:
        row = channel_model.objects.filter(pk=channel_id).annotate(**_policy_annotations("pk"))
        row = row.first()
        if row is None:
            raise InvalidOrderData(
                f"Channel {channel_id} does not exist.", fields={"channel": ["unknown"]}
            )
        channel = row
    return Context(
        channel=channel,
        links=[link for link in links if link.warehouse.is_active],
        config=_config(channel, row),
        pushed=outbox.channel_is_pushed(channel),
    )


def _distance_keys(address: dict) -> tuple[str, str, set[str]]:
    country = str(address.get("country", "")).upper()
    region = str(address.get("region") or address.get("state") or "").upper()
    postal = (
        str(address.get("postal_code") or address.get("postcode") or "").upper().replace(" ", "")
    )
    return country, region, {"", region} | {postal[:k] for k in range(1, len(postal) + 1)}


def _distance_rows(*, warehouse_ids: list[int], addresses: list[dict]) -> list[WarehouseDistance]:
    countries: set[str] = set()
    regions: set[str] = set()
    for address in addresses:
        country, _, keys = _distance_keys(address)
        countries.add(country)
        regions |= keys
    if not warehouse_ids or not countries:
        return []
    return list(
        WarehouseDistance.objects.filter(
            warehouse_id__in=warehouse_ids, country__in=countries, region__in=regions
        )
    )


def distances_pick(*, rows: list[WarehouseDistance], address: dict) -> dict[int, int]:
    """Distance per warehouse to the ship-to: the most specific matching row (pure; the same
    rule as routing's `_distances`)."""
    country, region, keys = _distance_keys(address)
    best: dict[int, tuple[int, int]] = {}
    for row in rows:
        if row.country != country or row.region not in keys:
            continue
        specificity = len(row.region) + (100 if row.region and row.region == region else 0)
        if row.warehouse_id not in best or specificity > best[row.warehouse_id][0]:
            best[row.warehouse_id] = (specificity, row.distance_km)
    return {wid: d for wid, (_, d) in best.items()}


@dataclass
class Draft:
    """One order decided in memory, ready to insert."""

    index: int
    clean: dict[str, Any]
    order: Order
    lines: list[OrderLine] = field(default_factory=list)
    holds: list[Hold] = field(default_factory=list)
    decision: RoutingDecision | None = None
    requests: list[FulfillmentRequest] = field(default_factory=list)
    # (order line, warehouse id, units, commitment, request[, request line once written])
    allocations: list[list[Any]] = field(default_factory=list)
    timeline: list[OrderEvent | Callable[[], list[OrderEvent]]] = field(default_factory=list)
    backordered: int = 0
    cancelled: bool = False
    idempotency_key_id: int | None = None


def build_lines(
    clean: dict[str, Any], order: Order, products: dict[str, Any], cancelled: bool
) -> tuple[list[OrderLine], list[str]]:
    """The order's lines from its clean data, and the shippable SKUs no product matched
    (`products`: SKU → product, already loaded)."""
    unknown = []
    rows = []
    for number, line in enumerate(clean["lines"], start=1):
        product = None
        if line["requires_shipping"] and line["sku"]:
            product = products.get(line["sku"])
        if product is None and line["requires_shipping"]:
            unknown.append(line["sku"] or f"(line {number} without a SKU: {line['name'][:60]})")
        rows.append(
            OrderLine(
                order=order,
                line_number=number,
                sku=line["sku"],
                product=product,
                name=line["name"] or (product.name if product else ""),
                kind=line["kind"],
                requires_shipping=line["requires_shipping"],
                unit_price=line["unit_price"],
                quantity=line["quantity"],
                quantity_cancelled=line["quantity"] if cancelled else 0,
                line_subtotal=line["line_subtotal"],
                discount_total=line["discount_total"],
                tax_total=line["tax_total"],
                discount_allocations=line["discount_allocations"],
                tax_lines=line["tax_lines"],
                presentment=line["presentment"],
                external_line_id=line["external_line_id"],
            )
        )
    return rows, unknown


def _route(
    draft: Draft,
    *,
    ctx: Context,
    available: dict[int, dict[int, int]],
    distances: list[WarehouseDistance],
    actor: Actor,
    lost: int,
) -> None:
    """Plan and allocate the draft's lines in memory (the same plan `order_route` makes)."""
    order = draft.order
    lines = [line for line in draft.lines if line.product is not None and line.requires_shipping]
    need = {id(line): line.quantity - line.quantity_cancelled for line in lines}
    demand: dict[int, int] = defaultdict(int)
    for line in lines:
        demand[line.product.pk] += need[id(line)]
    picked = distances_pick(rows=distances, address=order.shipping_address or {})
    candidates = [
        Candidate(
            warehouse_id=link.warehouse_id,
            code=link.warehouse.code,
            priority=link.priority,
            distance_km=picked.get(link.warehouse_id),
            available={
                pid: n for pid, n in available.get(link.warehouse_id, {}).items() if pid in demand
            },
        )
        for link in ctx.links
    ]
    config = ctx.config
    plan = plan_routing(demand=demand, candidates=candidates, config=config)
    if config.shortage_policy == ShortagePolicy.REFUSE and plan.backorder:
        if lost:
            raise OrderRefused(
                "Not enough stock to fill this order and the channel does not take backorders."
            )
        raise OrderRefused(
            "Not enough stock to fill this order and the channel does not take backorders.",
            backorder={str(p): q for p, q in plan.backorder.items()},
        )
    summary = plan.summary
    if lost:
        summary = f"{summary}; {lost} unit(s) lost to concurrent orders"
    decision = RoutingDecision(
        order=order,
        trigger=RoutingTrigger.CAPTURE,
        strategy=config.strategy,
        config=config.as_dict(),
        demand={str(p): q for p, q in demand.items()},
        candidates=plan.explanations,
        plan=plan.as_dict(),
        shipments=plan.shipments,
        backordered_units=plan.backordered_units,
        summary=summary[:500],
        actor=actor.label[:150],
    )
    draft.decision = decision
    codes = {link.warehouse_id: link.warehouse.code for link in ctx.links}
    by_product: dict[int, list[OrderLine]] = defaultdict(list)
    for line in lines:
        by_product[line.product.pk].append(line)
    # (warehouse, product) order, as order_route commits them.
    for wid in sorted(plan.allocations):
        request = None
        for pid in sorted(plan.allocations[wid]):
            left = plan.allocations[wid][pid]
            for line in by_product[pid]:
                n = min(left, need[id(line)])
                if n <= 0:
                    continue
                if request is None:
                    request = FulfillmentRequest(
                        order=order,
                        warehouse_id=wid,
                        number=f"{order.number}-F{len(draft.requests) + 1}",
                        priority=order.priority,
                        ship_by=order.promised_ship_by,
                        service_level=order.service_level,
                        routing_decision=decision,
                    )
                    draft.requests.append(request)
                draft.allocations.append([line, wid, n, None, request])
                line.quantity_allocated += n
                need[id(line)] -= n
                available[wid][pid] = available[wid].get(pid, 0) - n
                left -= n
    backordered = 0
    for line in lines:
        line.quantity_backordered = need[id(line)]
        backordered += need[id(line)]
    draft.backordered = backordered
    decision.backordered_units = backordered
    active = sum(line.quantity - line.quantity_cancelled for line in lines)
    allocated = sum(line.quantity_allocated for line in lines)
    alloc = allocation_status(active=active, allocated=allocated)

    def routed() -> list[OrderEvent]:
        events = [
            timeline_event(
                order=order,
                kind=EventKind.ROUTED,
                actor=actor,
                message=f"Routing ({config.strategy}, {RoutingTrigger.CAPTURE}): "
                f"{decision.summary}",
                data={
                    "decision_id": decision.pk,
                    "plan": plan.as_dict(),
                    "candidates": plan.explanations,
                },
            )
        ]
        if backordered:
            events.append(
                timeline_event(
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
            )
        return events

    steps = capture_status_steps(
        held=False, routed=True, alloc=alloc, released=bool(draft.requests)
    )
    # ready, then the routing rows, then the allocation status, the requests, released.
    draft.timeline += order_capture_status(order=order, steps=steps[:1], actor=actor)
    draft.timeline.append(routed)
    rest = steps[1:]
    if draft.requests and rest and rest[-1] == OrderStatus.RELEASED:
        draft.timeline += order_capture_status(order=order, steps=rest[:-1], actor=actor)
        draft.timeline += [
            fulfillment_request_capture_release(
                request=request,
                order=order,
                warehouse_code=codes[request.warehouse_id],
                actor=actor,
            )
            for request in draft.requests
        ]
        draft.timeline += order_capture_status(order=order, steps=rest[-1:], actor=actor)
    else:
        draft.timeline += order_capture_status(order=order, steps=rest, actor=actor)


def _draft(
    *,
    index: int,
    clean: dict[str, Any],
    ctx: Context,
    products: dict[str, Any],
    fraud: Any,
    available: dict[int, dict[int, int]],
    distances: list[WarehouseDistance],
    actor: Actor,
    exchange_for_id: int | None,
    lost: int,
) -> Draft:
    fields = {k: v for k, v in clean.items() if k not in _ORDER_FIELDS_SKIPPED}
    order = Order(
        channel=ctx.channel,
        number=_new_number(),
        exchange_for_id=exchange_for_id,
        status=OrderStatus.RECEIVED,
        **fields,
    )
    cancelled = clean["cancelled_at"] is not None
    lines, unknown = build_lines(clean, order, products, cancelled)
    draft = Draft(index=index, clean=clean, order=order, lines=lines, cancelled=cancelled)
    draft.timeline.append(
        timeline_event(
            order=order,
            kind=EventKind.CREATED,
            actor=actor,
            message=f"Order {order.number} received from {ctx.channel.code} "
            f"({clean['external_id']})",
            data={
                "external_id": order.external_id,
                "lines": len(clean["lines"]),
                "total": money.fmt(order.total, order.currency),
                "currency": order.currency,
            },
        )
    )
    shippable = [line for line in clean["lines"] if line["requires_shipping"]]
    if cancelled:
        # The channel's first copy is already cancelled: recorded, never fulfilled.
        draft.timeline += order_capture_status(
            order=order,
            steps=[OrderStatus.CANCELLED],
            actor=actor,
            note=clean["cancel_reason"] or "cancelled at the channel",
        )
        return draft
    if order.fulfilled_by == FulfilledBy.CHANNEL or not shippable:
        # Recorded for customer service and reporting; no hold, no routing, no stock.
        note = (
            "fulfilled by the channel"
            if order.fulfilled_by == FulfilledBy.CHANNEL
            else "no line needs shipping"
        )
        draft.timeline += order_capture_status(
            order=order, steps=[OrderStatus.NOTHING_TO_SHIP], actor=actor, note=note
        )
        return draft
    rules = Actor.system(RULES_ACTOR)
    draft.holds = capture_holds_build(order=order, unknown_skus=unknown, fraud=fraud, actor=rules)
    if fraud.score:
        order.fraud_score = min(fraud.score, 32767)
    if draft.holds:
        holds = draft.holds
        draft.timeline.append(lambda: capture_hold_events(holds=holds, actor=rules))
        draft.timeline += order_capture_status(
            order=order,
            steps=capture_status_steps(held=True, routed=False, alloc="", released=False),
            actor=actor,
        )
        return draft
    _route(draft, ctx=ctx, available=available, distances=distances, actor=actor, lost=lost)
    return draft


class _Retry(Exception):
    """Raised inside the savepoint: roll back and plan again (short stock, number clash)."""

    def __init__(self, short: set[tuple[int, int]] | None = None) -> None:
        super().__init__("retry")
        self.short = short or set()


def _write(drafts: list[Draft], *, ctx: Context) -> None:
    """Insert the drafts (one statement per table) and commit their stock last."""
    orders = [d.order for d in drafts]
    try:
        with transaction.atomic():
            _insert_orders(orders)
            OrderLine.objects.bulk_create([line for d in drafts for line in d.lines])
            holds = [hold for d in drafts for hold in d.holds]
            if holds:
                Hold.objects.bulk_create(holds)
            decisions = [d.decision for d in drafts if d.decision is not None]
            if decisions:
                RoutingDecision.objects.bulk_create(decisions)
            requests = [r for d in drafts for r in d.requests]
            if requests:
                FulfillmentRequest.objects.bulk_create(requests)
            allocations = [a for d in drafts for a in d.allocations]
            quantities: dict[tuple[int, int], int] = defaultdict(int)
            entries: list[tuple[int, str, str, dict]] = []
            if allocations:
                commitments = inventory_services.commitments_bulk_build(
                    rows=[(a[0].product_id, a[1], a[2]) for a in allocations],
                    document_type=COMMITMENT_DOCUMENT,
                    document_ref="",
                )
                for a, commitment in zip(allocations, commitments, strict=True):
                    commitment.document_ref = a[0].order.number
                    a[3] = commitment
                    quantities[(a[0].product_id, a[1])] += a[2]
                inventory_services.commitments_bulk_insert(commitments=commitments)
                frls = [
                    FulfillmentRequestLine(
                        request=a[4],
                        order_line=a[0],
                        product_id=a[0].product_id,
                        quantity=a[2],
                        commitment=a[3],
                    )
                    for a in allocations
                ]
                FulfillmentRequestLine.objects.bulk_create(frls)
                for a, frl in zip(allocations, frls, strict=True):
                    a.append(frl)
                listeners = outbox.stock_listeners_many(pairs=set(quantities))
                for (pid, _wid), channel_ids in sorted(listeners.items()):
                    entries += outbox.stock_entries(channel_ids=channel_ids, product_id=pid)
            events: list[OrderEvent] = []
            for d in drafts:
                for item in d.timeline:
                    events.extend(item() if callable(item) else [item])
            timeline_events_record(events=events)
            for d in drafts:
                if d.idempotency_key_id is not None:
                    idempotency_record_order(
                        row_id=d.idempotency_key_id, order_id=d.order.pk, status=201
                    )
                    d.order.idempotency_recorded = True  # type: ignore[attr-defined]
                if d.cancelled:
                    notification_outbox.order_cancelled(
                        order_id=d.order.pk, channel_id=d.order.channel_id
                    )
                entries += outbox.order_status_entry(
                    order_id=d.order.pk,
                    channel_id=d.order.channel_id,
                    status=str(d.order.status),
                    pushed=ctx.pushed,
                )
            outbox.enqueue_many(entries)
            # Last statement before COMMIT: the hot balance rows are locked from here on.
            short = inventory_services.balances_commit_many(quantities=dict(quantities))
            if short:
                raise _Retry(short)
    except IntegrityError as exc:
        raise _Retry() from exc


def _insert_orders(orders: list[Order]) -> None:
    Order.objects.bulk_create(orders)


@dataclass
class Result:
    """One order's outcome: the order (created or existing) or the domain error."""

    order: Order | None = None
    created: bool = False
    error: Exception | None = None


def orders_capture_set(
    *,
    channel_id: int,
    cleans: list[dict[str, Any] | Exception],
    actor: Actor,
    exchange_for_id: int | None = None,
    idempotency_key_ids: list[int | None] | None = None,
    precheck: bool = True,
) -> list[Result]:
    """Capture cleaned orders of one channel set-based (see the module docstring).

    `cleans` holds `capture._clean` results (or the exception cleaning raised, reported back
    in place). An existing (channel, external id) — stored, or earlier in the batch — is
    returned with created False. Per-order domain errors (OrderRefused) are reported in
    place; the other orders are written. Caller holds a transaction.
    """
    ctx = capture_context(channel_id=channel_id)
    results = [Result(error=c) if isinstance(c, Exception) else Result() for c in cleans]
    keys = idempotency_key_ids or [None] * len(cleans)
    skus = {
        line["sku"]
        for c in cleans
        if isinstance(c, dict)
        for line in c["lines"]
        if line["requires_shipping"] and line["sku"]
    }
    products = inventory_selectors.products_by_sku(skus=skus)
    for sku in sorted(skus - set(products)):
        product = inventory_selectors.product_get_by_code(code=sku)
        if product is not None:
            products[sku] = product
    wids = [link.warehouse_id for link in ctx.links]
    product_ids = sorted({p.pk for p in products.values()})
    short_seen: dict[tuple[int, int], int] = defaultdict(int)
    first_backordered: dict[int, int] = {}
    distances: list[WarehouseDistance] | None = None
    fraud: list[Any] | None = None
    for _attempt in range(50):
        pending = [i for i, r in enumerate(results) if r.error is None and r.order is None]
        if not pending:
            return results
        existing: dict[str, Order] = {}
        if precheck:
            existing = {
                o.external_id: o
                for o in Order.objects.filter(
                    channel_id=channel_id,
                    external_id__in=[cleans[i]["external_id"] for i in pending],  # type: ignore[index]
                )
            }
        todo: list[int] = []
        first: dict[str, int] = {}
        for i in pending:
            ext = cleans[i]["external_id"]  # type: ignore[index]
            if ext in existing:
                results[i] = Result(order=existing[ext], created=False)
            elif ext in first:
                continue  # answered by the first one once it is written
            else:
                first[ext] = i
                todo.append(i)
        if not todo:
            continue
        balances = inventory_selectors.balances_for(product_ids=product_ids, warehouse_ids=wids)
        available: dict[int, dict[int, int]] = defaultdict(dict)
        for bal in balances.select_related(None).only(
            "product_id", "warehouse_id", "on_hand", "committed", "unavailable"
        ):
            n = bal.available
            if short_seen.get((bal.product_id, bal.warehouse_id), 0) >= 2:
                n = 0  # lost twice to concurrent buyers: plan around it
            available[bal.warehouse_id][bal.product_id] = n
        if distances is None:
            distances = _distance_rows(
                warehouse_ids=wids,
                addresses=[cleans[i]["shipping_address"] or {} for i in todo],  # type: ignore[index]
            )
        if fraud is None:
            probes = [
                Order(**{k: v for k, v in c.items() if k not in _ORDER_FIELDS_SKIPPED})
                if isinstance(c, dict)
                else None
                for c in cleans
            ]
            scored = fraud_results_for_new(orders=[p for p in probes if p is not None])
            it = iter(scored)
            fraud = [next(it) if p is not None else None for p in probes]
        drafts = []
        for i in todo:
            try:
                draft = _draft(
                    index=i,
                    clean=cleans[i],  # type: ignore[arg-type]
                    ctx=ctx,
                    products=products,
                    fraud=fraud[i],
                    available=available,
                    distances=distances,
                    actor=actor,
                    exchange_for_id=exchange_for_id,
                    lost=0,
                )
            except OrderRefused as exc:
                results[i] = Result(error=exc)
                continue
            if i in first_backordered and draft.backordered > first_backordered[i]:
                lost = draft.backordered - first_backordered[i]
                draft = _draft(
                    index=i,
                    clean=cleans[i],  # type: ignore[arg-type]
                    ctx=ctx,
                    products=products,
                    fraud=fraud[i],
                    available=_restore(available, draft),
                    distances=distances,
                    actor=actor,
                    exchange_for_id=exchange_for_id,
                    lost=lost,
                )
            first_backordered.setdefault(i, draft.backordered)
            draft.idempotency_key_id = keys[i]
            drafts.append(draft)
        if not drafts:
            continue
        try:
            _write(drafts, ctx=ctx)
        except _Retry as retry:
            for pair in retry.short:
                short_seen[pair] += 1
            precheck = True
            continue
        warehouses = {link.warehouse_id: link.warehouse for link in ctx.links}
        for d in drafts:
            _attach(d, warehouses)
            results[d.index] = Result(order=d.order, created=True)
        # Later copies of an external id in the batch answer with the first one's order.
        for i in pending:
            if results[i].order is None and results[i].error is None:
                ext = cleans[i]["external_id"]  # type: ignore[index]
                results[i] = Result(order=results[first[ext]].order, created=False)
    raise InvalidOrderData("Could not capture the orders; retry.", code="capture_contention")


def _restore(available: dict[int, dict[int, int]], draft: Draft) -> dict[int, dict[int, int]]:
    # Give back what the draft took, so it can be planned again with its lost units named.
    for a in draft.allocations:
        available[a[1]][a[0].product.pk] = available[a[1]].get(a[0].product.pk, 0) + a[2]
    return available


def _attach(draft: Draft, warehouses: dict[int, Any]) -> None:
    # Keep the rows just written on the order, for `order_with_captured_rows`.
    frls: dict[int, list[FulfillmentRequestLine]] = defaultdict(list)
    for a in draft.allocations:
        frls[id(a[4])].append(a[5])
    draft.order._captured_rows = (  # type: ignore[attr-defined]
        sorted(draft.lines, key=lambda line: line.line_number),
        [
            (request, warehouses[request.warehouse_id], frls[id(request)])
            for request in draft.requests
        ],
        list(draft.holds),
    )


def _cached(manager: Any, rows: list[Any]) -> Any:
    qs = manager.get_queryset()
    qs._result_cache = rows
    qs._prefetch_done = True
    return qs


def order_with_captured_rows(*, order: Order) -> Order | None:
    """The order just captured by this process with its lines, active holds and fulfillment
    requests attached as `orders.selectors.order_list_for_api` prefetches them, so the API
    answers without reading them back; None when the order was not captured here."""
    rows = getattr(order, "_captured_rows", None)
    if rows is None:
        return None
    lines, requests, holds = rows
    for request, warehouse, request_lines in requests:
        request.warehouse = warehouse
        request.order = order
        request._prefetched_objects_cache = {"lines": _cached(request.lines, request_lines)}
    for hold in holds:
        hold._prefetched_objects_cache = {"lines": _cached(hold.lines, [])}
    order._prefetched_objects_cache = {
        "lines": _cached(order.lines, lines),
        "fulfillment_requests": _cached(order.fulfillment_requests, [r for r, _, _ in requests]),
    }
    order.active_holds = holds  # type: ignore[attr-defined]
    return order
