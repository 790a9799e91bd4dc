"""tsp.tour: Tour (from_order, legs, length, text) and tour_length."""

import unittest

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tsp
from tests import reference as ref
from tests.data import any_points_for
from tsp import Instance, Tour, _metric, nearest_neighbor, simulate

INF = np.inf


class TourTests(unittest.TestCase):
    def test_closed_walk_without_a_way_back_has_no_inf_leg(self):
        # 0 -> 1 -> 2 visits every city but 2 -> 0 is missing: legs are the legs
        # walked (no closing leg), their sum is the length.
        inst = Instance.from_matrix([[0, 1, INF], [INF, 0, 1], [INF, INF, 0]])
        tour = nearest_neighbor(inst, 0, closed=True)
        self.assertFalse(tour.complete)
        self.assertEqual(tour.legs.tolist(), [1.0, 1.0])
        self.assertEqual(tour.length, float(np.sum(tour.legs)))
        self.assertIn("incomplete", str(tour))
        self.assertEqual(len(tour.render().splitlines()), 3)
        sim = simulate(inst, starts="all", closed=True)
        self.assertEqual(sim.best.legs.tolist(), [1.0, 1.0])

    def test_from_order_refuses_what_is_not_a_walk(self):
        inst = Instance.from_matrix(np.ones((3, 3)))
        cases = [
            ([0, 0, 1], ValueError, "order.*city 0 twice"),
            ([0, 5], ValueError, r"order.*0\.\.2, got 5"),
            ([0, -1], ValueError, r"order.*0\.\.2, got -1"),
            ([], ValueError, "order must not be empty"),
            ([0.0, 1.0], TypeError, "order"),
            ([[0, 1]], ValueError, "one-dimensional"),
        ]
        for order, exc, words in cases:
            with self.subTest(order=order):
                with self.assertRaisesRegex(exc, words):
                    Tour.from_order(inst, order)
        self.assertTrue(Tour.from_order(inst, [2, 0, 1]).complete)
        self.assertFalse(Tour.from_order(inst, [2, 0]).complete)

    def test_text_and_table(self):
        inst = Instance.from_matrix([[0, 1, 2], [1, 0, 3], [2, 3, 0]], names=("a", "b", "c"))
        tour = Tour.from_order(inst, [0, 1, 2], closed=True)
        self.assertEqual(str(tour), "closed tour of length 6: a -(1)-> b -(3)-> c -(2)-> a")
        self.assertEqual(tour.render().splitlines(), ["step  from  to  leg  total",
                                                      "   1  a     b     1      1",
                                                      "   2  b     c     3      4",
                                                      "   3  c     a     2      6"])
        self.assertFalse(tour.order.flags.writeable or tour.legs.flags.writeable)

    def test_a_table_of_non_integer_legs_lines_up(self):
        # review: legs like 0.0313832 overflowed the 8-wide column; names narrower than "from"
        for seed in range(20):
            inst = Instance.random_uniform(12, seed=seed)
            for closed in (False, True):
                lines = tsp.nearest_neighbor(inst, seed % 12, closed=closed).render().splitlines()
                self.assertEqual(len({len(line) for line in lines}), 1, lines)
                for column in ("leg", "total"):  # decimal points in one place, 6 significant digits
                    end = lines[0].index(column) + len(column)
                    points = {line[:end].rindex(".") for line in lines[1:]}
                    self.assertEqual(len(points), 1, lines)
                self.assertRegex(lines[-1], r"\s\d\.\d{5}$")

    def test_table_numbers_are_the_legs_and_their_running_total(self):
        inst = Instance.random_uniform(9, seed=3)
        tour = tsp.nearest_neighbor(inst, 0, closed=True)
        rows = [line.split() for line in tour.render().splitlines()[1:]]
        np.testing.assert_allclose([float(r[3]) for r in rows], tour.legs, atol=5e-6)
        np.testing.assert_allclose([float(r[4]) for r in rows], np.cumsum(tour.legs), atol=5e-6)
        self.assertEqual([r[1] for r in rows], list(tour.names))
        self.assertEqual(rows[-1][2], tour.names[0])  # back to the start

    def test_large_integer_lengths_are_written_in_full(self):
        inst = Instance.from_matrix([[0, 18660188], [18660188, 0]])
        tour = Tour.from_order(inst, [0, 1], closed=True)
        self.assertEqual(str(tour), "closed tour of length 37320376: 0 -(18660188)-> 1 -(18660188)-> 0")
        self.assertEqual(tour.render().splitlines()[-1].split(), ["2", "1", "0", "18660188", "37320376"])


