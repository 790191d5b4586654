from datetime import timedelta

import pytest
from django.utils import timezone

from inventory.exceptions import InsufficientStock
from inventory.models import Commitment, InventoryBalance
from orders import services as orders_services
from orders.exceptions import ReservationNotActive
from orders.models import CartReservation
from tests.orders.builders import SYSTEM, capture, channel, product, stock, warehouse

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    wh = warehouse("RS1")
    stock(product("RS-A"), wh, 3)
    return channel(wh)


def _available():
    return InventoryBalance.objects.get(product__sku="RS-A").available


def test_reservation_holds_stock_until_it_expires(shop):
    # given a cart holds 2 of the 3 units for 10 minutes
    reservation = orders_services.cart_reservation_create(
        channel_id=shop.pk, lines=[{"sku": "RS-A", "quantity": 2}], ttl_seconds=600, actor=SYSTEM
    )
    assert _available() == 1

    # when nothing has expired yet, nothing is freed
    assert orders_services.cart_reservations_expire(now=timezone.now()) == 0
    assert _available() == 1

    # when the time has passed, the stock frees itself
    assert orders_services.cart_reservations_expire(now=timezone.now() + timedelta(minutes=11)) == 1
    reservation.refresh_from_db()
    assert reservation.status == "expired"
    assert _available() == 3
    assert not Commitment.objects.filter(document_type="cart", status="open").exists()


def test_reservation_is_all_or_nothing(shop):
    with pytest.raises(InsufficientStock):
        orders_services.cart_reservation_create(
            channel_id=shop.pk, lines=[{"sku": "RS-A", "quantity": 4}], ttl_seconds=60, actor=SYSTEM
        )
    assert _available() == 3
    assert CartReservation.objects.count() == 0


def test_placing_the_order_converts_the_reservation(shop):
    reservation = orders_services.cart_reservation_create(
        channel_id=shop.pk, lines=[{"sku": "RS-A", "quantity": 3}], ttl_seconds=600, actor=SYSTEM
    )
    assert _available() == 0

    # the order gets the cart's units even though nothing else is available
    order = capture(shop, [("RS-A", 3)], reservation_token=reservation.token)

    reservation.refresh_from_db()
    assert (reservation.status, reservation.order_id) == ("converted", order.pk)
    assert order.lines.get().quantity_allocated == 3
    assert InventoryBalance.objects.get(product__sku="RS-A").committed == 3
    assert order.events.filter(kind="reservation_converted").exists()
    # and expiry later does not free the order's stock
    orders_services.cart_reservations_expire(now=timezone.now() + timedelta(hours=3))
    assert InventoryBalance.objects.get(product__sku="RS-A").committed == 3


def test_released_reservation_cannot_be_released_again(shop):
    reservation = orders_services.cart_reservation_create(
        channel_id=shop.pk, lines=[{"sku": "RS-A", "quantity": 1}], ttl_seconds=60, actor=SYSTEM
    )
    orders_services.cart_reservation_release(
        token=reservation.token, channel_id=shop.pk, actor=SYSTEM
    )
    assert _available() == 3
    with pytest.raises(ReservationNotActive):
        orders_services.cart_reservation_release(
            token=reservation.token, channel_id=shop.pk, actor=SYSTEM
        )


def test_reservation_keeps_its_units_while_the_order_waits_on_a_hold(shop):
    # given a cart holding all 3 units and an order placed with payment still pending
    reservation = orders_services.cart_reservation_create(
        channel_id=shop.pk, lines=[{"sku": "RS-A", "quantity": 3}], ttl_seconds=600, actor=SYSTEM
    )
    order = capture(
        shop, [("RS-A", 3)], reservation_token=reservation.token, payment_status="pending"
    )
    reservation.refresh_from_db()
    assert (order.status, reservation.status, reservation.order_id) == (
        "on_hold",
        "active",
        order.pk,
    )
    assert _available() == 0  # nobody else can buy them meanwhile

    # when payment is captured, the order converts the reservation and gets all 3
    orders_services.order_payment_update(order_id=order.pk, payment_status="captured", actor=SYSTEM)

    reservation.refresh_from_db()
    assert reservation.status == "converted"
    assert order.lines.get().quantity_allocated == 3
    assert InventoryBalance.objects.get(product__sku="RS-A").committed == 3
