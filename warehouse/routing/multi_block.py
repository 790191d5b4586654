"""Routes for layouts with several blocks (cross aisles in the middle).

No compact exact method is known that stays simple for any number of blocks (Roodbergen and
de Koster's DP covers two), so:

* up to `EXACT_LIMIT` distinct locations: Held–Karp dynamic programming over the exact
  aisle-graph distances — optimal;
* beyond: the better of two constructions (S-shape order and nearest neighbour), each
  improved by 2-opt and or-opt (segments of 1–3, both directions) until no move helps. Distances are the true shortest walking distances, so every improvement is real.
"""

from __future__ import annotations

import numpy as np

from .geometry import DEPOT, Layout, Location, distance_matrix

EXACT_LIMIT = 10


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
    return sum(d[tour[i]][tour[i + 1]] for i in range(len(tour) - 1))


def improve(d: list[list[float]], tour: list[int]) -> list[int]:
    """2-opt and or-opt (segments of 1–3) on a closed tour that starts and ends at node 0."""
    tour = list(tour)
    n = len(tour)
    improved = True
    while improved:
        improved = False
        # 2-opt: reverse tour[i..k]
        for i in range(1, n - 2):
            for k in range(i + 1, n - 1):
                a, b, c, e = tour[i - 1], tour[i], tour[k], tour[k + 1]
                delta = d[a][c] + d[b][e] - d[a][b] - d[c][e]
                if delta < -1e-9:
                    tour[i : k + 1] = reversed(tour[i : k + 1])
                    improved = True
        # or-opt: move a segment of 1..3 nodes elsewhere (either direction)
        for seg in (1, 2, 3):
            i = 1
            while i + seg <= n - 1:
                s = tour[i : i + seg]
                prev, nxt = tour[i - 1], tour[i + seg]
                removed = d[prev][s[0]] + d[s[-1]][nxt] - d[prev][nxt]
                rest = tour[:i] + tour[i + seg :]
                best_gain, best_pos, best_rev = 1e-9, -1, False
                for p in range(len(rest) - 1):
                    u, v = rest[p], rest[p + 1]
                    add = d[u][s[0]] + d[s[-1]][v] - d[u][v]
                    add_rev = d[u][s[-1]] + d[s[0]][v] - d[u][v]
                    if removed - add > best_gain:
                        best_gain, best_pos, best_rev = removed - add, p, False
                    if removed - add_rev > best_gain:
                        best_gain, best_pos, best_rev = removed - add_rev, p, True
                if best_pos >= 0:
                    piece = list(reversed(s)) if best_rev else s
                    tour = rest[: best_pos + 1] + piece + rest[best_pos + 1 :]
                    improved = True
                else:
                    i += 1
    return tour


def heuristic(
    layout: Layout, locations: list[Location], seeds: list[list[Location]]
) -> tuple[list[Location], float]:
    """Best of the given seed orders and nearest neighbour, each improved by 2-opt + or-opt."""
    pts = sorted(set(locations))
    if not pts:
        return [], 0.0
    nodes = [DEPOT, *pts]
    index = {p: i for i, p in enumerate(nodes)}
    d = _matrix(layout, nodes)
    candidates = [[0, *[index[p] for p in seed], 0] for seed in seeds]
    # nearest neighbour from the depot
    left = set(range(1, len(nodes)))
    tour, cur = [0], 0
    while left:
        cur = min(left, key=lambda k: (d[cur][k], k))
        left.remove(cur)
        tour.append(cur)
    candidates.append([*tour, 0])
    best_tour, best_len = None, float("inf")
    for cand in candidates:
        improved = improve(d, cand)
        length = _length(d, improved)
        if length < best_len - 1e-9:
            best_tour, best_len = improved, length
    if best_tour is None:  # pragma: no cover - there is always a candidate
        raise RuntimeError("no candidate tour")
    return [nodes[i] for i in best_tour[1:-1]], best_len
