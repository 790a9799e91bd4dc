"""Local search: improve a tour by small changes until none helps — a local optimum.

Greedy builds a tour once and never looks back; local search looks back. It
takes a complete tour and repeats: find a small change (a *move*) that makes it
shorter, make it. Two kinds of moves are tried (``two_opt.py`` and
``or_opt.py`` explain each):

- **2-opt** — take out two edges, reconnect the two paths the other way;
- **Or-opt** — move a segment of one to three cities elsewhere, either way round.

When no move shortens the tour, it is a *local optimum* of those moves: the
best tour within one move, not necessarily the best tour (``tsp.solve`` kicks
it out of there). ``two_opt(tour)`` and ``or_opt(tour)`` use one kind of move,
``local_search(tour)`` both (the one to pick).

How it stays fast (Bentley 1992, Johnson and McGeoch 1997):

- moves join a city only to one of its candidates: its ``neighbors`` nearest
  cities and, with coordinates, the 2 nearest in each quadrant around it
  (``tsp.neighbors.quadrant_candidates``): O(K) moves per city, not O(n);
- a queue of cities to look at (don't-look bits): at first every city; a city
  leaves when no move from it helps and comes back when one of its tour edges
  changes. When the queue is empty, every city is looked at once more: the
  search stops only after a full pass without a move, so the result is a true
  local optimum of the moves the lists allow (of every move, when the lists
  hold every city);
- the tour is an array with a position index; a move reverses the shorter
  side (symmetric instances) and is costed in O(1).

Geometric instances (coordinates and a metric, ``tsp.Instance.from_points``) run
through the same kernels: distances come from the coordinates through the seam
(``tsp._metric``), the candidate lists from the instance's k-d tree (the lists the
matrix of the same points would give, to the last bit and index), so no n x n
matrix is built and memory stays O(n K). On this 2-core machine, 200,000 random
cities: quadrant lists 0.6 s, the local search of a nearest-neighbour tour 2.6 s,
14.9 % shorter, 263 MiB in all (benchmarks/tsp_speed.py). A reversal may still
cost up to n / 2 swaps, so the time grows faster than n: a million cities take
about a minute.

Open paths and closed tours run through the same moves: an open path is a
closed tour through a virtual depot whose edges have length 0 (``_tour_ops``).
Asymmetric instances are costed exactly (reversed paths summed both ways), and
a missing edge (``inf``) is never used: a move that needs one never improves.
"""

from __future__ import annotations

import weakref

import numpy as np
from numba import njit, prange

from .. import _metric
from .._progress import check_progress, growing_reporter
from .._validation import check_int, check_type
from ..construct.nearest import walk
from ..neighbors import quadrant_candidates
from ..tour import Tour, _legs
from ._tour_ops import Context, cost, log_room, new_search, pop, push_all, queue_size, read_order
from .or_opt import try_or_opt
from .three_opt import try_three_opt
from .two_opt import try_two_opt

__all__ = ["ALL_MOVES", "K_MOVES", "OR_EDGES", "OR_OPT", "QUADRANT_MOVES", "THREE_OPT", "TWO_OPT", "context",
           "descend", "descend_some", "improve", "improved_walk", "improved_walks_each", "improved_walks_many",
           "is_symmetric", "local_search", "or_opt", "route_length", "two_opt"]

#: Moves, as bits: 2-opt; Or-opt (segments put next to a candidate of their ends);
#: Or-opt from the edges' side too (needed for a certified local optimum); the moves of
#: ``local_search`` (ALL_MOVES). THREE_OPT (sequential 3-opt, ``three_opt.py``; symmetric
#: instances only, ignored on others) is tried last, when the others find nothing: solve's
#: repairs use it.
TWO_OPT, OR_OPT, OR_EDGES, THREE_OPT = 1, 2, 4, 8
ALL_MOVES = TWO_OPT | OR_OPT | OR_EDGES

#: Candidates per city for moves: the K_MOVES nearest, plus (when the instance has
#: coordinates) the QUADRANT_MOVES nearest in each quadrant around it. Chosen on the 13
#: TSPLIB instances of 318 to 2392 cities, solve for 1 s, 3 seeds each: mean gap 1.04 %
#: with the 10 nearest, 0.44 % with 7 + 2 per quadrant (6 + 2: 0.49, 8 + 2: 0.49,
#: 8 + 1: 0.53, 7 + 3: 0.55, 5 + 2: 0.57; differences below 0.05 are noise).
K_MOVES = 7
QUADRANT_MOVES = 2

