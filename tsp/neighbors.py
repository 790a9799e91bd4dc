"""Candidate lists: every city's K nearest neighbours, computed once per instance.

For every city ``i``, ``cand[i, :count[i]]`` holds its ``K`` nearest other cities
with a finite distance, in the *total* order (distance, index), and ``cdist`` their
distances, so a kernel stepping from ``i`` rarely touches the n x n matrix. The
list is an exact prefix of that order — ties at the K-th distance are cut by
index, never arbitrarily — so the first unvisited city of the list is exactly the
nearest unvisited one with the lowest index. ``cut[i]`` says more finite
neighbours exist than the list holds: only then must a kernel that finds every
candidate used look further.

The nearest-neighbour walk uses them (``tsp.construct.nearest``); local search
will look for improving moves among them.
"""

from __future__ import annotations

import weakref
from typing import NamedTuple

import numpy as np
from numba import njit, prange

from . import _jit, _metric
from ._metric import dist, size

__all__ = ["Candidates", "K_CANDIDATES", "PARALLEL_MIN_N", "candidate_lists", "candidate_lists_parallel",
           "candidates"]

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
