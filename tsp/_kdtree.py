"""A k-d tree over the cities of a coordinate metric: near cities found without a matrix.

The tree answers the two questions the kernels ask of a geometric instance of n
cities, each in about O(log n) instead of a scan of all n:

- ``knn_row``: the k nearest other cities of a city, in the exact (distance, index)
  order of ``tsp.neighbors`` (the candidate lists);
- ``nearest_alive``: the nearest city not yet visited by a walk (the walk's fallback
  when every candidate is visited), with ``alive`` counts the walk keeps per node
  (``alive_counts``, ``remove``);
- ``quadrant_row``: the k nearest other cities of a city and the nearest few in each
  quadrant around it (the lists of local search, ``tsp.neighbors.quadrant_candidates``),
  in one search.

``build(m)`` makes the tree's arrays: ``perm``, ``pos``, ``pts``, ``geom``, ``lo``,
``hi`` and ``depth``. They travel in the candidate lists of a geometric instance
(``tsp.neighbors.TreeCandidates``, fields of those names), and the kernels here take
such lists ``tc`` (and the metric ``m`` for its kind).

Layout (implicit, nothing but arrays): the cities sit in *tree order* ``perm``; node
``v`` has children ``2v + 1`` and ``2v + 2``; node ``p`` of depth ``d`` (``v = 2^d - 1 +
p``) holds the positions ``p n >> d`` to ``(p + 1) n >> d``, so leaves (depth
``depth``) hold ``LEAF_SIZE / 2`` to ``LEAF_SIZE`` cities and no range is stored. The
build splits each node at its middle position along the widest side of its box
(quickselect, O(n) per level, O(n log n) in all); every node keeps the bounding box
``lo``/``hi`` of its points.

Exactness: distances come from ``_metric.pair`` on the tree-order copy ``pts`` of the
coordinates (the same numbers as ``dist``), and a node is skipped only when
``_metric.box_bound`` of its box is *strictly* above the distance to beat: a city at
an equal distance with a lower index could still win the tie. For the plane kinds
the bound is computed with ``pair``'s own arithmetic, hence exact; GEO's boxes are
boxes of 3-D unit vectors (the sphere, not latitude and longitude), bounded with a
little slack (``_metric.GEO_ANGLE_SLACK``).

Memory O(n): at n = 10^6, 8 MB of indices, 16 MB of coordinates (GEO: 40), 8 MB of
boxes.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from . import _jit
from ._metric import GEO, box_bound, pair, unit_vectors

__all__ = ["LEAF_SIZE", "STACK_SIZE", "alive_counts", "boxes", "build", "insert", "knn_row", "nearest_alive", "quadrant_row",
           "remove"]

#: Most cities per leaf. Leaves are scanned point by point; smaller ones mean more
#: boxes to test.
LEAF_SIZE = 8

#: Room for the nodes waiting in a depth-first search: at most ``depth + 1`` (a tree of
#: depth 62 would hold 2^65 cities).
STACK_SIZE = 64


# ---------------------------------------------------------------------------
# building
# ---------------------------------------------------------------------------


def _depth(n: int) -> int:
    """The smallest depth whose leaves hold at most LEAF_SIZE of n points."""
    d = 0
    while ((n + (1 << d) - 1) >> d) > LEAF_SIZE:
        d += 1
    return d


@njit(cache=True)
def _swap(g, perm, a, b):
    for c in range(g.shape[1]):
        g[a, c], g[b, c] = g[b, c], g[a, c]
    perm[a], perm[b] = perm[b], perm[a]


@njit(cache=True)
def _select(g, perm, lo, hi, kth, dim):
    """Reorder rows lo..hi-1 of ``g`` (and ``perm`` with them) so that row ``kth`` holds
    the value of column ``dim`` it would hold sorted, no row before it a larger one and
    no row after it a smaller one (quickselect, Hoare partition, median-of-three pivot)."""
    while hi - lo > 1:
        mid = (lo + hi - 1) // 2
        a, b, c = g[lo, dim], g[mid, dim], g[hi - 1, dim]
        pivot = max(min(a, b), min(max(a, b), c))
        i, j = lo, hi - 1
        while i <= j:
            while g[i, dim] < pivot:
                i += 1
            while g[j, dim] > pivot:
                j -= 1
            if i <= j:
                _swap(g, perm, i, j)
                i += 1
                j -= 1
        # rows lo..j hold values <= pivot, rows i..hi-1 values >= pivot, rows between equal it
        if kth <= j:
            hi = j + 1
        elif kth >= i:
            lo = i
        else:
            return


@njit(cache=True)
def _box(g, a, b, lo, hi):
    """The bounding box of rows a..b-1 of ``g`` into the 1-D arrays ``lo`` and ``hi``."""
    for c in range(g.shape[1]):
        lo[c] = g[a, c]
        hi[c] = g[a, c]
    for t in range(a + 1, b):
        for c in range(g.shape[1]):
            x = g[t, c]
            if x < lo[c]:
                lo[c] = x
            elif x > hi[c]:
                hi[c] = x


@njit(cache=True)
def _build(g, perm, lo, hi, split):
    """Split the rows of ``g`` (reordered in place, ``perm`` with them) into the tree of
    depth ``log2(len(lo) + 1) - 1``, writing every node's box into ``lo`` / ``hi``;
    without ``split``, only the boxes of the nodes of rows already in tree order."""
    n = g.shape[0]
    depth = 0
    while (1 << (depth + 1)) - 1 < lo.shape[0]:
        depth += 1
    for d in range(depth + 1):
        first = (1 << d) - 1
        for p in range(1 << d):
            v = first + p
            a, b = (p * n) >> d, ((p + 1) * n) >> d
            _box(g, a, b, lo[v], hi[v])
            if split and d < depth:
                dim = np.argmax(hi[v] - lo[v])
                _select(g, perm, a, b, ((2 * p + 1) * n) >> (d + 1), dim)


def build(m) -> tuple:
    """The k-d tree of the cities of coordinate metric ``m``, as a tuple of its arrays.

    ``(perm, pos, pts, geom, lo, hi, depth)``: ``perm`` (int32, tree position ->
    city), ``pos`` (int32, city -> position), ``pts`` (the coordinates in tree
    order), ``geom`` (the points the boxes bound, in tree order: ``pts`` itself for
    the plane kinds, unit vectors for GEO), ``lo`` / ``hi`` (each node's box),
    ``depth`` (of the leaves). Time O(n log n) (about 0.3 s at n = 10^6), memory
    O(n), every array allocated here by numpy (``tracemalloc`` sees them all).
    """
    geom = unit_vectors(m) if m.kind == GEO else np.array(m.coords)  # a copy: reordered in place
    n, dims = geom.shape
    depth = _depth(n)
    perm = np.arange(n, dtype=np.int32)
    lo = np.empty(((1 << (depth + 1)) - 1, dims))
    hi = np.empty_like(lo)
    _jit.call(_build, geom, perm, lo, hi, True)
    pos = np.empty(n, dtype=np.int32)
    pos[perm] = np.arange(n, dtype=np.int32)
    pts = np.ascontiguousarray(m.coords[perm]) if m.kind == GEO else geom
    return perm, pos, pts, geom, lo, hi, depth


def boxes(g: np.ndarray, depth: int) -> tuple:
    """``(lo, hi)``: the bounding box of every node of a tree of ``depth`` over the rows of
    ``g`` (points in tree order), as ``build`` computes them for its own points.

    For the quadrants of GEO cities, which are taken in the instance's coordinates
    (latitude, longitude in DDD.MM), not in the unit vectors the tree's boxes bound.
    Time O(n depth).
    """
    lo = np.empty(((1 << (depth + 1)) - 1, g.shape[1]))
    hi = np.empty_like(lo)
    _jit.call(_build, g, np.empty(0, dtype=np.int32), lo, hi, False)
    return lo, hi


# ---------------------------------------------------------------------------
# queries
# ---------------------------------------------------------------------------


@njit(cache=True)
def _gap2(geom, t, lo, hi, v):
    """Squared distance from point ``geom[t]`` to the box of node ``v``, computed as
    ``pair`` computes a squared distance (point minus box edge, x first)."""
    s = 0.0
    for c in range(geom.shape[1]):
        x = geom[t, c]
        if x < lo[v, c]:
            g = x - lo[v, c]
        elif x > hi[v, c]:
            g = x - hi[v, c]
        else:
            g = 0.0
        s += g * g
    return s


@njit(cache=True)
def _leaf_range(tc, v):
    """Tree positions (first, end) of leaf node ``v``."""
    n = tc.perm.size
    p = v - ((1 << tc.depth) - 1)
    return (p * n) >> tc.depth, ((p + 1) * n) >> tc.depth


@njit(cache=True)
def _start(tc, i, stack, gaps):
    """Begin a depth-first search from city ``i``: the root on the stack; returns the
    first leaf's node number, i's tree position and its coordinates."""
    stack[0] = 0
    gaps[0] = 0.0
    ti = tc.pos[i]
    return (1 << tc.depth) - 1, ti, tc.pts[ti, 0], tc.pts[ti, 1]


@njit(cache=True)
def knn_row(m, tc, i, stack, gaps):
    """City ``i``'s k nearest other cities, in (distance, index) order, into row i of
    ``tc.cand`` / ``tc.cdist`` (k their width, at most n - 1). ``stack`` (int64) and
    ``gaps`` (float64) are scratch arrays of ``STACK_SIZE``.

    Depth-first, the nearer child first; a node whose box is farther than the k-th
    distance found so far (``box_bound`` strictly above it) is skipped.
    """
    kind, perm, pts, geom, lo, hi = m.kind, tc.perm, tc.pts, tc.geom, tc.lo, tc.hi
    bd, bj = tc.cdist[i], tc.cand[i]  # the row, filled in place
    k = bd.size
    first_leaf, ti, qx, qy = _start(tc, i, stack, gaps)
    used = 0
    top = 1
    while top > 0:
        top -= 1
        v = stack[top]
        if used == k and box_bound(kind, gaps[top]) > bd[k - 1]:
            continue
        if v >= first_leaf:
            a, b = _leaf_range(tc, v)
            for t in range(a, b):
                j = perm[t]
                if j != i:
                    used = insert(bd, bj, 0, used, k, pair(kind, qx, qy, pts[t, 0], pts[t, 1]), j)
        else:
            top = _push_children(geom, ti, lo, hi, v, stack, gaps, top)


@njit(cache=True)
def _push_children(geom, ti, lo, hi, v, stack, gaps, top):
    """Push node v's two children and their squared gaps to point ``ti``, the farther
    first (the nearer is searched first); returns the new stack height."""
    left, right = 2 * v + 1, 2 * v + 2
    gl, gr = _gap2(geom, ti, lo, hi, left), _gap2(geom, ti, lo, hi, right)
    if gl <= gr:
        stack[top], gaps[top], stack[top + 1], gaps[top + 1] = right, gr, left, gl
    else:
        stack[top], gaps[top], stack[top + 1], gaps[top + 1] = left, gl, right, gr
    return top + 2


@njit(cache=True)
def alive_counts(tc):
    """How many cities each node holds: a walk's ``alive`` counts before its first step."""
    n = tc.perm.size
    alive = np.empty((1 << (tc.depth + 1)) - 1, dtype=np.int32)
    for d in range(tc.depth + 1):
        first = (1 << d) - 1
        for p in range(1 << d):
            alive[first + p] = (((p + 1) * n) >> d) - ((p * n) >> d)
    return alive


@njit(cache=True)
def remove(tc, alive, c):
    """City ``c`` is visited: one fewer alive city in its leaf and every node above."""
    n = tc.perm.size
    leaves = 1 << tc.depth
    v = leaves - 1 + ((tc.pos[c] + 1) * leaves - 1) // n  # the leaf holding c's position
    while True:
        alive[v] -= 1
        if v == 0:
            return
        v = (v - 1) >> 1


@njit(cache=True)
def nearest_alive(m, tc, i, visited, alive, stack, gaps):
    """The unvisited city nearest to city ``i`` (other than i), ties to the lowest
    index, as ``(city, distance)``; ``(-1, inf)`` when none is left.

    ``alive`` holds the unvisited count of every node (``alive_counts``, ``remove``):
    nodes without one are skipped, as are nodes whose box is farther than the best
    so far. Scratch ``stack`` / ``gaps`` as for ``knn_row``.
    """
    kind, perm, pts, geom, lo, hi = m.kind, tc.perm, tc.pts, tc.geom, tc.lo, tc.hi
    best = np.inf
    found = -1
    if alive[0] == 0:
        return found, best
    first_leaf, ti, qx, qy = _start(tc, i, stack, gaps)
    top = 1
    while top > 0:
        top -= 1
        v = stack[top]
        if found >= 0 and box_bound(kind, gaps[top]) > best:
            continue
        if v >= first_leaf:
            a, b = _leaf_range(tc, v)
            for t in range(a, b):
                j = perm[t]
                if visited[j] or j == i:
                    continue
                d = pair(kind, qx, qy, pts[t, 0], pts[t, 1])
                if d < best or (d == best and j < found):
                    best = d
                    found = j
        else:
            left, right = 2 * v + 1, 2 * v + 2
            gl = _gap2(geom, ti, lo, hi, left) if alive[left] > 0 else np.inf
            gr = _gap2(geom, ti, lo, hi, right) if alive[right] > 0 else np.inf
            if gl > gr:
                left, right, gl, gr = right, left, gr, gl
            if gr < np.inf:  # push the farther first: the nearer is searched first
                stack[top], gaps[top] = right, gr
                top += 1
            if gl < np.inf:
                stack[top], gaps[top] = left, gl
                top += 1
    return found, best


@njit(cache=True)
def insert(bd, bj, lo, used, cap, d, j):
    """Insert (d, j) into ``bd[lo:lo + cap]`` / ``bj``, sorted by (distance, index) and
    holding ``used`` entries, unless it is full and (d, j) comes after its last (then
    the last goes); returns the new count. In any order of j: the lists come out the
    same whichever order a search meets the cities in."""
    if used == cap:
        last = lo + cap - 1
        if d > bd[last] or (d == bd[last] and j > bj[last]):
            return used
        p = last
    else:
        p = lo + used
        used += 1
    while p > lo and (bd[p - 1] > d or (bd[p - 1] == d and bj[p - 1] > j)):
        bd[p] = bd[p - 1]
        bj[p] = bj[p - 1]
        p -= 1
    bd[p] = d
    bj[p] = j
    return used


@njit(cache=True)
def _wanted(bound, v, xi, yi, rlo, rhi, nd, used, qd, qn):
    """Whether node ``v``, no point of which is nearer than ``bound``, may still hold a
    city of the near list or of a quadrant that could take it (see ``quadrant_row``)."""
    near = nd.size
    if used < near or bound <= nd[near - 1]:
        return True
    pq = qd.size // 4
    if pq == 0:
        return False
    xs_hi, xs_lo = rhi[v, 0] >= xi, rlo[v, 0] < xi  # the box reaches x >= xi / x < xi
    ys_hi, ys_lo = rhi[v, 1] >= yi, rlo[v, 1] < yi
    for q in range(4):
        if (xs_hi if q >= 2 else xs_lo) and (ys_hi if q & 1 else ys_lo):
            if qn[q] < pq or bound <= qd[q * pq + pq - 1]:
                return True
    return False


@njit(cache=True)
def quadrant_row(m, tc, rlo, rhi, rpts, i, nd, nj, qd, qj, qn, stack, gaps):
    """City ``i``'s nearest other cities and its nearest in each quadrant, in one search.

    Into ``nd`` / ``nj`` (distances, cities) the ``nd.size`` nearest, and into ``qd`` /
    ``qj`` the ``pq = qd.size // 4`` nearest of each quadrant ``q = 2 (x_j >= x_i) +
    (y_j >= y_i)`` (``qd[q pq:(q + 1) pq]``; ``qn[q]`` of them found), each sorted by
    (distance, index). Returns how many near ones were found. The quadrants are taken
    in the coordinates ``rpts`` (the cities' own, in tree order) and pruned with the
    boxes ``rlo`` / ``rhi`` of those (the tree's ``pts``, ``lo``, ``hi`` for the plane
    kinds; ``boxes`` of the DDD.MM coordinates for GEO).

    Depth-first, the nearer child first; a node is skipped when its distance bound
    (``box_bound``, as for ``knn_row``) is strictly above the last of the near list and
    of every quadrant its box reaches into whose list is full: a tie with a lower
    index could still win. The result is what a scan of every city in index order
    gives (``tsp.neighbors.quadrant_rows``).
    """
    kind, perm, pts, geom, lo, hi = m.kind, tc.perm, tc.pts, tc.geom, tc.lo, tc.hi
    near = nd.size
    pq = qd.size // 4
    first_leaf, ti, qx, qy = _start(tc, i, stack, gaps)
    xi, yi = rpts[ti, 0], rpts[ti, 1]
    for q in range(4):
        qn[q] = 0
    used = 0
    top = 1
    while top > 0:
        top -= 1
        v = stack[top]
        if not _wanted(box_bound(kind, gaps[top]), v, xi, yi, rlo, rhi, nd, used, qd, qn):
            continue
        if v >= first_leaf:
            a, b = _leaf_range(tc, v)
            for t in range(a, b):
                j = np.int64(perm[t])
                if j == i:
                    continue
                d = pair(kind, qx, qy, pts[t, 0], pts[t, 1])
                used = insert(nd, nj, 0, used, near, d, j)
                if pq > 0:
                    q = 2 * (rpts[t, 0] >= xi) + (rpts[t, 1] >= yi)
                    qn[q] = insert(qd, qj, q * pq, qn[q], pq, d, j)
        else:
            top = _push_children(geom, ti, lo, hi, v, stack, gaps, top)
    return used
