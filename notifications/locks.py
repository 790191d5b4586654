"""The only place in notifications that takes row locks.

Due rows are claimed with `FOR UPDATE SKIP LOCKED` on Postgres and leased (token + expiry) in a
short transaction, exactly like the channel outbox (channels_sync.locks): many workers drain at
once without waiting on each other, and the SMTP conversation happens after the commit, under
the lease, never under a lock.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from common.db import supports_skip_locked
from notifications.choices import NotificationStatus
from notifications.models import Notification

CLAIMABLE = (NotificationStatus.PENDING, NotificationStatus.FAILED)


def notifications_for_update(*, limit: int, resend_in_doubt: bool) -> list[Notification]:
    """Due, unleased rows, locked (skipping locked ones), oldest first.

    A row whose commit had started (`commit_started_at`) is claimable again only when the
    backend is idempotent by Message-ID (`resend_in_doubt`); otherwise it waits for a person.
    """
    now = timezone.now()
    qs = (
        Notification.objects.select_related("order", "channel")
        .filter(status__in=CLAIMABLE, next_attempt_at__lte=now)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .order_by("next_attempt_at", "pk")
    )
    if not resend_in_doubt:
        qs = qs.filter(commit_started_at__isnull=True)
    if supports_skip_locked():
        qs = qs.select_for_update(skip_locked=True, of=("self",), no_key=True)
    return list(qs[:limit])


def notifications_claim(
    *, limit: int, lease_seconds: float, resend_in_doubt: bool
) -> tuple[str, list[Notification]]:
    """Lease up to `limit` due rows; return (lease token, rows)."""
    token = uuid.uuid4().hex
    with transaction.atomic():
        rows = notifications_for_update(limit=limit, resend_in_doubt=resend_in_doubt)
        if not rows:
            return token, []
        Notification.objects.filter(pk__in=[r.pk for r in rows]).update(
            leased_until=timezone.now() + dt.timedelta(seconds=lease_seconds),
            lease_token=token,
            commit_started_at=None,
        )
    for row in rows:
        row.lease_token = token
    return token, rows
