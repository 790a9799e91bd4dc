"""Or-3opt: the sequential 3-opt move, searched the way Lin and Kernighan search.

Take three edges out of the tour; three paths are left, and they can be joined
into a new tour in four ways that use no edge taken out. 2-opt and Or-opt are
special cases (Or-opt moves a path of at most three cities); the move here
moves a path of any length, either way round, or swaps two neighbouring paths,
which 2-opt and Or-opt cannot do in one step. Iterated local search repairs a
kick with it (``tsp.solve``): each repair reaches a better tour, so fewer kicks
are wasted.

The search, from a city t2 and one of its tour neighbours t1 (both ways round,
so that t2 follows t1), is a chain of exchanges: remove t1-t2, add t2-t3 (t3 a
candidate of t2), remove t3-t4 (t4 a tour neighbour of t3), add t4-t5 (t5 a
candidate of t4), remove t5-t6, and close with t6-t1. The gain criterion prunes
it: ``g1 = d(t1, t2) - d(t2, t3)`` and ``g2 = g1 + d(t3, t4) - d(t4, t5)`` must
stay positive, so each list is read, nearest first, only while it can still
pay. Nothing is lost by that: the gains of the three exchanges add up to the
move's gain, and some rotation of an improving move has every partial sum
positive (Lin and Kernighan 1973), so it is found from one of its six cities.

Which t4 and t6 give a tour (t2 follows t1; "after" in that direction):

- t4 before t3: removing t3-t4 and adding t4-t1 would be a 2-opt move; made,
  t4 follows t1 and the second exchange is another 2-opt move from the edge
  t1-t4, which fixes t6 (the city before t5 in the tour after the first flip).
  Two flips.
- t4 after t3: t2 .. t3 closes into a cycle; t5 must lie on it, and either
  neighbour of t5 can be t6. t6 after t5 swaps the paths t2..t5 and t6..t3
  (three flips); t6 before t5 turns both round in place (two flips).

Symmetric instances only (the moves are costed from their six edge ends); the
depot of an open path takes part like any node, but has no candidates, so it
is never t4: on an open path the moves that only that rotation finds are not
searched (the result is not 3-optimal there, only never longer). Time O(K^2)
per city, far less with the gain criterion.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ._tour_ops import cost, flip, improves, pred, push, succ

__all__ = ["try_three_opt"]


@njit(cache=True)
def _step(tour, pos, c, forward):
    """The node after c walking forward (or before it walking forward, when not ``forward``)."""
    return succ(tour, pos, c) if forward else pred(tour, pos, c)


@njit(cache=True)
def _offset(pos, size, start, c, forward):
    """How many steps from ``start`` to ``c`` walking ``forward`` (along the array) or back."""
    k = pos[c] - pos[start] if forward else pos[start] - pos[c]
    return k + size if k < 0 else k


@njit(cache=True)
def try_three_opt(ctx, st, a):
    """Make the best improving sequential 3-opt move that starts at city ``a`` (as t2).

    Returns the gain, 0.0 when none improves; the six cities whose edges changed
    are queued. Symmetric instances only (the caller checks).
    """
    m, depot = ctx.metric, ctx.depot
    cand, cdist, count = ctx.lists.cand, ctx.lists.cdist, ctx.lists.count
    tour, pos = st.tour, st.pos
    size = tour.size
    best = 0.0
    kind = -1
    b1 = b2 = b3 = b4 = b5 = b6 = -1
    if size < 5:
        return 0.0
    t2 = a
    for direction in range(2):
        fw = direction == 0  # walking along the array: t2 follows t1
        t1 = _step(tour, pos, t2, not fw)
        d12 = cost(m, depot, t1, t2)
        after2 = _step(tour, pos, t2, fw)
        for k in range(count[t2]):
            g1 = d12 - cdist[t2, k]
            if g1 <= 0.0:
                break
            t3 = np.int64(cand[t2, k])
            if t3 == t1 or t3 == after2:
                continue  # t2-t3 is a tour edge
            off3 = _offset(pos, size, t2, t3, fw)
            for branch in range(2):
                # branch 0: t4 before t3 (a 2-opt move, then another); 1: t4 after t3
                t4 = _step(tour, pos, t3, fw if branch == 1 else not fw)
                if t4 == depot:
                    continue
                g1b = g1 + cost(m, depot, t3, t4)
                before4 = _step(tour, pos, t4, not fw)
                after4 = _step(tour, pos, t4, fw)
                off4 = _offset(pos, size, t2, t4, fw)
                for j in range(count[t4]):
                    d45 = cdist[t4, j]
                    if d45 >= g1b:
                        break
                    t5 = np.int64(cand[t4, j])
                    g2 = g1b - d45
                    off5 = _offset(pos, size, t2, t5, fw)
                    for choice in range(2):
                        if branch == 0:
                            if choice == 1 or t5 == t1 or t5 == t3 or t5 == before4:
                                break
                            # after the first flip t1 -> t4 .. t2 -> t3 .. t1: t6 comes before t5
                            t6 = _step(tour, pos, t5, fw if off5 <= off4 else not fw)
                        else:
                            if off5 >= off3 or t5 == after4:  # t5 lies on the cycle t2 .. t3, is not
                                break  # t3, and t4-t5 is no tour edge (t4 may be t1: t5 not t2)
                            if choice == 0:
                                t6 = _step(tour, pos, t5, fw)
                                if t6 == t3 and t4 == t1:
                                    break  # t6-t1 would be t3-t4 again
                            else:
                                if t5 == t2 or t5 == after2:
                                    break  # t6 would be t1 or t2: no new tour
                                t6 = _step(tour, pos, t5, not fw)
                        removed = d12 + cost(m, depot, t3, t4) + cost(m, depot, t5, t6)
                        added = cdist[t2, k] + d45 + cost(m, depot, t6, t1)
                        if improves(removed, added) and removed - added > best:
                            best = removed - added
                            kind = 2 * branch + choice
                            b1, b2, b3, b4, b5, b6 = t1, t2, t3, t4, t5, t6
    if kind < 0:
        return 0.0
    t1, t2, t3, t4, t5, t6 = b1, b2, b3, b4, b5, b6
    if kind == 0:  # two 2-opt moves: t1 - t4 and t2 - t3, then t1 - t6 and t4 - t5
        flip(ctx, st, t1, t2, t4, t3)
        flip(ctx, st, t1, t4, t6, t5)
    elif kind == 2:  # t1 t2..t5 t6..t3 t4 -> t1 t6..t3 t2..t5 t4: swap the two paths
        flip(ctx, st, t1, t2, t3, t4)
        flip(ctx, st, t1, t3, t6, t5)
        flip(ctx, st, t3, t5, t2, t4)
    else:  # kind 3: t1 t2..t6 t5..t3 t4 -> t1 t6..t2 t3..t5 t4: both turned round in place
        flip(ctx, st, t1, t2, t6, t5)
        flip(ctx, st, t2, t5, t3, t4)
    for c in (t1, t2, t3, t4, t5, t6):
        push(st, c)
    return best
