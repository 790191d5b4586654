"""A hot-SKU storm on real Postgres connections: many buyers, few SKUs, zero oversell."""

import threading
import time

import pytest
from django.db import connections
from django.db.models import Sum

from audit.consistency import consistency_check
from inventory import services as inventory_services
from inventory.choices import ReservationStatus
from inventory.exceptions import InsufficientStock
from inventory.models import Commitment, InventoryBalance
from tests.factories.inventory import ProductFactory
from tests.scenarios import SYSTEM, bin_of, small_warehouse, stocked

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 16
ATTEMPTS_PER_THREAD = 25  # 400 attempts for 3 × 40 = 120 units: demand > supply
STOCK_PER_SKU = 40


def test_storm_on_three_skus_sells_every_unit_exactly_once():
    # given three SKUs with 40 units each, spread over two bins
    wh = small_warehouse("STORM", aisles=1, bays=2, levels=1)
    products = [ProductFactory(sku=f"STORM-{i}") for i in range(3)]
    for p in products:
        stocked(p, bin_of(wh, "A-01-01-1"), STOCK_PER_SKU // 2)
        stocked(p, bin_of(wh, "A-01-02-1"), STOCK_PER_SKU // 2)
    barrier = threading.Barrier(THREADS)
    won, refused, errors = [], [], []

    def buyer(i):
        try:
            barrier.wait(timeout=30)
            for n in range(ATTEMPTS_PER_THREAD):
                product = products[(i + n) % 3]
                try:
                    c = inventory_services.commitment_create(
                        product_id=product.pk,
                        warehouse_id=wh.pk,
                        quantity=1,
                        document_type="order_line",
                        document_ref=f"{i}-{n}",
                        actor=SYSTEM,
                    )
                    won.append(c.pk)
                except InsufficientStock:
                    refused.append((i, n))
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    # when 16 connections hammer the three SKUs at once
    started = time.perf_counter()
    threads = [threading.Thread(target=buyer, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    elapsed = time.perf_counter() - started

    # then every unit is sold exactly once, the rest are refused, and everything adds up
    assert errors == []
    assert len(won) == 3 * STOCK_PER_SKU
    assert len(refused) == THREADS * ATTEMPTS_PER_THREAD - 3 * STOCK_PER_SKU
    for p in products:
        balance = InventoryBalance.objects.get(product=p, warehouse=wh)
        assert (balance.on_hand, balance.committed, balance.available) == (40, 40, 0)
        open_units = Commitment.objects.filter(product=p, status=ReservationStatus.OPEN).aggregate(
            n=Sum("quantity")
        )["n"]
        assert open_units == 40
    report = consistency_check()
    assert report.problems == []
    print(f"storm: {THREADS * ATTEMPTS_PER_THREAD / elapsed:.0f} attempts/s")
