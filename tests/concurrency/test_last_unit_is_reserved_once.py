"""Real concurrent connections race for the same few units; none is reserved twice."""

import threading

import pytest
from django.db import connection, connections

from inventory import services
from inventory.exceptions import InsufficientStock
from inventory.models import BinReservation, Commitment, InventoryBalance, StockLevel
from inventory.selectors import inventory_mismatches
from tests.factories.inventory import ProductFactory
from tests.scenarios import SYSTEM, bin_of, small_warehouse, stocked

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 24


def _race(worker, n=THREADS):
    barrier = threading.Barrier(n)
    results, errors, backends = [], [], set()

    def run(i):
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backends.add(cursor.fetchone()[0])
            barrier.wait(timeout=30)
            results.append(worker(i))
        except InsufficientStock:
            results.append(None)
        except Exception as exc:  # any other error fails the test below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results, errors, backends


def test_concurrent_commitments_never_oversell():
    # given 5 units of one SKU and 24 buyers on 24 real connections
    wh = small_warehouse("RACE")
    product = ProductFactory(sku="HOT-1")
    stocked(product, bin_of(wh, "A-01-01-1"), 3)
    stocked(product, bin_of(wh, "A-02-01-1"), 2)

    # when each tries to commit 1 unit at the same moment
    results, errors, backends = _race(
        lambda i: services.commitment_create(
            product_id=product.pk,
            warehouse_id=wh.pk,
            quantity=1,
            document_type="order_line",
            document_ref=str(i),
            actor=SYSTEM,
        )
    )

    # then exactly 5 succeed, no error other than InsufficientStock, and the figures add up
    assert errors == []
    assert len(backends) == THREADS  # really distinct connections
    assert sum(1 for r in results if r is not None) == 5
    balance = InventoryBalance.objects.get(product=product, warehouse=wh)
    assert (balance.on_hand, balance.committed, balance.available) == (5, 5, 0)
    assert Commitment.objects.filter(product=product).count() == 5
    assert inventory_mismatches() == []


def test_concurrent_bin_reservations_never_double_book_a_bin():
    # given one bin with 4 units and 20 open commitments elsewhere-stocked
    wh = small_warehouse("RACE2")
    product = ProductFactory(sku="HOT-2")
    stocked(product, bin_of(wh, "A-01-01-1"), 4)
    stocked(product, bin_of(wh, "A-03-01-1"), 40)
    commitments = [
        services.commitment_create(
            product_id=product.pk,
            warehouse_id=wh.pk,
            quantity=1,
            document_type="order_line",
            document_ref=str(i),
            actor=SYSTEM,
        )
        for i in range(20)
    ]
    level = StockLevel.objects.get(product=product, bin__code="A-01-01-1")

    # when 20 connections each reserve 1 unit in that same bin
    results, errors, _ = _race(
        lambda i: services.bin_reservation_create(
            commitment_id=commitments[i].pk, stock_level_id=level.pk, quantity=1, actor=SYSTEM
        ),
        n=20,
    )

    # then only 4 reservations exist and the bin is exactly fully reserved
    assert errors == []
    assert sum(1 for r in results if r is not None) == 4
    level.refresh_from_db()
    assert (level.on_hand, level.reserved) == (4, 4)
    assert BinReservation.objects.filter(stock_level=level).count() == 4
    assert inventory_mismatches() == []


def test_concurrent_moves_out_of_one_bin_never_go_negative():
    wh = small_warehouse("RACE3")
    product = ProductFactory(sku="HOT-3")
    stocked(product, bin_of(wh, "A-01-01-1"), 10)
    source, target = bin_of(wh, "A-01-01-1"), bin_of(wh, "A-01-02-1")

    results, errors, _ = _race(
        lambda i: services.stock_move(
            product_id=product.pk, from_bin=source, to_bin=target, quantity=3, actor=SYSTEM
        ),
        n=16,
    )

    assert errors == []
    assert sum(1 for r in results if r is not None) == 3
    assert StockLevel.objects.get(product=product, bin=source).on_hand == 1
    assert StockLevel.objects.get(product=product, bin=target).on_hand == 9
    assert inventory_mismatches() == []
