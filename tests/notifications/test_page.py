"""The ops page of customer e-mails: sent and failed ones with the reason, role-gated, actions."""

import pytest
from django.test import Client

from common import roles
from notifications.models import Notification
from notifications.services import notifications_drain
from tests.factories.accounts import UserFactory
from tests.notifications import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def ops():
    client = Client()
    client.force_login(UserFactory(username="ops-mail", roles=[roles.OPS_MANAGER]))
    return client


def _sent_and_failed(smtp_sink):
    """Ada's shipment e-mail sent; Alan's cancellation refused by the server (parked)."""
    ada, alan, _ = builders.shipped_order()
    notifications_drain()
    smtp_sink.set_mode("reject_rcpt")
    builders.cancel(alan)
    notifications_drain()
    smtp_sink.set_mode("ok")
    return Notification.objects.get(order=ada), Notification.objects.get(order=alan)


def test_ops_see_sent_and_failed_emails_and_why(ops, smtp_settings, smtp_sink):
    # given
    sent, failed = _sent_and_failed(smtp_sink)

    # when
    page = ops.get("/notifications/").content.decode()

    # then both are listed, with the status and the server's reason for the failure
    assert f'data-testid="mail-{sent.pk}"' in page
    assert f'data-testid="mail-{failed.pk}"' in page
    assert "Sent" in page
    assert "Failed, parked" in page
    assert "550 5.1.1 No such mailbox" in page
    assert f"Send again ({failed.order.number})" in page
    assert f"Send again ({sent.order.number})" not in page
    # and the filter shows only the failed one
    parked = ops.get("/notifications/?status=dead").content.decode()
    assert f'data-testid="mail-{failed.pk}"' in parked
    assert f'data-testid="mail-{sent.pk}"' not in parked
    # and the detail page shows what was sent
    detail = ops.get(f"/notifications/{sent.pk}/").content.decode()
    assert sent.message_id.replace("<", "&lt;").replace(">", "&gt;") in detail
    assert "Tracking number:" in detail
    # and each e-mail is on its order's timeline
    order_page = ops.get(f"/orders/{sent.order.number}/").content.decode()
    assert "E-mailed shipment confirmation" in order_page
    assert "Customer e-mail" in order_page


def test_send_again_from_the_page_delivers_the_parked_email(ops, smtp_settings, smtp_sink):
    # given a parked e-mail and a mail server that accepts again
    _, failed = _sent_and_failed(smtp_sink)

    # when ops send it again
    response = ops.post(f"/notifications/{failed.pk}/resend/")
    notifications_drain()

    # then
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == "sent"
    assert len(smtp_sink.messages_for(failed.event_key)) == 1


def test_an_in_doubt_email_can_be_marked_sent(ops, smtp_settings, smtp_sink):
    # given an e-mail whose hand-over is in doubt
    ada, _, _ = builders.shipped_order()
    smtp_sink.set_mode("drop_after_accept", count=1)
    notifications_drain()
    row = Notification.objects.get(order=ada)
    assert row.status == "in_doubt"
    assert "Mark sent" in ops.get("/notifications/?status=in_doubt").content.decode()

    # when ops find its Message-ID in the server's log and mark it sent
    ops.post(f"/notifications/{row.pk}/mark-sent/")

    # then it is sent, and nothing more went out
    row.refresh_from_db()
    assert row.status == "sent"
    assert len(smtp_sink.messages_for(row.event_key)) == 1
    # and marking it again says why not
    page = ops.post(f"/notifications/{row.pk}/mark-sent/", follow=True).content.decode()
    assert "is not in doubt" in page


@pytest.mark.parametrize(
    ("_case", "role", "status"),
    [
        ("customer service", roles.CUSTOMER_SERVICE, 403),
        ("picker", roles.WAREHOUSE_OPERATOR, 403),
        ("ops admin", roles.OPS_ADMIN, 200),
    ],
)
def test_the_page_is_for_ops_only(_case, role, status):
    client = Client()
    client.force_login(UserFactory(username=f"u-{role}", roles=[role]))
    assert client.get("/notifications/").status_code == status
    assert Client().get("/notifications/").status_code == 302  # anonymous: sign in


def test_an_unknown_status_filter_says_so(ops):
    page = ops.get("/notifications/?status=bogus").content.decode()
    assert "Unknown status" in page