class TourLength(unittest.TestCase):
    def test_tour_length_refuses_what_it_used_to_truncate_or_wrap(self):
        d = np.array([[0, 1, 2], [1, 0, 3], [2, 3, 0.0]])
        self.assertEqual(tsp.tour_length(d, [0, 1, 2], closed=True), 6.0)
        self.assertEqual(tsp.tour_length(Instance.from_matrix(d), [2, 1]), 3.0)
        self.assertEqual(tsp.tour_length(d.tolist(), [0, 2]), 2.0)
        with self.assertRaisesRegex(TypeError, "order"):
            tsp.tour_length(d, [0, 1.7])  # was 1.0: 1.7 truncated to city 1
        with self.assertRaisesRegex(ValueError, r"order.*0\.\.2, got -1"):
            tsp.tour_length(d, [0, -1])  # was 2.0: -1 wrapped to city 2
        with self.assertRaisesRegex(ValueError, r"got 5"):
            tsp.tour_length(d, [0, 5])
        with self.assertRaisesRegex(ValueError, "dist must be square"):
            tsp.tour_length(np.ones((2, 3)), [0, 1])

    def test_a_raw_matrix_is_checked_exactly_as_an_instance_checks_it(self):
        # review (issue 15): NaN and negative entries gave nan and -5.0, silently.
        bad = [
            [[0, np.nan], [1, 0]],
            [[0, -5], [1, 0]],
            [[0.0]],
            [[0, 1e308, 1e308], [1e308, 0, 1e308], [1e308, 1e308, 0]],
            [[True, False], [False, True]],
            [["0", "1"], ["1", "0"]],
        ]
        for m in bad:
            with self.subTest(m=m):
                with self.assertRaises((TypeError, ValueError)) as instance_says:
                    Instance.from_matrix(m)
                with self.assertRaises(type(instance_says.exception)) as tour_length_says:
                    tsp.tour_length(m, [0])
                self.assertEqual(str(tour_length_says.exception), str(instance_says.exception))
        with self.assertRaisesRegex(ValueError, r"dist must not contain NaN, got NaN at \[0, 1\]"):
            tsp.tour_length(np.array(bad[0]), [0, 1])
        with self.assertRaisesRegex(ValueError, r"dist must be non-negative, got -5\.0 at \[0, 1\]"):
            tsp.tour_length(bad[1], [0, 1])

    def test_tour_length_leaves_the_callers_matrix_writeable(self):
        d = np.array([[0, 1], [2, 0.0]])
        self.assertEqual(tsp.tour_length(d, [1, 0], closed=True), 3.0)
        self.assertTrue(d.flags.writeable)


@pytest.mark.parametrize("kind", sorted(set(_metric.KINDS) - {"matrix"}))
@given(data=st.data(), closed=st.booleans())
def test_a_geometric_instance_measures_any_order_as_its_matrix_does(kind, data, closed):
    """Legs through the seam, never a matrix: equal, leg by leg and summed, to the
    matrix of the published formulas, for an order given by hand."""
    xy = data.draw(any_points_for(kind, 2, 30))
    order = data.draw(st.permutations(range(len(xy))))
    geometric = Instance.from_points(xy, metric=kind)
    matrix = Instance.from_matrix(ref.coordinate_matrix(kind, xy))
    a, b = Tour.from_order(geometric, order, closed=closed), Tour.from_order(matrix, order, closed=closed)
    np.testing.assert_array_equal(a.legs, b.legs)
    assert (a.length, a.complete) == (b.length, b.complete)
    assert tsp.tour_length(geometric, order, closed) == tsp.tour_length(matrix, order, closed) == a.length
    assert a.length == ref.walk_length(matrix.dist, order, closed)
    assert geometric._dist is None
