"""Cycle counts (blind, with recount and approval) and pick faces with min/max levels."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from common.models import TimeStampedModel
from warehouse.choices import CountTrigger
from warehouse.states import CountStatus


class CycleCount(TimeStampedModel):
    """One count of one bin. The expected quantities stay on the server (blind count).

    `ledger_mark` is the newest ledger row id when the count started: any later movement in or
    out of the bin means stock moved during the count, and the count is not applied over it.
    """

    warehouse = models.ForeignKey("warehouse.Warehouse", on_delete=models.PROTECT, related_name="+")
    bin = models.ForeignKey("warehouse.Bin", on_delete=models.PROTECT, related_name="+")
    zone = models.ForeignKey("warehouse.Zone", on_delete=models.PROTECT, related_name="+")
    abc_class = models.CharField(max_length=1, default="C")
    trigger = models.CharField(
        max_length=12, choices=CountTrigger.choices, default=CountTrigger.MANUAL
    )
    status = models.CharField(max_length=18, choices=CountStatus.choices, default=CountStatus.OPEN)
    attempt = models.PositiveSmallIntegerField(default=0)
    ledger_mark = models.BigIntegerField(default=0)
    task = models.OneToOneField(
        "warehouse.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    counted_by = models.CharField(max_length=150, blank=True, help_text="Who counted last")
    first_counted_by = models.CharField(max_length=150, blank=True)
    # Set while a recount is asked for because of a variance: that person may not recount.
    recount_not_by = models.CharField(max_length=150, blank=True)
    approved_by = models.CharField(max_length=150, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True, db_index=True)
    expected_units = models.IntegerField(default=0)
    variance_units = models.IntegerField(default=0, help_text="Σ |counted − expected|")
    lines_total = models.PositiveIntegerField(default=0)
    lines_accurate = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=CountStatus.values), name="count_status"),
            models.UniqueConstraint(
                fields=["bin"],
                condition=Q(status__in=["open", "recount", "pending_approval"]),
                name="count_one_open_per_bin",
            ),
        ]

    def __str__(self) -> str:
        return f"count#{self.pk} {self.bin_id}"


class CycleCountLine(models.Model):
    """Expected vs counted units of one product (lot) in the counted bin."""

    count = models.ForeignKey(CycleCount, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    lot = models.CharField(max_length=40, blank=True, default="")
    expected_quantity = models.IntegerField(default=0)
    counted_quantity = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["count", "product", "lot"], name="countline_unique")
        ]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.counted_quantity}/{self.expected_quantity}"

    @property
    def variance(self) -> int:
        return (self.counted_quantity or 0) - self.expected_quantity


class PickFace(TimeStampedModel):
    """A pick-face bin assigned to one product, refilled from reserve between min and max."""

    bin = models.OneToOneField("warehouse.Bin", on_delete=models.PROTECT, related_name="pick_face")
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    min_quantity = models.PositiveIntegerField()
    max_quantity = models.PositiveIntegerField()

    class Meta:
        ordering = ["bin"]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_quantity__gte=F("min_quantity")) & Q(max_quantity__gt=0),
                name="pickface_min_le_max",
            )
        ]

    def __str__(self) -> str:
        return f"{self.bin_id}: {self.product_id} [{self.min_quantity}, {self.max_quantity}]"
