"""Small read-only queries the warehouse screens need (labels, warehouse choice)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Abs, Coalesce, TruncHour

from inventory import selectors as inventory_selectors
from inventory import ui_selectors as inventory_ui
from inventory.choices import MovementReason
from warehouse.models import (
    Bin,
    BoxType,
    CycleCount,
    CycleCountLine,
    InboundLine,
    InboundShipment,
    Package,
    PackedItem,
    PickLine,
    PickList,
    Task,
    Warehouse,
    Wave,
)
from warehouse.states import CountStatus, InboundStatus, PickLineStatus, TaskStatus, WaveStatus

LABEL_LIMIT = 2000


def warehouses_active() -> QuerySet[Warehouse]:
    """Active warehouses, by code."""
    return Warehouse.objects.filter(is_active=True).order_by("code")


def bins_for_labels(*, warehouse_id: int, prefix: str = "", zone_code: str = "") -> QuerySet[Bin]:
    """Bins of a warehouse to print labels for, in walking order (at most LABEL_LIMIT)."""
    qs = Bin.objects.filter(warehouse_id=warehouse_id).select_related("warehouse", "zone")
    if prefix:
        qs = qs.filter(code__istartswith=prefix)
    if zone_code:
        qs = qs.filter(zone__code__iexact=zone_code)
    return qs.order_by("pick_sequence", "code")[:LABEL_LIMIT]


def waves_with_routes(*, warehouse_id: int, limit: int = 10) -> list[Wave]:
    """The newest released or picked waves with their pick lists' route figures."""
    return list(
        Wave.objects.filter(
            warehouse_id=warehouse_id, status__in=[WaveStatus.RELEASED, WaveStatus.PICKED]
        )
        .prefetch_related(Prefetch("pick_lists", queryset=PickList.objects.order_by("number")))
        .order_by("-pk")[:limit]
    )


def pick_lists_open(*, warehouse_id: int, limit: int = 50) -> list[PickList]:
    """Released pick lists still to pick, oldest first, with their open/total line counts."""
    return list(
        PickList.objects.filter(
            wave__warehouse_id=warehouse_id,
            wave__status=WaveStatus.RELEASED,
            status__in=[TaskStatus.OPEN, TaskStatus.IN_PROGRESS],
        )
        .select_related("wave", "task__assignee")
        .annotate(
            lines_total=Count("lines"),
            lines_open=Count("lines", filter=Q(lines__status=PickLineStatus.OPEN)),
            orders=Count("lines__wave_request", distinct=True),
        )
        .order_by("created_at", "pk")[:limit]
    )


def orders_waiting_for_wave(*, warehouse_id: int) -> int:
    """How many released, unheld requests of the warehouse no planned wave holds yet."""
    from orders import selectors as order_selectors
    from warehouse.models import WaveRequest

    planned = WaveRequest.objects.filter(
        wave__warehouse_id=warehouse_id, wave__status=WaveStatus.PLANNED
    ).values("fulfillment_request_id")
    return (
        order_selectors.fulfillment_requests_for_wave(warehouse_id=warehouse_id)
        .exclude(pk__in=planned)
        .count()
    )


def pick_lists_with_orders(*, warehouse_id: int, limit: int = 20) -> list[PickList]:
    """Open pick lists of released waves, each with `order_numbers` (its orders, by tote)."""
    from warehouse.models import WaveRequest

    lists = pick_lists_open(warehouse_id=warehouse_id, limit=limit)
    by_list: dict[int, list[str]] = {}
    for pick_list_id, order_number, tote in (
        WaveRequest.objects.filter(pick_list_id__in=[pl.pk for pl in lists])
        .order_by("tote_code", "pk")
        .values_list("pick_list_id", "order_number", "tote_code")
    ):
        by_list.setdefault(pick_list_id, []).append(
            f"{order_number} ({tote})" if tote else order_number
        )
    for pl in lists:
        pl.order_numbers = by_list.get(pl.pk, [])
    return lists


