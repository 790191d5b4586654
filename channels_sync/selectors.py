"""Channel reads: which channels are pushed or polled, and sync health per channel."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Max, Min, Q
from django.utils import timezone

from channels_sync.choices import ChannelKind
from channels_sync.models import Channel, OutboxMessage


def channel_ids_pushed() -> list[int]:
    """Active channels that have something to push to (an adapter kind and a base URL)."""
    return list(
        Channel.objects.filter(is_active=True)
        .exclude(kind=ChannelKind.CUSTOM)
        .exclude(base_url="")
        .values_list("pk", flat=True)
    )


def channel_ids_polled() -> list[int]:
    """Active marketplace channels whose orders are polled."""
    return list(
        Channel.objects.filter(is_active=True, kind=ChannelKind.AMAZON)
        .exclude(base_url="")
        .values_list("pk", flat=True)
    )


def channel_get_by_code(*, code: str) -> Channel | None:
    """An active channel by its code."""
    return Channel.objects.filter(code=code, is_active=True).first()


@dataclass(frozen=True)
class SyncHealth:
    """How far behind one channel is."""

    channel_id: int
    channel_code: str
    backlog: int
    oldest_unsent_at: object
    oldest_unsent_age_seconds: float | None
    last_success_at: object
    failing: int
    dead: int


def sync_health(*, channel_ids: list[int] | None = None) -> list[SyncHealth]:
    """Backlog, age of the oldest unsent change, last success, failing and dead rows, per
    channel. One aggregate query."""
    now = timezone.now()
    channels = Channel.objects.all().order_by("code")
    if channel_ids is not None:
        channels = channels.filter(pk__in=channel_ids)
    pending = Q(outbox_messages__version__gt=F("outbox_messages__sent_version"))
    live = Q(outbox_messages__dead_at__isnull=True)
    rows = channels.annotate(
        backlog=Count("outbox_messages", filter=pending & live),
        oldest=Min("outbox_messages__pending_since", filter=pending & live),
        last_success=Max("outbox_messages__last_sent_at"),
        failing=Count(
            "outbox_messages", filter=pending & live & Q(outbox_messages__attempts__gt=0)
        ),
        dead=Count("outbox_messages", filter=Q(outbox_messages__dead_at__isnull=False)),
    )
    return [
        SyncHealth(
            channel_id=c.pk,
            channel_code=c.code,
            backlog=c.backlog,
            oldest_unsent_at=c.oldest,
            oldest_unsent_age_seconds=(now - c.oldest).total_seconds() if c.oldest else None,
            last_success_at=c.last_success,
            failing=c.failing,
            dead=c.dead,
        )
        for c in rows
    ]


def outbox_messages_dead(*, channel_id: int | None = None):  # type: ignore[no-untyped-def]
    """Dead (parked) outbox messages, newest first."""
    qs = OutboxMessage.objects.filter(dead_at__isnull=False).select_related("channel")
    if channel_id is not None:
        qs = qs.filter(channel_id=channel_id)
    return qs.order_by("-dead_at")
