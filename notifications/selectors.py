"""Reads of customer notifications (ops page, admin, order page)."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from notifications.choices import NotificationStatus
from notifications.models import Notification


def notification_list(*, status: str = "", limit: int = 100) -> QuerySet[Notification]:
    """The newest notifications, optionally of one status, with their order and channel."""
    qs = Notification.objects.select_related("order", "channel").order_by("-updated_at", "-pk")
    if status:
        qs = qs.filter(status=status)
    return qs[:limit]


def notification_counts() -> dict[str, int]:
    """How many notifications are in each status (every status present, zeros included)."""
    counts = dict(
        Notification.objects.values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {s: counts.get(s, 0) for s in NotificationStatus.values}


def notification_get(*, notification_id: int) -> Notification | None:
    """One notification with its order and channel, or None."""
    return (
        Notification.objects.select_related("order", "channel").filter(pk=notification_id).first()
    )
