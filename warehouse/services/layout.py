"""Generate a warehouse layout: blocks × aisles × bays × levels of bins, plus dock bins.

Geometry (metres): aisle `a` has its centre at x = depot_x + (a + 0.5) × aisle_spacing. Bays sit
on both sides of an aisle (odd bays left, even bays right), so a block is ceil(bays/2) × bay_width
long. `position_m` is measured from the front cross aisle of the bin's block. Aisles nearest the
depot get the fast-mover zone, as slotting by velocity does in practice.
"""

from __future__ import annotations

import math
import string
from dataclasses import dataclass

from django.db import transaction

from warehouse.choices import BinType, ZoneKind
from warehouse.models import Bin, Warehouse, Zone


@dataclass(frozen=True)
class LayoutResult:
    warehouse: Warehouse
    bins_created: int
    bins_total: int


DOCK_BINS = (
    ("RECV-01", BinType.RECEIVING),
    ("RECV-02", BinType.RECEIVING),
    ("PACK-01", BinType.PACKING),
    ("PACK-02", BinType.PACKING),
    ("SHIP-01", BinType.SHIPPING),
    ("QUAR-01", BinType.QUARANTINE),
    ("DMG-01", BinType.DAMAGED),
)


def _zone_kind_for_aisle(aisle: int, aisles: int) -> str:
    if aisle < max(1, math.ceil(aisles * 0.3)):
        return ZoneKind.FAST
    if aisle < max(2, math.ceil(aisles * 0.6)):
        return ZoneKind.MEDIUM
    return ZoneKind.SLOW


@transaction.atomic
def layout_generate(
    *,
    warehouse: Warehouse,
    aisles: int,
    bays: int,
    levels: int,
    blocks: int = 1,
    pick_levels: int = 2,
    pick_face_capacity: int = 120,
    reserve_capacity: int = 600,
) -> LayoutResult:
    """Create the bins of a rectangular layout (idempotent: existing codes are kept).

    Codes read `<block letter>-<aisle>-<bay>-<level>`, e.g. A-03-12-2. Levels below
    `pick_levels` are pick faces, the rest reserve.
    """
    if min(aisles, bays, levels, blocks) < 1 or blocks > 26:
        raise ValueError("aisles, bays, levels and blocks must be ≥ 1 (blocks ≤ 26)")
    block_length = math.ceil(bays / 2) * warehouse.bay_width_m
    warehouse.block_length_m = block_length
    warehouse.blocks = blocks
    warehouse.save(update_fields=["block_length_m", "blocks", "updated_at"])

    zones = {}
    for kind, code, name in (
        (ZoneKind.FAST, "FAST", "Fast movers"),
        (ZoneKind.MEDIUM, "MED", "Medium movers"),
        (ZoneKind.SLOW, "SLOW", "Slow movers"),
        (ZoneKind.DOCK, "DOCK", "Dock and packing"),
        (ZoneKind.HOLD, "HOLD", "Quarantine and damaged"),
    ):
        zones[kind], _ = Zone.objects.get_or_create(
            warehouse=warehouse, code=code, defaults={"name": name, "kind": kind}
        )

    existing = set(Bin.objects.filter(warehouse=warehouse).values_list("code", flat=True))
    new_bins: list[Bin] = []
    sequence = 0
    for block in range(blocks):
        letter = string.ascii_uppercase[block]
        for aisle in range(aisles):
            # S-shape (serpentine) order: odd aisles are walked back to front.
            bay_order = range(1, bays + 1) if aisle % 2 == 0 else range(bays, 0, -1)
            for bay in bay_order:
                for level in range(1, levels + 1):
                    sequence += 1
                    code = f"{letter}-{aisle + 1:02d}-{bay:02d}-{level}"
                    if code in existing:
                        continue
                    is_pick = level <= pick_levels
                    new_bins.append(
                        Bin(
                            warehouse=warehouse,
                            zone=zones[_zone_kind_for_aisle(aisle, aisles)],
                            code=code,
                            bin_type=BinType.PICK_FACE if is_pick else BinType.RESERVE,
                            aisle=aisle,
                            bay=bay,
                            level=level,
                            block=block,
                            side="L" if bay % 2 else "R",
                            x_m=warehouse.depot_x_m + (aisle + 0.5) * warehouse.aisle_spacing_m,
                            position_m=((bay + 1) // 2 - 0.5) * warehouse.bay_width_m,
                            pick_sequence=sequence,
                            capacity_units=pick_face_capacity if is_pick else reserve_capacity,
                        )
                    )
    for code, bin_type in DOCK_BINS:
        if code in existing:
            continue
        zone = zones[
            ZoneKind.HOLD if bin_type in (BinType.QUARANTINE, BinType.DAMAGED) else ZoneKind.DOCK
        ]
        new_bins.append(
            Bin(
                warehouse=warehouse,
                zone=zone,
                code=code,
                bin_type=bin_type,
                x_m=warehouse.depot_x_m,
            )
        )
    Bin.objects.bulk_create(new_bins, batch_size=1000)
    return LayoutResult(
        warehouse=warehouse,
        bins_created=len(new_bins),
        bins_total=Bin.objects.filter(warehouse=warehouse).count(),
    )
