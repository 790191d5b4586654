"""Two supervisors open the due cycle counts of one warehouse at the same moment, on two real
Postgres connections: both answer 200, every due bin gets exactly one open count."""

import threading

import pytest
from django.db import connection, connections, transaction
from rest_framework.test import APIClient

from common import roles
from tests.factories.accounts import UserFactory
from tests.factories.inventory import ProductFactory
from tests.scenarios import small_warehouse, stocked
from warehouse.locks import warehouse_for_update
from warehouse.models import Bin, CycleCount
from warehouse.selectors import STORAGE_BIN_TYPES

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CALLERS = 2


def test_two_concurrent_schedule_calls_open_each_count_once():
    # given a warehouse with stock in its storage bins, none counted yet
    wh = small_warehouse("CSDL", aisles=2, bays=4, levels=2)
    bins = list(Bin.objects.filter(warehouse=wh, bin_type__in=STORAGE_BIN_TYPES).order_by("code"))
    for i, b in enumerate(bins):
        stocked(ProductFactory(sku=f"CSDL-{i}"), b, 3)
    users = [
        UserFactory(username=f"sched-{i}", roles=[roles.WAREHOUSE_SUPERVISOR])
        for i in range(CALLERS)
    ]
    barrier = threading.Barrier(CALLERS)
    answers, errors = [], []

    def call(user):
        try:
            client = APIClient(raise_request_exception=False)
            client.force_authenticate(user)
            barrier.wait(timeout=30)
            response = client.post(
                "/api/v1/wms/counts/schedule/", {"warehouse": wh.code}, format="json"
            )
            answers.append((response.status_code, response.json()))
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    # when two supervisors ask for the schedule at once
    threads = [threading.Thread(target=call, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)

    # then both succeed and each due bin has exactly one open count, opened by one of them
    assert errors == []
    assert [status for status, _ in answers] == [200] * CALLERS, answers
    opened = [cid for _, body in answers for cid in body["data"]["count_ids"]]
    counts = CycleCount.objects.filter(warehouse=wh)
    assert counts.count() == len(bins)
    assert sorted(set(opened)) == sorted(counts.values_list("pk", flat=True))
    assert sorted(counts.values_list("bin_id", flat=True)) == sorted(b.pk for b in bins)


def _waiting_on_locks(cursor, pid: int) -> int:
    # pg_locks is read live (pg_stat_activity would be a per-transaction snapshot)
    cursor.execute("SELECT count(*) FROM pg_locks WHERE pid = %s AND NOT granted", [pid])
    return cursor.fetchone()[0]


def test_schedule_never_waits_for_wave_planning_holding_the_warehouse():
    # given a stocked warehouse whose row a wave planner / releaser holds (its serialising
    # lock), on this connection; a schedule call on a second connection must not queue behind
    # it: the two would then lock in opposite order (release puts pick lines on bins, the
    # schedule holds bins and, at COMMIT, checks its deferred foreign keys to the warehouse
    # with FOR KEY SHARE, which FOR UPDATE blocks) = deadlock
    wh = small_warehouse("CSWL", aisles=1, bays=4, levels=1)
    for i, b in enumerate(Bin.objects.filter(warehouse=wh).order_by("code")):
        stocked(ProductFactory(sku=f"CSWL-{i}"), b, 3)
    supervisor = UserFactory(username="sched-wl", roles=[roles.WAREHOUSE_SUPERVISOR])
    answers, errors, backend = [], [], []
    connected = threading.Event()

    def schedule():
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                backend.append(cursor.fetchone()[0])
            connected.set()
            client = APIClient(raise_request_exception=False)
            client.force_authenticate(supervisor)
            response = client.post(
                "/api/v1/wms/counts/schedule/", {"warehouse": wh.code}, format="json"
            )
            answers.append(response.status_code)
        except Exception as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    blocked = False
    with transaction.atomic():
        warehouse_for_update(wh.pk)
        # when the schedule runs meanwhile
        thread = threading.Thread(target=schedule)
        thread.start()
        assert connected.wait(60)
        # then it finishes without ever waiting on a lock (checked in pg_locks, not timed)
        with connection.cursor() as cursor:
            while thread.is_alive():
                if _waiting_on_locks(cursor, backend[0]):
                    blocked = True
                    break
                thread.join(0.05)
    thread.join(120)
    assert not blocked, "the schedule waited for the warehouse row lock"
    assert errors == []
    assert answers == [200]
    assert CycleCount.objects.filter(warehouse=wh).count() > 0
