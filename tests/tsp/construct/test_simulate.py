"""tsp.construct.simulate: simulate and Simulation.

Known answers from the classroom table, properties against the slow twins
(``nn_walk``, ``brute_force_tsp_length``), reproducibility whatever the thread
count, the result's summary, and bad input.
"""

import re
import unittest
from unittest import mock

import numba
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import reference as ref
from tests.data import any_points_for, tie_heavy_matrices
from tests.profiles import slow
from tsp import Instance, Simulation, Tour, _metric, _validation, nearest_neighbor, seed_routes, simulate

INF = np.inf
SEED = seed_routes()


class ClassroomTable(unittest.TestCase):
    def test_all_starts_simulation(self):
        sim = simulate(SEED, starts="all")
        self.assertEqual(sim.best.length, 128)
        self.assertEqual(sim.n_best, 2)  # GPS and PCG
        self.assertEqual(sim.best.names[0], "GPS")  # the first of the shortest
        self.assertEqual(sim.lengths.max(), 180)
        np.testing.assert_array_equal(sim.starts, np.arange(15))

    def test_simulation_never_beats_the_known_optima(self):
        self.assertGreaterEqual(simulate(SEED, 200, seed=0).best.length, 128)
        self.assertGreaterEqual(simulate(SEED, 200, seed=0, closed=True).best.length, 171)


# ---------------------------------------------------------------------------
# against the slow twins
# ---------------------------------------------------------------------------


@slow
@pytest.mark.parametrize("kind", sorted(set(_metric.KINDS) - {"matrix"}))
@given(data=st.data(), closed=st.booleans(), seed=st.integers(0, 2**32 - 1))
def test_a_geometric_instance_simulates_as_a_matrix_instance_of_its_points(kind, data, closed, seed):
    """Same seed, same points: the same lengths, best tour and count, whether the
    distances come from coordinates (k-d tree) or from the matrix of the published
    formulas; small, or more cities than the lists' 64 (the tree's fallback)."""
    xy = data.draw(any_points_for(kind, 2, 12) | any_points_for(kind, 66, 90))
    a = simulate(Instance.from_points(xy, metric=kind), 40, seed=seed, closed=closed)
    b = simulate(Instance.from_matrix(ref.coordinate_matrix(kind, xy)), 40, seed=seed, closed=closed)
    np.testing.assert_array_equal(a.lengths, b.lengths)
    np.testing.assert_array_equal(a.best.order, b.best.order)
    assert (a.n_best, a.best.length) == (b.n_best, b.best.length)


@given(tie_heavy_matrices(max_n=12, max_d=9), st.booleans())
def test_simulate_lengths_equal_twin_from_every_start(dist, closed):
    """The kernel's own summed lengths (simulate reports them), inf when stuck."""
    sim = simulate(Instance.from_matrix(dist), starts="all", closed=closed)
    walks = [ref.nn_walk(dist, s, closed) for s in range(len(dist))]
    assert sim.lengths.tolist() == [length if complete else INF for _, length, complete in walks]


@slow
@given(tie_heavy_matrices(max_n=6, max_d=4), st.booleans(), st.integers(0, 1000))
def test_simulation_best_never_below_brute_force(dist, closed, seed):
    inst = Instance.from_matrix(dist)
    sim = simulate(inst, 10, seed=seed, closed=closed)
    if sim.n_complete:
        assert sim.best.length >= ref.brute_force_tsp_length(dist, closed)
        assert sim.best.length == ref.walk_length(dist, sim.best.order.tolist(), closed)


# ---------------------------------------------------------------------------
# starts, seeds, threads, the best
# ---------------------------------------------------------------------------


