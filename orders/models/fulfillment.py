"""Fulfillment requests: the OMS's instruction to one warehouse, and what came of it."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from common.models import TimeStampedModel
from orders.states import FulfillmentRequestStatus


class FulfillmentRequest(TimeStampedModel):
    """The part of an order that one warehouse fulfils (one per warehouse per routing)."""

    order = models.ForeignKey(
        "orders.Order", on_delete=models.CASCADE, related_name="fulfillment_requests"
    )
    warehouse = models.ForeignKey("warehouse.Warehouse", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=32, unique=True)
    status = models.CharField(
        max_length=12,
        choices=FulfillmentRequestStatus.choices,
        default=FulfillmentRequestStatus.OPEN,
    )
    priority = models.SmallIntegerField(default=0, help_text="Higher is more urgent")
    ship_by = models.DateTimeField(null=True, blank=True)
    service_level = models.CharField(max_length=40, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    routing_decision = models.ForeignKey(
        "orders.RoutingDecision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=FulfillmentRequestStatus.values), name="fr_status_valid"
            )
        ]
        indexes = [
            models.Index(fields=["warehouse", "status"]),
            # ?warehouse= on the order list: a warehouse's orders newest first
            models.Index(fields=["warehouse", "order"], name="fr_warehouse_order"),
        ]

    def __str__(self) -> str:
        return self.number


class FulfillmentRequestLine(models.Model):
    """Units of one order line that one warehouse is asked to ship, under one commitment.

    Open to pick = quantity − picked − short − cancelled; still committed = quantity − shipped −
    short − cancelled.
    """

    request = models.ForeignKey(FulfillmentRequest, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "orders.OrderLine", on_delete=models.CASCADE, related_name="fulfillment_lines"
    )
    product = models.ForeignKey("inventory.Product", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    commitment = models.ForeignKey(
        "inventory.Commitment", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    quantity_picked = models.PositiveIntegerField(default=0)
    quantity_shipped = models.PositiveIntegerField(default=0)
    quantity_short = models.PositiveIntegerField(default=0)
    quantity_cancelled = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["request", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="frl_qty_positive"),
            models.CheckConstraint(
                condition=Q(
                    quantity__gte=F("quantity_picked")
                    + F("quantity_short")
                    + F("quantity_cancelled")
                ),
                name="frl_qty_accounted",
            ),
            models.CheckConstraint(
                condition=Q(quantity_shipped__lte=F("quantity_picked")),
                name="frl_shipped_lte_picked",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.quantity}× {self.product_id}"

    @property
    def quantity_open(self) -> int:
        """Units still to pick."""
        return self.quantity - self.quantity_picked - self.quantity_short - self.quantity_cancelled

    @property
    def quantity_committed(self) -> int:
        """Units still committed in inventory (picked but not shipped included)."""
        return self.quantity - self.quantity_shipped - self.quantity_short - self.quantity_cancelled


class OrderShipment(models.Model):
    """A shipment the WMS confirmed for a fulfillment request (carrier and tracking number)."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="shipments")
    request = models.ForeignKey(
        FulfillmentRequest, on_delete=models.CASCADE, related_name="shipments"
    )
    shipment_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    carrier = models.CharField(max_length=40, blank=True)
    tracking_number = models.CharField(max_length=64, blank=True, db_index=True)
    lines = models.JSONField(default=list, help_text="[[fulfillment_request_line_id, quantity]]")
    shipped_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.carrier} {self.tracking_number}"
