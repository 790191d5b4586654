"""Inbound shipments (ASN / PO) with expected lines, and receipt discrepancies."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from common.models import TimeStampedModel
from warehouse.choices import DiscrepancyKind, InboundKind
from warehouse.states import InboundStatus


class InboundShipment(TimeStampedModel):
    """One expected delivery into a warehouse: an advance shipping notice or a purchase order.

    Its lines' open quantities count as incoming stock until received or closed.
    """

    warehouse = models.ForeignKey(
        "warehouse.Warehouse", on_delete=models.PROTECT, related_name="inbound_shipments"
    )
    number = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=3, choices=InboundKind.choices, default=InboundKind.ASN)
    supplier = models.CharField(max_length=120, blank=True)
    status = models.CharField(
        max_length=10, choices=InboundStatus.choices, default=InboundStatus.OPEN
    )
    expected_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.CharField(max_length=150, blank=True)
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=InboundStatus.values), name="inbound_status_valid"
            )
        ]

    def __str__(self) -> str:
        return self.number


class InboundLine(TimeStampedModel):
    """Expected units of one product (and lot) on an inbound shipment, and what arrived."""

    shipment = models.ForeignKey(InboundShipment, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    lot = models.CharField(max_length=40, blank=True, default="")
    expiry_date = models.DateField(null=True, blank=True)
    quantity_expected = models.PositiveIntegerField(default=0)
    quantity_received = models.PositiveIntegerField(default=0, help_text="Good units")
    quantity_damaged = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "product", "lot"], name="inbound_line_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id}:{self.product_id}"

    @property
    def open_quantity(self) -> int:
        """Units still expected (what counts as incoming)."""
        return max(0, self.quantity_expected - self.quantity_received - self.quantity_damaged)


class ReceiptDiscrepancy(TimeStampedModel):
    """A difference between what was expected and what arrived (over, short, damaged)."""

    shipment = models.ForeignKey(
        InboundShipment, on_delete=models.CASCADE, related_name="discrepancies"
    )
    line = models.ForeignKey(InboundLine, null=True, blank=True, on_delete=models.CASCADE)
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8, choices=DiscrepancyKind.choices)
    quantity = models.PositiveIntegerField()
    note = models.CharField(max_length=255, blank=True)
    actor = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="discrepancy_qty_positive")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.quantity}× {self.product_id}"
