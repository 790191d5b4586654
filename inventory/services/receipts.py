"""Set-based receipt: many (product, bin, lot, quantity) lines in a fixed number of statements.

The same rules as `stock_receive`, for a whole document at once (a seeded warehouse, a large
inbound shipment): one StockMovement per line, StockLevel and InventoryBalance raised in the
same transaction, the channels told once per (channel, product). Statements, whatever the
number of lines (per 500 rows): insert missing stock levels, read their ids, lock levels and
balances in pk order, one `UPDATE … FROM VALUES` each, one ledger insert, one outbox upsert.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import connection, transaction

from channels_sync import outbox
from common.db import update_from_values
from common.types import Actor
from inventory.choices import LotStatus, MovementReason
from inventory.clock import is_expired
from inventory.exceptions import InvalidQuantity
from inventory.locks import balances_for_update, stock_levels_for_update
from inventory.models import InventoryBalance, LotHold, StockLevel, StockMovement

if TYPE_CHECKING:
    from warehouse.models import Bin


@dataclass(frozen=True)
class ReceiptLine:
    """One line of a bulk receipt: `quantity` units of a product (and lot) into a bin."""

    product_id: int
    bin: Bin
    quantity: int
    lot: str = ""
    expiry_date: dt.date | None = None


@transaction.atomic
def stock_receive_many(
    *,
    lines: list[ReceiptLine],
    actor: Actor,
    reason: str = MovementReason.RECEIPT,
    document_type: str = "",
    document_ref: str = "",
    note: str = "",
) -> list[StockMovement]:
    """Receive many lines at once (all or nothing). Raises InvalidQuantity naming the line."""
    for n, line in enumerate(lines, start=1):
        q = line.quantity
        if not isinstance(q, int) or isinstance(q, bool) or q <= 0:
            raise InvalidQuantity(f"Line {n}: quantity must be a positive whole number, got {q!r}.")
    if not lines:
        return []
    per_level: dict[tuple[int, int, str], int] = defaultdict(int)
    first: dict[tuple[int, int, str], ReceiptLine] = {}
    for line in lines:
        key = (line.product_id, line.bin.pk, line.lot)
        per_level[key] += line.quantity
        first.setdefault(key, line)
    # Lots under an active hold (one query): their new stock levels are held from the start.
    lots = {(p, lot) for p, _, lot in per_level if lot}
    held = (
        set(
            LotHold.objects.filter(
                product_id__in={p for p, _ in lots},
                lot__in={lot for _, lot in lots},
                released_at=None,
            ).values_list("product_id", "lot")
        )
        if lots
        else set()
    )

    def status(p: int, b: int, lot: str) -> str:
        if (p, lot) in held:
            return LotStatus.HELD
        expired = is_expired(first[(p, b, lot)].expiry_date)
        return LotStatus.EXPIRED if expired else LotStatus.SELLABLE

    StockLevel.objects.bulk_create(
        [
            StockLevel(
                product_id=p,
                bin_id=b,
                lot=lot,
                warehouse_id=first[(p, b, lot)].bin.warehouse_id,
                expiry_date=first[(p, b, lot)].expiry_date,
                lot_status=status(p, b, lot),
            )
            for p, b, lot in per_level
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    level_rows = {
        (p, b, lot): (pk, lot_status)
        for pk, p, b, lot, lot_status in StockLevel.objects.filter(
            product_id__in={p for p, _, _ in per_level}, bin_id__in={b for _, b, _ in per_level}
        ).values_list("pk", "product_id", "bin_id", "lot", "lot_status")
        if (p, b, lot) in per_level
    }
    level_ids = {key: row[0] for key, row in level_rows.items()}
    per_balance: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    for line in lines:
        delta = per_balance[(line.product_id, line.bin.warehouse_id)]
        delta[0] += line.quantity
        lot_sellable = level_rows[(line.product_id, line.bin.pk, line.lot)][1] == (
            LotStatus.SELLABLE
        )
        delta[1] += line.quantity if line.bin.is_unavailable or not lot_sellable else 0
    InventoryBalance.objects.bulk_create(
        [InventoryBalance(product_id=p, warehouse_id=w) for p, w in per_balance],
        batch_size=500,
        ignore_conflicts=True,
    )
    balance_ids = {
        (p, w): pk
        for pk, p, w in InventoryBalance.objects.filter(
            product_id__in={p for p, _ in per_balance},
            warehouse_id__in={w for _, w in per_balance},
        ).values_list("pk", "product_id", "warehouse_id")
        if (p, w) in per_balance
    }
    # Lock order (docs/contracts.md): stock levels, then balances, each in pk order.
    stock_levels_for_update(level_ids.values())
    balances_for_update(balance_ids.values())
    level_table = connection.ops.quote_name(StockLevel._meta.db_table)
    update_from_values(
        table=level_table,
        columns=["id", "qty"],
        rows=sorted((level_ids[key], qty) for key, qty in per_level.items()),
        set_sql=f"on_hand = {level_table}.on_hand + v.qty",
        join_sql=f"{level_table}.id = v.id",
    )
    balance_table = connection.ops.quote_name(InventoryBalance._meta.db_table)
    update_from_values(
        table=balance_table,
        columns=["id", "qty", "unav"],
        rows=sorted((balance_ids[key], d[0], d[1]) for key, d in per_balance.items()),
        set_sql=(
            f"on_hand = {balance_table}.on_hand + v.qty, "
            f"unavailable = {balance_table}.unavailable + v.unav, "
            f"version = {balance_table}.version + 1"
        ),
        join_sql=f"{balance_table}.id = v.id",
    )
    movements = StockMovement.objects.bulk_create(
        [
            StockMovement(
                product_id=line.product_id,
                lot=line.lot,
                from_bin=None,
                to_bin=line.bin,
                quantity=line.quantity,
                reason=reason,
                document_type=document_type,
                document_ref=str(document_ref),
                note=note[:255],
                actor=actor.label[:150],
                actor_user_id=actor.user_id,
            )
            for line in lines
        ],
        batch_size=500,
    )
    outbox.stock_changed_many(pairs=list(per_balance))
    return movements
