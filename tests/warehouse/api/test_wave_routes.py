"""Waves show, per pick list, the route against S-shape and against the best-known route."""

import pytest

from orders import services as order_services
from tests.factories.channels_sync import channel_with_warehouses
from tests.orders.builders import payload
from tests.warehouse.builders import SYSTEM, bin_of, product, stocked
from tests.warehouse.builders import warehouse as make_warehouse
from warehouse.models import PickList
from warehouse.routing.multi_block import held_karp
from warehouse.routing.sshape import sshape_length
from warehouse.selectors import layout_for, location_of

pytestmark = pytest.mark.django_db


def _wave_over(warehouse_client, wh, bins, per_order=3):
    """One product per bin, orders of `per_order` lines, released as one wave over the API."""
    ch = channel_with_warehouses(wh)
    skus = []
    for i, code in enumerate(bins):
        p = product(f"R{i:02d}")
        stocked(p, bin_of(wh, code), 5)
        skus.append(p.sku)
    for k in range(0, len(skus), per_order):
        order_services.order_capture(
            channel_id=ch.pk, data=payload([(s, 1) for s in skus[k : k + per_order]]), actor=SYSTEM
        )
    r = warehouse_client.post("/api/v1/wms/waves/create/", {"warehouse": wh.code}, format="json")
    assert r.status_code == 201, r.json()
    return r.json()


def _stops(wh, pick_list_id):
    layout = layout_for(wh)
    lines = PickList.objects.get(pk=pick_list_id).lines.select_related("bin")
    return layout, sorted({location_of(layout, ln.bin) for ln in lines})


def test_two_block_wave_shows_an_optimal_route_against_s_shape(warehouse_client, settings):
    # given a two-block warehouse and six stops spread over both blocks, one cart
    settings.WMS_TOTES_PER_CART = 12
    wh = make_warehouse(blocks=2)
    bins = ["A-01-03-1", "B-02-05-1", "A-03-02-1", "B-04-06-1", "B-01-01-1", "A-04-02-1"]
    # when the wave is released and read back
    wave = _wave_over(warehouse_client, wh, bins)
    detail = warehouse_client.get(f"/api/v1/wms/waves/{wave['id']}/").json()
    # then the wave lists each pick list's route figures
    [route] = detail["routes"]
    layout, stops = _stops(wh, route["id"])
    optimum = held_karp(layout, stops)[1]
    sshape = sshape_length(layout, stops)
    assert route["stops"] == 6
    assert route["route_method"] == "roodbergen_koster"
    assert route["route_optimal"] is True
    assert route["route_length_m"] == pytest.approx(optimum, abs=1e-3)
    assert route["best_known_length_m"] == pytest.approx(optimum, abs=1e-3)
    assert route["sshape_length_m"] == pytest.approx(sshape, abs=1e-3)
    assert route["saving_vs_sshape_pct"] == round(100 * (1 - route["route_length_m"] / sshape), 1)
    assert route["excess_vs_best_known_pct"] == 0.0
    assert detail["best_known_length_m"] == pytest.approx(optimum, abs=1e-3)
    # and the pick list itself answers the same figures
    pick_list = warehouse_client.get(f"/api/v1/wms/pick-lists/{route['id']}/").json()
    assert {k: pick_list[k] for k in route} == route


def test_many_block_wave_beyond_held_karp_is_routed_by_local_search(warehouse_client, settings):
    # given a five-block warehouse and twelve stops in one cart (past the Held–Karp limit)
    settings.WMS_TOTES_PER_CART = 12
    wh = make_warehouse(blocks=5)
    bins = [
        f"{block}-{aisle:02d}-{bay:02d}-1"
        for block, aisle, bay in [
            ("A", 1, 2), ("A", 4, 5), ("B", 2, 1), ("B", 3, 6), ("C", 1, 4), ("C", 4, 1),
            ("D", 2, 3), ("D", 3, 2), ("E", 1, 6), ("E", 4, 3), ("C", 2, 5), ("A", 3, 3),
        ]
    ]  # fmt: skip
    # when
    wave = _wave_over(warehouse_client, wh, bins)
    [route] = warehouse_client.get(f"/api/v1/wms/waves/{wave['id']}/").json()["routes"]
    # then: not proven optimal, its own best-known, far shorter than S-shape
    layout, stops = _stops(wh, route["id"])
    assert route["stops"] == 12
    assert route["route_method"] == "2opt_oropt_ils"
    assert route["route_optimal"] is False
    assert route["best_known_length_m"] == route["route_length_m"]
    assert route["route_length_m"] < route["sshape_length_m"]
    assert route["saving_vs_sshape_pct"] > 0
    # and (checked offline by Held–Karp) the local search found the optimum here
    assert route["route_length_m"] == pytest.approx(held_karp(layout, stops)[1], abs=1e-3)
