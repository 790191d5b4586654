"""Customer notifications: render and send the queued e-mails, and the ops actions on them.

Invariants (docs/orders.md, "Customer notifications"):
* One row per event (`event_key` unique, written by the leaf `notifications.outbox` in the
  transaction of the change), so one event is never two e-mails in our records.
* A row is sent under a lease (locks.notifications_claim), never under a row lock. Right before
  the mail server is asked to commit (the final "." of DATA), a fence — one conditional UPDATE on
  the lease token — records `commit_started_at`; a worker that lost its lease is refused and
  drops the connection before the ".", so the server discards its copy.
* After the fence, the message is committed at most once: a row whose worker died after the
  fence is *in doubt* (the server may or may not have it) and is not re-sent by itself unless
  the backend is idempotent by Message-ID (the file backend); ops resolve it on the page.
* `_set_status` is the only writer of Notification.status; every outcome (sent, skipped,
  parked, in doubt, resent) is a timeline row on the order.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import random
import smtplib
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import Q
from django.template.loader import select_template
from django.utils import timezone

from common.exceptions import Conflict, NotFound
from common.types import Actor
from notifications import locks
from notifications.choices import NotificationKind, NotificationStatus
from notifications.models import ChannelNotificationSettings, Notification
from orders import services as orders_services
from orders.choices import EventKind

logger = logging.getLogger(__name__)

NS = NotificationStatus
SYSTEM = Actor.system("notifications")


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, None) or os.environ.get(name) or default)


class LeaseLost(Exception):
    """The fence refused: another worker owns the row now (or it was resolved)."""


@dataclass
class DrainResult:
    """What one drain pass did."""

    sent: int = 0
    failed: int = 0
    dead: int = 0
    skipped: int = 0
    in_doubt: int = 0
    more: bool = False
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    template_set: str


# --- rendering -------------------------------------------------------------------------------
def message_id_for(event_key: str) -> str:
    """The Message-ID of an event's e-mail: the same on every attempt (derived from the key)."""
    digest = hashlib.sha256(event_key.encode()).hexdigest()[:32]
    domain = getattr(settings, "NOTIFICATIONS_MESSAGE_ID_DOMAIN", "") or "fulfillment.local"
    return f"<notify.{digest}@{domain}>"


def tracking_url_for(*, carrier_code: str, tracking_number: str) -> str:
    """The buyer-facing tracking link of a parcel ('' when the carrier has none configured)."""
    urls = getattr(settings, "NOTIFICATIONS_TRACKING_URLS", {}) or {}
    template = urls.get(carrier_code) or urls.get("*") or ""
    return template.replace("{tracking_number}", tracking_number) if template else ""


def _context(notification: Notification) -> dict[str, Any]:
    from django.apps import apps  # read-only lookups of rows this row points at

    order = notification.order
    ctx: dict[str, Any] = {
        "order": order,
        "channel": notification.channel,
        "kind": notification.kind,
        "lines": list(order.lines.order_by("line_number")),
        "customer_name": order.customer_name or "there",
    }
    shipment_id = notification.data.get("shipment_id")
    if shipment_id:
        shipment = (
            apps.get_model("shipping", "Shipment")
            .objects.select_related("carrier")
            .filter(pk=shipment_id)
            .first()
        )
        ctx["shipment"] = shipment
        if shipment is not None:
            ctx["carrier_name"] = shipment.carrier.name
            ctx["tracking_number"] = shipment.tracking_number
            ctx["tracking_url"] = tracking_url_for(
                carrier_code=shipment.carrier.code, tracking_number=shipment.tracking_number
            )
    return_id = notification.data.get("return_id")
    if return_id:
        rma = apps.get_model("orders", "ReturnAuthorization").objects.filter(pk=return_id).first()
        ctx["rma"] = rma
        if rma is not None:
            ctx["return_lines"] = list(rma.lines.select_related("order_line"))
    return ctx


def notification_render(*, notification: Notification, template_set: str = "") -> Rendered:
    """Render subject, text and HTML of a notification: the channel's set, else the default.

    Templates: notifications/<set>/<kind>.subject.txt, <kind>.txt and <kind>.html, each looked
    up in the channel's set first (its `template_set`, else the channel code) and then in
    notifications/default/. Raises TemplateDoesNotExist when even the default is missing.
    """
    sets = [s for s in (template_set or notification.channel.code, "default") if s]
    ctx = _context(notification)
    kind = notification.kind
    chosen = {}
    for part in ("subject.txt", "txt", "html"):
        names = [f"notifications/{s}/{kind}.{part}" for s in sets]
        chosen[part] = select_template(names)
    used = chosen["txt"].origin.template_name.split("/")[1]
    subject = " ".join(chosen["subject.txt"].render(ctx).split())[:200]
    return Rendered(
        subject=subject,
        text=chosen["txt"].render(ctx).strip() + "\n",
        html=chosen["html"].render(ctx),
        template_set=used,
    )


