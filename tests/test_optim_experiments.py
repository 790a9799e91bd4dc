"""optim against closed forms: gd on quadratics, stability 2/L, sweeps, range test, real data."""

import math
import unittest
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import optim
from optim import (
    LeastSquares,
    Quadratic,
    Rosenbrock,
    adam,
    compare_lrs,
    condition_number,
    contraction_factor,
    gd,
    lr_range_test,
    lr_sweep,
    minimize,
    momentum,
    nesterov,
    optimal_lr,
    stable_lr_bound,
    tuned_momentum,
    tuned_nesterov,
)
from tests import reference as ref

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

seeds = st.integers(0, 2**32 - 1)


def _spd_problem(seed, d):
    """A Quadratic built by construction, and a start whose error has a unit top-eigenvector part."""
    rng = np.random.default_rng(seed)
    A, Q, ev = ref.random_spd(rng, d, 0.1, 10.0)
    q = Quadratic(A, rng.normal(size=d))
    z = rng.normal(size=d)
    z[-1] = 1.0 if abs(z[-1]) < 1.0 else z[-1]  # eigenvalues ascending: the last is the top one
    return q, q.solution() + Q @ z, ev


# ---------------------------------------------------------------------------
# gradient descent on a quadratic = the closed form
# ---------------------------------------------------------------------------


@settings(max_examples=40)
@given(seeds, st.integers(1, 6), st.floats(0.05, 1.0))
def test_gd_iterates_equal_the_closed_form(seed, d, frac):
    # x_k = x* + (I - eta A)^k (x0 - x*)
    q, x0, _ = _spd_problem(seed, d)
    eta = frac * stable_lr_bound(q)
    tr = minimize(q, gd(eta), x0, steps=50)
    scale = np.linalg.norm(x0 - q.solution()) + np.linalg.norm(q.solution())
    for k in (0, 1, 2, 5, 17, 50):
        want = ref.quadratic_gd_closed_form(q.A, q.b, x0, eta, k)
        np.testing.assert_allclose(tr.path[k], want, rtol=0, atol=1e-10 * scale)
    np.testing.assert_allclose(tr.path, ref.gd_path(q.grad, x0, eta, 50), rtol=1e-12, atol=1e-12 * scale)


@settings(max_examples=40)
@given(seeds, st.integers(1, 6), st.floats(0.5, 0.95))
def test_gd_converges_below_the_stability_bound(seed, d, frac):
    # Every eigen-component shrinks by |1 - eta lambda| <= max(0.9, 1 - frac * 2 * 0.1 / 10) <= 0.99
    # per step, so 2,000 steps shrink the error by at least 0.99^2000 ~ 2e-9.
    q, x0, _ = _spd_problem(seed, d)
    tr = minimize(q, gd(frac * stable_lr_bound(q)), x0, steps=2000)
    assert not tr.diverged
    e0 = np.linalg.norm(x0 - q.solution())
    assert np.linalg.norm(tr.x - q.solution()) <= 1e-6 * e0 + 1e-12
    # and the loss never rose: each step is a contraction in the A-norm
    assert np.all(np.diff(tr.loss) <= 1e-12 * (1 + np.abs(tr.loss[1:])))


@settings(max_examples=40)
@given(seeds, st.integers(1, 6), st.floats(1.05, 3.0))
def test_gd_diverges_above_the_stability_bound(seed, d, frac):
    # The top component grows by |1 - 2 frac| >= 1.1 per step: 1.1^1000 ~ 2.5e41.
    q, x0, _ = _spd_problem(seed, d)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tr = minimize(q, gd(frac * stable_lr_bound(q)), x0, steps=1000)
    assert tr.diverged
    assert tr.steps_run < 1000
    assert not np.all(np.isfinite(tr.path[-1])) or (
        np.linalg.norm(tr.path[-1] - q.solution()) > 100 * np.linalg.norm(x0 - q.solution())
    )


@settings(max_examples=30)
@given(seeds, st.integers(1, 5), st.floats(0.01, 1.5))
@example(0, 1, 1.0)  # exactly at 2/L: rho = 1 up to round-off
def test_error_shrinks_at_least_by_the_contraction_factor(seed, d, frac):
    q, x0, _ = _spd_problem(seed, d)
    eta = frac * stable_lr_bound(q)
    rho = contraction_factor(q, eta)
    assert abs(rho - max(abs(1 - eta * q.mu), abs(1 - eta * q.L))) < 1e-15
    if abs(frac - 1) > 1e-9:
        assert (rho < 1) == (frac < 1)
    else:
        assert rho == pytest.approx(1.0, abs=1e-12)
    tr = minimize(q, gd(eta), x0, steps=40)
    err = np.linalg.norm(tr.path - q.solution(), axis=1)
    k = np.arange(err.size)
    assert np.all(err <= rho**k * err[0] * (1 + 1e-9) + 1e-12)


