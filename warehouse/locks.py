"""Named row-lock helpers for warehouse rows (the only select_for_update in warehouse/).

Several rows of one kind are always locked in primary-key order so that two transactions
locking overlapping sets cannot deadlock. On SQLite these are plain reads.

Every lock is FOR NO KEY UPDATE of the row itself (`no_key=True, of=("self",)`): it excludes
the other lock helpers exactly as FOR UPDATE does, but not the FOR KEY SHARE locks that
Postgres takes to check a foreign key when some other transaction inserts a row referencing the
locked one (Django's foreign keys are DEFERRABLE, so that check runs at COMMIT). With FOR UPDATE,
a cycle-count schedule that held bins and, at COMMIT, checked its tasks' foreign keys to the
warehouse waited for a wave release holding the warehouse row, which then waited for the
bins: a deadlock (issue 10). No row locked here is deleted under its lock.
"""

from __future__ import annotations

from collections.abc import Iterable

from warehouse.models import (
    Bin,
    CycleCount,
    InboundLine,
    InboundShipment,
    Package,
    PickLine,
    PickList,
    Task,
    Warehouse,
    Wave,
)


def warehouse_for_update(pk: int) -> Warehouse:
    """Serialises wave planning and release per warehouse (nothing else locks this row)."""
    return Warehouse.objects.select_for_update(of=("self",), no_key=True).get(pk=pk)


def bin_for_update(pk: int) -> Bin:
    return Bin.objects.select_for_update(of=("self",), no_key=True).get(pk=pk)


def inbound_shipment_for_update(pk: int) -> InboundShipment:
    return InboundShipment.objects.select_for_update(of=("self",), no_key=True).get(pk=pk)


def inbound_line_for_update(pk: int) -> InboundLine:
    return InboundLine.objects.select_for_update(of=("self",), no_key=True).get(pk=pk)


def task_for_update(pk: int) -> Task:
    return Task.objects.select_for_update(of=("self",), no_key=True).get(pk=pk)


def tasks_for_update(ids: Iterable[int]) -> list[Task]:
    return list(
        Task.objects.filter(pk__in=sorted(set(ids)))
        .order_by("pk")
        .select_for_update(of=("self",), no_key=True)
    )


def wave_for_update(pk: int) -> Wave:
    return Wave.objects.select_for_update(of=("self",), no_key=True).get(pk=pk)


def pick_list_for_update(pk: int) -> PickList:
    return PickList.objects.select_for_update(of=("self",), no_key=True).get(pk=pk)


def pick_line_for_update(pk: int) -> PickLine:
    return (
        PickLine.objects.select_for_update(of=("self",), no_key=True)
        .select_related("bin", "product")
        .get(pk=pk)
    )


def package_for_update(pk: int) -> Package:
    return Package.objects.select_for_update(of=("self",), no_key=True).get(pk=pk)


def cycle_count_for_update(pk: int) -> CycleCount:
    return CycleCount.objects.select_for_update(of=("self",), no_key=True).get(pk=pk)
