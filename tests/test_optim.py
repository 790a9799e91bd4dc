"""optim core: problems, optimizers, schedules, minimize; known answers, twins, bad input."""

import math
import unittest
import warnings

import numpy as np

import optim
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from optim import (
    OPTIMIZERS,
    SCHEDULES,
    DoubleWell,
    Himmelblau,
    LeastSquares,
    Quadratic,
    Rosenbrock,
    Trace,
    adam,
    constant,
    cosine,
    exponential_decay,
    gd,
    inverse_time,
    minimize,
    momentum,
    nesterov,
    step_decay,
)
from optim.optimizers import AdamState, GDState, MomentumState
from tests import reference as ref

# Overflow inside a diverging run is expected and must never reach the user.
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


def _quadratic(seed=0, d=3, lo=0.1, hi=10.0):
    rng = np.random.default_rng(seed)
    A, Q, ev = ref.random_spd(rng, d, lo, hi)
    return Quadratic(A, rng.normal(size=d)), Q, ev


def _problems():
    rng = np.random.default_rng(1)
    X = np.column_stack([np.ones(30), rng.normal(size=(30, 2))])
    return [
        _quadratic()[0],
        LeastSquares(X, X @ [1.0, -2.0, 0.5] + 0.1 * rng.normal(size=30)),
        Rosenbrock(),
        Rosenbrock(a=-0.5, b=10.0),
        Himmelblau(),
        DoubleWell(),
        DoubleWell(tilt=-2.0),
    ]


PROBLEMS = _problems()


