"""Database faults: the connection of an order placement and of a pick confirmation is killed
(pg_terminate_backend from a second connection) while its transaction is half done.

To stop the victim at a known point, a second connection holds a row lock the victim's
transaction needs next (the warehouse balance for a placement, the bin's stock row for a
pick); once Postgres shows the victim waiting on that lock, its backend is terminated.
Afterwards nothing of the half-done transaction remains, a retry succeeds exactly once, and
every consistency condition holds.
"""

import threading
import time

import pytest
from django.db import connection, connections
from django.db.utils import Error as DatabaseError

from audit.consistency import consistency_check
from inventory.models import Commitment, InventoryBalance, StockLevel, StockMovement
from orders import services as order_services
from orders.models import Order
from tests.factories.channels_sync import channel_with_warehouses
from tests.orders.builders import payload
from tests.warehouse.builders import SYSTEM, bin_of, box_types, product, stocked
from tests.warehouse.builders import warehouse as make_warehouse
from warehouse.models import PickLine, PickList
from warehouse.services.picking import pick_confirm, pick_scan_bin, pick_scan_item
from warehouse.services.waves import wave_plan, wave_release

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _kill_while_blocked(lock_sql, lock_params, victim):
    """Hold a row lock in a second connection, run `victim` in a thread until Postgres shows it
    waiting for that lock, terminate the victim's backend, release the lock. Returns the
    exception the victim saw (None if it finished)."""
    import psycopg

    settings = connection.settings_dict
    holder = psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
    )
    outcome = {}
    pid_ready = threading.Event()

    def run():
        try:
            with connection.cursor() as cur:
                cur.execute("SELECT pg_backend_pid()")
                outcome["pid"] = cur.fetchone()[0]
            pid_ready.set()
            victim()
            outcome["error"] = None
        except DatabaseError as exc:
            outcome["error"] = exc
        finally:
            pid_ready.set()
            connections.close_all()

    try:
        holder.execute(lock_sql, lock_params)  # opens a transaction holding the row lock
        thread = threading.Thread(target=run)
        thread.start()
        assert pid_ready.wait(30)
        pid = outcome["pid"]
        with psycopg.connect(
            host=settings["HOST"] or "127.0.0.1",
            port=settings["PORT"] or 5432,
            user=settings["USER"],
            dbname=settings["NAME"],
            autocommit=True,
        ) as killer:
            for _ in range(300):
                row = killer.execute(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid]
                ).fetchone()
                if row and row[0] == "Lock":
                    break
                time.sleep(0.05)
            else:
                pytest.fail("the victim never reached the locked row")
            killer.execute("SELECT pg_terminate_backend(%s)", [pid])
        thread.join(30)
    finally:
        holder.rollback()
        holder.close()
    return outcome.get("error")


def test_connection_dropped_mid_order_placement_loses_and_doubles_nothing():
    # given stock and a channel
    wh = make_warehouse()
    ch = channel_with_warehouses(wh)
    tee = product("FAULT-TEE")
    stocked(tee, bin_of(wh, "A-01-01-1"), 5)
    body = payload([("FAULT-TEE", 2)], external_id="FAULT-1")
    balance = InventoryBalance.objects.get(product=tee, warehouse=wh)
    ledger_rows = StockMovement.objects.count()

    # when the placement's connection dies while it waits to reserve the stock
    error = _kill_while_blocked(
        "SELECT 1 FROM inventory_inventorybalance WHERE id = %s FOR UPDATE",
        [balance.pk],
        lambda: order_services.order_capture(channel_id=ch.pk, data=body, actor=SYSTEM),
    )

    # then the placement failed as a whole: no order, no reservation, stock untouched
    assert error is not None
    assert not Order.objects.filter(channel=ch, external_id="FAULT-1").exists()
    assert not Commitment.objects.filter(product=tee).exists()
    balance.refresh_from_db()
    assert (balance.on_hand, balance.committed) == (5, 0)
    assert StockMovement.objects.count() == ledger_rows
    assert consistency_check().problems == []

    # and the channel's retry creates the order exactly once
    order, created = order_services.order_capture(channel_id=ch.pk, data=body, actor=SYSTEM)
    again, created_again = order_services.order_capture(channel_id=ch.pk, data=body, actor=SYSTEM)
    assert (created, created_again, again.pk) == (True, False, order.pk)
    assert Order.objects.filter(channel=ch, external_id="FAULT-1").count() == 1
    balance.refresh_from_db()
    assert balance.committed == 2
    assert consistency_check().problems == []


def test_connection_dropped_mid_pick_confirmation_loses_and_doubles_nothing():
    # given a released wave with one pick line of 2 units, scanned at bin and item
    wh = make_warehouse()
    box_types()
    ch = channel_with_warehouses(wh)
    tee = product("FAULT-PICK")
    source = bin_of(wh, "A-01-01-1")
    stocked(tee, source, 5)
    order_services.order_capture(channel_id=ch.pk, data=payload([("FAULT-PICK", 2)]), actor=SYSTEM)
    wave = wave_plan(warehouse_id=wh.pk, actor=SYSTEM)
    wave_release(wave_id=wave.pk, actor=SYSTEM)
    line = PickList.objects.get(wave=wave).lines.get()
    pick_scan_bin(pick_line_id=line.pk, bin_code="A-01-01-1")
    pick_scan_item(pick_line_id=line.pk, bin_code="A-01-01-1", item_code="FAULT-PICK")
    level = StockLevel.objects.get(product=tee, bin=source)
    ledger_rows = StockMovement.objects.count()
    confirm = {
        "pick_line_id": line.pk,
        "bin_code": "A-01-01-1",
        "item_code": "FAULT-PICK",
        "quantity": 2,
        "tote_code": line.tote_code,
        "actor": SYSTEM,
        "scan_id": "fault-scan-1",
    }

    # when the confirmation's connection dies while it waits to take the units from the bin
    error = _kill_while_blocked(
        "SELECT 1 FROM inventory_stocklevel WHERE id = %s FOR UPDATE",
        [level.pk],
        lambda: pick_confirm(**confirm),
    )

    # then nothing of the pick happened: line open, units still in the bin, no ledger row
    assert error is not None
    line.refresh_from_db()
    assert line.quantity_picked == 0
    level.refresh_from_db()
    assert (level.on_hand, level.reserved) == (5, 2)
    assert StockMovement.objects.count() == ledger_rows
    assert consistency_check().problems == []

    # and the scanner's retry (same scan id) picks exactly once
    pick_confirm(**confirm)
    pick_confirm(**confirm)
    line = PickLine.objects.get(pk=line.pk)
    assert line.quantity_picked == 2
    level.refresh_from_db()
    assert level.on_hand == 3
    assert StockMovement.objects.count() == ledger_rows + 1
    assert consistency_check().problems == []
