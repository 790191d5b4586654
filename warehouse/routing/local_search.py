"""Iterated local search for a closed tour over a distance matrix (pure Python).

* Neighbour lists: each node's `NEIGHBOURS` nearest nodes; a move must create an edge to one
  of them, and it is pruned as soon as that new edge is no shorter than the edge it replaces
  (the usual gain criterion), so a pass costs O(n · NEIGHBOURS), not O(n²).
* Moves: 2-opt (both tour directions) and or-opt — a segment of 1–3 stops moved next to a
  neighbour of either of its ends, in either orientation (the 3-opt "segment insertion" moves).
* Don't-look bits: only nodes whose tour edges changed are examined again (a work queue).
* Perturbation: a local double bridge (A B C D → A C B D with short B and C, near each other,
  the 3-opt move local search cannot undo) followed by local search from the touched nodes;
  kept if not longer, else undone. The number of kicks is fixed and the random generator
  seeded, so the result does not depend on the machine's speed or load.
"""

from __future__ import annotations

import random
from collections import deque

import numpy as np

NEIGHBOURS = 10
SPAN = 30
LOCAL = 1.0
EPS = 1e-9


class _Tour:
    def __init__(self, d: list[list[float]], order: list[int]) -> None:
        self.d = d
        self.t = list(order)
        self.n = len(order)
        self.pos = [0] * self.n
        for i, node in enumerate(self.t):
            self.pos[node] = i

    def succ(self, node: int) -> int:
        i = self.pos[node] + 1
        return self.t[i if i < self.n else 0]

    def pred(self, node: int) -> int:
        return self.t[self.pos[node] - 1]

    def reverse(self, a: int, b: int) -> None:
        """Reverse the tour path from node a forward to node b (inclusive)."""
        t, pos, n = self.t, self.pos, self.n
        i, j = pos[a], pos[b]
        length = (j - i) % n + 1
        if 2 * length > n:  # reverse the complement instead: the same cycle
            i, j = (j + 1) % n, (i - 1) % n
            length = n - length
        if length < 2:
            return
        if i <= j:
            t[i : j + 1] = t[i : j + 1][::-1]
            for k in range(i, j + 1):
                pos[t[k]] = k
        else:
            idx = list(range(i, n)) + list(range(0, j + 1))
            vals = [t[k] for k in idx][::-1]
            for k, v in zip(idx, vals, strict=True):
                t[k] = v
                pos[v] = k

    def move_segment(self, first: int, last: int, after: int, reverse: bool) -> None:
        """Move the path first..last (forward) to sit between `after` and its successor."""
        t, pos, n = self.t, self.pos, self.n
        i = pos[first]
        length = (pos[last] - i) % n + 1
        k = pos[after]
        if i + length > n:  # the segment wraps round the array's end: rebuild
            rot = t[i:] + t[:i]
            seg, rest = rot[:length], rot[length:]
            if reverse:
                seg.reverse()
            at = rest.index(after) + 1
            self.t = t = rest[:at] + seg + rest[at:]
            lo, hi = 0, n - 1
        else:
            seg = t[i : i + length]
            if reverse:
                seg.reverse()
            if k > i:  # after the segment: what lies between shifts left
                t[i : k + 1] = t[i + length : k + 1] + seg
                lo, hi = i, k
            else:
                t[k + 1 : i + length] = seg + t[k + 1 : i]
                lo, hi = k + 1, i + length - 1
        for idx in range(lo, hi + 1):
            pos[t[idx]] = idx

    def length(self) -> float:
        d, t = self.d, self.t
        return sum(d[t[k - 1]][t[k]] for k in range(self.n))


def neighbours(d: np.ndarray, k: int = NEIGHBOURS) -> list[list[int]]:
    """Each node's k nearest other nodes, nearest first (ties by index)."""
    n = len(d)
    k = min(k, n - 1)
    masked = d + np.diag(np.full(n, np.inf))
    return np.argsort(masked, axis=1, kind="stable")[:, :k].tolist()


