"""tsp.instance: Instance, its constructors and their validation, seed_routes.

Every check an instance makes on its input (through tsp._validation) is tested
here, through the constructors a user calls.
"""

import pickle
import unittest
from dataclasses import FrozenInstanceError
from unittest import mock

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import reference as ref
from tests.data import any_points_for
from tsp import Instance, _metric, _validation, nearest_neighbor, seed_routes
from tsp.instance import check_instance

INF = np.inf


class Constructors(unittest.TestCase):
    def test_from_edges_missing_pairs_are_inf_and_names_sorted(self):
        inst = Instance.from_edges([("b", "a", 3), ("a", "c", 1)])
        self.assertEqual(inst.names, ("a", "b", "c"))
        self.assertEqual(inst.dist[1, 0], 3)
        self.assertEqual(inst.dist[0, 1], INF)

    def test_seed_routes_is_the_classroom_table(self):
        inst = seed_routes()
        self.assertEqual((inst.n, inst.name, inst.names[:3]), (15, "seed", ("AAPL", "CSCO", "CVX")))
        self.assertIsNone(inst.coords)
        self.assertFalse(inst.dist.flags.writeable)

    def test_from_points_keeps_the_points_and_their_euclidean_distances(self):
        inst = Instance.from_points([[0, 0], [3, 4], [0, 4]], names=("a", "b", "c"))
        np.testing.assert_array_equal(inst.dist, [[0, 5, 4], [5, 0, 3], [4, 3, 0]])
        np.testing.assert_array_equal(inst.coords, [[0, 0], [3, 4], [0, 4]])
        self.assertFalse(inst.coords.flags.writeable)
        self.assertEqual((inst.names, inst.name), (("a", "b", "c"), "points"))

    def test_random_uniform_follows_its_seed(self):
        a, b = Instance.random_uniform(7, seed=3), Instance.random_uniform(7, seed=3)
        np.testing.assert_array_equal(a.coords, np.random.default_rng(3).random((7, 2)))
        np.testing.assert_array_equal(a.dist, b.dist)
        self.assertEqual(a.name, "random:7")

    def test_repr_says_symmetric_or_not(self):
        self.assertEqual(repr(Instance.from_matrix([[0, 1], [1, 0]])), "Instance(name='matrix', n=2, symmetric)")
        self.assertIn("asymmetric", repr(seed_routes()))

    def test_check_instance(self):
        inst = seed_routes()
        self.assertIs(check_instance(inst), inst)
        with self.assertRaisesRegex(TypeError, "instance must be a tsp.Instance, got ndarray"):
            check_instance(inst.dist)


