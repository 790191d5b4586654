"""Inventory reads: balances, available-to-sell, stock per bin, ledger, and the consistency check."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, IntegerField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Greatest

from inventory.choices import LotStatus, ReservationStatus
from inventory.clock import today
from inventory.models import (
    Barcode,
    BinReservation,
    Commitment,
    InventoryBalance,
    LotHold,
    Product,
    StockLevel,
    StockMovement,
)


def product_get_by_code(*, code: str) -> Product | None:
    """Find a product by SKU or by any of its barcodes (what a scanner sends)."""
    code = (code or "").strip()
    if not code:
        return None
    product = Product.objects.filter(sku=code).first()
    if product is None:
        barcode = Barcode.objects.select_related("product").filter(code=code).first()
        product = barcode.product if barcode else None
    return product


def products_by_ids(*, ids: Iterable[int]) -> QuerySet[Product]:
    return Product.objects.filter(pk__in=set(ids))


def products_by_sku(*, skus: Iterable[str]) -> dict[str, Product]:
    return {p.sku: p for p in Product.objects.filter(sku__in=set(skus))}


def balances_for(
    *, product_ids: Iterable[int] | None = None, warehouse_ids: Iterable[int] | None = None
) -> QuerySet[InventoryBalance]:
    qs = InventoryBalance.objects.select_related("product", "warehouse")
    if product_ids is not None:
        qs = qs.filter(product_id__in=list(product_ids))
    if warehouse_ids is not None:
        qs = qs.filter(warehouse_id__in=list(warehouse_ids))
    return qs.order_by("product_id", "warehouse_id")


def sku_available(*, product_ids: Iterable[int], warehouse_ids: Iterable[int]) -> dict[int, int]:
    """Σ over the warehouses of max(0, on_hand − committed − unavailable), per product. One query."""
    ids = list(product_ids)
    rows = (
        InventoryBalance.objects.filter(product_id__in=ids, warehouse_id__in=list(warehouse_ids))
        .values("product_id")
        .annotate(
            available=Sum(
                Greatest(F("on_hand") - F("committed") - F("unavailable"), Value(0)),
                output_field=IntegerField(),
            )
        )
        .order_by()
    )
    result = dict.fromkeys(ids, 0)
    result.update({r["product_id"]: int(r["available"] or 0) for r in rows})
    return result


def ats_from_available(*, available: int, safety_stock: int = 0, buffer_percent: int = 0) -> int:
    """The ATS formula: available minus safety stock minus a percentage buffer, never below 0."""
    buffered = available - safety_stock - (available * buffer_percent) // 100
    return max(0, buffered)


def sku_available_to_sell(
    *,
    product_ids: Iterable[int],
    warehouse_ids: Iterable[int],
    safety_stock: int = 0,
    buffer_percent: int = 0,
) -> dict[int, int]:
    """Available-to-sell per product over the warehouses that feed a channel (DESIGN.md)."""
    available = sku_available(product_ids=product_ids, warehouse_ids=warehouse_ids)
    return {
        pid: ats_from_available(
            available=n, safety_stock=safety_stock, buffer_percent=buffer_percent
        )
        for pid, n in available.items()
    }


def stock_levels_for_product(
    *, product_id: int, warehouse_id: int | None = None
) -> QuerySet[StockLevel]:
    qs = StockLevel.objects.filter(product_id=product_id, on_hand__gt=0).select_related("bin")
    if warehouse_id is not None:
        qs = qs.filter(warehouse_id=warehouse_id)
    return qs.order_by("bin__pick_sequence", "bin__code")


def sellable_stock_levels(*, on: dt.date | None = None) -> QuerySet[StockLevel]:
    """Stock levels whose lot may be reserved and picked: not held, not expired by `on`'s date
    (default today), whether or not the expiry task has run yet."""
    on = on or today()
    return StockLevel.objects.filter(lot_status=LotStatus.SELLABLE).filter(
        Q(expiry_date__isnull=True) | Q(expiry_date__gte=on)
    )


def _shortfalls(levels: QuerySet[StockLevel]) -> dict[tuple[int, int], int]:
    """Per warehouse: how many committed units would lack sellable stock if `levels` (sellable
    lots in available bins) left sale. One grouped query plus the balances."""
    leaving = {
        (r["product_id"], r["warehouse_id"]): r["n"]
        for r in levels.filter(
            lot_status=LotStatus.SELLABLE,
            on_hand__gt=0,
            bin__is_blocked=False,
        )
        .exclude(bin__bin_type__in=_unavailable_bin_types())
        .values("product_id", "warehouse_id")
        .annotate(n=Sum("on_hand"))
        .order_by()
    }
    out: dict[tuple[int, int], int] = {}
    for b in InventoryBalance.objects.filter(
        product_id__in={p for p, _ in leaving}, warehouse_id__in={w for _, w in leaving}
    ).values("product_id", "warehouse_id", "on_hand", "committed", "unavailable"):
        n = leaving.get((b["product_id"], b["warehouse_id"]), 0)
        short = n - (b["on_hand"] - b["committed"] - b["unavailable"])
        if n and short > 0:
            out[(b["product_id"], b["warehouse_id"])] = short
    return out


def _unavailable_bin_types() -> list[str]:
    from warehouse.choices import UNAVAILABLE_BIN_TYPES

    return sorted(UNAVAILABLE_BIN_TYPES)


def lot_hold_shortfalls(*, product_id: int, lot: str) -> dict[tuple[int, int], int]:
    """{(product, warehouse): committed units that would lack stock} if this lot were held."""
    return _shortfalls(StockLevel.objects.filter(product_id=product_id, lot=lot))


def lot_expiry_shortfalls(*, on: dt.date | None = None) -> dict[tuple[int, int], int]:
    """{(product, warehouse): committed units that would lack stock} once expired lots leave."""
    return _shortfalls(StockLevel.objects.filter(expiry_date__lt=on or today()))


def lot_holds_active() -> QuerySet[LotHold]:
    """Holds and recalls in force, newest first, with the product."""
    return (
        LotHold.objects.filter(released_at=None).select_related("product").order_by("-created_at")
    )


def lots_out_of_sale(*, limit: int = 50) -> list[dict]:
    """Lots on hand but out of sale (held, recalled or expired): per product, lot and status,
    the units on hand and the warehouses, most units first (the ops dashboard)."""
    return list(
        StockLevel.objects.exclude(lot_status=LotStatus.SELLABLE)
        .filter(on_hand__gt=0)
        .values("product__sku", "lot", "lot_status", "expiry_date")
        .annotate(units=Sum("on_hand"))
        .order_by("-units", "product__sku", "lot")[:limit]
    )


def ledger_for_product(*, product_id: int) -> QuerySet[StockMovement]:
    return StockMovement.objects.filter(product_id=product_id).select_related("from_bin", "to_bin")


def commitments_for_document(*, document_type: str, document_ref: str) -> QuerySet[Commitment]:
    return Commitment.objects.filter(document_type=document_type, document_ref=str(document_ref))


@dataclass(frozen=True)
class Mismatch:
    """One broken consistency condition."""

    check: str
    key: str
    expected: int
    actual: int

    def __str__(self) -> str:
        return f"{self.check}: {self.key} expected {self.expected}, found {self.actual}"


def inventory_mismatches() -> list[Mismatch]:
    """Check, with aggregate queries, every condition the stock model promises.

    1. StockLevel.on_hand == Σ ledger in − Σ ledger out, per (product, bin, lot)
    2. InventoryBalance.on_hand == Σ StockLevel.on_hand in the warehouse
    3. InventoryBalance.unavailable == Σ on hand in damaged / quarantine / blocked bins and of
       held or expired lots (StockLevel.lot_status)
    4. InventoryBalance.committed == Σ open Commitment.quantity
    5. StockLevel.reserved == Σ open BinReservation.quantity
    6. InventoryBalance.committed + unavailable ≤ on_hand (available never below zero; the CHECK
       constraint holds it, this catches rows written around it, e.g. before the constraint)
    """
    from warehouse.choices import UNAVAILABLE_BIN_TYPES

    problems: list[Mismatch] = []

    ledger: dict[tuple[int, int, str], int] = defaultdict(int)
    for r in (
        StockMovement.objects.filter(to_bin__isnull=False)
        .values("product_id", "to_bin_id", "lot")
        .annotate(n=Sum("quantity"))
        .order_by()
    ):
        ledger[(r["product_id"], r["to_bin_id"], r["lot"])] += r["n"]
    for r in (
        StockMovement.objects.filter(from_bin__isnull=False)
        .values("product_id", "from_bin_id", "lot")
        .annotate(n=Sum("quantity"))
        .order_by()
    ):
        ledger[(r["product_id"], r["from_bin_id"], r["lot"])] -= r["n"]

    levels = {
        (r["product_id"], r["bin_id"], r["lot"]): r
        for r in StockLevel.objects.values(
            "pk",
            "product_id",
            "bin_id",
            "lot",
            "on_hand",
            "reserved",
            "warehouse_id",
            "bin__bin_type",
            "bin__is_blocked",
            "lot_status",
            "expiry_date",
        )
    }
    for key in sorted(set(ledger) | set(levels)):
        expected = ledger.get(key, 0)
        actual = levels[key]["on_hand"] if key in levels else 0
        if expected != actual:
            problems.append(
                Mismatch(
                    "bin on_hand == Σ ledger",
                    f"product={key[0]} bin={key[1]} lot={key[2]!r}",
                    expected,
                    actual,
                )
            )

    per_wh: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for r in levels.values():
        agg = per_wh[(r["product_id"], r["warehouse_id"])]
        agg[0] += r["on_hand"]
        if (
            r["bin__bin_type"] in UNAVAILABLE_BIN_TYPES
            or r["bin__is_blocked"]
            or r["lot_status"] != LotStatus.SELLABLE
        ):
            agg[1] += r["on_hand"]
    committed = {
        (r["product_id"], r["warehouse_id"]): r["n"]
        for r in Commitment.objects.filter(status=ReservationStatus.OPEN)
        .values("product_id", "warehouse_id")
        .annotate(n=Sum("quantity"))
        .order_by()
    }
    balances = {
        (b["product_id"], b["warehouse_id"]): b
        for b in InventoryBalance.objects.values(
            "product_id", "warehouse_id", "on_hand", "unavailable", "committed"
        )
    }
    for key, bal in sorted(balances.items()):
        if bal["committed"] + bal["unavailable"] > bal["on_hand"]:
            problems.append(
                Mismatch(
                    "balance committed + unavailable <= on_hand",
                    f"product={key[0]} warehouse={key[1]}",
                    bal["on_hand"],
                    bal["committed"] + bal["unavailable"],
                )
            )
    for key in sorted(set(per_wh) | set(balances) | set(committed)):
        bal = balances.get(key, {"on_hand": 0, "unavailable": 0, "committed": 0})
        label = f"product={key[0]} warehouse={key[1]}"
        on_hand, unavailable = per_wh.get(key, [0, 0])
        if bal["on_hand"] != on_hand:
            problems.append(Mismatch("balance on_hand == Σ bins", label, on_hand, bal["on_hand"]))
        if bal["unavailable"] != unavailable:
            problems.append(
                Mismatch(
                    "balance unavailable == Σ unavailable bins and lots",
                    label,
                    unavailable,
                    bal["unavailable"],
                )
            )
        if bal["committed"] != committed.get(key, 0):
            problems.append(
                Mismatch(
                    "balance committed == Σ open commitments",
                    label,
                    committed.get(key, 0),
                    bal["committed"],
                )
            )

    on = today()
    held = set(LotHold.objects.filter(released_at=None).values_list("product_id", "lot"))
    for r in levels.values():
        label = f"stock_level={r['pk']} product={r['product_id']} lot={r['lot']!r}"
        if (
            r["on_hand"] > 0
            and r["lot_status"] == LotStatus.SELLABLE
            and r["expiry_date"] is not None
            and r["expiry_date"] < on
        ):
            problems.append(Mismatch("expired lot out of sale", label, 0, r["on_hand"]))
        is_held = (r["product_id"], r["lot"]) in held
        if is_held != (r["lot_status"] == LotStatus.HELD):
            problems.append(
                Mismatch("lot held == active lot hold", label, int(is_held), int(not is_held))
            )

    reserved = {
        r["stock_level_id"]: r["n"]
        for r in BinReservation.objects.filter(status=ReservationStatus.OPEN)
        .values("stock_level_id")
        .annotate(n=Coalesce(Sum("quantity"), 0))
        .order_by()
    }
    for r in levels.values():
        if r["reserved"] != reserved.get(r["pk"], 0):
            problems.append(
                Mismatch(
                    "bin reserved == Σ open bin reservations",
                    f"stock_level={r['pk']}",
                    reserved.get(r["pk"], 0),
                    r["reserved"],
                )
            )
    return problems
