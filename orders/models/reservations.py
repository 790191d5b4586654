"""Storefront cart reservations: stock held for a cart for a limited time."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from common.models import TimeStampedModel
from orders.choices import CartReservationStatus


class CartReservation(TimeStampedModel):
    """Stock a storefront holds for one cart until `expires_at`; converted by order placement."""

    channel = models.ForeignKey("channels_sync.Channel", on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=40, unique=True)
    status = models.CharField(
        max_length=10, choices=CartReservationStatus.choices, default=CartReservationStatus.ACTIVE
    )
    expires_at = models.DateTimeField(db_index=True)
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CartReservationStatus.values), name="cart_status_valid"
            )
        ]

    def __str__(self) -> str:
        return self.token


class CartReservationLine(models.Model):
    """Units of one product held in one warehouse for a cart."""

    reservation = models.ForeignKey(CartReservation, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    warehouse = models.ForeignKey("warehouse.Warehouse", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    commitment = models.ForeignKey(
        "inventory.Commitment", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["reservation", "id"]

    def __str__(self) -> str:
        return f"{self.quantity}× {self.product_id}@{self.warehouse_id}"
