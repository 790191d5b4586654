"""64 real connections create orders through the API for a SKU with 10 units."""

import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from inventory.models import Commitment, InventoryBalance
from inventory.selectors import inventory_mismatches
from orders.models import Order, OrderLine, RoutingPolicy
from tests.factories.channels_sync import channel_token
from tests.orders.builders import channel, payload, product, stock, warehouse

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 64


def _fire(key, n=THREADS):
    barrier = threading.Barrier(n)
    statuses, errors, backends = [], [], set()
    lock = threading.Lock()

    def run(i):
        try:
            client = APIClient()
            client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pid = cursor.fetchone()[0]
            barrier.wait(timeout=60)
            response = client.post(
                "/api/v1/orders/",
                payload([("HOT-1", 1)], external_id=f"RACE-{i}"),
                format="json",
                HTTP_IDEMPOTENCY_KEY=f"race-{i}",
            )
            with lock:
                backends.add(pid)
                statuses.append(response.status_code)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return statuses, errors, backends


def _setup(policy=None):
    wh = warehouse("RACE")
    hot = product("HOT-1")
    stock(hot, wh, 10)
    ch = channel(wh, code="race-shop")
    if policy:
        RoutingPolicy.objects.create(channel=ch, shortage_policy=policy)
    return hot, channel_token(ch)


def test_64_concurrent_orders_commit_exactly_10_units_and_backorder_the_rest():
    hot, key = _setup()

    statuses, errors, backends = _fire(key)

    assert errors == []
    assert len(backends) == THREADS
    assert statuses == [201] * THREADS
    balance = InventoryBalance.objects.get(product=hot)
    assert (balance.on_hand, balance.committed) == (10, 10)
    assert sum(Commitment.objects.filter(status="open").values_list("quantity", flat=True)) == 10
    lines = OrderLine.objects.filter(sku="HOT-1")
    assert sum(lines.values_list("quantity_allocated", flat=True)) == 10
    assert sum(lines.values_list("quantity_backordered", flat=True)) == THREADS - 10
    assert Order.objects.filter(status="released").count() == 10
    assert Order.objects.filter(status="backordered").count() == THREADS - 10
    assert inventory_mismatches() == []


def test_64_concurrent_orders_with_refuse_policy_create_exactly_10():
    hot, key = _setup(policy="refuse")

    statuses, errors, _ = _fire(key)

    assert errors == []
    assert sorted(statuses) == [201] * 10 + [409] * (THREADS - 10)
    balance = InventoryBalance.objects.get(product=hot)
    assert (balance.on_hand, balance.committed) == (10, 10)
    assert Order.objects.count() == 10
    assert balance.on_hand - balance.committed - balance.unavailable >= 0