# ---------------------------------------------------------------------------
# theory helpers
# ---------------------------------------------------------------------------


class Theory(unittest.TestCase):
    def test_known_values(self):
        q = Quadratic([[1.0, 0.0], [0.0, 10.0]], [1.0, 1.0])
        self.assertEqual(stable_lr_bound(q), 0.2)
        self.assertAlmostEqual(optimal_lr(q), 2 / 11)
        self.assertEqual(condition_number(q), 10.0)
        self.assertAlmostEqual(contraction_factor(q, optimal_lr(q)), 9 / 11)
        np.testing.assert_allclose(contraction_factor(q, [0.1, 0.2, 0.3]), [0.9, 1.0, 2.0])
        hb = tuned_momentum(q)
        self.assertAlmostEqual(hb["lr"], 4 / (1 + math.sqrt(10)) ** 2)
        self.assertAlmostEqual(hb["beta"], ((math.sqrt(10) - 1) / (math.sqrt(10) + 1)) ** 2)
        ne = tuned_nesterov(q)
        self.assertAlmostEqual(ne["lr"], 0.1)
        self.assertAlmostEqual(ne["beta"], (math.sqrt(10) - 1) / (math.sqrt(10) + 1))

    def test_optimal_lr_minimizes_the_contraction_factor(self):
        q, _, _ = _spd_problem(3, 4)
        grid = np.linspace(0.01, 1.99, 999) * stable_lr_bound(q)
        best = grid[np.argmin(contraction_factor(q, grid))]
        self.assertAlmostEqual(best, optimal_lr(q), delta=2 * (grid[1] - grid[0]))

    def test_problems_without_a_spectrum_are_named(self):
        for fn in (stable_lr_bound, optimal_lr, condition_number, tuned_momentum, tuned_nesterov):
            with self.subTest(fn=fn.__name__), self.assertRaisesRegex(ValueError, rf"{fn.__name__}.*Rosenbrock\(a=1, b=100\)"):
                fn(Rosenbrock())
        with self.assertRaisesRegex(ValueError, "contraction_factor.*Himmelblau"):
            contraction_factor(optim.Himmelblau(), 0.1)

    def test_tuning_needs_strong_convexity(self):
        ls = LeastSquares([[1.0, 1.0], [2.0, 2.0]], [1.0, 2.0])
        with self.assertRaisesRegex(ValueError, "mu > 0"):
            tuned_momentum(ls)

    def test_bad_lr(self):
        q = Quadratic(np.eye(2), [1.0, 1.0])
        with self.assertRaisesRegex(ValueError, "got -0.1"):
            contraction_factor(q, -0.1)
        with self.assertRaisesRegex(ValueError, "positive"):
            contraction_factor(q, [0.1, 0.0])


# ---------------------------------------------------------------------------
# momentum, Nesterov, Adam
# ---------------------------------------------------------------------------


def test_tuned_momentum_and_nesterov_beat_gd_on_an_ill_conditioned_quadratic():
    rng = np.random.default_rng(42)
    ev = np.geomspace(0.01, 10.0, 6)  # kappa = 1000
    Q, _ = np.linalg.qr(rng.normal(size=(6, 6)))
    q = Quadratic((Q * ev) @ Q.T, rng.normal(size=6))
    x0 = rng.normal(size=6)
    tol, steps = 1e-6, 100_000
    t_gd = minimize(q, gd(optimal_lr(q)), x0, steps, tol)
    t_hb = minimize(q, momentum(**tuned_momentum(q)), x0, steps, tol)
    t_ne = minimize(q, nesterov(**tuned_nesterov(q)), x0, steps, tol)
    for t in (t_gd, t_hb, t_ne):
        assert t.converged_at is not None
        np.testing.assert_allclose(t.x, q.solution(), atol=tol / q.mu)  # ||x - x*|| <= ||g|| / mu
    # sqrt(kappa) ~ 32 vs kappa = 1000: acceleration wins by a wide margin
    assert t_hb.converged_at * 5 < t_gd.converged_at
    assert t_ne.converged_at * 5 < t_gd.converged_at