class GeometricInstances(unittest.TestCase):
    def test_points_keep_their_metric_and_no_matrix_until_asked(self):
        inst = Instance.from_points([[0, 0], [3, 4], [0, 4]])
        self.assertEqual((inst.metric, inst.geometric, inst.n, inst.names), ("euclidean", True, 3, ("0", "1", "2")))
        self.assertIsNone(inst._dist)
        self.assertEqual(repr(inst), "Instance(name='points', n=3, euclidean)")
        d = inst.dist  # built on first use, then kept
        self.assertIs(inst.dist, d)
        self.assertFalse(d.flags.writeable)
        np.testing.assert_array_equal(d, [[0, 5, 4], [5, 0, 3], [4, 3, 0]])
        self.assertFalse(Instance.from_matrix(d).geometric)

    def test_tsplib_metrics_from_points(self):
        # burma14 nodes 1 and 2 (GEO, DDD.MM): the published table gives 153
        geo = Instance.from_points([[16.47, 96.10], [16.47, 94.44]], metric="GEO", name="b2")
        self.assertEqual((geo.distance(0, 1), geo.distance("1", "0"), geo.dist[0, 1]), (153.0, 153.0, 153.0))
        self.assertEqual(geo.distance(1, 1), 0.0)  # TSPLIB's formula gives 1 there; dist's diagonal is 0
        xy = [[0.0, 0.0], [1.0, 1.0]]  # 1.414: EUC_2D 1, CEIL_2D 2, ATT 1
        self.assertEqual([Instance.from_points(xy, metric=k).distance(0, 1) for k in ("EUC_2D", "CEIL_2D", "ATT")],
                         [1.0, 2.0, 1.0])

    def test_geometric_arguments_are_checked(self):
        cases = [
            (lambda: Instance.from_points([[0, 0], [1, 1]], metric="EUC_3D"), ValueError,
             "metric must be one of 'matrix', 'euclidean', 'EUC_2D', 'CEIL_2D', 'ATT', 'GEO', got 'EUC_3D'"),
            (lambda: Instance(("a", "b"), np.ones((2, 2)), [[0, 0], [1, 1]], metric="euclidean"), ValueError,
             "computes dist from its coords"),
            (lambda: Instance(("a", "b"), metric="ATT"), TypeError, "needs coords"),
            (lambda: Instance(("a", "b"), coords=[[0, 0], [1, 1]]), TypeError, "a matrix instance needs dist"),
            (lambda: Instance.from_points([[0, 0]]), ValueError, "at least 2 cities, got 1"),
            (lambda: Instance.from_points([[0, 0], [1, 1]], names=("a", "a")), ValueError, "unique"),
            (lambda: Instance.from_points([[0, 0], [1e200, 1e200]]), ValueError, "overflow"),
            (lambda: Instance.from_points([[-1e154, 0], [1e154, 0]]), ValueError,
             r"span 2e\+154 x 0 \(point 0 at \[-1e\+154, 0.0\] to point 1 at \[1e\+154, 0.0\]\)"),
        ]
        for make, exc, words in cases:
            with self.subTest(words=words):
                with self.assertRaisesRegex(exc, words):
                    make()

    def test_distance_takes_indices_or_names_and_names_the_bad_one(self):
        inst = Instance.from_points([[0, 0], [3, 4]], names=("a", "b"))
        self.assertEqual(inst.distance("a", 1), 5.0)
        with self.assertRaisesRegex(ValueError, r"j must be a city index in 0\.\.1, got 2"):
            inst.distance(0, 2)
        with self.assertRaisesRegex(ValueError, "i must be a city name of the instance .*'c'"):
            inst.distance("c", 0)
        with self.assertRaisesRegex(TypeError, "j must be a city index"):
            inst.distance(0, 1.0)
        self.assertEqual(seed_routes().distance("AAPL", "CSCO"), seed_routes().dist[0, 1])

    def test_an_instance_is_immutable_and_pickles_as_itself(self):
        inst = Instance.random_uniform(20, seed=2)
        with self.assertRaises(FrozenInstanceError):
            inst.name = "other"
        with self.assertRaises(FrozenInstanceError):
            del inst.coords
        for original in (inst, seed_routes()):
            copy = pickle.loads(pickle.dumps(original))
            self.assertEqual((copy.names, copy.name, copy.metric), (original.names, original.name, original.metric))
            np.testing.assert_array_equal(copy.dist, original.dist)
        self.assertIsNone(pickle.loads(pickle.dumps(Instance.random_uniform(20, seed=2)))._dist)


@pytest.mark.parametrize("kind", sorted(set(_metric.KINDS) - {"matrix"}))
@given(data=st.data())
def test_distance_is_the_published_distance_and_dist_its_matrix(kind, data):
    xy = data.draw(any_points_for(kind, 2, 10))
    inst = Instance.from_points(xy, metric=kind)
    want = ref.coordinate_matrix(kind, xy)
    got = [[inst.distance(i, j) for j in range(inst.n)] for i in range(inst.n)]
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(inst.dist, want)


