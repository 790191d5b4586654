"""Issue 10 item 20: two warehouses plan a wave at the same moment, on two real Postgres
connections. Wave numbers are per warehouse (unique on warehouse + number), so both answer 201
and each warehouse gets its W000001; they used to be the global max wave id + 1, taken under a
per-warehouse lock, so both planners picked the same number and one failed with a 500.

To make "at the same moment" certain rather than likely, a third connection holds a SHARE lock
on the wave-request table: each planner has taken its warehouse lock, chosen its number and
inserted its wave when it stops, waiting to insert the wave's requests. Only once Postgres shows
both planners waiting is the table lock let go.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from channels_sync.models import Channel
from common import roles
from orders import services as order_services
from tests.factories.accounts import UserFactory
from tests.factories.channels_sync import channel_with_warehouses
from tests.orders.builders import payload
from tests.warehouse.builders import SYSTEM, bin_of, product, stocked
from tests.warehouse.builders import warehouse as make_warehouse
from warehouse.models import PickList, Wave

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _psycopg(**kwargs):
    import psycopg

    settings = connection.settings_dict
    return psycopg.connect(
        host=settings["HOST"] or "127.0.0.1",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        **kwargs,
    )


def _warehouse_with_a_released_order(code: str):
    wh = make_warehouse(code=code)
    channel_with_warehouses(wh, code=f"SHOP-{code}")
    stocked(product(f"TEE-{code}"), bin_of(wh, "A-01-01-1"), 5)
    _order_for(code, f"ORD-{code}")
    return wh


def _order_for(code: str, external_id: str) -> None:
    channel = Channel.objects.get(code=f"SHOP-{code}")
    order_services.order_capture(
        channel_id=channel.pk,
        data=payload([(f"TEE-{code}", 1)], external_id=external_id),
        actor=SYSTEM,
    )


def test_two_warehouses_planning_at_once_each_get_their_own_first_wave_number():
    # given two warehouses, each with one order waiting for a wave, and a planner for each
    warehouses = [_warehouse_with_a_released_order(code) for code in ("EAST", "WEST")]
    planner = UserFactory(username="wave-planner", roles=[roles.WAREHOUSE_SUPERVISOR])
    answers: dict[str, tuple[int, dict]] = {}
    errors: list[BaseException] = []
    pids: dict[str, int] = {}
    connected = threading.Barrier(3)

    def plan(code: str) -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                pids[code] = cursor.fetchone()[0]
            connected.wait(60)
            client = APIClient(raise_request_exception=False)
            client.force_authenticate(planner)
            response = client.post(
                "/api/v1/wms/waves/create/", {"warehouse": code, "release": True}, format="json"
            )
            answers[code] = (response.status_code, response.json())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    # when both plan while the wave-request table is held, and go on together
    holder = _psycopg()
    try:
        holder.execute("LOCK TABLE warehouse_waverequest IN SHARE MODE")
        threads = [threading.Thread(target=plan, args=(wh.code,)) for wh in warehouses]
        for thread in threads:
            thread.start()
        connected.wait(60)
        with _psycopg(autocommit=True) as watcher:
            for _ in range(6000):  # a condition to reach, not a timing window: 60 s at most
                waiting = watcher.execute(
                    "SELECT count(DISTINCT pid) FROM pg_locks WHERE pid = ANY(%s) AND NOT granted",
                    [list(pids.values())],
                ).fetchone()[0]
                if waiting == 2:
                    break
                threading.Event().wait(0.01)
            else:
                pytest.fail("the two planners never both reached the held table")
    finally:
        holder.rollback()
        holder.close()
    for thread in threads:
        thread.join(120)

    # then both planned and released a wave, each numbered first in its own warehouse
    assert errors == []
    assert {code: status for code, (status, _) in answers.items()} == {"EAST": 201, "WEST": 201}
    assert sorted(Wave.objects.values_list("warehouse__code", "number")) == [
        ("EAST", "W000001"),
        ("WEST", "W000001"),
    ]
    assert sorted(PickList.objects.values_list("wave__warehouse__code", "number")) == [
        ("EAST", "W000001-01"),
        ("WEST", "W000001-01"),
    ]


def test_wave_numbers_count_on_per_warehouse():
    # given two warehouses, each with an order waiting for a wave
    for code in ("E2", "W2"):
        _warehouse_with_a_released_order(code)
    client = APIClient()
    client.force_authenticate(UserFactory(username="seq-planner", roles=[roles.OPS_MANAGER]))

    def plan(code):
        response = client.post("/api/v1/wms/waves/create/", {"warehouse": code}, format="json")
        assert response.status_code == 201, response.content
        return response.json()["number"]

    # when east plans, west plans, and east plans again for a new order
    east_first, west_first = plan("E2"), plan("W2")
    _order_for("E2", "ORD-E2-2")
    east_second = plan("E2")

    # then each warehouse counts on from its own last number
    assert (east_first, west_first, east_second) == ("W000001", "W000001", "W000002")
