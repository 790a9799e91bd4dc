"""2-opt: take two edges out of the tour and put the two pieces back the other way.

Remove the edges a -> b and c -> d; the tour falls into two paths, b..c and
d..a. There is exactly one other way to join them into a tour: a -> c and
b -> d, with the path b..c now walked backwards::

    before:  a -> b -> ... -> c -> d        after:  a -> c -> ... -> b -> d

On a symmetric instance only the four edge ends matter, so the move shortens
the tour by ``gain = d(a, b) + d(c, d) - d(a, c) - d(b, d)``: O(1) to cost,
whatever the length of the path turned round. A tour that no 2-opt move
shortens is *2-optimal*; on points in the plane it never crosses itself, since
the two diagonals of a convex quadrilateral are longer than two opposite sides.

Which moves are tried (Bentley's neighbour lists): from a city a, for each of
its two tour neighbours b, the new edge a-c goes to one of a's K nearest cities
c, nearest first, and only while ``d(a, c) < d(a, b)``. Nothing is lost: a
move that shortens the tour has ``d(a, b) > d(a, c)`` or ``d(c, d) > d(b, d)``
(or the same with a and b swapped), so some end of it finds it this way —
provided that end's list holds the new neighbour (with lists of every city, all
of them do). From each city the best of these moves is made.

On an asymmetric instance the path turned round changes length too: the move
is costed exactly, ``d(a, c) + d(b, d) + back(b..c) - d(a, b) - d(c, d) -
forth(b..c)``, summing both directions along the path (O(path)); the other
side, reversing d..a instead, is a different tour there and is costed as a
move of its own. No bound prunes the list on asymmetric instances; solve's
repairs skip the moves that would turn round more than a reach of cities
(``_tour_ops.set_reach``).

``try_two_opt`` is the kernel the descent of ``local_search`` calls;
``tsp.two_opt(tour)`` runs it alone.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ._tour_ops import cost, flip, improves, path_costs, pred, push, succ, within_reach

__all__ = ["try_two_opt"]


@njit(cache=True)
def _exact(m, depot, tour, pos, w, x, y, z):
    """(removed, added) of flip(w, x, y, z) reversing the path x..y (x follows w, z follows y)."""
    fwd, bwd = path_costs(m, depot, tour, pos, x, y)
    return (cost(m, depot, w, x) + cost(m, depot, y, z) + fwd,
            cost(m, depot, w, y) + cost(m, depot, x, z) + bwd)


@njit(cache=True)
def try_two_opt(ctx, st, a):
    """Make the best improving 2-opt move that joins city ``a`` to one of its candidates.

    Returns the gain (how much shorter the tour got), 0.0 when no such move
    improves. The four cities whose edges changed are queued. Time O(K) on a
    symmetric instance, O(K N) on an asymmetric one.
    """
    m, depot, sym = ctx.metric, ctx.depot, ctx.symmetric
    cand, cdist, count = ctx.lists.cand, ctx.lists.cdist, ctx.lists.count
    tour, pos = st.tour, st.pos
    best = 0.0
    w = x = y = z = -1
    for direction in range(2):
        b = succ(tour, pos, a) if direction == 0 else pred(tour, pos, a)
        d_ab = cost(m, depot, a, b)
        for k in range(count[a]):
            if sym and cdist[a, k] >= d_ab:
                break  # lists are sorted: no nearer city is left
            c = np.int64(cand[a, k])
            d = succ(tour, pos, c) if direction == 0 else pred(tour, pos, c)
            if c == b or d == a:
                continue
            # the move as flip(w1, x1, y1, z1) with x1 after w1 and z1 after y1
            if direction == 0:
                w1, x1, y1, z1 = a, b, c, d
            else:
                w1, x1, y1, z1 = b, a, d, c
            if sym:
                removed = d_ab + cost(m, depot, c, d)
                added = cdist[a, k] + cost(m, depot, b, d)
                if improves(removed, added) and removed - added > best:
                    best, w, x, y, z = removed - added, w1, x1, y1, z1
            else:
                # reversing x1..y1, or the other side z1..w1: two different tours
                for side in range(2):
                    if side == 1:
                        w1, x1, y1, z1 = y1, z1, w1, x1
                    if not within_reach(st, x1, y1):
                        continue
                    removed, added = _exact(m, depot, tour, pos, w1, x1, y1, z1)
                    if improves(removed, added) and removed - added > best:
                        best, w, x, y, z = removed - added, w1, x1, y1, z1
    if best > 0.0:
        flip(ctx, st, w, x, y, z)
        push(st, w)
        push(st, x)
        push(st, y)
        push(st, z)
    return best