class SimulateTests(unittest.TestCase):
    def test_same_seed_same_result(self):
        inst = Instance.random_uniform(50, seed=7)
        a, b = simulate(inst, 300, seed=11), simulate(inst, 300, seed=11)
        np.testing.assert_array_equal(a.lengths, b.lengths)
        np.testing.assert_array_equal(a.starts, b.starts)
        np.testing.assert_array_equal(a.best.order, b.best.order)
        c = simulate(inst, 300, seed=12)
        self.assertFalse(np.array_equal(a.starts, c.starts))

    def test_starts_are_drawn_by_default_rng_outside_the_kernel(self):
        sim = simulate(SEED, 40, seed=5)
        np.testing.assert_array_equal(sim.starts, np.random.default_rng(5).integers(0, 15, 40))
        gen = simulate(SEED, 40, seed=np.random.default_rng(5))
        np.testing.assert_array_equal(gen.lengths, sim.lengths)

    def test_lengths_are_each_starts_walk_and_best_is_first_of_shortest(self):
        sim = simulate(SEED, 60, seed=3)
        by_start = {s: nearest_neighbor(SEED, s).length for s in range(15)}
        self.assertEqual(sim.lengths.tolist(), [by_start[s] for s in sim.starts])
        first = int(np.argmin(sim.lengths))
        self.assertEqual(sim.best.order[0], sim.starts[first])
        self.assertEqual(sim.n_best, int((sim.lengths == sim.lengths.min()).sum()))
        self.assertEqual(sim.best.length, sim.lengths.min())

    def test_thread_count_does_not_change_the_result(self):
        geometric = Instance.random_uniform(450, seed=1)  # big enough for the parallel kernel
        for inst in (geometric, Instance.from_matrix(geometric.dist)):
            before = numba.get_num_threads()
            try:
                numba.set_num_threads(1)
                one = simulate(inst, 800, seed=2, closed=True)
                numba.set_num_threads(min(2, numba.config.NUMBA_NUM_THREADS))
                two = simulate(inst, 800, seed=2, closed=True)
            finally:
                numba.set_num_threads(before)
            np.testing.assert_array_equal(one.lengths, two.lengths)
            np.testing.assert_array_equal(one.best.order, two.best.order)
            self.assertEqual(one.n_best, two.n_best)

    def test_explicit_starts_names_and_progress(self):
        calls = []
        sim = simulate(SEED, starts=["SWY", "GPS", 5], progress=lambda d, t: calls.append((d, t)))
        self.assertEqual(sim.lengths.tolist(), [180, 128, 128])
        self.assertEqual(sim.n_best, 2)
        self.assertEqual(calls, [(3, 3)])  # counted in simulations (two distinct starts walked)

    def test_unsigned_starts_out_of_range_are_named_as_given(self):
        big = np.array([1, 2**64 - 1], dtype=np.uint64)  # used to be reported as -1
        with self.assertRaisesRegex(ValueError, "got 18446744073709551615"):
            simulate(SEED, starts=big)
        mine = np.array([3, 4])
        sim = simulate(SEED, starts=mine)
        self.assertTrue(mine.flags.writeable)
        self.assertFalse(np.shares_memory(mine, sim.starts))

    def test_starts_that_are_not_a_sequence(self):
        with self.assertRaisesRegex(TypeError, "starts must be"):
            simulate(SEED, starts=5)
        with self.assertRaisesRegex(ValueError, r"starts must be one-dimensional, got shape \(\)"):
            simulate(SEED, starts=np.array(5))  # was "len() of unsized object"

    def test_an_array_of_names_is_read_like_a_list_of_names(self):
        sim = simulate(SEED, starts=np.array(["SWY", "GPS"]))  # was a dtype TypeError
        self.assertEqual(sim.lengths.tolist(), [180.0, 128.0])
        with self.assertRaisesRegex(ValueError, "'XYZ'"):
            simulate(SEED, starts=np.array(["GPS", "XYZ"], dtype=object))

    def test_best_is_the_first_of_the_shortest_in_simulation_order(self):
        inst = Instance.from_matrix(np.ones((3, 3)))  # every walk has length 2
        sim = simulate(inst, starts=[2, 1, 0, 2])
        self.assertEqual(sim.best.order[0], 2)
        self.assertEqual(sim.n_best, 4)


# ---------------------------------------------------------------------------
# the result: incomplete walks, statistics, summary, repr
# ---------------------------------------------------------------------------


class SimulationResult(unittest.TestCase):
    def test_incomplete_walks_are_inf_and_never_best(self):
        dist = np.array([[0, 1, 1], [INF, 0, 1], [INF, INF, 0.0]])  # only 0 -> 1 -> 2 works
        sim = simulate(Instance.from_matrix(dist), starts="all")
        self.assertEqual(sim.lengths.tolist(), [2.0, INF, INF])
        self.assertEqual((sim.n_best, sim.n_complete), (1, 1))
        self.assertTrue(sim.best.complete)
        self.assertIn("2 walks got stuck", sim.summary())
        self.assertEqual(sim.stats(), {"mean": 2.0, "median": 2.0, "worst": 2.0})

    def test_stats_over_the_seed_table(self):
        sim = simulate(SEED, starts="all")
        ok = sim.lengths.tolist()
        self.assertEqual(sim.stats(), {"mean": sum(ok) / 15, "median": sorted(ok)[7], "worst": 180.0})

    def test_nothing_complete(self):
        dist = np.array([[0, INF, INF], [INF, 0, INF], [INF, INF, 0.0]])
        sim = simulate(Instance.from_matrix(dist), 4, seed=0)
        self.assertEqual(sim.n_best, 0)
        self.assertFalse(sim.best.complete)
        self.assertEqual(sim.best.order[0], sim.starts[0])
        self.assertIn("no walk visited every city", sim.summary())

    def test_result_is_frozen_and_read_only(self):
        sim = simulate(SEED, 5, seed=0)
        self.assertIsInstance(sim, Simulation)
        self.assertIsInstance(sim.best, Tour)
        with self.assertRaises(Exception):
            sim.n_best = 3
        with self.assertRaises(ValueError):
            sim.lengths[0] = 0
        text = sim.summary()
        self.assertIn("5 simulations", text)
        self.assertIn(f"best {sim.best.length:g}", text)

    def test_summary_lines(self):
        sim = simulate(SEED, starts="all")
        stats = sim.stats()
        self.assertEqual(sim.summary().splitlines()[1:], [
            "best 128, found by 2 of 15",
            f"mean {stats['mean']:.6g}, median {stats['median']:.6g}, worst 180",
        ])

    def test_repr_does_not_call_an_incomplete_walk_the_best(self):
        dist = np.array([[0, INF, INF], [INF, 0, INF], [INF, INF, 0.0]])
        sim = simulate(Instance.from_matrix(dist), 4, seed=0)
        self.assertIn("best=None", repr(sim))
        self.assertIn("best=128", repr(simulate(SEED, starts="all")))


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------