def _email(*, notification: Notification, rendered: Rendered, cfg: Any) -> EmailMultiAlternatives:
    email = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=(cfg.from_email if cfg and cfg.from_email else settings.DEFAULT_FROM_EMAIL),
        to=[notification.order.customer_email],
        reply_to=[cfg.reply_to] if cfg and cfg.reply_to else None,
        headers={
            "Message-ID": message_id_for(notification.event_key),
            "X-Notification-Event": notification.event_key,
        },
    )
    email.attach_alternative(rendered.html, "text/html")
    return email


# --- the single status writer ----------------------------------------------------------------
def _set_status(
    *, notification: Notification, to: str, condition: Q, note: str, **fields: Any
) -> bool:
    """Write Notification.status (the only writer) if `condition` still holds; timeline row.

    The write is one conditional UPDATE (the lease fence): False when another worker or a
    person changed the row first, and then nothing is recorded.
    """
    updated = Notification.objects.filter(condition, pk=notification.pk).update(
        status=to, updated_at=timezone.now(), **fields
    )
    if not updated:
        return False
    notification.status = to
    for name, value in fields.items():
        setattr(notification, name, value)
    orders_services.timeline_record(
        order=notification.order,
        kind=EventKind.NOTIFICATION,
        actor=SYSTEM,
        message=note[:500],
        data={
            "notification": notification.pk,
            "event": notification.event_key,
            "kind": notification.kind,
            "status": to,
            "to": notification.recipient,
            "message_id": notification.message_id,
        },
    )
    return True


def _backoff(attempts: int) -> float:
    base = _setting("NOTIFICATIONS_BACKOFF_BASE", 5.0)
    cap = _setting("NOTIFICATIONS_BACKOFF_CAP", 900.0)
    delay = min(cap, base * 2 ** max(0, attempts - 1))
    return delay / 2 + random.uniform(0, delay / 2)


def _label(notification: Notification) -> str:
    return NotificationKind(notification.kind).label.lower()


