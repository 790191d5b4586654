import pytest

from orders import selectors as orders_selectors
from orders import services as orders_services
from orders.models import FulfillmentRequest
from tests.orders.builders import SYSTEM, capture, channel, product, stock, warehouse

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders():
    wh = warehouse("SE1")
    stock(product("SE-A"), wh, 10)
    ch = channel(wh)
    ada = capture(ch, [("SE-A", 1)], external_id="SHOP-1001")
    bob = capture(
        ch,
        [("SE-A", 1)],
        external_id="SHOP-1002",
        customer={"email": "bob@example.com", "name": "Bob Builder", "phone": "+44 20 7946 0958"},
    )
    fr = FulfillmentRequest.objects.get(order=bob)
    orders_services.fulfillment_request_shipped(
        request_id=fr.pk,
        shipment_id=5,
        carrier="MOCK",
        tracking_number="1ZTRACK",
        lines=[(fr.lines.get().pk, 1)],
        actor=SYSTEM,
    )
    return ada, bob


@pytest.mark.parametrize(
    ("query", "who"),
    [
        ("SHOP-1001", "ada"),
        ("bob@example.com", "bob"),
        ("BOB@EXAMPLE.COM", "bob"),
        ("builder", "bob"),
        ("020 7946 0958", "bob"),
        ("1ZTRACK", "bob"),
    ],
)
def test_search_finds_by_each_key(orders, query, who):
    ada, bob = orders
    expected = {"ada": ada, "bob": bob}[who]
    assert list(orders_selectors.order_search(query=query)) == [expected]


def test_search_by_number_and_empty_query(orders):
    ada, _ = orders
    assert list(orders_selectors.order_search(query=ada.number.lower())) == [ada]
    assert list(orders_selectors.order_search(query="  ")) == []


def test_timeline_is_oldest_first_with_actor(orders):
    ada, _ = orders
    events = list(orders_selectors.order_timeline(order=ada))
    assert events[0].kind == "created"
    assert all(e.actor for e in events)