_symmetric: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


# ---------------------------------------------------------------------------
# the descent (compiled)
# ---------------------------------------------------------------------------


@njit(cache=True)
def descend(ctx, st, moves):
    """Make improving moves from the queued cities until the queue is empty.

    ``moves``: bits of ``TWO_OPT``, ``OR_OPT``, ``OR_EDGES``, ``THREE_OPT``.
    Returns ``(gain, made, ok)``:
    how much shorter the tour got, how many moves were made, and False when the
    undo log filled up first (the search stopped there; the caller undoes it).
    """
    gain, made, ok, _ = descend_some(ctx, st, moves, np.int64(1) << 62)
    return gain, made, ok


@njit(cache=True)
def descend_some(ctx, st, moves, pops):
    """``descend``, stopping after ``pops`` cities are taken from the queue (the rest stay
    queued): ``(gain, made, ok, popped)``. In pieces, a long search can report progress."""
    gain = 0.0
    made = 0
    popped = 0
    while queue_size(st) > 0 and popped < pops:
        if log_room(st) < 3:  # one move makes at most three flips
            return gain, made, False, popped
        a = pop(st)
        popped += 1
        if a == ctx.depot:
            continue
        g = 0.0
        if moves & TWO_OPT:
            g = try_two_opt(ctx, st, a)
        if g == 0.0 and moves & OR_OPT:
            g = try_or_opt(ctx, st, a, moves & OR_EDGES != 0)
        if g == 0.0 and moves & THREE_OPT and ctx.symmetric:
            g = try_three_opt(ctx, st, a)
        if g > 0.0:
            gain += g
            made += 1
    return gain, made, True, popped


@njit(cache=True)
def improve(ctx, st, moves):
    """Descend from every city, again and again, until a full pass makes no move.

    The last pass looks at every city of the final tour and finds nothing: a
    local optimum of ``moves`` over the candidate lists. Returns the gain.
    """
    total = 0.0
    while True:
        push_all(st)
        gain, made, _ = descend(ctx, st, moves)
        total += gain
        if made == 0:
            return total


@njit(cache=True)
def route_length(ctx, order, closed):
    """Length of ``order`` summed leg by leg from the start, as ``Tour.from_order`` sums it."""
    m, depot = ctx.metric, ctx.depot
    total = 0.0
    for k in range(order.size - 1):
        total += cost(m, depot, order[k], order[k + 1])
    if closed:
        total += cost(m, depot, order[-1], order[0])
    return total


@njit(cache=True)
def improved_walk(ctx, walk_lists, start, closed, order):
    """A nearest-neighbour walk from ``start``, then local search (both moves), into ``order``.

    Returns ``(length, steps)``: the improved length (``inf`` when the walk got
    stuck; then ``order[:steps]`` is the walk) and the cities walked.
    """
    _, steps, complete = walk(ctx.metric, walk_lists, start, closed, order)
    if not complete:
        return np.inf, steps
    st = new_search(order, ctx.depot, 0)
    improve(ctx, st, ALL_MOVES)
    order[:] = read_order(st, ctx.depot, start)
    return route_length(ctx, order, closed), steps


# improved_walks_many and improved_walks_each differ only in prange / range. They stay
# two bodies on purpose: one Python function compiled twice (serial and parallel=True)
# with cache=True shares one cache entry, and the parallel one then runs serial code
# (tests/tsp/improve/test_local_search.py checks the parallel one starts threads).


@njit(cache=True, parallel=True)
def improved_walks_many(metric, lists, depot, symmetric, walk_lists, starts, closed):
    """``improved_walk`` from every start in parallel; each start writes its own slot.

    Takes the four fields of a ``Context`` (a parfor body cannot capture one built
    from a nested NamedTuple); ``improved_walks_many(*ctx, walk_lists, starts, closed)``.
    Returns the improved lengths (``inf`` for a walk stranded by missing edges).
    """
    lengths = np.empty(starts.size)
    n = _metric.size(metric)
    for r in prange(starts.size):
        lengths[r] = _improved_length(Context(metric, lists, depot, symmetric), walk_lists, starts[r], closed, n)
    return lengths


@njit(cache=True)
def improved_walks_each(metric, lists, depot, symmetric, walk_lists, starts, closed):
    """``improved_walks_many`` in one thread, for small runs."""
    lengths = np.empty(starts.size)
    n = _metric.size(metric)
    for r in range(starts.size):
        lengths[r] = _improved_length(Context(metric, lists, depot, symmetric), walk_lists, starts[r], closed, n)
    return lengths


