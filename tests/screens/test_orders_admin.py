"""The ops admin for orders: filters ops use, the one-page order view, and service actions."""

import datetime as dt

import pytest
from django.utils import timezone

from channels_sync.models import OutboxMessage
from orders import services as orders_services
from orders.choices import HoldKind
from orders.models import Hold, Order
from tests.factories.accounts import UserFactory
from tests.orders import builders as b
from tests.screens import scenarios
from warehouse.models import Wave

pytestmark = pytest.mark.django_db

URL = "/admin/orders/order/"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def shop():
    wh = b.warehouse("WH1")
    ch = b.channel(wh, code="web")
    b.stock(b.product("SKU-1"), wh, 100)
    b.stock(b.product("SCARCE"), wh, 1)
    return ch


def _held(shop):
    order = b.capture(shop, [("SKU-1", 1)])
    orders_services.order_hold_place(
        order_id=order.pk, kind=HoldKind.MANUAL, reason="check", actor=b.SYSTEM
    )
    return order


def _listed(response):
    return {o.pk for o in response.context["cl"].result_list}


@pytest.mark.parametrize(
    ("_case", "params", "expected"),
    [
        ("late", {"late": "yes"}, "late"),
        ("on hold", {"on_hold": "yes"}, "held"),
        ("backordered", {"backordered": "yes"}, "backordered"),
        ("search by email", {"q": "zed@example.com"}, "late"),
    ],
)
def test_changelist_filters(admin_client, shop, _case, params, expected):
    # given
    orders = {
        "plain": b.capture(shop, [("SKU-1", 1)]),
        "late": b.capture(
            shop,
            [("SKU-1", 1)],
            customer={"email": "zed@example.com", "name": "Zed"},
            promised_ship_by=(timezone.now() - dt.timedelta(hours=1)).isoformat(),
        ),
        "held": _held(shop),
        "backordered": b.capture(shop, [("SCARCE", 2)]),
    }
    # when
    response = admin_client.get(URL, params)
    # then
    assert response.status_code == 200
    assert _listed(response) == {orders[expected].pk}


def test_changelist_filters_by_warehouse(admin_client):
    wh1, wh2 = b.warehouse("WH1"), b.warehouse("WH2")
    ch = b.channel(wh1, wh2, code="web")
    b.stock(b.product("ONLY1"), wh1, 5)
    b.stock(b.product("ONLY2"), wh2, 5)
    in1 = b.capture(ch, [("ONLY1", 1)])
    b.capture(ch, [("ONLY2", 1)])
    response = admin_client.get(URL, {"warehouse": wh1.pk})
    assert _listed(response) == {in1.pk}


def test_changelist_query_count_does_not_grow_with_orders(
    admin_client, shop, django_assert_max_num_queries
):
    for _ in range(3):
        _held(shop)
    with django_assert_max_num_queries(30) as few:
        admin_client.get(URL)
    for _ in range(12):
        _held(shop)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(URL)
    assert len(response.context["cl"].result_list) == 15


def test_change_page_shows_lines_holds_fulfillment_and_timeline(admin_client, shop):
    order = _held(shop)
    page = admin_client.get(f"{URL}{order.pk}/change/").content.decode()
    assert "SKU-1" in page
    assert "check" in page  # the hold's reason
    assert "Timeline" in page
    assert "Order received" in page


def _action(admin_client, action, orders):
    return admin_client.post(
        URL, {"action": action, "_selected_action": [o.pk for o in orders]}, follow=True
    )


def test_release_holds_action(admin_client, shop):
    order = _held(shop)
    _action(admin_client, "release_holds", [order])
    assert not Hold.objects.filter(order=order, released_at__isnull=True).exists()


def test_cancel_action_cancels_and_reports_refusals(admin_client, shop):
    order = b.capture(shop, [("SKU-1", 1)])
    _action(admin_client, "cancel_orders", [order])
    assert Order.objects.get(pk=order.pk).status == "cancelled"
    response = _action(admin_client, "cancel_orders", [order])
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_reroute_action_allocates_backordered_units_after_stock_arrives(admin_client, shop):
    order = b.capture(shop, [("SCARCE", 3)])
    assert order.lines.get().quantity_backordered == 2
    b.stock(b.product("SCARCE"), b.warehouse("WH1"), 5)
    assert order.lines.get().quantity_backordered == 2  # stock alone does not re-route it
    _action(admin_client, "reroute_orders", [order])
    assert order.lines.get().quantity_backordered == 0


def test_create_wave_action_releases_a_wave(admin_client):
    floor_wh = scenarios.shipping_warehouse()
    from tests.factories.channels_sync import channel_with_warehouses
    from tests.warehouse.builders import bin_of, product, stocked

    ch = channel_with_warehouses(floor_wh, code="web")
    stocked(product("TEE"), bin_of(floor_wh, "A-01-01-1"), 5)
    order = scenarios.order(ch, [("TEE", 2)])
    response = _action(admin_client, "create_waves", [order])
    wave = Wave.objects.get()
    assert wave.status == "released"
    assert f"Wave {wave.number} released" in response.content.decode()


def test_retry_dead_syncs_action(admin_client, shop):
    order = b.capture(shop, [("SKU-1", 1)])
    now = timezone.now()
    message = OutboxMessage.objects.create(
        channel=shop,
        topic="order_status",
        key=str(order.pk),
        payload={},
        next_attempt_at=now,
        pending_since=now,
        dead_at=now,
        attempts=8,
    )
    _action(admin_client, "retry_dead_syncs", [order])
    message.refresh_from_db()
    assert message.dead_at is None
