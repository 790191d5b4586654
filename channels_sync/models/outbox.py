"""The transactional outbox: what each channel still has to hear."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from channels_sync.choices import OutboxTopic


class OutboxMessage(models.Model):
    """The newest unsent news for one (channel, topic, key), coalesced in place.

    `version` is bumped by every change written through `channels_sync.outbox`; `sent_version`
    is the highest version a worker has delivered. The row is pending while
    `version > sent_version` and it is not dead. A worker leases it (`leased_until`,
    `lease_token`) instead of holding a lock across the HTTP call; a lease that expires (worker
    killed) simply makes the row claimable again.
    """

    channel = models.ForeignKey(
        "channels_sync.Channel", on_delete=models.CASCADE, related_name="outbox_messages"
    )
    topic = models.CharField(max_length=16, choices=OutboxTopic.choices)
    key = models.CharField(max_length=64, help_text="product id, order id or shipment id")
    payload = models.JSONField(default=dict, blank=True)
    version = models.BigIntegerField(default=1)
    sent_version = models.BigIntegerField(default=0)
    pending_since = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    leased_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    dead_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["channel", "next_attempt_at"]
        constraints = [
            models.UniqueConstraint(fields=["channel", "topic", "key"], name="outbox_unique_key"),
            models.CheckConstraint(
                condition=Q(sent_version__lte=F("version")), name="outbox_sent_lte_version"
            ),
        ]
        indexes = [models.Index(fields=["channel", "topic", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.channel_id}:{self.topic}:{self.key} v{self.version}"

    @property
    def is_pending(self) -> bool:
        return self.version > self.sent_version and self.dead_at is None

    @property
    def is_dead(self) -> bool:
        return self.dead_at is not None
