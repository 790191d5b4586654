"""Real concurrent connections: a scanner's retries and two pickers never pick twice."""

import json
import threading

import pytest
from django.db import connections

from common.exceptions import DomainError
from inventory.selectors import inventory_mismatches
from orders import services as order_services
from tests.factories.channels_sync import channel_with_warehouses
from tests.orders.builders import payload
from tests.warehouse.builders import SYSTEM, bin_of, on_hand, product, stocked
from tests.warehouse.builders import warehouse as make_warehouse
from warehouse.models import PickLine, ScanRecord, Wave
from warehouse.services.picking import pick_confirm
from warehouse.services.waves import wave_plan, wave_release

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


def _race(worker, n=THREADS):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run(i):
        try:
            barrier.wait(timeout=30)
            results.append(worker(i))
        except DomainError as exc:
            results.append(exc)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results, errors


def _one_pick_line(code):
    wh = make_warehouse(code=code)
    ch = channel_with_warehouses(wh)
    tee = product(f"TEE-{code}")
    stocked(tee, bin_of(wh, "A-01-01-1"), 10)
    order_services.order_capture(channel_id=ch.pk, data=payload([(tee.sku, 3)]), actor=SYSTEM)
    wave = wave_plan(warehouse_id=wh.pk, actor=SYSTEM)
    wave_release(wave_id=wave.pk, actor=SYSTEM)
    return wh, tee, PickLine.objects.get(pick_list__wave=wave)


def test_the_same_scan_sent_by_many_retries_picks_once():
    wh, tee, line = _one_pick_line("CC1")
    results, errors = _race(
        lambda i: pick_confirm(
            pick_line_id=line.pk,
            bin_code="A-01-01-1",
            item_code=tee.sku,
            quantity=1,
            tote_code=line.tote_code,
            actor=SYSTEM,
            scan_id="same-scan",
        )
    )
    assert errors == []
    assert all(not isinstance(r, Exception) for r in results)
    # every retry got the same answer
    assert len({json.dumps(r.as_dict(), sort_keys=True) for r in results}) == 1
    line.refresh_from_db()
    assert line.quantity_picked == 1
    assert ScanRecord.objects.filter(scan_id="same-scan").count() == 1
    assert on_hand(tee, bin_of(wh, "PACK-01")) == 1
    assert inventory_mismatches() == []


def test_many_pickers_on_one_line_never_pick_more_than_asked():
    wh, tee, line = _one_pick_line("CC2")
    results, errors = _race(
        lambda i: pick_confirm(
            pick_line_id=line.pk,
            bin_code="A-01-01-1",
            item_code=tee.sku,
            quantity=1,
            tote_code=line.tote_code,
            actor=SYSTEM,
            scan_id=f"scan-{i}",
        )
    )
    assert errors == []
    assert sum(1 for r in results if not isinstance(r, Exception)) == 3
    line.refresh_from_db()
    assert (line.quantity_picked, line.status) == (3, "picked")
    assert on_hand(tee, bin_of(wh, "PACK-01")) == 3
    assert inventory_mismatches() == []


def test_concurrent_wave_planners_never_wave_a_request_twice():
    wh = make_warehouse(code="CC3")
    ch = channel_with_warehouses(wh)
    tee = product("TEE-CC3")
    stocked(tee, bin_of(wh, "A-01-01-1"), 50)
    for _ in range(6):
        order_services.order_capture(channel_id=ch.pk, data=payload([(tee.sku, 1)]), actor=SYSTEM)

    def plan_and_release(i):
        wave = wave_plan(warehouse_id=wh.pk, actor=SYSTEM, max_orders=6)
        if wave is not None:
            wave_release(wave_id=wave.pk, actor=SYSTEM)
        return wave

    _results, errors = _race(plan_and_release, n=4)
    assert errors == []
    requests = list(
        Wave.objects.filter(warehouse=wh).values_list(
            "wave_requests__fulfillment_request_id", flat=True
        )
    )
    assert len(requests) == 6
    assert len(set(requests)) == 6
    assert inventory_mismatches() == []
