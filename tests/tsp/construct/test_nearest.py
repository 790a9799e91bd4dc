"""tsp.construct.nearest: nearest_neighbor and the walk kernels (walk, walk_each, walk_many).

Known answers from the classroom table (../shared/seed/README.md), properties
against the slow twin ``reference.nn_walk``, invariants, bad input, and the
parallel twin really running in parallel from a warm cache.
"""

import unittest

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import tsp
from tests import reference as ref
from tests.data import any_points_for, tie_heavy_matrices
from tests.profiles import slow
from tests.tsp.parallel import assert_parallel_from_warm_cache
from tsp import Instance, _metric, nearest_neighbor, seed_routes
from tsp.construct.nearest import walk, walk_each, walk_many
from tsp.neighbors import K_CANDIDATES, candidate_lists, candidates, tree_candidates

INF = np.inf
SEED = seed_routes()
COORDINATE_KINDS = sorted(set(_metric.KINDS) - {"matrix"})


def walk_with_k(dist, start, closed, k):
    """The kernel walk with candidate lists of length k (to force cut lists)."""
    m = _metric.matrix_metric(dist)
    order = np.empty(len(dist), dtype=np.int64)
    length, steps, complete = walk(m, candidate_lists(m, k), start, closed, order)
    return list(order[:steps]), length, complete


# ---------------------------------------------------------------------------
# known answers: the classroom table
# ---------------------------------------------------------------------------


class ClassroomTable(unittest.TestCase):
    def test_published_nearest_neighbour_lengths(self):
        expected = {"GPS": 128, "PCG": 128, "URS": 129, "WFC": 129, "SWY": 180}
        for start, length in expected.items():
            with self.subTest(start=start):
                tour = nearest_neighbor(SEED, start)
                self.assertEqual(tour.length, length)
                self.assertTrue(tour.complete)

    def test_swy_is_the_worst_and_128_the_best_start(self):
        lengths = [nearest_neighbor(SEED, s).length for s in SEED.names]
        self.assertEqual(max(lengths), 180)
        self.assertEqual(min(lengths), 128)
        self.assertEqual(SEED.names[int(np.argmax(lengths))], "SWY")

    def test_all_15_starts_match_the_slow_twin(self):
        for s in range(SEED.n):
            for closed in (False, True):
                with self.subTest(start=SEED.names[s], closed=closed):
                    tour = nearest_neighbor(SEED, s, closed=closed)
                    order, length, complete = ref.nn_walk(SEED.dist, s, closed)
                    self.assertEqual(list(tour.order), order)
                    self.assertEqual(tour.length, length)
                    self.assertEqual(tour.complete, complete)

    def test_start_by_name_equals_start_by_index(self):
        a = nearest_neighbor(SEED, "URS")
        b = nearest_neighbor(SEED, SEED.names.index("URS"))
        np.testing.assert_array_equal(a.order, b.order)


# ---------------------------------------------------------------------------
# the kernel against the slow twin
# ---------------------------------------------------------------------------


@given(tie_heavy_matrices(), st.booleans())
@example(np.array([[0.0, 1, 1, 1], [1, 0, 1, 1], [1, 1, 0, 1], [1, 1, 1, 0]]), False)
@example(np.array([[0.0, INF, 2], [INF, 0, INF], [2, INF, 0]]), True)
def test_nearest_neighbor_equals_twin_from_every_start(dist, closed):
    inst = Instance.from_matrix(dist)
    for s in range(inst.n):
        tour = nearest_neighbor(inst, s, closed=closed)
        order, length, complete = ref.nn_walk(dist, s, closed)
        assert list(tour.order) == order
        assert tour.length == length
        assert tour.complete == complete
        # legs are the legs walked: n - 1 (+ the way back when it exists), summing to length
        assert tour.legs.size == len(order) - 1 + (closed and complete)
        assert np.isfinite(tour.legs).all()
        assert tour.length == ref.walk_length(dist, order, False) + (dist[order[-1], s] if closed and complete else 0)


@given(tie_heavy_matrices(max_n=10, max_d=2), st.integers(1, 4), st.booleans())
@example(np.array([[0.0, 1, 1, 1, 1], [1, 0, 1, 1, 1], [1, 1, 0, 1, 1], [1, 1, 1, 0, 1], [1, 1, 1, 1, 0]]),
         2, False)
@example(np.array([[0.0, 2, 1, 1, 3], [1, 0, INF, 1, 1], [1, 2, 0, 2, 1], [2, 1, 1, 0, 1], [1, 1, 2, 1, 0]]),
         1, True)
def test_cut_candidate_lists_keep_exact_ties(dist, k, closed):
    """Lists shorter than the row: ties cut at the K-th distance and the fallback scan."""
    for s in range(len(dist)):
        assert walk_with_k(dist, s, closed, k) == ref.nn_walk(dist, s, closed)


