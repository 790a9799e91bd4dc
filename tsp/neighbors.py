"""Candidate lists: every city's K nearest neighbours, computed once per instance.

For every city ``i``, ``cand[i, :count[i]]`` holds its ``K`` nearest other cities
with a finite distance, in the *total* order (distance, index), and ``cdist`` their
distances, so a kernel stepping from ``i`` rarely touches the n x n matrix. The
list is an exact prefix of that order — ties at the K-th distance are cut by
index, never arbitrarily — so the first unvisited city of the list is exactly the
nearest unvisited one with the lowest index. ``cut[i]`` says more finite
neighbours exist than the list holds: only then must a kernel that finds every
candidate used look further.

The nearest-neighbour walk uses them (``tsp.construct.nearest``).

Local search (``tsp.improve``) joins a city only to its candidates, and needs
fewer but better spread ones: ``quadrant_candidates`` keeps a city's ``near``
nearest cities plus the nearest ``per_quadrant`` in each quadrant around it
(by coordinates), sorted in the same (distance, index) order. On clustered
instances the plain nearest ones all lie in the city's own cluster, and no
move could ever join two clusters: on TSPLIB's fl1577 and d1291 iterated local
search stalled 3-4 % above the optimum with 10 nearest, within 1 % with 7
nearest + 2 per quadrant (benchmarks/tsp_quality.py).
"""

from __future__ import annotations

import weakref
from typing import NamedTuple

import numpy as np
from numba import njit, prange

from . import _jit, _metric
from ._metric import dist, size

__all__ = ["Candidates", "K_CANDIDATES", "PARALLEL_MIN_N", "candidate_lists", "candidate_lists_parallel",
           "candidates", "quadrant_candidates", "quadrant_lists", "quadrant_lists_parallel"]

#: How many nearest neighbours per city the walk looks at before scanning the rest.
#: Measured on random uniform cities (2 threads, all starts): at n=5000 a walk falls
#: back to a full scan about 196 / 103 / 51 / 26 times with K = 16 / 32 / 64 / 128, and
#: each fallback pulls a whole matrix row from memory; K=64 was fastest at n=1000
#: and n=5000 (32 -> 64: about -10 % and -50 %), 96 no better.
K_CANDIDATES = 64

#: From this many cities on, candidate lists are built in parallel (rows shared out).
PARALLEL_MIN_N = 500


class Candidates(NamedTuple):
    """The candidate lists of n cities, K slots each.

    Attributes
    ----------
    cand : numpy.ndarray
        n x K int32: the nearest finite neighbours of each city in (distance,
        index) order; unused slots -1.
    cdist : numpy.ndarray
        n x K float64: their distances; unused slots ``inf``.
    count : numpy.ndarray
        int64 per city: how many slots are used.
    cut : numpy.ndarray
        bool per city: the list is a strict prefix of the city's finite neighbours.
    """

    cand: np.ndarray
    cdist: np.ndarray
    count: np.ndarray
    cut: np.ndarray


# instance -> {k: Candidates}. Instances are immutable (read-only dist), so the lists
# never go stale; the entry goes when the instance does. The kernels never see this.
_cache: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def candidates(instance, k: int = K_CANDIDATES) -> Candidates:
    """Candidate lists of ``instance``, computed once per instance and ``k``.

    Time O(n^2) on the first call per instance (about 10 ms at n=1000 on one
    thread), then a dictionary look-up. For n <= k + 1 the lists hold whole rows;
    walking them still beats scanning the cities left (measured 4x at n=52: a
    sequential, predictable loop).

    Examples
    --------
    >>> from tsp import Instance
    >>> lists = candidates(Instance.from_matrix([[0, 2, 1], [1, 0, 1], [3, 3, 0]]), k=1)
    >>> lists.cand.tolist(), lists.cut.tolist()
    ([[2], [0], [0]], [True, True, True])
    """
    per_instance = _cache.setdefault(instance, {})
    if k not in per_instance:
        n = instance.n
        k_eff = max(1, min(int(k), n - 1))
        build = candidate_lists_parallel if n >= PARALLEL_MIN_N else candidate_lists
        per_instance[k] = _jit.call(build, _metric.of(instance), k_eff)
    return per_instance[k]