@njit(cache=True)
def _improved_length(ctx, walk_lists, start, closed, n):
    order = np.empty(n, dtype=np.int64)
    return improved_walk(ctx, walk_lists, start, closed, order)[0]


# ---------------------------------------------------------------------------
# the public functions
# ---------------------------------------------------------------------------


def is_symmetric(instance) -> bool:
    """Whether ``dist(i, j) == dist(j, i)`` for every pair (computed once per instance).

    A geometric instance is, by construction (every coordinate metric is symmetric to
    the last bit, ``tsp._metric``): no matrix is read or built.
    """
    if instance.geometric:
        return True
    if instance not in _symmetric:
        d = instance.dist
        _symmetric[instance] = bool(np.array_equal(d, d.T))
    return _symmetric[instance]


def context(instance, k: int, closed: bool) -> Context:
    """The ``Context`` of the move kernels: the metric, the candidates (``k`` nearest plus
    ``QUADRANT_MOVES`` per quadrant), the depot, the symmetry."""
    return Context(_metric.of(instance), quadrant_candidates(instance, k, QUADRANT_MOVES),
                   -1 if closed else instance.n, is_symmetric(instance))


def _check_tour(tour) -> Tour:
    """``tour`` rebuilt from its instance (``Tour.from_order``: a new Tour, equal to it in
    every field) when it is complete, knows its instance and agrees with it; else
    TypeError / ValueError."""
    check_type("tour", tour, Tour, "tsp.Tour")
    instance = tour.instance
    if instance is None:
        raise ValueError("tour does not say which instance it belongs to: build it with "
                         "Tour.from_order(instance, order), nearest_neighbor or simulate")
    n = instance.n
    order = np.asarray(tour.order)
    if (not tour.complete and order.size != n and order.size == np.unique(order).size
            and tour.names == tuple(instance.names[i] for i in order if 0 <= i < n)):
        raise ValueError(f"tour is incomplete: it visits {order.size} of the {n} cities of "
                         f"{instance.name!r}; local search needs every city once")
    if (order.size != n or not np.array_equal(np.sort(order), np.arange(n))
            or tour.names != tuple(instance.names[i] for i in order)):
        raise ValueError(f"tour is not a tour of its instance {instance.name!r} (n={n}): its cities "
                         f"{list(tour.names[:5])}{'...' if len(tour.names) > 5 else ''} do not match")
    own = Tour.from_order(instance, order, closed=tour.closed)  # the legs as the instance measures them
    if not (np.array_equal(own.legs, tour.legs) and own.complete == tour.complete
            and (own.length == tour.length or not own.complete)):
        raise ValueError(f"tour is not a tour of its instance {instance.name!r}: its legs or length are not "
                         f"the instance's distances (a tour of another instance with the same city names?)")
    if not tour.complete:
        legs = _legs(instance, order[:-1], order[1:])  # the seam: no matrix for a geometric instance
        bad = np.flatnonzero(~np.isfinite(legs))
        if bad.size:
            k = int(bad[0])
            why = f"its leg {tour.names[k]} -> {tour.names[k + 1]} is a missing edge (inf)"
        else:
            why = f"it cannot close: there is no edge from {tour.names[-1]} back to {tour.names[0]}"
        raise ValueError(f"tour is incomplete: {why}")
    return own


#: Cities a reported local search takes from its queue per kernel call (about 0.1-0.5 s).
_REPORT_POPS = 1 << 16


def _improve_reported(ctx, st, moves: int, progress, n: int) -> None:
    """``improve`` in pieces of ``_REPORT_POPS`` cities, telling ``progress`` the cities
    looked at so far, of those plus the ones still queued (a total that grows while
    moves queue cities again, by n for each further pass). The same moves in the same
    order: the same tour."""
    with growing_reporter(progress, n, "local search", " cities") as report:
        looked = 0
        while True:
            push_all(st)
            made_in_pass = 0
            while queue_size(st) > 0:
                _, made, _, popped = descend_some(ctx, st, moves, _REPORT_POPS)
                made_in_pass += made
                looked += popped
                report(looked, looked + queue_size(st))
            if made_in_pass == 0:
                return


