import datetime as dt
import itertools

import pytest
from django.utils import timezone

from inventory.selectors import inventory_mismatches
from orders import services as order_services
from tests.factories.channels_sync import channel_with_warehouses
from tests.orders.builders import payload
from tests.scenarios import small_warehouse
from tests.warehouse.builders import SYSTEM, bin_of, product, reserved, stocked
from warehouse.models import PickLine, PickList, Zone
from warehouse.routing.geometry import tour_length
from warehouse.selectors import layout_for, location_of
from warehouse.services.waves import wave_plan, wave_release

pytestmark = pytest.mark.django_db


def _order(ch, lines):
    order, _ = order_services.order_capture(channel_id=ch.pk, data=payload(lines), actor=SYSTEM)
    return order


def test_fefo_then_fifo_and_pick_faces_first():
    wh = small_warehouse()
    ch = channel_with_warehouses(wh)
    milk = product("MILK")
    today = timezone.localdate()
    stocked(milk, bin_of(wh, "A-02-01-2"), 5, lot="L-LATE", expiry_date=today + dt.timedelta(30))
    stocked(milk, bin_of(wh, "A-03-01-2"), 5, lot="L-SOON", expiry_date=today + dt.timedelta(5))
    stocked(milk, bin_of(wh, "A-04-01-1"), 2, lot="L-FACE", expiry_date=today + dt.timedelta(60))
    _order(ch, [("MILK", 6)])
    wave = wave_plan(warehouse_id=wh.pk, actor=SYSTEM)
    wave_release(wave_id=wave.pk, actor=SYSTEM)
    taken = {ln.lot: ln.quantity for ln in PickLine.objects.all()}
    # the pick face first (2), then the earliest expiry (4 of L-SOON), nothing from L-LATE
    assert taken == {"L-FACE": 2, "L-SOON": 4}
    assert inventory_mismatches() == []


def test_request_that_cannot_be_reserved_in_bins_stays_for_a_later_wave():
    wh = small_warehouse()
    ch = channel_with_warehouses(wh)
    tee = product("TEE")
    # units sit in the receiving bin (committed at warehouse level but not pickable yet)
    stocked(tee, bin_of(wh, "RECV-01"), 3)
    order = _order(ch, [("TEE", 2)])
    ok = product("CAP")
    stocked(ok, bin_of(wh, "A-01-01-1"), 3)
    _order(ch, [("CAP", 1)])
    wave = wave_plan(warehouse_id=wh.pk, actor=SYSTEM)
    wave_release(wave_id=wave.pk, actor=SYSTEM)
    assert [wr.order_number for wr in wave.wave_requests.all()] != []
    assert order.number not in [wr.order_number for wr in wave.wave_requests.all()]
    assert order.fulfillment_requests.get().status == "released"
    assert reserved(tee, bin_of(wh, "RECV-01")) == 0


def test_zone_wave_takes_only_requests_the_zone_can_serve():
    wh = small_warehouse()
    ch = channel_with_warehouses(wh)
    fast = Zone.objects.get(warehouse=wh, code="FAST")
    tee, cap = product("TEE"), product("CAP")
    stocked(tee, bin_of(wh, "A-01-01-1"), 5)  # aisle 1: fast zone
    stocked(cap, bin_of(wh, "A-04-01-1"), 5)  # aisle 4: slow zone
    in_zone = _order(ch, [("TEE", 1)])
    _order(ch, [("CAP", 1)])
    wave = wave_plan(warehouse_id=wh.pk, actor=SYSTEM, zone_id=fast.pk)
    assert [wr.order_number for wr in wave.wave_requests.all()] == [in_zone.number]
    wave_release(wave_id=wave.pk, actor=SYSTEM)
    assert {ln.bin.zone_id for ln in PickLine.objects.all()} == {fast.pk}


def _brute_force(layout, locs):
    return min(tour_length(layout, perm) for perm in itertools.permutations(locs))


@pytest.mark.parametrize("blocks", [1, 2])
def test_every_pick_list_route_is_optimal_against_brute_force(blocks, settings):
    # given small carts (2 totes) so each pick list has a handful of stops
    settings.WMS_TOTES_PER_CART = 2
    wh = small_warehouse(aisles=4, bays=6, levels=2, blocks=blocks)
    ch = channel_with_warehouses(wh)
    skus = []
    for i, code in enumerate(
        ["A-01-03-1", "A-02-05-1", "A-03-02-1", "A-04-06-1", "A-02-01-1", "A-04-02-1"]
    ):
        p = product(f"P{i}")
        if blocks == 2:
            code = ("B" if i % 2 else "A") + code[1:]
        stocked(p, bin_of(wh, code), 10)
        skus.append(p.sku)
    for k in range(6):
        _order(ch, [(skus[k], 1), (skus[(k + 2) % 6], 1), (skus[(k + 3) % 6], 1)])
    wave = wave_plan(warehouse_id=wh.pk, actor=SYSTEM)
    wave_release(wave_id=wave.pk, actor=SYSTEM)
    layout = layout_for(wh)
    lists = list(PickList.objects.filter(wave=wave))
    assert len(lists) == 3
    for pick_list in lists:
        lines = list(pick_list.lines.select_related("bin").order_by("sequence"))
        locs = sorted({location_of(layout, ln.bin) for ln in lines})
        # then the stored route is the brute-force optimum, and walking the lines in sequence
        # order costs exactly that
        assert pick_list.route_length_m == pytest.approx(_brute_force(layout, locs), abs=1e-3)
        walked = [location_of(layout, ln.bin) for ln in lines]
        assert tour_length(layout, walked) == pytest.approx(pick_list.route_length_m, abs=1e-3)
        assert pick_list.route_length_m <= pick_list.sshape_length_m + 1e-6
        assert pick_list.route_method == (
            "ratliff_rosenthal" if blocks == 1 else "roodbergen_koster"
        )


def test_the_wave_plan_is_all_or_nothing_per_request_and_gives_units_back_to_later_requests():
    from warehouse.services.waves import wave_reservations_plan

    # request 1 wants 4 of product 7 (levels 10 then 11 by preference) and 5 of product 8
    # (only 2 free): it takes nothing, and request 2 gets the units it had counted on
    picks, kept = wave_reservations_plan(
        requests=[
            (1, [(101, 1001, 7, 4), (102, 1002, 8, 5)]),
            (2, [(201, 2001, 7, 4), (202, None, 9, 0)]),
            (3, [(301, None, 7, 1)]),  # no commitment: never reserved
        ],
        unreserved={1001: 4, 1002: 5, 2001: 4},
        free={10: 3, 11: 5, 20: 2},
        levels={7: [10, 11], 8: [20]},
    )
    assert kept == [2]
    assert picks == [(2, 201, 2001, 10, 3), (2, 201, 2001, 11, 1)]
