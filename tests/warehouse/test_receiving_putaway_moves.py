import pytest

from inventory.exceptions import BinNotUsable, InsufficientStock
from inventory.models import StockMovement
from inventory.selectors import inventory_mismatches
from tests.warehouse.builders import (
    SYSTEM,
    balance,
    bin_of,
    on_hand,
    operator,
    product,
    stocked,
    warehouse,
)
from warehouse.exceptions import ScanReused, ShipmentClosed, UnknownCode
from warehouse.models import InboundLine, ReceiptDiscrepancy, Task
from warehouse.services.moves import move_by_scan, quarantine_move
from warehouse.services.putaway import putaway_confirm
from warehouse.services.receiving import inbound_close, inbound_create, inbound_receive_scan
from warehouse.states import InboundStatus, TaskStatus

pytestmark = pytest.mark.django_db


def _asn(wh, *lines):
    return inbound_create(
        warehouse_id=wh.pk,
        number="ASN-1",
        lines=[{"sku": sku, "quantity": q} for sku, q in lines],
        actor=SYSTEM,
    )


def test_open_quantities_count_as_incoming():
    # given
    wh = warehouse()
    tee = product("TEE", barcode="0001")
    # when
    _asn(wh, ("TEE", 10))
    # then
    assert balance(tee, wh).incoming == 10


def test_exact_receipt_lands_in_receiving_bin_and_creates_a_putaway_task():
    wh = warehouse()
    tee = product("TEE", barcode="0001", abc="A")
    shipment = _asn(wh, ("TEE", 10))
    # when the operator scans the barcode with a quantity of 10
    step = inbound_receive_scan(
        shipment_id=shipment.pk, item_code="0001", quantity=10, actor=SYSTEM
    )
    # then
    assert step.step == "scan_item"
    assert on_hand(tee, bin_of(wh, "RECV-01")) == 10
    assert balance(tee, wh).incoming == 0
    assert balance(tee, wh).on_hand == 10
    task = Task.objects.get(kind="putaway")
    assert task.quantity == 10
    assert step.data["suggested_bin"] == task.to_bin.code
    # velocity A → fast zone
    assert task.to_bin.zone.kind == "fast"
    assert ReceiptDiscrepancy.objects.count() == 0
    inbound_close(shipment_id=shipment.pk, actor=SYSTEM)
    assert ReceiptDiscrepancy.objects.count() == 0
    assert inventory_mismatches() == []


def test_over_receipt_is_recorded_as_a_discrepancy():
    wh = warehouse()
    tee = product("TEE")
    shipment = _asn(wh, ("TEE", 5))
    inbound_receive_scan(shipment_id=shipment.pk, item_code="TEE", quantity=7, actor=SYSTEM)
    d = ReceiptDiscrepancy.objects.get()
    assert (d.kind, d.quantity) == ("over", 2)
    assert balance(tee, wh).incoming == 0
    assert balance(tee, wh).on_hand == 7


def test_unexpected_item_is_received_as_over():
    wh = warehouse()
    product("TEE")
    product("CAP")
    shipment = _asn(wh, ("TEE", 5))
    inbound_receive_scan(shipment_id=shipment.pk, item_code="CAP", quantity=1, actor=SYSTEM)
    assert ReceiptDiscrepancy.objects.get().kind == "over"


def test_short_receipt_closes_with_differences_and_stops_incoming():
    wh = warehouse()
    tee = product("TEE")
    shipment = _asn(wh, ("TEE", 10))
    inbound_receive_scan(shipment_id=shipment.pk, item_code="TEE", quantity=6, actor=SYSTEM)
    assert balance(tee, wh).incoming == 4
    # when
    closed = inbound_close(shipment_id=shipment.pk, actor=SYSTEM)
    # then
    assert closed.status == InboundStatus.CLOSED
    d = ReceiptDiscrepancy.objects.get()
    assert (d.kind, d.quantity) == ("short", 4)
    assert balance(tee, wh).incoming == 0
    with pytest.raises(ShipmentClosed):
        inbound_receive_scan(shipment_id=shipment.pk, item_code="TEE", quantity=1, actor=SYSTEM)


def test_damaged_units_go_to_the_damaged_bin_and_are_unavailable():
    wh = warehouse()
    tee = product("TEE")
    shipment = _asn(wh, ("TEE", 10))
    inbound_receive_scan(shipment_id=shipment.pk, item_code="TEE", quantity=8, actor=SYSTEM)
    inbound_receive_scan(
        shipment_id=shipment.pk, item_code="TEE", quantity=2, damaged=True, actor=SYSTEM
    )
    assert on_hand(tee, bin_of(wh, "DMG-01")) == 2
    bal = balance(tee, wh)
    assert (bal.on_hand, bal.unavailable, bal.incoming, bal.available) == (10, 2, 0, 8)
    assert ReceiptDiscrepancy.objects.get().kind == "damaged"
    line = InboundLine.objects.get()
    assert (line.quantity_received, line.quantity_damaged) == (8, 2)
    # no putaway task for the damaged units
    assert Task.objects.filter(kind="putaway").count() == 1
    assert inventory_mismatches() == []


