"""tsp greedy core: nearest_neighbor, simulate, the kernels, instances' validation.

Known answers from the classroom table (../shared/seed/README.md), properties
against the slow twins in tests/reference.py (nn_walk, walk_length,
brute_force_tsp_length), invariants, reproducibility and bad input.
"""

import collections
import doctest
import importlib
import unittest

import numba
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tsp
from tsp import Instance, Simulation, Tour, nearest_neighbor, seed_routes, simulate
from tsp import _kernels, _validation, nearest, plot
from tests import reference as ref

INF = np.inf
SEED = seed_routes()
# `tsp.simulate` is the function (re-exported); the module is reached by its full name.
MODULES = [importlib.import_module(f"tsp.{m}")
           for m in ("nearest", "simulate", "instance", "tour", "plot", "_validation", "_kernels")]


# ---------------------------------------------------------------------------
# strategies: small integer distances make ties common; some edges missing
# ---------------------------------------------------------------------------


@st.composite
def matrices(draw, min_n=2, max_n=9, max_d=3, missing=True, symmetric=None):
    """n x n float matrices with integer entries 0..max_d, some ``inf`` (no edge)."""
    n = draw(st.integers(min_n, max_n))
    top = max_d + (2 if missing else 0)  # values above max_d become inf
    vals = draw(hnp.arrays(np.int64, (n, n), elements=st.integers(0, top))).astype(np.float64)
    vals[vals > max_d] = INF
    if symmetric if symmetric is not None else draw(st.booleans()):
        vals = np.triu(vals) + np.triu(vals, 1).T
    np.fill_diagonal(vals, 0.0)
    return vals


def walk_with_k(dist, start, closed, k):
    """The kernel walk with candidate lists of length k (to force cut lists)."""
    lists = _kernels.candidate_lists(np.ascontiguousarray(dist), k)
    order = np.empty(len(dist), dtype=np.int64)
    length, steps, complete = _kernels.walk(dist, *lists, start, closed, order)
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
# the kernel against the slow twin
# ---------------------------------------------------------------------------


@given(matrices(), st.booleans())
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


@given(matrices(max_n=10, max_d=2), st.integers(1, 4), st.booleans())
@example(np.array([[0.0, 1, 1, 1, 1], [1, 0, 1, 1, 1], [1, 1, 0, 1, 1], [1, 1, 1, 0, 1], [1, 1, 1, 1, 0]]),
         2, False)
@example(np.array([[0.0, 2, 1, 1, 3], [1, 0, INF, 1, 1], [1, 2, 0, 2, 1], [2, 1, 1, 0, 1], [1, 1, 2, 1, 0]]),
         1, True)
def test_cut_candidate_lists_keep_exact_ties(dist, k, closed):
    """Lists shorter than the row: ties cut at the K-th distance and the fallback scan."""
    for s in range(len(dist)):
        assert walk_with_k(dist, s, closed, k) == ref.nn_walk(dist, s, closed)


@given(matrices(max_n=12, max_d=9), st.booleans())
def test_simulate_lengths_equal_twin_from_every_start(dist, closed):
    """The kernel's own summed lengths (simulate reports them), inf when stuck."""
    sim = simulate(Instance.from_matrix(dist), starts="all", closed=closed)
    walks = [ref.nn_walk(dist, s, closed) for s in range(len(dist))]
    assert sim.lengths.tolist() == [length if complete else INF for _, length, complete in walks]


@settings(max_examples=15)
@given(matrices(min_n=nearest.K_CANDIDATES + 2, max_n=nearest.K_CANDIDATES + 12, max_d=3, missing=False),
       st.booleans())
