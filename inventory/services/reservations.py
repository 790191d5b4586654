"""Reservations at two levels.

* commitment_create — the OMS commits stock in one warehouse to an order line (or a cart).
  One conditional UPDATE on InventoryBalance: "available ≥ n" sits in its WHERE clause, so two
  buyers can never get the same last unit, on Postgres or SQLite.
* bin_reservation_create — the WMS reserves units in a bin (and lot) under a commitment when it
  releases work to the floor; again a conditional UPDATE on the StockLevel row.
  `bin_reservations_create_many` does a whole wave at once: lock, plan, check, one UPDATE.

Invariants: InventoryBalance.committed == Σ open Commitment.quantity; StockLevel.reserved ==
Σ open BinReservation.quantity; a commitment's open bin reservations never exceed it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from channels_sync import outbox
from common.db import update_from_values
from common.types import Actor
from inventory.choices import LotStatus, ReservationStatus
from inventory.clock import is_expired
from inventory.exceptions import (
    BinNotUsable,
    InsufficientStock,
    InvalidQuantity,
    LotNotSellable,
    ReservationClosed,
)
from inventory.locks import (
    bin_reservation_for_update,
    commitment_for_update,
    commitments_for_update,
    stock_levels_with_bins_for_update,
)
from inventory.models import BinReservation, Commitment, InventoryBalance, StockLevel
from inventory.services._balances import balance_apply, balance_commit


def _check_quantity(quantity: int) -> None:
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity <= 0:
        raise InvalidQuantity(f"Quantity must be a positive whole number, got {quantity!r}.")


@transaction.atomic
def commitment_create(
    *,
    product_id: int,
    warehouse_id: int,
    quantity: int,
    document_type: str,
    document_ref: str,
    actor: Actor,
    expires_at: dt.datetime | None = None,
) -> Commitment:
    """Commit `quantity` available units of a product in a warehouse to a document.

    Raises InsufficientStock (with `available`) when fewer units are available.
    """
    _check_quantity(quantity)
    # Everything that needs no lock runs before the conditional UPDATE, so that a hot SKU's
    # balance row is locked only from that UPDATE to COMMIT (bench/RESULTS.md, hot-SKU storm).
    # If the UPDATE finds too little stock, the exception rolls the INSERT back with it.
    listeners = outbox.stock_listeners(product_id=product_id, warehouse_id=warehouse_id)
    commitment = Commitment.objects.create(
        product_id=product_id,
        warehouse_id=warehouse_id,
        quantity=quantity,
        original_quantity=quantity,
        document_type=document_type,
        document_ref=str(document_ref),
        expires_at=expires_at,
    )
    balance_commit(product_id=product_id, warehouse_id=warehouse_id, quantity=quantity)
    outbox.stock_changed(product_id=product_id, warehouse_id=warehouse_id, channel_ids=listeners)
    return commitment


def _open_bin_reserved(commitment: Commitment) -> int:
    return (
        commitment.bin_reservations.filter(status=ReservationStatus.OPEN).aggregate(
            n=Sum("quantity")
        )["n"]
        or 0
    )


@transaction.atomic
def commitment_release(
    *, commitment_id: int, actor: Actor, quantity: int | None = None
) -> Commitment:
    """Give back `quantity` (default: all) open units of a commitment.

    Units that are also reserved in bins are un-reserved first (newest reservation first).
    Raises ReservationClosed when asked for more than is open.
    """
    commitment = commitment_for_update(commitment_id)
    if commitment.status != ReservationStatus.OPEN:
        if quantity is None:
            return commitment
        raise ReservationClosed("This commitment is no longer open.")
    qty = commitment.quantity if quantity is None else quantity
    _check_quantity(qty)
    if qty > commitment.quantity:
        raise ReservationClosed(
            f"Only {commitment.quantity} unit(s) are committed, {qty} to release.",
            committed=commitment.quantity,
        )
    remaining = commitment.quantity - qty
    over = _open_bin_reserved(commitment) - remaining
    if over > 0:
        for res in commitment.bin_reservations.filter(status=ReservationStatus.OPEN).order_by(
            "-pk"
        ):
            take = min(over, res.quantity)
            bin_reservation_release(bin_reservation_id=res.pk, actor=actor, quantity=take)
            over -= take
            if over == 0:
                break
    commitment.quantity = remaining
    commitment.status = ReservationStatus.OPEN if remaining else ReservationStatus.RELEASED
    commitment.save(update_fields=["quantity", "status", "updated_at"])
    balance_apply(
        product_id=commitment.product_id, warehouse_id=commitment.warehouse_id, committed=-qty
    )
    return commitment


@transaction.atomic
def commitments_release_for_document(*, document_type: str, document_ref: str, actor: Actor) -> int:
    """Release every open commitment of a document; return the units released."""
    ids = Commitment.objects.filter(
        document_type=document_type, document_ref=str(document_ref), status=ReservationStatus.OPEN
    ).values_list("pk", flat=True)
    released = 0
    for commitment in commitments_for_update(ids):
        released += commitment.quantity
        commitment_release(commitment_id=commitment.pk, actor=actor)
    return released


def commitments_expire(*, now: dt.datetime | None = None, actor: Actor | None = None) -> int:
    """Release commitments whose `expires_at` has passed (storefront cart holds)."""
    now = now or timezone.now()
    actor = actor or Actor.system("reservation-expiry")
    count = 0
    for pk in Commitment.objects.filter(
        status=ReservationStatus.OPEN, expires_at__lte=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            commitment = commitment_for_update(pk)
            if (
                commitment.status == ReservationStatus.OPEN
                and commitment.expires_at
                and commitment.expires_at <= now
            ):
                commitment_release(commitment_id=pk, actor=actor)
                count += 1
    return count


@transaction.atomic
def bin_reservation_create(
    *,
    commitment_id: int,
    stock_level_id: int,
    quantity: int,
    actor: Actor,
    document_type: str = "",
    document_ref: str = "",
) -> BinReservation:
    """Reserve units in one bin (and lot) under a commitment, for a pick.

    Raises InsufficientStock when the bin has fewer free units, BinNotUsable for a blocked or
    non-pickable bin, LotNotSellable for a held or expired lot (by today's date), ReservationClosed when the commitment has no unreserved units left.
    """
    _check_quantity(quantity)
    commitment = commitment_for_update(commitment_id)
    if commitment.status != ReservationStatus.OPEN:
        raise ReservationClosed("The commitment is no longer open.")
    unreserved = commitment.quantity - _open_bin_reserved(commitment)
    if quantity > unreserved:
        raise ReservationClosed(
            f"Only {unreserved} committed unit(s) are not yet reserved in a bin.",
            unreserved=unreserved,
        )
    level = StockLevel.objects.select_related("bin").get(pk=stock_level_id)
    if level.product_id != commitment.product_id or level.warehouse_id != commitment.warehouse_id:
        raise BinNotUsable("This stock is another product or in another warehouse.")
    if not level.bin.is_pickable:
        raise BinNotUsable(f"Bin {level.bin.code} is blocked or not a pick location.")
    if not level.is_lot_sellable or is_expired(level.expiry_date):
        state = "on hold" if level.lot_status == LotStatus.HELD else "expired"
        raise LotNotSellable(
            f"Lot {level.lot} in bin {level.bin.code} is {state}: it is never reserved.",
            lot=level.lot,
        )
    updated = StockLevel.objects.filter(pk=level.pk, on_hand__gte=F("reserved") + quantity).update(
        reserved=F("reserved") + quantity
    )
    if not updated:
        level.refresh_from_db(fields=["on_hand", "reserved"])
        raise InsufficientStock(
            f"Only {level.free} free unit(s) in bin {level.bin.code}.", free=level.free
        )
    return BinReservation.objects.create(
        commitment=commitment,
        stock_level=level,
        quantity=quantity,
        original_quantity=quantity,
        document_type=document_type or commitment.document_type,
        document_ref=str(document_ref or commitment.document_ref),
    )


BinReservationPlan = list[tuple[int, int, int, str, str]]
"""(commitment id, stock level id, quantity, document type, document ref) per reservation."""


@transaction.atomic
def bin_reservations_create_many(
    *,
    commitment_ids: Iterable[int],
    stock_level_ids: Iterable[int],
    plan: Callable[[dict[int, int], list[StockLevel]], BinReservationPlan],
    actor: Actor,
) -> list[BinReservation]:
    """Reserve many bins at once: lock, let the caller plan on the locked facts, check, write.

    Locks the commitments, then the stock levels (with their bins), each set in pk order
    (docs/contracts.md). `plan(unreserved, levels)` gets each open commitment's units not yet
    reserved in a bin and the locked levels that may be reserved (pickable, unblocked bin;
    sellable, unexpired lot) and returns the reservations it wants. Every one is checked as
    `bin_reservation_create` would (InvalidQuantity, ReservationClosed, BinNotUsable,
    LotNotSellable, InsufficientStock: nothing is written then), then written with one
    conditional `UPDATE … FROM (VALUES …)` of the levels and one INSERT. Returns the new
    reservations in the order of the plan.
    """
    commitments = {c.pk: c for c in commitments_for_update(commitment_ids)}
    reserved: dict[int, int] = dict(
        BinReservation.objects.filter(
            commitment_id__in=list(commitments), status=ReservationStatus.OPEN
        )
        .values("commitment_id")
        .order_by()
        .annotate(n=Sum("quantity"))
        .values_list("commitment_id", "n")
    )
    unreserved = {
        pk: c.quantity - reserved.get(pk, 0)
        for pk, c in commitments.items()
        if c.status == ReservationStatus.OPEN
    }
    levels = {lv.pk: lv for lv in stock_levels_with_bins_for_update(stock_level_ids)}
    usable = [
        lv
        for lv in levels.values()
        if lv.bin.is_pickable and lv.is_lot_sellable and not is_expired(lv.expiry_date)
    ]
    wanted = plan(dict(unreserved), usable)
    room = dict(unreserved)
    per_level: dict[int, int] = {}
    for commitment_id, level_id, quantity, _, _ in wanted:
        _check_quantity(quantity)
        if quantity > room.get(commitment_id, 0):
            raise ReservationClosed(
                f"Only {room.get(commitment_id, 0)} committed unit(s) are not yet reserved in a bin.",
                unreserved=room.get(commitment_id, 0),
            )
        room[commitment_id] -= quantity
        level = levels.get(level_id)
        commitment = commitments[commitment_id]
        if level is None or (level.product_id, level.warehouse_id) != (
            commitment.product_id,
            commitment.warehouse_id,
        ):
            raise BinNotUsable("This stock is another product or in another warehouse.")
        if not level.bin.is_pickable:
            raise BinNotUsable(f"Bin {level.bin.code} is blocked or not a pick location.")
        if not level.is_lot_sellable or is_expired(level.expiry_date):
            raise LotNotSellable(
                f"Lot {level.lot} in bin {level.bin.code} is not sellable: it is never reserved.",
                lot=level.lot,
            )
        per_level[level_id] = per_level.get(level_id, 0) + quantity
        if per_level[level_id] > level.on_hand - level.reserved:
            raise InsufficientStock(
                f"Only {level.free} free unit(s) in bin {level.bin.code}.", free=level.free
            )
    if not wanted:
        return []
    done = update_from_values(
        table=StockLevel._meta.db_table,
        columns=("id", "qty"),
        rows=sorted(per_level.items()),
        set_sql="reserved = reserved + v.qty",
        join_sql=f"{StockLevel._meta.db_table}.id = v.id",
        where_sql=f"{StockLevel._meta.db_table}.on_hand >= {StockLevel._meta.db_table}.reserved + v.qty",
        returning=f"{StockLevel._meta.db_table}.id",
    )
    if len(done) != len(per_level):
        # Cannot happen under the row locks; the conditional UPDATE still never oversells.
        raise InsufficientStock("A bin changed while it was being reserved; try again.")
    return BinReservation.objects.bulk_create(
        [
            BinReservation(
                commitment_id=commitment_id,
                stock_level_id=level_id,
                quantity=quantity,
                original_quantity=quantity,
                document_type=document_type or commitments[commitment_id].document_type,
                document_ref=str(document_ref or commitments[commitment_id].document_ref),
            )
            for commitment_id, level_id, quantity, document_type, document_ref in wanted
        ],
        batch_size=500,
    )


@transaction.atomic
def bin_reservation_release(
    *, bin_reservation_id: int, actor: Actor, quantity: int | None = None
) -> BinReservation:
    """Un-reserve units in a bin (the commitment keeps them). Default: all open units."""
    reservation = bin_reservation_for_update(bin_reservation_id)
    if reservation.status != ReservationStatus.OPEN:
        if quantity is None:
            return reservation
        raise ReservationClosed("This bin reservation is no longer open.")
    qty = reservation.quantity if quantity is None else quantity
    _check_quantity(qty)
    if qty > reservation.quantity:
        raise ReservationClosed(f"Only {reservation.quantity} unit(s) reserved here.")
    updated = StockLevel.objects.filter(pk=reservation.stock_level_id, reserved__gte=qty).update(
        reserved=F("reserved") - qty
    )
    if not updated:
        raise InsufficientStock("Stock level reservation is out of step; run check_inventory.")
    reservation.quantity -= qty
    reservation.status = (
        ReservationStatus.OPEN if reservation.quantity else ReservationStatus.RELEASED
    )
    reservation.save(update_fields=["quantity", "status", "updated_at"])
    return reservation


def commitments_bulk_build(
    *, rows: list[tuple[int, int, int]], document_type: str, document_ref: str
) -> list[Commitment]:
    """Unsaved Commitment rows for (product id, warehouse id, quantity): the caller inserts
    them with `commitments_bulk_insert` and then commits the stock with
    `balances_commit_many` as its last statement before COMMIT."""
    for _, _, quantity in rows:
        _check_quantity(quantity)
    return [
        Commitment(
            product_id=product_id,
            warehouse_id=warehouse_id,
            quantity=quantity,
            original_quantity=quantity,
            document_type=document_type,
            document_ref=str(document_ref),
        )
        for product_id, warehouse_id, quantity in rows
    ]


def commitments_bulk_insert(*, commitments: list[Commitment]) -> list[Commitment]:
    """Insert built commitments in one statement (their stock is committed separately)."""
    return Commitment.objects.bulk_create(commitments)


def balances_commit_many(*, quantities: dict[tuple[int, int], int]) -> set[tuple[int, int]]:
    """Commit units of many (product id, warehouse id) balances in ONE conditional
    `UPDATE … FROM (VALUES …) … RETURNING`: a balance is moved only where
    on hand ≥ committed + unavailable + n. Returns the pairs that were short (nothing was
    committed for them; the caller rolls its savepoint back and re-plans). The hot-row rule:
    callers run this as their last statement before COMMIT, so a popular SKU's balance row is
    locked only from here to COMMIT. Pairs are sent in (warehouse, product) order.
    """
    wanted = {pair: qty for pair, qty in quantities.items() if qty > 0}
    if not wanted:
        return set()
    table = InventoryBalance._meta.db_table
    rows = [
        (pid, wid, qty)
        for (pid, wid), qty in sorted(wanted.items(), key=lambda i: (i[0][1], i[0][0]))
    ]
    done = update_from_values(
        table=table,
        columns=("product_id", "warehouse_id", "qty"),
        rows=rows,
        set_sql="committed = committed + v.qty, version = version + 1",
        join_sql=f"{table}.product_id = v.product_id AND {table}.warehouse_id = v.warehouse_id",
        where_sql=f"{table}.on_hand >= {table}.committed + {table}.unavailable + v.qty",
        returning=f"{table}.product_id, {table}.warehouse_id",
    )
    return set(wanted) - {(int(p), int(w)) for p, w in done}
