"""Sync health page for ops: backlog, lag, failures per channel and the parked messages."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from channels_sync import selectors as channels_selectors
from common.access import OPS, role_required

DEAD_LIMIT = 100


@role_required(OPS)
def health(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "channels_sync/health.html",
        {
            "health": channels_selectors.sync_health(),
            "dead": list(channels_selectors.outbox_messages_dead()[:DEAD_LIMIT]),
            "limit": DEAD_LIMIT,
        },
    )