def test_adam_reaches_the_rosenbrock_minimum():
    r = Rosenbrock()
    tr = minimize(r, adam(0.02), steps=5000)  # the classic start (-1.2, 1)
    np.testing.assert_allclose(tr.x, [1.0, 1.0], atol=1e-6)
    rng = np.random.default_rng(2026)
    for x0 in rng.uniform(-2.0, 2.0, size=(3, 2)):
        tr = minimize(r, adam(0.02), x0, steps=8000)
        np.testing.assert_allclose(tr.x, [1.0, 1.0], atol=1e-2, err_msg=f"start {x0}")


# ---------------------------------------------------------------------------
# lr_sweep
# ---------------------------------------------------------------------------


class Sweep(unittest.TestCase):
    def setUp(self):
        self.q, self.x0, _ = _spd_problem(7, 4)
        self.bound = stable_lr_bound(self.q)

    def test_flags_exactly_the_divergent_rates(self):
        # diverged iff lr > 2/L, staying 3% away from the boundary on either side
        fracs = np.concatenate([np.geomspace(0.01, 0.97, 25), np.geomspace(1.03, 4.0, 15)])
        rng = np.random.default_rng(0)
        fracs = rng.permutation(fracs)
        for method in ("vectorized", "loop"):
            with self.subTest(method=method):
                df = lr_sweep(self.q, fracs * self.bound, steps=2000, x0=self.x0, tol=1e-8, method=method)
                np.testing.assert_array_equal(df["diverged"].to_numpy(), fracs > 1)
                np.testing.assert_array_equal(df["lr"].to_numpy(), fracs * self.bound)
                self.assertTrue((df["method"] == method).all())

    def test_vectorized_equals_loop(self):
        lrs = np.geomspace(0.01, 1.5, 30) * self.bound
        for name, kw in [("gd", {}), ("momentum", {"beta": 0.6}), ("nesterov", {"beta": 0.6})]:
            with self.subTest(optimizer=name):
                a = lr_sweep(self.q, lrs, name, steps=3000, x0=self.x0, tol=1e-7, **kw)
                b = lr_sweep(self.q, lrs, name, steps=3000, x0=self.x0, tol=1e-7, method="loop", **kw)
                self.assertEqual(a["method"].iloc[0], "vectorized")
                np.testing.assert_array_equal(a["diverged"], b["diverged"])
                np.testing.assert_array_equal(a["steps_run"], b["steps_run"])
                self.assertTrue(a["converged_at"].equals(b["converged_at"]))
                ok = ~a["diverged"].to_numpy()
                np.testing.assert_allclose(a["final_loss"][ok], b["final_loss"][ok], rtol=1e-12, atol=1e-12)

    def test_rows_match_minimize(self):
        lrs = [0.1 * self.bound, 0.5 * self.bound, 1.2 * self.bound]
        df = lr_sweep(self.q, lrs, steps=500, x0=self.x0, tol=1e-6)
        for row, lr in zip(df.itertuples(), lrs):
            tr = minimize(self.q, gd(lr), self.x0, 500, 1e-6)
            self.assertEqual(row.diverged, tr.diverged)
            self.assertEqual(row.steps_run, tr.steps_run)
            self.assertEqual(None if pd.isna(row.converged_at) else row.converged_at, tr.converged_at)

    def test_column_types(self):
        df = lr_sweep(self.q, [0.1, 0.2], steps=10, x0=self.x0)
        self.assertEqual(
            list(df.columns),
            ["lr", "final_loss", "final_grad_norm", "converged_at", "diverged", "steps_run", "optimizer", "method"],
        )
        self.assertEqual(str(df["converged_at"].dtype), "Int64")
        self.assertEqual(df["diverged"].dtype, bool)

    def test_falls_back_to_a_loop(self):
        df = lr_sweep(Rosenbrock(), [1e-4, 1e-3, 0.01], steps=200)
        self.assertTrue((df["method"] == "loop").all())
        np.testing.assert_array_equal(df["diverged"], [False, False, True])
        df = lr_sweep(self.q, [0.01, 0.1], "adam", steps=50, x0=self.x0)
        self.assertTrue((df["method"] == "loop").all())
        with self.assertRaisesRegex(ValueError, "method='vectorized' needs"):
            lr_sweep(self.q, [0.01], "adam", method="vectorized")
        with self.assertRaisesRegex(ValueError, "method='vectorized' needs.*Rosenbrock"):
            lr_sweep(Rosenbrock(), [0.01], method="vectorized")

    def test_bad_arguments(self):
        cases = [
            (dict(lrs=[]), ValueError, "lrs must not be empty"),
            (dict(lrs=[0.1, -0.2, 0.0]), ValueError, r"lrs must be positive, got \[-0.2, 0.0\]"),
            (dict(lrs=[0.1, np.nan]), ValueError, "lrs must be finite"),
            (dict(lrs="0.1"), TypeError, "lrs"),
            (dict(lrs=[[0.1]]), ValueError, "1-D"),
            (dict(optimizer="sgd"), ValueError, "optimizer must be one of .*got 'sgd'"),
            (dict(optimizer=3), TypeError, "optimizer"),
            (dict(optimizer="momentum", beta=1.0), ValueError, r"beta must be in \[0, 1\), got 1.0"),
            (dict(method="fast"), ValueError, "method must be one of"),
            (dict(steps=0), ValueError, "steps must be an integer >= 1, got 0"),
            (dict(tol=-1.0), ValueError, "tol"),
            (dict(x0=[1.0]), ValueError, "x0 must have shape"),
        ]
        for kw, exc, msg in cases:
            args = dict(problem=self.q, lrs=[0.1])
            args.update(kw)
            with self.subTest(kw=kw), self.assertRaisesRegex(exc, msg):
                lr_sweep(**args)

    def test_start_already_converged(self):
        for method in ("vectorized", "loop"):
            df = lr_sweep(self.q, [0.1, 10.0], steps=50, x0=self.q.solution(), tol=1e-6, method=method)
            self.assertEqual(df["converged_at"].tolist(), [0, 0])
            self.assertEqual(df["steps_run"].tolist(), [0, 0])
            self.assertFalse(df["diverged"].any())

    def test_no_warnings_even_when_everything_overflows(self):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            df = lr_sweep(self.q, np.geomspace(1e3, 1e200, 10), steps=100, x0=self.x0)
        self.assertTrue(df["diverged"].all())

    def test_compare_lrs(self):
        traces = compare_lrs(self.q, [0.5 * self.bound, 1.5 * self.bound], steps=500, x0=self.x0)
        self.assertEqual([t.diverged for t in traces.values()], [False, True])


