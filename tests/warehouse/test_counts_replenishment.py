import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from inventory import services as inventory_services
from inventory.models import StockMovement
from inventory.selectors import inventory_mismatches
from tests.warehouse.builders import SYSTEM, balance, bin_of, on_hand, operator, product, stocked
from tests.warehouse.builders import warehouse as make_warehouse
from warehouse.exceptions import ApprovalRequired
from warehouse.models import CycleCount, Task
from warehouse.selectors import count_accuracy, labour_rates
from warehouse.services.counts import (
    cycle_count_approve,
    cycle_count_create,
    cycle_count_request,
    cycle_count_submit,
    cycle_counts_schedule,
)
from warehouse.services.replenishment import (
    pick_face_set,
    replenishment_confirm,
    replenishment_run,
)
from warehouse.states import CountStatus, TaskStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def wh():
    return make_warehouse()


@pytest.fixture
def tee():
    return product("TEE", barcode="0001", abc="A")


def _count(wh, tee, qty=100, code="A-01-01-2"):
    stocked(tee, bin_of(wh, code), qty)
    return cycle_count_create(bin_id=bin_of(wh, code).pk, actor=SYSTEM)


def test_count_without_variance_is_applied_without_adjustment(wh, tee):
    count = _count(wh, tee)
    before = StockMovement.objects.count()
    step = cycle_count_submit(
        count_id=count.pk, counted=[{"code": "0001", "quantity": 100}], actor=operator()
    )
    assert step.step == "done"
    count.refresh_from_db()
    assert count.status == CountStatus.APPLIED
    assert StockMovement.objects.count() == before
    assert Task.objects.get(kind="count").status == TaskStatus.DONE


def test_count_answer_never_reveals_the_expected_quantity(wh, tee):
    count = _count(wh, tee)
    step = cycle_count_submit(
        count_id=count.pk, counted=[{"code": "TEE", "quantity": 50}], actor=SYSTEM
    )
    assert "100" not in repr(step.as_dict())
    assert "expected" not in repr(step.as_dict())


def test_variance_within_threshold_is_posted_with_reason_count(wh, tee):
    count = _count(wh, tee)
    step = cycle_count_submit(
        count_id=count.pk, counted=[{"code": "TEE", "quantity": 99}], actor=SYSTEM
    )
    assert step.step == "done"
    mv = StockMovement.objects.filter(reason="count").get()
    assert (mv.quantity, mv.from_bin.code, mv.document_ref) == (1, "A-01-01-2", str(count.pk))
    assert on_hand(tee, bin_of(wh, "A-01-01-2")) == 99
    assert inventory_mismatches() == []


def test_variance_above_threshold_asks_for_a_recount_then_applies(wh, tee):
    count = _count(wh, tee)
    first = cycle_count_submit(
        count_id=count.pk, counted=[{"code": "TEE", "quantity": 95}], actor=SYSTEM
    )
    assert first.step == "recount"
    assert on_hand(tee, bin_of(wh, "A-01-01-2")) == 100
    second = cycle_count_submit(
        count_id=count.pk, counted=[{"code": "TEE", "quantity": 95}], actor=operator("second")
    )
    assert second.step == "done"
    assert on_hand(tee, bin_of(wh, "A-01-01-2")) == 95


def test_large_variance_needs_supervisor_approval(wh, tee):
    count = _count(wh, tee)
    cycle_count_submit(count_id=count.pk, counted=[{"code": "TEE", "quantity": 70}], actor=SYSTEM)
    step = cycle_count_submit(
        count_id=count.pk, counted=[{"code": "TEE", "quantity": 70}], actor=operator("second")
    )
    assert step.step == "awaiting_approval"
    assert on_hand(tee, bin_of(wh, "A-01-01-2")) == 100
    boss = operator("boss", role="warehouse_supervisor")
    done = cycle_count_approve(count_id=count.pk, actor=boss)
    assert done.step == "done"
    count.refresh_from_db()
    assert count.approved_by == "boss"
    assert on_hand(tee, bin_of(wh, "A-01-01-2")) == 70
    assert balance(tee, wh).on_hand == 70
    with pytest.raises(ApprovalRequired):
        cycle_count_approve(count_id=count.pk, actor=boss)
    assert inventory_mismatches() == []


def test_stock_moved_during_the_count_is_not_overwritten(wh, tee):
    count = _count(wh, tee)
    # stock moves out of the bin while the operator is counting
    inventory_services.stock_move(
        product_id=tee.pk,
        from_bin=bin_of(wh, "A-01-01-2"),
        to_bin=bin_of(wh, "A-02-01-2"),
        quantity=10,
        actor=SYSTEM,
    )
    step = cycle_count_submit(
        count_id=count.pk, counted=[{"code": "TEE", "quantity": 100}], actor=SYSTEM
    )
    assert step.step == "recount"
    assert on_hand(tee, bin_of(wh, "A-01-01-2")) == 90
    # counting again against the new expectation applies cleanly
    assert (
        cycle_count_submit(
            count_id=count.pk, counted=[{"code": "TEE", "quantity": 90}], actor=SYSTEM
        ).step
        == "done"
    )
    assert StockMovement.objects.filter(reason="count").count() == 0


