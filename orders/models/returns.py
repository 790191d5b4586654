"""Returns (RMA)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from common.models import TimeStampedModel
from orders.choices import Disposition
from orders.states import ReturnStatus


class ReturnAuthorization(TimeStampedModel):
    """A customer's return of shipped units, from request to disposition."""

    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="returns")
    number = models.CharField(max_length=32, unique=True)
    status = models.CharField(
        max_length=14, choices=ReturnStatus.choices, default=ReturnStatus.REQUESTED
    )
    reason = models.CharField(max_length=500)
    is_exchange = models.BooleanField(default=False)
    warehouse = models.ForeignKey(
        "warehouse.Warehouse", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReturnStatus.values), name="rma_status_valid"
            )
        ]

    def __str__(self) -> str:
        return self.number


class ReturnLine(models.Model):
    """Units of one order line coming back, and what happened to them."""

    rma = models.ForeignKey(ReturnAuthorization, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey("orders.OrderLine", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    reason = models.CharField(max_length=200, blank=True)
    quantity_received = models.PositiveIntegerField(default=0)
    condition = models.CharField(max_length=200, blank=True)
    disposition = models.CharField(max_length=10, choices=Disposition.choices, blank=True)

    class Meta:
        ordering = ["rma", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="returnline_qty_positive"),
            models.CheckConstraint(
                condition=Q(quantity_received__lte=F("quantity")),
                name="returnline_received_lte_qty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rma_id}: {self.quantity}× line {self.order_line_id}"
