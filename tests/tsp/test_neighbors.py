"""tsp.neighbors: candidate lists (serial and parallel kernels) and their per-instance cache.

The oracle is ``reference.candidate_lists``, a plain sort by (distance, index).
"""

import gc

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests import reference as ref
from tests.data import points_for, tie_heavy_matrices
from tests.tsp.parallel import assert_parallel_from_warm_cache
from tsp import Instance, _metric, neighbors
from tsp.neighbors import (Candidates, candidate_lists, candidate_lists_parallel, candidates, quadrant_candidates,
                           quadrant_lists, quadrant_lists_parallel)

INF = np.inf
COORDINATE_KINDS = sorted(set(_metric.KINDS) - {"matrix"})


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
    for a, b in zip((cand, cdist, count, cut), candidate_lists_parallel(_metric.matrix_metric(dist), 3)):
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
    assert_same_lists(candidate_lists_parallel(m, k), got)


@pytest.mark.parametrize("kind", COORDINATE_KINDS)
@given(data=st.data(), k=st.integers(1, 12))
def test_lists_on_coordinates_equal_the_lists_on_their_matrix(kind, data, k):
    xy = np.array(data.draw(points_for(kind)))
    k = min(k, len(xy) - 1)
    matrix = _metric.build_matrix(kind, xy)
    got = candidate_lists(_metric.coords_metric(kind, xy), k)
    assert_same_lists(got, candidate_lists(_metric.matrix_metric(matrix), k))
    assert_same_lists(got, ref.candidate_lists(matrix, k))


def test_candidates_are_computed_once_per_instance_and_k():
    inst = Instance.random_uniform(30, seed=0)
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
    inst = Instance.random_uniform(neighbors.PARALLEL_MIN_N, seed=1)
    assert_same_lists(candidates(inst, k=8), candidate_lists(_metric.of(inst), 8))


def test_candidate_lists_parallel_runs_in_parallel_when_loaded_from_a_warm_cache():
    assert_parallel_from_warm_cache(
        setup="from tsp import Instance, _metric\n"
              "from tsp.neighbors import candidate_lists, candidate_lists_parallel\n"
              "m = _metric.of(Instance.random_uniform(200, seed=0))",
        serial="candidate_lists(m, 8)",
        parallel="candidate_lists_parallel(m, 8)",
    )


# ---------------------------------------------------------------------------
# quadrant lists (the candidates of local search)
# ---------------------------------------------------------------------------


@given(st.data(), st.integers(1, 6), st.integers(1, 3))
def test_quadrant_lists_equal_a_plain_sort_per_quadrant(data, near, per_quadrant):
    """Duplicate points and tied distances included (TSPLIB-style integer coordinates)."""
    xy = data.draw(points_for("EUC_2D", max_n=14))
    xy = np.round(np.asarray(xy, dtype=float) / 1e4)  # small integers: many ties and duplicates
    inst = Instance.from_points(xy)
    m, coords = _metric.of(inst), inst.coords
    want = ref.quadrant_lists(inst.dist, coords, near, per_quadrant)
    assert_same_lists(quadrant_lists(m, coords, near, per_quadrant), want)
    assert_same_lists(quadrant_lists_parallel(m, coords, near, per_quadrant), want)


def test_quadrant_candidates_are_cached_and_fall_back_to_the_nearest_without_coordinates():
    inst = Instance.random_uniform(30, seed=1)
    a = quadrant_candidates(inst, 5, 2)
    assert quadrant_candidates(inst, 5, 2) is a and a.cand.shape == (30, 13)
    matrix = Instance.from_matrix(inst.dist)
    assert quadrant_candidates(matrix, 5, 2) is candidates(matrix, 5)
    assert quadrant_candidates(inst, 5, 0) is candidates(inst, 5)


def test_quadrant_lists_parallel_runs_in_parallel_when_loaded_from_a_warm_cache():
    assert_parallel_from_warm_cache(
        setup="from tsp import Instance, _metric\nfrom tsp.neighbors import quadrant_lists, quadrant_lists_parallel\n"
              "inst = Instance.random_uniform(300, seed=0)\nm, xy = _metric.of(inst), inst.coords",
        serial="quadrant_lists(m, xy, 7, 2)",
        parallel="quadrant_lists_parallel(m, xy, 7, 2)",
    )