@njit(cache=True)
def _empty(n, k):
    """Candidates of n cities with k free slots each (-1 / inf, count 0, not cut)."""
    return Candidates(np.full((n, k), -1, dtype=np.int32), np.full((n, k), np.inf),
                      np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.bool_))


@njit(cache=True)
def _fill_row(m, i, k, cand, cdist, count, cut):
    """Fill row i of the candidate arrays: city i's k nearest finite neighbours, its count and cut.

    Insertion into a sorted buffer while j increases: a new city displaces an
    entry only when strictly nearer, so ties keep the lower index.
    """
    n = size(m)
    used = 0
    finite = 0
    for j in range(n):
        if j == i:
            continue
        d = dist(m, i, j)
        if not d < np.inf:
            continue
        finite += 1
        if used == k:
            if d >= cdist[i, k - 1]:
                continue
            p = k - 1
        else:
            p = used
            used += 1
        while p > 0 and cdist[i, p - 1] > d:
            cdist[i, p] = cdist[i, p - 1]
            cand[i, p] = cand[i, p - 1]
            p -= 1
        cdist[i, p] = d
        cand[i, p] = j
    count[i] = used
    cut[i] = finite > used


# The twins below differ only in range / prange. They stay two bodies on purpose:
# compiling one Python function twice (serial and parallel=True) with cache=True files
# both under one cache entry (Numba 0.68), and the parallel one then loads the serial
# code from the cache and runs on one thread. tests/tsp/test_neighbors.py checks that
# the parallel twin, loaded from a warm cache in a fresh process, starts Numba's threads.


@njit(cache=True)
def candidate_lists(m, k):
    """The K nearest finite neighbours of every city of metric ``m``, as ``Candidates``.

    Time O(n^2) (worst case O(n^2 k)); memory O(n k). Serial, so small runs never
    start the parallel runtime (about 0.2 s); ``candidate_lists_parallel`` is the
    same per row, for large n.
    """
    cand, cdist, count, cut = _empty(size(m), k)
    for i in range(size(m)):
        _fill_row(m, i, k, cand, cdist, count, cut)
    return Candidates(cand, cdist, count, cut)


@njit(cache=True, parallel=True)
def candidate_lists_parallel(m, k):
    """``candidate_lists`` with the rows shared among threads (identical result)."""
    cand, cdist, count, cut = _empty(size(m), k)  # arrays: a parfor body cannot capture a NamedTuple
    for i in prange(size(m)):
        # prange counts in uint64: without the cast _fill_row and dist compile a
        # second time for it (0.35 s more in a cold process)
        _fill_row(m, np.int64(i), k, cand, cdist, count, cut)
    return Candidates(cand, cdist, count, cut)


# ---------------------------------------------------------------------------
# lists for moves: the nearest, and the nearest in each quadrant
# ---------------------------------------------------------------------------


def quadrant_candidates(instance, near: int, per_quadrant: int) -> Candidates:
    """``near`` nearest cities plus the ``per_quadrant`` nearest in each quadrant, per city.

    Without coordinates (a matrix instance) or with ``per_quadrant == 0``, the
    ``near`` nearest (``candidates(instance, near)``). The lists are sorted by
    (distance, index) and hold no city twice; ``cut`` says finite neighbours were
    left out. Computed once per instance and pair of sizes. Time O(n^2), memory
    O(n (near + 4 per_quadrant)).

    Examples
    --------
    >>> from tsp import Instance
    >>> inst = Instance.from_points([[0, 0], [1, 1], [2, 2], [-3, 1], [-5, -5], [4, -4]])
    >>> lists = quadrant_candidates(inst, near=1, per_quadrant=1)
    >>> lists.cand[0].tolist(), bool(lists.cut[0])  # 1 (nearest), then one per other quadrant
    ([1, 3, 5, 4, -1], True)
    """
    if instance.coords is None or per_quadrant == 0:
        return candidates(instance, near)
    per_instance = _cache.setdefault(instance, {})
    key = ("quadrants", near, per_quadrant)
    if key not in per_instance:
        n = instance.n
        build = quadrant_lists_parallel if n >= PARALLEL_MIN_N else quadrant_lists
        coords = np.ascontiguousarray(instance.coords, dtype=np.float64)
        per_instance[key] = build(_metric.of(instance), coords, max(1, min(near, n - 1)), per_quadrant)
    return per_instance[key]


