"""The catalog: products (SKUs) and their barcodes."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q

from common.models import TimeStampedModel
from inventory.choices import AbcClass, BarcodeKind


class Product(TimeStampedModel):
    """One stock-keeping unit (SKU)."""

    sku = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    weight_g = models.PositiveIntegerField(default=0)
    length_mm = models.PositiveIntegerField(default=0)
    width_mm = models.PositiveIntegerField(default=0)
    height_mm = models.PositiveIntegerField(default=0)
    abc_class = models.CharField(max_length=1, choices=AbcClass.choices, default=AbcClass.C)
    is_lot_tracked = models.BooleanField(default=False)
    is_expiry_tracked = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)
    # What one unit is worth in stock (count variances, write-offs are valued with it).
    unit_cost = models.DecimalField(
        max_digits=14, decimal_places=4, default=Decimal("0"), help_text="Cost of one unit"
    )
    cost_currency = models.CharField(max_length=3, default="USD", help_text="ISO 4217")

    class Meta:
        ordering = ["sku"]
        constraints = [
            models.CheckConstraint(condition=Q(unit_cost__gte=0), name="product_cost_nonneg")
        ]

    def __str__(self) -> str:
        return self.sku

    @property
    def volume_cm3(self) -> float:
        return self.length_mm * self.width_mm * self.height_mm / 1000.0


class Barcode(models.Model):
    """A scannable code (GTIN, UPC, internal) that identifies a product."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="barcodes")
    code = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=10, choices=BarcodeKind.choices, default=BarcodeKind.GTIN)

    class Meta:
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=~Q(code=""), name="barcode_not_empty")]

    def __str__(self) -> str:
        return self.code
