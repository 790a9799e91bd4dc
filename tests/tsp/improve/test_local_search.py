"""tsp.improve.local_search: local_search, two_opt and or_opt, the descent, the walk-and-improve kernels.

Properties against the exhaustive oracle (``reference.improving_move``): with lists
of every city the result is a local optimum of both moves; with short lists it is
still a permutation, never longer, its length a recomputation. Known answers
(the classroom table, TSPLIB's optimal tours), bad input, and the parallel
walk-and-improve kernel running in parallel from a warm cache.
"""

import dataclasses
import unittest

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests import reference as ref
from tests.data import matrices_with_a_tour, planar_point_lists
from tests.profiles import slow
from tests.tsp.improve.local_optimum import assert_local_optimum
from tests.tsp.improve.test_or_opt import _TO_THE_END
from tests.tsp.parallel import assert_parallel_from_warm_cache
from tsp import Instance, Tour, local_search, nearest_neighbor, or_opt, read_tour, read_tsplib, seed_routes, two_opt
from tsp.improve.local_search import context, improved_walks_each, improved_walks_many, is_symmetric
from tsp.neighbors import candidates
from tsp.tsplib import BUNDLED_DIR

SEED = seed_routes()
FUNCTIONS = {"2-opt": two_opt, "or-opt": or_opt, "both": local_search}
KINDS = {"2-opt": ("2-opt",), "or-opt": ("or-opt",), "both": ("2-opt", "or-opt")}


@given(matrices_with_a_tour())
@example(_TO_THE_END)  # the move to the end of an open path
def test_local_search_with_every_city_as_candidate_is_a_local_optimum_of_both_moves(case):
    _, order, closed = case
    _, out = assert_local_optimum(local_search, case)
    assert out.closed == closed
    if closed:
        assert out.order[0] == order[0]


@given(matrices_with_a_tour(max_n=12), st.integers(1, 4), st.sampled_from(sorted(FUNCTIONS)))
def test_short_lists_still_give_a_complete_tour_never_longer(case, k, kind):
    dist, order, closed = case
    inst = Instance.from_matrix(dist)
    start = Tour.from_order(inst, order, closed=closed)
    out = FUNCTIONS[kind](start, neighbors=k)
    assert sorted(out.order.tolist()) == list(range(inst.n))
    assert out.complete and out.length <= start.length
    assert out.length == ref.walk_length(dist, out.order.tolist(), closed)


@slow
@given(planar_point_lists(3, 10), st.booleans(), st.integers(0, 2**32 - 1))
def test_float_distances_reach_a_local_optimum_too(xy, closed, seed):
    """Euclidean (non-integer) distances: the oracle's tolerance is 1e-9 of the length,
    the kernel's 1e-12 of the exchanged edges, so the kernel never stops earlier."""
    inst = Instance.from_points(xy)
    order = np.random.default_rng(seed).permutation(inst.n)
    start = Tour.from_order(inst, order, closed=closed)
    out = local_search(start, neighbors=inst.n - 1)
    assert out.length <= start.length
    assert ref.improving_move(inst.dist, out.order.tolist(), closed) is None


def test_the_oracle_itself_stops_at_a_local_optimum():
    d = np.array([[0, 3, 1, 4], [3, 0, 5, 1], [1, 5, 0, 2], [4, 1, 2, 0]], dtype=float)
    order = ref.local_search_first_improvement(d, [0, 1, 2, 3], closed=True)
    assert ref.improving_move(d, order, True) is None
    assert ref.walk_length(d, order, True) == ref.brute_force_tsp_length(d, True) == 7.0


# ---------------------------------------------------------------------------
# known answers
# ---------------------------------------------------------------------------


class ClassroomTable(unittest.TestCase):
    """The seed table is asymmetric in places: every walk, improved, is never longer."""

    def test_every_walk_improved_is_never_longer_and_reaches_the_optimum_here(self):
        for closed, optimum in ((False, 128.0), (True, 171.0)):
            for s in range(SEED.n):
                walk = nearest_neighbor(SEED, s, closed=closed)
                if not walk.complete:
                    continue
                better = local_search(walk)
                self.assertLessEqual(better.length, walk.length)
                self.assertGreaterEqual(better.length, optimum)
                self.assertEqual(better.length, ref.walk_length(SEED.dist, better.order.tolist(), closed))
            self.assertEqual(local_search(nearest_neighbor(SEED, "SWY", closed=closed)).length, optimum)

    def test_the_table_is_asymmetric_and_costed_as_such(self):
        self.assertFalse(is_symmetric(SEED))
        self.assertTrue(is_symmetric(Instance.random_uniform(6, seed=0)))


@pytest.mark.parametrize("name", ["ulysses16", "bays29", "att48", "eil51", "berlin52", "st70", "a280"])
def test_tsplib_optimal_tours_are_not_made_longer(name):
    inst = read_tsplib(f"{BUNDLED_DIR}/{name}.tsp")
    best = Tour.from_order(inst, read_tour(f"{BUNDLED_DIR}/{name}.opt.tour"), closed=True)
    for fn in FUNCTIONS.values():
        assert fn(best).length == best.length


