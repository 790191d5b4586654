"""Receive → putaway → wave → pick → pack → ship, through the services, to a shipped order."""

import pytest

from inventory.models import Commitment
from inventory.selectors import inventory_mismatches
from orders import services as order_services
from orders.models import FulfillmentRequest, Order
from shipping import services as shipping_services
from tests.factories.channels_sync import channel_with_warehouses
from tests.orders.builders import payload
from tests.warehouse.builders import (
    SYSTEM,
    balance,
    bin_of,
    box_types,
    on_hand,
    operator,
    product,
    reserved,
    stocked,
)
from tests.warehouse.builders import warehouse as make_warehouse
from warehouse.exceptions import WrongBin, WrongItem, WrongTote
from warehouse.models import CycleCount, Package, PickLine, PickList, Task, Wave
from warehouse.selectors import scan_lookup
from warehouse.services.packing import (
    pack_close,
    pack_record_weight,
    pack_scan_item,
    pack_set_box,
    pack_start,
    ship_confirm,
)
from warehouse.services.picking import (
    pick_confirm,
    pick_list_next,
    pick_scan_bin,
    pick_scan_item,
    pick_short,
)
from warehouse.services.putaway import putaway_confirm
from warehouse.services.receiving import inbound_close, inbound_create, inbound_receive_scan
from warehouse.services.replenishment import pick_face_set
from warehouse.services.waves import wave_plan, wave_release

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    wh = make_warehouse()
    wh.address_line1, wh.city, wh.postal_code = "1 Dock Rd", "Newark", "07101"
    wh.save()
    shipping_services.carriers_ensure_defaults()
    box_types()
    return wh


def _order(ch, lines, **kw):
    order, _ = order_services.order_capture(
        channel_id=ch.pk, data=payload(lines, **kw), actor=SYSTEM
    )
    return order


def _request(order):
    return FulfillmentRequest.objects.get(order=order)


def _pick_all(pick_list, who):
    step = pick_list_next(pick_list_id=pick_list.pk)
    while step.step == "scan_bin":
        d = step.data
        line = PickLine.objects.get(pk=d["pick_line_id"])
        pick_scan_bin(pick_line_id=line.pk, bin_code=d["bin"])
        pick_scan_item(pick_line_id=line.pk, bin_code=d["bin"], item_code=d["sku"])
        step = pick_confirm(
            pick_line_id=line.pk,
            bin_code=d["bin"],
            item_code=d["sku"],
            quantity=d["quantity"],
            tote_code=d["tote"],
            actor=who,
            scan_id=f"pick-{line.pk}",
        )
    return step


def _pack_and_ship(wh, code, who, *, weight=None):
    step = pack_start(warehouse_id=wh.pk, code=code, actor=who)
    package_id = step.data["package_id"]
    for item in step.data["items"]:
        for _ in range(item["expected"] - item["verified"]):
            step = pack_scan_item(package_id=package_id, item_code=item["sku"], actor=who)
    package = Package.objects.get(pk=package_id)
    pack_record_weight(
        package_id=package_id, weight_g=weight or package.expected_weight_g, actor=who
    )
    label = pack_close(package_id=package_id, actor=who)
    assert label.step == "print_label"
    assert label.data["tracking_number"]
    return package_id, ship_confirm(package_id=package_id, actor=who)


