"""optim.problems: known answers, gradients against differences, minima, bad input."""

import math
import unittest
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import optim
from optim import DoubleWell, Himmelblau, LeastSquares, Quadratic, Rosenbrock, gd, minimize
from tests.data import quadratic_case, seeds
from tests.profiles import slow

# Overflow inside a diverging run is expected and must never reach the user.
pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")


def _problems():
    rng = np.random.default_rng(1)
    X = np.column_stack([np.ones(30), rng.normal(size=(30, 2))])
    return [
        quadratic_case(0).problem,
        LeastSquares(X, X @ [1.0, -2.0, 0.5] + 0.1 * rng.normal(size=30)),
        Rosenbrock(),
        Rosenbrock(a=-0.5, b=10.0),
        Himmelblau(),
        DoubleWell(),
        DoubleWell(tilt=-2.0),
    ]


PROBLEMS = _problems()


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


@pytest.mark.parametrize("problem", PROBLEMS, ids=repr)
def test_quadratic_form_is_the_problem_where_the_hessian_is_constant(problem):
    form = problem.quadratic_form()
    if not isinstance(problem, (Quadratic, LeastSquares)):
        assert form is None
        return
    H, c, x_star, f_star = form
    np.testing.assert_allclose(H @ x_star, c, rtol=1e-12, atol=1e-12)
    assert f_star == pytest.approx(float(problem.value(problem.solution())), rel=1e-12, abs=1e-12)
    rng = np.random.default_rng(5)
    for x in rng.uniform(-2, 2, size=(5, problem.dim)):
        e = x - x_star
        assert float(problem.value(x)) == pytest.approx(f_star + 0.5 * e @ H @ e, rel=1e-10, abs=1e-12)
        np.testing.assert_allclose(problem.grad(x), H @ x - c, rtol=1e-12, atol=1e-12)


class QuadraticProblem(unittest.TestCase):
    def test_known_answer(self):
        q = Quadratic([[2.0, 0.0], [0.0, 1.0]], [2.0, 1.0])
        np.testing.assert_array_equal(q.solution(), [1.0, 1.0])
        self.assertEqual((q.L, q.mu, q.kappa, q.dim), (2.0, 1.0, 2.0, 2))
        self.assertEqual(float(q.value([1.0, 1.0])), -1.5)

    def test_solution_solves_the_system_and_spectrum_matches(self):
        q, Q, ev, _ = quadratic_case(5, 6)
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
    @slow
    @given(seeds, st.integers(1, 4), st.integers(0, 20))
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
            tr = minimize(h, gd(0.01), x0=x0, steps=3000, tol=1e-8)
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
# review fixes: inputs that were accepted but mishandled
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, name",
    [
        (lambda: Quadratic([[True, False], [False, True]], [1.0, 1.0]), "A"),
        (lambda: Quadratic(np.eye(2), np.array([True, False])), "b"),
        (lambda: LeastSquares(np.ones((3, 1), dtype=bool), [1.0, 2.0, 3.0]), "X"),
        (lambda: LeastSquares([[1.0], [2.0]], [True, 1.0]), "y"),
        (lambda: minimize(quadratic_case(0, 2).problem, gd(0.1), x0=[True, False], steps=2), "x0"),
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


def test_decimal_entries_are_numbers():
    np.testing.assert_allclose(Quadratic([[Decimal("0.5"), 0], [0, 1]], [1, 1]).solution(), [2.0, 1.0])