class InstanceValidation(unittest.TestCase):
    def test_messages_name_the_problem(self):
        cases = [
            (lambda: Instance.from_matrix(np.zeros((2, 3))), ValueError, "square"),
            (lambda: Instance.from_matrix([[0.0]]), ValueError, "at least 2"),
            (lambda: Instance.from_matrix([[0, np.nan], [1, 0]]), ValueError, "NaN"),
            (lambda: Instance.from_matrix([[0, -1], [1, 0]]), ValueError, "non-negative"),
            (lambda: Instance.from_matrix([[0, 1], [1, 0]], names=("a", "a")), ValueError, "unique"),
            (lambda: Instance.from_matrix([[0, 1], [1, 0]], names=("a",)), ValueError, "one entry per city"),
            (lambda: Instance.from_edges([("a", "b", 1), ("a", "b", 2)]), ValueError, "given twice"),
            (lambda: Instance.from_edges([("a", "b")]), ValueError, "row 0"),
            (lambda: Instance.from_edges([("a", "b", "far")]), ValueError, "number"),
            (lambda: Instance.random_uniform(1), ValueError, "at least 2"),
            (lambda: Instance.random_uniform(2.5), TypeError, "integer"),
        ]
        for make, exc, words in cases:
            with self.subTest(words=words):
                with self.assertRaisesRegex(exc, words):
                    make()

    def test_instance_copies_the_callers_matrix(self):
        # The instance used to keep (and freeze) the caller's own array: the caller's
        # array turned read-only, and once made writeable again its edits changed the
        # instance behind the cached candidate lists.
        a = np.array([[0, 1, 5], [1, 0, 1], [5, 1, 0.0]])
        inst = Instance.from_matrix(a)
        self.assertTrue(a.flags.writeable)
        self.assertFalse(np.shares_memory(a, inst.dist))
        self.assertEqual(nearest_neighbor(inst, 0).length, 2.0)
        a[0, 1] = 100.0
        self.assertEqual(inst.dist[0, 1], 1.0)
        xy = np.array([[0, 0], [3, 4.0]])
        pts = Instance.from_points(xy)
        self.assertTrue(xy.flags.writeable)
        self.assertFalse(np.shares_memory(xy, pts.coords))

    def test_matrix_of_non_numbers_names_dist(self):
        with self.assertRaisesRegex(TypeError, "dist must hold real numbers"):
            Instance.from_matrix([["a", "b"], ["c", "d"]])
        with self.assertRaisesRegex(ValueError, "dist"):
            Instance.from_matrix([[0, 1], [1]])
        with self.assertRaisesRegex(TypeError, "names must be a sequence of strings"):
            Instance.from_matrix([[0, 1], [1, 0]], names="ab")

    def test_from_edges_bad_distances_name_the_row(self):
        cases = [
            ([("a", "b", float("nan"))], ValueError, "row 0: distance must not be NaN"),
            ([("a", "b", 1), ("b", "a", float("nan"))], ValueError, "row 1: distance must not be NaN"),
            ([("a", "b", -1)], ValueError, "row 0: distance must be non-negative, got -1"),
            ([("a", "b", True)], TypeError, "row 0: distance must be a number, got True"),
            ([("a", "a", 5), ("a", "b", 1)], ValueError, "row 0: a->a"),
        ]
        for rows, exc, words in cases:
            with self.subTest(rows=rows):
                with self.assertRaisesRegex(exc, words):
                    Instance.from_edges(rows)

    def test_non_finite_points_are_named(self):
        with self.assertRaisesRegex(ValueError, r"xy must be finite, got \[0.0, nan\] at row 1"):
            Instance.from_points([[0, 0], [0, np.nan], [1, 1]])
        with self.assertRaisesRegex(ValueError, r"coords must be finite, got \[inf, 0.0\] at row 0"):
            Instance(names=("a", "b"), dist=np.ones((2, 2)), coords=[[np.inf, 0], [0, 0]])

    def test_points_and_coords_of_the_wrong_shape_or_type(self):
        cases = [
            (lambda: Instance.from_points([0, 1, 2]), ValueError, r"xy must have shape \(n, 2\), got \(3,\)"),
            (lambda: Instance.from_points([[0, 1], [2]]), ValueError, r"xy must be an \(n, 2\) array of numbers"),
            (lambda: Instance(names=("a", "b"), dist=np.ones((2, 2)), coords=np.zeros((3, 2))), ValueError,
             r"coords must have shape \(2, 2\), got \(3, 2\)"),
            (lambda: Instance(names=("a", "b"), dist=np.ones((2, 2)), coords=[["x", "y"], ["z", "w"]]), TypeError,
             "coords must hold real numbers"),
            (lambda: Instance.from_matrix([[0, 1], [1, 0]], names=(0, 1)), TypeError, "names must be strings"),
        ]
        for make, exc, words in cases:
            with self.subTest(words=words):
                with self.assertRaisesRegex(exc, words):
                    make()

    def test_distances_whose_route_would_overflow_are_refused(self):
        # A walk over 1e308-long legs summed to inf, and simulate then reported a
        # complete walk as "stranded by missing edges".
        with self.assertRaisesRegex(ValueError, "dist.*too large.*1e\\+308"):
            Instance.from_matrix([[0, 1e308, 1e308], [1e308, 0, 1e308], [1e308, 1e308, 0]])
        Instance.from_matrix([[0, 1e300], [1e300, 0]])  # fine: no route overflows

    def test_a_string_is_not_a_row(self):
        # "ab5" unpacked into ('a', 'b', '5'): an edge a->b of length 5, silently.
        with self.assertRaisesRegex(TypeError, "row 0 must be .*got 'ab5'"):
            Instance.from_edges(["ab5", "ba6"])

    def test_points_whose_distances_overflow_are_refused(self):
        # sqrt(dx^2 + dy^2) overflowed to inf, which means "no edge": a silently
        # different instance.
        with self.assertRaisesRegex(ValueError, "xy.*overflow"):
            Instance.from_points([[0, 0], [1e200, 1e200]])

    def test_random_uniform_seed_is_checked(self):
        with self.assertRaisesRegex(ValueError, "seed must be a non-negative integer, got -1"):
            Instance.random_uniform(3, seed=-1)
        with self.assertRaisesRegex(TypeError, "seed"):
            Instance.random_uniform(3, seed=True)
        with self.assertRaisesRegex(TypeError, "seed"):
            Instance.random_uniform(3, seed=1.5)


