"""Each role signs in on a 360-px phone, lands on its own home and sees only its menus.

Every page visited is checked for horizontal scrolling and axe-core serious/critical violations.
"""

import pytest

from common import roles
from tests.e2e.conftest import horizontal_overflow, serious_axe_violations, shot, sign_in
from tests.factories.accounts import UserFactory
from tests.factories.warehouse import BinFactory, WarehouseFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CASES = [
    # role, expected home path, menu entries that must show, menu entries that must not
    (roles.OPS_MANAGER, "/dashboard/", ["Dashboard", "Exceptions", "Admin"], []),
    (
        roles.WAREHOUSE_OPERATOR,
        "/warehouse/",
        ["Tasks"],
        ["Dashboard", "Admin", "Orders", "Labels"],
    ),
    (
        roles.WAREHOUSE_SUPERVISOR,
        "/warehouse/",
        ["Tasks", "Labels"],
        ["Dashboard", "Admin", "Orders"],
    ),
    (roles.CUSTOMER_SERVICE, "/orders/", ["Orders"], ["Dashboard", "Admin", "Tasks", "Labels"]),
]


@pytest.mark.parametrize(("role", "home", "shown", "hidden"), CASES, ids=[c[0] for c in CASES])
def test_role_signs_in_lands_on_its_home_and_sees_only_its_menus(phone, role, home, shown, hidden):
    # given
    WarehouseFactory(code="WH1")
    BinFactory(warehouse__code="WH1", code="A-01-01")
    UserFactory(username=f"{role}-e2e", roles=[role])

    # when
    phone.goto("/")
    assert "/accounts/login/" in phone.url
    shot(phone, "00-sign-in")
    assert horizontal_overflow(phone) == 0
    assert serious_axe_violations(phone) == []
    sign_in(phone, f"{role}-e2e")

    # then
    assert phone.url.endswith(home), phone.url
    menu = phone.get_by_role("navigation", name="Main menu")
    labels = [t.strip() for t in menu.get_by_role("link").all_inner_texts()]
    for label in shown:
        assert label in labels
    for label in hidden:
        assert label not in labels
    shot(phone, f"01-home-{role}")
    assert horizontal_overflow(phone) == 0
    assert serious_axe_violations(phone) == []
