"""optim.minimize: the Trace, convergence and divergence semantics, bad arguments."""

import math
import unittest
import warnings

import numpy as np
import pytest

from optim import OPTIMIZERS, DoubleWell, Rosenbrock, Trace, gd, minimize, momentum
from optim.minimize import descend, point_evaluator
from tests.data import quadratic_case

# Overflow inside a diverging run is expected and must never reach the user.
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


class Minimize(unittest.TestCase):
    def test_trace_shapes_and_convergence_semantics(self):
        q = quadratic_case(10).problem
        tr = minimize(q, gd(0.1), x0=np.ones(3), steps=10_000, tol=1e-6)
        self.assertIsInstance(tr, Trace)
        k = tr.converged_at
        self.assertIsNotNone(k)
        self.assertEqual(tr.steps_run, k)
        self.assertEqual(tr.path.shape, (k + 1, 3))
        self.assertEqual(tr.loss.shape, (k + 1,))
        self.assertLessEqual(tr.grad_norm[k], 1e-6)
        self.assertTrue(np.all(tr.grad_norm[:k] > 1e-6))
        np.testing.assert_allclose(tr.loss, [q.value(x) for x in tr.path], rtol=1e-14)
        np.testing.assert_allclose(tr.grad_norm, [np.linalg.norm(q.grad(x)) for x in tr.path], rtol=1e-14)
        self.assertFalse(tr.diverged)
        with self.assertRaises(ValueError):
            tr.path[0, 0] = 1.0

    def test_without_tol_runs_every_step(self):
        q = quadratic_case(10).problem
        tr = minimize(q, gd(0.1), x0=np.ones(3), steps=50)
        self.assertEqual((tr.steps_run, tr.converged_at, tr.path.shape[0]), (50, None, 51))

    def test_start_at_the_solution_converges_at_zero(self):
        q = quadratic_case(10).problem
        tr = minimize(q, gd(0.1), x0=q.solution(), steps=50, tol=1e-6)
        self.assertEqual((tr.converged_at, tr.steps_run, tr.path.shape), (0, 0, (1, 3)))

    def test_default_start(self):
        tr = minimize(Rosenbrock(), gd(1e-3), steps=3)
        np.testing.assert_array_equal(tr.path[0], [-1.2, 1.0])

    def test_divergence_stops_the_run_without_warnings(self):
        cases = [
            (quadratic_case(11).problem, gd(0.5), np.ones(3)),  # 0.5 > 2/L: geometric growth
            (quadratic_case(11).problem, gd(1e150), np.ones(3)),  # overflow to inf at once
            (DoubleWell(), gd(0.5), None),  # x^4 blows up
            (Rosenbrock(), momentum(0.01, 0.9), [3.0, -3.0]),
        ]
        for problem, opt, x0 in cases:
            with self.subTest(problem=problem, opt=opt), warnings.catch_warnings():
                warnings.simplefilter("error")
                tr = minimize(problem, opt, x0=x0, steps=10_000, tol=1e-8)
                self.assertTrue(tr.diverged)
                self.assertIsNone(tr.converged_at)
                self.assertLess(tr.steps_run, 10_000)
                f0 = tr.loss[0]
                self.assertTrue(
                    not np.isfinite(tr.loss[-1]) or not np.all(np.isfinite(tr.path[-1]))
                    or tr.loss[-1] - f0 > 1e6 * max(abs(f0), 1.0)
                )
                # it stopped at the first such step
                earlier = tr.loss[:-1]
                self.assertTrue(np.all(earlier - f0 <= 1e6 * max(abs(f0), 1.0)))

    def test_bad_arguments(self):
        q = quadratic_case(12).problem
        cases = [
            (dict(steps=0), ValueError, "steps must be an integer >= 1, got 0"),
            (dict(steps=2.5), TypeError, "steps must be an integer"),
            (dict(steps=True), TypeError, "steps must be an integer"),
            (dict(x0=np.ones(2)), ValueError, r"x0 must have shape \(3,\).*got shape \(2,\)"),
            (dict(x0=[1.0, np.nan, 1.0]), ValueError, "x0 must be finite"),
            (dict(x0="abc"), TypeError, "x0"),
            (dict(tol=0.0), ValueError, "tol must be a positive finite number, got 0.0"),
            (dict(tol=-1e-6), ValueError, "got -1e-06"),
            (dict(optimizer="gd"), TypeError, "optimizer must have init and update"),
            (dict(problem=np.eye(3)), TypeError, "problem must have value, grad and dim"),
        ]
        for kw, exc, msg in cases:
            args = dict(problem=q, optimizer=gd(0.1), x0=np.ones(3), steps=10)
            args.update(kw)
            with self.subTest(kw=kw), self.assertRaisesRegex(exc, msg):
                minimize(args.pop("problem"), args.pop("optimizer"), **args)

    def test_non_finite_start_value_is_refused(self):
        with self.assertRaisesRegex(ValueError, "f\\(x0\\)"):
            minimize(DoubleWell(), gd(0.1), x0=[1e100], steps=3)


