"""Warehouse reads: bins by code, putaway suggestions, routing layouts, scan lookup, labour
rates and count accuracy. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDay, TruncMonth, TruncWeek

from inventory.models import StockLevel
from warehouse.choices import PICKABLE_BIN_TYPES, BinType, ZoneKind
from warehouse.exceptions import NoBinAvailable, UnknownCode
from warehouse.models import Bin, CycleCount, Package, PickLine, Task, Tote, Warehouse
from warehouse.routing import Layout, Location
from warehouse.states import CountStatus, PackageStatus, PickLineStatus, TaskStatus

STORAGE_BIN_TYPES = (BinType.PICK_FACE, BinType.RESERVE)
ZONE_FOR_CLASS = {"A": ZoneKind.FAST, "B": ZoneKind.MEDIUM, "C": ZoneKind.SLOW}


def bin_get_by_code(*, warehouse_id: int, code: str) -> Bin:
    """The bin with this code in this warehouse. Raises UnknownCode."""
    found = Bin.objects.filter(warehouse_id=warehouse_id, code=(code or "").strip()).first()
    if found is None:
        raise UnknownCode(f"No bin {code!r} in this warehouse.", code="unknown_bin")
    return found


def bin_of_type(*, warehouse_id: int, bin_type: str) -> Bin:
    """The first unblocked bin of a type (receiving, packing, damaged …). Raises NoBinAvailable."""
    found = (
        Bin.objects.filter(warehouse_id=warehouse_id, bin_type=bin_type, is_blocked=False)
        .order_by("code")
        .first()
    )
    if found is None:
        raise NoBinAvailable(f"This warehouse has no usable {bin_type} bin.")
    return found


def bin_units(*, bin_id: int) -> int:
    """Units on hand in a bin, all products."""
    return StockLevel.objects.filter(bin_id=bin_id).aggregate(n=Coalesce(Sum("on_hand"), 0))["n"]


def putaway_suggest(*, warehouse_id: int, product_id: int, quantity: int) -> Bin | None:
    """Suggest where to put units away.

    1. the product's pick face if it is below its max;
    2. a storage bin already holding the product with room for the units (by pick sequence);
    3. an empty storage bin in the zone that suits the product's velocity class, then any zone.
    Blocked bins and bins without room are never suggested. None when nothing fits.
    """
    from inventory.models import Product

    product = Product.objects.filter(pk=product_id).first()
    storage = Bin.objects.filter(
        warehouse_id=warehouse_id, bin_type__in=STORAGE_BIN_TYPES, is_blocked=False
    ).annotate(units=Coalesce(Sum("stock_levels__on_hand"), 0))
    face = storage.filter(pick_face__product_id=product_id).first()
    if face is not None and face.units + quantity <= face.pick_face.max_quantity:
        return face
    holding_ids = StockLevel.objects.filter(
        product_id=product_id, warehouse_id=warehouse_id, on_hand__gt=0
    ).values_list("bin_id", flat=True)
    for candidate in storage.filter(pk__in=list(holding_ids), pick_face__isnull=True).order_by(
        "pick_sequence", "code"
    ):
        if (
            candidate.capacity_units is None
            or candidate.units + quantity <= candidate.capacity_units
        ):
            return candidate
    empty = (
        storage.filter(units=0, pick_face__isnull=True)
        .filter(Q(capacity_units__isnull=True) | Q(capacity_units__gte=quantity))
        .order_by("bin_type", "pick_sequence", "code")
    )
    kind = ZONE_FOR_CLASS.get(product.abc_class if product else "C", ZoneKind.SLOW)
    # Reserve locations first for bulk: putaway to reserve, replenishment feeds pick faces.
    preferred = empty.filter(zone__kind=kind).order_by("-bin_type", "pick_sequence").first()
    return preferred or empty.order_by("-bin_type", "pick_sequence").first()


def layout_for(warehouse: Warehouse) -> Layout:
    """The routing geometry of a warehouse, from its settings and its bins' aisles."""
    aisles = (
        Bin.objects.filter(warehouse=warehouse, bin_type__in=PICKABLE_BIN_TYPES)
        .values("aisle")
        .annotate(x=Coalesce(Sum("x_m") / Count("id"), 0.0))
        .order_by("aisle")
    )
    xs: dict[int, float] = {row["aisle"]: float(row["x"]) for row in aisles}
    count = (max(xs) + 1) if xs else 0
    aisle_x = tuple(
        xs.get(a, warehouse.depot_x_m + (a + 0.5) * warehouse.aisle_spacing_m) for a in range(count)
    )
    return Layout(
        aisle_x=aisle_x,
        block_length=warehouse.block_length_m or warehouse.bay_width_m * 10,
        cross_aisle_width=warehouse.cross_aisle_width_m,
        blocks=max(1, warehouse.blocks),
        depot_x=warehouse.depot_x_m,
    )