# ---------------------------------------------------------------------------
# problems
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("problem", PROBLEMS, ids=repr)
def test_grad_matches_central_differences(problem):
    rng = np.random.default_rng(2)
    for _ in range(5):
        x = rng.uniform(-1.5, 1.5, problem.dim)
        h = 1e-6
        fd = np.array(
            [(problem.value(x + h * e) - problem.value(x - h * e)) / (2 * h) for e in np.eye(problem.dim)]
        )
        np.testing.assert_allclose(problem.grad(x), fd, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("problem", PROBLEMS, ids=repr)
def test_value_and_grad_accept_a_stack_of_points(problem):
    rng = np.random.default_rng(3)
    pts = rng.uniform(-2, 2, size=(problem.dim, 4, 5))
    vals, grads = problem.value(pts), problem.grad(pts)
    assert vals.shape == (4, 5) and grads.shape == (problem.dim, 4, 5)
    for i in range(4):
        for j in range(5):
            assert vals[i, j] == pytest.approx(float(problem.value(pts[:, i, j])), rel=1e-12, abs=1e-12)
            np.testing.assert_allclose(grads[:, i, j], problem.grad(pts[:, i, j]), rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("problem", PROBLEMS, ids=repr)
def test_minima_are_stationary_local_minima(problem):
    mins = problem.minima()
    assert mins.ndim == 2 and mins.shape[1] == problem.dim
    vals = [float(problem.value(m)) for m in mins]
    assert np.all(np.diff(vals) >= -1e-12)  # lowest first (Himmelblau: four ties)
    rng = np.random.default_rng(4)
    for m in mins:
        assert np.linalg.norm(problem.grad(m)) < 1e-8
        for _ in range(20):  # no nearby point is lower
            assert problem.value(m + 1e-3 * rng.normal(size=problem.dim)) >= problem.value(m) - 1e-12
    assert problem.start.shape == (problem.dim,)


class QuadraticProblem(unittest.TestCase):
    def test_known_answer(self):
        q = Quadratic([[2.0, 0.0], [0.0, 1.0]], [2.0, 1.0])
        np.testing.assert_array_equal(q.solution(), [1.0, 1.0])
        self.assertEqual((q.L, q.mu, q.kappa, q.dim), (2.0, 1.0, 2.0, 2))
        self.assertEqual(float(q.value([1.0, 1.0])), -1.5)

    def test_solution_solves_the_system_and_spectrum_matches(self):
        q, Q, ev = _quadratic(seed=5, d=6)
        np.testing.assert_allclose(q.A @ q.solution(), q.b, atol=1e-10)
        np.testing.assert_allclose(q.eigenvalues, ev, rtol=1e-10)
        self.assertAlmostEqual(q.L, ev[-1], places=10)
        self.assertAlmostEqual(q.mu, ev[0], places=10)

    def test_arrays_are_read_only_copies(self):
        A = np.eye(2)
        q = Quadratic(A, [1.0, 1.0])
        A[0, 0] = 5.0
        self.assertEqual(q.A[0, 0], 1.0)
        with self.assertRaises(ValueError):
            q.A[0, 0] = 3.0
        with self.assertRaises(Exception):
            q.b = np.zeros(2)

    def test_bad_input(self):
        cases = [
            (([[1.0, 2.0, 3.0]], [1.0]), ValueError, "square"),
            (([[1.0, 0.5], [0.0, 1.0]], [1.0, 1.0]), ValueError, "symmetric"),
            (([[1.0, 0.0], [0.0, -1.0]], [1.0, 1.0]), ValueError, "positive definite"),
            (([[1.0, 2.0], [2.0, 1.0]], [1.0, 1.0]), ValueError, "-1"),
            ((np.eye(2), [1.0, 1.0, 1.0]), ValueError, r"shape \(3,\)"),
            (([[np.nan, 0.0], [0.0, 1.0]], [1.0, 1.0]), ValueError, "finite"),
            (([["a", "b"], ["c", "d"]], [1.0, 1.0]), TypeError, "numbers"),
            ((np.eye(2)[0], [1.0]), ValueError, "2-D"),
        ]
        for args, exc, msg in cases:
            with self.subTest(args=args), self.assertRaisesRegex(exc, msg):
                Quadratic(*args)


class LeastSquaresProblem(unittest.TestCase):
    @settings(max_examples=25)
    @given(st.integers(0, 2**32 - 1), st.integers(1, 4), st.integers(0, 20))
    def test_solution_equals_lstsq_and_formulas(self, seed, d, extra_rows):
        rng = np.random.default_rng(seed)
        m = d + extra_rows
        X, y = rng.normal(size=(m, d)), rng.normal(size=m)
        ls = LeastSquares(X, y)
        np.testing.assert_allclose(ls.solution(), np.linalg.lstsq(X, y, rcond=None)[0], rtol=1e-12, atol=1e-12)
        w = rng.normal(size=d)
        r = X @ w - y
        self.assertAlmostEqual(float(ls.value(w)), r @ r / (2 * m), delta=1e-12 * max(1.0, r @ r))
        np.testing.assert_allclose(ls.grad(w), X.T @ r / m, rtol=1e-9, atol=1e-12)
        self.assertAlmostEqual(ls.L, float(np.linalg.eigvalsh(X.T @ X / m)[-1]), delta=1e-10 * ls.L)

    def test_rank_deficient_gives_mu_zero_and_min_norm_solution(self):
        X = np.array([[1.0, 2.0], [2.0, 4.0], [3.0, 6.0]])
        ls = LeastSquares(X, [1.0, 2.0, 3.0])
        self.assertEqual(ls.mu, 0.0)
        self.assertEqual(ls.kappa, math.inf)
        np.testing.assert_allclose(ls.solution(), [0.2, 0.4], atol=1e-12)

    def test_bad_input(self):
        cases = [
            ((np.ones(3), np.ones(3)), ValueError, "2-D"),
            ((np.ones((3, 2)), np.ones(4)), ValueError, r"y must have shape \(3,\)"),
            ((np.ones((0, 2)), np.ones(0)), ValueError, "at least one row"),
            ((np.ones((3, 2)), [1.0, np.inf, 1.0]), ValueError, "finite"),
            (("abc", np.ones(3)), TypeError, "X must be an array of numbers"),
        ]
        for args, exc, msg in cases:
            with self.subTest(args=args), self.assertRaisesRegex(exc, msg):
                LeastSquares(*args)


class NonConvexProblems(unittest.TestCase):
    def test_rosenbrock_minimum(self):
        for a, b in [(1.0, 100.0), (2.0, 5.0), (-1.0, 1.0)]:
            r = Rosenbrock(a, b)
            np.testing.assert_array_equal(r.solution(), [a, a * a])
            self.assertEqual(float(r.value(r.solution())), 0.0)
            self.assertIsNone(r.L)
        with self.assertRaisesRegex(ValueError, "b must be a positive finite number, got -1.0"):
            Rosenbrock(b=-1.0)
        with self.assertRaisesRegex(TypeError, "a must be a real number"):
            Rosenbrock(a="1")

    def test_himmelblau_four_published_minima(self):
        h = Himmelblau()
        mins = h.minima()
        published = np.array([[3.0, 2.0], [-2.805118, 3.131312], [-3.779310, -3.283186], [3.584428, -1.848126]])
        np.testing.assert_allclose(mins, published, atol=2e-6)
        for m in mins:
            self.assertLess(float(h.value(m)), 1e-20)
        with self.assertRaisesRegex(ValueError, "Himmelblau.*minima"):
            h.solution()

    def test_himmelblau_start_decides_the_minimum(self):
        h = Himmelblau()
        reached = set()
        for x0 in [(1.0, 1.0), (-1.0, 1.0), (-1.0, -1.0), (1.0, -1.0)]:
            tr = minimize(h, gd(0.01), x0, steps=3000, tol=1e-8)
            reached.add(int(np.argmin(np.linalg.norm(h.minima() - tr.x, axis=1))))
        self.assertEqual(reached, {0, 1, 2, 3})

    def test_double_well_minima_are_the_cubic_roots(self):
        for tilt in [1.0, -0.5, 3.0]:
            dw = DoubleWell(tilt)
            roots = np.sort(np.roots([4.0, 0.0, -8.0, tilt]).real)
            np.testing.assert_allclose(dw.critical_points(), roots, atol=1e-12)
            glob, loc = dw.minima()[:, 0]
            self.assertLess(dw.value([glob]), dw.value([loc]))
            self.assertGreater(12 * glob**2 - 8, 0)
            self.assertGreater(12 * loc**2 - 8, 0)
            np.testing.assert_array_equal(dw.solution(), [glob])

    def test_double_well_small_rate_stops_in_the_local_minimum(self):
        dw = DoubleWell()  # start x = 2, above the shallow right-hand well
        small = minimize(dw, gd(0.01), steps=2000, tol=1e-9)
        np.testing.assert_allclose(small.x, dw.minima()[1], atol=1e-8)
        # 0.12 overshoots the shallow well into the deep one, where it cannot settle
        # either: the curvature there is 12 x^2 - 8 ~ 18 > 2 / 0.12.
        bigger = minimize(dw, gd(0.12), steps=2000)
        self.assertFalse(bigger.diverged)
        self.assertTrue(np.all(bigger.path[-100:, 0] < 0))
        self.assertLess(bigger.final_loss, float(dw.value(dw.minima()[1])))
        self.assertGreater(bigger.grad_norm[-1], 1e-3)

    def test_double_well_bad_tilt(self):
        for tilt in [0.0, 5.0, -4.4]:
            with self.subTest(tilt=tilt), self.assertRaisesRegex(ValueError, f"got {tilt!r}"):
                DoubleWell(tilt)


# ---------------------------------------------------------------------------
# optimizers (each test runs for every registry entry)
# ---------------------------------------------------------------------------

# A working configuration per optimizer, for a quadratic with eigenvalues in [0.1, 10].
GOOD = {"gd": (0.15, {}), "momentum": (0.05, {"beta": 0.8}), "nesterov": (0.05, {"beta": 0.8}), "adam": (0.05, {})}


def test_every_registered_optimizer_has_a_working_configuration():
    assert set(GOOD) == set(OPTIMIZERS)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_registry_names_match(name):
    lr, kw = GOOD[name]
    assert OPTIMIZERS[name](lr, **kw).name == name


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_converges_on_a_quadratic(name):
    q, _, _ = _quadratic(seed=6)
    lr, kw = GOOD[name]
    tr = minimize(q, OPTIMIZERS[name](lr, **kw), np.ones(3), steps=5000, tol=1e-7)
    assert tr.converged_at is not None and not tr.diverged
    np.testing.assert_allclose(tr.x, q.solution(), atol=1e-6)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_update_is_pure_and_state_immutable(name):
    lr, kw = GOOD[name]
    opt = OPTIMIZERS[name](lr, **kw)
    x0 = np.array([1.0, -2.0])
    g = np.array([0.3, -0.7])
    g_copy = g.copy()
    s0 = opt.init(x0)
    assert isinstance(s0, tuple) and s0.count == 0
    step_a, s1a = opt.update(g, s0)
    step_b, s1b = opt.update(g, s0)  # the same input gives the same output
    np.testing.assert_array_equal(step_a, step_b)
    for a, b in zip(s1a, s1b):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(g, g_copy)
    assert s1a.count == 1 and s0.count == 0
    for field in s1a[1:]:
        with pytest.raises(ValueError):
            field[0] = 99.0
    with pytest.raises(AttributeError):
        s1a.count = 5


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("bad", [0.0, -0.1, math.nan, math.inf])
def test_bad_lr_value_is_named(name, bad):
    kw = GOOD[name][1]
    with pytest.raises(ValueError, match=f"lr must be a positive finite number, got {bad!r}"):
        OPTIMIZERS[name](bad, **kw)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("bad", ["0.1", None, True, [0.1]])
def test_bad_lr_type(name, bad):
    with pytest.raises(TypeError, match="lr must be"):
        OPTIMIZERS[name](bad, **GOOD[name][1])


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_a_schedule_is_evaluated_at_the_update_count(name):
    lr, kw = GOOD[name]
    sched = exponential_decay(lr, 0.5, decay_steps=3)
    with_sched = OPTIMIZERS[name](sched, **kw)
    g = np.array([1.0, -1.0])
    s = with_sched.init(np.zeros(2))
    s_ref = None
    for k in range(7):
        step, s = with_sched.update(g, s)
        fixed = OPTIMIZERS[name](sched(k), **kw)  # same state, the step's own rate
        s_ref = fixed.init(np.zeros(2)) if s_ref is None else s_ref._replace(count=k)
        step_ref, s_ref = fixed.update(g, s_ref)
        np.testing.assert_allclose(step, step_ref, rtol=1e-15)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_a_bad_schedule_is_refused_at_construction(name):
    kw = GOOD[name][1]
    with pytest.raises(ValueError, match="positive lr"):
        OPTIMIZERS[name](lambda k: -1.0, **kw)
    with pytest.raises(TypeError, match="must return a number"):
        OPTIMIZERS[name](lambda k: "x", **kw)


@pytest.mark.parametrize("factory", [momentum, nesterov])
def test_beta_outside_unit_interval(factory):
    for bad in [-0.1, 1.0, 1.5]:
        with pytest.raises(ValueError, match=rf"beta must be in \[0, 1\), got {bad!r}"):
            factory(0.1, beta=bad)
    with pytest.raises(TypeError, match="beta"):
        factory(0.1, beta="0.9")
    assert factory(0.1, beta=0.0).beta == 0.0


def test_adam_bad_arguments():
    with pytest.raises(ValueError, match=r"b1 must be in \[0, 1\), got 1.0"):
        adam(0.1, b1=1.0)
    with pytest.raises(ValueError, match=r"b2 must be in \[0, 1\), got -0.5"):
        adam(0.1, b2=-0.5)
    with pytest.raises(ValueError, match="eps must be a positive finite number, got 0.0"):
        adam(0.1, eps=0.0)


def test_gd_matches_the_plain_loop():
    q, _, _ = _quadratic(seed=7, d=4)
    x0 = np.arange(4.0)
    tr = minimize(q, gd(0.12), x0, steps=60)
    np.testing.assert_allclose(tr.path, ref.gd_path(q.grad, x0, 0.12, 60), rtol=1e-13, atol=1e-13)


def test_momentum_matches_the_heavy_ball_recurrence():
    q, _, _ = _quadratic(seed=8, d=4)
    x0 = np.arange(4.0)
    tr = minimize(q, momentum(0.05, beta=0.7), x0, steps=60)
    np.testing.assert_allclose(tr.path, ref.heavy_ball_path(q.grad, x0, 0.05, 0.7, 60), rtol=1e-11, atol=1e-12)


def test_nesterov_iterates_are_the_look_ahead_points():
    # Classical form: y_k = x_k + beta (x_k - x_{k-1}), x_{k+1} = y_k - lr grad(y_k).
    q, _, _ = _quadratic(seed=9, d=3)
    lr, beta = 0.05, 0.8
    tr = minimize(q, nesterov(lr, beta), np.ones(3), steps=40)
    x_prev = x = np.ones(3)
    for k in range(40):
        y = x + beta * (x - x_prev)
        np.testing.assert_allclose(tr.path[k], y, rtol=1e-12, atol=1e-12)
        x_prev, x = x, y - lr * q.grad(y)


def test_adam_matches_algorithm_1():
    r = Rosenbrock()
    tr = minimize(r, adam(0.01, b1=0.8, b2=0.99, eps=1e-6), steps=100)
    want = ref.adam_path(r.grad, r.start, 0.01, 0.8, 0.99, 1e-6, 100)
    np.testing.assert_allclose(tr.path, want, rtol=1e-12, atol=1e-14)


def test_state_types():
    x0 = np.zeros(2)
    assert isinstance(gd(0.1).init(x0), GDState)
    assert isinstance(momentum(0.1).init(x0), MomentumState)
    assert isinstance(nesterov(0.1).init(x0), MomentumState)
    assert isinstance(adam(0.1).init(x0), AdamState)


# ---------------------------------------------------------------------------
# schedules (each equals its formula; every registry entry must have one here)
# ---------------------------------------------------------------------------

FORMULAS = {
    "constant": ({"value": 0.3}, lambda k: 0.3),
    "exponential_decay": (
        {"init_value": 0.5, "decay_rate": 0.9, "decay_steps": 7},
        lambda k: 0.5 * 0.9 ** (k / 7),
    ),
    "inverse_time": (
        {"init_value": 0.5, "decay_rate": 2.0, "decay_steps": 10},
        lambda k: 0.5 / (1 + 2.0 * k / 10),
    ),
    "step_decay": ({"init_value": 1.0, "factor": 0.3, "every": 25}, lambda k: 1.0 * 0.3 ** (k // 25)),
    "cosine": (
        {"init_value": 0.8, "decay_steps": 120, "alpha": 0.05},
        lambda k: 0.8 * ((1 - 0.05) * 0.5 * (1 + math.cos(math.pi * min(k, 120) / 120)) + 0.05),
    ),
}


def test_every_schedule_has_a_formula():
    assert set(FORMULAS) == set(SCHEDULES)


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_schedule_equals_its_formula(name):
    kwargs, formula = FORMULAS[name]
    sched = SCHEDULES[name](**kwargs)
    ks = np.arange(0, 400)
    want = np.array([formula(int(k)) for k in ks])
    got_scalar = np.array([sched(int(k)) for k in ks])
    np.testing.assert_allclose(got_scalar, want, rtol=1e-14)
    np.testing.assert_allclose(sched(ks), want, rtol=1e-14)  # vectorized call
    assert isinstance(sched(3), float)
    with pytest.raises(ValueError, match="step must be >= 0"):
        sched(-1)


@pytest.mark.parametrize(
    "call, exc, msg",
    [
        (lambda: constant(0.0), ValueError, "value must be a positive finite number, got 0.0"),
        (lambda: constant("1"), TypeError, "value"),
        (lambda: exponential_decay(1.0, 1.5), ValueError, r"decay_rate must be in \[0, 1\], got 1.5"),
        (lambda: exponential_decay(1.0, 0.0), ValueError, r"decay_rate must be in \(0, 1\], got 0.0"),
        (lambda: exponential_decay(1.0, 0.5, decay_steps=0), ValueError, "decay_steps must be an integer >= 1, got 0"),
        (lambda: exponential_decay(1.0, 0.5, decay_steps=2.5), TypeError, "decay_steps"),
        (lambda: inverse_time(-1.0, 1.0), ValueError, "init_value must be a positive finite number, got -1.0"),
        (lambda: inverse_time(1.0, -1.0), ValueError, "decay_rate must be in"),
        (lambda: step_decay(1.0, factor=0.0), ValueError, "factor must be in"),
        (lambda: step_decay(1.0, every=0), ValueError, "every must be an integer >= 1, got 0"),
        (lambda: cosine(1.0, 0), ValueError, "decay_steps must be an integer >= 1, got 0"),
        (lambda: cosine(1.0, 10, alpha=1.0), ValueError, r"alpha must be in \[0, 1\), got 1.0"),
    ],
)
def test_bad_schedule_arguments(call, exc, msg):
    with pytest.raises(exc, match=msg):
        call()


# ---------------------------------------------------------------------------
# minimize
# ---------------------------------------------------------------------------


class Minimize(unittest.TestCase):
    def test_trace_shapes_and_convergence_semantics(self):
        q, _, _ = _quadratic(seed=10)
        tr = minimize(q, gd(0.1), np.ones(3), steps=10_000, tol=1e-6)
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
        q, _, _ = _quadratic(seed=10)
        tr = minimize(q, gd(0.1), np.ones(3), steps=50)
        self.assertEqual((tr.steps_run, tr.converged_at, tr.path.shape[0]), (50, None, 51))

    def test_start_at_the_solution_converges_at_zero(self):
        q, _, _ = _quadratic(seed=10)
        tr = minimize(q, gd(0.1), q.solution(), steps=50, tol=1e-6)
        self.assertEqual((tr.converged_at, tr.steps_run, tr.path.shape), (0, 0, (1, 3)))

    def test_default_start(self):
        tr = minimize(Rosenbrock(), gd(1e-3), steps=3)
        np.testing.assert_array_equal(tr.path[0], [-1.2, 1.0])

    def test_divergence_stops_the_run_without_warnings(self):
        cases = [
            (_quadratic(seed=11)[0], gd(0.5), np.ones(3)),  # 0.5 > 2/L: geometric growth
            (_quadratic(seed=11)[0], gd(1e150), np.ones(3)),  # overflow to inf at once
            (DoubleWell(), gd(0.5), None),  # x^4 blows up
            (Rosenbrock(), momentum(0.01, 0.9), [3.0, -3.0]),
        ]
        for problem, opt, x0 in cases:
            with self.subTest(problem=problem, opt=opt), warnings.catch_warnings():
                warnings.simplefilter("error")
                tr = minimize(problem, opt, x0, steps=10_000, tol=1e-8)
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
        q, _, _ = _quadratic(seed=12)
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
            minimize(DoubleWell(), gd(0.1), [1e100], steps=3)


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


@pytest.mark.parametrize(
    "problem",
    [optim.Quadratic(np.eye(2), np.zeros(2)), optim.Rosenbrock(), optim.Himmelblau(), optim.DoubleWell(),
     optim.LeastSquares(np.ones((3, 2)), np.ones(3))],
    ids=repr,
)
def test_points_of_the_wrong_dimension_are_refused(problem):
    # A (5,) vector is not five 1-D points nor one 2-D point: refuse it, never read x[0].
    wrong = np.linspace(-1.0, 1.0, problem.dim + 3)
    for fn in (problem.value, problem.grad):
        with pytest.raises(ValueError, match=rf"shape \({problem.dim},\).*got shape \({problem.dim + 3},\)"):
            fn(wrong)
    stack = np.zeros((problem.dim, 4))
    assert np.shape(problem.value(stack)) == (4,)
    assert np.shape(problem.grad(stack)) == (problem.dim, 4)


# ---------------------------------------------------------------------------
# review fixes: inputs that were accepted but mishandled
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize(
    "bad, exc, msg",
    [
        (-0.1, ValueError, r"lr schedule .* gave -0.1 at step 3"),
        (math.nan, ValueError, r"lr schedule .* gave nan at step 3"),
        (math.inf, ValueError, r"lr schedule .* gave inf at step 3"),
        (None, TypeError, r"lr schedule .* must return a number, got None at step 3"),
        (True, TypeError, r"lr schedule .* must return a number, got True at step 3"),
    ],
)
def test_a_schedule_that_turns_bad_mid_run_is_refused_at_that_step(name, bad, exc, msg):
    # Was: a negative rate silently walked uphill; nan was reported as "diverged".
    kw = GOOD[name][1]
    opt = OPTIMIZERS[name](lambda k: 0.01 if k < 3 else bad, **kw)
    q = _quadratic()[0]
    with pytest.raises(exc, match=msg):
        minimize(q, opt, np.ones(q.dim), steps=10)


def test_a_schedule_may_reach_zero_after_step_0():
    # cosine(alpha=0) ends at exactly 0: a legitimate "stop moving", not an error.
    q = _quadratic()[0]
    tr = minimize(q, gd(cosine(0.01, 5)), np.ones(q.dim), steps=10)
    np.testing.assert_array_equal(tr.path[6:], np.repeat(tr.path[5:6], 5, axis=0))


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda: Quadratic([[True, False], [False, True]], [1.0, 1.0]), "A"),
        (lambda: Quadratic(np.eye(2), np.array([True, False])), "b"),
        (lambda: LeastSquares(np.ones((3, 1), dtype=bool), [1.0, 2.0, 3.0]), "X"),
        (lambda: LeastSquares([[1.0], [2.0]], [True, 1.0]), "y"),
        (lambda: minimize(_quadratic(d=2)[0], gd(0.1), [True, False], steps=2), "x0"),
        (lambda: Quadratic([[1.0, None], [None, 1.0]], [1.0, 1.0]), "A"),
    ],
)
def test_booleans_and_none_in_arrays_are_type_errors(make, name):
    # Was: True read as 1.0, None read as nan ("must be finite", a ValueError).
    with pytest.raises(TypeError, match=f"{name} must be an array of numbers"):
        make()


def test_a_numerically_singular_quadratic_is_refused():
    # Was accepted (eigvalsh gave 1e-17 > 0): kappa 1e17, solve() meaningless.
    with pytest.raises(ValueError, match="positive definite"):
        Quadratic([[1.0, 0.0], [0.0, 1e-17]], [1.0, 1.0])
    Quadratic([[1.0, 0.0], [0.0, 1e-10]], [1.0, 1.0])  # ill-conditioned but fine


@pytest.mark.parametrize("seed", range(6))
def test_rank_deficient_least_squares_always_has_mu_exactly_zero(seed):
    # Was: round-off left mu ~ 1e-16 > 0 for some X, so kappa was ~1e16, not inf.
    rng = np.random.default_rng(seed)
    Z = rng.normal(size=(20, 3))
    ls = LeastSquares(np.column_stack([Z, Z[:, 0] + Z[:, 1]]), rng.normal(size=20))
    assert ls.mu == 0.0 and ls.kappa == math.inf


@pytest.mark.parametrize("step", [True, np.bool_(False)])
def test_schedules_refuse_a_bool_step(step):
    for name, (kwargs, _) in FORMULAS.items():
        with pytest.raises(TypeError, match="step must be"):
            SCHEDULES[name](**kwargs)(step)


def test_schedules_refuse_a_nan_step():
    for name, (kwargs, _) in FORMULAS.items():
        with pytest.raises(ValueError, match="step must be"):
            SCHEDULES[name](**kwargs)(math.nan)


@pytest.mark.parametrize("bad", [np.array(True), np.array(0.1, dtype=object), np.array(1 + 0j)])
def test_a_schedule_returning_a_non_number_array_is_refused_at_construction(bad):
    # Was: the construction-time probe accepted any 0-d array; the first update then refused
    # the same value (or float() failed on a complex one with an unnamed error).
    with pytest.raises(TypeError, match=r"lr schedule .* must return a number, got array\(.*\) at step 0"):
        gd(lambda k: bad)
