"""Physical stock changes: receive, move, pick, consume (ship), adjust.

Invariants kept here, in the same transaction as each change:
* one StockMovement row per change (the ledger), so on_hand == Σ ledger per bin;
* InventoryBalance.on_hand / .unavailable follow the StockLevel rows of the warehouse;
* no StockLevel or InventoryBalance ever goes negative or below what is reserved/committed
  (conditional UPDATEs, backed by CheckConstraints).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, Sum

from audit.choices import AuditAction
from audit.services import audit_record
from common.types import Actor
from inventory.choices import LotStatus, MovementReason, ReservationStatus
from inventory.clock import is_expired
from inventory.exceptions import (
    BinNotUsable,
    InsufficientStock,
    InvalidQuantity,
    LotNotSellable,
    ReservationClosed,
)
from inventory.locks import bin_reservation_for_update, commitment_for_update
from inventory.models import BinReservation, StockLevel, StockMovement
from inventory.services._balances import (
    balance_apply,
    is_unavailable,
    level_decrease_free,
    level_increase,
    stock_level_get_or_create,
)

if TYPE_CHECKING:
    from warehouse.models import Bin


def _check_quantity(quantity: int) -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise InvalidQuantity(f"Quantity must be a positive whole number, got {quantity!r}.")


def _ledger(
    *,
    product_id: int,
    lot: str,
    from_bin: Bin | None,
    to_bin: Bin | None,
    quantity: int,
    reason: str,
    actor: Actor,
    document_type: str,
    document_ref: str,
    note: str = "",
) -> StockMovement:
    return StockMovement.objects.create(
        product_id=product_id,
        lot=lot,
        from_bin=from_bin,
        to_bin=to_bin,
        quantity=quantity,
        reason=reason,
        document_type=document_type,
        document_ref=str(document_ref),
        note=note[:255],
        actor=actor.label[:150],
        actor_user_id=actor.user_id,
    )


@transaction.atomic
def stock_receive(
    *,
    product_id: int,
    bin: Bin,
    quantity: int,
    actor: Actor,
    lot: str = "",
    expiry_date: dt.date | None = None,
    reason: str = MovementReason.RECEIPT,
    document_type: str = "",
    document_ref: str = "",
    note: str = "",
) -> StockMovement:
    """Add units to a bin from outside the warehouse (receipt, return, found stock)."""
    _check_quantity(quantity)
    level = stock_level_get_or_create(
        product_id=product_id,
        bin_id=bin.pk,
        warehouse_id=bin.warehouse_id,
        lot=lot,
        expiry_date=expiry_date,
    )
    level_increase(level_id=level.pk, quantity=quantity)
    balance_apply(
        product_id=product_id,
        warehouse_id=bin.warehouse_id,
        on_hand=quantity,
        unavailable=quantity if is_unavailable(bin=bin, level=level) else 0,
    )
    return _ledger(
        product_id=product_id,
        lot=lot,
        from_bin=None,
        to_bin=bin,
        quantity=quantity,
        reason=reason,
        actor=actor,
        document_type=document_type,
        document_ref=document_ref,
        note=note,
    )


@transaction.atomic
def stock_move(
    *,
    product_id: int,
    from_bin: Bin,
    to_bin: Bin,
    quantity: int,
    actor: Actor,
    lot: str = "",
    reason: str = MovementReason.MOVE,
    document_type: str = "",
    document_ref: str = "",
    note: str = "",
) -> StockMovement:
    """Move unreserved units between two bins of one warehouse.

    Moving sellable stock into an unavailable bin (damaged, quarantine) is refused
    (InsufficientStock, nothing moved) when that would leave the warehouse with less available
    than committed: `committed + unavailable ≤ on_hand` is a CHECK constraint. The WMS first has
    the OMS give back the commitments those units covered (`warehouse.services.moves`).

    Raises InsufficientStock, BinNotUsable.
    """
    _check_quantity(quantity)
    if from_bin.pk == to_bin.pk:
        raise BinNotUsable("Source and destination bins are the same.")
    if from_bin.warehouse_id != to_bin.warehouse_id:
        raise BinNotUsable("Moves stay within one warehouse; use a transfer between warehouses.")
    source = StockLevel.objects.filter(product_id=product_id, bin=from_bin, lot=lot).first()
    if source is None:
        raise InsufficientStock(f"No stock of this item in bin {from_bin.code}.", free=0)
    level_decrease_free(level_id=source.pk, quantity=quantity)
    target = stock_level_get_or_create(
        product_id=product_id,
        bin_id=to_bin.pk,
        warehouse_id=to_bin.warehouse_id,
        lot=lot,
        expiry_date=source.expiry_date,
        lot_status=source.lot_status,
    )
    level_increase(level_id=target.pk, quantity=quantity)
    delta_unavailable = (quantity if is_unavailable(bin=to_bin, level=target) else 0) - (
        quantity if is_unavailable(bin=from_bin, level=source) else 0
    )
    if delta_unavailable:
        balance_apply(
            product_id=product_id,
            warehouse_id=from_bin.warehouse_id,
            unavailable=delta_unavailable,
            require_available=max(delta_unavailable, 0),
        )
    return _ledger(
        product_id=product_id,
        lot=lot,
        from_bin=from_bin,
        to_bin=to_bin,
        quantity=quantity,
        reason=reason,
        actor=actor,
        document_type=document_type,
        document_ref=document_ref,
        note=note,
    )


@transaction.atomic
def stock_pick(
    *,
    bin_reservation_id: int,
    quantity: int,
    to_bin: Bin,
    actor: Actor,
    document_type: str = "",
    document_ref: str = "",
) -> StockMovement:
    """Pick reserved units out of their bin into `to_bin` (a tote or packing location).

    Consumes that much of the bin reservation; the warehouse commitment stays until shipping.
    Raises ReservationClosed, InsufficientStock.
    """
    _check_quantity(quantity)
    reservation = bin_reservation_for_update(bin_reservation_id)
    if reservation.status != ReservationStatus.OPEN or reservation.quantity < quantity:
        raise ReservationClosed(
            f"Only {reservation.quantity} unit(s) are still reserved here, {quantity} picked.",
            reserved=reservation.quantity,
        )
    level = reservation.stock_level
    if not level.is_lot_sellable or is_expired(level.expiry_date):
        raise LotNotSellable(
            f"Lot {level.lot} is {'expired' if is_expired(level.expiry_date) else 'on hold'}: "
            "do not pick it; report the units short so they are taken from another lot.",
            lot=level.lot,
        )
    updated = StockLevel.objects.filter(
        pk=level.pk, reserved__gte=quantity, on_hand__gte=quantity
    ).update(on_hand=F("on_hand") - quantity, reserved=F("reserved") - quantity)
    if not updated:
        raise InsufficientStock("The bin no longer holds the reserved units.")
    remaining = reservation.quantity - quantity
    BinReservation.objects.filter(pk=reservation.pk).update(
        quantity=remaining,
        status=ReservationStatus.CONSUMED if remaining == 0 else ReservationStatus.OPEN,
    )
    target = stock_level_get_or_create(
        product_id=level.product_id,
        bin_id=to_bin.pk,
        warehouse_id=to_bin.warehouse_id,
        lot=level.lot,
        expiry_date=level.expiry_date,
        lot_status=level.lot_status,
    )
    level_increase(level_id=target.pk, quantity=quantity)
    from_bin = level.bin
    delta_unavailable = (quantity if is_unavailable(bin=to_bin, level=target) else 0) - (
        quantity if is_unavailable(bin=from_bin, level=level) else 0
    )
    if delta_unavailable:
        balance_apply(
            product_id=level.product_id,
            warehouse_id=level.warehouse_id,
            unavailable=delta_unavailable,
        )
    return _ledger(
        product_id=level.product_id,
        lot=level.lot,
        from_bin=from_bin,
        to_bin=to_bin,
        quantity=quantity,
        reason=MovementReason.PICK,
        actor=actor,
        document_type=document_type or reservation.document_type,
        document_ref=document_ref or reservation.document_ref,
    )


@transaction.atomic
def stock_consume(
    *,
    commitment_id: int,
    from_bin: Bin,
    quantity: int,
    actor: Actor,
    lot: str = "",
    document_type: str = "",
    document_ref: str = "",
) -> StockMovement:
    """Ship committed units out of the building from `from_bin` (usually a packing bin).

    Decreases on hand and the commitment together. Raises ReservationClosed, InsufficientStock.
    """
    _check_quantity(quantity)
    commitment = commitment_for_update(commitment_id)
    open_bin_qty = (
        commitment.bin_reservations.filter(status=ReservationStatus.OPEN).aggregate(
            n=Sum("quantity")
        )["n"]
        or 0
    )
    if commitment.status != ReservationStatus.OPEN or commitment.quantity - open_bin_qty < quantity:
        raise ReservationClosed(
            f"Only {commitment.quantity - open_bin_qty} committed unit(s) are picked and "
            f"ready to ship, {quantity} requested.",
        )
    source = StockLevel.objects.filter(
        product_id=commitment.product_id, bin=from_bin, lot=lot
    ).first()
    if source is None:
        raise InsufficientStock(f"No stock of this item in {from_bin.code}.", free=0)
    level_decrease_free(level_id=source.pk, quantity=quantity)
    remaining = commitment.quantity - quantity
    type(commitment).objects.filter(pk=commitment.pk).update(
        quantity=remaining,
        status=ReservationStatus.CONSUMED if remaining == 0 else ReservationStatus.OPEN,
    )
    balance_apply(
        product_id=commitment.product_id,
        warehouse_id=from_bin.warehouse_id,
        on_hand=-quantity,
        committed=-quantity,
        unavailable=-quantity if is_unavailable(bin=from_bin, level=source) else 0,
    )
    return _ledger(
        product_id=commitment.product_id,
        lot=lot,
        from_bin=from_bin,
        to_bin=None,
        quantity=quantity,
        reason=MovementReason.SHIP,
        actor=actor,
        document_type=document_type or commitment.document_type,
        document_ref=document_ref or commitment.document_ref,
    )


@transaction.atomic
def stock_adjust(
    *,
    product_id: int,
    bin: Bin,
    delta: int,
    actor: Actor,
    reason: str = MovementReason.ADJUST,
    lot: str = "",
    expiry_date: dt.date | None = None,
    document_type: str = "",
    document_ref: str = "",
    note: str = "",
) -> StockMovement:
    """Correct the stock of a bin by `delta` (a count variance, found or lost units).

    A decrease takes only unreserved units and is refused if it would leave the warehouse with
    more committed than on hand (release those commitments first).
    Raises InsufficientStock, InvalidQuantity.
    """
    if not isinstance(delta, int) or isinstance(delta, bool) or delta == 0:
        raise InvalidQuantity(f"Adjustment must be a non-zero whole number, got {delta!r}.")
    if delta > 0:
        movement = stock_receive(
            product_id=product_id,
            bin=bin,
            quantity=delta,
            actor=actor,
            lot=lot,
            expiry_date=expiry_date,
            reason=reason,
            document_type=document_type,
            document_ref=document_ref,
            note=note,
        )
        _audit_adjustment(movement, bin=bin, delta=delta, actor=actor)
        return movement
    quantity = -delta
    level = StockLevel.objects.filter(product_id=product_id, bin=bin, lot=lot).first()
    if level is None:
        raise InsufficientStock(f"No stock of this item in bin {bin.code}.", free=0)
    level_decrease_free(level_id=level.pk, quantity=quantity)
    balance_apply(
        product_id=product_id,
        warehouse_id=bin.warehouse_id,
        on_hand=-quantity,
        unavailable=-quantity if is_unavailable(bin=bin, level=level) else 0,
    )
    movement = _ledger(
        product_id=product_id,
        lot=lot,
        from_bin=bin,
        to_bin=None,
        quantity=quantity,
        reason=reason,
        actor=actor,
        document_type=document_type,
        document_ref=document_ref,
        note=note,
    )
    _audit_adjustment(movement, bin=bin, delta=delta, actor=actor)
    return movement


def _audit_adjustment(movement: StockMovement, *, bin: Bin, delta: int, actor: Actor) -> None:
    audit_record(
        action=AuditAction.STOCK_ADJUST,
        actor=actor,
        object_type="stock_movement",
        object_id=movement.pk,
        summary=f"{delta:+d} of product {movement.product_id} in bin {bin.code} ({movement.reason})",
        data={
            "product_id": movement.product_id,
            "bin": bin.code,
            "lot": movement.lot,
            "delta": delta,
            "reason": movement.reason,
            "document": f"{movement.document_type}:{movement.document_ref}".strip(":"),
        },
    )


@transaction.atomic
def bin_availability_change(*, bin: Bin, was_unavailable: bool) -> None:
    """Re-book the stock of a bin whose availability flipped (blocked/unblocked, type change).

    Call after saving the bin's new state, holding the bin row lock. Making a bin's stock
    unavailable is refused (BinNotUsable, naming the item) when the warehouse would be left with
    more committed than it can sell (`committed + unavailable ≤ on_hand`); the caller's
    transaction then rolls the bin change back with it, so nothing is changed.
    """
    now_unavailable = bin.is_unavailable
    if now_unavailable == was_unavailable:
        return
    sign = 1 if now_unavailable else -1
    totals = list(
        # held or expired lots are unavailable whatever the bin: they do not flip
        StockLevel.objects.filter(bin=bin, on_hand__gt=0, lot_status=LotStatus.SELLABLE)
        .values("product_id", "product__sku")
        .annotate(n=Sum("on_hand"))
        .order_by("product_id")
    )
    for row in totals:
        try:
            balance_apply(
                product_id=row["product_id"],
                warehouse_id=bin.warehouse_id,
                unavailable=sign * row["n"],
                require_available=row["n"] if sign > 0 else 0,
            )
        except InsufficientStock as exc:
            available = exc.extra.get("available", 0)
            raise BinNotUsable(
                f"Bin {bin.code} holds {row['n']}× {row['product__sku']}, but only {available} "
                f"unit(s) of it in this warehouse are not committed to orders: making the bin "
                "unavailable would leave less stock than is committed. Pick, move or re-route "
                "the committed units first.",
                sku=row["product__sku"],
                bin=bin.code,
                on_hand=row["n"],
                available=available,
            ) from exc


@transaction.atomic
def incoming_adjust(*, product_id: int, warehouse_id: int, delta: int) -> None:
    """Change the quantity expected on open inbound shipments (never below zero)."""
    if delta:
        balance_apply(product_id=product_id, warehouse_id=warehouse_id, incoming=delta)
