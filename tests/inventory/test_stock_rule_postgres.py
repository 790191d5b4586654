"""Real concurrent connections: blocking a bin, holding a lot and committing the last units race,
and committed + unavailable ≤ on_hand holds whoever wins (issue 10 items 4 and 5)."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from common.exceptions import DomainError
from inventory import services as inventory_services
from inventory.models import InventoryBalance
from inventory.selectors import inventory_mismatches
from tests.factories.inventory import ProductFactory
from tests.scenarios import SYSTEM, bin_of, small_warehouse, stocked
from warehouse.services.bins import bin_set_blocked

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _race(*workers):
    barrier = threading.Barrier(len(workers))
    results: list = [None] * len(workers)
    errors: list = []

    def run(i):
        try:
            barrier.wait(timeout=30)
            results[i] = workers[i]()
        except DomainError as exc:
            results[i] = exc
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(workers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results, errors


def _commit(product, wh, quantity, ref):
    return lambda: inventory_services.commitment_create(
        product_id=product.pk,
        warehouse_id=wh.pk,
        quantity=quantity,
        document_type="order_line",
        document_ref=ref,
        actor=SYSTEM,
    )


@pytest.mark.parametrize("round_", range(3))
def test_block_and_commit_race_never_oversells(round_):
    # 10 units: 6 in the bin to block, 4 elsewhere; two buyers want 3 each
    wh = small_warehouse(f"PR{round_}", aisles=1, bays=2, levels=1)
    item = ProductFactory(sku=f"PR-{round_}")
    target, other = bin_of(wh, "A-01-01-1"), bin_of(wh, "A-01-02-1")
    stocked(item, target, 6)
    stocked(item, other, 4)
    results, errors = _race(
        lambda: bin_set_blocked(bin_id=target.pk, blocked=True, actor=SYSTEM, reason="count"),
        _commit(item, wh, 3, "a"),
        _commit(item, wh, 3, "b"),
    )
    assert errors == []
    bal = InventoryBalance.objects.get(product=item, warehouse=wh)
    assert bal.committed + bal.unavailable <= bal.on_hand
    blocked = not isinstance(results[0], Exception)
    committed = sum(3 for r in results[1:] if not isinstance(r, Exception))
    assert bal.committed == committed
    assert bal.unavailable == (6 if blocked else 0)
    assert inventory_mismatches() == []


@pytest.mark.parametrize("round_", range(3))
def test_lot_hold_and_commit_race_never_oversells(round_):
    wh = small_warehouse(f"PL{round_}", aisles=1, bays=2, levels=1)
    item = ProductFactory(sku=f"PL-{round_}", is_lot_tracked=True)
    stocked(item, bin_of(wh, "A-01-01-1"), 6, lot="BAD")
    stocked(item, bin_of(wh, "A-01-02-1"), 4, lot="GOOD")
    results, errors = _race(
        lambda: inventory_services.lot_hold_place(
            product_id=item.pk, lot="BAD", actor=SYSTEM, reason="recall"
        ),
        _commit(item, wh, 3, "a"),
        _commit(item, wh, 3, "b"),
    )
    assert errors == []
    bal = InventoryBalance.objects.get(product=item, warehouse=wh)
    assert bal.committed + bal.unavailable <= bal.on_hand
    held = not isinstance(results[0], Exception)
    assert bal.unavailable == (6 if held else 0)
    assert inventory_mismatches() == []
