"""A cancel requested by the channel after pick, on the exceptions queue at 360×740: the card
with its two options fits the phone, passes axe, and ops' choice ships it (issue 11 item 3)."""

import pytest

from common import roles
from orders.choices import HoldKind
from orders.models import Hold
from orders.services.holds import hold_place
from tests.e2e.conftest import (
    click_and_wait,
    horizontal_overflow,
    serious_axe_violations,
    shot,
    sign_in,
)
from tests.factories.accounts import UserFactory
from tests.screens import scenarios
from tests.warehouse.builders import SYSTEM

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ops_answer_a_cancel_after_pick_on_a_phone(phone):
    # given: an order the channel cancelled after pick (the exception the update leaves)
    _shipped, order, _tracking = scenarios.shipped_and_open_orders()
    hold_place(
        order=order,
        kind=HoldKind.LATE_CANCEL,
        reason="The channel cancelled this order (customer) after 1 unit(s) were picked: stop "
        "at pack and return them to stock, or ship and let the channel refund.",
        actor=SYSTEM,
        details={"options": ["stop", "ship"], "picked": 1},
        progress=False,
    )
    UserFactory(username="boss", roles=[roles.OPS_MANAGER])
    sign_in(phone, "boss")

    # when ops open the exceptions queue
    phone.goto("/dashboard/exceptions/")

    # then the card shows both options, fits the phone and passes axe
    card = phone.get_by_test_id(f"channel-{order.number}")
    assert card.get_by_role("button", name=f"Stop at pack, return to stock ({order.number})")
    ship = card.get_by_role("button", name=f"Ship, the channel refunds ({order.number})")
    assert horizontal_overflow(phone) == 0
    assert serious_axe_violations(phone) == []
    shot(phone, "channel-exception-card")

    # when ops choose to ship
    click_and_wait(phone, ship)

    # then the exception is settled and the card is gone
    assert "the channel refunds the buyer" in phone.content()
    assert phone.get_by_test_id(f"channel-{order.number}").count() == 0
    assert Hold.objects.get(order=order, kind=HoldKind.LATE_CANCEL).released_at is not None
