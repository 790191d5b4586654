"""Routing against brute force: optimal on single-block layouts, never worse than S-shape."""

import itertools
import random

import pytest

from warehouse.routing import Layout, Location, route_plan
from warehouse.routing.geometry import tour_length
from warehouse.routing.multi_block import held_karp
from warehouse.routing.single_block import optimal_route


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
