import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory import services as inventory_services
from orders import services as orders_services
from orders.models import FulfillmentRequest
from orders.services import returns as return_services
from tests.orders.builders import CS, SYSTEM, capture, channel, pick_bin, product, stock, warehouse

pytestmark = pytest.mark.django_db


def _count(client, url, page_size):
    client.get(url, {"page_size": 1})  # warm the per-user role cache
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"page_size": page_size})
    assert response.status_code == 200
    assert len(response.json()["results"]) == page_size
    return len(ctx.captured_queries)


@pytest.fixture
def shipped_orders():
    wh = warehouse("LQ1")
    a = product("LQ-A")
    stock(a, wh, 50)
    ch = channel(wh)
    orders = []
    for _ in range(6):
        order = capture(ch, [("LQ-A", 2)])
        fr = FulfillmentRequest.objects.get(order=order)
        line = fr.lines.get()
        inventory_services.stock_consume(
            commitment_id=line.commitment_id, from_bin=pick_bin(wh), quantity=2, actor=SYSTEM
        )
        orders_services.fulfillment_request_shipped(
            request_id=fr.pk,
            shipment_id=None,
            carrier="MOCK",
            tracking_number="T",
            lines=[(line.pk, 2)],
            actor=SYSTEM,
        )
        return_services.return_request(
            order_id=order.pk,
            lines=[(order.lines.get().pk, 1)],
            reason="x",
            actor=CS,
            exchange_lines=[{"sku": "LQ-A", "quantity": 1}],
        )
        orders.append(order)
    return orders


def test_fulfillment_request_list_query_count_is_constant(shipped_orders, warehouse_client):
    assert _count(warehouse_client, "/api/v1/fulfillment-requests/", 2) == _count(
        warehouse_client, "/api/v1/fulfillment-requests/", 6
    )


def test_return_list_query_count_is_constant(shipped_orders, ops_client):
    assert _count(ops_client, "/api/v1/returns/", 2) == _count(ops_client, "/api/v1/returns/", 6)
