"""Holds: typed records that stop work from reaching the warehouse until released."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from common.models import TimeStampedModel
from orders.choices import HoldKind, HoldScope


class Hold(TimeStampedModel):
    """One reason to hold an order, some of its lines, or one fulfillment request.

    Active while `released_at` is empty. Several may be active at once; each is released
    independently, and releasing the last one lets the order move on.
    """

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="holds")
    kind = models.CharField(max_length=12, choices=HoldKind.choices)
    scope = models.CharField(max_length=20, choices=HoldScope.choices, default=HoldScope.ORDER)
    lines = models.ManyToManyField("orders.OrderLine", blank=True, related_name="holds")
    fulfillment_request = models.ForeignKey(
        "orders.FulfillmentRequest",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="holds",
    )
    reason = models.CharField(max_length=500)
    details = models.JSONField(default=dict, blank=True)
    placed_by = models.CharField(max_length=150)
    placed_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    released_at = models.DateTimeField(null=True, blank=True)
    released_by = models.CharField(max_length=150, blank=True)
    release_note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["order", "created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=HoldKind.values), name="hold_kind_valid"),
            models.CheckConstraint(
                condition=Q(scope__in=HoldScope.values), name="hold_scope_valid"
            ),
            models.CheckConstraint(
                condition=~Q(scope=HoldScope.FULFILLMENT_REQUEST)
                | Q(fulfillment_request__isnull=False),
                name="hold_fr_scope_has_fr",
            ),
        ]
        indexes = [
            models.Index(fields=["order", "released_at"]),
            # ?hold_kind= on the order list: orders with an active hold of a kind, newest first
            models.Index(
                fields=["kind", "order"],
                condition=Q(released_at__isnull=True),
                name="hold_active_kind_order",
            ),
        ]

    def __str__(self) -> str:
        state = "released" if self.released_at else "active"
        return f"{self.kind} hold on {self.order_id} ({self.scope}, {state})"

    @property
    def is_active(self) -> bool:
        return self.released_at is None
