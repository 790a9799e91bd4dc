"""The array tour that every local-search kernel edits: the shared compiled helpers.

A tour of N nodes is an array ``tour`` (the visiting order) and its inverse ``pos``
(``pos[tour[k]] == k``), so a city's successor and predecessor are O(1) look-ups.
Every change is made of one primitive, ``flip(a, b, c, d)``: remove the edges
a-b and c-d (b follows a and d follows c in one direction of travel) and add
a-c and b-d, by reversing the path b..c in the array. On symmetric instances the
same flip may reverse the other side, d..a, instead (both give the same cycle):
the shorter one, so a flip costs at most N / 2 swaps. On asymmetric instances a
reversal changes the cost of every edge it turns round, so ``flip`` always
reverses exactly b..c and the moves cost that (``path_costs``).

Open paths are closed tours with one more node, the *virtual depot* (index n,
``Context.depot``), joined to every city by edges of length 0: a closed tour
through the depot, cut at the depot, is an open path of the same length, so one
set of moves serves both. The depot has no candidate list and is never a city
of a move's search; ``cost`` gives 0 for its edges. For a closed tour ``depot``
is -1, which no city equals.

A FIFO queue of cities (``queue``, with flags ``queued``) holds the cities whose
neighbourhood changed: the don't-look bits of Bentley (1992) — a city leaves the
queue when no improving move starts from it, and returns when one of its tour
edges changes. ``counters`` holds the queue's head and size, the length of
the undo log, and the *reach* (``set_reach``: 0, or the longest path an
asymmetric move may turn round; solve's repairs set it, so that a kick costs
O(local work)). When ``log`` has rows, every flip is written there, so that
iterated local search can take back a kick that did not pay off (a flip undoes
itself: ``flip(a, c, b, d)`` after ``flip(a, b, c, d)``).

Distances are read only through ``cost`` (the metric seam ``tsp._metric.dist``,
plus the depot); neighbours only through the candidate lists of
``tsp.neighbors``. The helpers called in inner loops (``cost``, ``succ``,
``pred``, ``path_costs``) take arrays, not the NamedTuples: a kernel unpacks
``Context`` and ``Search`` once on entry. (Reading a NamedTuple's array field
counts a reference up and down, two atomic operations: inside a loop of
distance look-ups that made them 25x slower, 125 ns instead of 5 ns.)
Nothing here is O(n^2): memory O(N) for the tour, queue and log, O(n K) for
the lists.

Numba caches each kernel on its own file: after editing this module, clear the
project's ``__pycache__`` folders (the kernels that call these helpers are not
recompiled otherwise).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from .._metric import Metric, dist
from ..neighbors import Candidates

__all__ = ["Context", "Search", "TOLERANCE", "clear_log", "clear_queue", "cost", "flip", "improves", "log_room",
           "new_search", "path_costs", "pop", "pred", "push", "push_all", "queue_size", "read_order", "set_reach",
           "succ", "undo", "within_reach"]

#: A move improves when it shortens the removed edges by more than this fraction of
#: their length: far above the rounding of a few additions (about 1e-15), so a
#: sequence of accepted moves can never cycle, and no real improvement of integer
#: distances (at least 1) is ever refused.
TOLERANCE = 1e-12

# counters: queue head, queue size, log rows used, reach (0: none)
_HEAD, _SIZE, _LOGGED, _REACH = 0, 1, 2, 3


class Context(NamedTuple):
    """What a move search reads and never writes.

    Attributes
    ----------
    metric : Metric
        The distance seam (``tsp._metric``).
    lists : Candidates
        Each city's nearest neighbours, the only cities a move joins it to.
    depot : int
        The virtual depot of an open path (n), or -1 for a closed tour.
    symmetric : bool
        ``dist(i, j) == dist(j, i)`` for every pair: flips may reverse either side
        and moves are costed in O(1).
    """

    metric: Metric
    lists: Candidates
    depot: int
    symmetric: bool


class Search(NamedTuple):
    """What a move search edits: the tour, its position index, the queue and the undo log."""

    tour: np.ndarray  # int64 (N,): the visiting order
    pos: np.ndarray  # int64 (N,): pos[tour[k]] == k
    queue: np.ndarray  # int64 (N,): ring buffer of cities to look at
    queued: np.ndarray  # bool (N,): the city is in the queue (its don't-look bit is off)
    counters: np.ndarray  # int64 (4,): queue head, queue size, log rows used, reach
    log: np.ndarray  # int64 (rows, 4): the flips made since the log was cleared; 0 rows = no log


@njit(cache=True)
def new_search(order, depot, log_rows):
    """A ``Search`` over ``order`` (the cities, then the depot when ``depot >= 0``)."""
    n = order.size
    size = n + 1 if depot >= 0 else n
    tour = np.empty(size, dtype=np.int64)
    tour[:n] = order
    if depot >= 0:
        tour[n] = depot
    pos = np.empty(size, dtype=np.int64)
    for k in range(size):
        pos[tour[k]] = k
    return Search(tour, pos, np.empty(size, dtype=np.int64), np.zeros(size, dtype=np.bool_),
                  np.zeros(4, dtype=np.int64), np.empty((log_rows, 4), dtype=np.int64))


@njit(cache=True)
def read_order(st, depot, first):
    """The cities in tour order: from ``first`` for a closed tour, from after the depot for a path."""
    tour, pos = st.tour, st.pos
    size = tour.size
    n = size - 1 if depot >= 0 else size
    k = pos[depot] + 1 if depot >= 0 else pos[first]
    out = np.empty(n, dtype=np.int64)
    for t in range(n):
        if k >= size:
            k -= size
        out[t] = tour[k]
        k += 1
    return out


@njit(cache=True)
def cost(m, depot, a, b):
    """Length of the edge a -> b under metric ``m``, or 0 when either end is the depot."""
    if a == depot or b == depot:
        return 0.0
    return dist(m, a, b)


@njit(cache=True)
def improves(removed, added):
    """Whether replacing edges of total length ``removed`` by ``added`` shortens the tour.

    ``removed`` is always finite (edges of the tour); an ``inf`` in ``added`` (a
    missing edge) gives -inf, never NaN, and never improves.
    """
    return removed - added > TOLERANCE * removed


@njit(cache=True)
def succ(tour, pos, a):
    """The node after ``a`` in the array's direction."""
    k = pos[a] + 1
    return tour[0 if k == tour.size else k]


