"""OMS reads shared by the API, the ops/CS screens and the WMS."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower, Right, Upper

from orders.choices import HoldKind, HoldScope, RoutingTrigger
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


def order_id_for_channel_order(*, channel_id: int, external_id: str) -> int | None:
    """The id of the channel's order with that external id, if it was captured."""
    return (
        Order.objects.filter(channel_id=channel_id, external_id=external_id)
        .values_list("pk", flat=True)
        .first()
    )


def order_channel_exception(*, order_id: int) -> Hold | None:
    """The open exception a channel update left on the order (a cancel after pick, an address
    change after pack), if any: packing and shipping refuse while it is open."""
    return (
        Hold.objects.filter(
            order_id=order_id,
            kind__in=[HoldKind.LATE_CANCEL, HoldKind.LATE_CHANGE],
            released_at__isnull=True,
        )
        .order_by("pk")
        .first()
    )


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


# --- the order list: keyset pages on an index per filter --------------------------------------

# The columns a list row shows; everything nested (lines, holds, fulfillment) is the detail's.
ORDER_LIST_COLUMNS = (
    "id",
    "number",
    "external_id",
    "channel_id",
    "status",
    "customer_name",
    "customer_email",
    "customer_phone",
    "currency",
    "total",
    "payment_status",
    "service_level",
    "priority",
    "placed_at",
    "promised_ship_by",
    "created_at",
)

# Each ordering is newest first on an index: the pk, or (time, id) for a window on that time.
ORDER_LIST_ORDERINGS: dict[str, tuple[str, ...]] = {
    "id": ("id",),
    "placed": ("placed_at", "id"),
    "promised": ("promised_ship_by", "id"),
    "created": ("created_at", "id"),
}


@dataclass(frozen=True)
class OrderListPage:
    """One page of list rows (dicts of ORDER_LIST_COLUMNS plus `channel`), newest first."""

    rows: list[dict[str, Any]]
    ordering: str
    has_more: bool  # rows beyond this page in the direction read


def order_list_ordering(filters: dict[str, Any]) -> str:
    """The ordering a filter set pages by: a window on a time orders by that time."""
    for name, prefix in (("placed", "placed"), ("promised", "promised"), ("created", "created")):
        if filters.get(f"{prefix}_after") or filters.get(f"{prefix}_before"):
            return name
    return "id"


def _keyset(ordering: str, key: tuple[Any, ...], backwards: bool) -> Q | RawSQL:
    """Rows after `key` in the page direction (`backwards`: before it), as an index condition."""
    op = ">" if backwards else "<"
    if ordering == "id":
        return Q(id__gt=key[0]) if backwards else Q(id__lt=key[0])
    column = ORDER_LIST_ORDERINGS[ordering][0]
    # As the database stores the time (SQLite: a UTC text), since a raw parameter is not
    # converted by the field.
    when = Order._meta.get_field(column).get_db_prep_value(key[0], connection)
    # A row comparison is one range on the (time, id) index; (a < x OR a = x AND id < y) is not.
    # The column comes from ORDER_LIST_ORDERINGS, the values are parameters.
    return RawSQL(  # noqa: S611
        f'("orders_order"."{column}", "orders_order"."id") {op} (%s, %s)',
        [when, key[1]],
        output_field=BooleanField(),
    )


def order_list_filter(
    *,
    queryset: QuerySet[Order],
    filters: dict[str, Any],
    id_bound: tuple[str, int] | None = None,
) -> QuerySet[Order]:
    """Apply the order list's filters, each on its own index (docs/orders.md).

    `id_bound` (`"lt"`/`"gt"`, id) repeats the keyset position inside the sub-queries of the
    filters on other tables (SKU, warehouse, hold kind), so each reads its index from the
    cursor on instead of every row of that SKU, warehouse or kind.
    """
    qs = queryset
    f = filters
    if f.get("status"):
        qs = qs.filter(status__in=f["status"])
    if f.get("channel"):
        # The channel's id as a literal, not a join on its code: the planner then reads a
        # small channel through the (channel, id) index instead of walking every order.
        found = list(
            Order.objects.filter(channel__code=f["channel"])
            .order_by()
            .values_list("channel_id", flat=True)[:1]
        )
        qs = qs.filter(channel_id=found[0]) if found else qs.none()
    if f.get("email"):
        # Matches the LOWER(customer_email) index; `iexact` would compile to UPPER() = UPPER().
        qs = qs.alias(email_lower=Lower("customer_email")).filter(
            email_lower=f["email"].strip().lower()
        )
    if f.get("number"):
        qs = qs.filter(number=f["number"].strip().upper())  # issued upper-case: unique index
    if f.get("external_id"):
        qs = qs.alias(external_upper=Upper("external_id")).filter(
            external_upper=f["external_id"].strip().upper()
        )
    for name, column in (("placed", "placed_at"), ("promised", "promised_ship_by")):
        if f.get(f"{name}_after"):
            qs = qs.filter(**{f"{column}__gte": f[f"{name}_after"]})
        if f.get(f"{name}_before"):
            qs = qs.filter(**{f"{column}__lt": f[f"{name}_before"]})
    if f.get("created_after"):
        qs = qs.filter(created_at__gte=f["created_after"])
    if f.get("created_before"):
        qs = qs.filter(created_at__lt=f["created_before"])
    for sub in _other_table_filters(filters=f, id_bound=id_bound):
        qs = qs.filter(pk__in=sub) if sub is not None else qs.none()
    return qs