def test_receive_putaway_wave_pick_pack_ship_end_to_end(site):
    wh = site
    ch = channel_with_warehouses(wh)
    tee = product("TEE", barcode="4000000000017", abc="A")
    mug = product("MUG", barcode="4000000000024", abc="B", weight_g=400, dims=(120, 100, 100))
    who = operator()
    # receive an ASN: exact for TEE, over for MUG
    asn = inbound_create(
        warehouse_id=wh.pk,
        number="ASN-100",
        lines=[{"sku": "TEE", "quantity": 20}, {"sku": "MUG", "quantity": 10}],
        actor=SYSTEM,
    )
    r1 = inbound_receive_scan(
        shipment_id=asn.pk, item_code="4000000000017", quantity=20, actor=who, scan_id="rcv-1"
    )
    r2 = inbound_receive_scan(shipment_id=asn.pk, item_code="MUG", quantity=12, actor=who)
    inbound_close(shipment_id=asn.pk, actor=who)
    # put away: TEE where suggested, MUG overridden to another bin
    putaway_confirm(
        task_id=r1.data["putaway_task_id"], bin_code=r1.data["suggested_bin"], actor=who
    )
    mug_bin = "A-02-03-1" if r2.data["suggested_bin"] != "A-02-03-1" else "A-02-04-1"
    assert putaway_confirm(task_id=r2.data["putaway_task_id"], bin_code=mug_bin, actor=who).data[
        "overridden"
    ]
    assert balance(tee, wh).on_hand == 20
    # two orders come in and are released by the OMS
    o1 = _order(ch, [("TEE", 2), ("MUG", 1)])
    o2 = _order(ch, [("TEE", 1)])
    assert Order.objects.get(pk=o1.pk).status == "released"
    # when a wave is planned and released
    wave = wave_plan(warehouse_id=wh.pk, actor=SYSTEM)
    wave_release(wave_id=wave.pk, actor=SYSTEM)
    wave.refresh_from_db()
    assert wave.status == "released"
    assert wave.wave_requests.count() == 2
    pick_list = PickList.objects.get(wave=wave)
    assert pick_list.route_length_m > 0
    assert pick_list.route_length_m <= pick_list.sshape_length_m
    assert _request(o1).status == "in_progress"
    # bin reservations under each line's commitment
    assert reserved(tee, bin_of(wh, r1.data["suggested_bin"])) == 3
    # the scan lookup knows the tote, the order and the bin
    tote_code = wave.wave_requests.get(order_number=o1.number).tote_code
    tote = scan_lookup(warehouse_id=wh.pk, code=tote_code)
    assert (tote.kind, tote.details["order_number"]) == ("tote", o1.number)
    assert scan_lookup(warehouse_id=wh.pk, code=o1.number).kind == "order"
    # pick everything by scan
    done = _pick_all(pick_list, who)
    assert done.step == "done"
    wave.refresh_from_db()
    assert wave.status == "picked"
    assert on_hand(tee, bin_of(wh, "PACK-01")) == 3
    # pack and ship both orders: by tote and by order number
    tote = PickLine.objects.filter(wave_request__fulfillment_request_id=_request(o1).pk).first()
    _pack_and_ship(wh, tote.tote_code, who)
    _pack_and_ship(wh, o2.number, who)
    # then the orders are shipped in the OMS and the stock left the building
    assert Order.objects.get(pk=o1.pk).status == "shipped"
    assert Order.objects.get(pk=o2.pk).status == "shipped"
    assert balance(tee, wh).on_hand == 17
    assert balance(mug, wh).on_hand == 11
    assert balance(tee, wh).committed == 0
    assert on_hand(tee, bin_of(wh, "PACK-01")) == 0
    assert not Commitment.objects.filter(status="open").exists()
    lookup = scan_lookup(warehouse_id=wh.pk, code=Package.objects.first().tracking_number)
    assert lookup.kind == "tracking"
    # labour: one pick task and two pack tasks done by the picker
    assert Task.objects.filter(kind="pick", status="done", assignee_id=who.user_id).count() == 1
    assert Task.objects.filter(kind="pack", status="done").count() == 2
    assert inventory_mismatches() == []


def _released_one(wh, ch, lines):
    order = _order(ch, lines)
    wave = wave_plan(warehouse_id=wh.pk, actor=SYSTEM)
    wave_release(wave_id=wave.pk, actor=SYSTEM)
    return order, wave, PickList.objects.get(wave=wave)


