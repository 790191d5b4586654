"""Layout geometry for walking routes.

Coordinates (metres): `x` runs across the aisles, `y` along them. Cross aisle `c`
(c = 0 … blocks) has its centre line at y = c × (block_length + cross_aisle_width); cross aisle 0
is the front one, where the depot (pick-and-drop point) sits at x = depot_x. A bin in block `b`
at `position_m` from its block's front end sits at
y = b × (L + W) + W / 2 + position_m. Aisles are narrow: a picker reaches both sides from the
aisle's centre line, so a location is (aisle, y).

Every aisle runs through every block and every cross aisle spans the whole width, so between
two cross-aisle nodes the walking distance is the Manhattan distance; a location inside an
aisle segment is left through one of the segment's two ends.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Layout:
    """The walking geometry of one warehouse."""

    aisle_x: tuple[float, ...]  # x of each aisle's centre line, by aisle index
    block_length: float
    cross_aisle_width: float
    blocks: int = 1
    depot_x: float = 0.0

    @property
    def pitch(self) -> float:
        """Distance between two consecutive cross-aisle centre lines."""
        return self.block_length + self.cross_aisle_width

    def cross_y(self, c: int) -> float:
        return c * self.pitch

    def location(self, *, aisle: int, block: int, position_m: float) -> Location:
        y = block * self.pitch + self.cross_aisle_width / 2 + position_m
        return Location(aisle=aisle, block=block, y=round(y, 6))


@dataclass(frozen=True, order=True)
class Location:
    """A point in an aisle: which aisle, which block, how far from the front (y, metres)."""

    aisle: int
    block: int
    y: float


DEPOT = Location(aisle=-1, block=0, y=0.0)


def distance(layout: Layout, p: Location, q: Location) -> float:
    """Exact shortest walking distance between two locations (or the depot)."""
    if p == q:
        return 0.0
    if p.aisle == q.aisle and p.aisle >= 0:
        # Same aisle: walk straight along it, through any cross aisles in between.
        return abs(p.y - q.y)
    px = layout.depot_x if p.aisle < 0 else layout.aisle_x[p.aisle]
    qx = layout.depot_x if q.aisle < 0 else layout.aisle_x[q.aisle]
    best = float("inf")
    for ep in _exits(layout, p):
        for eq in _exits(layout, q):
            d = abs(p.y - ep) + abs(ep - eq) + abs(q.y - eq)
            best = min(best, d)
    return best + abs(px - qx)


def _exits(layout: Layout, p: Location) -> tuple[float, ...]:
    if p.aisle < 0:  # the depot sits on the front cross aisle
        return (p.y,)
    return (layout.cross_y(p.block), layout.cross_y(p.block + 1))


def distance_matrix(layout: Layout, nodes: list[Location]) -> np.ndarray:
    """All pairwise `distance`s at once (the same formula, vectorised): an n × n float array."""
    x = np.array([layout.depot_x if p.aisle < 0 else layout.aisle_x[p.aisle] for p in nodes])
    y = np.array([p.y for p in nodes], dtype=float)
    aisle = np.array([p.aisle for p in nodes])
    lo = np.array([p.y if p.aisle < 0 else layout.cross_y(p.block) for p in nodes], dtype=float)
    hi = np.array([p.y if p.aisle < 0 else layout.cross_y(p.block + 1) for p in nodes], dtype=float)
    corners = [
        np.abs(y - ep)[:, None] + np.abs(ep[:, None] - eq[None, :]) + np.abs(y - eq)[None, :]
        for ep in (lo, hi)
        for eq in (lo, hi)
    ]
    best = np.minimum.reduce(corners)
    out = best + np.abs(x[:, None] - x[None, :])
    same = (aisle[:, None] == aisle[None, :]) & (aisle[:, None] >= 0)
    out = np.where(same, np.abs(y[:, None] - y[None, :]), out)
    np.fill_diagonal(out, 0.0)
    return out


def tour_length(layout: Layout, order: list[Location] | tuple[Location, ...]) -> float:
    """Length of depot → order… → depot."""
    total = 0.0
    prev = DEPOT
    for loc in order:
        total += distance(layout, prev, loc)
        prev = loc
    return total + distance(layout, prev, DEPOT)


def first_visits(edges: list[tuple[tuple, tuple]], *, start: tuple) -> list[tuple]:
    """Nodes in order of first visit along an Euler circuit of `edges` (Hierholzer's algorithm).

    The exact single- and two-block algorithms build the route as a multigraph whose every node
    has even degree; walking its circuit from the depot and keeping first visits gives the tour.
    """
    adjacency: dict[tuple, list[tuple[tuple, int]]] = {}
    for eid, (u, v) in enumerate(edges):
        adjacency.setdefault(u, []).append((v, eid))
        adjacency.setdefault(v, []).append((u, eid))
    used = [False] * len(edges)
    stack = [start]
    circuit: list[tuple] = []
    while stack:
        node = stack[-1]
        nbrs = adjacency.get(node, [])
        while nbrs and used[nbrs[-1][1]]:
            nbrs.pop()
        if nbrs:
            nxt, eid = nbrs.pop()
            used[eid] = True
            stack.append(nxt)
        else:
            circuit.append(stack.pop())
    circuit.reverse()
    seen: set[tuple] = set()
    order = []
    for node in circuit:
        if node not in seen:
            seen.add(node)
            order.append(node)
    return order
