"""Candidate lists: every city's K nearest neighbours, computed once per instance.

For every city ``i``, ``cand[i, :count[i]]`` holds its ``K`` nearest other cities
with a finite distance, in the *total* order (distance, index), and ``cdist`` their
distances, so a kernel stepping from ``i`` rarely touches the n x n matrix. The
list is an exact prefix of that order — ties at the K-th distance are cut by
index, never arbitrarily — so the first unvisited city of the list is exactly the
nearest unvisited one with the lowest index. ``cut[i]`` says more finite
neighbours exist than the list holds: only then must a kernel that finds every
candidate used look further.

Two ways to compute them, one result. A matrix instance scans every row, O(n^2)
(``candidate_lists``): ``Candidates``. A geometric instance builds a k-d tree over
its points (``tsp._kdtree``, O(n log n)) and asks it for each city's list, about
O(K log n) (``tree_candidates``): ``TreeCandidates``, the same four arrays and the tree,
which the walk asks for the nearest unvisited city beyond a list. The tree's lists
equal the scan's to the last bit and index (tested on every metric, ties
everywhere). Two types, not one: a kernel compiles for the type it is given, so a
run on a matrix never compiles the tree's code (a cold process: 2.8 s, not 7.9 s).

The nearest-neighbour walk uses them (``tsp.construct.nearest``).

Local search (``tsp.improve``) joins a city only to its candidates, and needs
fewer but better spread ones: ``quadrant_candidates`` keeps a city's ``near``
nearest cities plus the nearest ``per_quadrant`` in each quadrant around it
(by coordinates), sorted in the same (distance, index) order. On clustered
instances the plain nearest ones all lie in the city's own cluster, and no
move could ever join two clusters: on TSPLIB's fl1577 and d1291 iterated local
search stalled 3-4 % above the optimum with 10 nearest, within 1 % with 7
nearest + 2 per quadrant (benchmarks/tsp_quality.py). They too come two ways, one
result: a scan of every row (``quadrant_lists``, O(n^2)), or one search of the
k-d tree per city for all five lists at once (``tree_quadrant_lists``, about
O(K log n)); either way plain ``Candidates``, so the move kernels compile once
for matrix and geometric instances alike.
"""

from __future__ import annotations

import weakref
from typing import NamedTuple

import numpy as np
from numba import njit, prange

from . import _jit, _kdtree, _metric
from ._progress import check_progress, reporter
from ._metric import GEO, MATRIX, dist, size

__all__ = ["Candidates", "K_CANDIDATES", "K_LARGE", "LARGE_N", "PARALLEL_MIN_N", "TREE_PARALLEL_MIN_N",
           "TreeCandidates", "candidate_lists", "candidates", "default_k", "quadrant_candidates", "quadrant_lists",
           "quadrant_rows", "quadrant_rows_parallel", "scan_rows", "scan_rows_parallel", "tree_candidates",
           "tree_quadrant_lists", "tree_quadrant_rows", "tree_quadrant_rows_parallel", "tree_rows",
           "tree_rows_parallel"]

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

#: From this many cities on, candidate lists are built in parallel (rows shared out):
#: the scan of a matrix from PARALLEL_MIN_N, the k-d tree's from TREE_PARALLEL_MIN_N
#: (they take about 1.3 us a city on one thread, so two threads save under 0.1 s below
#: it, and a first run need not compile the parallel twin: about 1.5 s).
PARALLEL_MIN_N = 500
TREE_PARALLEL_MIN_N = 100_000


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


class TreeCandidates(NamedTuple):
    """``Candidates`` of a geometric instance, with the k-d tree they came from.

    The first four fields are ``Candidates``'s; the others are the tree's arrays
    (``tsp._kdtree.build``): ``perm`` (int32, the city at each tree position),
    ``pos`` (int32, each city's position), ``pts`` (the coordinates in tree order),
    ``geom`` (the points the boxes bound), ``lo`` / ``hi`` (every node's box) and
    ``depth``. All in one flat tuple: a Numba ``prange`` body cannot capture a
    NamedTuple nested in another.
    """

    cand: np.ndarray
    cdist: np.ndarray
    count: np.ndarray
    cut: np.ndarray
    perm: np.ndarray
    pos: np.ndarray
    pts: np.ndarray
    geom: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    depth: int


# instance -> {k: Candidates}. Instances are immutable (read-only dist), so the lists
# never go stale; the entry goes when the instance does. The kernels never see this.
_cache: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def default_k(instance) -> int:
    """How many neighbours per city ``candidates(instance)`` lists: ``K_CANDIDATES``,
    or ``K_LARGE`` for a geometric instance of more than ``LARGE_N`` cities."""
    return K_LARGE if instance.geometric and instance.n > LARGE_N else K_CANDIDATES