def test_public_walk_equals_twin_beyond_the_candidate_list_length(dist, closed):
    """n > K_CANDIDATES + 1: the public path's lists are cut, with many ties."""
    assert len(dist) > nearest.K_CANDIDATES + 1
    inst = Instance.from_matrix(dist)
    for s in (0, len(dist) // 2, len(dist) - 1):
        tour = nearest_neighbor(inst, s, closed=closed)
        order, length, complete = ref.nn_walk(dist, s, closed)
        assert (list(tour.order), tour.length, tour.complete) == (order, length, complete)


def test_candidate_lists_are_the_prefix_of_distance_then_index_order():
    dist = np.array([[0.0, 5, 1, 1, INF, 1], [1, 0, 1, 1, 1, 1], [INF] * 6, [2, 2, 2, 0, 2, 2],
                     [3, 1, 3, 1, 0, 2], [1, 1, 1, 1, 1, 0]])
    dist[2, 2] = 0
    cand, cdist, count, cut = _kernels.candidate_lists(dist, 3)
    np.testing.assert_array_equal(cand[0], [2, 3, 5])
    np.testing.assert_array_equal(cdist[0], [1, 1, 1])
    assert np.isinf(cdist[2]).all()
    assert (count[0], cut[0]) == (3, True)
    assert count[2] == 0 and not cut[2] and list(cand[2]) == [-1, -1, -1]
    for a, b in zip((cand, cdist, count, cut), _kernels.candidate_lists_parallel(dist, 3)):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(cand[4], [1, 3, 5])
    np.testing.assert_array_equal(cand[3], [0, 1, 2])


# ---------------------------------------------------------------------------
# invariants
# ---------------------------------------------------------------------------


@settings(max_examples=25)
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
# simulate
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
        inst = Instance.random_uniform(450, seed=1)  # big enough for the parallel kernel
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

    def test_parallel_and_serial_kernels_agree(self):
        inst = Instance.random_uniform(120, seed=4)
        lists = nearest.candidates(inst)
        starts = np.arange(120)
        a = _kernels.walk_many(inst.dist, *lists, starts, False)
        b = _kernels.walk_each(inst.dist, *lists, starts, False)
        np.testing.assert_array_equal(a[0], b[0])
        np.testing.assert_array_equal(a[1], b[1])

    def test_explicit_starts_names_and_progress(self):
        calls = []
        sim = simulate(SEED, starts=["SWY", "GPS", 5], progress=lambda d, t: calls.append((d, t)))
        self.assertEqual(sim.lengths.tolist(), [180, 128, 128])
        self.assertEqual(sim.n_best, 2)
        self.assertEqual(calls[-1], (2, 2))  # two distinct starts

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


@settings(max_examples=30)
@given(matrices(max_n=6, max_d=4), st.booleans(), st.integers(0, 1000))
def test_simulation_best_never_below_brute_force(dist, closed, seed):
    inst = Instance.from_matrix(dist)
    sim = simulate(inst, 10, seed=seed, closed=closed)
    if sim.n_complete:
        assert sim.best.length >= ref.brute_force_tsp_length(dist, closed)
        assert sim.best.length == ref.walk_length(dist, sim.best.order.tolist(), closed)


# ---------------------------------------------------------------------------
# bad input
# ---------------------------------------------------------------------------


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

    def test_from_edges_missing_pairs_are_inf_and_names_sorted(self):
        inst = Instance.from_edges([("b", "a", 3), ("a", "c", 1)])
        self.assertEqual(inst.names, ("a", "b", "c"))
        self.assertEqual(inst.dist[1, 0], 3)
        self.assertEqual(inst.dist[0, 1], INF)


class AlgorithmValidation(unittest.TestCase):
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


# ---------------------------------------------------------------------------
# plots and doctests
# ---------------------------------------------------------------------------


def test_plots_return_figures():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    inst = Instance.random_uniform(12, seed=3)
    sim = simulate(inst, 20, seed=0)
    fig = plot.plot_route(inst, sim.best)
    assert "open path" in fig.axes[0].get_title()
    fig2 = plot.plot_lengths(sim, optimum=sim.best.length)
    assert fig2.axes[0].get_title() == "20 simulations"
    with pytest.raises(ValueError, match="no coordinates"):
        plot.plot_route(SEED, sim.best)
    plt.close("all")


def test_plot_lengths_one_bin_per_integer_length_and_distinct_best_and_optimum_lines():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    every = simulate(SEED, starts="all")  # 15 integer lengths, 128..180
    ax = plot.plot_lengths(every, optimum=128.0).axes[0]
    bars = ax.patches
    assert len(bars) == 180 - 128 + 1 and {b.get_width() for b in bars} == {1.0}
    counts = {round(b.get_x() + 0.5): b.get_height() for b in bars if b.get_height()}
    assert counts == dict(collections.Counter(every.lengths.astype(int).tolist()))
    assert counts[128] == 2  # GPS and PCG: the bin holds exactly the optimal starts
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["best 128 = optimum"]  # one line, not one hidden under the other

    ax = plot.plot_lengths(every, optimum=120.0).axes[0]
    lines = [line for line in ax.lines if line.get_label().startswith(("best", "optimum"))]
    assert [line.get_label() for line in lines] == ["best 128", "optimum 120"]
    assert lines[0].get_linestyle() != lines[1].get_linestyle()
    assert lines[0].get_color() != lines[1].get_color()

    # a wide integer range: bins of a whole number of integers, edges at half-integers
    wide = np.arange(7000.0, 10001.0, 7.0)
    edges = np.array([b.get_x() for b in plot.plot_lengths(wide).axes[0].patches])
    assert len(edges) <= plot.MAX_BINS and np.all(edges % 1 == 0.5)
    plt.close("all")


def test_plot_route_checks_its_arguments():
    import matplotlib

    matplotlib.use("Agg")
    small, big = Instance.random_uniform(5, seed=0), Instance.random_uniform(9, seed=0)
    with pytest.raises(ValueError, match=r"tour.*city 8.*5 cities"):
        plot.plot_route(small, nearest_neighbor(big, 8))  # was an IndexError
    with pytest.raises(TypeError, match="tour must be a tsp.Tour"):
        plot.plot_route(small, [0, 1])
    with pytest.raises(TypeError, match="instance must be a tsp.Instance"):
        plot.plot_route(small.dist, nearest_neighbor(small, 0))


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.__name__)
def test_docstring_examples(module):
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
    if module.__name__ in ("tsp.nearest", "tsp.simulate", "tsp.plot", "tsp.instance"):
        assert result.attempted > 0


# ---------------------------------------------------------------------------
# review (issue 4): odd input that used to be accepted or mishandled
# ---------------------------------------------------------------------------


class ReviewInstanceInput(unittest.TestCase):
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


class ReviewTourAndStarts(unittest.TestCase):
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

    def test_repr_does_not_call_an_incomplete_walk_the_best(self):
        dist = np.array([[0, INF, INF], [INF, 0, INF], [INF, INF, 0.0]])
        sim = simulate(Instance.from_matrix(dist), 4, seed=0)
        self.assertIn("best=None", repr(sim))
        self.assertIn("best=128", repr(simulate(SEED, starts="all")))

    def test_best_is_the_first_of_the_shortest_in_simulation_order(self):
        inst = Instance.from_matrix(np.ones((3, 3)))  # every walk has length 2
        sim = simulate(inst, starts=[2, 1, 0, 2])
        self.assertEqual(sim.best.order[0], 2)
        self.assertEqual(sim.n_best, 4)


class ReviewTourLengthAndProgress(unittest.TestCase):
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

    def test_progress_must_be_callable(self):
        with self.assertRaisesRegex(TypeError, "progress must be callable"):
            simulate(SEED, 3, progress=5)