def test_arguments_after_the_optimizer_are_keyword_only():
    q = quadratic_case(12).problem
    with pytest.raises(TypeError, match=r"minimize\(\) takes .* by keyword.*got array\(\[1\., 1\., 1\.\]\)"):
        minimize(q, gd(0.1), np.ones(3))
    assert minimize(q, gd(0.1), x0=np.ones(3), steps=3).steps_run == 3


class _Downhill:
    """f(x) = -x^2 / 100: unbounded below; the loss overflows to -inf while x and grad f are finite."""

    dim = 1
    start = np.array([1e150])

    def value(self, x):
        return -0.01 * np.asarray(x, dtype=float)[0] ** 2

    def grad(self, x):
        return -0.02 * np.asarray(x, dtype=float)


def test_a_loss_of_minus_inf_is_divergence_as_in_the_shared_rule():
    # minimize's inlined test let f = -inf run on (x finite, grad finite); diverged() and
    # the docstring call any non-finite loss divergence.
    from optim.minimize import diverged

    tr = minimize(_Downhill(), gd(50.0), steps=1000)  # x doubles each step
    assert tr.diverged and tr.loss[-1] == -math.inf
    assert np.all(np.isfinite(tr.loss[:-1])) and np.all(np.isfinite(tr.path))
    np.testing.assert_array_equal(diverged(tr.loss, tr.loss[0]), ~np.isfinite(tr.loss))


# ---------------------------------------------------------------------------
# descend: the run loop shared by minimize, lr_sweep and lr_range_test
# ---------------------------------------------------------------------------


def _block(case, n):
    q = case.problem
    X = np.repeat(case.x0[:, None], n, axis=1)
    return (lambda X: (q.value(X), q.grad(X))), X, q.grad(X)


@pytest.mark.parametrize("name", ["gd", "momentum", "nesterov"])
def test_descend_runs_a_block_of_rates_side_by_side(name):
    # one optimizer at lr = 1, column j scaled by lrs[j], equals the run at lrs[j] alone
    case = quadratic_case(3)
    lrs = np.array([0.02, 0.05, 0.1])
    evaluate, X, G = _block(case, 3)
    block = [x for _, x, _, _ in descend(evaluate, OPTIMIZERS[name](1.0), X, G, 30, lr=lrs)]
    for j, lr in enumerate(lrs):
        x0 = case.x0
        alone = [x for _, x, _, _ in descend(point_evaluator(case.problem), OPTIMIZERS[name](lr), x0,
                                             case.problem.grad(x0), 30)]
        np.testing.assert_allclose([x[:, j] for x in block], alone, rtol=1e-13, atol=1e-13)


def test_descend_drops_the_columns_left_out():
    case = quadratic_case(4)
    lrs = np.array([0.02, 0.05, 0.1])
    evaluate, X, G = _block(case, 3)
    full = [x for _, x, _, _ in descend(evaluate, momentum(1.0, 0.5), X, G, 10, lr=lrs)]
    run = descend(evaluate, momentum(1.0, 0.5), X, G, 10, lr=lrs)
    k, x, _, _ = next(run)
    assert k == 1 and x.shape == (3, 3)
    k, x, _, g = run.send(np.array([True, False, True]))  # velocity, rate and gradient follow
    assert k == 2 and x.shape == (3, 2) and g.shape == (3, 2)
    np.testing.assert_allclose(x, full[1][:, [0, 2]], rtol=1e-14, atol=1e-14)
    for k, x, _, _ in run:
        pass
    assert k == 10
    np.testing.assert_allclose(x, full[-1][:, [0, 2]], rtol=1e-14, atol=1e-14)


def test_a_trace_too_large_for_memory_is_refused_naming_steps():
    q = quadratic_case(12).problem
    with pytest.raises(ValueError, match=r"steps=1000000000000 needs 37,252\.9 GiB for the trace .* more than this machine's"):
        minimize(q, gd(0.1), x0=np.ones(3), steps=10**12)


def test_a_trace_numpy_cannot_allocate_is_refused_naming_steps(monkeypatch):
    import optim._validation as validation

    monkeypatch.setattr(validation.os, "sysconf", lambda name: 1 << 40)  # "plenty of RAM": numpy still says no
    with pytest.raises(ValueError, match=r"steps=1000000000000 needs 37,252\.9 GiB .*more than is free now"):
        minimize(quadratic_case(12).problem, gd(0.1), x0=np.ones(3), steps=10**12)
