"""Routing against brute force and Held–Karp: exact on one, two and three blocks, never worse than
S-shape."""

import itertools
import random

import pytest

from warehouse.routing import Layout, Location, route_plan, two_block
from warehouse.routing.geometry import DEPOT, distance, distance_matrix, tour_length
from warehouse.routing.multi_block import held_karp, heuristic
from warehouse.routing.single_block import optimal_route
from warehouse.routing.sshape import sshape_order


def _layout(aisles, blocks=1, depot_x=0.0, block_length=6.0):
    return Layout(
        aisle_x=tuple(depot_x + (a + 0.5) * 3.0 for a in range(aisles)),
        block_length=block_length,
        cross_aisle_width=2.0,
        blocks=blocks,
        depot_x=depot_x,
    )


def _random_locations(rng, layout, n):
    locs = set()
    while len(locs) < n:
        locs.add(
            layout.location(
                aisle=rng.randrange(len(layout.aisle_x)),
                block=rng.randrange(layout.blocks),
                position_m=round(rng.uniform(0.1, layout.block_length - 0.1), 1),
            )
        )
    return sorted(locs)


def _brute_force(layout, locs):
    best = float("inf")
    for perm in itertools.permutations(locs):
        best = min(best, tour_length(layout, perm))
    return best


@pytest.mark.parametrize("seed", range(60))
def test_single_block_route_is_optimal_against_brute_force(seed):
    # given a random single-block instance of up to 7 locations
    rng = random.Random(seed)
    layout = _layout(rng.randint(1, 6), depot_x=rng.choice([0.0, 4.0, 9.0]))
    locs = _random_locations(rng, layout, rng.randint(1, 7))
    # when
    order, length = optimal_route(layout, locs)
    # then the DP equals the brute-force optimum and walking its order costs exactly that
    assert sorted(order) == locs
    assert length == pytest.approx(_brute_force(layout, locs))
    assert tour_length(layout, order) == pytest.approx(length)


@pytest.mark.parametrize("seed", range(25))
def test_multi_block_exact_route_is_optimal_against_brute_force(seed):
    rng = random.Random(1000 + seed)
    layout = _layout(rng.randint(2, 5), blocks=rng.randint(2, 3), depot_x=rng.choice([0.0, 5.0]))
    locs = _random_locations(rng, layout, rng.randint(1, 7))
    order, length = held_karp(layout, locs)
    assert sorted(order) == locs
    assert length == pytest.approx(_brute_force(layout, locs))
    assert tour_length(layout, order) == pytest.approx(length)


def test_every_route_plan_matches_held_karp_on_small_instances():
    # Held–Karp is exact, so it is an independent oracle for slightly larger instances.
    rng = random.Random(7)
    for _ in range(40):
        layout = _layout(rng.randint(3, 10), depot_x=rng.choice([0.0, 12.0]))
        locs = _random_locations(rng, layout, rng.randint(5, 10))
        plan = route_plan(layout, locs)
        assert plan.method == "ratliff_rosenthal"
        assert plan.length_m == pytest.approx(held_karp(layout, locs)[1], abs=1e-3)
        assert plan.length_m <= plan.sshape_length_m + 1e-6


def test_larger_instances_are_shorter_than_s_shape(capsys):
    # given 20 pick lists of 30 locations in a 10-aisle warehouse, one and three blocks
    rng = random.Random(42)
    report = []
    for blocks in (1, 3):
        layout = _layout(10, blocks=blocks, block_length=12.0)
        total = s_total = 0.0
        for _ in range(20):
            locs = _random_locations(rng, layout, 30)
            plan = route_plan(layout, locs)
            # then every route visits every location and is never longer than S-shape
            assert sorted(plan.order) == locs
            assert plan.length_m <= plan.sshape_length_m + 1e-6
            total += plan.length_m
            s_total += plan.sshape_length_m
        saving = 1 - total / s_total
        report.append(
            f"{blocks} block(s): route {total:.0f} m vs S-shape {s_total:.0f} m "
            f"({saving:.1%} shorter)"
        )
        assert saving > 0.0
    with capsys.disabled():
        print("\n" + "\n".join(report))


def test_empty_and_depot_only_routes_are_zero():
    layout = _layout(3)
    assert route_plan(layout, []).length_m == 0.0
    assert optimal_route(layout, []) == ([], 0.0)


def test_single_location_is_walked_in_and_out():
    layout = _layout(3, depot_x=0.0)
    loc = Location(aisle=2, block=0, y=3.0)
    # depot (0,0) → aisle x=7.5 along the front, 3 m in and back
    assert route_plan(layout, [loc]).length_m == pytest.approx(2 * 7.5 + 2 * 3.0)


