"""Idempotency keys for order creation (a DB table, so it holds across processes)."""

from __future__ import annotations

from django.db import models

from orders.choices import IdempotencyState


class IdempotencyKey(models.Model):
    """The first response to a request carrying `Idempotency-Key`, per API client.

    `scope` is the client ("channel:3", "user:7"); the unique (scope, key) constraint makes
    the first request win across processes. Rows are kept at least 24 hours.
    """

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=255)
    request_hash = models.CharField(max_length=64)
    state = models.CharField(
        max_length=10, choices=IdempotencyState.choices, default=IdempotencyState.IN_FLIGHT
    )
    response_status = models.PositiveSmallIntegerField(null=True, blank=True)
    response_body = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # Set in the order's own transaction (orders.services.capture.order_capture), so a key whose
    # order committed is never left in flight, even if the connection dies before the response
    # body is stored; a replay then renders this order with `response_status`.
    order = models.ForeignKey(
        "orders.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="idempotency_key_unique")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key} ({self.state})"