def test_every_tour_knows_its_instance():
    walk = nearest_neighbor(SEED, 0)
    assert walk.instance is SEED and local_search(walk).instance is SEED
    assert "instance" not in repr(walk)  # the order and legs say enough


def test_a_tour_with_nothing_to_improve_comes_back_as_a_new_equal_tour():
    line = Instance.from_points([[0, 0], [1, 0], [2, 0]])
    start = Tour.from_order(line, [0, 1, 2])
    out = local_search(start)
    assert out is not start and out.order.tolist() == [0, 1, 2] and out.length == 2.0


# ---------------------------------------------------------------------------
# the kernels simulate(local_search=True) runs
# ---------------------------------------------------------------------------


def test_parallel_and_serial_walk_and_improve_agree_with_the_public_functions():
    inst = Instance.random_uniform(90, seed=3)
    ctx, lists = context(inst, 10, True), candidates(inst)
    starts = np.arange(90)
    many = improved_walks_many(*ctx, lists, starts, True)
    each = improved_walks_each(*ctx, lists, starts, True)
    np.testing.assert_array_equal(many, each)
    for s in (0, 17, 89):
        assert many[s] == local_search(nearest_neighbor(inst, s, closed=True)).length


def test_improved_walks_many_runs_in_parallel_when_loaded_from_a_warm_cache():
    assert_parallel_from_warm_cache(
        setup="import numpy as np\nfrom tsp import Instance\nfrom tsp.neighbors import candidates\n"
              "from tsp.improve.local_search import context, improved_walks_each, improved_walks_many\n"
              "inst = Instance.random_uniform(200, seed=0)\n"
              "ctx, lists, starts = context(inst, 10, False), candidates(inst), np.arange(200)",
        serial="improved_walks_each(*ctx, lists, starts, False)",
        parallel="improved_walks_many(*ctx, lists, starts, False)",
    )


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------


class LocalSearchValidation(unittest.TestCase):
    def test_not_a_tour(self):
        for fn in FUNCTIONS.values():
            with self.assertRaisesRegex(TypeError, "tour must be a tsp.Tour, got list"):
                fn([0, 1, 2])

    def test_an_incomplete_walk_says_why(self):
        dist = np.array([[0, 1, np.inf], [np.inf, 0, np.inf], [np.inf, np.inf, 0]])
        inst = Instance.from_matrix(dist)
        stuck = nearest_neighbor(inst, 0)  # 0 -> 1, then no edge
        with self.assertRaisesRegex(ValueError, "incomplete: it visits 2 of the 3 cities"):
            local_search(stuck)
        by_hand = Tour.from_order(inst, [0, 2, 1])
        with self.assertRaisesRegex(ValueError, r"incomplete: its leg 0 -> 2 is a missing edge \(inf\)"):
            local_search(by_hand)
        no_way_back = Tour.from_order(Instance.from_matrix([[0, 1], [np.inf, 0]]), [0, 1], closed=True)
        with self.assertRaisesRegex(ValueError, "cannot close: there is no edge from 1 back to 0"):
            two_opt(no_way_back)

    def test_a_tour_that_does_not_know_or_match_its_instance(self):
        walk = nearest_neighbor(SEED, 0)
        with self.assertRaisesRegex(ValueError, "does not say which instance"):
            or_opt(dataclasses.replace(walk, instance=None))
        other = Instance.random_uniform(15, seed=0)
        with self.assertRaisesRegex(ValueError, "not a tour of its instance 'random:15'"):
            local_search(dataclasses.replace(walk, instance=other))
        with self.assertRaisesRegex(ValueError, "not a tour of its instance 'random:4'"):
            local_search(dataclasses.replace(walk, instance=Instance.random_uniform(4, seed=0)))

    def test_a_tour_of_another_instance_with_the_same_names(self):
        """review-11 finding 6: relabelled to another instance of the same names, or of
        another size while it says complete: refused, never improved against the wrong
        lengths; a partial order by hand is incomplete, without guessing why."""
        a, b = Instance.random_uniform(8, seed=1), Instance.random_uniform(8, seed=2)
        tour = Tour.from_order(a, list(range(8)), closed=True)
        for fn in FUNCTIONS.values():
            with self.assertRaisesRegex(ValueError, "not a tour of its instance 'random:8': its legs or length"):
                fn(dataclasses.replace(tour, instance=b))
            with self.assertRaisesRegex(ValueError, "its legs or length are not the instance's distances"):
                fn(dataclasses.replace(tour, length=0.1))  # a length that is not its legs' sum
        with self.assertRaisesRegex(ValueError, "not a tour of its instance 'random:9'"):
            local_search(dataclasses.replace(tour, instance=Instance.random_uniform(9, seed=2)))
        with self.assertRaisesRegex(ValueError, "incomplete: it visits 3 of the 8 cities of 'random:8'; local "
                                                "search needs every city once"):
            local_search(Tour.from_order(a, [0, 1, 2], closed=True))

    def test_neighbors(self):
        walk = nearest_neighbor(SEED, 0)
        with self.assertRaisesRegex(ValueError, "neighbors must be a positive integer, got 0"):
            local_search(walk, neighbors=0)
        with self.assertRaisesRegex(TypeError, "neighbors must be a positive integer, got 2.0"):
            local_search(walk, neighbors=2.0)