# --- sending ---------------------------------------------------------------------------------
def _text(reply: bytes | str) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def _classify(exc: BaseException) -> tuple[bool, str]:
    """(permanent?, message) of a send failure."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        reasons = "; ".join(
            f"{code} {_text(reply)} ({address})"
            for address, (code, reply) in exc.recipients.items()
        )
        return all(500 <= c < 600 for c in codes), f"recipient refused: {reasons}"
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600, f"{exc.smtp_code} {_text(exc.smtp_error)}"
    return False, f"{type(exc).__name__}: {exc}"


def _send_one(*, notification: Notification, token: str, backend: Any, result: DrainResult) -> None:
    held = Q(lease_token=token)
    order = notification.order
    cfg = ChannelNotificationSettings.objects.filter(channel_id=notification.channel_id).first()
    release = {"leased_until": None, "lease_token": ""}
    if cfg is not None and cfg.channel_notifies_buyers:
        with transaction.atomic():
            if _set_status(
                notification=notification,
                to=NS.SKIPPED,
                condition=held,
                note=f"No {_label(notification)} e-mail: channel {notification.channel.code} "
                "notifies its own buyers.",
                last_error="channel notifies its own buyers",
                **release,
            ):
                result.skipped += 1
        return
    if not order.customer_email:
        with transaction.atomic():
            if _set_status(
                notification=notification,
                to=NS.SKIPPED,
                condition=held,
                note=f"No {_label(notification)} e-mail: the order has no e-mail address.",
                last_error="no e-mail address",
                **release,
            ):
                result.skipped += 1
        return
    attempts = notification.attempts + 1
    try:
        rendered = notification_render(
            notification=notification, template_set=cfg.template_set if cfg else ""
        )
        email = _email(notification=notification, rendered=rendered, cfg=cfg)
    except Exception as exc:  # a missing or broken template will not mend itself
        logger.exception("rendering notification %s failed", notification.pk)
        with transaction.atomic():
            _set_status(
                notification=notification,
                to=NS.DEAD,
                condition=held,
                note=f"{_label(notification).capitalize()} e-mail not sent: {exc}",
                attempts=attempts,
                last_error=f"render: {exc}"[:2000],
                **release,
            )
        result.dead += 1
        return

    message_id = message_id_for(notification.event_key)
    committing = {"started": False}

    def fence() -> None:
        # The point of no return: record it (and what we are sending) only while we still
        # hold the lease. After this, the final "." goes to the server.
        updated = Notification.objects.filter(
            held, pk=notification.pk, leased_until__gt=timezone.now()
        ).update(
            commit_started_at=timezone.now(),
            recipient=order.customer_email,
            subject=rendered.subject,
            body_text=rendered.text[:20000],
            template_set=rendered.template_set,
            message_id=message_id,
            attempts=attempts,
        )
        if not updated:
            raise LeaseLost(f"notification {notification.pk}: lease lost before commit")
        committing["started"] = True

    notification.recipient, notification.message_id = order.customer_email, message_id
    try:
        if hasattr(backend, "send_committing"):
            backend.send_committing(email, before_commit=fence)
        else:
            fence()
            if not backend.send_messages([email]):
                raise smtplib.SMTPException("the backend sent nothing")
    except LeaseLost as exc:
        logger.warning("%s", exc)
        return
    except Exception as exc:
        _after_failure(
            notification=notification,
            token=token,
            exc=exc,
            committed=committing["started"],
            idempotent=getattr(backend, "idempotent_by_message_id", False),
            attempts=attempts,
            result=result,
        )
        return
    with transaction.atomic():
        # Conditional on the token only: once the server said 250 the message IS sent, even
        # if the lease ran out meanwhile (nobody else may claim a committing row).
        if _set_status(
            notification=notification,
            to=NS.SENT,
            condition=held,
            note=f"E-mailed {_label(notification)} “{rendered.subject}” to "
            f"{order.customer_email} ({rendered.template_set} templates).",
            sent_at=timezone.now(),
            last_error="",
            **release,
        ):
            result.sent += 1


def _after_failure(
    *,
    notification: Notification,
    token: str,
    exc: Exception,
    committed: bool,
    idempotent: bool,
    attempts: int,
    result: DrainResult,
) -> None:
    permanent, message = _classify(exc)
    answered = isinstance(exc, smtplib.SMTPResponseException)
    held = Q(lease_token=token)
    release = {"leased_until": None, "lease_token": ""}
    logger.warning("notification %s failed: %s", notification.pk, message)
    result.errors.append(message)
    with transaction.atomic():
        if committed and not answered and not idempotent:
            # The "." was sent and no answer came back: the server may have the message.
            if _set_status(
                notification=notification,
                to=NS.IN_DOUBT,
                condition=held,
                note=f"{_label(notification).capitalize()} e-mail in doubt: the connection "
                f"failed after the message was handed over ({message}).",
                last_error=f"in doubt: {message}"[:2000],
                **release,
            ):
                result.in_doubt += 1
            return
        max_attempts = int(_setting("NOTIFICATIONS_MAX_ATTEMPTS", 8))
        dead = permanent or attempts >= max_attempts
        # The server answered (or never got the "."): it does not have it, so a retry is safe.
        fields: dict[str, Any] = {
            "attempts": attempts,
            "last_error": message[:2000],
            "commit_started_at": None,
            **release,
        }
        if dead:
            if _set_status(
                notification=notification,
                to=NS.DEAD,
                condition=held,
                note=f"{_label(notification).capitalize()} e-mail to "
                f"{notification.order.customer_email} failed: {message}",
                **fields,
            ):
                result.dead += 1
            return
        fields["next_attempt_at"] = timezone.now() + dt.timedelta(seconds=_backoff(attempts))
        updated = Notification.objects.filter(held, pk=notification.pk).update(
            status=NS.FAILED, updated_at=timezone.now(), **fields
        )
        result.failed += updated


def _recover_in_doubt() -> int:
    """Rows whose worker died after the fence (lease expired, commit started) → in doubt."""
    now = timezone.now()
    count = 0
    stale = Notification.objects.filter(
        status__in=locks.CLAIMABLE, commit_started_at__isnull=False, leased_until__lt=now
    ).select_related("order")
    for notification in stale[:100]:
        with transaction.atomic():
            count += _set_status(
                notification=notification,
                to=NS.IN_DOUBT,
                condition=Q(lease_token=notification.lease_token, leased_until__lt=now),
                note=f"{_label(notification).capitalize()} e-mail in doubt: the worker stopped "
                "after handing the message to the mail server; not re-sent automatically.",
                last_error="in doubt: worker lost after the message was handed over",
                # the token stays: a worker still waiting for the server's answer may yet
                # record the 250 (then the row is sent, which is the truth)
                leased_until=None,
            )
    return count


def notifications_drain(*, time_budget: float | None = None) -> DrainResult:
    """Send due notifications until none is left or the time budget is spent.

    Not one transaction: rows are claimed, fenced and acknowledged in short transactions of
    their own, and the SMTP conversation happens in between, under leases. Safe to run in many
    workers at once. Transient failures back off exponentially with jitter; permanent ones
    (5xx, a broken template) and NOTIFICATIONS_MAX_ATTEMPTS failures park the row as dead.
    """
    result = DrainResult()
    backend = get_connection(fail_silently=False)
    idempotent = bool(getattr(backend, "idempotent_by_message_id", False))
    if not idempotent:
        result.in_doubt += _recover_in_doubt()
    budget = (
        time_budget if time_budget is not None else _setting("NOTIFICATIONS_DRAIN_BUDGET", 10.0)
    )
    lease = _setting("NOTIFICATIONS_LEASE_SECONDS", 60.0)
    deadline = time.monotonic() + budget
    try:
        while time.monotonic() < deadline:
            token, rows = locks.notifications_claim(
                limit=20, lease_seconds=lease, resend_in_doubt=idempotent
            )
            if not rows:
                break
            for notification in rows:
                if time.monotonic() >= deadline:
                    Notification.objects.filter(pk=notification.pk, lease_token=token).update(
                        leased_until=None, lease_token=""
                    )
                    continue
                _send_one(notification=notification, token=token, backend=backend, result=result)
    finally:
        try:
            backend.close()
        except Exception as exc:
            logger.warning("closing the mail connection failed: %s", exc)
    result.more = notifications_due_exist()
    return result


def notifications_due_exist() -> bool:
    """Whether any notification is due now (for the periodic sweep)."""
    now = timezone.now()
    return (
        Notification.objects.filter(status__in=locks.CLAIMABLE, next_attempt_at__lte=now)
        .filter(Q(leased_until__isnull=True) | Q(leased_until__lt=now))
        .exists()
    )


# --- ops actions -----------------------------------------------------------------------------
def _get(notification_id: int) -> Notification:
    notification = (
        Notification.objects.select_related("order", "channel").filter(pk=notification_id).first()
    )
    if notification is None:
        raise NotFound(f"Notification {notification_id} does not exist.")
    return notification


@transaction.atomic(durable=True)
def notification_resend(*, notification_id: int, actor: Actor) -> Notification:
    """Send a parked or in-doubt notification again (a person decided the buyer lacks it).

    Raises NotFound, Conflict (neither parked nor in doubt).
    """
    notification = _get(notification_id)
    if not _set_status(
        notification=notification,
        to=NS.PENDING,
        condition=Q(status__in=[NS.DEAD, NS.IN_DOUBT]),
        note=f"{_label(notification).capitalize()} e-mail queued again by {actor.label}.",
        attempts=0,
        last_error="",
        commit_started_at=None,
        next_attempt_at=timezone.now(),
        leased_until=None,
        lease_token="",
    ):
        raise Conflict(
            f"Notification {notification_id} is neither parked nor in doubt.", code="not_retriable"
        )
    from notifications.outbox import _kick_after_commit

    _kick_after_commit()
    return notification


@transaction.atomic(durable=True)
def notification_mark_sent(*, notification_id: int, actor: Actor) -> Notification:
    """Resolve an in-doubt notification as sent (the mail server's log has its Message-ID).

    Raises NotFound, Conflict (not in doubt).
    """
    notification = _get(notification_id)
    if not _set_status(
        notification=notification,
        to=NS.SENT,
        condition=Q(status=NS.IN_DOUBT),
        note=f"{_label(notification).capitalize()} e-mail confirmed delivered to the mail "
        f"server by {actor.label}.",
        sent_at=timezone.now(),
        last_error="",
    ):
        raise Conflict(f"Notification {notification_id} is not in doubt.", code="not_in_doubt")
    return notification


def render_preview(*, notification: Notification) -> str:
    """The HTML body of a notification as it would be sent now (for the ops page)."""
    cfg = ChannelNotificationSettings.objects.filter(channel_id=notification.channel_id).first()
    return notification_render(
        notification=notification, template_set=cfg.template_set if cfg else ""
    ).html


def notifications_in_doubt_candidates() -> bool:
    """Whether a row waits to be declared in doubt (its worker died after the fence)."""
    return Notification.objects.filter(
        status__in=locks.CLAIMABLE,
        commit_started_at__isnull=False,
        leased_until__lt=timezone.now(),
    ).exists()
