"""Ratliff & Rosenthal (1983): the exact shortest order-picking tour in one block of aisles.

The tour is built as the cheapest connected, even-degree multigraph over the ladder graph of
the block (front and back cross aisle, one vertical segment per aisle) that touches every pick
location and the depot; an Euler circuit of it is the tour. Sweeping the aisles left to right,
every partial solution is summarised by the degree parity of the two boundary nodes (front
`a_j`, back `b_j`), whether each is touched, and whether they are already connected — the
seven equivalence classes of the paper. For each aisle the six classic ways of covering it
(none, traverse, double traverse, return from the front, return from the back, return from both
ends skipping the largest gap) and 0/1/2 copies of each horizontal cross-aisle edge are tried.
Time is linear in the number of aisles.

The depot is one more "column" on the front cross aisle that can only be reached from the front.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from .geometry import DEPOT, Layout, Location, first_visits

INF = float("inf")

# (parity_a, parity_b, touched_a, touched_b, joined)
State = tuple[int, int, bool, bool, bool]
EMPTY: State = (0, 0, False, False, False)


@dataclass(frozen=True)
class _Column:
    x: float
    length: float
    ys: tuple[float, ...]  # sorted, distinct pick positions along the aisle
    locations: tuple[Location, ...]  # same order as ys
    is_depot: bool = False

    @property
    def required(self) -> bool:
        return bool(self.ys)


@dataclass(frozen=True)
class _Config:
    name: str
    cost: float
    deg_a: int
    deg_b: int
    joins: bool
    gap: int = -1  # for "split": last index served from the front


def _configs(col: _Column) -> list[_Config]:
    ys, length = col.ys, col.length
    out: list[_Config] = []
    if not ys:
        out.append(_Config("none", 0.0, 0, 0, False))
    if not col.is_depot:
        out.append(_Config("traverse", length, 1, 1, True))
        out.append(_Config("double", 2 * length, 2, 2, True))
    if ys:
        out.append(_Config("front", 2 * ys[-1], 2, 0, False))
        if not col.is_depot:
            out.append(_Config("back", 2 * (length - ys[0]), 0, 2, False))
            if len(ys) > 1:
                i = max(range(len(ys) - 1), key=lambda k: ys[k + 1] - ys[k])
                cost = 2 * ys[i] + 2 * (length - ys[i + 1])
                out.append(_Config("split", cost, 2, 2, False, gap=i))
    return out


def _find(parent: list[int], i: int) -> int:
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _transition(state: State, ha: int, hb: int, cfg: _Config) -> State | None:
    pa, pb, ta, tb, joined = state
    if (pa + ha) % 2 or (pb + hb) % 2:
        return None  # the left nodes would keep an odd degree
    if (ha and not ta) or (hb and not tb):
        return None  # a spur out of an untouched node never helps
    parent = [0, 1, 2, 3]  # a, b, a', b'

    def union(i: int, j: int) -> None:
        parent[_find(parent, i)] = _find(parent, j)

    if joined:
        union(0, 1)
    if ha:
        union(0, 2)
    if hb:
        union(1, 3)
    if cfg.joins:
        union(2, 3)
    ta2 = bool(ha or cfg.deg_a)
    tb2 = bool(hb or cfg.deg_b)
    live = {_find(parent, n) for n, t in ((2, ta2), (3, tb2)) if t}
    for n, t in ((0, ta), (1, tb)):
        if t and _find(parent, n) not in live:
            return None  # a component would be cut off (only allowed at the very end)
    joined2 = ta2 and tb2 and _find(parent, 2) == _find(parent, 3)
    return ((ha + cfg.deg_a) % 2, (hb + cfg.deg_b) % 2, ta2, tb2, joined2)


def _columns(layout: Layout, locations: list[Location]) -> list[_Column]:
    length = layout.pitch
    by_aisle: dict[int, set[float]] = {}
    for loc in locations:
        by_aisle.setdefault(loc.aisle, set()).add(loc.y)
    xs = [layout.aisle_x[a] for a in by_aisle] + [layout.depot_x]
    lo, hi = min(xs), max(xs)
    cols = [
        _Column(
            x=layout.depot_x,
            length=INF,
            ys=(0.0,),
            locations=(DEPOT,),
            is_depot=True,
        )
    ]
    for aisle, x in enumerate(layout.aisle_x):
        if x < lo or x > hi:
            continue
        ys = tuple(sorted(by_aisle.get(aisle, ())))
        cols.append(
            _Column(
                x=x,
                length=length,
                ys=ys,
                locations=tuple(Location(aisle=aisle, block=0, y=y) for y in ys),
            )
        )
    cols.sort(key=lambda c: (c.x, not c.is_depot))
    return cols


def optimal_route(layout: Layout, locations: list[Location]) -> tuple[list[Location], float]:
    """Return (visiting order, length) of a shortest tour depot → all locations → depot.

    All locations must be in block 0 of a single-block layout.
    """
    unique = sorted(set(locations))
    if not unique:
        return [], 0.0
    if any(loc.block != 0 for loc in unique):
        raise ValueError("single-block routing got a location outside block 0")
    cols = _columns(layout, unique)
    n = len(cols)
    last_required = max(i for i, c in enumerate(cols) if c.required)

    # dp[j][state] = (cost, prev_state, ha, hb, cfg)
    dp: list[dict[State, tuple[float, State | None, int, int, _Config]]] = []
    first: dict[State, tuple[float, State | None, int, int, _Config]] = {}
    for cfg in _configs(cols[0]):
        st = _transition(EMPTY, 0, 0, cfg)
        if st is not None and (st not in first or cfg.cost < first[st][0]):
            first[st] = (cfg.cost, None, 0, 0, cfg)
    dp.append(first)
    for j in range(1, n):
        width = cols[j].x - cols[j - 1].x
        layer: dict[State, tuple[float, State | None, int, int, _Config]] = {}
        cfgs = _configs(cols[j])
        for state, (cost, *_rest) in dp[j - 1].items():
            for ha in (0, 1, 2):
                for hb in (0, 1, 2):
                    base = cost + width * (ha + hb)
                    for cfg in cfgs:
                        total = base + cfg.cost
                        if total == INF:
                            continue
                        st = _transition(state, ha, hb, cfg)
                        if st is None:
                            continue
                        if st not in layer or total < layer[st][0] - 1e-12:
                            layer[st] = (total, state, ha, hb, cfg)
        dp.append(layer)

    best: tuple[float, int, State] | None = None
    for j in range(last_required, n):
        for state, (cost, *_r) in dp[j].items():
            pa, pb, ta, tb, joined = state
            if pa or pb or not (ta or tb) or (ta and tb and not joined):
                continue
            if best is None or cost < best[0] - 1e-12:
                best = (cost, j, state)
    if best is None:  # pragma: no cover - a connected layout always has a tour
        raise RuntimeError("no feasible tour")
    length, j_end, state = best

    # Rebuild the multigraph of the optimal solution, then walk an Euler circuit.
    edges: list[tuple[tuple, tuple]] = []
    j = j_end
    cur: State | None = state
    while j >= 0 and cur is not None:
        _cost, prev, ha, hb, cfg = dp[j][cur]
        edges.extend(_config_edges(j, cols[j], cfg))
        edges.extend([(("a", j - 1), ("a", j))] * ha)
        edges.extend([(("b", j - 1), ("b", j))] * hb)
        cur = prev
        j -= 1
    depot_col = next(i for i, c in enumerate(cols) if c.is_depot)
    point_of = {("p", i, k): loc for i, c in enumerate(cols) for k, loc in enumerate(c.locations)}
    order = first_visits(edges, start=("p", depot_col, 0))
    return [
        point_of[node] for node in order if node in point_of and point_of[node] != DEPOT
    ], length


def _config_edges(j: int, col: _Column, cfg: _Config) -> list[tuple[tuple, tuple]]:
    chain = [("a", j)] + [("p", j, k) for k in range(len(col.ys))] + [("b", j)]
    k = len(col.ys)
    pairs = list(itertools.pairwise(chain))
    if cfg.name == "none":
        return []
    if cfg.name == "traverse":
        return pairs
    if cfg.name == "double":
        return pairs * 2
    if cfg.name == "front":
        return pairs[:k] * 2
    if cfg.name == "back":
        return pairs[1:] * 2
    # split: points 0..gap from the front, gap+1..k-1 from the back
    return pairs[: cfg.gap + 1] * 2 + pairs[cfg.gap + 2 :] * 2
