"""Replenishment: refill pick faces from reserve bins between their min and max levels.

A pick face gets a replenishment task when its free units (on hand − reserved), less any known
upcoming demand, fall below its min — after a pick, and at wave release before the wave would
run it dry. Sources are reserve bins holding the product, earliest expiry first, then oldest
stock first (FEFO / FIFO). The move itself is `stock_move` (reason replenish).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce

from common.types import Actor
from inventory import selectors as inventory_selectors
from inventory import services as inventory_services
from inventory.choices import MovementReason
from inventory.exceptions import InvalidQuantity
from inventory.models import StockLevel
from warehouse.choices import BinType, TaskKind
from warehouse.exceptions import NothingToDo, WrongBin, WrongItem
from warehouse.locks import task_for_update
from warehouse.models import PickFace, Task
from warehouse.selectors import bin_get_by_code
from warehouse.services.steps import NextStep, fingerprint, scan_remember, scan_replay
from warehouse.services.tasks import task_create, task_finish, task_progress
from warehouse.states import TaskStatus

OPEN_TASK = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)


@transaction.atomic(durable=True)
def pick_face_set(
    *, bin_id: int, product_id: int, min_quantity: int, max_quantity: int
) -> PickFace:
    """Assign a pick-face bin to a product with its min and max levels."""
    if min_quantity < 0 or max_quantity <= 0 or min_quantity > max_quantity:
        raise InvalidQuantity("Need 0 ≤ min ≤ max and max > 0.")
    face, _ = PickFace.objects.update_or_create(
        bin_id=bin_id,
        defaults={
            "product_id": product_id,
            "min_quantity": min_quantity,
            "max_quantity": max_quantity,
        },
    )
    return face


def _sources(*, warehouse_id: int, product_id: int, exclude_bin_id: int) -> list[StockLevel]:
    """Reserve stock of a product with free units, FEFO then FIFO (held and expired lots never
    go to a pick face)."""
    return list(
        inventory_selectors.sellable_stock_levels()
        .filter(
            warehouse_id=warehouse_id,
            product_id=product_id,
            bin__bin_type=BinType.RESERVE,
            bin__is_blocked=False,
            on_hand__gt=F("reserved"),
        )
        .exclude(bin_id=exclude_bin_id)
        .select_related("bin")
        .order_by(F("expiry_date").asc(nulls_last=True), "created_at", "pk")
    )


@transaction.atomic
def replenishment_plan(
    *,
    warehouse_id: int,
    actor: Actor,
    demand: dict[int, int] | None = None,
    product_ids: list[int] | None = None,
) -> list[Task]:
    """Create replenishment tasks for pick faces that are (or would be) below their min.

    `demand` maps product id → upcoming units not yet reserved at the face. A face that already
    has an open replenishment task gets no second one. Returns the tasks created.
    """
    demand = demand or {}
    faces = PickFace.objects.filter(bin__warehouse_id=warehouse_id, bin__is_blocked=False)
    if product_ids is not None:
        faces = faces.filter(product_id__in=product_ids)
    faces = faces.select_related("bin").annotate(
        on_hand=Coalesce(
            Sum(
                "bin__stock_levels__on_hand",
                filter=Q(bin__stock_levels__product_id=F("product_id")),
            ),
            0,
        ),
        reserved=Coalesce(
            Sum(
                "bin__stock_levels__reserved",
                filter=Q(bin__stock_levels__product_id=F("product_id")),
            ),
            0,
        ),
    )
    busy = set(
        Task.objects.filter(
            warehouse_id=warehouse_id, kind=TaskKind.REPLENISH, status__in=OPEN_TASK
        ).values_list("to_bin_id", flat=True)
    )
    created: list[Task] = []
    for face in faces.order_by("bin__pick_sequence"):
        projected = face.on_hand - face.reserved - demand.get(face.product_id, 0)
        if projected >= face.min_quantity or face.bin_id in busy:
            continue
        # Bring the face's free units (after the demand) up to its max.
        wanted = face.max_quantity - projected
        if face.bin.capacity_units is not None:
            wanted = min(wanted, face.bin.capacity_units - face.on_hand)
        for source in _sources(
            warehouse_id=warehouse_id, product_id=face.product_id, exclude_bin_id=face.bin_id
        ):
            if wanted <= 0:
                break
            qty = min(wanted, source.on_hand - source.reserved)
            created.append(
                task_create(
                    warehouse_id=warehouse_id,
                    kind=TaskKind.REPLENISH,
                    product_id=face.product_id,
                    lot=source.lot,
                    from_bin=source.bin,
                    to_bin=face.bin,
                    quantity=qty,
                    document_type="pick_face",
                    document_ref=str(face.pk),
                    priority=50,
                )
            )
            wanted -= qty
    return created


@transaction.atomic(durable=True)
def replenishment_run(*, warehouse_id: int, actor: Actor) -> list[Task]:
    """Check every pick face of a warehouse now (entry point for a periodic task)."""
    return replenishment_plan(warehouse_id=warehouse_id, actor=actor)


@transaction.atomic(durable=True)
def replenishment_confirm(
    *,
    task_id: int,
    from_bin_code: str,
    item_code: str,
    quantity: int,
    to_bin_code: str,
    actor: Actor,
    scan_id: str | None = None,
) -> NextStep:
    """Carry out a replenishment task by scans: reserve bin, item, quantity, pick face.

    Raises WrongBin, WrongItem, NothingToDo, InsufficientStock, InvalidQuantity.
    """
    content = fingerprint(
        task=task_id, src=from_bin_code, item=item_code, qty=quantity, dst=to_bin_code
    )
    task = task_for_update(task_id)
    if (
        replay := scan_replay(scan_id=scan_id, action="replenish", content_hash=content)
    ) is not None:
        return replay
    if task.kind != TaskKind.REPLENISH or task.status not in OPEN_TASK:
        raise NothingToDo(f"Replenishment task {task.pk} is {task.get_status_display().lower()}.")
    source = bin_get_by_code(warehouse_id=task.warehouse_id, code=from_bin_code)
    if source.pk != task.from_bin_id:
        raise WrongBin(f"Take the units from {task.from_bin.code}, not {source.code}.")
    product = inventory_selectors.product_get_by_code(code=item_code)
    if product is None or product.pk != task.product_id:
        raise WrongItem(f"{item_code} is not the item to replenish.")
    target = bin_get_by_code(warehouse_id=task.warehouse_id, code=to_bin_code)
    if target.pk != task.to_bin_id:
        raise WrongBin(f"Put the units in pick face {task.to_bin.code}, not {target.code}.")
    remaining = task.quantity - task.quantity_done
    if not isinstance(quantity, int) or quantity <= 0 or quantity > remaining:
        raise InvalidQuantity(f"Move between 1 and {remaining} unit(s).")
    inventory_services.stock_move(
        product_id=product.pk,
        from_bin=source,
        to_bin=target,
        quantity=quantity,
        actor=actor,
        lot=task.lot,
        reason=MovementReason.REPLENISH,
        document_type="replenish_task",
        document_ref=str(task.pk),
    )
    task = task_progress(task_id=task.pk, quantity=quantity, actor=actor, done_bin=target)
    done = task.quantity_done >= task.quantity
    if done:
        task_finish(task_id=task.pk, actor=actor)
    step = NextStep(
        step="done" if done else "scan_from_bin",
        message=f"Replenished {quantity}× {product.sku} into {target.code}.",
        data={"task_id": task.pk, "remaining": task.quantity - task.quantity_done},
    )
    scan_remember(scan_id=scan_id, action="replenish", content_hash=content, step=step)
    return step
