"""One lock order for the whole system (docs/contracts.md): wave release and pick confirmation
on the same order never deadlock.

The interleaving that used to deadlock is forced, not hoped for: a third connection holds the
order row; the wave release queues on it (holding the warehouse and wave), then the pick
confirmation starts. Before the fix the pick took its stock-level row first and then queued on
the order, so when the order was let go the release waited for that stock row while the pick
waited for the order: `deadlock detected`. Now every WMS scan takes the order first.
"""

import threading

import pytest
from django.db import connection, connections

from inventory.selectors import inventory_mismatches
from orders import services as order_services
from orders.models import FulfillmentRequest
from tests.factories.channels_sync import channel_with_warehouses
from tests.orders.builders import payload
from tests.warehouse.builders import SYSTEM, bin_of, product, stocked
from tests.warehouse.builders import warehouse as make_warehouse
from warehouse.models import PickLine
from warehouse.services.picking import pick_confirm, pick_short
from warehouse.services.waves import wave_plan, wave_release

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _order_with_two_requests_at_one_warehouse():
    """Request 1 released and on a pick list, request 2 (its backorder) in a planned wave, both
    drawing on bin A-01-01-1."""
    wh = make_warehouse(code="LK1")
    ch = channel_with_warehouses(wh)
    tee = product("TEE-LK1")
    stocked(tee, bin_of(wh, "A-01-01-1"), 2)
    order, _ = order_services.order_capture(
        channel_id=ch.pk, data=payload([(tee.sku, 4)]), actor=SYSTEM
    )
    first = wave_plan(warehouse_id=wh.pk, actor=SYSTEM)
    wave_release(wave_id=first.pk, actor=SYSTEM)
    stocked(tee, bin_of(wh, "A-01-01-1"), 5)
    order_services.backorders_allocate(product_ids=[tee.pk], actor=SYSTEM)
    assert FulfillmentRequest.objects.filter(order=order, warehouse=wh).count() == 2
    second = wave_plan(warehouse_id=wh.pk, actor=SYSTEM)
    assert second is not None
    line = PickLine.objects.get(pick_list__wave=first)
    return order, tee, line, second


def _waiting_on_a_lock(pid: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
        row = cursor.fetchone()
    return bool(row) and row[0] == "Lock"


def _start(work, pids, key, outcomes):
    ready = threading.Event()

    def run():
        try:
            with connections["default"].cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pids[key] = cursor.fetchone()[0]
            ready.set()
            work()
            outcomes[key] = "ok"
        except Exception as exc:
            outcomes[key] = exc
        finally:
            ready.set()
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    assert ready.wait(60)
    return thread


def _until(condition, what):
    for _ in range(6000):  # a condition to reach, not a timing window: 60 s at most
        if condition():
            return
        threading.Event().wait(0.01)
    raise AssertionError(f"never reached: {what}")


@pytest.mark.parametrize("scan", ["confirm", "short"])
def test_wave_release_and_a_pick_on_the_same_order_never_deadlock(scan):
    order, tee, line, second_wave = _order_with_two_requests_at_one_warehouse()
    if scan == "confirm":

        def pick():
            pick_confirm(
                pick_line_id=line.pk,
                bin_code="A-01-01-1",
                item_code=tee.sku,
                quantity=1,
                tote_code=line.tote_code,
                actor=SYSTEM,
            )
    else:

        def pick():
            pick_short(pick_line_id=line.pk, bin_code="A-01-01-1", quantity_found=1, actor=SYSTEM)

    pids, outcomes = {}, {}
    blocker = connections.create_connection("default")
    try:
        with blocker.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT id FROM orders_order WHERE id = %s FOR UPDATE", [order.pk])
            release = _start(
                lambda: wave_release(wave_id=second_wave.pk, actor=SYSTEM),
                pids,
                "release",
                outcomes,
            )
            _until(lambda: _waiting_on_a_lock(pids["release"]), "release waits for the order")
            picker = _start(pick, pids, "pick", outcomes)
            _until(lambda: _waiting_on_a_lock(pids["pick"]), "pick waits for the order")
            cursor.execute("COMMIT")
    finally:
        blocker.close()
    release.join(120)
    picker.join(120)

    assert outcomes == {"release": "ok", "pick": "ok"}
    line.refresh_from_db()
    assert line.quantity_picked == 1
    assert inventory_mismatches() == []
