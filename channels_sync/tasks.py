"""Celery tasks: thin interfaces over the sync services (ids in, one service call).

Delivery is at-least-once (late acks, reject on worker loss); every task is idempotent because
the services work from outbox rows and leases, not from the task message.
"""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.cache import cache

from channels_sync import selectors
from channels_sync.adapters.base import ChannelError
from channels_sync.services import sync
from channels_sync.services.inbound import marketplace_poll as marketplace_poll_service

logger = logging.getLogger(__name__)


def _kick_key(channel_id: int) -> str:
    return f"chsync:kick:{channel_id}"


def outbox_kick(*, channel_id: int) -> None:
    """Queue a drain for a channel unless one is already queued (called after commit).

    Never raises: if Redis or the broker is down, the periodic sweep delivers the rows later.
    """
    try:
        if not cache.add(_kick_key(channel_id), 1, timeout=10):
            return
        outbox_drain.delay(channel_id)
    except Exception as exc:
        logger.warning("could not queue a drain for channel %s: %s", channel_id, exc)


@shared_task(bind=True, acks_late=True, ignore_result=True)
def outbox_drain(self, channel_id: int) -> None:  # type: ignore[no-untyped-def]
    try:
        cache.delete(_kick_key(channel_id))
    except Exception as exc:
        logger.warning("kick flag not cleared: %s", exc)
    result = sync.outbox_drain(channel_id=channel_id)
    if result.more and not self.request.is_eager:
        outbox_drain.apply_async((channel_id,), countdown=result.retry_in or 0)


@shared_task(acks_late=True, ignore_result=True)
def outbox_sweep() -> None:
    """Queue a drain for every channel with due rows (beat; recovers lost kicks and leases)."""
    for channel_id in sync.channels_with_due_messages():
        outbox_kick(channel_id=channel_id)


@shared_task(acks_late=True, ignore_result=True)
def channels_reconcile() -> None:
    """Full reconciliation of every pushed channel against the truth (beat)."""
    for channel_id in selectors.channel_ids_pushed():
        sync.channel_reconcile(channel_id=channel_id)


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=3)
def marketplace_poll(self, channel_id: int) -> None:  # type: ignore[no-untyped-def]
    try:
        marketplace_poll_service(channel_id=channel_id)
    except ChannelError as exc:
        if exc.transient and not self.request.is_eager:
            raise self.retry(exc=exc, countdown=getattr(exc, "retry_after", 30)) from exc
        logger.warning("marketplace poll of channel %s failed: %s", channel_id, exc)


@shared_task(acks_late=True, ignore_result=True)
def marketplaces_poll() -> None:
    """Poll every active marketplace channel (beat, about once a minute: getOrders' rate)."""
    for channel_id in selectors.channel_ids_polled():
        marketplace_poll.delay(channel_id)
