"""Raw inbound deliveries (webhooks and polled orders), kept as received."""

from __future__ import annotations

from django.db import models

from channels_sync.choices import InboundSource, InboundStatus


class InboundEvent(models.Model):
    """One verified delivery of a channel order, stored raw before it is parsed.

    `dedupe_key` makes redelivery idempotent: Shopify-style deliveries carry an event id;
    WooCommerce-style ones are keyed by order id and modification time; polled orders by
    order id and LastUpdateDate.
    """

    channel = models.ForeignKey(
        "channels_sync.Channel", on_delete=models.CASCADE, related_name="inbound_events"
    )
    source = models.CharField(max_length=10, choices=InboundSource.choices)
    topic = models.CharField(max_length=60, blank=True)
    dedupe_key = models.CharField(max_length=200)
    external_order_id = models.CharField(max_length=64, db_index=True)
    external_updated_at = models.CharField(max_length=40, blank=True)
    headers = models.JSONField(default=dict, blank=True)
    body = models.TextField()
    status = models.CharField(
        max_length=16, choices=InboundStatus.choices, default=InboundStatus.RECEIVED
    )
    order_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    error = models.TextField(blank=True)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "dedupe_key"], name="inbound_dedupe"),
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.dedupe_key}"
