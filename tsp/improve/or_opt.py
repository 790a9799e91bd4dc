"""Or-opt: move a segment of one to three consecutive cities elsewhere, either way round.

Take the segment s1..s2 out from between p and nx, close the gap with p -> nx,
and put the segment into another edge x -> y, as x -> s1..s2 -> y (forward) or
x -> s2..s1 -> y (reversed)::

    ... p -> s1 .. s2 -> nx ... x -> y ...   becomes   ... p -> nx ... x -> s1 .. s2 -> y ...

Three edges go, three come: ``gain = d(p, s1) + d(s2, nx) + d(x, y) - d(p, nx)
- d(x, s1) - d(s2, y)`` (reversed: ``d(x, s2) + d(s1, y)``, plus, on an
asymmetric instance, the segment's own edges walked backwards): O(1). Ilhan Or
(1976) proposed it; it moves the cities that nearest neighbour left behind
without the long reversals 2-opt would need.

Which moves are tried, from a city a (nothing lost, as in 2-opt): the segments
that end at a (1 to 3 cities, either direction) are put next to a candidate x
of one of their ends, while that candidate is nearer than the gain of taking
the segment out, ``d(p, s1) + d(s2, nx) - d(p, nx)``; and the edges a -> t1 at
a's sides take in a segment that ends at one of a's candidates t3, while
``d(a, t3) < d(a, t1)``; on an open path, every segment is also tried at both
ends of the path (the edges at the virtual depot, which has no list). Every improving move passes one of these tests for one
of its cities: write its gain as three steps (remove an edge, add the next one)
around the exchanged edges; they add up to the gain, so one step is positive,
and a positive step is one of the tests above. On asymmetric instances no test
prunes: every candidate is tried.

The move is made of two or three flips (``_tour_ops.flip``): remove p-s1 and
x-y, then p-x and nx-s2 (the segment now lies reversed in x..y), then, for a
forward insertion, turn the segment round. On an asymmetric instance the first
two turn round the path from s1 to x (no shorter side to choose): solve's
repairs skip the moves whose path exceeds the reach (``_tour_ops.set_reach``).

``try_or_opt`` is the kernel the descent of ``local_search`` calls;
``tsp.or_opt(tour)`` runs it alone.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ._tour_ops import cost, flip, improves, pred, push, succ, within_reach

__all__ = ["MAX_SEGMENT", "try_or_opt"]

#: The longest segment moved.
MAX_SEGMENT = 3


@njit(cache=True)
def _inside(pos, c, s1, length):
    """Whether city c lies in the segment of ``length`` cities starting at s1."""
    offset = pos[c] - pos[s1]
    if offset < 0:
        offset += pos.size
    return offset < length


@njit(cache=True)
def _segment(tour, pos, a, length, backward):
    """(s1, s2): the segment of ``length`` cities that starts (or, backward, ends) at a."""
    s1 = s2 = a
    for _ in range(length - 1):
        if backward:
            s1 = pred(tour, pos, s1)
        else:
            s2 = succ(tour, pos, s2)
    return s1, s2


@njit(cache=True)
def _free(pos, depot, s1, length, u, v):
    """The segment holds neither the depot nor u nor v."""
    return not ((depot >= 0 and _inside(pos, depot, s1, length)) or _inside(pos, u, s1, length)
                or _inside(pos, v, s1, length))


@njit(cache=True)
def _move(ctx, st, s1, s2, x, y, reverse):
    """Move the segment s1..s2 (s2 after s1) into the edge x -> y (y after x)."""
    p, nx = pred(st.tour, st.pos, s1), succ(st.tour, st.pos, s2)
    flip(ctx, st, p, s1, x, y)  # p - x, s1 - y: the path s1 .. nx .. x turned round
    flip(ctx, st, p, x, nx, s2)  # p - nx, x - s2: the segment alone stays reversed
    if not reverse:
        flip(ctx, st, x, s2, s1, y)
    for c in (p, s1, s2, nx, x, y):
        push(st, c)


@njit(cache=True)
def _insertion(m, depot, out_removed, out_added, fwd, bwd, s1, s2, x, y, reverse):
    """(removed, added) of moving the segment s1..s2 into the edge x -> y, forward
    (x -> s1 .. s2 -> y) or reversed (x -> s2 .. s1 -> y, its own edges walked back)."""
    removed = out_removed + cost(m, depot, x, y)
    if reverse:
        return removed + fwd, out_added + cost(m, depot, x, s2) + cost(m, depot, s1, y) + bwd
    return removed, out_added + cost(m, depot, x, s1) + cost(m, depot, s2, y)


@njit(cache=True)
def try_or_opt(ctx, st, a, edges):
    """Make the best improving Or-opt move found from city ``a`` (see the module notes).

    ``edges``: also try the edges at a's sides (part 2 of the search). Without
    it the search is faster but may miss improving moves whose new edges are
    all longer than what taking the segment out gains.

    Returns the gain, 0.0 when none improves; the cities whose edges changed are
    queued. Time O(K) per segment on a symmetric instance; on an asymmetric one
    no bound prunes the lists.
    """
    m, depot, sym = ctx.metric, ctx.depot, ctx.symmetric
    cand, cdist, count = ctx.lists.cand, ctx.lists.cdist, ctx.lists.count
    tour, pos = st.tour, st.pos
    size = tour.size
    best = 0.0
    b1 = b2 = bx = by = -1
    brev = False
    # 1. the segments that end at a, next to a candidate of one of their ends
    for length in range(1, MAX_SEGMENT + 1):
        if size < length + 2:  # the segment, and a cycle of two nodes to put it in
            break
        for backward in range(2 if length > 1 else 1):
            s1, s2 = _segment(tour, pos, a, length, backward == 1)
            if depot >= 0 and _inside(pos, depot, s1, length):
                continue
            p, nx = pred(tour, pos, s1), succ(tour, pos, s2)
            out_removed = cost(m, depot, p, s1) + cost(m, depot, s2, nx)
            out_added = cost(m, depot, p, nx)
            bound = out_removed - out_added  # what taking the segment out gains
            fwd = bwd = 0.0  # the segment's own edges, walked s1 -> s2 and back
            if not sym:
                c = s1
                while c != s2:
                    e = succ(tour, pos, c)
                    fwd += cost(m, depot, c, e)
                    bwd += cost(m, depot, e, c)
                    c = e
            for end in range(2 if length > 1 else 1):  # one city: both ends are the same
                s = s1 if end == 0 else s2
                for k in range(count[s]):
                    if sym and cdist[s, k] >= bound:
                        break
                    c = np.int64(cand[s, k])
                    if _inside(pos, c, s1, length):
                        continue
                    for role in range(2):  # c as x (the edge c -> succ) or as y (pred -> c)
                        if role == 0:
                            x, y = c, succ(tour, pos, c)
                        else:
                            x, y = pred(tour, pos, c), c
                        if _inside(pos, x, s1, length) or _inside(pos, y, s1, length):
                            continue  # the segment's own place
                        # c joins s: forward when s1 meets x or s2 meets y, else reversed
                        reverse = (end == 0) == (role == 1)
                        removed, added = _insertion(m, depot, out_removed, out_added, fwd, bwd, s1, s2, x, y,
                                                    reverse)
                        if improves(removed, added) and removed - added > best and (sym or within_reach(st, s1, x)):
                            best, b1, b2, bx, by, brev = removed - added, s1, s2, x, y, reverse
            # an open path's two ends: the edges at the depot, which has no candidate list
            # (the move to the end, last -> s, is found above only when last is in s's own list)
            if depot >= 0:
                for side in range(2):
                    if side == 0:
                        x, y = pred(tour, pos, depot), depot
                    else:
                        x, y = depot, succ(tour, pos, depot)
                    if _inside(pos, x, s1, length) or _inside(pos, y, s1, length):
                        continue
                    for reverse in (False, True):
                        removed, added = _insertion(m, depot, out_removed, out_added, fwd, bwd, s1, s2, x, y,
                                                    reverse)
                        if improves(removed, added) and removed - added > best and (sym or within_reach(st, s1, x)):
                            best, b1, b2, bx, by, brev = removed - added, s1, s2, x, y, reverse
    # 2. the edges at a's sides, taking in a segment that ends at a candidate t3 of a
    if sym and edges:
        for direction in range(2):
            t1 = succ(tour, pos, a) if direction == 0 else pred(tour, pos, a)
            d_at1 = cost(m, depot, a, t1)
            x, y = (a, t1) if direction == 0 else (t1, a)
            for k in range(count[a]):
                if cdist[a, k] >= d_at1:
                    break
                t3 = np.int64(cand[a, k])
                for length in range(1, MAX_SEGMENT + 1):
                    if size < length + 2:
                        break
                    for backward in range(2 if length > 1 else 1):
                        s1, s2 = _segment(tour, pos, t3, length, backward == 1)
                        if not _free(pos, depot, s1, length, a, t1):
                            continue
                        # t3 meets a: forward when a is x and t3 is s1, or a is y and t3 is s2
                        reverse = (direction == 0) == (t3 == s2 and length > 1)
                        p, nx = pred(tour, pos, s1), succ(tour, pos, s2)
                        removed = cost(m, depot, p, s1) + cost(m, depot, s2, nx) + d_at1
                        added = cost(m, depot, p, nx)
                        if reverse:
                            added += cost(m, depot, x, s2) + cost(m, depot, s1, y)
                        else:
                            added += cost(m, depot, x, s1) + cost(m, depot, s2, y)
                        if improves(removed, added) and removed - added > best:
                            best, b1, b2, bx, by, brev = removed - added, s1, s2, x, y, reverse
    if best > 0.0:
        _move(ctx, st, b1, b2, bx, by, brev)
    return best