def location_of(layout: Layout, bin: Bin) -> Location:
    return layout.location(aisle=bin.aisle, block=bin.block, position_m=bin.position_m)


# ---------------------------------------------------------------- scan lookup


@dataclass(frozen=True)
class ScanLookup:
    """What a scanned code is, and what it holds or where it is."""

    kind: str  # bin | product | tote | box | package | order | tracking | unknown
    code: str
    label: str
    details: dict[str, Any] = field(default_factory=dict)


def scan_lookup(*, warehouse_id: int, code: str) -> ScanLookup:
    """Identify any scanned code: bin, SKU/barcode, tote, box type, package, order, tracking."""
    from inventory import selectors as inventory_selectors
    from warehouse.models import BoxType

    code = (code or "").strip()
    found_bin = Bin.objects.filter(warehouse_id=warehouse_id, code=code).first()
    if found_bin is not None:
        levels = StockLevel.objects.filter(bin=found_bin, on_hand__gt=0).select_related("product")
        return ScanLookup(
            kind="bin",
            code=code,
            label=f"Bin {found_bin.code} ({found_bin.bin_type})",
            details={
                "bin_type": found_bin.bin_type,
                "is_blocked": found_bin.is_blocked,
                "zone": found_bin.zone.code,
                "contents": [
                    {"sku": lv.product.sku, "lot": lv.lot, "on_hand": lv.on_hand}
                    for lv in levels.order_by("product__sku", "lot")
                ],
            },
        )
    product = inventory_selectors.product_get_by_code(code=code)
    if product is not None:
        levels = inventory_selectors.stock_levels_for_product(
            product_id=product.pk, warehouse_id=warehouse_id
        )
        return ScanLookup(
            kind="product",
            code=code,
            label=f"{product.sku} {product.name}",
            details={
                "sku": product.sku,
                "locations": [
                    {"bin": lv.bin.code, "lot": lv.lot, "on_hand": lv.on_hand, "free": lv.free}
                    for lv in levels
                ],
            },
        )
    tote = Tote.objects.filter(warehouse_id=warehouse_id, code=code).first()
    if tote is not None:
        lines = PickLine.objects.filter(
            tote_code=code, pick_list__wave__warehouse_id=warehouse_id, quantity_picked__gt=0
        ).exclude(wave_request__wave__status="cancelled")
        if tote.wave_request_id:
            lines = lines.filter(wave_request_id=tote.wave_request_id)
        else:
            lines = lines.none()
        return ScanLookup(
            kind="tote",
            code=code,
            label=f"Tote {code}",
            details={
                "order_number": tote.wave_request.order_number if tote.wave_request else "",
                "fulfillment_request_id": (
                    tote.wave_request.fulfillment_request_id if tote.wave_request else None
                ),
                "contents": [
                    {"sku": ln.product.sku, "picked": ln.quantity_picked}
                    for ln in lines.select_related("product")
                ],
            },
        )
    box = BoxType.objects.filter(code=code).first()
    if box is not None:
        return ScanLookup(
            kind="box",
            code=code,
            label=f"Box {box.name}",
            details={
                "dimensions_mm": [box.length_mm, box.width_mm, box.height_mm],
                "max_weight_g": box.max_weight_g,
            },
        )
    package = (
        Package.objects.filter(warehouse_id=warehouse_id)
        .filter(Q(number=code) | Q(tracking_number=code))
        .first()
    )
    if package is not None:
        return ScanLookup(
            kind="tracking" if package.tracking_number == code else "package",
            code=code,
            label=f"Package {package.number} ({package.status})",
            details=_package_details(package),
        )
    by_order = PickLine.objects.filter(
        wave_request__order_number=code, pick_list__wave__warehouse_id=warehouse_id
    ).select_related("wave_request", "bin", "product")
    if by_order.exists():
        first = by_order.first()
        return ScanLookup(
            kind="order",
            code=code,
            label=f"Order {code}",
            details={
                "fulfillment_request_id": first.wave_request.fulfillment_request_id,
                "tote": first.wave_request.tote_code,
                "wave_id": first.wave_request.wave_id,
                "lines": [
                    {
                        "sku": ln.product.sku,
                        "bin": ln.bin.code,
                        "quantity": ln.quantity,
                        "picked": ln.quantity_picked,
                        "short": ln.quantity_short,
                    }
                    for ln in by_order
                ],
            },
        )
    from orders import selectors as order_selectors

    order = order_selectors.order_get_by_number(number=code)
    if order is not None:
        return ScanLookup(
            kind="order",
            code=code,
            label=f"Order {code} ({order.status})",
            details={"status": order.status, "waved": False},
        )
    return ScanLookup(kind="unknown", code=code, label="Unknown code", details={})