def pick_list_for_screen(*, pick_list_id: int, warehouse_id: int) -> PickList | None:
    return (
        PickList.objects.filter(pk=pick_list_id, wave__warehouse_id=warehouse_id)
        .select_related("wave")
        .first()
    )


def pick_list_lines(*, pick_list_id: int) -> list[PickLine]:
    """Every line of a pick list in walking order (done ones included, for the progress view)."""
    return list(
        PickLine.objects.filter(pick_list_id=pick_list_id)
        .select_related("bin", "product")
        .order_by("sequence", "pk")
    )


def package_for_screen(*, package_id: int, warehouse_id: int) -> Package | None:
    """A package with its box and items (products joined), or None."""
    return (
        Package.objects.filter(pk=package_id, warehouse_id=warehouse_id)
        .select_related("box", "suggested_box")
        .prefetch_related(
            Prefetch("items", queryset=PackedItem.objects.select_related("product").order_by("pk"))
        )
        .first()
    )


def box_types_active() -> QuerySet[BoxType]:
    return BoxType.objects.filter(is_active=True).order_by("length_mm", "width_mm", "height_mm")


# ---------------------------------------------------------------- ops dashboard and exceptions


def units_per_hour(
    *, since: datetime, kinds: tuple[str, ...] = ("pick", "pack")
) -> list[dict[str, Any]]:
    """[{hour, kind, units}] since `since`: picked units by the hour each pick was confirmed
    (the ledger's pick movements, so a list still being picked counts), packed units by the
    hour their package was finished (two grouped queries)."""
    rows: list[dict[str, Any]] = []
    if "pick" in kinds:
        rows += [
            {"hour": r["hour"], "kind": "pick", "units": r["units"]}
            for r in inventory_ui.units_moved_per_hour(since=since, reason=MovementReason.PICK)
        ]
    others = [k for k in kinds if k != "pick"]
    if others:
        rows += list(
            Task.objects.filter(status=TaskStatus.DONE, finished_at__gte=since, kind__in=others)
            .annotate(hour=TruncHour("finished_at"))
            .values("hour", "kind")
            .annotate(units=Sum("quantity_done"))
            .order_by("hour", "kind")
        )
    return rows


def short_picks(*, since: datetime) -> QuerySet[PickLine]:
    """Pick lines that came up short since `since`, newest first."""
    return (
        PickLine.objects.filter(quantity_short__gt=0, updated_at__gte=since)
        .select_related("bin", "product", "wave_request", "pick_list")
        .order_by("-updated_at", "-pk")
    )


def counts_awaiting_approval() -> QuerySet[CycleCount]:
    """Cycle counts with a variance waiting for a supervisor, oldest first, each with
    `pending_expected` and `pending_variance` (Σ|counted − expected|) from its lines."""
    return (
        CycleCount.objects.filter(status=CountStatus.PENDING_APPROVAL)
        .select_related("bin", "warehouse")
        .annotate(
            pending_expected=Coalesce(Sum("lines__expected_quantity"), 0),
            pending_variance=Coalesce(
                Sum(Abs(Coalesce(F("lines__counted_quantity"), 0) - F("lines__expected_quantity"))),
                0,
            ),
        )
        .order_by("created_at", "pk")
    )


def money_text(amount: Decimal) -> str:
    """An exact amount for display: at least two decimals, never rounded."""
    text = format(amount.normalize(), "f")
    whole, _, frac = text.partition(".")
    return f"{whole}.{frac.ljust(2, '0')}"


@dataclass(frozen=True)
class CountReviewLine:
    sku: str
    name: str
    lot: str
    expected: int
    counted: int
    unit_cost: Decimal
    currency: str

    @property
    def variance(self) -> int:
        return self.counted - self.expected

    @property
    def variance_value(self) -> Decimal:
        return self.variance * self.unit_cost

    @property
    def variance_value_text(self) -> str:
        return money_text(self.variance_value)

    @property
    def unit_cost_text(self) -> str:
        return money_text(self.unit_cost)