def candidates(instance, k: int | None = None, *, progress=None):
    """Candidate lists of ``instance``, computed once per instance and ``k`` (default
    ``default_k(instance)``): ``Candidates``, or ``TreeCandidates`` for a geometric one.

    A matrix instance scans its rows: time O(n^2) on the first call (about 10 ms
    at n=1000 on one thread). A geometric instance builds its k-d tree once,
    O(n log n), then asks it for each city's list: about 1 us per city at k=16
    and n=10^6 (two threads). Lists for a smaller k are cut from a longer one
    already computed, O(n k). Then a dictionary look-up. For n <= k + 1 the lists
    hold whole rows; walking them still beats scanning the cities left (measured
    4x at n=52: a sequential, predictable loop). ``progress`` (None, True for a
    tqdm bar, or ``progress(done, total)``) is told the cities done while lists
    are computed.

    Examples
    --------
    >>> from tsp import Instance
    >>> lists = candidates(Instance.from_matrix([[0, 2, 1], [1, 0, 1], [3, 3, 0]]), k=1)
    >>> lists.cand.tolist(), lists.cut.tolist()
    ([[2], [0], [0]], [True, True, True])
    >>> near = candidates(Instance.from_points([[0, 0], [5, 0], [1, 0], [0, 2]]), k=2)
    >>> type(near).__name__, near.cand.tolist()
    ('TreeCandidates', [[2, 3], [2, 0], [0, 3], [0, 2]])
    """
    check_progress(progress)
    if k is None:
        k = default_k(instance)
    per_instance = _cache.setdefault(instance, {})
    if k not in per_instance:
        n = instance.n
        k_eff = max(1, min(int(k), n - 1))
        longer = [c for c in per_instance.values() if c.cand.shape[1] >= k_eff]
        m = _metric.of(instance)
        if longer:
            per_instance[k] = _prefix(min(longer, key=lambda c: c.cand.shape[1]), k_eff)
        elif m.kind == MATRIX:
            per_instance[k] = candidate_lists(m, k_eff, progress=progress)
        else:
            per_instance[k] = tree_candidates(m, k_eff, _tree(instance), progress=progress)
    return per_instance[k]


# instance -> its k-d tree (``_kdtree.build``), shared by all its tree lists.
_trees: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def _tree(instance) -> tuple:
    """The k-d tree of a geometric instance, built once."""
    if instance not in _trees:
        _trees[instance] = _kdtree.build(_metric.of(instance))
    return _trees[instance]


def _cities(m) -> int:
    """Number of cities of metric ``m``, in Python: the compiled ``size`` called from
    Python would type its argument there, outside ``_jit.call`` (the first typing in a
    process costs about 0.1 s, which the CLI then counted as list building)."""
    return (m.matrix if m.kind == MATRIX else m.coords).shape[0]


def candidate_lists(m, k: int, *, progress=None) -> Candidates:
    """The k nearest finite neighbours of every city of metric ``m`` by scanning rows
    (``scan_rows``), as ``Candidates``; k <= n - 1.

    Time O(n^2) (worst case O(n^2 k)); memory O(n k). Rows are shared among
    threads from ``PARALLEL_MIN_N`` cities on.
    """
    n = _cities(m)
    lists = Candidates(*_empty(n, k))
    _fill(scan_rows if n < PARALLEL_MIN_N else scan_rows_parallel, (m, lists), n, progress)
    return lists


def tree_candidates(m, k: int, tree: tuple | None = None, *, progress=None) -> TreeCandidates:
    """The ``TreeCandidates`` of coordinate metric ``m``: k neighbours per city (k <= n - 1)
    found by its k-d tree, ``tree`` (``_kdtree.build(m)``), built when not given.

    Time about O(n k log n) after the tree's O(n log n); memory O(n k). Parallel
    from ``TREE_PARALLEL_MIN_N`` cities on.
    """
    n = m.coords.shape[0]
    tree = _kdtree.build(m) if tree is None else tree
    lists = TreeCandidates(*_empty(n, k), *tree)
    _fill(tree_rows if n < TREE_PARALLEL_MIN_N else tree_rows_parallel, (m, lists), n, progress)
    return lists


#: Rows per call of a list kernel when progress is reported (and at least 1/50 of them):
#: about 2 ms of work for the tree, more for a scan.
_PROGRESS_CHUNK = 8 * 1024