def _improve_node(tour: _Tour, a: int, near: list[list[int]]) -> tuple[float, list[int]] | None:
    """Apply the first improving move around node a; return (gain, nodes whose edges changed)."""
    d, t, pos, n = tour.d, tour.t, tour.pos, tour.n
    da = d[a]
    i = pos[a]
    # 2-opt, successor side: edges (a, b), (c, e) -> (a, c), (b, e)
    b = t[i + 1 if i + 1 < n else 0]
    dab = da[b]
    for c in near[a]:
        g1 = dab - da[c]
        if g1 <= EPS:
            break
        k = pos[c] + 1
        e = t[k if k < n else 0]
        if c == b or e == a:
            continue
        gain = g1 + d[c][e] - d[b][e]
        if gain > EPS:
            tour.reverse(b, c)
            return gain, [a, b, c, e]
    # 2-opt, predecessor side: edges (b, a), (e, c) -> (a, c), (b, e)
    b = t[i - 1]
    dab = da[b]
    for c in near[a]:
        g1 = dab - da[c]
        if g1 <= EPS:
            break
        e = t[pos[c] - 1]
        if c == b or e == a:
            continue
        gain = g1 + d[e][c] - d[b][e]
        if gain > EPS:
            tour.reverse(c, b)
            return gain, [a, b, c, e]
    # or-opt: a segment of 1-3 stops that starts or ends at a, moved next to a neighbour
    for seg_len in (1, 2, 3):
        if seg_len > n - 3:
            break
        for starts_at_a in (True, False):
            start = i if starts_at_a else (i - seg_len + 1) % n
            first, last = t[start], t[(start + seg_len - 1) % n]
            p, q = t[start - 1], t[(start + seg_len) % n]
            removed = d[p][first] + d[last][q] - d[p][q]
            if removed <= EPS:
                continue
            for end, other in ((first, last), (last, first)):
                dend = d[end]
                for c in near[end]:
                    if dend[c] >= removed - EPS:
                        break
                    k = pos[c]
                    if (k - start) % n < seg_len:
                        continue  # c is in the segment
                    # c then end…other then succ(c)  |  pred(c) then other…end then c
                    after = t[k + 1 if k + 1 < n else 0]
                    if (k + 1 - start) % n >= seg_len:
                        added = dend[c] + d[other][after] - d[c][after]
                        if removed - added > EPS:
                            tour.move_segment(first, last, c, reverse=end != first)
                            return removed - added, [p, q, c, after, first, last]
                    before = t[k - 1]
                    if (k - 1 - start) % n >= seg_len:
                        added = d[before][other] + dend[c] - d[before][c]
                        if removed - added > EPS:
                            tour.move_segment(first, last, before, reverse=other != first)
                            return removed - added, [p, q, before, c, first, last]
    return None


def local_search(tour: _Tour, near: list[list[int]], queue: deque[int]) -> float:
    """Improve until no queued node has an improving move; return the total gain."""
    queued = [False] * tour.n
    for node in queue:
        queued[node] = True
    total = 0.0
    while queue:
        a = queue.popleft()
        queued[a] = False
        found = _improve_node(tour, a, near)
        if found is None:
            continue
        gain, touched = found
        total += gain
        for node in (a, *touched):
            if not queued[node]:
                queued[node] = True
                queue.append(node)
    return total


def optimise(
    d: list[list[float]], order: list[int], *, near: list[list[int]], kicks: int, seed: int = 0
) -> list[int]:
    """A short closed tour through every node of `d`, improved from `order` (a permutation).

    `near` are the neighbour lists (`neighbours`). Returns the tour rotated to start at node 0.
    """
    n = len(order)
    if n <= 3:
        return list(order)
    tour = _Tour(d, order)
    local_search(tour, near, deque(range(n)))
    rng = random.Random(seed)
    for _ in range(kicks if n >= 8 else 0):
        # a double bridge A B C D -> A C B D; B and C mostly short (a local kick)
        span = min(SPAN, n // 4) if rng.random() < LOCAL else n // 3
        len_b = rng.randint(1, span)
        len_c = rng.randint(1, span)
        i = rng.randrange(n)
        if i + len_b + len_c + 1 >= n:  # keep the kick inside the array: rotate it once
            tour.t = tour.t[i:] + tour.t[:i]
            for idx, node in enumerate(tour.t):
                tour.pos[node] = idx
            i = 0
        t, pos = tour.t, tour.pos
        saved_t, saved_pos = t[:], pos[:]
        j, k = i + 1 + len_b, i + 1 + len_b + len_c
        a_, b0, b1, c0, c1, r0 = t[i], t[i + 1], t[j - 1], t[j], t[k - 1], t[k]
        delta = d[a_][c0] + d[c1][b0] + d[b1][r0] - d[a_][b0] - d[b1][c0] - d[c1][r0]
        t[i + 1 : k] = t[j:k] + t[i + 1 : j]
        for idx in range(i + 1, k):
            pos[t[idx]] = idx
        gain = local_search(tour, near, deque((a_, b0, b1, c0, c1, r0)))
        if gain - delta < -EPS:  # longer than before the kick: undo
            tour.t, tour.pos = saved_t, saved_pos
    k = tour.pos[0]
    return tour.t[k:] + tour.t[:k]
