"""Routes for layouts with four or more blocks (one to three blocks are swept exactly).

* up to `EXACT_LIMIT` distinct locations: Held–Karp dynamic programming over the exact
  aisle-graph distances — optimal;
* beyond: the better of two seed tours (S-shape order and nearest neighbour), each improved by
  iterated local search (`local_search`: 2-opt and or-opt with neighbour lists and don't-look
  bits, then `KICKS_PER_SEED` double-bridge kicks). Distances are the true shortest walking
  distances, so every improvement is real. On 4–6 blocks with 50–150 stops this is within
  about 0.5 % of LKH-3 on average (bench/bench_routes.py, bench/RESULTS.md).

Why not a library: OR-Tools' routing solver (Apache-2.0) with guided local search is 4–11 %
above LKH-3 when held to the same ~80 ms; elkai (LKH-3 itself) takes 0.15–1 s per 100–150-stop
list and its LKH code is licensed for non-commercial use only, which this AGPL product cannot
impose on its users — it serves as the benchmark's reference instead (see docs/warehouse.md).
"""

from __future__ import annotations

import numpy as np

from . import local_search
from .geometry import DEPOT, Layout, Location, distance_matrix

EXACT_LIMIT = 10
# Perturbations per seed tour (two seeds): fixed, so the route never depends on machine load.
KICKS_PER_SEED = 100


def _matrix(layout: Layout, nodes: list[Location]) -> list[list[float]]:
    return distance_matrix(layout, nodes).tolist()


def held_karp(layout: Layout, locations: list[Location]) -> tuple[list[Location], float]:
    """Exact shortest tour depot → locations → depot (exponential: small inputs only).

    best[mask, i] is the shortest path from the depot through the set `mask`, ending at pts[i];
    the sets are filled in order of size, one vectorised step per (size, last stop).
    """
    pts = sorted(set(locations))
    n = len(pts)
    if n == 0:
        return [], 0.0
    d = distance_matrix(layout, [DEPOT, *pts])
    inner, home = d[1:, 1:], d[0, 1:]
    size = 1 << n
    best = np.full((size, n), np.inf)
    came = np.full((size, n), -1, dtype=np.int64)
    masks = np.arange(size)
    popcount = np.zeros(size, dtype=np.int64)
    for k in range(n):
        popcount += (masks >> k) & 1
        best[1 << k, k] = home[k]
    for count in range(2, n + 1):
        layer = masks[popcount == count]
        for k in range(n):
            here = layer[(layer >> k) & 1 == 1]
            totals = best[here ^ (1 << k)] + inner[:, k]
            came[here, k] = np.argmin(totals, axis=1)
            best[here, k] = totals[np.arange(len(here)), came[here, k]]
    full = size - 1
    closing = best[full] + home
    end = int(np.argmin(closing))
    order = []
    mask, i = full, end
    while i != -1:
        order.append(pts[i])
        prev = int(came[mask, i])
        mask ^= 1 << i
        i = prev
    order.reverse()
    return order, float(closing[end])


def _length(d: list[list[float]], tour: list[int]) -> float:
    return sum(d[tour[i - 1]][tour[i]] for i in range(len(tour)))


def heuristic(
    layout: Layout, locations: list[Location], seeds: list[list[Location]]
) -> tuple[list[Location], float]:
    """Best of the seed orders and nearest neighbour, each improved by iterated local search."""
    pts = sorted(set(locations))
    if not pts:
        return [], 0.0
    nodes = [DEPOT, *pts]
    index = {p: i for i, p in enumerate(nodes)}
    matrix = distance_matrix(layout, nodes)
    d = matrix.tolist()
    near = local_search.neighbours(matrix)
    candidates = [[0, *[index[p] for p in seed]] for seed in seeds]
    # nearest neighbour from the depot
    left = set(range(1, len(nodes)))
    tour, cur = [0], 0
    while left:
        row = d[cur]
        cur = min(left, key=lambda k: (row[k], k))
        left.remove(cur)
        tour.append(cur)
    candidates.append(tour)
    best_tour, best_len = None, float("inf")
    for k, cand in enumerate(candidates):
        improved = local_search.optimise(d, cand, near=near, kicks=KICKS_PER_SEED, seed=k)
        length = _length(d, improved)
        if length < best_len - 1e-9:
            best_tour, best_len = improved, length
    if best_tour is None:  # pragma: no cover - there is always a candidate
        raise RuntimeError("no candidate tour")
    return [nodes[i] for i in best_tour[1:]], best_len
