"""The append-only stock ledger."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from inventory.choices import MovementReason


class StockMovement(models.Model):
    """One change of physical stock: `quantity` units of a product (lot) moved from → to.

    A receipt has no `from_bin`; a shipment or a write-off has no `to_bin`. Rows are never
    updated or deleted; for every bin, on hand == Σ in − Σ out.
    """

    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    lot = models.CharField(max_length=40, blank=True, default="")
    from_bin = models.ForeignKey(
        "warehouse.Bin", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_bin = models.ForeignKey(
        "warehouse.Bin", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField()
    reason = models.CharField(max_length=12, choices=MovementReason.choices)
    document_type = models.CharField(max_length=40, blank=True)
    document_ref = models.CharField(max_length=64, blank=True)
    note = models.CharField(max_length=255, blank=True)
    actor = models.CharField(max_length=150)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="movement_qty_positive"),
            models.CheckConstraint(
                condition=Q(from_bin__isnull=False) | Q(to_bin__isnull=False),
                name="movement_has_a_bin",
            ),
            models.CheckConstraint(
                condition=Q(reason__in=MovementReason.values), name="movement_reason_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["product", "created_at"]),
            models.Index(fields=["document_type", "document_ref"]),
            models.Index(fields=["from_bin"]),
            models.Index(fields=["to_bin"]),
        ]

    def __str__(self) -> str:
        return (
            f"{self.reason} {self.quantity}× {self.product_id} {self.from_bin_id}→{self.to_bin_id}"
        )
