"""Tasks: every warehouse job, with assignee and start/end times (labour tracking).

`_task_set_status` is the only writer of Task.status.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from common.types import Actor
from warehouse.exceptions import InvalidTransition
from warehouse.locks import task_for_update
from warehouse.models import Bin, Task
from warehouse.states import TASK_TRANSITIONS, TaskStatus, can_transition


@transaction.atomic
def task_create(
    *,
    warehouse_id: int,
    kind: str,
    product_id: int | None = None,
    lot: str = "",
    from_bin: Bin | None = None,
    to_bin: Bin | None = None,
    quantity: int = 0,
    document_type: str = "",
    document_ref: str = "",
    priority: int = 0,
    note: str = "",
) -> Task:
    """Create an open task."""
    return Task.objects.create(
        warehouse_id=warehouse_id,
        kind=kind,
        product_id=product_id,
        lot=lot,
        from_bin=from_bin,
        to_bin=to_bin,
        quantity=quantity,
        document_type=document_type,
        document_ref=str(document_ref),
        priority=priority,
        note=note[:255],
    )


def tasks_create_many(
    *, warehouse_id: int, kind: str, documents: list[tuple[str, str, int]]
) -> list[Task]:
    """Create many open tasks at once, one per (document type, document ref, quantity): one
    INSERT (a wave release's pick lists). Returned in the order given."""
    return Task.objects.bulk_create(
        [
            Task(
                warehouse_id=warehouse_id,
                kind=kind,
                quantity=quantity,
                document_type=document_type,
                document_ref=str(document_ref),
            )
            for document_type, document_ref, quantity in documents
        ]
    )


def _task_set_status(*, task: Task, status: str) -> Task:
    """The single writer of Task.status (caller holds the task row lock)."""
    if task.status == status:
        return task
    if not can_transition(TASK_TRANSITIONS, task.status, status):
        raise InvalidTransition(
            f"Task {task.pk} cannot go from {task.get_status_display().lower()} to {TaskStatus(status).label.lower()}."
        )
    now = timezone.now()
    fields = {"status": status, "updated_at": now}
    if status == TaskStatus.IN_PROGRESS and task.started_at is None:
        fields["started_at"] = now
    if status in (TaskStatus.DONE, TaskStatus.CANCELLED):
        fields["finished_at"] = now
        if task.started_at is None:
            fields["started_at"] = now
    Task.objects.filter(pk=task.pk, status=task.status).update(**fields)
    for key, value in fields.items():
        setattr(task, key, value)
    return task


@transaction.atomic
def task_start(*, task_id: int, actor: Actor) -> Task:
    """Take a task: the actor becomes its assignee and its clock starts.

    Raises InvalidTransition when the task is done or cancelled.
    """
    task = task_for_update(task_id)
    claimable = task.status == TaskStatus.OPEN or task.assignee_id is None
    if claimable and actor.user_id and task.assignee_id != actor.user_id:
        Task.objects.filter(pk=task.pk).update(assignee_id=actor.user_id)
        task.assignee_id = actor.user_id
    return _task_set_status(task=task, status=TaskStatus.IN_PROGRESS)


@transaction.atomic
def task_progress(
    *, task_id: int, quantity: int, actor: Actor, done_bin: Bin | None = None
) -> Task:
    """Record units done on a task (starting it if needed)."""
    task = task_start(task_id=task_id, actor=actor)
    changes: dict = {"quantity_done": F("quantity_done") + quantity}
    if done_bin is not None:
        changes["done_bin"] = done_bin
    Task.objects.filter(pk=task.pk).update(**changes)
    task.refresh_from_db()
    return task


@transaction.atomic
def task_finish(*, task_id: int, actor: Actor, cancelled: bool = False) -> Task:
    """Close a task (done, or cancelled); the end time is recorded."""
    task = task_for_update(task_id)
    if actor.user_id and task.assignee_id is None:
        Task.objects.filter(pk=task.pk).update(assignee_id=actor.user_id)
        task.assignee_id = actor.user_id
    return _task_set_status(
        task=task, status=TaskStatus.CANCELLED if cancelled else TaskStatus.DONE
    )