def _fill(kernel, args: tuple, n: int, progress, what: str = "candidate lists") -> None:
    """Fill lists by a row kernel, ``kernel(*args, lo, hi)``, in chunks of rows when
    progress is reported."""
    with reporter(progress, n, what, " cities") as report:
        chunk = n if report is None else max(_PROGRESS_CHUNK, n // 50)
        for lo in range(0, n, chunk):
            hi = min(n, lo + chunk)
            _jit.call(kernel, *args, lo, hi)
            if report is not None:
                report(hi)


def _prefix(lists, k: int):
    """The first k entries of longer lists (and their tree): the k-lists themselves, both
    being prefixes of the one (distance, index) order; a list is cut when it held more."""
    return lists._replace(cand=np.ascontiguousarray(lists.cand[:, :k]),
                          cdist=np.ascontiguousarray(lists.cdist[:, :k]),
                          count=np.minimum(lists.count, k), cut=lists.cut | (lists.count > k))


def _empty(n: int, k: int) -> tuple:
    """The four arrays of the candidates of n cities with k free slots each (-1 / inf,
    count 0, not cut), allocated by numpy."""
    return (np.full((n, k), -1, dtype=np.int32), np.full((n, k), np.inf),
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
# each parallel twin, loaded from a warm cache in a fresh process, starts Numba's threads.


@njit(cache=True)
def scan_rows(m, lists, lo, hi):
    """Rows lo..hi-1 of ``Candidates`` ``lists`` (k wide): each city's k nearest finite
    neighbours under metric ``m``, by a scan of every city (O(n) a row). Serial, so
    small runs never start the parallel runtime (about 0.2 s)."""
    cand, cdist, count, cut = lists
    k = cand.shape[1]
    for i in range(lo, hi):
        _fill_row(m, i, k, cand, cdist, count, cut)


@njit(cache=True, parallel=True)
def scan_rows_parallel(m, lists, lo, hi):
    """``scan_rows`` with the rows shared among threads (identical result)."""
    cand, cdist, count, cut = lists  # arrays: a parfor body cannot capture a NamedTuple
    k = cand.shape[1]
    for i in prange(lo, hi):
        # prange counts in uint64: without the cast _fill_row and dist compile a
        # second time for it (0.35 s more in a cold process)
        _fill_row(m, np.int64(i), k, cand, cdist, count, cut)


#: Cities per block of the tree's row kernels: taken in tree order, neighbouring rows
#: search neighbouring leaves (memory stays warm); a block shares its scratch arrays.
_BLOCK = 1024


@njit(cache=True)
def _tree_block(m, lists, lo, hi):
    """The rows of the cities at tree positions lo..hi-1."""
    n = lists.perm.size
    k = lists.cand.shape[1]
    stack = np.empty(_kdtree.STACK_SIZE, dtype=np.int64)
    gaps = np.empty(_kdtree.STACK_SIZE)
    for t in range(lo, hi):
        i = lists.perm[t]
        _kdtree.knn_row(m, lists, i, stack, gaps)
        lists.count[i] = k  # every coordinate distance is finite (k <= n - 1)
        lists.cut[i] = n - 1 > k


@njit(cache=True)
def tree_rows(m, lists, lo, hi):
    """The rows of the cities at tree positions lo..hi-1 of ``TreeCandidates`` ``lists``,
    from its k-d tree (``_kdtree.knn_row``): what ``scan_rows`` would give them."""
    for a in range(lo, hi, _BLOCK):
        _tree_block(m, lists, a, min(hi, a + _BLOCK))


@njit(cache=True, parallel=True)
def tree_rows_parallel(m, lists, lo, hi):
    """``tree_rows`` with the blocks of cities shared among threads (identical result)."""
    for b in prange((hi - lo + _BLOCK - 1) // _BLOCK):
        a = lo + np.int64(b) * _BLOCK
        _tree_block(m, lists, a, min(hi, a + _BLOCK))


# ---------------------------------------------------------------------------
# lists for moves: the nearest, and the nearest in each quadrant
# ---------------------------------------------------------------------------

# instance -> {(near, per_quadrant): Candidates}. Apart from _cache: its lists are
# prefixes of one (distance, index) order, cut from one another; these are not.
_quadrant_cache: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def quadrant_candidates(instance, near: int, per_quadrant: int, *, progress=None) -> Candidates:
    """``near`` nearest cities plus the ``per_quadrant`` nearest in each quadrant, per city.

    Without coordinates (a matrix instance) or with ``per_quadrant == 0``, the
    ``near`` nearest (``candidates(instance, near)``, as plain ``Candidates``). The
    lists are sorted by (distance, index) and hold no city twice; ``cut`` says finite
    neighbours were left out. Quadrants are taken in ``instance.coords`` (GEO: in
    DDD.MM). Computed once per instance and pair of sizes: by a scan of every row
    for a matrix instance with coordinates, time O(n^2); by the k-d tree for a
    geometric one, about O(K log n) per city, the same lists to the last bit and
    index. Memory O(n (near + 4 per_quadrant)) either way. ``progress`` as for
    ``candidates``.

    Examples
    --------
    >>> from tsp import Instance
    >>> inst = Instance.from_points([[0, 0], [1, 1], [2, 2], [-3, 1], [-5, -5], [4, -4]])
    >>> lists = quadrant_candidates(inst, near=1, per_quadrant=1)
    >>> lists.cand[0].tolist(), bool(lists.cut[0])  # 1 (nearest), then one per other quadrant
    ([1, 3, 5, 4, -1], True)
    """
    check_progress(progress)
    if instance.coords is None or per_quadrant == 0:
        lists = candidates(instance, near, progress=progress)
        if isinstance(lists, TreeCandidates):  # the moves take plain Candidates: one compiled type
            lists = _quadrant_cache.setdefault(instance, {}).setdefault((near, 0), Candidates(*lists[:4]))
        return lists
    per_instance = _quadrant_cache.setdefault(instance, {})
    key = (near, per_quadrant)
    if key not in per_instance:
        n = instance.n
        m = _metric.of(instance)
        coords = np.ascontiguousarray(instance.coords, dtype=np.float64)
        near_eff = max(1, min(int(near), n - 1))
        if m.kind == MATRIX:
            lists = quadrant_lists(m, coords, near_eff, per_quadrant, progress=progress)
        else:
            lists = tree_quadrant_lists(m, _tree(instance), coords, near_eff, per_quadrant, progress=progress)
        per_instance[key] = lists
    return per_instance[key]


def quadrant_lists(m, coords, near: int, per_quadrant: int, *, progress=None) -> Candidates:
    """``quadrant_candidates``' lists by a scan of every row (``quadrant_rows``): metric
    ``m``, (n, 2) ``coords`` for the quadrants, 1 <= near <= n - 1. Time O(n^2)."""
    n = _cities(m)
    lists = Candidates(*_empty(n, near + 4 * per_quadrant))
    kernel = quadrant_rows if n < PARALLEL_MIN_N else quadrant_rows_parallel
    _fill(kernel, (m, lists, coords, near, per_quadrant), n, progress, "candidate lists for moves")
    return lists


def tree_quadrant_lists(m, tree, coords, near: int, per_quadrant: int, *, progress=None) -> Candidates:
    """``quadrant_lists`` of a coordinate metric ``m`` from its k-d tree ``tree``
    (``_kdtree.build(m)``): one search per city (``_kdtree.quadrant_row``), the same
    lists. About O(K log n) per city; memory O(n K). Parallel from
    ``TREE_PARALLEL_MIN_N`` cities on."""
    n = m.coords.shape[0]
    tc = TreeCandidates(*_empty(n, 0), *tree)  # the tree alone: lists with no slots
    if m.kind == GEO:  # the tree bounds unit vectors; quadrants are in DDD.MM
        rpts = np.ascontiguousarray(coords[tc.perm])
        rlo, rhi = _kdtree.boxes(rpts, tc.depth)
    else:  # the tree's own points and boxes are the coordinates'
        rpts, rlo, rhi = tc.pts, tc.lo, tc.hi
    lists = Candidates(*_empty(n, near + 4 * per_quadrant))
    kernel = tree_quadrant_rows if n < TREE_PARALLEL_MIN_N else tree_quadrant_rows_parallel
    _fill(kernel, (m, lists, tc, rlo, rhi, rpts, near, per_quadrant), n, progress, "candidate lists for moves")
    return lists


@njit(cache=True)
def _quadrant_row(m, coords, i, near, per_quadrant, nd, nj, qd, qj, cand, cdist, count, cut):
    """Row i of the quadrant lists by a scan: the near nearest and the nearest per
    quadrant, merged (``nd``, ``nj``, ``qd``, ``qj``: scratch of near and 4 per_quadrant)."""
    n = size(m)
    pq = per_quadrant
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
            used = _kdtree.insert(nd, nj, 0, used, near, d, j)
        q = 2 * (coords[j, 0] >= xi) + (coords[j, 1] >= yi)
        qn = q0 if q == 0 else q1 if q == 1 else q2 if q == 2 else q3
        if qn < pq or d < qd[q * pq + pq - 1]:
            qn = _kdtree.insert(qd, qj, q * pq, qn, pq, d, j)
            if q == 0:
                q0 = qn
            elif q == 1:
                q1 = qn
            elif q == 2:
                q2 = qn
            else:
                q3 = qn
    _merge_row(i, nd, nj, used, qd, qj, q0, q1, q2, q3, finite, cand, cdist, count, cut)


@njit(cache=True)
def _merge_row(i, nd, nj, used, qd, qj, q0, q1, q2, q3, finite, cand, cdist, count, cut):
    """Row i of the lists: the ``used`` near ones, then each quadrant's (``q0``..``q3``
    found), skipping repeats, sorted by (distance, index); ``finite``: how many finite
    neighbours city i has."""
    near = nd.size
    pq = qd.size // 4
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
        if not seen:
            k = _kdtree.insert(cdist[i], cand[i], 0, k, cand.shape[1], d, j)
    count[i] = k
    cut[i] = finite > k


# The twins differ only in range / prange (see scan_rows above for why two bodies).


@njit(cache=True)
def quadrant_rows(m, lists, coords, near, per_quadrant, lo, hi):
    """Rows lo..hi-1 of ``quadrant_lists``' ``Candidates`` ``lists``, serially."""
    cand, cdist, count, cut = lists
    nd, nj = np.empty(near), np.empty(near, dtype=np.int64)
    qd, qj = np.empty(4 * per_quadrant), np.empty(4 * per_quadrant, dtype=np.int64)
    for i in range(lo, hi):
        _quadrant_row(m, coords, i, near, per_quadrant, nd, nj, qd, qj, cand, cdist, count, cut)


@njit(cache=True, parallel=True)
def quadrant_rows_parallel(m, lists, coords, near, per_quadrant, lo, hi):
    """``quadrant_rows`` with the rows shared among threads (identical result)."""
    cand, cdist, count, cut = lists
    for i in prange(lo, hi):
        nd, nj = np.empty(near), np.empty(near, dtype=np.int64)
        qd, qj = np.empty(4 * per_quadrant), np.empty(4 * per_quadrant, dtype=np.int64)
        _quadrant_row(m, coords, np.int64(i), near, per_quadrant, nd, nj, qd, qj, cand, cdist, count, cut)


@njit(cache=True)
def _tree_quadrant_block(m, lists, tc, rlo, rhi, rpts, near, per_quadrant, lo, hi):
    """The quadrant rows of the cities at tree positions lo..hi-1."""
    n = tc.perm.size
    nd, nj = np.empty(near), np.empty(near, dtype=np.int64)
    qd, qj = np.empty(4 * per_quadrant), np.empty(4 * per_quadrant, dtype=np.int64)
    qn = np.zeros(4, dtype=np.int64)
    stack = np.empty(_kdtree.STACK_SIZE, dtype=np.int64)
    gaps = np.empty(_kdtree.STACK_SIZE)
    cand, cdist, count, cut = lists.cand, lists.cdist, lists.count, lists.cut
    for t in range(lo, hi):
        i = np.int64(tc.perm[t])
        used = _kdtree.quadrant_row(m, tc, rlo, rhi, rpts, i, nd, nj, qd, qj, qn, stack, gaps)
        # every coordinate distance is finite: n - 1 finite neighbours
        _merge_row(i, nd, nj, used, qd, qj, qn[0], qn[1], qn[2], qn[3], n - 1, cand, cdist, count, cut)


@njit(cache=True)
def tree_quadrant_rows(m, lists, tc, rlo, rhi, rpts, near, per_quadrant, lo, hi):
    """The quadrant rows of the cities at tree positions lo..hi-1, from the k-d tree of
    ``tc`` (``_kdtree.quadrant_row``): what ``quadrant_rows`` would give them."""
    for a in range(lo, hi, _BLOCK):
        _tree_quadrant_block(m, lists, tc, rlo, rhi, rpts, near, per_quadrant, a, min(hi, a + _BLOCK))


@njit(cache=True, parallel=True)
def tree_quadrant_rows_parallel(m, lists, tc, rlo, rhi, rpts, near, per_quadrant, lo, hi):
    """``tree_quadrant_rows`` with the blocks of cities shared among threads (identical result)."""
    for b in prange((hi - lo + _BLOCK - 1) // _BLOCK):
        a = lo + np.int64(b) * _BLOCK
        _tree_quadrant_block(m, lists, tc, rlo, rhi, rpts, near, per_quadrant, a, min(hi, a + _BLOCK))
