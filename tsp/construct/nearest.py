"""Nearest neighbour: from a start, always go to the nearest unvisited city.

The classroom's greedy rule, made exact: ties go to the lowest city index (for the
classroom table, whose cities are sorted by name, the alphabetically first), and
a walk stranded by missing edges (``inf``) stops and says so (``complete=False``).

The kernels read distances through the seam (``tsp._metric.dist``) and step along
the candidate lists of ``tsp.neighbors``: from the current city the walk takes the
first unvisited candidate — exactly the nearest unvisited city, lowest index first,
because the list is a prefix of the (distance, index) order. Only when every
candidate is visited, and the list was cut, does it scan the remaining unvisited
cities, which it keeps in a swap-remove array so the scan costs the number left,
not n.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange, types
from numba.extending import overload

from .. import _kdtree, _metric
from .._metric import dist, size
from .._validation import check_flag, check_start
from ..instance import check_instance
from ..neighbors import TreeCandidates, candidates
from ..tour import Tour

__all__ = ["nearest_neighbor", "walk", "walk_each", "walk_many"]


@njit(cache=True)
def _take(left, pos, m, c):
    """Remove city c from the unvisited cities ``left[:m]``; return the new count m - 1.

    ``pos[c]`` is the index of c in ``left``: the last unvisited city moves into
    c's slot, so removal is O(1) and ``left[:m - 1]`` stays the unvisited set.
    """
    last = left[m - 1]
    left[pos[c]] = last
    pos[last] = pos[c]
    return m - 1


@njit(cache=True)
def walk(m, lists, start, closed, order):
    """One nearest-neighbour walk from ``start`` under metric ``m``, written into ``order``.

    ``lists`` are the ``Candidates`` (or ``TreeCandidates``) of the same cities.
    Returns ``(length, steps, complete)``: the length of the legs walked (with the
    closing leg when ``closed`` and it exists), how many cities were visited, and
    whether every city was visited (and, when closed, the way back exists). The
    length is summed leg by leg in walking order, as ``Tour.from_order`` sums it.
    Time O(n k) plus the fallbacks (each O(log n) with the k-d tree of a geometric
    instance, O(cities left) without); memory O(n).
    """
    length, steps = _open_walk(m, lists, start, order)
    cur = order[steps - 1]
    complete = steps == size(m)
    if closed and complete:
        back = dist(m, cur, start)
        if back < np.inf:
            length += back
        else:
            complete = False
    return length, steps, complete


def _open_walk(m, lists, start, order):
    """The open path of ``walk`` as (length, steps): with the k-d tree of
    ``TreeCandidates``, else by scans (``_walk_tree`` / ``_walk_scan``).

    Compiled code chooses by the type of ``lists`` (the overload below), so a kernel
    given ``Candidates`` never compiles the tree's code; two bodies, not one loop with
    both ways, because that loop ran 1.7-2.3x slower on a matrix (all starts at
    n=5000: 366 ms apart, 650-900 ms together).
    """
    if isinstance(lists, TreeCandidates):
        return _walk_tree(m, lists, start, order)
    return _walk_scan(m, lists, start, order)


@overload(_open_walk, jit_options={"cache": True})
def _open_walk_compiled(m, lists, start, order):
    if isinstance(lists, types.NamedTuple) and lists.instance_class is TreeCandidates:
        return lambda m, lists, start, order: _walk_tree(m, lists, start, order)
    return lambda m, lists, start, order: _walk_scan(m, lists, start, order)


@njit(cache=True)
def _first_unvisited(lists, cur, visited):
    """The first unvisited city of ``cur``'s list and its distance (read from the list:
    no trip to the metric on the common path), or (-1, inf) when all are visited."""
    cand, cdist = lists.cand, lists.cdist
    for t in range(lists.count[cur]):
        j = cand[cur, t]
        if not visited[j]:
            return j, cdist[cur, t]
    return -1, np.inf


@njit(cache=True)
def _walk_scan(m, lists, start, order):
    """``walk``'s open path, looking beyond the lists by a scan of the cities left.

    Returns (length, steps)."""
    n = size(m)
    cut = lists.cut
    visited = np.zeros(n, dtype=np.bool_)
    left = np.arange(n)  # left[:unvisited] = the unvisited cities
    pos = np.arange(n)  # pos[c] = index of c in left
    cur = start
    visited[cur] = True
    unvisited = _take(left, pos, n, cur)
    order[0] = cur
    steps = 1
    length = 0.0
    while unvisited > 0:
        nxt, best = _first_unvisited(lists, cur, visited)
        if nxt < 0 and cut[cur]:
            for t in range(unvisited):
                j = left[t]
                d = dist(m, cur, j)
                if d < best or (d == best and j < nxt):
                    best = d
                    nxt = j
        if nxt < 0:
            break
        length += best
        visited[nxt] = True
        unvisited = _take(left, pos, unvisited, nxt)
        order[steps] = nxt
        steps += 1
        cur = nxt
    return length, steps


@njit(cache=True)
def _walk_tree(m, lists, start, order):
    """``walk``'s open path, looking beyond the lists with the k-d tree of
    ``TreeCandidates`` ``lists``.

    The walk keeps the unvisited count of every node of the tree
    (``_kdtree.alive_counts``, ``_kdtree.remove``: O(log n) per step). Returns
    (length, steps)."""
    n = size(m)
    visited = np.zeros(n, dtype=np.bool_)
    alive = _kdtree.alive_counts(lists)
    stack = np.empty(_kdtree.STACK_SIZE, dtype=np.int64)
    gaps = np.empty(_kdtree.STACK_SIZE)
    cur = start
    visited[cur] = True
    _kdtree.remove(lists, alive, cur)
    order[0] = cur
    steps = 1
    length = 0.0
    while steps < n:
        nxt, best = _first_unvisited(lists, cur, visited)
        if nxt < 0 and lists.cut[cur]:
            nxt, best = _kdtree.nearest_alive(m, lists, cur, visited, alive, stack, gaps)
        if nxt < 0:
            break
        length += best
        visited[nxt] = True
        _kdtree.remove(lists, alive, nxt)
        order[steps] = nxt
        steps += 1
        cur = nxt
    return length, steps


# walk_many and walk_each differ only in prange / range (and where `order` lives). They
# stay two bodies on purpose: compiling one Python function twice (serial and
# parallel=True) with cache=True files both under one cache entry (Numba 0.68), and the
# parallel one then loads the serial code from the cache and runs on one thread.
# tests/tsp/construct/test_nearest.py checks that walk_many, loaded from a warm cache
# in a fresh process, starts Numba's threads.


@njit(cache=True, parallel=True)
def walk_many(m, lists, starts, closed):
    """Walk from every start in parallel; each start writes its own slots.

    Returns ``lengths`` (float64; ``inf`` for a walk that is not complete) and
    ``steps`` (cities visited). The result does not depend on the thread count.
    """
    s = starts.size
    lengths = np.empty(s)
    steps = np.empty(s, dtype=np.int64)
    n = size(m)
    for r in prange(s):
        order = np.empty(n, dtype=np.int64)
        length, st, complete = walk(m, lists, starts[r], closed, order)
        lengths[r] = length if complete else np.inf
        steps[r] = st
    return lengths, steps


@njit(cache=True)
def walk_each(m, lists, starts, closed):
    """``walk_many`` in one thread, for small runs: same results, no parallel start-up."""
    s = starts.size
    lengths = np.empty(s)
    steps = np.empty(s, dtype=np.int64)
    order = np.empty(size(m), dtype=np.int64)
    for r in range(s):
        length, st, complete = walk(m, lists, starts[r], closed, order)
        lengths[r] = length if complete else np.inf
        steps[r] = st
    return lengths, steps


def nearest_neighbor(instance, start, closed: bool = False) -> Tour:
    """Walk from ``start`` to the nearest unvisited city until none is left.

    Parameters
    ----------
    instance : Instance
        Any instance: asymmetric distances and missing edges (``inf``) are fine.
    start : int or str
        The first city, by index (0..n-1) or by name.
    closed : bool, default False
        Return to the start at the end (a tour) instead of stopping at the last
        city (an open path, as the classroom script walked).

    Returns
    -------
    Tour
        The walk. ``complete`` is False when missing edges stranded it before
        every city was visited (or, when closed, left no way back); its
        ``length`` then covers the legs actually walked.

    Raises
    ------
    TypeError
        If ``instance`` is not an Instance, ``start`` is neither int nor str, or
        ``closed`` is not a bool.
    ValueError
        If ``start`` is out of range or not a city name.

    Notes
    -----
    At city c the next city is argmin over unvisited j of (dist[c, j], j), the
    lexicographic minimum, so ties go to the lowest index. The kernel looks at c's
    K nearest neighbours first (``tsp.neighbors.candidates``) and looks further
    only when all of them are visited: by a scan of the cities left on a matrix
    instance, by the k-d tree's nearest unvisited city (O(log n)) on a geometric
    one. Time O(n K + fallbacks) per walk after the candidate lists, computed once
    per instance (O(n^2) from a matrix, O(n K log n) from coordinates); memory O(n K).

    Examples
    --------
    >>> from tsp import seed_routes
    >>> tour = nearest_neighbor(seed_routes(), "GPS")
    >>> tour.length, tour.names[:4]
    (128.0, ('GPS', 'PCG', 'URS', 'WFC'))
    >>> nearest_neighbor(seed_routes(), "SWY").length
    180.0
    """
    instance = check_instance(instance)
    start = check_start(instance, start)
    closed = check_flag("closed", closed)
    order = np.empty(instance.n, dtype=np.int64)
    _, steps, _ = walk(_metric.of(instance), candidates(instance), start, closed, order)
    return Tour.from_order(instance, order[:steps], closed=closed)
