"""The order timeline: one row per thing that happened to an order."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from orders.choices import EventKind


class OrderEvent(models.Model):
    """Something that happened to an order, with who did it and when. Append-only."""

    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    message = models.CharField(max_length=500, blank=True)
    data = models.JSONField(default=dict, blank=True)
    actor = models.CharField(max_length=150)
    actor_kind = models.CharField(max_length=10, default="system")
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["order", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EventKind.values), name="orderevent_kind_valid"
            )
        ]
        indexes = [models.Index(fields=["order", "created_at"])]

    def __str__(self) -> str:
        return f"{self.order_id} {self.kind} by {self.actor}"