@slow
@given(tie_heavy_matrices(min_n=K_CANDIDATES + 2, max_n=K_CANDIDATES + 12, max_d=3, missing=False), st.booleans())
def test_public_walk_equals_twin_beyond_the_candidate_list_length(dist, closed):
    """n > K_CANDIDATES + 1: the public path's lists are cut, with many ties."""
    assert len(dist) > K_CANDIDATES + 1
    inst = Instance.from_matrix(dist)
    for s in (0, len(dist) // 2, len(dist) - 1):
        tour = nearest_neighbor(inst, s, closed=closed)
        order, length, complete = ref.nn_walk(dist, s, closed)
        assert (list(tour.order), tour.length, tour.complete) == (order, length, complete)


@pytest.mark.parametrize("kind", COORDINATE_KINDS)
@given(data=st.data(), k=st.integers(1, 4), closed=st.booleans())
def test_walks_on_coordinates_equal_the_walks_on_their_matrix(kind, data, k, closed):
    """The seam: the kernels read the same distances from coordinates as from their
    matrix; and with short lists, the k-d tree's nearest unvisited city is the scan's."""
    xy = np.array(data.draw(any_points_for(kind, 2, 40)))
    on_coords = _metric.coords_metric(kind, xy)
    on_matrix = _metric.matrix_metric(_metric.build_matrix(kind, xy))
    starts = np.arange(len(xy))
    want = walk_each(on_matrix, candidate_lists(on_matrix, k), starts, closed)
    for lists in (candidate_lists(on_coords, k), tree_candidates(on_coords, k)):
        got = walk_each(on_coords, lists, starts, closed)
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])


@slow
@pytest.mark.parametrize("kind", COORDINATE_KINDS)
@given(data=st.data(), closed=st.booleans())
def test_a_geometric_instance_walks_as_a_matrix_instance_of_its_points(kind, data, closed):
    """Public path, more cities than the lists hold (the tree's fallback at work),
    against the matrix of the published formulas: the same order, length and legs
    from every start."""
    xy = data.draw(any_points_for(kind, K_CANDIDATES + 2, K_CANDIDATES + 30))
    geometric = Instance.from_points(xy, metric=kind)
    matrix = Instance.from_matrix(ref.coordinate_matrix(kind, xy))
    for s in range(geometric.n):
        a, b = nearest_neighbor(geometric, s, closed=closed), nearest_neighbor(matrix, s, closed=closed)
        assert a.order.tolist() == b.order.tolist() and a.length == b.length and a.complete
        np.testing.assert_array_equal(a.legs, b.legs)


# ---------------------------------------------------------------------------
# invariants
# ---------------------------------------------------------------------------


@slow
@given(st.integers(2, 60), st.integers(0, 2**32 - 1), st.booleans())
def test_tour_is_a_permutation_and_its_length_recomputes(n, seed, closed):
    inst = Instance.random_uniform(n, seed=seed)
    start = seed % n
    tour = nearest_neighbor(inst, start, closed=closed)
    assert sorted(tour.order.tolist()) == list(range(n))
    assert tour.order[0] == start and tour.complete and tour.closed == closed
    assert tour.length == ref.walk_length(inst.dist, tour.order.tolist(), closed)
    assert tour.length == tsp.tour_length(inst.dist, tour.order, closed)
    assert len(tour.legs) == n - 1 + closed
    assert tour.names == tuple(inst.names[i] for i in tour.order)


def test_stuck_walk_is_incomplete_and_counts_walked_legs():
    dist = np.array([[0, 1, INF, INF], [INF, 0, 2, INF], [INF, INF, 0, INF], [1, 1, 1, 0.0]])
    inst = Instance.from_matrix(dist)
    tour = nearest_neighbor(inst, 0)
    assert list(tour.order) == [0, 1, 2] and not tour.complete and tour.length == 3
    assert "incomplete" in str(tour)
    closed = nearest_neighbor(inst, 3, closed=True)  # 3 -> 0 -> 1 -> 2, no way back
    assert list(closed.order) == [3, 0, 1, 2] and not closed.complete and closed.length == 4


# ---------------------------------------------------------------------------
# the serial and parallel walks over many starts
# ---------------------------------------------------------------------------


def test_parallel_and_serial_kernels_agree():
    geometric = Instance.random_uniform(120, seed=4)
    for inst in (geometric, Instance.from_matrix(geometric.dist)):
        m, lists = _metric.of(inst), candidates(inst, 8)
        starts = np.arange(120)
        a = walk_many(m, lists, starts, False)
        b = walk_each(m, lists, starts, False)
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])


def test_walk_many_runs_in_parallel_when_loaded_from_a_warm_cache():
    assert_parallel_from_warm_cache(
        setup="import numpy as np\nfrom tsp import Instance, _metric\nfrom tsp.neighbors import candidates\n"
              "from tsp.construct.nearest import walk_each, walk_many\n"
              "inst = Instance.random_uniform(200, seed=0)\n"
              "m, lists, starts = _metric.of(inst), candidates(inst), np.arange(200)",
        serial="walk_each(m, lists, starts, False)",
        parallel="walk_many(m, lists, starts, False)",
    )


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------


class NearestNeighborValidation(unittest.TestCase):
    def test_nearest_neighbor_start(self):
        with self.assertRaisesRegex(ValueError, r"start must be a city index in 0\.\.14, got 15"):
            nearest_neighbor(SEED, 15)
        with self.assertRaisesRegex(ValueError, "start must be a city name.*'XYZ'"):
            nearest_neighbor(SEED, "XYZ")
        with self.assertRaisesRegex(TypeError, "start must be a city index"):
            nearest_neighbor(SEED, 1.0)
        with self.assertRaisesRegex(TypeError, "start"):
            nearest_neighbor(SEED, True)
        with self.assertRaisesRegex(TypeError, "closed must be True or False"):
            nearest_neighbor(SEED, 0, closed="yes")
        with self.assertRaisesRegex(TypeError, "instance must be a tsp.Instance"):
            nearest_neighbor(SEED.dist, 0)