def _package_details(package: Package) -> dict[str, Any]:
    return {
        "number": package.number,
        "status": package.status,
        "order_number": package.order_number,
        "tracking_number": package.tracking_number,
        "carrier": package.carrier_code,
        "items": [
            {
                "sku": it.product.sku,
                "expected": it.quantity_expected,
                "verified": it.quantity_verified,
            }
            for it in package.items.select_related("product")
        ],
    }


# ---------------------------------------------------------------- labour and accuracy


def task_queue(*, warehouse_id: int, kind: str | None = None) -> QuerySet[Task]:
    """Open and running tasks, highest priority first."""
    qs = Task.objects.filter(
        warehouse_id=warehouse_id, status__in=[TaskStatus.OPEN, TaskStatus.IN_PROGRESS]
    ).select_related("product", "from_bin", "to_bin", "assignee")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-priority", "pk")


def labour_rates(
    *, warehouse_id: int, since: dt.datetime, until: dt.datetime, kind: str | None = None
) -> list[dict[str, Any]]:
    """Per person and task kind: tasks done, units, hours worked on them, units per hour.

    Hours are the sum of each finished task's (finished_at − started_at).
    """
    qs = Task.objects.filter(
        warehouse_id=warehouse_id,
        status=TaskStatus.DONE,
        finished_at__gte=since,
        finished_at__lt=until,
        assignee__isnull=False,
    )
    if kind:
        qs = qs.filter(kind=kind)
    rows: dict[tuple[int, str], dict[str, Any]] = {}
    for task in qs.select_related("assignee").order_by("assignee_id", "kind", "pk"):
        key = (task.assignee_id, task.kind)
        row = rows.setdefault(
            key,
            {
                "user_id": task.assignee_id,
                "username": task.assignee.get_username(),
                "kind": task.kind,
                "tasks": 0,
                "units": 0,
                "seconds": 0.0,
            },
        )
        row["tasks"] += 1
        row["units"] += task.quantity_done
        if task.started_at and task.finished_at:
            row["seconds"] += (task.finished_at - task.started_at).total_seconds()
    out = []
    for row in rows.values():
        hours = row.pop("seconds") / 3600
        row["hours"] = round(hours, 4)
        row["units_per_hour"] = round(row["units"] / hours, 1) if hours > 0 else None
        row["tasks_per_hour"] = round(row["tasks"] / hours, 1) if hours > 0 else None
        out.append(row)
    return out


def count_accuracy(
    *, warehouse_id: int, period: str = "month", since: dt.datetime | None = None
) -> list[dict[str, Any]]:
    """Inventory accuracy of applied counts per period, zone and ABC class.

    `line_accuracy` = share of counted lines with no variance; `unit_accuracy` =
    1 − Σ|variance| / Σ expected units.
    """
    trunc = {"day": TruncDay, "week": TruncWeek, "month": TruncMonth}[period]
    qs = CycleCount.objects.filter(warehouse_id=warehouse_id, status=CountStatus.APPLIED)
    if since is not None:
        qs = qs.filter(applied_at__gte=since)
    rows = (
        qs.annotate(period=trunc("applied_at"))
        .values("period", "zone__code", "abc_class")
        .annotate(
            counts=Count("id"),
            lines=Sum("lines_total"),
            accurate=Sum("lines_accurate"),
            expected=Sum("expected_units"),
            variance=Sum("variance_units"),
        )
        .order_by("period", "zone__code", "abc_class")
    )
    out = []
    for r in rows:
        out.append(
            {
                "period": r["period"].date().isoformat() if r["period"] else None,
                "zone": r["zone__code"],
                "abc_class": r["abc_class"],
                "counts": r["counts"],
                "line_accuracy": round(r["accurate"] / r["lines"], 4) if r["lines"] else 1.0,
                "unit_accuracy": (
                    round(max(0.0, 1 - r["variance"] / r["expected"]), 4)
                    if r["expected"]
                    else (1.0 if not r["variance"] else 0.0)
                ),
            }
        )
    return out


def pick_lines_open(*, pick_list_id: int) -> QuerySet[PickLine]:
    return PickLine.objects.filter(pick_list_id=pick_list_id, status=PickLineStatus.OPEN).order_by(
        "sequence", "pk"
    )


def packages_to_ship(*, warehouse_id: int) -> QuerySet[Package]:
    return Package.objects.filter(warehouse_id=warehouse_id, status=PackageStatus.PACKED)
