"""optim.theory against closed forms: gd on quadratics, the stability bound 2/L, tuned parameters."""

import math
import unittest
import warnings

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import optim
from optim import (
    LeastSquares,
    Quadratic,
    Rosenbrock,
    condition_number,
    contraction_factor,
    gd,
    minimize,
    momentum,
    nesterov,
    optimal_lr,
    stable_lr_bound,
    tuned_momentum,
    tuned_nesterov,
)
from tests import reference as ref
from tests.data import quadratic_case, quadratic_cases
from tests.profiles import slow

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


# ---------------------------------------------------------------------------
# gradient descent on a quadratic = the closed form
# ---------------------------------------------------------------------------


@slow
@given(quadratic_cases(st.integers(1, 6)), st.floats(0.05, 1.0))
def test_gd_iterates_equal_the_closed_form(case, frac):
    # x_k = x* + (I - eta A)^k (x0 - x*)
    q, x0 = case.problem, case.x0
    eta = frac * stable_lr_bound(q)
    tr = minimize(q, gd(eta), x0=x0, steps=50)
    scale = np.linalg.norm(x0 - q.solution()) + np.linalg.norm(q.solution())
    for k in (0, 1, 2, 5, 17, 50):
        want = ref.quadratic_gd_closed_form(q.A, q.b, x0, eta, k)
        np.testing.assert_allclose(tr.path[k], want, rtol=0, atol=1e-10 * scale)
    np.testing.assert_allclose(tr.path, ref.gd_path(q.grad, x0, eta, 50), rtol=1e-12, atol=1e-12 * scale)


@slow
@given(quadratic_cases(st.integers(1, 6)), st.floats(0.5, 0.95))
def test_gd_converges_below_the_stability_bound(case, frac):
    # Every eigen-component shrinks by |1 - eta lambda| <= max(0.9, 1 - frac * 2 * 0.1 / 10) <= 0.99
    # per step, so 2,000 steps shrink the error by at least 0.99^2000 ~ 2e-9.
    q, x0 = case.problem, case.x0
    tr = minimize(q, gd(frac * stable_lr_bound(q)), x0=x0, steps=2000)
    assert not tr.diverged
    e0 = np.linalg.norm(x0 - q.solution())
    assert np.linalg.norm(tr.x - q.solution()) <= 1e-6 * e0 + 1e-12
    # and the loss never rose: each step is a contraction in the A-norm
    assert np.all(np.diff(tr.loss) <= 1e-12 * (1 + np.abs(tr.loss[1:])))


@slow
@given(quadratic_cases(st.integers(1, 6)), st.floats(1.05, 3.0))
def test_gd_diverges_above_the_stability_bound(case, frac):
    # The top component grows by |1 - 2 frac| >= 1.1 per step: 1.1^1000 ~ 2.5e41.
    q, x0 = case.problem, case.x0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tr = minimize(q, gd(frac * stable_lr_bound(q)), x0=x0, steps=1000)
    assert tr.diverged
    assert tr.steps_run < 1000
    assert not np.all(np.isfinite(tr.path[-1])) or (
        np.linalg.norm(tr.path[-1] - q.solution()) > 100 * np.linalg.norm(x0 - q.solution())
    )


@slow
@given(quadratic_cases(st.integers(1, 5)), st.floats(0.01, 1.5))
@example(quadratic_case(0, 1), 1.0)  # exactly at 2/L: rho = 1 up to round-off
def test_error_shrinks_at_least_by_the_contraction_factor(case, frac):
    q, x0 = case.problem, case.x0
    eta = frac * stable_lr_bound(q)
    rho = contraction_factor(q, eta)
    assert abs(rho - max(abs(1 - eta * q.mu), abs(1 - eta * q.L))) < 1e-15
    if abs(frac - 1) > 1e-9:
        assert (rho < 1) == (frac < 1)
    else:
        assert rho == pytest.approx(1.0, abs=1e-12)
    tr = minimize(q, gd(eta), x0=x0, steps=40)
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
        q = quadratic_case(3, 4).problem
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


def test_tuned_momentum_and_nesterov_beat_gd_on_an_ill_conditioned_quadratic():
    rng = np.random.default_rng(42)
    ev = np.geomspace(0.01, 10.0, 6)  # kappa = 1000
    Q, _ = np.linalg.qr(rng.normal(size=(6, 6)))
    q = Quadratic((Q * ev) @ Q.T, rng.normal(size=6))
    x0 = rng.normal(size=6)
    tol, steps = 1e-6, 100_000
    t_gd = minimize(q, gd(optimal_lr(q)), x0=x0, steps=steps, tol=tol)
    t_hb = minimize(q, momentum(**tuned_momentum(q)), x0=x0, steps=steps, tol=tol)
    t_ne = minimize(q, nesterov(**tuned_nesterov(q)), x0=x0, steps=steps, tol=tol)
    for t in (t_gd, t_hb, t_ne):
        assert t.converged_at is not None
        np.testing.assert_allclose(t.x, q.solution(), atol=tol / q.mu)  # ||x - x*|| <= ||g|| / mu
    # sqrt(kappa) ~ 32 vs kappa = 1000: acceleration wins by a wide margin
    assert t_hb.converged_at * 5 < t_gd.converged_at
    assert t_ne.converged_at * 5 < t_gd.converged_at


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