class SimulateValidation(unittest.TestCase):
    def test_simulate_arguments(self):
        cases = [
            (dict(n_simulations=0), ValueError, "n_simulations must be a positive integer, got 0"),
            (dict(n_simulations=-2), ValueError, "got -2"),
            (dict(n_simulations=2.0), TypeError, "n_simulations"),
            (dict(n_simulations=True), TypeError, "n_simulations"),
            (dict(), TypeError, "n_simulations or starts"),
            (dict(n_simulations=3, seed=-1), ValueError, "seed must be a non-negative"),
            (dict(n_simulations=3, seed="1"), TypeError, "seed"),
            (dict(starts=[]), ValueError, "starts must not be empty"),
            (dict(starts=[0, 15]), ValueError, "15"),
            (dict(starts=np.array([0, -1])), ValueError, "got -1"),
            (dict(starts=np.array([0.5])), TypeError, "dtype"),
            (dict(starts="some"), TypeError, "starts"),
            (dict(starts=[1, 2], n_simulations=3), ValueError, "must equal the number of starts"),
            (dict(n_simulations=2, closed=1), TypeError, "closed"),
        ]
        for kwargs, exc, words in cases:
            with self.subTest(**{k: repr(v) for k, v in kwargs.items()}):
                with self.assertRaisesRegex(exc, words):
                    simulate(SEED, **kwargs)

    def test_progress_must_be_none_true_or_callable(self):
        for bad in (5, "yes", [print]):
            with self.assertRaisesRegex(TypeError, "progress must be None, True or callable.*got " + re.escape(repr(bad))):
                simulate(SEED, 3, progress=bad)

    def test_more_simulations_than_memory_holds_are_refused_up_front(self):
        # review (issue 15): simulate(inst, 10**12) died in a raw MemoryError naming nothing.
        with self.assertRaisesRegex(ValueError, r"^n_simulations=1000000000000 needs 14,901\.2 GiB for the starts "
                                                r"and lengths of the walks \(16 bytes per simulation\), more than"):
            simulate(SEED, 10**12, seed=0)
        with mock.patch.object(_validation, "available_memory", return_value=2**20), \
                mock.patch.object(_validation, "MEMORY_CHECK_FROM", 0):  # 1 MiB, every size checked: N <= 52428
            self.assertEqual(simulate(SEED, 52_428, seed=0).n_simulations, 52_428)
            with self.assertRaisesRegex(ValueError, r"^n_simulations=52429 needs 0\.8 MiB"):
                simulate(SEED, 52_429, seed=0)


# ---------------------------------------------------------------------------
# local_search=True: every walk improved before the best is kept
# ---------------------------------------------------------------------------


class SimulateWithLocalSearch(unittest.TestCase):
    def test_lengths_are_each_walk_improved_by_local_search(self):
        from tsp import local_search

        inst = Instance.random_uniform(60, seed=9)
        for closed in (False, True):
            sim = simulate(inst, 30, seed=1, closed=closed, local_search=True)
            plain = simulate(inst, 30, seed=1, closed=closed)
            by_start = {s: local_search(nearest_neighbor(inst, int(s), closed=closed)).length for s in sim.starts}
            self.assertEqual(sim.lengths.tolist(), [by_start[s] for s in sim.starts])
            self.assertTrue((sim.lengths <= plain.lengths).all())
            self.assertEqual(sim.best.length, sim.lengths.min())
            self.assertEqual(sim.best.length, ref.walk_length(inst.dist, sim.best.order.tolist(), closed))

    def test_the_classroom_table_reaches_both_optima_from_every_start(self):
        for closed, optimum in ((False, 128.0), (True, 171.0)):
            sim = simulate(SEED, starts="all", closed=closed, local_search=True)
            self.assertEqual(sim.best.length, optimum)
            self.assertTrue((sim.lengths >= optimum).all())

    def test_stuck_walks_stay_inf_and_the_flag_is_checked(self):
        dist = np.array([[0, 1, 1], [INF, 0, 1], [INF, INF, 0.0]])
        sim = simulate(Instance.from_matrix(dist), starts="all", local_search=True)
        self.assertEqual(sim.lengths.tolist(), [2.0, INF, INF])
        with self.assertRaisesRegex(TypeError, "local_search must be True or False"):
            simulate(SEED, 5, local_search=1)

    def test_parallel_run_matches_the_serial_one(self):
        inst = Instance.random_uniform(400, seed=2)  # 400 x 400 city-steps: the parallel kernel
        sim = simulate(inst, starts="all", closed=True, local_search=True)
        small = [simulate(inst, starts=[s], closed=True, local_search=True).lengths[0] for s in range(0, 400, 70)]
        self.assertEqual(sim.lengths[::70].tolist(), small)
