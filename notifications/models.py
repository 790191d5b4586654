"""Customer notifications: one row per event a buyer must hear about, and per-channel settings."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from notifications.choices import NotificationKind, NotificationStatus


class Notification(models.Model):
    """One e-mail to a buyer about one event of their order (shipped, delivered, cancelled, …).

    `event_key` is the idempotency key of the event ("shipment:42:shipped"): unique, so an event
    recorded twice is still one row, and the Message-ID of the e-mail is derived from it, so
    every attempt carries the same Message-ID. `commit_started_at` is set (behind the lease
    fence) right before the mail server is asked to take the message for good: a row whose
    worker died after that point is *in doubt* and is never re-sent without a person saying so
    (see docs/orders.md, "Customer notifications").
    """

    event_key = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    order = models.ForeignKey("orders.Order", on_delete=models.CASCADE, related_name="+")
    channel = models.ForeignKey("channels_sync.Channel", on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict, blank=True, help_text="shipment_id, return id, …")
    status = models.CharField(
        max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    recipient = models.EmailField(blank=True)
    subject = models.CharField(max_length=200, blank=True)
    body_text = models.TextField(blank=True)
    template_set = models.CharField(max_length=60, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(db_index=True)
    leased_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True)
    commit_started_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="notification_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=NotificationStatus.values), name="notification_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=NotificationStatus.SENT) | Q(sent_at__isnull=False),
                name="notification_sent_has_sent_at",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["order", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event_key} ({self.status})"

    @property
    def is_retriable(self) -> bool:
        return self.status in (NotificationStatus.DEAD, NotificationStatus.IN_DOUBT)


class ChannelNotificationSettings(models.Model):
    """How one channel's buyers are e-mailed: by us (the default) or by the channel itself.

    A channel that notifies its own buyers (Shopify with `notify_customer`) gets no e-mail from
    us, and our fulfillment push asks the channel to notify instead. `template_set` names the
    folder under templates/notifications/ whose templates override the default set.
    """

    channel = models.OneToOneField(
        "channels_sync.Channel", on_delete=models.CASCADE, related_name="notification_settings"
    )
    channel_notifies_buyers = models.BooleanField(
        default=False, help_text="The channel e-mails its own buyers; we send nothing."
    )
    template_set = models.SlugField(
        max_length=60, blank=True, help_text="Template folder; blank = the channel code"
    )
    from_email = models.CharField(
        max_length=200, blank=True, help_text="Blank = DEFAULT_FROM_EMAIL"
    )
    reply_to = models.EmailField(blank=True)

    class Meta:
        verbose_name_plural = "channel notification settings"

    def __str__(self) -> str:
        return f"notifications of channel {self.channel_id}"
