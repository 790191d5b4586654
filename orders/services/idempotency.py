"""Idempotency-Key semantics for order creation (as payment APIs do it).

A row per (client scope, key) in a table with a unique constraint, so it works across
processes and machines: the first request inserts the key "in flight" and runs; a second
request with the same key and the same body replays the stored response; a different body is
refused (422); a duplicate while the first is still running is refused (409). Keys are kept
at least 24 hours (`idempotency_keys_purge` deletes older ones).

A key that created an order is completed in the order's own transaction
(`idempotency_record_order`, called by `order_capture`): if the connection is lost after the
commit and before the response body is stored, the key is already completed with its order,
and the retry replays that order with the original status instead of a 409.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from orders.choices import IdempotencyState
from orders.exceptions import IdempotencyInFlight, IdempotencyKeyReused
from orders.models import IdempotencyKey

KEEP_FOR = timedelta(hours=24)
# An in-flight key older than this belongs to a request whose process died: let a retry in.
STALE_IN_FLIGHT = timedelta(minutes=5)


def request_fingerprint(*, method: str, path: str, body: Any) -> str:
    """A stable hash of what the client asked for."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(f"{method} {path}\n{canonical}".encode()).hexdigest()


def idempotency_begin(
    *, scope: str, key: str, request_hash: str
) -> tuple[IdempotencyKey | None, IdempotencyKey | None]:
    """Claim a key. Returns (claimed row, None) to proceed or (None, completed row) to replay.

    Raises IdempotencyKeyReused (422) for a different body, IdempotencyInFlight (409) while
    the first request with this key is still running. Runs in its own short transactions so
    the claim is visible to other processes at once.
    """
    now = timezone.now()
    with transaction.atomic(durable=True):
        IdempotencyKey.objects.filter(scope=scope, key=key, created_at__lt=now - KEEP_FOR).delete()
        IdempotencyKey.objects.filter(
            scope=scope,
            key=key,
            state=IdempotencyState.IN_FLIGHT,
            created_at__lt=now - STALE_IN_FLIGHT,
        ).delete()
    try:
        with transaction.atomic(durable=True):
            row = IdempotencyKey.objects.create(scope=scope, key=key, request_hash=request_hash)
    except IntegrityError:
        existing = IdempotencyKey.objects.filter(scope=scope, key=key).first()
        if existing is None:  # purged between our insert and read: try once more
            return idempotency_begin(scope=scope, key=key, request_hash=request_hash)
        if existing.request_hash != request_hash:
            raise IdempotencyKeyReused(
                "This Idempotency-Key was already used with a different request body."
            ) from None
        if existing.state == IdempotencyState.IN_FLIGHT:
            raise IdempotencyInFlight(
                "A request with this Idempotency-Key is still being processed; retry shortly."
            ) from None
        return None, existing
    return row, None


def idempotency_record_order(*, row_id: int, order_id: int, status: int) -> None:
    """Complete a claimed key with the order it produced, inside the order's transaction.

    The response body is stored after the commit (`idempotency_complete`); until then, or if
    that never happens, a replay renders the order (`order_id`) with this status.
    """
    IdempotencyKey.objects.filter(pk=row_id, state=IdempotencyState.IN_FLIGHT).update(
        state=IdempotencyState.COMPLETED,
        order_id=order_id,
        response_status=status,
        completed_at=timezone.now(),
    )


def idempotency_complete(*, row: IdempotencyKey, status: int, body: Any) -> None:
    """Store the response to replay for this key."""
    with transaction.atomic(durable=True):
        IdempotencyKey.objects.filter(pk=row.pk).update(
            state=IdempotencyState.COMPLETED,
            response_status=status,
            response_body=body,
            completed_at=timezone.now(),
        )


def idempotency_abandon(*, row: IdempotencyKey) -> None:
    """Forget a claimed key after an unexpected failure, so the client may retry."""
    with transaction.atomic(durable=True):
        IdempotencyKey.objects.filter(pk=row.pk, state=IdempotencyState.IN_FLIGHT).delete()


def idempotency_keys_purge(*, older_than: timedelta = KEEP_FOR + timedelta(hours=1)) -> int:
    """Delete keys older than the retention window (≥ 24 h); return how many."""
    with transaction.atomic(durable=True):
        deleted, _ = IdempotencyKey.objects.filter(
            created_at__lt=timezone.now() - older_than
        ).delete()
    return deleted
