"""Celery tasks (interfaces only): the periodic WMS jobs. Both are idempotent — a bin with an
open count gets no second count, a pick face with an open replenishment task no second task —
so a redelivered task creates nothing twice.
Beat runs them (config/settings/base.py CELERY_BEAT_SCHEDULE).
"""

from __future__ import annotations

from celery import shared_task

from common.types import Actor
from warehouse.models import Warehouse
from warehouse.services.counts import cycle_counts_schedule
from warehouse.services.replenishment import replenishment_run


@shared_task(bind=True, acks_late=True, ignore_result=True)
def cycle_counts_schedule_all(self) -> int:  # type: ignore[no-untyped-def]
    """Open the cycle counts that the ABC schedule says are due, in every active warehouse."""
    actor = Actor.system("count-schedule")
    return sum(
        len(cycle_counts_schedule(warehouse_id=pk, actor=actor))
        for pk in Warehouse.objects.filter(is_active=True).values_list("pk", flat=True)
    )


@shared_task(bind=True, acks_late=True, ignore_result=True)
def replenishment_run_all(self) -> int:  # type: ignore[no-untyped-def]
    """Create replenishment tasks for pick faces below min, in every active warehouse."""
    actor = Actor.system("replenishment")
    return sum(
        len(replenishment_run(warehouse_id=pk, actor=actor))
        for pk in Warehouse.objects.filter(is_active=True).values_list("pk", flat=True)
    )


@shared_task(bind=True, acks_late=True, ignore_result=True)
def lots_expire_all(self) -> int:  # type: ignore[no-untyped-def]
    """Take lots past their expiry date out of sale (idempotent: an expired lot is skipped the
    second time). Returns the units that left sale."""
    from warehouse.services.lots import lots_expire

    return lots_expire(actor=Actor.system("lot-expiry")).expired_units
