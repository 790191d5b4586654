"""Customer e-mails: recorded with the event, sent once, rendered per channel, opted out."""

import pytest

from channels_sync.models import Channel
from notifications import outbox as notification_outbox
from notifications.models import ChannelNotificationSettings, Notification
from notifications.services import message_id_for, notifications_drain
from orders.models import OrderEvent
from tests.notifications import builders

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tracking_links(settings):
    settings.NOTIFICATIONS_TRACKING_URLS = {"*": "https://track.example/t/{tracking_number}"}


def _mail_events(order):
    return list(
        OrderEvent.objects.filter(order=order, kind="notification")
        .order_by("id")
        .values_list("message", flat=True)
    )


def test_shipping_records_one_email_with_carrier_tracking_number_and_link(mailoutbox):
    # given an order picked, packed and shipped through the warehouse screens' services
    ada, _, tracking = builders.shipped_order()
    row = Notification.objects.get(order=ada)
    assert (row.kind, row.status, row.event_key) == (
        "shipped",
        "pending",
        f"shipment:{row.data['shipment_id']}:shipped",
    )

    # when the outbox is drained twice
    first = notifications_drain()
    second = notifications_drain()

    # then the buyer got exactly one e-mail, with carrier, tracking number and link
    assert (first.sent, second.sent) == (1, 0)
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["ada@example.com"]
    assert mail.subject == f"Your order {ada.number} is on its way"
    assert f"Tracking number: {tracking}" in mail.body
    assert f"https://track.example/t/{tracking}" in mail.body
    html, mimetype = mail.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="https://track.example/t/{tracking}"' in html
    assert mail.extra_headers["Message-ID"] == message_id_for(row.event_key)
    row.refresh_from_db()
    assert (row.status, row.recipient, row.attempts) == ("sent", "ada@example.com", 1)
    assert row.message_id == message_id_for(row.event_key)
    # and the e-mail is on the order's timeline
    assert _mail_events(ada) == [
        f"E-mailed shipment confirmation “{mail.subject}” to ada@example.com (default templates)."
    ]


def test_an_event_recorded_again_is_still_one_email(mailoutbox):
    # given a shipped order whose e-mail went out
    ada, _, _ = builders.shipped_order()
    row = Notification.objects.get(order=ada)
    notifications_drain()

    # when the same event is recorded again (a replayed scan, a redelivered webhook)
    notification_outbox.shipment_shipped(
        order_id=ada.pk, channel_id=ada.channel_id, shipment_id=row.data["shipment_id"]
    )
    notifications_drain()

    # then there is still one row and one e-mail
    assert Notification.objects.filter(order=ada).count() == 1
    assert len(mailoutbox) == 1


def test_an_opted_out_channel_sends_none(mailoutbox):
    # given a channel that notifies its own buyers, and an order that ships and is delivered
    ada, alan, tracking = builders.shipped_order()
    ChannelNotificationSettings.objects.create(channel=ada.channel, channel_notifies_buyers=True)
    builders.deliver(tracking)
    builders.cancel(alan)

    # when the outbox is drained
    result = notifications_drain()

    # then nothing is sent; each event is recorded as skipped, with the reason, on the timeline
    assert mailoutbox == []
    assert result.skipped == 3
    assert set(Notification.objects.values_list("status", flat=True)) == {"skipped"}
    assert _mail_events(ada) == [
        f"No shipment confirmation e-mail: channel {ada.channel.code} notifies its own buyers.",
        f"No delivered e-mail: channel {ada.channel.code} notifies its own buyers.",
    ]
    assert notification_outbox.channel_notifies_buyers(ada.channel_id) is True


