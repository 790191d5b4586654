"""Putaway: move received units from the receiving bin into storage, by scan.

The task carries the suggested bin (see `selectors.putaway_suggest`); the operator may put the
units elsewhere by scanning another storage bin. Every move goes through
`inventory_services.stock_move` (reason putaway).
"""

from __future__ import annotations

from django.db import transaction

from common.types import Actor
from inventory import selectors as inventory_selectors
from inventory import services as inventory_services
from inventory.choices import MovementReason
from inventory.exceptions import BinNotUsable, InvalidQuantity
from warehouse.choices import TaskKind
from warehouse.exceptions import NothingToDo, WrongItem
from warehouse.locks import task_for_update
from warehouse.selectors import STORAGE_BIN_TYPES, bin_get_by_code
from warehouse.services.steps import NextStep, fingerprint, scan_remember, scan_replay
from warehouse.services.tasks import task_finish, task_progress
from warehouse.states import TaskStatus


@transaction.atomic(durable=True)
def putaway_confirm(
    *,
    task_id: int,
    bin_code: str,
    actor: Actor,
    item_code: str = "",
    quantity: int | None = None,
    scan_id: str | None = None,
) -> NextStep:
    """Put (part of) a putaway task's units into the scanned bin.

    The scanned bin may differ from the suggestion (an override) but must be an unblocked
    storage bin. Raises NothingToDo, WrongItem, UnknownCode, BinNotUsable, InvalidQuantity.
    """
    content = fingerprint(task=task_id, bin=bin_code, item=item_code, qty=quantity)
    task = task_for_update(task_id)
    if (replay := scan_replay(scan_id=scan_id, action="putaway", content_hash=content)) is not None:
        return replay
    if task.kind != TaskKind.PUTAWAY or task.status in (TaskStatus.DONE, TaskStatus.CANCELLED):
        raise NothingToDo(f"Putaway task {task.pk} is {task.get_status_display().lower()}.")
    if item_code:
        product = inventory_selectors.product_get_by_code(code=item_code)
        if product is None or product.pk != task.product_id:
            raise WrongItem(f"{item_code} is not the item of this putaway task.")
    remaining = task.quantity - task.quantity_done
    qty = remaining if quantity is None else quantity
    if not isinstance(qty, int) or qty <= 0 or qty > remaining:
        raise InvalidQuantity(f"Put away between 1 and {remaining} unit(s).")
    target = bin_get_by_code(warehouse_id=task.warehouse_id, code=bin_code)
    if target.bin_type not in STORAGE_BIN_TYPES or target.is_blocked:
        raise BinNotUsable(f"Bin {target.code} is blocked or not a storage bin.")
    if target.pk == task.from_bin_id:
        raise BinNotUsable("Scan the storage bin the units go to, not the receiving bin.")
    inventory_services.stock_move(
        product_id=task.product_id,
        from_bin=task.from_bin,
        to_bin=target,
        quantity=qty,
        actor=actor,
        lot=task.lot,
        reason=MovementReason.PUTAWAY,
        document_type="putaway_task",
        document_ref=str(task.pk),
    )
    task = task_progress(task_id=task.pk, quantity=qty, actor=actor, done_bin=target)
    overridden = task.to_bin_id is not None and task.to_bin_id != target.pk
    done = task.quantity_done >= task.quantity
    if done:
        task_finish(task_id=task.pk, actor=actor)
    step = NextStep(
        step="done" if done else "scan_bin",
        message=(
            f"Put {qty} unit(s) in {target.code}"
            + (" (not the suggested bin)" if overridden else "")
            + ("." if done else f"; {task.quantity - task.quantity_done} left to put away.")
        ),
        data={
            "task_id": task.pk,
            "bin": target.code,
            "overridden": overridden,
            "remaining": task.quantity - task.quantity_done,
        },
    )
    scan_remember(scan_id=scan_id, action="putaway", content_hash=content, step=step)
    return step
