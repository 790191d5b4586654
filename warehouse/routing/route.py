"""Choose the routing method for a pick list and report its length against S-shape."""

from __future__ import annotations

from dataclasses import dataclass

from . import multi_block, single_block, two_block
from .geometry import Layout, Location, tour_length
from .sshape import sshape_length, sshape_order

# Methods that return a proven shortest route.
EXACT_METHODS = frozenset({"ratliff_rosenthal", "roodbergen_koster", "cross_aisle_dp", "held_karp"})


@dataclass(frozen=True)
class RoutePlan:
    """A visiting order over distinct locations, its walking length and the S-shape length.

    `best_known_length_m` is the shortest tour known for these stops: the route itself when it
    is proven optimal (`optimal`), else the shortest of the tours the planner built (the route,
    every seed tour improved, and S-shape).
    """

    order: list[Location]
    length_m: float
    sshape_length_m: float
    method: str
    best_known_length_m: float = 0.0
    optimal: bool = True


def route_plan(layout: Layout, locations: list[Location]) -> RoutePlan:
    """Shortest route over `locations` from and back to the depot.

    Single block: Ratliff–Rosenthal (optimal). Two blocks: Roodbergen–de Koster (optimal);
    three blocks: the same sweep over four cross aisles (optimal). More blocks: Held–Karp
    (optimal) up to `multi_block.EXACT_LIMIT` distinct locations, else iterated local search.
    """
    pts = sorted(set(locations))
    s_len = sshape_length(layout, pts)
    if layout.blocks <= 1:
        order, _length = single_block.optimal_route(layout, pts)
        method = "ratliff_rosenthal"
    elif layout.blocks <= two_block.EXACT_MAX_BLOCKS:
        order, _length = two_block.optimal_route(layout, pts)
        method = "roodbergen_koster" if layout.blocks == 2 else "cross_aisle_dp"
    elif len(pts) <= multi_block.EXACT_LIMIT:
        order, _length = multi_block.held_karp(layout, pts)
        method = "held_karp"
    else:
        order, _length = multi_block.heuristic(layout, pts, seeds=[sshape_order(layout, pts)])
        method = "2opt_oropt_ils"
    # What the picker walks: the order along shortest paths (equals the DP optimum).
    walked = tour_length(layout, order)
    length = round(walked, 3)
    sshape = round(s_len, 3)
    return RoutePlan(
        order=order,
        length_m=length,
        sshape_length_m=sshape,
        method=method,
        best_known_length_m=min(length, sshape),
        optimal=method in EXACT_METHODS,
    )