def test_every_event_renders_text_and_html(mailoutbox):
    # given each event a buyer hears about, through the services that record them
    ada, alan, tracking = builders.shipped_order()
    builders.deliver(tracking)
    rma = builders.receive_return(ada)
    builders.refund(ada)
    builders.cancel(alan)

    # when the outbox is drained
    notifications_drain()

    # then each event is one e-mail with its own subject, a text and an HTML part
    kinds = dict(Notification.objects.values_list("kind", "status"))
    assert kinds == {
        "shipped": "sent",
        "delivered": "sent",
        "return_received": "sent",
        "refunded": "sent",
        "cancelled": "sent",
    }
    subjects = {m.subject: m for m in mailoutbox}
    assert set(subjects) == {
        f"Your order {ada.number} is on its way",
        f"Your order {ada.number} has been delivered",
        f"We received your return {rma.number}",
        f"Your refund for order {ada.number}",
        f"Your order {alan.number} has been cancelled",
    }
    for mail in mailoutbox:
        html, _ = mail.alternatives[0]
        assert html.startswith("<!doctype html>")
        assert "{{" not in mail.body
        assert "{%" not in html
    delivered = subjects[f"Your order {ada.number} has been delivered"]
    assert f"parcel {tracking} for order {ada.number} has been delivered" in delivered.body
    returned = subjects[f"We received your return {rma.number}"]
    assert "x 1" in returned.body
    assert subjects[f"Your order {alan.number} has been cancelled"].to == ["alan@example.com"]
    assert len(_mail_events(ada)) == 4


def test_a_channel_template_set_overrides_the_default(mailoutbox):
    # given the channel uses the woo-demo template set (text and subject; HTML from default)
    ada, _, tracking = builders.shipped_order()
    ChannelNotificationSettings.objects.create(
        channel=ada.channel, template_set="woo-demo", reply_to="help@shop.example"
    )

    # when
    notifications_drain()

    # then the channel's subject and text are used, the default HTML layout fills the gap
    mail = mailoutbox[0]
    channel = Channel.objects.get(pk=ada.channel_id)
    assert mail.subject.startswith(f"{channel.name}: order {ada.number} shipped with")
    assert f"tracking: {tracking}" in mail.body
    assert mail.reply_to == ["help@shop.example"]
    assert "Track your parcel" in mail.alternatives[0][0]
    assert Notification.objects.get(order=ada).template_set == "woo-demo"


def test_an_order_without_an_email_address_is_skipped_with_the_reason(mailoutbox):
    # given a shipped order whose buyer left no address
    ada, _, _ = builders.shipped_order()
    type(ada).objects.filter(pk=ada.pk).update(customer_email="")

    # when
    notifications_drain()

    # then
    row = Notification.objects.get(order=ada)
    assert (row.status, row.last_error) == ("skipped", "no e-mail address")
    assert mailoutbox == []


def test_a_rolled_back_change_queues_no_email():
    # given a shipped order, and a change to it that records an e-mail and then fails
    from django.db import transaction

    ada, _, _ = builders.shipped_order()
    before = Notification.objects.count()

    def change_that_fails():
        with transaction.atomic():
            notification_outbox.order_refunded(order_id=ada.pk, channel_id=ada.channel_id)
            raise RuntimeError("boom")

    # when
    with pytest.raises(RuntimeError):
        change_that_fails()

    # then
    assert Notification.objects.count() == before


def test_the_file_backend_keeps_one_file_per_event_even_when_a_send_is_repeated(settings, tmp_path):
    # given the development backend writing to a folder
    settings.EMAIL_BACKEND = "notifications.mail.FileBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path)
    ada, _, _ = builders.shipped_order()
    notifications_drain()
    row = Notification.objects.get(order=ada)
    [written] = list(tmp_path.glob("*.eml"))

    # when a worker had died after handing it over (what such a crash leaves in the row)
    from datetime import timedelta

    from django.utils import timezone

    Notification.objects.filter(pk=row.pk).update(
        status="pending",
        commit_started_at=timezone.now() - timedelta(minutes=5),
        leased_until=timezone.now() - timedelta(minutes=4),
        lease_token="dead-worker",
    )
    again = notifications_drain()

    # then the backend is idempotent by Message-ID: it is sent again, and it is the same file
    assert again.sent == 1
    assert list(tmp_path.glob("*.eml")) == [written]
    assert message_id_for(row.event_key) in written.read_text()
    row.refresh_from_db()
    assert row.status == "sent"
