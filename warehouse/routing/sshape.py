"""The S-shape (traversal) route, the baseline every pick list is compared with.

Aisles holding picks are entered one after the other, alternating direction, and walked
through; with an odd number of aisles in a block the last one is entered and left from the
same end. With several blocks the blocks are served one after the other from the front,
serpentine across blocks (Roodbergen's multi-block S-shape, simplified). The length is measured
by walking that visiting order along shortest paths, so it is never longer than the textbook
S-shape walk: savings reported against it are, if anything, understated.
"""

from __future__ import annotations

from .geometry import Layout, Location, tour_length


def sshape_order(layout: Layout, locations: list[Location]) -> list[Location]:
    pts = sorted(set(locations))
    order: list[Location] = []
    for block in sorted({p.block for p in pts}):
        in_block = [p for p in pts if p.block == block]
        aisles = sorted({p.aisle for p in in_block}, reverse=block % 2 == 1)
        for k, aisle in enumerate(aisles):
            here = sorted((p for p in in_block if p.aisle == aisle), key=lambda p: p.y)
            order.extend(here if k % 2 == 0 else reversed(here))
    return order


def sshape_length(layout: Layout, locations: list[Location]) -> float:
    return tour_length(layout, sshape_order(layout, locations))
