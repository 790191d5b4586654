"""Routes for layouts with several blocks (cross aisles in the middle).

No compact exact method is known that stays simple for any number of blocks (Roodbergen and
de Koster's DP covers two), so:

* up to `EXACT_LIMIT` distinct locations: Held–Karp dynamic programming over the exact
  aisle-graph distances — optimal;
* beyond: the better of two constructions (S-shape order and nearest neighbour), each
  improved by 2-opt and or-opt (segments of 1–3, both directions) until no move helps. Distances are the true shortest walking distances, so every improvement is real.
"""

from __future__ import annotations

from .geometry import DEPOT, Layout, Location, distance

EXACT_LIMIT = 10


def _matrix(layout: Layout, nodes: list[Location]) -> list[list[float]]:
    return [[distance(layout, p, q) for q in nodes] for p in nodes]


def held_karp(layout: Layout, locations: list[Location]) -> tuple[list[Location], float]:
    """Exact shortest tour depot → locations → depot (exponential: small inputs only)."""
    pts = sorted(set(locations))
    n = len(pts)
    if n == 0:
        return [], 0.0
    nodes = [DEPOT, *pts]
    d = _matrix(layout, nodes)
    full = (1 << n) - 1
    # best[mask][i]: shortest path from the depot through `mask`, ending at pts[i]
    best: list[dict[int, tuple[float, int]]] = [{} for _ in range(1 << n)]
    for i in range(n):
        best[1 << i][i] = (d[0][i + 1], -1)
    for mask in range(1, 1 << n):
        row = best[mask]
        for i, (cost, _prev) in list(row.items()):
            for k in range(n):
                if mask & (1 << k):
                    continue
                nmask = mask | (1 << k)
                total = cost + d[i + 1][k + 1]
                cur = best[nmask].get(k)
                if cur is None or total < cur[0] - 1e-12:
                    best[nmask][k] = (total, i)
    end, length = min(
        ((i, c + d[i + 1][0]) for i, (c, _p) in best[full].items()), key=lambda t: t[1]
    )
    order = []
    mask, i = full, end
    while i != -1:
        order.append(pts[i])
        prev = best[mask][i][1]
        mask ^= 1 << i
        i = prev
    order.reverse()
    return order, length


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
