"""Numba kernels of the nearest-neighbour walk (private; validated callers only).

The walk's rule: from the current city go to the nearest unvisited city, ties to
the lowest index; stop when every remaining city is out of reach (``inf``).

Speed comes from candidate lists. For every city ``i``, ``cand[i, :count[i]]``
holds its ``K`` nearest other cities with a finite distance (``cdist`` their
distances, so the common step never touches the n x n matrix), in the *total* order
(distance, index). A walk takes the first unvisited city of that list; because the
list is an exact prefix of the total order — ties at the K-th distance are cut
by index, never arbitrarily — that city is exactly the nearest unvisited one with
the lowest index. Only when every candidate is visited, and the list was cut
(``cut[i]``: more finite neighbours exist than it holds), does the walk scan the
remaining unvisited cities, which it keeps in a swap-remove array so the scan costs
the number left, not n.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(cache=True)
def _nearest_k(dist, i, k, cand, cdist):
    """Fill row i of ``cand``/``cdist``; return (entries, finite neighbours).

    Insertion into a sorted buffer while j increases: a new city displaces an
    entry only when strictly nearer, so ties keep the lower index.
    """
    n = dist.shape[0]
    m = 0
    finite = 0
    for j in range(n):
        if j == i:
            continue
        d = dist[i, j]
        if not d < np.inf:
            continue
        finite += 1
        if m == k:
            if d >= cdist[i, k - 1]:
                continue
            p = k - 1
        else:
            p = m
            m += 1
        while p > 0 and cdist[i, p - 1] > d:
            cdist[i, p] = cdist[i, p - 1]
            cand[i, p] = cand[i, p - 1]
            p -= 1
        cdist[i, p] = d
        cand[i, p] = j
    return m, finite


@njit(cache=True)
def candidate_lists(dist, k):
    """The K nearest finite neighbours of every city, in (distance, index) order.

    Returns ``cand`` (n x k int32, unused slots -1), ``cdist`` (their distances,
    n x k float64, unused slots inf), ``count`` (int64 per city) and ``cut`` (bool
    per city: the list is a strict prefix of the city's finite neighbours).
    Time O(n^2) (worst case O(n^2 k)); memory O(n k). Serial, so small runs never
    start the parallel runtime (about 0.2 s); ``candidate_lists_parallel`` is the
    same per row, for large n.
    """
    n = dist.shape[0]
    cand = np.full((n, k), -1, dtype=np.int32)
    cdist = np.full((n, k), np.inf)
    count = np.zeros(n, dtype=np.int64)
    cut = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        m, finite = _nearest_k(dist, i, k, cand, cdist)
        count[i] = m
        cut[i] = finite > m
    return cand, cdist, count, cut


@njit(cache=True, parallel=True)
def candidate_lists_parallel(dist, k):
    """``candidate_lists`` with the rows shared among threads (identical result)."""
    n = dist.shape[0]
    cand = np.full((n, k), -1, dtype=np.int32)
    cdist = np.full((n, k), np.inf)
    count = np.zeros(n, dtype=np.int64)
    cut = np.zeros(n, dtype=np.bool_)
    for i in prange(n):
        m, finite = _nearest_k(dist, i, k, cand, cdist)
        count[i] = m
        cut[i] = finite > m
    return cand, cdist, count, cut


@njit(cache=True)
def walk(dist, cand, cdist, count, cut, start, closed, order):
    """One nearest-neighbour walk from ``start``, written into ``order``.

    Returns ``(length, steps, complete)``: the length of the legs walked (with the
    closing leg when ``closed`` and it exists), how many cities were visited, and
    whether every city was visited (and, when closed, the way back exists). The
    length is summed leg by leg in walking order, as ``Tour.from_order`` sums it.
    Time O(n k) plus the fallback scans (each O(cities left)); memory O(n).
    """
    n = dist.shape[0]
    visited = np.zeros(n, dtype=np.bool_)
    left = np.arange(n)  # left[:m] = unvisited cities
    pos = np.arange(n)  # pos[c] = index of c in left
    m = n
    cur = start
    visited[cur] = True
    last = left[m - 1]
    left[pos[cur]] = last
    pos[last] = pos[cur]
    m -= 1
    order[0] = cur
    steps = 1
    length = 0.0
    while m > 0:
        nxt = -1
        best = np.inf
        for t in range(count[cur]):
            j = cand[cur, t]
            if not visited[j]:
                nxt = j
                best = cdist[cur, t]  # no trip to the big matrix on the common path
                break
        if nxt < 0 and cut[cur]:
            for t in range(m):
                j = left[t]
                d = dist[cur, j]
                if d < best or (d == best and j < nxt):
                    best = d
                    nxt = j
        if nxt < 0:
            break
        length += best
        visited[nxt] = True
        last = left[m - 1]
        left[pos[nxt]] = last
        pos[last] = pos[nxt]
        m -= 1
        order[steps] = nxt
        steps += 1
        cur = nxt
    complete = steps == n
    if closed and complete:
        back = dist[cur, start]
        if back < np.inf:
            length += back
        else:
            complete = False
    return length, steps, complete


@njit(cache=True, parallel=True)
def walk_many(dist, cand, cdist, count, cut, starts, closed):
    """Walk from every start in parallel; each start writes its own slots.

    Returns ``lengths`` (float64; ``inf`` for a walk that is not complete) and
    ``steps`` (cities visited). The result does not depend on the thread count.
    """
    s = starts.size
    lengths = np.empty(s)
    steps = np.empty(s, dtype=np.int64)
    n = dist.shape[0]
    for r in prange(s):
        order = np.empty(n, dtype=np.int64)
        length, st, complete = walk(dist, cand, cdist, count, cut, starts[r], closed, order)
        lengths[r] = length if complete else np.inf
        steps[r] = st
    return lengths, steps


@njit(cache=True)
def walk_each(dist, cand, cdist, count, cut, starts, closed):
    """``walk_many`` in one thread, for small runs: same results, no parallel start-up."""
    s = starts.size
    lengths = np.empty(s)
    steps = np.empty(s, dtype=np.int64)
    order = np.empty(dist.shape[0], dtype=np.int64)
    for r in range(s):
        length, st, complete = walk(dist, cand, cdist, count, cut, starts[r], closed, order)
        lengths[r] = length if complete else np.inf
        steps[r] = st
    return lengths, steps
