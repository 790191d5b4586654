"""Raw inbound deliveries (webhooks and polled orders), kept as received."""

from __future__ import annotations

from django.db import models

from channels_sync.choices import ChannelUpdateStatus, InboundSource, InboundStatus


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


class ChannelOrderUpdate(models.Model):
    """One state of one channel order at the channel's own version (Shopify `updated_at`,
    WooCommerce `date_modified_gmt`, Amazon `LastUpdateDate`), kept durably so that an update
    delivered before its create is applied when the order exists, and so that the newest state
    wins whatever order the deliveries come in (docs/channels.md, "Later updates").

    Unique per (channel, external order id, version): a second delivery of the same state is
    the same row. `state` is what `orders.services.order_channel_update` compares; `data` is the
    parsed order (what `order_capture` takes) for creates.
    """

    channel = models.ForeignKey(
        "channels_sync.Channel", on_delete=models.CASCADE, related_name="order_updates"
    )
    external_order_id = models.CharField(max_length=64)
    version = models.DateTimeField()
    topic = models.CharField(max_length=60, blank=True)
    state = models.JSONField(default=dict)
    inbound_event = models.ForeignKey(
        InboundEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=12, choices=ChannelUpdateStatus.choices, default=ChannelUpdateStatus.PENDING
    )
    early = models.BooleanField(default=False, help_text="Delivered before its order was created")
    outcome = models.TextField(blank=True)
    order_id = models.BigIntegerField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["channel", "external_order_id", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "external_order_id", "version"],
                name="channel_order_update_version_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ChannelUpdateStatus.values),
                name="channel_order_update_status_valid",
            ),
        ]
        indexes = [
            models.Index(
                fields=["channel", "external_order_id", "status"],
                name="channel_order_update_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.external_order_id}@{self.version.isoformat()}"
