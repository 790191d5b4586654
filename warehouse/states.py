"""Status values and transition tables of the WMS state machines.

Each machine has exactly one writer function (`_<noun>_set_status` in its services module) that
checks `can_transition` before a conditional UPDATE.
"""

from __future__ import annotations

from django.db import models


class InboundStatus(models.TextChoices):
    OPEN = "open", "Open"
    RECEIVING = "receiving", "Receiving"
    CLOSED = "closed", "Closed"
    CANCELLED = "cancelled", "Cancelled"


class TaskStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class WaveStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    RELEASED = "released", "Released"
    PICKED = "picked", "Picked"
    CANCELLED = "cancelled", "Cancelled"


class PickLineStatus(models.TextChoices):
    OPEN = "open", "Open"
    PICKED = "picked", "Picked"
    SHORT = "short", "Reported short"
    CANCELLED = "cancelled", "Cancelled"


class PackageStatus(models.TextChoices):
    OPEN = "open", "Packing"
    PACKED = "packed", "Packed (label printed)"
    SHIPPED = "shipped", "Shipped"
    CANCELLED = "cancelled", "Cancelled"


class CountStatus(models.TextChoices):
    OPEN = "open", "To count"
    RECOUNT = "recount", "Recount requested"
    PENDING_APPROVAL = "pending_approval", "Waiting for supervisor approval"
    APPLIED = "applied", "Applied"
    CANCELLED = "cancelled", "Cancelled"


INBOUND_TRANSITIONS = {
    InboundStatus.OPEN: {InboundStatus.RECEIVING, InboundStatus.CLOSED, InboundStatus.CANCELLED},
    InboundStatus.RECEIVING: {InboundStatus.CLOSED},
    InboundStatus.CLOSED: set(),
    InboundStatus.CANCELLED: set(),
}
TASK_TRANSITIONS = {
    TaskStatus.OPEN: {TaskStatus.IN_PROGRESS, TaskStatus.DONE, TaskStatus.CANCELLED},
    TaskStatus.IN_PROGRESS: {TaskStatus.DONE, TaskStatus.CANCELLED, TaskStatus.OPEN},
    TaskStatus.DONE: set(),
    TaskStatus.CANCELLED: set(),
}
WAVE_TRANSITIONS = {
    WaveStatus.PLANNED: {WaveStatus.RELEASED, WaveStatus.CANCELLED},
    WaveStatus.RELEASED: {WaveStatus.PICKED},
    WaveStatus.PICKED: set(),
    WaveStatus.CANCELLED: set(),
}
PACKAGE_TRANSITIONS = {
    PackageStatus.OPEN: {PackageStatus.PACKED, PackageStatus.CANCELLED},
    PackageStatus.PACKED: {PackageStatus.SHIPPED, PackageStatus.CANCELLED},
    PackageStatus.SHIPPED: set(),
    PackageStatus.CANCELLED: set(),
}
COUNT_TRANSITIONS = {
    CountStatus.OPEN: {
        CountStatus.RECOUNT,
        CountStatus.PENDING_APPROVAL,
        CountStatus.APPLIED,
        CountStatus.CANCELLED,
    },
    CountStatus.RECOUNT: {
        CountStatus.RECOUNT,
        CountStatus.PENDING_APPROVAL,
        CountStatus.APPLIED,
        CountStatus.CANCELLED,
    },
    CountStatus.PENDING_APPROVAL: {CountStatus.APPLIED, CountStatus.RECOUNT, CountStatus.CANCELLED},
    CountStatus.APPLIED: set(),
    CountStatus.CANCELLED: set(),
}


def can_transition(table: dict, current: str, new: str) -> bool:
    """True when `table` allows current → new."""
    return new in table.get(current, set())
