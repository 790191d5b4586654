"""LEAF module: the one door through which any app records an e-mail a buyer must get.

It imports nothing from other apps (only notifications models), so orders and shipping may call
it inside their own transactions, next to the change it reports (the transactional outbox, as
`channels_sync.outbox`): if the caller rolls back, no e-mail is queued. One row per event, keyed
by `event_key`: recording the same event again (a redelivered webhook, a replayed scan) is a
no-op, so an event is e-mailed at most once. After commit a drain is kicked.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from notifications.choices import NotificationKind, NotificationStatus
from notifications.models import ChannelNotificationSettings, Notification


def notification_record(
    *, kind: str, event_key: str, order_id: int, channel_id: int, data: dict | None = None
) -> None:
    """Queue the e-mail for one event of an order (idempotent on `event_key`)."""
    if kind not in NotificationKind.values:
        raise ValueError(f"unknown notification kind {kind!r}")
    # Shipping refers to orders by a loose id; a shipment of no (or a deleted) order has no
    # buyer to tell. One primary-key lookup, on events that are rare (ship, cancel, return).
    if not Notification.order.field.related_model.objects.filter(pk=order_id).exists():
        return
    Notification.objects.bulk_create(
        [
            Notification(
                event_key=event_key[:120],
                kind=kind,
                order_id=order_id,
                channel_id=channel_id,
                data=data or {},
                next_attempt_at=timezone.now(),
            )
        ],
        ignore_conflicts=True,  # INSERT … ON CONFLICT DO NOTHING: the event is already queued
    )
    _kick_after_commit()


def shipment_shipped(*, order_id: int, channel_id: int, shipment_id: int) -> None:
    """A shipment left the building with a tracking number."""
    notification_record(
        kind=NotificationKind.SHIPPED,
        event_key=f"shipment:{shipment_id}:shipped",
        order_id=order_id,
        channel_id=channel_id,
        data={"shipment_id": shipment_id},
    )


def shipment_delivered(*, order_id: int, channel_id: int, shipment_id: int) -> None:
    """The carrier reported a shipment delivered."""
    notification_record(
        kind=NotificationKind.DELIVERED,
        event_key=f"shipment:{shipment_id}:delivered",
        order_id=order_id,
        channel_id=channel_id,
        data={"shipment_id": shipment_id},
    )


def order_cancelled(*, order_id: int, channel_id: int) -> None:
    """The whole order was cancelled (by us, by customer service or at the channel)."""
    notification_record(
        kind=NotificationKind.CANCELLED,
        event_key=f"order:{order_id}:cancelled",
        order_id=order_id,
        channel_id=channel_id,
    )


def return_received(*, order_id: int, channel_id: int, return_id: int) -> None:
    """The warehouse received a return."""
    notification_record(
        kind=NotificationKind.RETURN_RECEIVED,
        event_key=f"return:{return_id}:received",
        order_id=order_id,
        channel_id=channel_id,
        data={"return_id": return_id},
    )


def order_refunded(*, order_id: int, channel_id: int) -> None:
    """The order's payment was refunded."""
    notification_record(
        kind=NotificationKind.REFUNDED,
        event_key=f"order:{order_id}:refunded",
        order_id=order_id,
        channel_id=channel_id,
    )


def channel_notifies_buyers(channel_id: int | None) -> bool:
    """Whether the channel e-mails its own buyers (then we send none, and tell it to notify)."""
    if not channel_id:
        return False
    return ChannelNotificationSettings.objects.filter(
        channel_id=channel_id, channel_notifies_buyers=True
    ).exists()


def _kick_after_commit() -> None:
    # One kick per transaction, however many events it recorded.
    for entry in transaction.get_connection().run_on_commit:
        if entry[1] is _kick:
            return
    transaction.on_commit(_kick)


def _kick() -> None:
    # Imported late: the tasks module pulls in services of other apps, which import this leaf.
    from notifications.tasks import notifications_kick

    notifications_kick()


def order_cancelled_withdraw(*, order_id: int) -> int:
    """Drop the order's cancellation e-mail queued in the caller's transaction (not yet
    committed, so no worker has seen it): used when the order ends `cancelled` here only
    because the channel fulfilled it itself — the buyer got their parcel. Returns rows dropped."""
    deleted, _ = Notification.objects.filter(
        event_key=f"order:{order_id}:cancelled", status=NotificationStatus.PENDING
    ).delete()
    return deleted