def test_found_stock_of_another_product_is_booked_in(wh, tee):
    cap = product("CAP")
    count = _count(wh, tee)
    cycle_count_submit(
        count_id=count.pk,
        counted=[{"code": "TEE", "quantity": 100}, {"code": "CAP", "quantity": 1}],
        actor=SYSTEM,
    )
    assert on_hand(cap, bin_of(wh, "A-01-01-2")) == 1


def test_abc_schedule_and_exception_requests(wh, tee):
    slow = product("SLOW", abc="C")
    stocked(tee, bin_of(wh, "A-01-01-2"), 5)
    stocked(slow, bin_of(wh, "A-04-01-2"), 5)
    first = cycle_counts_schedule(warehouse_id=wh.pk, actor=SYSTEM)
    assert {c.bin.code for c in first} == {"A-01-01-2", "A-04-01-2"}
    for c in first:
        cycle_count_submit(
            count_id=c.pk,
            counted=[{"code": c.lines.first().product.sku, "quantity": 5}],
            actor=SYSTEM,
        )
    # 100 days later only the A bin is due again (A 90 days, C 365)
    with time_machine.travel(timezone.now() + dt.timedelta(days=100)):
        due = cycle_counts_schedule(warehouse_id=wh.pk, actor=SYSTEM)
    assert [c.bin.code for c in due] == ["A-01-01-2"]
    assert due[0].abc_class == "A"
    req = cycle_count_request(
        warehouse_id=wh.pk, bin_code="A-03-03-1", actor=SYSTEM, trigger="not_empty"
    )
    assert req.trigger == "not_empty"


def test_accuracy_per_zone_and_class(wh, tee):
    a = _count(wh, tee, code="A-01-01-2")
    b = _count(wh, tee, code="A-01-02-2")
    cycle_count_submit(count_id=a.pk, counted=[{"code": "TEE", "quantity": 100}], actor=SYSTEM)
    cycle_count_submit(count_id=b.pk, counted=[{"code": "TEE", "quantity": 99}], actor=SYSTEM)
    rows = count_accuracy(warehouse_id=wh.pk)
    assert len(rows) == 1
    row = rows[0]
    assert (row["zone"], row["abc_class"], row["counts"]) == ("FAST", "A", 2)
    assert row["line_accuracy"] == 0.5
    assert row["unit_accuracy"] == pytest.approx(1 - 1 / 200)


def test_replenishment_from_reserve_when_face_below_min(wh, tee):
    face = bin_of(wh, "A-01-01-1")
    pick_face_set(bin_id=face.pk, product_id=tee.pk, min_quantity=5, max_quantity=20)
    stocked(tee, face, 3)
    stocked(tee, bin_of(wh, "A-03-01-2"), 50)
    # when
    tasks = replenishment_run(warehouse_id=wh.pk, actor=SYSTEM)
    # then one task for 17 units from reserve, and not twice
    assert [(t.from_bin.code, t.to_bin.code, t.quantity) for t in tasks] == [
        ("A-03-01-2", "A-01-01-1", 17)
    ]
    assert replenishment_run(warehouse_id=wh.pk, actor=SYSTEM) == []
    who = operator()
    step = replenishment_confirm(
        task_id=tasks[0].pk,
        from_bin_code="A-03-01-2",
        item_code="0001",
        quantity=17,
        to_bin_code="A-01-01-1",
        actor=who,
    )
    assert step.step == "done"
    assert on_hand(tee, face) == 20
    assert StockMovement.objects.filter(reason="replenish").count() == 1
    rates = labour_rates(
        warehouse_id=wh.pk,
        since=timezone.now() - dt.timedelta(hours=1),
        until=timezone.now() + dt.timedelta(hours=1),
    )
    assert [(r["username"], r["kind"], r["tasks"], r["units"]) for r in rates] == [
        ("picker1", "replenish", 1, 17)
    ]
    assert inventory_mismatches() == []


def test_no_open_count_twice_for_a_bin(wh, tee):
    a = _count(wh, tee)
    b = cycle_count_create(bin_id=a.bin_id, actor=SYSTEM)
    assert a.pk == b.pk
    assert CycleCount.objects.count() == 1


def test_housekeeping_command_and_tasks_are_idempotent(wh, tee):
    from io import StringIO

    from django.core.management import call_command

    from warehouse.tasks import cycle_counts_schedule_all, replenishment_run_all

    stocked(tee, bin_of(wh, "A-01-01-2"), 5)
    out = StringIO()
    call_command("wms_housekeeping", wh.code, stdout=out)
    assert "1 cycle count(s) opened" in out.getvalue()
    assert cycle_counts_schedule_all.apply().get() == 0
    assert replenishment_run_all.apply().get() == 0