# ---------------------------------------------------------------------------
# range test
# ---------------------------------------------------------------------------


class RangeTestCase(unittest.TestCase):
    def test_quadratic_blows_up_only_past_two_over_L(self):
        for seed in range(5):
            q, x0, _ = _spd_problem(seed, 3)
            rt = lr_range_test(q, x0=x0, lr_min=1e-4, lr_max=100.0, steps=150)
            bound = stable_lr_bound(q)
            self.assertTrue(rt.blew_up)
            self.assertGreater(rt.lr[-1], bound)
            self.assertGreater(rt.lr_min_loss, 0.5 * bound)
            self.assertLess(rt.suggested_lr, bound)
            self.assertLessEqual(rt.lr_steepest, rt.lr_min_loss)
            # below 2/L the loss can only fall (every step contracts the A-norm error)
            below = rt.lr < bound
            self.assertTrue(np.all(np.diff(rt.loss[below]) <= 1e-12 * (1 + np.abs(rt.loss[below][1:]))))

    def test_rates_grow_geometrically_and_frame(self):
        q, x0, _ = _spd_problem(1, 2)
        rt = lr_range_test(q, x0=x0, lr_min=1e-5, lr_max=1e-3, steps=50)
        np.testing.assert_allclose(rt.lr, np.geomspace(1e-5, 1e-3, 50), rtol=1e-12)
        self.assertFalse(rt.blew_up)
        df = rt.to_frame()
        self.assertEqual(list(df.columns), ["lr", "loss", "smoothed"])
        self.assertEqual(len(df), 50)

    def test_on_raw_height_weight_it_stops_near_two_over_L(self):
        raw = LeastSquares.from_height_weight()
        rt = lr_range_test(raw, lr_min=1e-7, lr_max=1.0, steps=200)
        self.assertTrue(rt.blew_up)
        bound = stable_lr_bound(raw)
        self.assertGreater(rt.lr[-1], bound)
        self.assertLess(rt.lr[-1], 20 * bound)
        self.assertLess(rt.lr_min_loss, 10 * bound)
        self.assertLess(rt.suggested_lr, bound)
        self.assertGreater(rt.suggested_lr, 0.1 * bound)
        self.assertLess(rt.lr_steepest, rt.suggested_lr)  # the cautious reading
        # the suggestion works: gd at that rate is stable and well on its way
        tr = minimize(raw, gd(rt.suggested_lr), steps=200)
        self.assertFalse(tr.diverged)
        self.assertLess(tr.final_loss, 1.1 * float(raw.value(raw.solution())))

    def test_other_optimizers(self):
        rt = lr_range_test(Rosenbrock(), "adam", lr_min=1e-5, lr_max=1.0, steps=60)
        self.assertEqual(rt.lr.size, rt.loss.size)

    def test_bad_arguments(self):
        q = Quadratic(np.eye(2), [1.0, 1.0])
        cases = [
            (dict(lr_min=0.0), ValueError, "lr_min must be a positive finite number, got 0.0"),
            (dict(lr_min=1.0, lr_max=0.5), ValueError, "lr_max must be > lr_min"),
            (dict(steps=2), ValueError, "steps must be an integer >= 3, got 2"),
            (dict(smoothing=1.0), ValueError, r"smoothing must be in \[0, 1\), got 1.0"),
            (dict(stop_factor=1.0), ValueError, "stop_factor must be > 1, got 1.0"),
            (dict(optimizer="lbfgs"), ValueError, "optimizer must be one of"),
        ]
        for kw, exc, msg in cases:
            with self.subTest(kw=kw), self.assertRaisesRegex(exc, msg):
                lr_range_test(q, **kw)


