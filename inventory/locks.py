"""Named row-lock helpers. The only place in inventory/ that calls select_for_update.

Always lock in primary-key order so that two transactions locking overlapping sets cannot
deadlock. On SQLite select_for_update is a no-op; the conditional UPDATEs carry correctness.
"""

from __future__ import annotations

from collections.abc import Iterable

from inventory.models import BinReservation, Commitment, InventoryBalance, LotHold, StockLevel


def commitments_for_update(ids: Iterable[int]) -> list[Commitment]:
    return list(
        Commitment.objects.filter(pk__in=sorted(set(ids)))
        .order_by("pk")
        .select_for_update(of=("self",), no_key=True)
    )


def commitment_for_update(pk: int) -> Commitment:
    return Commitment.objects.select_for_update(of=("self",), no_key=True).get(pk=pk)


def bin_reservation_for_update(pk: int) -> BinReservation:
    return (
        BinReservation.objects.select_for_update(of=("self",), no_key=True)
        .select_related("stock_level")
        .get(pk=pk)
    )


def stock_levels_for_update(ids: Iterable[int]) -> list[StockLevel]:
    return list(
        StockLevel.objects.filter(pk__in=sorted(set(ids)))
        .order_by("pk")
        .select_for_update(of=("self",), no_key=True)
    )


def balances_for_update(ids: Iterable[int]) -> list[InventoryBalance]:
    """Lock warehouse balances in pk order (after any stock levels: see docs/contracts.md)."""
    return list(
        InventoryBalance.objects.filter(pk__in=sorted(set(ids)))
        .order_by("pk")
        .select_for_update(of=("self",), no_key=True)
    )


def stock_levels_with_bins_for_update(ids: Iterable[int]) -> list[StockLevel]:
    """Lock stock levels in pk order, their bins read along (not locked)."""
    return list(
        StockLevel.objects.filter(pk__in=sorted(set(ids)))
        .select_related("bin")
        .order_by("pk")
        .select_for_update(of=("self",), no_key=True)
    )


def lot_hold_for_update(pk: int) -> LotHold:
    return LotHold.objects.select_for_update(of=("self",), no_key=True).get(pk=pk)
