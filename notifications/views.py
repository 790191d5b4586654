"""Ops page: the e-mails sent to buyers, and why one failed, with resend / mark-sent actions."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from common.access import OPS, role_required
from common.views import act_and_redirect
from notifications import selectors, services
from notifications.choices import NotificationStatus

LIMIT = 100


@role_required(OPS)
def message_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status and status not in NotificationStatus.values:
        messages.error(request, f"Unknown status {status!r}; showing all messages.")
        status = ""
    counts = selectors.notification_counts()
    tabs = [{"value": "", "label": "All", "count": sum(counts.values())}] + [
        {"value": value, "label": label, "count": counts[value]}
        for value, label in NotificationStatus.choices
    ]
    return render(
        request,
        "notifications/messages.html",
        {
            "rows": list(selectors.notification_list(status=status, limit=LIMIT)),
            "tabs": tabs,
            "status": status,
            "limit": LIMIT,
        },
    )


@role_required(OPS)
def message_detail(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = selectors.notification_get(notification_id=notification_id)
    if notification is None:
        raise Http404("No such notification.")
    return render(request, "notifications/message.html", {"n": notification})


def _do(request: HttpRequest, call, success: str) -> HttpResponse:  # type: ignore[no-untyped-def]
    return act_and_redirect(request, call, success, "notifications_ui:list")


@role_required(OPS)
@require_POST
def resend(request: HttpRequest, notification_id: int) -> HttpResponse:
    return _do(
        request,
        lambda actor: services.notification_resend(notification_id=notification_id, actor=actor),
        "E-mail queued again.",
    )


@role_required(OPS)
@require_POST
def mark_sent(request: HttpRequest, notification_id: int) -> HttpResponse:
    return _do(
        request,
        lambda actor: services.notification_mark_sent(notification_id=notification_id, actor=actor),
        "E-mail recorded as sent.",
    )
