"""Moves between bins by scan, and quarantine. Every move is a `stock_move` and a done Task."""

from __future__ import annotations

from django.db import transaction

from common.types import Actor
from inventory import selectors as inventory_selectors
from inventory import services as inventory_services
from inventory.choices import MovementReason
from warehouse.choices import BinType, TaskKind
from warehouse.exceptions import UnknownCode
from warehouse.selectors import bin_get_by_code, bin_of_type
from warehouse.services.lots import stock_leaving_sale_make_room
from warehouse.services.steps import NextStep, fingerprint, scan_remember, scan_replay
from warehouse.services.tasks import task_create, task_finish, task_progress


def move_by_scan(
    *,
    warehouse_id: int,
    from_bin_code: str,
    item_code: str,
    quantity: int,
    to_bin_code: str,
    actor: Actor,
    lot: str = "",
    scan_id: str | None = None,
    reason: str = MovementReason.MOVE,
) -> NextStep:
    """Move unreserved units of an item from one bin to another (both scanned).

    Units going from sellable stock into a damaged or quarantine bin are unavailable from then
    on: if orders were counting on them, the newest committed lines that no pick list has taken
    yet give them back first (the OMS re-routes or backorders them), so that
    `committed + unavailable ≤ on_hand` holds; when the units are already on pick lists the move
    is refused (InsufficientStock) and nothing changes.

    Raises UnknownCode, InsufficientStock, BinNotUsable, InvalidQuantity, ScanReused.
    """
    content = fingerprint(
        wh=warehouse_id, src=from_bin_code, item=item_code, qty=quantity, dst=to_bin_code, lot=lot
    )
    if (replay := scan_replay(scan_id=scan_id, action="move", content_hash=content)) is not None:
        return replay
    source = bin_get_by_code(warehouse_id=warehouse_id, code=from_bin_code)
    target = bin_get_by_code(warehouse_id=warehouse_id, code=to_bin_code)
    product = inventory_selectors.product_get_by_code(code=item_code)
    if product is not None and target.is_unavailable and not source.is_unavailable:
        level = (
            inventory_selectors.stock_levels_for_product(
                product_id=product.pk, warehouse_id=warehouse_id
            )
            .filter(bin=source, lot=lot)
            .first()
        )
        # only a move that can happen gives anything back (too few free units: it fails below)
        if (
            level is not None
            and level.is_lot_sellable
            and isinstance(quantity, int)
            and 0 < quantity <= level.free
        ):
            stock_leaving_sale_make_room(
                product_id=product.pk, warehouse_id=warehouse_id, units=quantity, actor=actor
            )
    return _move_by_scan(
        warehouse_id=warehouse_id,
        from_bin_code=from_bin_code,
        item_code=item_code,
        quantity=quantity,
        to_bin_code=to_bin_code,
        actor=actor,
        lot=lot,
        scan_id=scan_id,
        reason=reason,
        content=content,
    )


@transaction.atomic(durable=True)
def _move_by_scan(
    *,
    warehouse_id: int,
    from_bin_code: str,
    item_code: str,
    quantity: int,
    to_bin_code: str,
    actor: Actor,
    lot: str,
    scan_id: str | None,
    reason: str,
    content: str,
) -> NextStep:
    if (replay := scan_replay(scan_id=scan_id, action="move", content_hash=content)) is not None:
        return replay
    source = bin_get_by_code(warehouse_id=warehouse_id, code=from_bin_code)
    target = bin_get_by_code(warehouse_id=warehouse_id, code=to_bin_code)
    product = inventory_selectors.product_get_by_code(code=item_code)
    if product is None:
        raise UnknownCode(f"No item has the code {item_code!r}.")
    inventory_services.stock_move(
        product_id=product.pk,
        from_bin=source,
        to_bin=target,
        quantity=quantity,
        actor=actor,
        lot=lot,
        reason=reason,
        document_type="move",
    )
    task = task_create(
        warehouse_id=warehouse_id,
        kind=TaskKind.MOVE,
        product_id=product.pk,
        lot=lot,
        from_bin=source,
        to_bin=target,
        quantity=quantity,
        document_type="move",
    )
    task_progress(task_id=task.pk, quantity=quantity, actor=actor, done_bin=target)
    task_finish(task_id=task.pk, actor=actor)
    step = NextStep(
        step="scan_from_bin",
        message=f"Moved {quantity}× {product.sku} from {source.code} to {target.code}.",
        data={
            "sku": product.sku,
            "from_bin": source.code,
            "to_bin": target.code,
            "quantity": quantity,
            "task_id": task.pk,
        },
    )
    scan_remember(scan_id=scan_id, action="move", content_hash=content, step=step)
    return step


def quarantine_move(
    *,
    warehouse_id: int,
    from_bin_code: str,
    item_code: str,
    quantity: int,
    actor: Actor,
    lot: str = "",
    scan_id: str | None = None,
) -> NextStep:
    """Put units on hold: move them into the warehouse's quarantine bin (unavailable to sell)."""
    target = bin_of_type(warehouse_id=warehouse_id, bin_type=BinType.QUARANTINE)
    return move_by_scan(
        warehouse_id=warehouse_id,
        from_bin_code=from_bin_code,
        item_code=item_code,
        quantity=quantity,
        to_bin_code=target.code,
        actor=actor,
        lot=lot,
        scan_id=scan_id,
        reason=MovementReason.QUARANTINE,
    )
