"""Sales channels, the warehouses that feed them, and their API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.db import models
from django.db.models import Q

from channels_sync.choices import ChannelKind
from common.models import TimeStampedModel


class Channel(TimeStampedModel):
    """A storefront or marketplace that sells our stock and sends us orders."""

    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=12, choices=ChannelKind.choices, default=ChannelKind.CUSTOM)
    base_url = models.URLField(blank=True)
    credentials = models.JSONField(default=dict, blank=True)
    webhook_secret = models.CharField(max_length=200, blank=True)
    rate_limit_per_second = models.FloatField(default=2.0)
    rate_limit_burst = models.PositiveIntegerField(default=40)
    warehouses = models.ManyToManyField(
        "warehouse.Warehouse", through="ChannelWarehouse", related_name="channels", blank=True
    )
    safety_stock = models.PositiveIntegerField(default=0, help_text="Units held back per SKU")
    buffer_percent = models.PositiveSmallIntegerField(
        default=0, help_text="% of available held back"
    )
    allows_split_shipments = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    poll_cursor = models.CharField(
        max_length=64, blank=True, help_text="Marketplace poller: LastUpdatedAfter of the next poll"
    )
    last_polled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(buffer_percent__lte=100), name="channel_buffer_lte_100"
            )
        ]

    def __str__(self) -> str:
        return self.code


class ChannelWarehouse(models.Model):
    """A warehouse that feeds a channel, with its routing priority (1 = first choice)."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="warehouse_links")
    warehouse = models.ForeignKey("warehouse.Warehouse", on_delete=models.PROTECT, related_name="+")
    priority = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["channel", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "warehouse"], name="channel_wh_unique")
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}→{self.warehouse_id} (p{self.priority})"


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ChannelToken(TimeStampedModel):
    """An API key for one channel. Only its hash is stored; the key is shown once."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="tokens")
    name = models.CharField(max_length=80, default="default")
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.prefix}…"

    @staticmethod
    def hash_key(key: str) -> str:
        return _hash(key)

    @staticmethod
    def generate_key() -> str:
        return "ch_" + secrets.token_urlsafe(32)