@dataclass(frozen=True)
class CountReview:
    """What approving a count would post: one line per (product, lot) of the bin."""

    count: CycleCount
    lines: list[CountReviewLine] = field(default_factory=list)

    @property
    def expected(self) -> int:
        return sum(ln.expected for ln in self.lines)

    @property
    def counted(self) -> int:
        return sum(ln.counted for ln in self.lines)

    @property
    def variance_units(self) -> int:
        return sum(abs(ln.variance) for ln in self.lines)

    @property
    def variance_value(self) -> Decimal:
        return sum((ln.variance_value for ln in self.lines), Decimal("0"))

    @property
    def variance_value_text(self) -> str:
        return money_text(self.variance_value)

    @property
    def currencies(self) -> list[str]:
        return sorted({ln.currency for ln in self.lines if ln.variance})


def count_review(*, count_id: int) -> CountReview | None:
    """A count with its lines as the approval screen shows them (reads only)."""
    count = (
        CycleCount.objects.filter(pk=count_id).select_related("bin", "warehouse", "zone").first()
    )
    if count is None:
        return None
    lines = [
        CountReviewLine(
            sku=ln.product.sku,
            name=ln.product.name,
            lot=ln.lot,
            expected=ln.expected_quantity,
            counted=ln.counted_quantity or 0,
            unit_cost=ln.product.unit_cost,
            currency=ln.product.cost_currency,
        )
        for ln in CycleCountLine.objects.filter(count=count)
        .select_related("product")
        .order_by("product__sku", "lot")
    ]
    return CountReview(count=count, lines=lines)


def open_replenishments_count() -> int:
    return Task.objects.filter(
        kind="replenish", status__in=[TaskStatus.OPEN, TaskStatus.IN_PROGRESS]
    ).count()


# ---------------------------------------------------------------- receive, putaway, move, count


def inbound_open(*, warehouse_id: int, limit: int = 50) -> list[InboundShipment]:
    """Inbound shipments still to receive, oldest expected first, with expected/received units."""
    return list(
        InboundShipment.objects.filter(
            warehouse_id=warehouse_id, status__in=[InboundStatus.OPEN, InboundStatus.RECEIVING]
        )
        .annotate(
            expected=Sum("lines__quantity_expected"),
            received=Sum("lines__quantity_received"),
        )
        .order_by("expected_at", "pk")[:limit]
    )


def inbound_for_screen(*, shipment_id: int, warehouse_id: int) -> InboundShipment | None:
    return (
        InboundShipment.objects.filter(pk=shipment_id, warehouse_id=warehouse_id)
        .prefetch_related(
            Prefetch("lines", queryset=InboundLine.objects.select_related("product").order_by("pk"))
        )
        .first()
    )


def task_for_screen(*, task_id: int, warehouse_id: int, kinds: tuple[str, ...]) -> Task | None:
    return (
        Task.objects.filter(pk=task_id, warehouse_id=warehouse_id, kind__in=kinds)
        .select_related("product", "from_bin", "to_bin")
        .first()
    )


def counts_open(*, warehouse_id: int, limit: int = 50) -> list[CycleCount]:
    """Counts waiting to be counted (or recounted), highest task priority first."""
    return list(
        CycleCount.objects.filter(
            warehouse_id=warehouse_id, status__in=[CountStatus.OPEN, CountStatus.RECOUNT]
        )
        .select_related("bin", "task")
        .order_by("-task__priority", "created_at", "pk")[:limit]
    )


def count_for_screen(*, count_id: int, warehouse_id: int) -> CycleCount | None:
    return (
        CycleCount.objects.filter(pk=count_id, warehouse_id=warehouse_id)
        .select_related("bin")
        .first()
    )


def product_sku(*, product_id: int) -> str:
    product = inventory_selectors.products_by_ids(ids=[product_id]).first()
    return product.sku if product else ""