# ---------------------------------------------------------------------------
# the real data: height and weight of 25,000 people
# ---------------------------------------------------------------------------


class HeightWeight(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.raw = LeastSquares.from_height_weight()
        cls.std = LeastSquares.from_height_weight(standardize=True)

    def test_data_file(self):
        h, w = optim.datasets.height_weight()
        self.assertEqual((h.shape, w.shape), ((25000,), (25000,)))
        self.assertTrue(60 < h.min() < h.max() < 76 and 75 < w.min() < w.max() < 175)
        self.assertEqual(self.raw.X.shape, (25000, 2))
        np.testing.assert_array_equal(self.raw.X[:, 0], 1.0)  # the intercept column
        self.assertAlmostEqual(h[0], 65.78331)  # first row after the byte-order mark
        self.assertAlmostEqual(w[0], 112.9925)

    def test_ols_line_matches_the_published_figures_and_the_textbook_formula(self):
        intercept, slope = self.raw.solution()
        self.assertAlmostEqual(slope, 3.08, delta=0.005)
        self.assertAlmostEqual(intercept, -82.6, delta=0.05)
        h, w = optim.datasets.height_weight()
        b0, b1 = ref.ols_line(h.tolist(), w.tolist())
        self.assertAlmostEqual(intercept, b0, delta=1e-8)
        self.assertAlmostEqual(slope, b1, delta=1e-10)
        np.testing.assert_allclose(self.raw.solution(), np.linalg.lstsq(self.raw.X, self.raw.y, rcond=None)[0])

    def test_condition_numbers(self):
        self.assertTrue(5e6 < condition_number(self.raw) < 7e6)
        self.assertAlmostEqual(condition_number(self.std), 1.0, delta=1e-9)

    def test_standardized_gd_reaches_lstsq_in_a_handful_of_steps(self):
        tr = minimize(self.std, gd(1.0), steps=10, tol=1e-8)  # lr = 1/L = 2/(mu+L)
        self.assertLessEqual(tr.converged_at, 2)
        np.testing.assert_allclose(tr.x, self.std.solution(), atol=1e-8)
        tr = minimize(self.std, gd(0.5), steps=1000, tol=1e-8)
        self.assertLess(tr.converged_at, 50)
        np.testing.assert_allclose(tr.x, self.std.solution(), atol=1e-7)
        # the same line in original units: slope = w1 / std(h), intercept = w0 - slope * mean(h)
        h, _ = optim.datasets.height_weight()
        slope = tr.x[1] / h.std()
        np.testing.assert_allclose([tr.x[0] - slope * h.mean(), slope], self.raw.solution(), rtol=1e-7)

    def test_raw_gd_crawls(self):
        # Even at a near-best stable rate, 1,000 steps leave the intercept near 0 instead of -82.6:
        # the small eigen-direction shrinks by 1 - eta * mu ~ 1 - 3.4e-7 per step.
        for lr in (0.99 * stable_lr_bound(self.raw), 0.5 * stable_lr_bound(self.raw)):
            tr = minimize(self.raw, gd(lr), steps=1000, tol=1e-6)
            self.assertIsNone(tr.converged_at)
            self.assertFalse(tr.diverged)
            self.assertGreater(np.linalg.norm(tr.x - self.raw.solution()), 80)
            self.assertGreater(contraction_factor(self.raw, lr), 1 - 1e-6)

    def test_sweep_on_raw_flags_rates_above_two_over_L(self):
        bound = stable_lr_bound(self.raw)
        fracs = np.concatenate([np.geomspace(1e-3, 0.97, 20), np.geomspace(1.03, 2.0, 10)])
        df = lr_sweep(self.raw, fracs * bound, steps=1000)
        np.testing.assert_array_equal(df["diverged"], fracs > 1)
        self.assertTrue(df["converged_at"].isna().all())  # kappa ~ 6e6: nothing converges in 1,000


# ---------------------------------------------------------------------------
# review fixes: inputs that were accepted but mishandled
# ---------------------------------------------------------------------------


def test_optimal_lr_refuses_mu_zero():
    # Was: 2 / (0 + L) = 2/L, the rate at which gd oscillates forever, called "optimal".
    ls = LeastSquares([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]], [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="optimal_lr needs mu > 0"):
        optimal_lr(ls)
    assert stable_lr_bound(ls) == pytest.approx(2 / ls.L)  # still defined


def test_theory_on_a_zero_hessian_is_a_value_error():
    # Was: ZeroDivisionError from 2 / L with L = 0.
    ls = LeastSquares([[0.0], [0.0]], [1.0, 2.0])
    with pytest.raises(ValueError, match="stable_lr_bound needs L > 0"):
        stable_lr_bound(ls)
    with pytest.raises(ValueError, match="optimal_lr needs mu > 0"):
        optimal_lr(ls)


@pytest.mark.parametrize("lrs", [[True, 0.1], [0.1, np.True_], np.array([True, True])])
def test_lr_sweep_refuses_boolean_rates(lrs):
    # Was: True swept as lr = 1.0.
    q = Quadratic(np.eye(2), [1.0, 1.0])
    with pytest.raises(TypeError, match="lrs must be"):
        lr_sweep(q, lrs, steps=5)


def test_compare_lrs_refuses_duplicate_rates():
    # Was: {lr: Trace} kept one run of two silently.
    q = Quadratic(np.eye(2), [1.0, 1.0])
    with pytest.raises(ValueError, match=r"lrs must be distinct for compare_lrs .*got 0.1 twice"):
        compare_lrs(q, [0.1, 0.2, 0.1], steps=5)


def test_lr_sweep_keeps_duplicate_and_unsorted_rates_in_order():
    q = Quadratic([[1.0, 0.0], [0.0, 10.0]], [1.0, 1.0])
    lrs = [0.21, 0.01, 0.1, 0.01]
    for method in ("vectorized", "loop"):
        df = lr_sweep(q, lrs, steps=2000, method=method)
        assert df["lr"].tolist() == lrs
        assert df["diverged"].tolist() == [True, False, False, False]
        assert df["converged_at"].iloc[1] == df["converged_at"].iloc[3]


def test_range_test_rates_do_not_overflow_for_a_huge_span():
    # Was: lr_max / lr_min overflowed to inf, so the second rate was inf.
    from optim.range_test import GeometricRamp

    ramp = GeometricRamp(1e-300, 1e300, 7)
    np.testing.assert_allclose(ramp(np.arange(7)), np.geomspace(1e-300, 1e300, 7), rtol=1e-12)
    assert [ramp(k) for k in range(7)] == pytest.approx(list(np.geomspace(1e-300, 1e300, 7)), rel=1e-12)


def test_contraction_factor_refuses_a_schedule_without_calling_it():
    # Was: the schedule was probed as a learning rate first (check_lr), so one giving a
    # negative rate at step 0 was a ValueError about its value, and 'a' was told to be "a schedule".
    q = Quadratic(np.eye(2), [1.0, 1.0])
    calls = []

    def schedule(k):
        calls.append(k)
        return -1.0

    with pytest.raises(TypeError, match="lr must be a number or an array of numbers, got schedule"):
        contraction_factor(q, schedule)
    assert calls == []
    with pytest.raises(TypeError, match=r"lr must be a positive number, got 'a'"):
        contraction_factor(q, "a")