OTHER_TABLE_FILTERS = ("sku", "warehouse", "hold_kind")


def _other_table_filters(
    *, filters: dict[str, Any], id_bound: tuple[str, int] | None
) -> list[QuerySet[Any] | None]:
    """Order ids (newest first) from the (key, order_id) index of each filter on another table;
    None for a key that matches nothing (an unknown warehouse)."""
    f = filters
    bound = {f"order_id__{id_bound[0]}": id_bound[1]} if id_bound else {}
    subs: list[QuerySet[Any] | None] = []
    if f.get("sku"):
        subs.append(OrderLine.objects.filter(sku=f["sku"], **bound))
    if f.get("warehouse"):
        warehouse_id = list(
            FulfillmentRequest.objects.filter(warehouse__code=f["warehouse"])
            .order_by()
            .values_list("warehouse_id", flat=True)[:1]
        )
        subs.append(
            FulfillmentRequest.objects.filter(warehouse_id=warehouse_id[0], **bound)
            if warehouse_id
            else None
        )
    if f.get("hold_kind"):
        subs.append(Hold.objects.filter(kind=f["hold_kind"], released_at__isnull=True, **bound))
    return [None if sub is None else sub.order_by("-order_id").values("order_id") for sub in subs]


def order_list_page(
    *,
    filters: dict[str, Any],
    channel_id: int | None = None,
    after: tuple[Any, ...] | None = None,
    backwards: bool = False,
    limit: int = 50,
) -> OrderListPage:
    """One page of the order list: `limit` rows from the keyset position `after`, newest first.

    The ordering follows the filters (order_list_ordering); `after` is the ordering's key of
    the row the page starts after (`backwards`: the rows just before it, still returned newest
    first). Never counts. Several statuses are read one status at a time on the (status, id)
    index and merged, since an `IN` over several cannot come out of one index in id order.
    """
    ordering = order_list_ordering(filters)
    fields = ORDER_LIST_ORDERINGS[ordering]
    sign = "" if backwards else "-"
    order_by = [sign + name for name in fields]
    base = Order.objects.all()
    if channel_id is not None:
        base = base.filter(channel_id=channel_id)
    id_bound = None
    if after is not None and ordering == "id":
        id_bound = ("gt" if backwards else "lt", after[0])
    statuses = list(filters.get("status") or [])
    others = {k: v for k, v in filters.items() if k != "status"}
    given = [k for k, v in filters.items() if v not in (None, "", [])]
    if ordering == "id" and len(given) == 1 and given[0] in OTHER_TABLE_FILTERS:
        # The only filter is on another table: its index yields the page's order ids in order
        # (distinct, from the cursor on), so read those first and then only their rows. The
        # planner, left to join, may fetch every order of a popular SKU and sort them.
        (sub,) = _other_table_filters(filters=others, id_bound=id_bound)
        if sub is not None:
            sub = sub.order_by("order_id" if backwards else "-order_id").distinct()
        ids = [] if sub is None else [r["order_id"] for r in sub[: limit + 1]]
        others = {}
        base = base.filter(pk__in=ids)
    base = order_list_filter(queryset=base, filters=others, id_bound=id_bound)
    if after is not None:
        base = base.filter(_keyset(ordering, after, backwards))
    per_status = (
        [base.filter(status=status) for status in statuses]
        if len(statuses) > 1 and ordering == "id"
        else [base.filter(status__in=statuses) if statuses else base]
    )
    rows: list[dict[str, Any]] = []
    for qs in per_status:
        rows.extend(qs.order_by(*order_by).values(*ORDER_LIST_COLUMNS)[: limit + 1])
    if len(per_status) > 1:
        rows.sort(key=lambda r: tuple(r[name] for name in fields), reverse=not backwards)
        rows = rows[: limit + 1]
    has_more = len(rows) > limit
    rows = rows[:limit]
    if backwards:
        rows.reverse()
    channels = Order._meta.get_field("channel").related_model  # no import up to channels_sync
    codes = dict(
        channels.objects.filter(pk__in={r["channel_id"] for r in rows}).values_list("pk", "code")
    )
    for row in rows:
        row["channel"] = codes.get(row["channel_id"], "")
    return OrderListPage(rows=rows, ordering=ordering, has_more=has_more)


