"""Warehouses, zones and bins: the physical layout that routing and stock refer to."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from common.models import TimeStampedModel
from warehouse.choices import PICKABLE_BIN_TYPES, UNAVAILABLE_BIN_TYPES, BinType, ZoneKind


class Warehouse(TimeStampedModel):
    """One building that holds stock and ships orders."""

    code = models.SlugField(max_length=20, unique=True)
    name = models.CharField(max_length=120)
    address_line1 = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, default="US", help_text="ISO 3166-1 alpha-2")
    region = models.CharField(max_length=40, blank=True, help_text="Routing region code")
    timezone = models.CharField(max_length=64, default="UTC")
    shipping_cutoff = models.TimeField(
        default="16:00", help_text="Orders released after this local time ship the next day"
    )
    # Layout geometry used by walking-route computation (metres).
    aisle_spacing_m = models.FloatField(default=3.0, help_text="Distance between aisle centres")
    bay_width_m = models.FloatField(default=1.2, help_text="Width of one bay along the aisle")
    cross_aisle_width_m = models.FloatField(default=2.0)
    depot_x_m = models.FloatField(default=0.0, help_text="Pick-and-drop point, x coordinate")
    block_length_m = models.FloatField(
        default=0.0, help_text="Length of the aisles of one block (between two cross aisles)"
    )
    blocks = models.PositiveSmallIntegerField(default=1, help_text="Blocks of parallel aisles")
    # The last wave number given out in this warehouse (warehouse.services.waves allocates the
    # next one with a conditional UPDATE of this row, under the warehouse lock wave_plan holds).
    wave_counter = models.PositiveIntegerField(default=0, editable=False)
    # Cycle counts: a variance beyond these needs a recount by another person, then approval.
    count_tolerance_units = models.PositiveIntegerField(
        default=0, help_text="A count variance of at most this many units is applied at once"
    )
    count_tolerance_value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="A count variance worth more than this (at unit cost) always needs a recount",
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Zone(TimeStampedModel):
    """A named area of a warehouse (fast pick, reserve, dock …)."""

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="zones")
    code = models.SlugField(max_length=20)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=12, choices=ZoneKind.choices, default=ZoneKind.MEDIUM)

    class Meta:
        ordering = ["warehouse", "code"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "code"], name="zone_code_unique_per_wh")
        ]

    def __str__(self) -> str:
        return f"{self.warehouse.code}/{self.code}"


class Bin(TimeStampedModel):
    """One storage location, e.g. A-03-12-2 (aisle A, bay 12, level 2, block 3 …).

    Coordinates: `aisle` is the aisle index (0-based, left to right), `position_m` the distance
    along the aisle from the front cross aisle of its block, `block` the block index (0 at the
    front), `level` the shelf height. `x_m` is the aisle centre's x coordinate.
    """

    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="bins")
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="bins")
    code = models.CharField(max_length=40)
    bin_type = models.CharField(max_length=12, choices=BinType.choices, default=BinType.RESERVE)
    aisle = models.PositiveIntegerField(default=0)
    bay = models.PositiveIntegerField(default=0)
    level = models.PositiveIntegerField(default=0)
    block = models.PositiveIntegerField(default=0)
    side = models.CharField(max_length=1, choices=[("L", "Left"), ("R", "Right")], default="L")
    x_m = models.FloatField(default=0.0)
    position_m = models.FloatField(default=0.0)
    pick_sequence = models.PositiveIntegerField(default=0, db_index=True)
    capacity_units = models.PositiveIntegerField(null=True, blank=True)
    is_blocked = models.BooleanField(default=False)
    block_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["warehouse", "pick_sequence", "code"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "code"], name="bin_code_unique_per_wh"),
            models.CheckConstraint(condition=Q(position_m__gte=0), name="bin_position_nonneg"),
        ]
        indexes = [models.Index(fields=["warehouse", "bin_type"])]

    def __str__(self) -> str:
        return self.code

    @property
    def is_unavailable(self) -> bool:
        """Stock here counts as unavailable (damaged, quarantine, or blocked for a count)."""
        return self.bin_type in UNAVAILABLE_BIN_TYPES or self.is_blocked

    @property
    def is_pickable(self) -> bool:
        return self.bin_type in PICKABLE_BIN_TYPES and not self.is_blocked
