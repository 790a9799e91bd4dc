"""tsp.neighbors: candidate lists (scan and k-d tree, serial and parallel kernels) and their
per-instance cache.

The oracle is ``reference.candidate_lists``, a plain sort by (distance, index).
"""

import gc
import tracemalloc

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests import reference as ref
from tests.data import any_points_for, points_for, tie_heavy_matrices
from tests.profiles import slow
from tests.tsp.parallel import assert_parallel_from_warm_cache
from tsp import Instance, _kdtree, _metric, neighbors
from tsp.neighbors import (Candidates, TreeCandidates, _empty, candidate_lists, candidates, quadrant_candidates,
                           quadrant_lists, quadrant_rows, quadrant_rows_parallel, scan_rows, scan_rows_parallel,
                           tree_candidates, tree_quadrant_lists, tree_rows_parallel)

INF = np.inf
COORDINATE_KINDS = sorted(set(_metric.KINDS) - {"matrix"})


def scanned(m, k, kernel):
    """The lists one row kernel fills over all the rows of metric ``m``."""
    n = _metric.size(m)
    lists = Candidates(*_empty(n, k))
    kernel(m, lists, 0, n)
    return lists


def assert_same_lists(a, b):
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)


def test_candidate_lists_are_the_prefix_of_distance_then_index_order():
    dist = np.array([[0.0, 5, 1, 1, INF, 1], [1, 0, 1, 1, 1, 1], [INF] * 6, [2, 2, 2, 0, 2, 2],
                     [3, 1, 3, 1, 0, 2], [1, 1, 1, 1, 1, 0]])
    dist[2, 2] = 0
    cand, cdist, count, cut = candidate_lists(_metric.matrix_metric(dist), 3)
    np.testing.assert_array_equal(cand[0], [2, 3, 5])
    np.testing.assert_array_equal(cdist[0], [1, 1, 1])
    assert np.isinf(cdist[2]).all()
    assert (count[0], cut[0]) == (3, True)
    assert count[2] == 0 and not cut[2] and list(cand[2]) == [-1, -1, -1]
    for a, b in zip((cand, cdist, count, cut), scanned(_metric.matrix_metric(dist), 3, scan_rows_parallel)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(cand[4], [1, 3, 5])
    np.testing.assert_array_equal(cand[3], [0, 1, 2])


@given(tie_heavy_matrices(max_n=12), st.integers(1, 12))
@example(np.array([[0.0, 1, 1], [1, 0, 1], [1, 1, 0]]), 1)
@example(np.full((3, 3), INF), 2)
def test_candidate_lists_equal_a_plain_sort_by_distance_then_index(dist, k):
    np.fill_diagonal(dist, 0.0)
    k = min(k, len(dist) - 1)
    m = _metric.matrix_metric(dist)
    got = candidate_lists(m, k)
    assert isinstance(got, Candidates)
    assert got.cand.dtype == np.int32 and got.count.dtype == np.int64 and got.cut.dtype == np.bool_
    assert_same_lists(got, ref.candidate_lists(dist, k))
    assert_same_lists(scanned(m, k, scan_rows_parallel), got)
    assert_same_lists(scanned(m, k, scan_rows), got)


@pytest.mark.parametrize("kind", COORDINATE_KINDS)
@given(data=st.data(), k=st.integers(1, 12))
def test_lists_on_coordinates_equal_the_lists_on_their_matrix(kind, data, k):
    """Scanning coordinates, asking their k-d tree, scanning their matrix: one result."""
    xy = np.array(data.draw(any_points_for(kind)))
    k = min(k, len(xy) - 1)
    matrix = _metric.build_matrix(kind, xy)
    got = candidate_lists(_metric.coords_metric(kind, xy), k)
    assert_same_lists(got, candidate_lists(_metric.matrix_metric(matrix), k))
    assert_same_lists(got, ref.candidate_lists(matrix, k))
    assert_same_lists(tree_candidates(_metric.coords_metric(kind, xy), k)[:4], got)


@slow
@pytest.mark.parametrize("kind", COORDINATE_KINDS)
@given(data=st.data(), k=st.sampled_from([1, 5, 16, 64]))
def test_a_geometric_instance_lists_what_a_matrix_instance_of_its_points_lists(kind, data, k):
    """Through the public path: a geometric instance's tree lists equal the lists of
    the matrix of its points computed pair by pair by the published formulas."""
    xy = data.draw(any_points_for(kind, 2, 80))
    geometric = Instance.from_points(xy, metric=kind)
    matrix = Instance.from_matrix(ref.coordinate_matrix(kind, xy))
    got = candidates(geometric, k)
    assert isinstance(got, TreeCandidates) and not isinstance(candidates(matrix, k), TreeCandidates)
    assert_same_lists(got[:4], candidates(matrix, k))


@pytest.mark.parametrize("kind", COORDINATE_KINDS)
def test_the_parallel_tree_rows_equal_the_parallel_scan(kind):
    """The parallel twins (the tree's runs from TREE_PARALLEL_MIN_N cities on, called
    here directly) on grid points, ties everywhere; the matrix comes from the seam,
    checked against the published formulas in test_metric.py."""
    n = 2 * neighbors._BLOCK + 17  # blocks of rows shared among threads
    xy = np.random.default_rng(7).integers(0, 30, (n, 2)).astype(np.float64)
    if kind == "GEO":
        xy = xy * [3, 6] - [40, 90]  # whole degrees over much of the globe
    m = _metric.coords_metric(kind, xy)
    lists = TreeCandidates(*_empty(n, 16), *_kdtree.build(m))
    tree_rows_parallel(m, lists, 0, n)
    assert_same_lists(lists[:4], scanned(_metric.matrix_metric(_metric.build_matrix(kind, xy)), 16,
                                         scan_rows_parallel))


def test_shorter_lists_are_cut_from_longer_ones():
    inst = Instance.random_uniform(300, seed=5)
    long = candidates(inst, 20)
    short = candidates(inst, 4)
    assert short.perm is long.perm  # one tree
    fresh = tree_candidates(_metric.of(inst), 4)
    assert_same_lists(short, fresh)
    assert short.cand.flags.c_contiguous and short.cut.all() and (short.count == 4).all()
    matrix = Instance.from_matrix(inst.dist)
    candidates(matrix, 30)
    assert_same_lists(candidates(matrix, 3), candidate_lists(_metric.of(matrix), 3))


def test_large_geometric_instances_get_shorter_lists_by_default():
    assert neighbors.default_k(Instance.random_uniform(neighbors.LARGE_N, seed=0)) == neighbors.K_CANDIDATES
    assert neighbors.default_k(Instance.random_uniform(neighbors.LARGE_N + 1, seed=0)) == neighbors.K_LARGE
    assert neighbors.default_k(Instance.from_matrix(np.ones((3, 3)))) == neighbors.K_CANDIDATES


def test_a_million_cities_and_their_lists_allocate_nothing_of_size_n_squared():
    """Issue 12: memory O(n K). tracemalloc sees every array numpy allocates (the
    coordinates, the names, the k-d tree's arrays, the lists); the kernels only fill
    them. A dense matrix would be 8 n^2 = 8 TB: peak must stay under 300 bytes a city.
    k=4 keeps the test short (the tree's work grows with k; what is allocated, O(n k),
    does not depend on how)."""
    candidates(Instance.random_uniform(600, seed=0), 4)  # kernels loaded outside the trace
    n = 10**6
    tracemalloc.start()
    try:
        inst = Instance.random_uniform(n, seed=0)
        lists = candidates(inst, 4)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert lists.cand.shape == (n, 4) and inst._dist is None
    assert peak < 300 * n, f"peak {peak / 2**20:.0f} MiB"


def test_candidates_are_computed_once_per_instance_and_k():
    inst = Instance.from_matrix(Instance.random_uniform(30, seed=0).dist)
    first = candidates(inst)
    assert candidates(inst) is first
    assert first.cand.shape == (30, 29)  # n <= K + 1: whole rows
    short = candidates(inst, k=3)
    assert short is not first and short.cand.shape == (30, 3)
    assert_same_lists(short, ref.candidate_lists(inst.dist, 3))
    assert inst in neighbors._cache
    entries = len(neighbors._cache)
    del inst, first, short
    gc.collect()
    assert len(neighbors._cache) < entries  # the entry went with its instance


def test_large_instances_get_the_same_lists_from_the_parallel_kernel():
    inst = Instance.from_matrix(Instance.random_uniform(neighbors.PARALLEL_MIN_N, seed=1).dist)
    assert_same_lists(candidates(inst, k=8), scanned(_metric.of(inst), 8, scan_rows))


@pytest.mark.parametrize("geometric", [True, False])
def test_progress_is_told_the_cities_done_chunk_by_chunk(geometric, monkeypatch):
    monkeypatch.setattr(neighbors, "_PROGRESS_CHUNK", 100)
    points = Instance.random_uniform(250, seed=3)
    inst = points if geometric else Instance.from_matrix(points.dist)
    calls = []
    got = candidates(inst, 3, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(100, 250), (200, 250), (250, 250)]
    assert_same_lists(got, (tree_candidates(_metric.of(inst), 3) if geometric else
                            candidate_lists(_metric.of(inst), 3)))
    with pytest.raises(TypeError, match="progress must be None, True or callable"):
        candidates(inst, 3, progress="yes")


def test_tree_rows_parallel_runs_in_parallel_when_loaded_from_a_warm_cache():
    assert_parallel_from_warm_cache(
        setup="from tsp import Instance, _kdtree, _metric\n"
              "from tsp.neighbors import TreeCandidates, _empty, tree_rows, tree_rows_parallel\n"
              "m = _metric.of(Instance.random_uniform(200, seed=0))\n"
              "lists = lambda: TreeCandidates(*_empty(200, 8), *_kdtree.build(m))",
        serial="tree_rows(m, lists(), 0, 200)",
        parallel="tree_rows_parallel(m, lists(), 0, 200)",
    )


def test_scan_rows_parallel_runs_in_parallel_when_loaded_from_a_warm_cache():
    assert_parallel_from_warm_cache(
        setup="from tsp import Instance, _metric\n"
              "from tsp.neighbors import Candidates, _empty, scan_rows, scan_rows_parallel\n"
              "m = _metric.of(Instance.from_matrix(Instance.random_uniform(200, seed=0).dist))",
        serial="scan_rows(m, Candidates(*_empty(200, 8)), 0, 200)",
        parallel="scan_rows_parallel(m, Candidates(*_empty(200, 8)), 0, 200)",
    )


# ---------------------------------------------------------------------------
# quadrant lists (the candidates of local search)
# ---------------------------------------------------------------------------


def quadrant_scanned(m, coords, near, per_quadrant, kernel):
    """The quadrant lists one scan kernel fills over all the rows of metric ``m``."""
    n = _metric.size(m)
    lists = Candidates(*_empty(n, near + 4 * per_quadrant))
    kernel(m, lists, np.ascontiguousarray(coords, dtype=np.float64), near, per_quadrant, 0, n)
    return lists


@given(st.data(), st.integers(1, 6), st.integers(1, 3))
def test_quadrant_lists_equal_a_plain_sort_per_quadrant(data, near, per_quadrant):
    """Duplicate points and tied distances included (TSPLIB-style integer coordinates)."""
    xy = data.draw(points_for("EUC_2D", max_n=14))
    xy = np.round(np.asarray(xy, dtype=float) / 1e4)  # small integers: many ties and duplicates
    inst = Instance.from_points(xy)
    m, coords = _metric.of(inst), inst.coords
    near = min(near, inst.n - 1)
    want = ref.quadrant_lists(inst.dist, coords, near, per_quadrant)
    assert_same_lists(quadrant_lists(m, coords, near, per_quadrant), want)
    assert_same_lists(quadrant_scanned(m, coords, near, per_quadrant, quadrant_rows_parallel), want)


@pytest.mark.parametrize("kind", COORDINATE_KINDS)
@given(data=st.data(), near=st.integers(1, 9), per_quadrant=st.integers(1, 3))
def test_the_trees_quadrant_lists_equal_the_scan_of_the_matrix(kind, data, near, per_quadrant):
    """Issue 12: a geometric instance's quadrant lists (one k-d tree search per city)
    equal the scan of the matrix of its points, computed pair by pair by the published
    formulas, to the last bit and index: random points and ties everywhere (integer
    grids with duplicates, whole degrees), every metric. GEO's quadrants are taken in
    DDD.MM, as the matrix instance takes them."""
    xy = np.array(data.draw(any_points_for(kind, 2, 40)))
    near = min(near, len(xy) - 1)
    geometric = Instance.from_points(xy, metric=kind)
    matrix = Instance.from_matrix(ref.coordinate_matrix(kind, xy))
    matrix = Instance(matrix.names, matrix.dist, coords=xy)  # quadrants need coordinates
    want = ref.quadrant_lists(matrix.dist, xy, near, per_quadrant)
    assert_same_lists(quadrant_candidates(matrix, near, per_quadrant), want)
    got = quadrant_candidates(geometric, near, per_quadrant)
    assert type(got) is Candidates  # the move kernels compile once for both kinds
    assert_same_lists(got, want)
    assert geometric._dist is None  # no matrix was built


@pytest.mark.parametrize("kind", COORDINATE_KINDS)
def test_the_parallel_tree_quadrant_rows_equal_the_scan(kind, monkeypatch):
    """The parallel twin (from TREE_PARALLEL_MIN_N cities on, called here directly) on
    grid points, ties and duplicates everywhere, several blocks of rows."""
    n = 2 * neighbors._BLOCK + 17
    xy = np.random.default_rng(8).integers(0, 30, (n, 2)).astype(np.float64)
    if kind == "GEO":
        xy = xy * [3, 6] - [40, 90]
    m = _metric.coords_metric(kind, xy)
    serial = tree_quadrant_lists(m, _kdtree.build(m), xy, 7, 2)
    monkeypatch.setattr(neighbors, "TREE_PARALLEL_MIN_N", 1)
    parallel = tree_quadrant_lists(m, _kdtree.build(m), xy, 7, 2)
    want = quadrant_scanned(_metric.matrix_metric(_metric.build_matrix(kind, xy)), xy, 7, 2, quadrant_rows_parallel)
    assert_same_lists(serial, want)
    assert_same_lists(parallel, want)


def test_quadrant_candidates_are_cached_and_fall_back_to_the_nearest_without_coordinates():
    inst = Instance.random_uniform(30, seed=1)
    a = quadrant_candidates(inst, 5, 2)
    assert quadrant_candidates(inst, 5, 2) is a and a.cand.shape == (30, 13)
    matrix = Instance.from_matrix(inst.dist)
    assert quadrant_candidates(matrix, 5, 2) is candidates(matrix, 5)
    plain = quadrant_candidates(inst, 5, 0)  # a geometric instance's nearest, as plain Candidates
    assert type(plain) is Candidates and quadrant_candidates(inst, 5, 0) is plain
    assert_same_lists(plain, candidates(inst, 5)[:4])
    assert candidates(inst, 5).cand.shape == (30, 5)  # not cut from the (longer) quadrant lists


def test_a_million_cities_quadrant_lists_allocate_nothing_of_size_n_squared():
    """Issue 12: local search's lists of a million cities come from the k-d tree, in
    memory O(n K): the tree, the lists (7 + 4 x 2 = 15 slots of 12 bytes) and the
    coordinates, about 250 bytes a city; a matrix would be 8 TB."""
    quadrant_candidates(Instance.random_uniform(600, seed=0), 7, 2)  # kernels loaded outside the trace
    n = 10**6
    tracemalloc.start()
    try:
        inst = Instance.random_uniform(n, seed=0)
        lists = quadrant_candidates(inst, 7, 2)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert lists.cand.shape == (n, 15) and inst._dist is None
    assert (lists.count >= 7).all() and (lists.count > 7).mean() > 0.5  # quadrants add cities to most lists
    assert peak < 400 * n, f"peak {peak / 2**20:.0f} MiB"


def test_quadrant_rows_parallel_runs_in_parallel_when_loaded_from_a_warm_cache():
    assert_parallel_from_warm_cache(
        setup="from tsp import Instance, _metric\n"
              "from tsp.neighbors import Candidates, _empty, quadrant_rows, quadrant_rows_parallel\n"
              "inst = Instance.random_uniform(300, seed=0)\nm, xy = _metric.of(inst), inst.coords",
        serial="quadrant_rows(m, Candidates(*_empty(300, 15)), xy, 7, 2, 0, 300)",
        parallel="quadrant_rows_parallel(m, Candidates(*_empty(300, 15)), xy, 7, 2, 0, 300)",
    )


def test_list_builders_count_cities_in_python(monkeypatch):
    """candidate_lists and quadrant_lists never call the compiled ``size`` from Python:
    its first call would type the metric outside ``_jit.call``, and the CLI counted that
    0.1 s of Numba start-up as list building while its loading figure said 10 ms."""
    import tsp
    from tsp import _metric, neighbors

    def compiled_size(m):
        raise AssertionError("the compiled size was called from Python")

    monkeypatch.setattr(neighbors, "size", compiled_size)
    inst = tsp.Instance.random_uniform(12, seed=0)
    m = _metric.of(inst)
    assert neighbors.candidate_lists(m, 3).cand.shape == (12, 3)
    assert neighbors.quadrant_lists(m, inst.coords, 3, 1).cand.shape == (12, 7)
