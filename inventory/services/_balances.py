"""Private helpers that apply deltas to StockLevel and InventoryBalance rows.

Decreases use conditional UPDATEs (the test is in the WHERE clause) so that two concurrent
writers can never both succeed on the last units; CheckConstraints back them up.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from channels_sync import outbox
from inventory.choices import LotStatus
from inventory.clock import is_expired
from inventory.exceptions import InsufficientStock
from inventory.models import InventoryBalance, LotHold, StockLevel


def new_lot_status(*, product_id: int, lot: str, expiry_date) -> str:
    """The state of a lot's new stock level: held while the lot has an active hold, expired
    after its expiry date, else sellable."""
    if lot and LotHold.objects.filter(product_id=product_id, lot=lot, released_at=None).exists():
        return LotStatus.HELD
    return LotStatus.EXPIRED if is_expired(expiry_date) else LotStatus.SELLABLE


def is_unavailable(*, bin, level: StockLevel) -> bool:  # type: ignore[no-untyped-def]
    """Whether units of `level` in `bin` count as unavailable: an unavailable bin (damaged,
    quarantine, blocked) or a held or expired lot."""
    return bin.is_unavailable or level.lot_status != LotStatus.SELLABLE


def stock_level_get_or_create(
    *,
    product_id: int,
    bin_id: int,
    warehouse_id: int,
    lot: str = "",
    expiry_date=None,
    lot_status: str | None = None,
) -> StockLevel:
    """The stock level of (product, bin, lot); a new one takes `lot_status` (a move passes its
    source's) or the lot's state now (`new_lot_status`)."""
    existing = StockLevel.objects.filter(product_id=product_id, bin_id=bin_id, lot=lot).first()
    if existing is not None:
        return existing
    status = lot_status or new_lot_status(product_id=product_id, lot=lot, expiry_date=expiry_date)
    try:
        with transaction.atomic():
            level, _ = StockLevel.objects.get_or_create(
                product_id=product_id,
                bin_id=bin_id,
                lot=lot,
                defaults={
                    "warehouse_id": warehouse_id,
                    "expiry_date": expiry_date,
                    "lot_status": status,
                },
            )
    except IntegrityError:
        level = StockLevel.objects.get(product_id=product_id, bin_id=bin_id, lot=lot)
    return level


def level_increase(*, level_id: int, quantity: int) -> None:
    StockLevel.objects.filter(pk=level_id).update(on_hand=F("on_hand") + quantity)


def level_decrease_free(*, level_id: int, quantity: int) -> None:
    """Take `quantity` unreserved units out of a stock level, or raise InsufficientStock."""
    updated = StockLevel.objects.filter(pk=level_id, on_hand__gte=F("reserved") + quantity).update(
        on_hand=F("on_hand") - quantity
    )
    if not updated:
        level = StockLevel.objects.filter(pk=level_id).values("on_hand", "reserved").first() or {}
        raise InsufficientStock(
            f"Only {level.get('on_hand', 0) - level.get('reserved', 0)} free unit(s) in this bin, "
            f"{quantity} needed.",
            free=level.get("on_hand", 0) - level.get("reserved", 0),
            requested=quantity,
        )


def balance_ensure(*, product_id: int, warehouse_id: int) -> None:
    if InventoryBalance.objects.filter(product_id=product_id, warehouse_id=warehouse_id).exists():
        return
    try:
        with transaction.atomic():
            InventoryBalance.objects.create(product_id=product_id, warehouse_id=warehouse_id)
    except IntegrityError:
        pass


def balance_commit(*, product_id: int, warehouse_id: int, quantity: int) -> None:
    """Commit `quantity` available units: one conditional UPDATE and nothing else.

    The hot path of a popular SKU: the caller does its other work first and commits right after,
    so the balance row is locked only from this UPDATE to COMMIT. No existence pre-check and no
    savepoint: the WHERE clause keeps committed ≤ on hand − unavailable, so the CHECK constraints
    cannot fire, and a missing balance row simply means nothing is available.
    """
    updated = InventoryBalance.objects.filter(
        product_id=product_id,
        warehouse_id=warehouse_id,
        on_hand__gte=F("committed") + F("unavailable") + quantity,
    ).update(committed=F("committed") + quantity, version=F("version") + 1)
    if not updated:
        bal = InventoryBalance.objects.filter(
            product_id=product_id, warehouse_id=warehouse_id
        ).first()
        available = bal.available if bal else 0
        raise InsufficientStock(
            f"Only {available} unit(s) available in this warehouse, {quantity} needed.",
            available=available,
            requested=quantity,
        )


def balance_apply(
    *,
    product_id: int,
    warehouse_id: int,
    on_hand: int = 0,
    unavailable: int = 0,
    committed: int = 0,
    incoming: int = 0,
    require_available: int = 0,
) -> None:
    """Apply deltas to a warehouse balance in one UPDATE.

    `require_available` puts "on_hand − committed − unavailable ≥ n" (after nothing else) in the
    WHERE clause; a constraint violation (e.g. on hand below committed) becomes InsufficientStock.
    """
    balance_ensure(product_id=product_id, warehouse_id=warehouse_id)
    qs = InventoryBalance.objects.filter(product_id=product_id, warehouse_id=warehouse_id)
    if require_available:
        qs = qs.filter(on_hand__gte=F("committed") + F("unavailable") + require_available)
    changes = {"version": F("version") + 1}
    for field, delta in (
        ("on_hand", on_hand),
        ("unavailable", unavailable),
        ("committed", committed),
        ("incoming", incoming),
    ):
        if delta:
            changes[field] = F(field) + delta
    try:
        with transaction.atomic():
            updated = qs.update(**changes)
    except IntegrityError as exc:
        raise InsufficientStock(
            "This change would leave committed or unavailable stock above on hand; "
            "release the commitments first.",
            code="balance_constraint",
        ) from exc
    if not updated:
        bal = InventoryBalance.objects.get(product_id=product_id, warehouse_id=warehouse_id)
        raise InsufficientStock(
            f"Only {bal.available} unit(s) available in this warehouse, {require_available} needed.",
            available=bal.available,
            requested=require_available,
        )
    if on_hand or unavailable or committed:
        # Available-to-sell moved: the channels that this warehouse feeds must hear of it.
        outbox.stock_changed(product_id=product_id, warehouse_id=warehouse_id)
