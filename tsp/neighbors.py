"""Candidate lists: every city's K nearest neighbours, computed once per instance.

For every city ``i``, ``cand[i, :count[i]]`` holds its ``K`` nearest other cities
with a finite distance, in the *total* order (distance, index), and ``cdist`` their
distances, so a kernel stepping from ``i`` rarely touches the n x n matrix. The
list is an exact prefix of that order — ties at the K-th distance are cut by
index, never arbitrarily — so the first unvisited city of the list is exactly the
nearest unvisited one with the lowest index. ``cut[i]`` says more finite
neighbours exist than the list holds: only then must a kernel that finds every
candidate used look further.

Two ways to compute them, one result: a metric without a k-d tree (a matrix) scans
every row, O(n^2); a geometric instance's metric carries a k-d tree
(``tsp._kdtree``, built once in O(n log n)) that finds each city's list in about
O(K log n). The tree's lists equal the scan's to the last bit and index (tested on
every metric, ties everywhere), and the walk asks the same tree for the nearest
unvisited city beyond a list.

The nearest-neighbour walk uses them (``tsp.construct.nearest``); local search
will look for improving moves among them.
"""

from __future__ import annotations

import weakref
from typing import NamedTuple

import numpy as np
from numba import njit, prange

from . import _kdtree, _metric
from ._metric import dist, size

__all__ = ["Candidates", "K_CANDIDATES", "K_LARGE", "LARGE_N", "PARALLEL_MIN_N", "candidate_lists",
           "candidate_lists_parallel", "candidates", "default_k"]

#: How many nearest neighbours per city the walk looks at before scanning the rest.
#: Measured on random uniform cities (2 threads, all starts): at n=5000 a walk falls
#: back to a full scan about 196 / 103 / 51 / 26 times with K = 16 / 32 / 64 / 128, and
#: each fallback pulls a whole matrix row from memory; K=64 was fastest at n=1000
#: and n=5000 (32 -> 64: about -10 % and -50 %), 96 no better.
K_CANDIDATES = 64

#: Geometric instances of more than LARGE_N cities get K_LARGE neighbours per city by
#: default. Their lists cost time and memory in proportion to K (at n = 10^5: 0.09 s
#: and 19 MB for 16, 0.26 s and 77 MB for 64), and beyond the list the walk asks the
#: k-d tree (0.5 us), so a longer list saves little per walk: 64 pays off only over
#: about a hundred walks, which the runs of such sizes do not make.
LARGE_N = 20_000
K_LARGE = 16

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


def default_k(instance) -> int:
    """How many neighbours per city ``candidates(instance)`` lists: ``K_CANDIDATES``,
    or ``K_LARGE`` for a geometric instance of more than ``LARGE_N`` cities."""
    return K_LARGE if instance.geometric and instance.n > LARGE_N else K_CANDIDATES


def candidates(instance, k: int | None = None) -> Candidates:
    """Candidate lists of ``instance``, computed once per instance and ``k``
    (default ``default_k(instance)``).

    On the first call per instance and ``k``: a matrix instance scans its rows,
    time O(n^2) (about 10 ms at n=1000 on one thread); a geometric instance asks
    its k-d tree, about O(n k log n) (0.4 us per city at k=10, n=10^6, two
    threads). Lists for a smaller k are cut from a longer one already computed,
    O(n k). Then a dictionary look-up. For n <= k + 1 the lists hold whole rows;
    walking them still beats scanning the cities left (measured 4x at n=52: a
    sequential, predictable loop).

    Examples
    --------
    >>> from tsp import Instance
    >>> lists = candidates(Instance.from_matrix([[0, 2, 1], [1, 0, 1], [3, 3, 0]]), k=1)
    >>> lists.cand.tolist(), lists.cut.tolist()
    ([[2], [0], [0]], [True, True, True])
    """
    if k is None:
        k = default_k(instance)
    per_instance = _cache.setdefault(instance, {})
    if k not in per_instance:
        n = instance.n
        k_eff = max(1, min(int(k), n - 1))
        longer = [c for c in per_instance.values() if c.cand.shape[1] >= k_eff]
        if longer:
            per_instance[k] = _prefix(min(longer, key=lambda c: c.cand.shape[1]), k_eff)
        else:
            build = candidate_lists_parallel if n >= PARALLEL_MIN_N else candidate_lists
            per_instance[k] = build(_metric.of(instance), k_eff)
    return per_instance[k]


def _prefix(lists: Candidates, k: int) -> Candidates:
    """The first k entries of longer lists: the k-lists themselves (both are prefixes
    of the one (distance, index) order); a list is cut when it held more than k."""
    return Candidates(np.ascontiguousarray(lists.cand[:, :k]), np.ascontiguousarray(lists.cdist[:, :k]),
                      np.minimum(lists.count, k), lists.cut | (lists.count > k))


@njit(cache=True)
def _empty(n, k):
    """Candidates of n cities with k free slots each (-1 / inf, count 0, not cut)."""
    return Candidates(np.full((n, k), -1, dtype=np.int32), np.full((n, k), np.inf),
                      np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.bool_))


#: Rows per block with a k-d tree: cities taken in tree order, so that neighbouring
#: rows search neighbouring leaves (memory stays warm), sharing scratch arrays.
#: Without a tree a block is one row (each costs O(n) anyway).
_TREE_BLOCK = 1024


@njit(cache=True)
def _blocks(m):
    """How many blocks of rows ``_fill_block`` splits the cities of ``m`` into."""
    n = size(m)
    return (n + _TREE_BLOCK - 1) // _TREE_BLOCK if _kdtree.has_tree(m) else n


@njit(cache=True)
def _fill_block(m, b, k, cand, cdist, count, cut):
    """Fill the rows of block b: with a tree, the cities at tree positions
    b * _TREE_BLOCK ..; without, row b by a scan (``_fill_row``)."""
    if not _kdtree.has_tree(m):
        _fill_row(m, b, k, cand, cdist, count, cut)
        return
    n = size(m)
    stack = np.empty(_kdtree.STACK_SIZE, dtype=np.int64)
    gaps = np.empty(_kdtree.STACK_SIZE)
    for t in range(b * _TREE_BLOCK, min(n, (b + 1) * _TREE_BLOCK)):
        i = m.perm[t]
        _kdtree.knn_row(m, i, k, cand, cdist, stack, gaps)
        count[i] = k  # every coordinate distance is finite (k <= n - 1)
        cut[i] = n - 1 > k


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

    Without a k-d tree time O(n^2) (worst case O(n^2 k)); with one (``m`` of a
    geometric instance, ``tsp._kdtree``) about O(n k log n). Memory O(n k).
    Serial, so small runs never start the parallel runtime (about 0.2 s);
    ``candidate_lists_parallel`` is the same per row, for large n.
    """
    cand, cdist, count, cut = _empty(size(m), k)
    for b in range(_blocks(m)):
        _fill_block(m, b, k, cand, cdist, count, cut)
    return Candidates(cand, cdist, count, cut)


@njit(cache=True, parallel=True)
def candidate_lists_parallel(m, k):
    """``candidate_lists`` with the blocks of rows shared among threads (identical result)."""
    cand, cdist, count, cut = _empty(size(m), k)  # arrays: a parfor body cannot capture a NamedTuple
    for b in prange(_blocks(m)):
        # prange counts in uint64: without the cast _fill_block and dist compile a
        # second time for it (0.35 s more in a cold process)
        _fill_block(m, np.int64(b), k, cand, cdist, count, cut)
    return Candidates(cand, cdist, count, cut)