def test_wrong_bin_item_and_tote_are_refused_and_nothing_changes(site):
    wh = site
    ch = channel_with_warehouses(wh)
    tee = product("TEE", barcode="0001")
    product("CAP", barcode="0002")
    stocked(tee, bin_of(wh, "A-01-01-1"), 5)
    _o, _w, pick_list = _released_one(wh, ch, [("TEE", 2)])
    line = pick_list.lines.get()
    with pytest.raises(WrongBin):
        pick_scan_bin(pick_line_id=line.pk, bin_code="A-02-01-1")
    with pytest.raises(WrongItem):
        pick_scan_item(pick_line_id=line.pk, bin_code="A-01-01-1", item_code="0002")
    with pytest.raises(WrongTote):
        pick_confirm(
            pick_line_id=line.pk,
            bin_code="A-01-01-1",
            item_code="0001",
            quantity=2,
            tote_code="T-NOPE",
            actor=SYSTEM,
        )
    with pytest.raises(WrongItem):
        pick_confirm(
            pick_line_id=line.pk,
            bin_code="A-01-01-1",
            item_code="0002",
            quantity=2,
            tote_code=line.tote_code,
            actor=SYSTEM,
        )
    line.refresh_from_db()
    assert (line.quantity_picked, line.status) == (0, "open")
    assert on_hand(tee, bin_of(wh, "A-01-01-1")) == 5
    assert reserved(tee, bin_of(wh, "A-01-01-1")) == 2


def test_repeated_pick_request_changes_nothing_twice(site):
    wh = site
    ch = channel_with_warehouses(wh)
    tee = product("TEE")
    stocked(tee, bin_of(wh, "A-01-01-1"), 5)
    _o, _w, pick_list = _released_one(wh, ch, [("TEE", 2)])
    line = pick_list.lines.get()
    kwargs = {
        "pick_line_id": line.pk,
        "bin_code": "A-01-01-1",
        "item_code": "TEE",
        "quantity": 1,
        "tote_code": line.tote_code,
        "actor": SYSTEM,
        "scan_id": "scan-42",
    }
    first = pick_confirm(**kwargs)
    again = pick_confirm(**kwargs)
    assert again == first
    line.refresh_from_db()
    assert line.quantity_picked == 1
    assert on_hand(tee, bin_of(wh, "PACK-01")) == 1


def test_short_pick_reallocates_from_another_bin(site):
    wh = site
    ch = channel_with_warehouses(wh)
    tee = product("TEE")
    face = bin_of(wh, "A-01-01-1")
    pick_face_set(bin_id=face.pk, product_id=tee.pk, min_quantity=2, max_quantity=10)
    stocked(tee, face, 3)
    stocked(tee, bin_of(wh, "A-03-02-2"), 10)
    order, _w, pick_list = _released_one(wh, ch, [("TEE", 3)])
    line = pick_list.lines.get()
    assert line.bin == face  # pick face first
    # when the picker finds only 1 unit in the pick face
    step = pick_short(pick_line_id=line.pk, bin_code="A-01-01-1", quantity_found=1, actor=SYSTEM)
    # then 2 units are re-reserved in the reserve bin, a count and a replenishment are created
    assert (step.data["reallocated"], step.data["short"]) == (2, 0)
    assert step.step == "scan_bin"
    assert step.data["bin"] == "A-03-02-2"
    assert CycleCount.objects.get(bin=face).trigger == "short_pick"
    assert Task.objects.filter(kind="replenish", to_bin=face).exists()
    assert _request(order).lines.get().quantity_short == 0
    # and the rest of the pick goes on as normal
    _pick_all(pick_list, SYSTEM)
    assert _request(order).lines.get().quantity_picked == 3
    assert inventory_mismatches() == []