def test_repeated_receive_scan_changes_nothing_twice():
    wh = warehouse()
    tee = product("TEE")
    shipment = _asn(wh, ("TEE", 10))
    first = inbound_receive_scan(
        shipment_id=shipment.pk, item_code="TEE", quantity=3, actor=SYSTEM, scan_id="s-1"
    )
    again = inbound_receive_scan(
        shipment_id=shipment.pk, item_code="TEE", quantity=3, actor=SYSTEM, scan_id="s-1"
    )
    assert again == first
    assert on_hand(tee, bin_of(wh, "RECV-01")) == 3
    with pytest.raises(ScanReused):
        inbound_receive_scan(
            shipment_id=shipment.pk, item_code="TEE", quantity=4, actor=SYSTEM, scan_id="s-1"
        )


def test_unknown_item_is_refused_and_nothing_changes():
    wh = warehouse()
    product("TEE")
    shipment = _asn(wh, ("TEE", 10))
    before = StockMovement.objects.count()
    with pytest.raises(UnknownCode):
        inbound_receive_scan(shipment_id=shipment.pk, item_code="NOPE", quantity=1, actor=SYSTEM)
    assert StockMovement.objects.count() == before


def test_putaway_to_the_suggested_bin():
    wh = warehouse()
    tee = product("TEE")
    shipment = _asn(wh, ("TEE", 10))
    step = inbound_receive_scan(shipment_id=shipment.pk, item_code="TEE", quantity=10, actor=SYSTEM)
    who = operator()
    # when
    done = putaway_confirm(
        task_id=step.data["putaway_task_id"], bin_code=step.data["suggested_bin"], actor=who
    )
    # then
    assert done.step == "done"
    assert done.data["overridden"] is False
    assert on_hand(tee, bin_of(wh, step.data["suggested_bin"])) == 10
    assert on_hand(tee, bin_of(wh, "RECV-01")) == 0
    task = Task.objects.get(kind="putaway")
    assert task.status == TaskStatus.DONE
    assert task.assignee_id == who.user_id
    assert task.started_at
    assert task.finished_at
    assert inventory_mismatches() == []


def test_putaway_suggests_the_bin_already_holding_the_sku():
    wh = warehouse()
    tee = product("TEE")
    stocked(tee, bin_of(wh, "A-03-01-2"), 5)
    shipment = _asn(wh, ("TEE", 10))
    step = inbound_receive_scan(shipment_id=shipment.pk, item_code="TEE", quantity=10, actor=SYSTEM)
    assert step.data["suggested_bin"] == "A-03-01-2"


def test_putaway_override_by_scanning_another_bin():
    wh = warehouse()
    tee = product("TEE")
    shipment = _asn(wh, ("TEE", 10))
    step = inbound_receive_scan(shipment_id=shipment.pk, item_code="TEE", quantity=10, actor=SYSTEM)
    other = "A-04-06-2" if step.data["suggested_bin"] != "A-04-06-2" else "A-04-05-2"
    done = putaway_confirm(task_id=step.data["putaway_task_id"], bin_code=other, actor=SYSTEM)
    assert done.data["overridden"] is True
    assert on_hand(tee, bin_of(wh, other)) == 10
    assert Task.objects.get(kind="putaway").done_bin.code == other


def test_putaway_refuses_blocked_or_non_storage_bins():
    from warehouse.services.bins import bin_set_blocked

    wh = warehouse()
    product("TEE")
    shipment = _asn(wh, ("TEE", 10))
    step = inbound_receive_scan(shipment_id=shipment.pk, item_code="TEE", quantity=10, actor=SYSTEM)
    bin_set_blocked(bin_id=bin_of(wh, "A-01-01-2").pk, blocked=True, actor=SYSTEM)
    for code in ("A-01-01-2", "DMG-01", "PACK-01"):
        with pytest.raises(BinNotUsable):
            putaway_confirm(task_id=step.data["putaway_task_id"], bin_code=code, actor=SYSTEM)
    assert Task.objects.get(kind="putaway").quantity_done == 0


def test_move_by_scan_and_quarantine():
    wh = warehouse()
    tee = product("TEE", barcode="0001")
    stocked(tee, bin_of(wh, "A-01-01-1"), 10)
    move_by_scan(
        warehouse_id=wh.pk,
        from_bin_code="A-01-01-1",
        item_code="0001",
        quantity=4,
        to_bin_code="A-02-01-1",
        actor=SYSTEM,
    )
    assert on_hand(tee, bin_of(wh, "A-02-01-1")) == 4
    quarantine_move(
        warehouse_id=wh.pk, from_bin_code="A-02-01-1", item_code="TEE", quantity=1, actor=SYSTEM
    )
    bal = balance(tee, wh)
    assert (bal.on_hand, bal.unavailable) == (10, 1)
    assert Task.objects.filter(kind="move", status="done").count() == 2
    with pytest.raises(InsufficientStock):
        move_by_scan(
            warehouse_id=wh.pk,
            from_bin_code="A-01-01-1",
            item_code="TEE",
            quantity=99,
            to_bin_code="A-02-01-1",
            actor=SYSTEM,
        )
    assert inventory_mismatches() == []