def _improve(tour, moves: int, neighbors, progress=None) -> Tour:
    tour = _check_tour(tour)
    neighbors = check_int("neighbors", neighbors, 1, "a positive integer")
    check_progress(progress)
    instance = tour.instance
    ctx = context(instance, neighbors, tour.closed)
    st = new_search(np.ascontiguousarray(tour.order, dtype=np.int64), ctx.depot, 0)
    if progress is None or progress is False:
        improve(ctx, st, moves)
    else:
        _improve_reported(ctx, st, moves, progress, instance.n)
    better = Tour.from_order(instance, read_order(st, ctx.depot, tour.order[0]), closed=tour.closed)
    if better.length > tour.length:  # an improvement smaller than the rounding of the sum
        return tour  # already a new Tour (_check_tour)
    return better


def two_opt(tour, *, neighbors: int = K_MOVES) -> Tour:
    """Apply improving 2-opt moves until none is left (a 2-optimal tour).

    A 2-opt move removes two edges and reconnects the two paths the other way
    (one of them reversed). See ``local_search`` for the parameters; ``two_opt.py``
    teaches the move.

    Examples
    --------
    >>> from tsp import Instance, Tour
    >>> square = Instance.from_points([[0, 0], [1, 0], [0, 1], [1, 1]])
    >>> crossed = Tour.from_order(square, [0, 1, 2, 3], closed=True)  # 1 -> 2 crosses 3 -> 0
    >>> better = two_opt(crossed)
    >>> round(crossed.length, 3), better.length, better.order.tolist()  # the square, read either way
    (4.828, 4.0, [0, 2, 3, 1])
    """
    return _improve(tour, TWO_OPT, neighbors)


def or_opt(tour, *, neighbors: int = K_MOVES) -> Tour:
    """Apply improving Or-opt moves until none is left.

    An Or-opt move takes a segment of one to three consecutive cities out and
    puts it back elsewhere, either way round. See ``local_search`` for the
    parameters; ``or_opt.py`` teaches the move.

    Examples
    --------
    >>> from tsp import Instance, Tour
    >>> line = Instance.from_points([[0, 0], [1, 0], [2, 0], [3, 0]])
    >>> detour = Tour.from_order(line, [0, 2, 1, 3])  # an open path: 2 + 1 + 2
    >>> detour.length, or_opt(detour).length
    (5.0, 3.0)
    """
    return _improve(tour, OR_OPT | OR_EDGES, neighbors)


def local_search(tour, *, neighbors: int = K_MOVES, progress=None) -> Tour:
    """Improve ``tour`` with 2-opt and Or-opt moves until neither helps.

    Parameters
    ----------
    tour : Tour
        A complete tour or open path (``nearest_neighbor``, ``simulate``,
        ``Tour.from_order``): symmetric or asymmetric distances, missing edges
        allowed (a move never uses one).
    neighbors : int, default 7
        How many nearest cities each city may be joined to by a move; when the
        instance has coordinates, the 2 nearest in each quadrant around the city
        join them (``tsp.neighbors.quadrant_candidates``). With ``neighbors >=
        n - 1`` every move is tried and the result is a local optimum of all
        2-opt and Or-opt moves.
    progress : None, True or callable, optional
        True draws a ``tqdm`` bar on stderr; a callable is called as
        ``progress(done, total)``: the cities looked at so far, of those plus the
        ones still queued (the total grows as moves queue cities again). The
        result is the same with or without.

    Returns
    -------
    Tour
        A new tour of the same kind (open or closed), never longer than ``tour``;
        a closed tour starts at the same city.

    Raises
    ------
    TypeError
        If ``tour`` is not a Tour or ``neighbors`` not an integer.
    ValueError
        If ``tour`` is incomplete (saying why), does not belong to its instance,
        or ``neighbors`` < 1.

    Notes
    -----
    A queue of cities (don't-look bits) drives the search; from the city at its
    front, the best improving 2-opt move, else the best Or-opt move, is made and
    the cities whose edges changed are queued again. When the queue is empty a
    full pass over every city confirms the local optimum. On a symmetric
    instance each move is costed in O(1) and made in O(shorter side); on an
    asymmetric one a 2-opt move is costed in O(n). Time: about O(n K) per pass
    plus the reversals; memory O(n K).

    Examples
    --------
    >>> from tsp import nearest_neighbor, seed_routes
    >>> walk = nearest_neighbor(seed_routes(), "SWY")
    >>> better = local_search(walk)
    >>> walk.length, better.length, better.names[0]
    (180.0, 128.0, 'PCG')
    """
    return _improve(tour, ALL_MOVES, neighbors, progress)