def test_short_pick_without_another_bin_is_reported_to_the_oms(site):
    wh = site
    ch = channel_with_warehouses(wh)
    tee = product("TEE")
    stocked(tee, bin_of(wh, "A-01-01-1"), 3)
    order, wave, pick_list = _released_one(wh, ch, [("TEE", 3)])
    line = pick_list.lines.get()
    step = pick_short(pick_line_id=line.pk, bin_code="A-01-01-1", quantity_found=2, actor=SYSTEM)
    assert (step.data["reallocated"], step.data["short"]) == (0, 1)
    assert step.step == "done"
    fr_line = _request(order).lines.get()
    assert (fr_line.quantity_picked, fr_line.quantity_short) == (2, 1)
    wave.refresh_from_db()
    assert wave.status == "picked"
    assert CycleCount.objects.filter(trigger="short_pick").count() == 1
    # the two found units still pack and ship
    _pid, shipped = _pack_and_ship(wh, pick_list.lines.first().tote_code, SYSTEM)
    assert shipped.step == "done"
    assert inventory_mismatches() == []


def test_packing_refuses_wrong_and_extra_items_and_lets_the_box_be_overridden(site):
    wh = site
    ch = channel_with_warehouses(wh)
    tee = product("TEE", barcode="0001")
    product("CAP", barcode="0002")
    stocked(tee, bin_of(wh, "A-01-01-1"), 5)
    _o, _w, pick_list = _released_one(wh, ch, [("TEE", 2)])
    _pick_all(pick_list, SYSTEM)
    step = pack_start(warehouse_id=wh.pk, code=pick_list.lines.first().tote_code, actor=SYSTEM)
    # the smallest box that fits two 200×150×50 mm items of 250 g is the small one
    assert step.data["suggested_box"] == "BOX-S"
    pid = step.data["package_id"]
    with pytest.raises(WrongItem):
        pack_scan_item(package_id=pid, item_code="0002", actor=SYSTEM)
    pack_scan_item(package_id=pid, item_code="0001", actor=SYSTEM)
    pack_scan_item(package_id=pid, item_code="0001", actor=SYSTEM)
    with pytest.raises(WrongItem, match="Extra item"):
        pack_scan_item(package_id=pid, item_code="0001", actor=SYSTEM)
    after = pack_set_box(package_id=pid, box_code="BOX-M", actor=SYSTEM)
    assert after.data["box"] == "BOX-M"
    package = Package.objects.get(pk=pid)
    assert package.expected_weight_g == 2 * 250 + 250
    flagged = pack_record_weight(package_id=pid, weight_g=1500, actor=SYSTEM)
    assert flagged.data["weight_flagged"] is True
    ok = pack_record_weight(package_id=pid, weight_g=760, actor=SYSTEM)
    assert ok.data["weight_flagged"] is False
    # the order was already opened: scanning its tote again resumes it
    assert (
        pack_start(warehouse_id=wh.pk, code=pick_list.lines.first().tote_code, actor=SYSTEM).data[
            "package_id"
        ]
        == pid
    )


def test_wave_rules_cutoff_first_then_priority_and_limits(site):
    import datetime as dt

    from django.utils import timezone

    wh = site
    ch = channel_with_warehouses(wh)
    tee = product("TEE")
    stocked(tee, bin_of(wh, "A-01-01-1"), 50)
    soon = timezone.now() + dt.timedelta(hours=2)
    later = timezone.now() + dt.timedelta(days=2)
    a = _order(ch, [("TEE", 1)], priority=9)
    b = _order(ch, [("TEE", 1)], priority=1)
    c = _order(ch, [("TEE", 1)], priority=5)
    FulfillmentRequest.objects.filter(order=a).update(ship_by=later, priority=9)
    FulfillmentRequest.objects.filter(order=b).update(ship_by=soon, priority=1)
    FulfillmentRequest.objects.filter(order=c).update(ship_by=later, priority=5)
    wave = wave_plan(warehouse_id=wh.pk, actor=SYSTEM, max_orders=2)
    assert [wr.order_number for wr in wave.wave_requests.order_by("pk")] == [b.number, a.number]
    second = wave_plan(warehouse_id=wh.pk, actor=SYSTEM, max_orders=2)
    assert [wr.order_number for wr in second.wave_requests.all()] == [c.number]
    assert wave_plan(warehouse_id=wh.pk, actor=SYSTEM) is None
    assert Wave.objects.count() == 2
