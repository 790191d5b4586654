"""The only place in channels_sync that takes row locks.

Outbox rows are claimed with `FOR UPDATE SKIP LOCKED` on Postgres, so many workers drain one
outbox without waiting on each other: each takes the next rows nobody else holds, leases them,
and commits at once. The HTTP call happens after that commit, under the lease, never under the
lock. (On SQLite the lock clause is ignored; writers are serialised there anyway.)
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from channels_sync.models import OutboxMessage
from common.db import supports_skip_locked


@dataclass(frozen=True)
class Claim:
    """One leased outbox row: the version this worker is delivering."""

    id: int
    key: str
    version: int
    payload: dict
    attempts: int


def outbox_messages_for_update(*, channel_id: int, topic: str, limit: int):  # type: ignore[no-untyped-def]
    """Due, pending, unleased rows of one channel and topic, locked (skipping locked ones)."""
    now = timezone.now()
    qs = (
        OutboxMessage.objects.filter(
            channel_id=channel_id,
            topic=topic,
            version__gt=F("sent_version"),
            dead_at__isnull=True,
            next_attempt_at__lte=now,
        )
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .order_by("next_attempt_at", "pk")
    )
    if supports_skip_locked():
        qs = qs.select_for_update(skip_locked=True, of=("self",), no_key=True)
    return list(qs[:limit])


def outbox_claim(
    *, channel_id: int, topic: str, limit: int, lease_seconds: float
) -> tuple[str, list[Claim]]:
    """Lease up to `limit` due rows of one channel and topic; return (lease token, claims)."""
    token = uuid.uuid4().hex
    with transaction.atomic():
        rows = outbox_messages_for_update(channel_id=channel_id, topic=topic, limit=limit)
        if not rows:
            return token, []
        OutboxMessage.objects.filter(pk__in=[r.pk for r in rows]).update(
            leased_until=timezone.now() + dt.timedelta(seconds=lease_seconds),
            lease_token=token,
        )
    return token, [Claim(r.pk, r.key, r.version, r.payload, r.attempts) for r in rows]
