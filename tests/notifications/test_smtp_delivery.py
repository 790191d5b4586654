"""Through a real SMTP server (the sink): what reaches the inbox, retries, parking, the fence."""

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from notifications.models import Notification
from notifications.services import message_id_for, notifications_drain
from orders.models import OrderEvent
from tests.notifications import builders

pytestmark = pytest.mark.django_db


def test_the_server_receives_the_message_with_the_event_message_id(smtp_settings, smtp_sink):
    # given
    ada, _, tracking = builders.shipped_order()
    row = Notification.objects.get(order=ada)

    # when
    result = notifications_drain()

    # then the server holds one message for the event, with its derived Message-ID
    assert result.sent == 1
    [message] = smtp_sink.messages_for(row.event_key)
    assert message["Message-ID"] == message_id_for(row.event_key)
    assert message["To"] == "ada@example.com"
    assert tracking in message.get_body(("plain",)).get_content()
    assert message.get_body(("html",)) is not None


def test_a_busy_server_is_tried_again_later(smtp_settings, smtp_sink):
    # given a server that answers 451 once
    ada, _, _ = builders.shipped_order()
    smtp_sink.set_mode("tempfail_rcpt", count=1)

    # when the first drain meets it
    with time_machine.travel(timezone.now(), tick=False) as clock:
        first = notifications_drain()
        row = Notification.objects.get(order=ada)

        # then the row waits with the reason, and nothing is in the inbox
        assert (first.failed, row.status, row.attempts) == (1, "failed", 1)
        assert "451" in row.last_error
        assert row.next_attempt_at > timezone.now()
        assert smtp_sink.inbox == []
        assert notifications_drain().sent == 0  # not due yet

        # and once it is due, it is sent
        clock.shift(dt.timedelta(hours=1))
        assert notifications_drain().sent == 1
    assert len(smtp_sink.messages_for(row.event_key)) == 1


def test_a_refused_mailbox_is_parked_with_the_reason_on_the_timeline(smtp_settings, smtp_sink):
    # given a server that refuses the mailbox
    ada, _, _ = builders.shipped_order()
    smtp_sink.set_mode("reject_rcpt")

    # when
    result = notifications_drain()

    # then the row is parked (a 5xx will not mend itself), and the order says why
    row = Notification.objects.get(order=ada)
    assert (result.dead, row.status) == (1, "dead")
    assert "550" in row.last_error
    event = OrderEvent.objects.get(order=ada, kind="notification")
    assert event.message.startswith("Shipment confirmation e-mail to ada@example.com failed: ")
    assert "550" in event.message


def test_a_worker_whose_lease_ran_out_never_hands_the_message_over(
    smtp_settings, smtp_sink, settings
):
    # given leases that have run out the moment they are taken (another worker may own the
    # row by the time this one reaches the fence), and a short drain
    ada, _, _ = builders.shipped_order()
    settings.NOTIFICATIONS_LEASE_SECONDS = -1
    settings.NOTIFICATIONS_DRAIN_BUDGET = 0.5

    # when a worker gets through MAIL, RCPT and the body and reaches the fence (every try)
    result = notifications_drain()

    # then it drops the connection before the final "." and the server keeps nothing
    assert result.sent == 0
    assert smtp_sink.inbox == []
    row = Notification.objects.get(order=ada)
    assert (row.status, row.commit_started_at, row.attempts) == ("pending", None, 0)


def test_a_connection_lost_after_the_handover_is_in_doubt_and_never_resent(
    smtp_settings, smtp_sink
):
    # given a server that takes the message and then drops the line without answering
    ada, _, _ = builders.shipped_order()
    row = Notification.objects.get(order=ada)
    smtp_sink.set_mode("drop_after_accept", count=1)

    # when the drain runs, and runs again
    first = notifications_drain()
    second = notifications_drain()

    # then the buyer has it once; we do not know it, so the row is in doubt, not re-sent
    assert len(smtp_sink.messages_for(row.event_key)) == 1
    row.refresh_from_db()
    assert (first.in_doubt, second.sent, row.status) == (1, 0, "in_doubt")
    assert row.message_id == message_id_for(row.event_key)
    assert "in doubt" in OrderEvent.objects.filter(order=ada, kind="notification").last().message