@njit(cache=True)
def _insert(bd, bj, lo, used, k, d, j):
    """Insert (d, j) into the sorted buffer ``bd[lo:lo + k]`` / ``bj`` holding ``used``
    entries (when full, the worst goes); returns the new count. Called only when (d, j)
    belongs there: ties keep the lower index, since j increases."""
    if used == k:
        p = lo + k - 1
    else:
        p = lo + used
        used += 1
    while p > lo and bd[p - 1] > d:
        bd[p] = bd[p - 1]
        bj[p] = bj[p - 1]
        p -= 1
    bd[p] = d
    bj[p] = j
    return used


@njit(cache=True)
def _quadrant_row(m, coords, i, near, per_quadrant, cand, cdist, count, cut):
    """Row i of the quadrant lists: the near nearest and the nearest per quadrant, merged."""
    n = size(m)
    pq = per_quadrant
    nd = np.empty(near)
    nj = np.empty(near, dtype=np.int64)
    qd = np.empty(4 * pq)  # quadrant q holds qd[q * pq: (q + 1) * pq]
    qj = np.empty(4 * pq, dtype=np.int64)
    used = 0
    q0 = q1 = q2 = q3 = 0
    finite = 0
    xi, yi = coords[i, 0], coords[i, 1]
    for j in range(n):
        if j == i:
            continue
        d = dist(m, i, j)
        if not d < np.inf:
            continue
        finite += 1
        if used < near or d < nd[near - 1]:
            used = _insert(nd, nj, 0, used, near, d, j)
        q = 2 * (coords[j, 0] >= xi) + (coords[j, 1] >= yi)
        qn = q0 if q == 0 else q1 if q == 1 else q2 if q == 2 else q3
        if qn < pq or d < qd[q * pq + pq - 1]:
            qn = _insert(qd, qj, q * pq, qn, pq, d, j)
            if q == 0:
                q0 = qn
            elif q == 1:
                q1 = qn
            elif q == 2:
                q2 = qn
            else:
                q3 = qn
    # merge: the near ones, then each quadrant's, skipping repeats; sorted by (distance, index)
    k = 0
    for t in range(near + 4 * pq):
        if t < near:
            if t >= used:
                continue
            d, j = nd[t], nj[t]
        else:
            q, r = divmod(t - near, pq)
            if r >= (q0 if q == 0 else q1 if q == 1 else q2 if q == 2 else q3):
                continue
            d, j = qd[t - near], qj[t - near]
        seen = False
        for s in range(k):
            if cand[i, s] == j:
                seen = True
                break
        if seen:
            continue
        p = k
        while p > 0 and (cdist[i, p - 1] > d or (cdist[i, p - 1] == d and cand[i, p - 1] > j)):
            cdist[i, p] = cdist[i, p - 1]
            cand[i, p] = cand[i, p - 1]
            p -= 1
        cdist[i, p] = d
        cand[i, p] = j
        k += 1
    count[i] = k
    cut[i] = finite > k


# The twins differ only in range / prange (see candidate_lists above for why two bodies).


@njit(cache=True)
def quadrant_lists(m, coords, near, per_quadrant):
    """``quadrant_candidates``' lists for metric ``m`` and (n, 2) ``coords``, serially."""
    cand, cdist, count, cut = _empty(size(m), near + 4 * per_quadrant)
    for i in range(size(m)):
        _quadrant_row(m, coords, i, near, per_quadrant, cand, cdist, count, cut)
    return Candidates(cand, cdist, count, cut)


@njit(cache=True, parallel=True)
def quadrant_lists_parallel(m, coords, near, per_quadrant):
    """``quadrant_lists`` with the rows shared among threads (identical result)."""
    cand, cdist, count, cut = _empty(size(m), near + 4 * per_quadrant)
    for i in prange(size(m)):
        _quadrant_row(m, coords, np.int64(i), near, per_quadrant, cand, cdist, count, cut)
    return Candidates(cand, cdist, count, cut)