def order_list_key(row: dict[str, Any], ordering: str) -> tuple[Any, ...]:
    """The keyset key of a list row in an ordering (what a cursor carries)."""
    return tuple(row[name] for name in ORDER_LIST_ORDERINGS[ordering])


# How many ids one lookup kind may contribute before the newest `limit` are chosen among them:
# exact keys match a handful of orders; a common name substring could match thousands.
SEARCH_CANDIDATES_PER_KIND = 1000


def _is_name_like(q: str) -> bool:
    digits = any(ch.isdigit() for ch in q)
    looks_like_a_code = " " not in q and digits  # SO-…, 1Z…, +1650…: not a name
    return len(q) >= 3 and any(ch.isalpha() for ch in q) and not looks_like_a_code


def _name_typed(q: str) -> str:
    return " ".join(q.lower().split())


def _name_starts_with(q: str) -> QuerySet[Any]:
    """Orders whose customer name starts with the text, any case, newest first (Postgres: the
    `order_name_prefix` btree on LOWER(customer_name) text_pattern_ops, migration 0004)."""
    return (
        Order.objects.alias(k=Lower("customer_name"))
        .filter(k__startswith=_name_typed(q))
        .order_by("-pk")
        .values_list("pk")
    )


def _name_contains(q: str) -> QuerySet[Any]:
    """Orders whose customer name contains the text anywhere, newest first (Postgres: the
    pg_trgm GIN `order_name_upper_trgm` on UPPER(customer_name), migration 0003)."""
    return (
        Order.objects.filter(customer_name__icontains=_name_typed(q))
        .order_by("-pk")
        .values_list("pk")
    )


def _search_lookups(q: str) -> list[QuerySet[Any]]:
    """One index-backed query of order ids (newest first) per kind the text could be.

    Each is a single index lookup; OR-ing them in one WHERE (across the shipment join) would
    make Postgres walk every order instead. A name is looked up by how it starts here; only
    when that finds too few does `order_search` look for it inside names (`_name_contains`).
    """
    lookups: list[QuerySet[Any]] = []
    orders = Order.objects.order_by("-pk")
    if "@" in q:
        return [orders.alias(k=Lower("customer_email")).filter(k=q.lower()).values_list("pk")]
    lookups.append(orders.filter(number=q.upper()).values_list("pk"))
    lookups.append(orders.alias(k=Upper("external_id")).filter(k=q.upper()).values_list("pk"))
    lookups.append(
        OrderShipment.objects.filter(tracking_number__in={q, q.upper()})
        .order_by("-order_id")
        .values_list("order_id")
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
    if _is_name_like(q):
        lookups.append(_name_starts_with(q))
    return lookups


def order_search(*, query: str, limit: int = 50) -> QuerySet[Order]:
    """Find orders by number, external id, email, customer name, phone or tracking number.

    Newest first. The text's shape picks the kinds worth trying (an e-mail address is only an
    e-mail address); each kind is one index lookup of at most SEARCH_CANDIDATES_PER_KIND ids,
    newest first, and the newest `limit` orders among the matches are returned. A name is
    matched from its start (the btree prefix index: "grace hop" finds Grace Hopper); when no kind
    finds anything, inside names (pg_trgm: "hopper" finds her too).
    """
    q = (query or "").strip()
    if not q:
        return Order.objects.none()
    ids: set[int] = set()
    for lookup in _search_lookups(q):
        ids.update(pk for (pk,) in lookup[:SEARCH_CANDIDATES_PER_KIND])
    if _is_name_like(q) and not ids:
        # nothing starts so: look inside names (at 10 M orders a full name's trigram bitmap
        # took 196 ms, its prefix range 0.1 ms, so never both)
        ids.update(pk for (pk,) in _name_contains(q)[:limit])
    newest = sorted(ids, reverse=True)[:limit]  # ids rise with capture: read only these rows
    return (
        Order.objects.select_related("channel").filter(pk__in=newest).order_by("-created_at", "-id")
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


def fulfillment_lines_not_yet_picking(
    *, product_id: int, warehouse_id: int
) -> list[FulfillmentRequestLine]:
    """Committed lines of a product in a warehouse that no pick list has taken yet (request
    open, on hold or released), newest request first: what gives way when stock there leaves
    sale (a held or expired lot), through `fulfillment_line_short`."""
    lines = (
        FulfillmentRequestLine.objects.filter(
            product_id=product_id,
            request__warehouse_id=warehouse_id,
            request__status__in=[
                FulfillmentRequestStatus.OPEN,
                FulfillmentRequestStatus.ON_HOLD,
                FulfillmentRequestStatus.RELEASED,
            ],
            commitment__isnull=False,
        )
        .select_related("request")
        .order_by("-request__created_at", "-pk")
    )
    return [line for line in lines if line.quantity_open > 0]


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
