"""Vocabularies of customer notifications (TextChoices, backed by CheckConstraints)."""

from django.db import models


class NotificationKind(models.TextChoices):
    SHIPPED = "shipped", "Shipment confirmation"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Order cancelled"
    RETURN_RECEIVED = "return_received", "Return received"
    REFUNDED = "refunded", "Refunded"


class NotificationStatus(models.TextChoices):
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed, will retry"
    DEAD = "dead", "Failed, parked"
    IN_DOUBT = "in_doubt", "In doubt (worker lost at the final step)"
    SKIPPED = "skipped", "Not sent"