class DenseMatrixMemory(unittest.TestCase):
    """A geometric instance holds its coordinates, O(n); a dense n x n matrix is built
    only on demand and, like every matrix, refused up front when it cannot fit."""

    def test_a_million_random_cities_fit_and_their_matrix_is_refused_naming_the_way_out(self):
        inst = Instance.random_uniform(10**6, seed=0)
        self.assertEqual((inst.n, inst.metric, inst.coords.shape), (10**6, "euclidean", (10**6, 2)))
        self.assertAlmostEqual(inst.distance(0, 1), float(np.hypot(*(inst.coords[0] - inst.coords[1]))))
        # review (issue 15): a raw MemoryError naming nothing.
        with self.assertRaisesRegex(ValueError, r"^instance 'random:1000000' is geometric \(euclidean\): its "
                                                r"distances come from its coordinates, and its dense matrix cannot "
                                                r"be built: n=1000000 needs 7,450\.6 GiB for its dense 1000000 x "
                                                r"1000000 distance matrix \(8 n\^2 bytes\), more than this machine "
                                                r"can spare .*Use instance\.distance\(i, j\)"):
            inst.dist
        # before drawing 10^12 points (16 TB) for it
        with self.assertRaisesRegex(ValueError, r"^n=1000000000000 needs 74,505\.8 GiB for its coordinates and names "
                                                r"\(about 80 bytes per city\), more than this machine can spare"):
            Instance.random_uniform(10**12, seed=0)

    def test_every_dense_matrix_is_checked_before_it_is_built(self):
        chain = [(str(i), str(i + 1), 1.0) for i in range(399)]  # 400 cities
        with mock.patch.object(_validation, "available_memory", return_value=2**20), \
                mock.patch.object(_validation, "MEMORY_CHECK_FROM", 0):  # 1 MiB, every size checked: n <= 323
            self.assertEqual(Instance.from_points(np.zeros((300, 2))).dist.shape, (300, 300))
            self.assertEqual(Instance.from_edges(chain[:299]).n, 300)
            big = (Instance.random_uniform(400, seed=0), Instance.from_points(np.zeros((400, 2))))
            for inst in big:  # built: they hold no matrix
                with self.assertRaisesRegex(ValueError, r"n=400 needs 1\.2 MiB for its dense 400 x 400"):
                    inst.dist
            with self.assertRaisesRegex(ValueError, r"^n=400 needs 1\.2 MiB for its dense 400 x 400"):
                Instance.from_edges(chain)
