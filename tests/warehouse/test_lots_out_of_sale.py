"""Expired and held lots leave available-to-sell and are never allocated or released to a wave
(FEFO among the rest); a hold or recall is a service with a trace, shown on the dashboard
(issue 10 item 5). Dates come from time-machine, never the wall clock."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from audit.models import AuditEntry
from channels_sync.models import Listing, OutboxMessage
from channels_sync.services.sync import channel_ats
from common import roles
from common.exceptions import Conflict
from inventory import services as inventory_services
from inventory.choices import LotStatus
from inventory.exceptions import LotNotSellable, LotOvercommitted
from inventory.models import InventoryBalance, LotHold, StockLevel
from inventory.selectors import inventory_mismatches
from orders import services as order_services
from tests.factories.accounts import UserFactory
from tests.factories.channels_sync import channel_with_warehouses
from tests.orders.builders import payload
from tests.scenarios import small_warehouse
from tests.warehouse.builders import SYSTEM, bin_of, product, stocked
from warehouse.models import PickLine
from warehouse.services.lots import lot_hold, lots_expire
from warehouse.services.waves import wave_plan, wave_release
from warehouse.tasks import lots_expire_all

pytestmark = pytest.mark.django_db

DAY0 = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)  # lot L-OLD's expiry date
OLD_EXPIRY = dt.date(2026, 3, 10)


@pytest.fixture
def milk():
    """MILK in one warehouse: L-OLD (expires 2026-03-10) in a pick face, L-NEW (June) in
    reserve, L-MID (April) in reserve; a channel with a listing (pushes go through the outbox)."""
    with time_machine.travel(DAY0, tick=False):
        wh = small_warehouse()
        ch = channel_with_warehouses(wh, kind="shopify", base_url="http://shop.invalid")
        item = product("MILK")
        Listing.objects.create(channel=ch, product=item, channel_sku="MILK")
        stocked(item, bin_of(wh, "A-01-01-1"), 4, lot="L-OLD", expiry_date=OLD_EXPIRY)
        stocked(item, bin_of(wh, "A-02-01-2"), 5, lot="L-NEW", expiry_date=dt.date(2026, 6, 1))
        stocked(item, bin_of(wh, "A-03-01-2"), 3, lot="L-MID", expiry_date=dt.date(2026, 4, 1))
    return wh, ch, item


def _order(ch, lines):
    order, _ = order_services.order_capture(channel_id=ch.pk, data=payload(lines), actor=SYSTEM)
    return order


def _balance(item, wh):
    return InventoryBalance.objects.get(product=item, warehouse=wh)


def _stock_messages(ch, item):
    return OutboxMessage.objects.filter(channel=ch, topic="stock", key=str(item.pk))


def test_a_lot_is_sellable_on_its_expiry_date(milk):
    _wh, ch, item = milk
    with time_machine.travel(DAY0, tick=False):
        assert lots_expire_all.apply().get() == 0
        assert channel_ats(channel=ch, product_ids=[item.pk]) == {item.pk: 12}


def test_the_expiry_task_takes_expired_lots_out_of_ats_and_pushes(milk):
    wh, ch, item = milk
    version = _stock_messages(ch, item).get().version
    # when the beat task runs the day after L-OLD's expiry date
    with time_machine.travel(DAY0 + dt.timedelta(days=1), tick=False):
        assert lots_expire_all.apply().get() == 4
        # then its 4 units are unavailable, ATS is 8 and the channel is told (outbox, same commit)
        assert channel_ats(channel=ch, product_ids=[item.pk]) == {item.pk: 8}
        level = StockLevel.objects.get(lot="L-OLD")
        assert level.lot_status == LotStatus.EXPIRED
        assert level.on_hand == 4
        assert _balance(item, wh).unavailable == 4
        assert _stock_messages(ch, item).get().version > version
        # a trace with actor and reason
        entry = AuditEntry.objects.get(data__event="lots_expired")
        assert entry.data["lots"] == ["L-OLD"]
        assert entry.data["units"] == 4
        assert (entry.actor_kind, entry.actor_label) == ("system", "lot-expiry")
        # idempotent: a second run takes nothing more
        assert lots_expire_all.apply().get() == 0
        assert inventory_mismatches() == []


def test_wave_release_never_reserves_an_expired_lot_even_before_the_task(milk):
    wh, ch, _item = milk
    with time_machine.travel(DAY0 - dt.timedelta(days=1), tick=False):
        _order(ch, [("MILK", 5)])  # committed while L-OLD was still good
    # when the wave is released after L-OLD expired, before the expiry task ran
    with time_machine.travel(DAY0 + dt.timedelta(days=1), tick=False):
        wave = wave_plan(warehouse_id=wh.pk, actor=SYSTEM)
        wave_release(wave_id=wave.pk, actor=SYSTEM)
        # then FEFO among the sellable lots: L-MID (April) first, then L-NEW; nothing of L-OLD
        taken = {ln.lot: ln.quantity for ln in PickLine.objects.all()}
        assert taken == {"L-MID": 3, "L-NEW": 2}


def test_expired_lot_is_never_reserved_by_the_allocation_service(milk):
    _wh, ch, _item = milk
    with time_machine.travel(DAY0 - dt.timedelta(days=1), tick=False):
        order = _order(ch, [("MILK", 2)])
    commitment_id = order.fulfillment_requests.get().lines.get().commitment_id
    level_id = StockLevel.objects.get(lot="L-OLD").pk
    with (
        time_machine.travel(DAY0 + dt.timedelta(days=1), tick=False),
        pytest.raises(LotNotSellable, match="L-OLD"),
    ):
        inventory_services.bin_reservation_create(
            commitment_id=commitment_id, stock_level_id=level_id, quantity=2, actor=SYSTEM
        )


def test_expiry_gives_back_commitments_that_only_the_expired_lot_covered(milk):
    # given 11 of the 12 units committed the day before L-OLD (4) expires: 8 will be left
    wh, ch, item = milk
    with time_machine.travel(DAY0, tick=False):
        first = _order(ch, [("MILK", 6)])
        second = _order(ch, [("MILK", 5)])
    # when lots expire the next day
    with time_machine.travel(DAY0 + dt.timedelta(days=1), tick=False):
        run = lots_expire(actor=SYSTEM)
        # then the newest order gave back the 3 units nobody has (backordered by the OMS), the
        # lot left sale, and committed + unavailable <= on hand still holds
        assert run.expired_units == 4
        assert run.overcommitted == []
        bal = _balance(item, wh)
        assert (bal.on_hand, bal.committed, bal.unavailable) == (12, 8, 4)
        second.refresh_from_db()
        first.refresh_from_db()
        assert sum(ln.quantity_allocated for ln in first.lines.all()) == 6
        assert sum(ln.quantity_allocated for ln in second.lines.all()) == 2
        assert channel_ats(channel=ch, product_ids=[item.pk]) == {item.pk: 0}
        assert inventory_mismatches() == []


@pytest.fixture
def ops_client(client):
    client.force_login(UserFactory(username="ops1", roles=[roles.OPS_MANAGER]))
    return client


def test_lot_recall_from_the_dashboard_takes_it_out_of_sale_with_a_trace(milk, ops_client):
    wh, ch, item = milk
    with time_machine.travel(DAY0, tick=False):
        order = _order(ch, [("MILK", 10)])  # 12 on hand: L-NEW's 5 are needed
        response = ops_client.post(
            reverse("dashboard:lot_hold_place"),
            {"sku": "MILK", "lot": "L-NEW", "kind": "recall", "reason": "supplier recall 77"},
            follow=True,
        )
        assert response.status_code == 200
        assert "Recall placed on lot L-NEW of MILK" in response.content.decode()
        # then the lot is held in every bin, its units unavailable, the order gave back 3
        hold = LotHold.objects.get()
        assert (hold.kind, hold.reason, hold.placed_by, hold.quantity_held) == (
            "recall",
            "supplier recall 77",
            "ops1",
            5,
        )
        assert StockLevel.objects.get(lot="L-NEW").lot_status == LotStatus.HELD
        bal = _balance(item, wh)
        assert (bal.on_hand, bal.committed, bal.unavailable) == (12, 7, 5)
        order.refresh_from_db()
        assert sum(ln.quantity_allocated for ln in order.lines.all()) == 7
        assert AuditEntry.objects.get(data__event="lot_hold_placed").data["reason"] == (
            "supplier recall 77"
        )
        # and the dashboard shows it
        home = ops_client.get(reverse("dashboard:home")).content.decode()
        assert 'data-testid="lots-stat"><span class="n">1</span>' in home
        page = ops_client.get(reverse("dashboard:lots")).content.decode()
        assert 'data-testid="lot-hold-L-NEW"' in page
        assert "supplier recall 77" in page
        # a wave releases only the sellable lots
        wave = wave_plan(warehouse_id=wh.pk, actor=SYSTEM)
        wave_release(wave_id=wave.pk, actor=SYSTEM)
        assert {ln.lot for ln in PickLine.objects.all()} == {"L-OLD", "L-MID"}
        assert inventory_mismatches() == []
        # when the hold is released, the lot is sellable again
        ops_client.post(
            reverse("dashboard:lot_hold_release", args=[hold.pk]), {"reason": "cleared by QA"}
        )
        assert StockLevel.objects.get(lot="L-NEW").lot_status == LotStatus.SELLABLE
        assert _balance(item, wh).unavailable == 0
        assert inventory_mismatches() == []


def test_units_received_into_a_held_lot_are_held(milk):
    wh, _ch, item = milk
    with time_machine.travel(DAY0, tick=False):
        inventory_services.lot_hold_place(
            product_id=item.pk, lot="L-MID", actor=SYSTEM, reason="lab test"
        )
        stocked(item, bin_of(wh, "A-04-01-2"), 2, lot="L-MID", expiry_date=dt.date(2026, 4, 1))
        level = StockLevel.objects.get(lot="L-MID", bin=bin_of(wh, "A-04-01-2"))
        assert level.lot_status == LotStatus.HELD
        assert _balance(item, wh).unavailable == 5
        assert inventory_mismatches() == []


def test_hold_on_units_already_on_pick_lists_is_refused_and_changes_nothing(milk):
    wh, ch, item = milk
    with time_machine.travel(DAY0, tick=False):
        _order(ch, [("MILK", 12)])
        wave = wave_plan(warehouse_id=wh.pk, actor=SYSTEM)
        wave_release(wave_id=wave.pk, actor=SYSTEM)
        before = _balance(item, wh)
        with pytest.raises(LotOvercommitted, match="Lot L-NEW of MILK"):
            lot_hold(product_id=item.pk, lot="L-NEW", actor=SYSTEM, reason="smell")
        assert not LotHold.objects.exists()
        after = _balance(item, wh)
        assert (after.committed, after.unavailable) == (before.committed, before.unavailable)
        assert StockLevel.objects.get(lot="L-NEW").lot_status == LotStatus.SELLABLE


def test_check_consistency_reports_an_expired_lot_still_sellable(milk):
    # given the expiry date moved into the past behind the services' back (raw SQL)
    _wh, _ch, item = milk
    level = StockLevel.objects.get(lot="L-NEW")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {StockLevel._meta.db_table} SET expiry_date = %s WHERE id = %s",
            [dt.date(2026, 1, 1), level.pk],
        )
    with time_machine.travel(DAY0, tick=False):
        err = StringIO()
        with pytest.raises(CommandError, match="1 inconsistency found"):
            call_command("check_consistency", stdout=StringIO(), stderr=err)
    assert (
        f"expired lot out of sale: stock_level={level.pk} product={item.pk} lot='L-NEW' "
        "expected 0, found 5"
    ) in err.getvalue()


def test_check_consistency_reports_a_lot_status_written_around_the_services(milk):
    _wh, _ch, _item = milk
    level = StockLevel.objects.get(lot="L-MID")
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {StockLevel._meta.db_table} SET lot_status = 'held' WHERE id = %s",
            [level.pk],
        )
    with time_machine.travel(DAY0, tick=False):
        checks = {p.check for p in inventory_mismatches()}
    assert checks == {
        "lot held == active lot hold",
        "balance unavailable == Σ unavailable bins and lots",
    }


def test_a_lot_that_expired_on_a_pick_list_is_refused_at_the_scan_and_reallocated(
    milk, warehouse_client
):
    # given a wave released while L-OLD (pick face) was good: its 4 units are on the pick list
    wh, ch, _item = milk
    with time_machine.travel(DAY0, tick=False):
        _order(ch, [("MILK", 4)])
        wave = wave_plan(warehouse_id=wh.pk, actor=SYSTEM)
        wave_release(wave_id=wave.pk, actor=SYSTEM)
    line = PickLine.objects.get()
    assert line.lot == "L-OLD"
    body = {
        "bin_code": line.bin.code,
        "item_code": "MILK",
        "quantity": 4,
        "tote_code": line.tote_code,
    }
    # when the picker confirms it the day after its expiry date (the task ran)
    with time_machine.travel(DAY0 + dt.timedelta(days=1), tick=False):
        lots_expire(actor=SYSTEM)
        refused = warehouse_client.post(
            f"/api/v1/wms/picks/{line.pk}/confirm/", body, format="json"
        )
        # then the pick is refused with the reason, nothing moved
        assert refused.status_code == 409
        assert refused.json()["error"]["code"] == "lot_not_sellable"
        assert StockLevel.objects.get(lot="L-OLD").on_hand == 4
        # and reporting it short re-allocates from the sellable lots, FEFO (L-MID, then L-NEW)
        short = warehouse_client.post(
            f"/api/v1/wms/picks/{line.pk}/short/",
            {"bin_code": line.bin.code, "quantity_found": 0},
            format="json",
        )
        assert short.status_code == 200, short.content
        assert short.json()["data"]["reallocated"] == 4
        new = {ln.lot: ln.quantity for ln in PickLine.objects.exclude(pk=line.pk)}
        assert new == {"L-MID": 3, "L-NEW": 1}
        assert inventory_mismatches() == []


def test_a_second_hold_on_a_held_lot_is_refused_before_any_order_gives_back(milk):
    _wh, ch, item = milk
    with time_machine.travel(DAY0, tick=False):
        lot_hold(product_id=item.pk, lot="L-MID", actor=SYSTEM, reason="lab test")
        order = _order(ch, [("MILK", 9)])  # every sellable unit committed
        with pytest.raises(Conflict, match="already on hold"):
            lot_hold(product_id=item.pk, lot="L-MID", actor=SYSTEM, reason="again")
        order.refresh_from_db()
        assert sum(ln.quantity_allocated for ln in order.lines.all()) == 9