@njit(cache=True)
def pred(tour, pos, a):
    """The node before ``a`` in the array's direction."""
    k = pos[a] - 1
    return tour[tour.size - 1 if k < 0 else k]


@njit(cache=True)
def _reverse(tour, pos, i, j):
    """Reverse the cyclic range of positions i..j (forward from i to j)."""
    size = tour.size
    length = j - i + 1 if j >= i else j - i + 1 + size
    for _ in range(length // 2):
        a, b = tour[i], tour[j]
        tour[i], tour[j] = b, a
        pos[b], pos[a] = i, j
        i += 1
        if i == size:
            i = 0
        j -= 1
        if j < 0:
            j = size - 1


@njit(cache=True)
def _flip_unlogged(ctx, st, a, b, c, d):
    tour, pos = st.tour, st.pos
    size = tour.size
    if succ(tour, pos, a) == b:
        i, j = pos[b], pos[c]
    else:  # the same two edges seen against the array's direction: d -> c ... b -> a
        i, j = pos[a], pos[d]
    length = j - i + 1 if j >= i else j - i + 1 + size
    if ctx.symmetric and 2 * length > size:
        i, j = j + 1, i - 1  # the other side: the same cycle, read the other way
        if i == size:
            i = 0
        if j < 0:
            j = size - 1
    _reverse(tour, pos, i, j)


@njit(cache=True)
def flip(ctx, st, a, b, c, d):
    """Remove edges a-b and c-d, add a-c and b-d (b follows a, d follows c, one direction).

    Reverses the path b..c; on a symmetric instance the path d..a when shorter
    (the same cycle, read the other way). Logged when the search keeps a log.
    """
    _flip_unlogged(ctx, st, a, b, c, d)
    log = st.log
    if log.shape[0]:
        k = st.counters[_LOGGED]
        log[k, 0], log[k, 1], log[k, 2], log[k, 3] = a, b, c, d
        st.counters[_LOGGED] = k + 1


@njit(cache=True)
def set_reach(st, reach):
    """Let asymmetric moves turn round paths of at most ``reach`` nodes (0: any length).

    On an asymmetric instance a move that reverses a path costs O(path) to price and
    to make; within a reach both are O(reach). Symmetric moves are priced in O(1) and
    reverse the shorter side: the reach does not apply to them.
    """
    st.counters[_REACH] = reach


@njit(cache=True)
def within_reach(st, b, c):
    """Whether the path b .. c along the array (b to c forward) is within the reach."""
    reach = st.counters[_REACH]
    if reach == 0:
        return True
    span = st.pos[c] - st.pos[b]
    if span < 0:
        span += st.pos.size
    return span < reach


@njit(cache=True)
def log_room(st):
    """How many more flips the log holds (a large number when there is no log)."""
    rows = st.log.shape[0]
    return rows - st.counters[_LOGGED] if rows else 1 << 30


@njit(cache=True)
def clear_log(st):
    """Forget the logged flips (the changes they made are kept)."""
    st.counters[_LOGGED] = 0


@njit(cache=True)
def undo(ctx, st):
    """Take back every logged flip, last first, and clear the log."""
    log = st.log
    for t in range(st.counters[_LOGGED] - 1, -1, -1):
        a, b, c, d = log[t, 0], log[t, 1], log[t, 2], log[t, 3]
        # after flip(a, b, c, d), c follows a and d follows b: this flip puts a-b and c-d back
        _flip_unlogged(ctx, st, a, c, b, d)
    st.counters[_LOGGED] = 0


@njit(cache=True)
def path_costs(m, depot, tour, pos, b, c):
    """(forward, backward): the length of the path b -> ... -> c along the array, and of
    the same path walked from c back to b. O(path length); for asymmetric instances."""
    size = tour.size
    i, j = pos[b], pos[c]
    fwd = 0.0
    bwd = 0.0
    x = tour[i]
    while i != j:
        i += 1
        if i == size:
            i = 0
        y = tour[i]
        fwd += cost(m, depot, x, y)
        bwd += cost(m, depot, y, x)
        x = y
    return fwd, bwd


@njit(cache=True)
def push(st, c):
    """Put city c at the back of the queue unless it is there already."""
    queued = st.queued
    if not queued[c]:
        queue, counters = st.queue, st.counters
        k = counters[_HEAD] + counters[_SIZE]
        if k >= queue.size:
            k -= queue.size
        queue[k] = c
        counters[_SIZE] += 1
        queued[c] = True


@njit(cache=True)
def pop(st):
    """Take the city at the front of the queue (the queue must not be empty)."""
    queue, counters = st.queue, st.counters
    k = counters[_HEAD]
    c = queue[k]
    k += 1
    counters[_HEAD] = 0 if k == queue.size else k
    counters[_SIZE] -= 1
    st.queued[c] = False
    return c


@njit(cache=True)
def queue_size(st):
    """How many cities wait in the queue."""
    return st.counters[_SIZE]


@njit(cache=True)
def push_all(st):
    """Queue every node, in tour order."""
    tour = st.tour
    for k in range(tour.size):
        push(st, tour[k])


@njit(cache=True)
def clear_queue(st):
    """Empty the queue."""
    while queue_size(st) > 0:
        pop(st)
