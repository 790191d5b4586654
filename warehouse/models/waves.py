"""Waves, their fulfillment requests, totes, pick lists (one per cart) and pick lines.

Fulfillment requests and their lines belong to orders/; they are referenced by plain indexed
ids (as shipping does) so the WMS migrations do not depend on the OMS's.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from common.models import TimeStampedModel
from warehouse.states import PickLineStatus, TaskStatus, WaveStatus


class Tote(TimeStampedModel):
    """A reusable container on a picking cart; holds one fulfillment request while in use."""

    warehouse = models.ForeignKey("warehouse.Warehouse", on_delete=models.PROTECT, related_name="+")
    code = models.CharField(max_length=40)
    wave_request = models.OneToOneField(
        "warehouse.WaveRequest",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="current_tote",
    )

    class Meta:
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["warehouse", "code"], name="tote_code_unique_per_wh")
        ]

    def __str__(self) -> str:
        return self.code


class Wave(TimeStampedModel):
    """A batch of fulfillment requests released to the floor together."""

    warehouse = models.ForeignKey(
        "warehouse.Warehouse", on_delete=models.PROTECT, related_name="waves"
    )
    number = models.CharField(max_length=30, help_text="Per warehouse: W000001, W000002 …")
    status = models.CharField(max_length=10, choices=WaveStatus.choices, default=WaveStatus.PLANNED)
    zone = models.ForeignKey(
        "warehouse.Zone", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    max_orders = models.PositiveIntegerField(default=0)
    max_lines = models.PositiveIntegerField(default=0)
    released_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    route_length_m = models.FloatField(default=0.0)
    sshape_length_m = models.FloatField(default=0.0)
    best_known_length_m = models.FloatField(
        default=0.0, help_text="Sum over the pick lists of the shortest route known for each"
    )

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=WaveStatus.values), name="wave_status"),
            models.UniqueConstraint(
                fields=["warehouse", "number"], name="wave_number_unique_per_wh"
            ),
        ]

    def __str__(self) -> str:
        return self.number


class WaveRequest(models.Model):
    """One fulfillment request (an order's shipment from this warehouse) inside a wave."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="wave_requests")
    fulfillment_request_id = models.BigIntegerField(db_index=True)
    request_number = models.CharField(max_length=40, blank=True)
    order_number = models.CharField(max_length=40, blank=True, db_index=True)
    ship_by = models.DateTimeField(null=True, blank=True)
    priority = models.IntegerField(default=0)
    lines_count = models.PositiveIntegerField(default=0)
    pick_list = models.ForeignKey(
        "warehouse.PickList", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tote_code = models.CharField(max_length=40, blank=True, db_index=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "fulfillment_request_id"], name="wave_request_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.wave_id}:{self.request_number or self.fulfillment_request_id}"


class PickList(TimeStampedModel):
    """The picks of one cart trip, in walking order, with the route and S-shape lengths."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="pick_lists")
    number = models.CharField(max_length=40, help_text="The wave's number and the cart: W000001-01")
    status = models.CharField(max_length=12, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    route_length_m = models.FloatField(default=0.0)
    sshape_length_m = models.FloatField(default=0.0)
    route_method = models.CharField(max_length=20, blank=True)
    best_known_length_m = models.FloatField(
        default=0.0, help_text="Shortest route known for these stops (the optimum when proven)"
    )
    route_optimal = models.BooleanField(
        default=False, help_text="The route is proven shortest (an exact method chose it)"
    )
    stops = models.PositiveIntegerField(default=0, help_text="Distinct locations on the route")
    task = models.OneToOneField(
        "warehouse.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["wave", "number"], name="pick_list_number_unique")
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def saving_vs_sshape_pct(self) -> float:
        """How much shorter the route is than S-shape, in per cent of S-shape."""
        if not self.sshape_length_m:
            return 0.0
        return round(100 * (1 - self.route_length_m / self.sshape_length_m), 1)

    @property
    def excess_vs_best_known_pct(self) -> float:
        """How much longer the route is than the best known, in per cent (0 when optimal)."""
        if not self.best_known_length_m:
            return 0.0
        return round(100 * (self.route_length_m / self.best_known_length_m - 1), 1)


class PickLine(TimeStampedModel):
    """Pick `quantity` of a product from one bin into one tote, under a bin reservation."""

    pick_list = models.ForeignKey(PickList, on_delete=models.CASCADE, related_name="lines")
    wave_request = models.ForeignKey(WaveRequest, on_delete=models.CASCADE, related_name="+")
    sequence = models.PositiveIntegerField(default=0)
    fulfillment_line_id = models.BigIntegerField(db_index=True)
    commitment_id = models.BigIntegerField()
    bin_reservation_id = models.BigIntegerField(null=True, blank=True)
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    bin = models.ForeignKey("warehouse.Bin", on_delete=models.PROTECT, related_name="+")
    lot = models.CharField(max_length=40, blank=True, default="")
    tote_code = models.CharField(max_length=40)
    quantity = models.PositiveIntegerField()
    quantity_picked = models.PositiveIntegerField(default=0)
    quantity_short = models.PositiveIntegerField(default=0)
    # Of the units short in this bin, how many a short pick re-reserved in other bins (new
    # lines on the same list); the rest were reported short to the OMS.
    quantity_reallocated = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=10, choices=PickLineStatus.choices, default=PickLineStatus.OPEN
    )

    class Meta:
        ordering = ["pick_list", "sequence", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity_picked__lte=F("quantity") - F("quantity_short")),
                name="pickline_picked_le_quantity",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PickLineStatus.values), name="pickline_status"
            ),
            models.CheckConstraint(
                condition=Q(quantity_reallocated__lte=F("quantity_short")),
                name="pickline_reallocated_le_short",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity}× {self.product_id} @ {self.bin_id}"

    @property
    def open_quantity(self) -> int:
        return self.quantity - self.quantity_picked - self.quantity_short
