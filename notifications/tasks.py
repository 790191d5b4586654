"""Celery tasks: thin interfaces over the notification services.

Delivery is at-least-once (late acks, reject on worker loss); the tasks are idempotent because
the service works from notification rows and leases, not from the task message.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.cache import cache

from notifications import services

logger = logging.getLogger(__name__)

KICK_KEY = "notify:kick"


def notifications_kick() -> None:
    """Queue a drain unless one is already queued (called after commit).

    Never raises: with Redis or the broker down, the periodic sweep sends the rows later.
    """
    try:
        if not cache.add(KICK_KEY, 1, timeout=10):
            return
        notifications_drain.delay()
    except Exception as exc:
        logger.warning("could not queue a notifications drain: %s", exc)


@shared_task(bind=True, acks_late=True, ignore_result=True)
def notifications_drain(self) -> None:  # type: ignore[no-untyped-def]
    try:
        cache.delete(KICK_KEY)
    except Exception as exc:
        logger.warning("kick flag not cleared: %s", exc)
    result = services.notifications_drain()
    if result.more and not self.request.is_eager and (result.sent or result.skipped):
        notifications_drain.apply_async(countdown=0)


@shared_task(acks_late=True, ignore_result=True)
def notifications_sweep() -> None:
    """Queue a drain when notifications are due (beat; recovers lost kicks, leases, retries)."""
    if services.notifications_due_exist() or services.notifications_in_doubt_candidates():
        notifications_kick()