def _two_block_instance(rng, blocks=2, max_stops=12):
    aisles = rng.randint(1, 12)
    spacing = rng.choice([2.5, 3.0, 4.0])
    # the depot anywhere on the front cross aisle: left corner, between aisles, mid-front, right
    depot_x = rng.choice([0.0, spacing * rng.randint(0, aisles), rng.uniform(0, spacing * aisles)])
    layout = Layout(
        aisle_x=tuple((a + 0.5) * spacing for a in range(aisles)),
        block_length=rng.choice([6.0, 10.0, 18.0]),
        cross_aisle_width=rng.choice([1.5, 2.0, 3.0]),
        blocks=blocks,
        depot_x=round(depot_x, 2),
    )
    stops = min(rng.randint(1, max_stops), 2 * aisles * 40)
    return layout, _random_locations(rng, layout, stops)


def test_two_block_routes_equal_held_karp_on_500_random_instances():
    # given 500 random two-block warehouses (1–12 aisles, depot anywhere on the front cross
    # aisle) with 1–12 stops
    rng = random.Random(2001)
    for _ in range(500):
        layout, locs = _two_block_instance(rng)
        # when the pick list is routed
        plan = route_plan(layout, locs)
        # then Roodbergen–de Koster's DP chose the route and it is as short as Held–Karp's
        assert plan.method == "roodbergen_koster"
        assert sorted(plan.order) == locs
        assert plan.length_m == pytest.approx(held_karp(layout, locs)[1], abs=1e-3)


def test_two_block_dp_length_is_the_walk_of_its_order_at_any_size():
    rng = random.Random(11)
    for stops in (1, 2, 40, 150):
        layout = _layout(20, blocks=2, depot_x=rng.choice([0.0, 30.0]), block_length=20.0)
        locs = _random_locations(rng, layout, stops)
        order, length = two_block.optimal_route(layout, locs)
        assert sorted(order) == locs
        assert tour_length(layout, order) == pytest.approx(length)
        plan = route_plan(layout, locs)
        assert plan.method == "roodbergen_koster"
        assert plan.length_m == pytest.approx(length, abs=1e-3)
        assert plan.length_m <= plan.sshape_length_m + 1e-6


def test_three_block_sweep_equals_held_karp():
    rng = random.Random(3003)
    for _ in range(60):
        layout, locs = _two_block_instance(rng, blocks=3, max_stops=10)
        plan = route_plan(layout, locs)
        assert plan.method == "cross_aisle_dp"
        assert plan.length_m == pytest.approx(held_karp(layout, locs)[1], abs=1e-3)


def test_the_sweep_on_one_block_equals_ratliff_rosenthal():
    rng = random.Random(5)
    for _ in range(40):
        layout, locs = _two_block_instance(rng, blocks=1, max_stops=30)
        assert two_block.optimal_route(layout, locs)[1] == pytest.approx(
            optimal_route(layout, locs)[1]
        )


def test_distance_matrix_equals_pairwise_distance():
    rng = random.Random(9)
    layout, locs = _two_block_instance(rng, blocks=4, max_stops=25)
    nodes = [DEPOT, *locs]
    matrix = distance_matrix(layout, nodes)
    for i, p in enumerate(nodes):
        for j, q in enumerate(nodes):
            assert matrix[i, j] == pytest.approx(distance(layout, p, q))


def test_local_search_finds_the_held_karp_optimum_on_small_four_to_six_block_lists():
    # given 40 random 4–6-block pick lists of 11–12 stops (past Held–Karp's production limit)
    rng = random.Random(404)
    for _ in range(40):
        layout, locs = _two_block_instance(rng, blocks=rng.randint(4, 6), max_stops=12)
        locs = _random_locations(rng, layout, rng.randint(11, 12))
        # when the iterated local search routes them
        order, length = heuristic(layout, locs, seeds=[sshape_order(layout, locs)])
        # then it visits every stop, its length is its walk, and it is optimal
        assert sorted(order) == locs
        assert tour_length(layout, order) == pytest.approx(length)
        assert length == pytest.approx(held_karp(layout, locs)[1], abs=1e-6)


def test_many_block_lists_beyond_the_exact_limit_use_local_search_and_beat_s_shape():
    rng = random.Random(6)
    for blocks, stops in ((4, 40), (5, 90), (6, 150)):
        layout = _layout(16, blocks=blocks, depot_x=24.0, block_length=12.0)
        locs = _random_locations(rng, layout, stops)
        plan = route_plan(layout, locs)
        assert plan.method == "2opt_oropt_ils"
        assert sorted(plan.order) == locs
        assert plan.length_m < plan.sshape_length_m
        # deterministic: the same list gives the same route (fixed kicks, seeded)
        assert route_plan(layout, locs) == plan
