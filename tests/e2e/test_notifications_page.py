"""The customer e-mails page on a 360-px phone: sent and failed e-mails, the reason, send again."""

import pytest

from common import roles
from notifications.models import Notification
from notifications.services import notifications_drain
from tests.e2e.conftest import (
    click_and_wait,
    horizontal_overflow,
    serious_axe_violations,
    shot,
    sign_in,
)
from tests.factories.accounts import UserFactory
from tests.notifications import builders
from tests.notifications.conftest import smtp_settings, smtp_sink  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ops_see_sent_and_failed_emails_on_a_phone_and_send_one_again(
    phone,
    smtp_settings,  # noqa: F811
    smtp_sink,  # noqa: F811
):
    # given Ada's shipment e-mail sent and Alan's cancellation refused by the mail server
    ada, alan, _ = builders.shipped_order()
    notifications_drain()
    smtp_sink.set_mode("reject_rcpt")
    builders.cancel(alan)
    notifications_drain()
    smtp_sink.set_mode("ok")
    failed = Notification.objects.get(order=alan)
    assert failed.status == "dead"
    UserFactory(username="mail-ops", roles=[roles.OPS_MANAGER])
    sign_in(phone, "mail-ops")

    # when ops open the e-mails page from the menu
    click_and_wait(phone, phone.get_by_role("link", name="E-mails"))

    # then it fits the phone and shows both, with the reason of the failure
    assert phone.url.endswith("/notifications/")
    sent_card = phone.get_by_test_id(f"mail-{Notification.objects.get(order=ada).pk}")
    failed_card = phone.get_by_test_id(f"mail-{failed.pk}")
    assert "Sent" in sent_card.inner_text()
    assert "Failed, parked" in failed_card.inner_text()
    assert "550 5.1.1 No such mailbox" in failed_card.inner_text()
    assert horizontal_overflow(phone) == 0
    assert serious_axe_violations(phone) == []
    shot(phone, "notifications-list")

    # and the e-mail's own page fits too
    click_and_wait(phone, sent_card.get_by_role("link", name="Shipment confirmation"))
    assert "Message-ID" in phone.content()
    assert horizontal_overflow(phone) == 0
    assert serious_axe_violations(phone) == []
    shot(phone, "notifications-detail")

    # when ops send the failed one again
    phone.go_back()
    click_and_wait(phone, phone.get_by_role("button", name=f"Send again ({alan.number})"))

    # then the page says so, and the buyer gets it
    assert "E-mail queued again." in phone.content()
    notifications_drain()
    failed.refresh_from_db()
    assert failed.status == "sent"
    assert len(smtp_sink.messages_for(failed.event_key)) == 1
