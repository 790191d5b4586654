"""Roodbergen & de Koster (2001): the exact shortest picking tour with a middle cross aisle.

The warehouse graph is a ladder with three rails — the front, middle and back cross aisles —
and one column per aisle, cut by the middle cross aisle into a lower and an upper segment that
hold the pick locations. The tour is the cheapest connected, even-degree multigraph over that
graph touching every pick location and the depot; an Euler circuit of it is the walk. As in
Ratliff & Rosenthal's single-block method, the aisles are swept left to right and a partial
solution is summarised by the three boundary nodes of the current aisle: for each, its degree
parity, whether it is touched, and which of them are already connected (the paper lists the
resulting equivalence classes by hand; here they are generated as canonical labellings). Each
step adds 0, 1 or 2 copies of the cross-aisle edges to the next aisle (only the counts that keep
the left-hand nodes even, and never a dead-end spur), then one of the six ways of covering each
aisle segment (none, traverse, double traverse, from the lower end, from the upper end, from
both ends skipping the largest gap). A component may never be cut off from the sweep except as
the finished tour. Time is linear in the number of aisles; every transition depends only on the
state and the choice, so transitions are memoised across calls.

Written over `blocks + 1` rails, the same sweep is exact for any number of blocks, but the
number of states grows quickly with the rails (28 for two blocks, 139 for three, 706 for
four); `route_plan` uses it for two and three blocks.
The depot is one more column on the front cross aisle, reached only from the front rail.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache

from .geometry import DEPOT, Layout, Location, first_visits

INF = float("inf")
# route_plan sweeps up to this many blocks exactly (3 blocks: ~140 states, tens of ms per list)
EXACT_MAX_BLOCKS = 3

# A state: for each rail node of the current column, 0 if untouched, else
# 2 * component label + degree parity (labels 1, 2, … in order of first appearance).
State = tuple[int, ...]

# Segment cover signatures: (name, degree at the lower node, degree at the upper node, joins)
NONE, TRAVERSE, DOUBLE, FROM_LOW, FROM_HIGH, SPLIT = range(6)
_SIGNATURE = {
    NONE: (0, 0, False),
    TRAVERSE: (1, 1, True),
    DOUBLE: (2, 2, True),
    FROM_LOW: (2, 0, False),
    FROM_HIGH: (0, 2, False),
    SPLIT: (2, 2, False),
}


@dataclass(frozen=True)
class _Segment:
    ys: tuple[float, ...]  # sorted distinct positions from the segment's lower end
    locations: tuple[Location, ...]  # same order


@dataclass(frozen=True)
class _Column:
    x: float
    segments: tuple[_Segment, ...]
    is_depot: bool = False

    @property
    def required(self) -> bool:
        return self.is_depot or any(seg.ys for seg in self.segments)


def _covers(seg: _Segment, length: float, *, depot: bool, lowest: bool) -> list[tuple[int, float]]:
    """The useful ways (kind, cost) to cover one aisle segment."""
    ys = seg.ys
    if depot:
        # the depot column has no aisle: the depot point itself sits on the front rail
        return [(FROM_LOW, 0.0)] if lowest else [(NONE, 0.0)]
    out: list[tuple[int, float]] = [(TRAVERSE, length), (DOUBLE, 2 * length)]
    if not ys:
        out.append((NONE, 0.0))
        return out
    out.append((FROM_LOW, 2 * ys[-1]))
    out.append((FROM_HIGH, 2 * (length - ys[0])))
    if len(ys) > 1:
        gap = max(ys[k + 1] - ys[k] for k in range(len(ys) - 1))
        out.append((SPLIT, 2 * length - 2 * gap))
    return out


def _split_index(ys: tuple[float, ...]) -> int:
    """Index of the last position served from the lower end when skipping the largest gap."""
    return max(range(len(ys) - 1), key=lambda k: ys[k + 1] - ys[k])


def _canon(labels: list[int], parity: list[int]) -> State:
    seen: dict[int, int] = {}
    out = []
    for lab, par in zip(labels, parity, strict=True):
        if lab == 0:
            out.append(0)
            continue
        if lab not in seen:
            seen[lab] = len(seen) + 1
        out.append(2 * seen[lab] + par)
    return tuple(out)


@cache
def _horizontal(state: State) -> tuple[tuple[tuple[int, ...], State], ...]:
    """Every useful choice of cross-aisle edge copies to the next column, and the state after."""
    options = []
    for node in state:
        if node == 0:
            options.append((0,))
        elif node % 2:
            options.append((1,))
        else:
            options.append((0, 2))
    out = []
    for h in itertools.product(*options):
        labels = [node // 2 if copies else 0 for node, copies in zip(state, h, strict=True)]
        # every component must go on to the right (or the tour would end here)
        if {n // 2 for n in state if n} - set(labels):
            continue
        out.append((h, _canon(labels, [c % 2 for c in h])))
    return tuple(out)


@cache
def _vertical(state: State, seg: int, kind: int) -> State | None:
    """The state after covering segment `seg` (between rails seg and seg+1) with `kind`."""
    deg_lo, deg_hi, joins = _SIGNATURE[kind]
    labels = [n // 2 for n in state]
    parity = [n % 2 if n else 0 for n in state]
    fresh = max(labels, default=0) + 1
    for rail, deg in ((seg, deg_lo), (seg + 1, deg_hi)):
        if deg and labels[rail] == 0:
            labels[rail] = fresh
            fresh += 1
        parity[rail] = (parity[rail] + deg) % 2
    if joins:
        a, b = labels[seg], labels[seg + 1]
        labels = [a if lab == b else lab for lab in labels]
    return _canon(labels, parity)


def _is_closed(state: State) -> bool:
    touched = [n for n in state if n]
    return bool(touched) and all(n == 2 for n in touched)  # one component (label 1), all even


def _columns(layout: Layout, locations: list[Location]) -> list[_Column]:
    pitch = layout.pitch
    blocks = layout.blocks
    by_aisle: dict[int, list[set[float]]] = {}
    for loc in locations:
        by_aisle.setdefault(loc.aisle, [set() for _ in range(blocks)])[loc.block].add(
            round(loc.y - loc.block * pitch, 6)
        )
    xs = [layout.aisle_x[a] for a in by_aisle] + [layout.depot_x]
    lo, hi = min(xs), max(xs)
    cols = [
        _Column(
            x=layout.depot_x,
            segments=(_Segment((0.0,), (DEPOT,)),) + (_Segment((), ()),) * (blocks - 1),
            is_depot=True,
        )
    ]
    for aisle, x in enumerate(layout.aisle_x):
        if x < lo or x > hi:
            continue
        segments = []
        for block, ys_set in enumerate(by_aisle.get(aisle, [set()] * blocks)):
            ys = tuple(sorted(ys_set))
            segments.append(
                _Segment(
                    ys,
                    tuple(
                        Location(aisle=aisle, block=block, y=round(block * pitch + y, 6))
                        for y in ys
                    ),
                )
            )
        cols.append(_Column(x=x, segments=tuple(segments)))
    cols.sort(key=lambda c: (c.x, not c.is_depot))
    return cols


# A back-pointer: (previous state, choice); choice is the h-vector or the cover kind.
_Layer = dict[State, tuple[float, State | None, object]]


def optimal_route(layout: Layout, locations: list[Location]) -> tuple[list[Location], float]:
    """Return (visiting order, length) of a shortest tour depot → all locations → depot.

    Exact for any number of blocks (the state space grows with `layout.blocks + 1` rails).
    """
    unique = sorted(set(locations))
    if not unique:
        return [], 0.0
    if any(not 0 <= loc.block < layout.blocks for loc in unique):
        raise ValueError("a location lies outside the layout's blocks")
    rails = layout.blocks + 1
    length = layout.pitch
    cols = _columns(layout, unique)
    last_required = max(i for i, c in enumerate(cols) if c.required)

    # stages[j] = [after horizontal edges into column j, after segment 0, after segment 1, …]
    stages: list[list[_Layer]] = []
    current: _Layer = {(0,) * rails: (0.0, None, None)}
    best: tuple[float, int, State] | None = None
    for j, col in enumerate(cols):
        col_stages: list[_Layer] = []
        if j > 0:
            width = col.x - cols[j - 1].x
            nxt: _Layer = {}
            for state, (cost, *_r) in current.items():
                for h, after in _horizontal(state):
                    total = cost + width * sum(h)
                    if after not in nxt or total < nxt[after][0] - 1e-12:
                        nxt[after] = (total, state, h)
            current = nxt
        col_stages.append(current)
        for s, seg in enumerate(col.segments):
            covers = _covers(seg, length, depot=col.is_depot, lowest=s == 0)
            nxt = {}
            for state, (cost, *_r) in current.items():
                for kind, c in covers:
                    after = _vertical(state, s, kind)
                    total = cost + c
                    if after not in nxt or total < nxt[after][0] - 1e-12:
                        nxt[after] = (total, state, kind)
            current = nxt
            col_stages.append(current)
        stages.append(col_stages)
        if j >= last_required:
            for state, (cost, *_r) in current.items():
                if _is_closed(state) and (best is None or cost < best[0] - 1e-12):
                    best = (cost, j, state)
    if best is None:  # pragma: no cover - a connected layout always has a tour
        raise RuntimeError("no feasible tour")
    total_length, j_end, state = best

    # Rebuild the multigraph of the optimal solution, then walk an Euler circuit.
    edges: list[tuple[tuple, tuple]] = []
    cur: State | None = state
    for j in range(j_end, -1, -1):
        col = cols[j]
        for s in range(len(col.segments) - 1, -1, -1):
            _cost, prev, kind = stages[j][s + 1][cur]  # type: ignore[index]
            edges.extend(_cover_edges(j, s, col.segments[s], int(kind)))  # type: ignore[call-overload]
            cur = prev
        if j > 0:
            _cost, prev, h = stages[j][0][cur]  # type: ignore[index]
            for rail, copies in enumerate(h):  # type: ignore[arg-type]
                edges.extend([(("n", j - 1, rail), ("n", j, rail))] * copies)
            cur = prev
    depot_col = next(i for i, c in enumerate(cols) if c.is_depot)
    point_of = {
        ("p", j, s, k): loc
        for j, c in enumerate(cols)
        for s, seg in enumerate(c.segments)
        for k, loc in enumerate(seg.locations)
    }
    order = first_visits(edges, start=("p", depot_col, 0, 0))
    return [
        point_of[node] for node in order if node in point_of and point_of[node] != DEPOT
    ], total_length


def _cover_edges(j: int, s: int, seg: _Segment, kind: int) -> list[tuple[tuple, tuple]]:
    k = len(seg.ys)
    chain = [("n", j, s)] + [("p", j, s, i) for i in range(k)] + [("n", j, s + 1)]
    pairs = list(itertools.pairwise(chain))
    if kind == NONE:
        return []
    if kind == TRAVERSE:
        return pairs
    if kind == DOUBLE:
        return pairs * 2
    if kind == FROM_LOW:
        return pairs[:k] * 2
    if kind == FROM_HIGH:
        return pairs[1:] * 2
    gap = _split_index(seg.ys)
    return pairs[: gap + 1] * 2 + pairs[gap + 2 :] * 2
