"""POST /api/v1/orders/bulk/: up to 1,000 orders, per-order results, set-based (issue 12 item 4)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inventory.models import InventoryBalance
from orders.models import Order
from tests.orders.builders import payload

pytestmark = pytest.mark.django_db
URL = "/api/v1/orders/bulk/"


def test_bulk_creates_each_order_and_reports_each_result(shop_client):
    # given two good orders, a duplicate of a stored one, one invalid and one on a payment hold
    shop_client.post("/api/v1/orders/", payload([("TEE-1", 1)], external_id="B-0"), format="json")
    bodies = [
        payload([("TEE-1", 2), ("CAP-1", 1)], external_id="B-1"),
        payload([("CAP-1", 3)], external_id="B-2"),
        payload([("TEE-1", 1)], external_id="B-0"),
        payload([("TEE-1", 0)], external_id="B-3"),
        payload([("TEE-1", 1)], external_id="B-4", payment_status="pending"),
    ]

    # when
    response = shop_client.post(URL, {"orders": bodies}, format="json")

    # then
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["created"], body["existing"], body["failed"]) == (3, 1, 1)
    got = [(r["external_id"], r["status"], r.get("order_status")) for r in body["results"]]
    assert got == [
        ("B-1", 201, "released"),
        ("B-2", 201, "released"),
        ("B-0", 200, "released"),
        ("B-3", 400, None),
        ("B-4", 201, "on_hold"),
    ]
    assert body["results"][3]["error"]["code"] == "invalid"
    assert not Order.objects.filter(external_id="B-3").exists()
    b1 = Order.objects.get(external_id="B-1")
    kinds = list(b1.events.order_by("pk").values_list("kind", flat=True))
    assert kinds == [
        "created",
        "status_changed",
        "routed",
        "status_changed",
        "fr_status",
        "status_changed",
    ]
    tee = InventoryBalance.objects.get(product__sku="TEE-1")
    assert tee.committed == 1 + 2  # B-0 and B-1; B-4 waits on its hold


def test_bulk_never_oversells_and_backorders_the_rest(shop_client):
    # given 20 TEE-1 in stock and 25 one-unit orders in one request
    bodies = [payload([("TEE-1", 1)], external_id=f"H-{i}") for i in range(25)]

    response = shop_client.post(URL, {"orders": bodies}, format="json")

    statuses = [r["order_status"] for r in response.json()["results"]]
    assert statuses.count("released") == 20
    assert statuses.count("backordered") == 5
    tee = InventoryBalance.objects.get(product__sku="TEE-1")
    assert tee.committed == 20
    assert tee.on_hand == 20


def test_bulk_statements_do_not_grow_with_the_orders(shop_client):
    small = [payload([("TEE-1", 1)], external_id=f"S-{i}") for i in range(2)]
    large = [payload([("CAP-1", 1)], external_id=f"L-{i}") for i in range(12)]
    with CaptureQueriesContext(connection) as few:
        shop_client.post(URL, {"orders": small}, format="json")
    with CaptureQueriesContext(connection) as many:
        shop_client.post(URL, {"orders": large}, format="json")
    assert len(many.captured_queries) == len(few.captured_queries)


def test_bulk_replays_for_the_same_idempotency_key(shop_client):
    bodies = [payload([("TEE-1", 1)], external_id="K-1")]
    first = shop_client.post(URL, {"orders": bodies}, format="json", HTTP_IDEMPOTENCY_KEY="bk")
    second = shop_client.post(URL, {"orders": bodies}, format="json", HTTP_IDEMPOTENCY_KEY="bk")
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert Order.objects.filter(external_id="K-1").count() == 1


def test_bulk_refuses_more_than_1000_orders(shop_client):
    bodies = [payload([("TEE-1", 1)], external_id=f"M-{i}") for i in range(1001)]
    response = shop_client.post(URL, {"orders": bodies}, format="json")
    assert response.status_code == 400
    assert not Order.objects.exists()
