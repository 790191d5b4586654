"""Box types and packages (one carton of one fulfillment request)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from common.models import TimeStampedModel
from warehouse.states import PackageStatus


class BoxType(TimeStampedModel):
    """A carton size the packing station stocks (inner dimensions, weight limit, own weight)."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    length_mm = models.PositiveIntegerField()
    width_mm = models.PositiveIntegerField()
    height_mm = models.PositiveIntegerField()
    max_weight_g = models.PositiveIntegerField()
    tare_weight_g = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["length_mm", "width_mm", "height_mm"]

    def __str__(self) -> str:
        return self.code

    @property
    def volume_mm3(self) -> int:
        return self.length_mm * self.width_mm * self.height_mm


class Package(TimeStampedModel):
    """The carton a fulfillment request leaves in: verified items, box, weight, label."""

    warehouse = models.ForeignKey("warehouse.Warehouse", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=40, unique=True)
    fulfillment_request_id = models.BigIntegerField(db_index=True)
    order_number = models.CharField(max_length=40, blank=True)
    wave_request = models.ForeignKey(
        "warehouse.WaveRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=PackageStatus.choices, default=PackageStatus.OPEN
    )
    suggested_box = models.ForeignKey(
        BoxType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    box = models.ForeignKey(
        BoxType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    weight_g = models.PositiveIntegerField(null=True, blank=True)
    expected_weight_g = models.PositiveIntegerField(default=0)
    weight_flagged = models.BooleanField(default=False)
    # A supervisor let an out-of-tolerance weight through (cleared by every re-weigh).
    weight_override_by = models.CharField(max_length=150, blank=True)
    weight_override_reason = models.CharField(max_length=500, blank=True)
    weight_override_at = models.DateTimeField(null=True, blank=True)
    shipment_id = models.BigIntegerField(null=True, blank=True)
    carrier_code = models.CharField(max_length=40, blank=True)
    tracking_number = models.CharField(max_length=80, blank=True, db_index=True)
    label_zpl = models.TextField(blank=True)
    packed_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    task = models.OneToOneField(
        "warehouse.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=PackageStatus.values), name="package_status"
            ),
            # One live package per fulfillment request at a time.
            models.UniqueConstraint(
                fields=["fulfillment_request_id"],
                condition=~Q(status="cancelled"),
                name="package_one_live_per_request",
            ),
        ]

    def __str__(self) -> str:
        return self.number


class PackedItem(models.Model):
    """One request line in a package: how many units are expected and how many were scanned."""

    package = models.ForeignKey(Package, on_delete=models.CASCADE, related_name="items")
    fulfillment_line_id = models.BigIntegerField()
    commitment_id = models.BigIntegerField(null=True, blank=True)
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    lot = models.CharField(max_length=40, blank=True, default="")
    quantity_expected = models.PositiveIntegerField()
    quantity_verified = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity_verified__lte=F("quantity_expected")),
                name="packeditem_verified_le_expected",
            )
        ]

    def __str__(self) -> str:
        return f"{self.quantity_verified}/{self.quantity_expected}× {self.product_id}"
