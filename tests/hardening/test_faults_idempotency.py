"""Issue 10 item 6: the connection of an order creation with an Idempotency-Key is terminated
(pg_terminate_backend from a second connection) right after the order committed, before the
response was stored. The client sees a 500; its retry with the same key and body must get the
original 201 with the same order at once: never a second order, never a 409 "in flight".
"""

import time

import pytest
from django.db import connection
from rest_framework.test import APIClient

from orders import services as order_services
from orders.choices import IdempotencyState
from orders.models import IdempotencyKey, Order
from tests.factories.channels_sync import channel_token, channel_with_warehouses
from tests.orders.builders import payload
from tests.warehouse.builders import bin_of, product, stocked
from tests.warehouse.builders import warehouse as make_warehouse

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _terminate_own_backend():
    """Terminate this thread's Postgres backend from a second connection, as an outage would;
    return once Postgres no longer lists it."""
    import psycopg

    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        pid = cur.fetchone()[0]
    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        autocommit=True,
    ) as killer:
        killer.execute("SELECT pg_terminate_backend(%s)", [pid])
        deadline = time.monotonic() + 30
        while killer.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
            assert time.monotonic() < deadline, "the backend was not terminated"
            time.sleep(0.05)


@pytest.fixture
def setup():
    wh = make_warehouse()
    ch = channel_with_warehouses(wh)
    tee = product("IDEM-TEE")
    stocked(tee, bin_of(wh, "A-01-01-1"), 5)
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {channel_token(ch)}")
    return ch, client


def test_connection_lost_after_commit_retry_replays_the_committed_order(setup, monkeypatch):
    ch, client = setup
    body = payload([("IDEM-TEE", 2)], external_id="IDEM-1")
    real_capture = order_services.order_capture

    def capture_then_lose_connection(**kwargs):
        result = real_capture(**kwargs)  # committed (durable entry point)
        _terminate_own_backend()
        return result

    monkeypatch.setattr(order_services, "order_capture", capture_then_lose_connection)

    # when the connection dies after the order committed
    first = client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="idem-k1")
    connection.close()  # what Django's request_finished does with an unusable connection
    monkeypatch.setattr(order_services, "order_capture", real_capture)

    # then the client saw a server error, but the order and its key's final state committed
    assert first.status_code == 500
    order = Order.objects.get(channel=ch, external_id="IDEM-1")
    key = IdempotencyKey.objects.get(key="idem-k1")
    assert (key.state, key.response_status, key.order_id) == (
        IdempotencyState.COMPLETED,
        201,
        order.pk,
    )

    # and the retry with the same key and body gets the original 201 with that order, at once
    retry = client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="idem-k1")
    assert retry.status_code == 201, retry.content
    assert retry.json()["number"] == order.number
    assert retry["Idempotent-Replayed"] == "true"
    assert Order.objects.filter(channel=ch, external_id="IDEM-1").count() == 1

    # and the stored answer stays the same on later retries
    again = client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="idem-k1")
    assert (again.status_code, again.json()["number"]) == (201, order.number)


def test_connection_lost_before_commit_retry_creates_the_order_once(setup, monkeypatch):
    ch, client = setup
    body = payload([("IDEM-TEE", 1)], external_id="IDEM-2")
    real_create = order_services.capture._order_create

    def create_then_lose_connection(**kwargs):
        real_create(**kwargs)  # written, not committed (order_capture's own transaction)
        _terminate_own_backend()
        with connection.cursor() as cur:
            cur.execute("SELECT 1")  # the next statement finds the connection gone

    monkeypatch.setattr(order_services.capture, "_order_create", create_then_lose_connection)

    # when the connection dies inside the order's transaction
    first = client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="idem-k2")
    connection.close()
    monkeypatch.setattr(order_services.capture, "_order_create", real_create)

    # then nothing was saved and the key was let go
    assert first.status_code == 500
    assert not Order.objects.filter(channel=ch, external_id="IDEM-2").exists()
    assert not IdempotencyKey.objects.filter(key="idem-k2").exists()

    # and the retry creates the order exactly once
    retry = client.post("/api/v1/orders/", body, format="json", HTTP_IDEMPOTENCY_KEY="idem-k2")
    assert retry.status_code == 201, retry.content
    assert Order.objects.filter(channel=ch, external_id="IDEM-2").count() == 1
