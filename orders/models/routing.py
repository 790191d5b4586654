"""Routing configuration, the distance table, and the stored routing decisions."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from common.models import TimeStampedModel
from orders.choices import RoutingStrategy, RoutingTrigger, ShortagePolicy


class RoutingPolicy(TimeStampedModel):
    """How a channel's orders are routed. One live policy per channel, optionally one draft.

    The draft is never used for real orders; `manage.py routing_replay` compares it with the
    live one on past decisions. `allow_split` empty means "use Channel.allows_split_shipments".
    """

    channel = models.ForeignKey(
        "channels_sync.Channel", on_delete=models.CASCADE, related_name="routing_policies"
    )
    is_draft = models.BooleanField(default=False)
    strategy = models.CharField(
        max_length=20, choices=RoutingStrategy.choices, default=RoutingStrategy.FEWEST_SHIPMENTS
    )
    shortage_policy = models.CharField(
        max_length=10, choices=ShortagePolicy.choices, default=ShortagePolicy.BACKORDER
    )
    allow_split = models.BooleanField(null=True, blank=True)
    max_distance_km = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "routing policies"
        constraints = [
            models.UniqueConstraint(fields=["channel", "is_draft"], name="routing_policy_unique"),
            models.CheckConstraint(
                condition=Q(strategy__in=RoutingStrategy.values), name="routing_strategy_valid"
            ),
        ]

    def __str__(self) -> str:
        kind = "draft" if self.is_draft else "live"
        return f"{self.channel_id} {kind}: {self.strategy}"


class WarehouseDistance(models.Model):
    """Distance from a warehouse to a destination region (country + optional region code).

    `region` is a state/province code or a postcode prefix; empty means the whole country.
    """

    warehouse = models.ForeignKey("warehouse.Warehouse", on_delete=models.CASCADE, related_name="+")
    country = models.CharField(max_length=2)
    region = models.CharField(max_length=20, blank=True, default="")
    distance_km = models.PositiveIntegerField()

    class Meta:
        ordering = ["country", "region", "distance_km"]
        constraints = [
            models.UniqueConstraint(
                fields=["warehouse", "country", "region"], name="warehouse_distance_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.warehouse_id}→{self.country}/{self.region or '*'}: {self.distance_km} km"


class RoutingDecision(models.Model):
    """One routing run for an order: candidates considered, why, scores, and the plan chosen."""

    order = models.ForeignKey(
        "orders.Order", on_delete=models.CASCADE, related_name="routing_decisions"
    )
    trigger = models.CharField(max_length=16, choices=RoutingTrigger.choices)
    strategy = models.CharField(max_length=20, choices=RoutingStrategy.choices)
    config = models.JSONField(default=dict)
    demand = models.JSONField(default=dict, help_text="{product_id: units to route}")
    candidates = models.JSONField(default=list)
    plan = models.JSONField(default=dict)
    shipments = models.PositiveSmallIntegerField(default=0)
    backordered_units = models.PositiveIntegerField(default=0)
    summary = models.CharField(max_length=500, blank=True)
    actor = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.order_id} {self.trigger}: {self.summary}"
