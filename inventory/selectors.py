"""Inventory reads: balances, available-to-sell, stock per bin, ledger, and the consistency check."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import F, IntegerField, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, Greatest

from inventory.choices import ReservationStatus
from inventory.models import (
    Barcode,
    BinReservation,
    Commitment,
    InventoryBalance,
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
    3. InventoryBalance.unavailable == Σ on hand in damaged / quarantine / blocked bins
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
        if r["bin__bin_type"] in UNAVAILABLE_BIN_TYPES or r["bin__is_blocked"]:
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
                    "balance unavailable == Σ unavailable bins",
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
