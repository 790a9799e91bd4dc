"""Test problems: smooth functions with known minima.

Every problem has ``dim``, ``value(x)``, ``grad(x)``, a default start ``start``,
and ``minima()`` (every local minimum it is known to have, best first). Where
they are defined it also has ``solution()`` (the global minimizer), ``L`` (the
Lipschitz constant of the gradient), ``mu`` (the strong-convexity constant)
and ``eigenvalues`` (of the constant Hessian); elsewhere these are None.

``value`` and ``grad`` also accept a stack of points ``x`` of shape
``(dim, ...)`` and return shapes ``(...)`` and ``(dim, ...)``: that is how a
contour plot evaluates a grid at once.

A problem whose Hessian is constant also says so: ``quadratic_form()`` returns
a ``QuadraticForm(H, c, x_star, f_star)`` with f(x) = f* + 1/2 (x - x*)^T H (x - x*)
and grad f(x) = H x - c (None for every other problem). With it ``lr_sweep`` runs
all its learning rates side by side as one small matrix product per step.

Which to pick:

- ``Quadratic(A, b)``: the model problem of the theory (``optim.theory``).
- ``LeastSquares(X, y)``: a quadratic in disguise, from data;
  ``LeastSquares.from_height_weight(standardize=...)`` is the real example.
- ``Rosenbrock()``: a curved narrow valley, easy to find and hard to follow.
- ``Himmelblau()``: four global minima; where you end depends on where you start.
- ``DoubleWell()``: one dimension, a local and a global minimum.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np

from ._validation import as_float_array, check_positive, check_real, readonly

__all__ = ["DoubleWell", "Himmelblau", "LeastSquares", "Problem", "Quadratic", "QuadraticForm", "Rosenbrock"]


class QuadraticForm(NamedTuple):
    """f(x) = f_star + 1/2 (x - x_star)^T H (x - x_star), grad f(x) = H x - c (so H x_star = c)."""

    H: np.ndarray
    c: np.ndarray
    x_star: np.ndarray
    f_star: float


def _roundoff(ev: np.ndarray) -> float:
    """d * eps * largest |eigenvalue|: smaller eigenvalues of a d x d symmetric matrix are noise."""
    return ev.size * np.finfo(np.float64).eps * float(np.max(np.abs(ev)))


def _matvec(M: np.ndarray, x: np.ndarray) -> np.ndarray:
    """M @ x for a point (d,) or a stack of points (d, ...)."""
    return M @ x if x.ndim <= 2 else np.tensordot(M, x, axes=1)


def _affine_grad(M: np.ndarray, v: np.ndarray, x: np.ndarray) -> np.ndarray:
    """M x - v, the gradient of a quadratic, for a point (d,) or a stack of points (d, ...)."""
    if x.ndim == 1:
        return M @ x - v
    return _matvec(M, x) - v.reshape((-1,) + (1,) * (x.ndim - 1))


class Problem:
    """What every problem offers; subclasses fill in value, grad, dim and start."""

    eigenvalues = None  # ascending, for problems whose Hessian is constant

    @property
    def L(self):
        """Gradient Lipschitz constant (largest Hessian eigenvalue), or None when unknown."""
        return None if self.eigenvalues is None else float(self.eigenvalues[-1])

    @property
    def mu(self):
        """Strong convexity constant (smallest Hessian eigenvalue), or None when unknown."""
        return None if self.eigenvalues is None else float(self.eigenvalues[0])

    @property
    def start(self) -> np.ndarray:
        """Default start: the origin."""
        return np.zeros(self.dim)

    def value(self, x):  # pragma: no cover - abstract
        raise NotImplementedError

    def _points(self, x) -> np.ndarray:
        """``x`` as float64: one point ``(dim,)`` or a stack ``(dim, ...)``, else ValueError."""
        x = np.asarray(x, dtype=np.float64)
        if x.ndim == 0 or x.shape[0] != self.dim:
            raise ValueError(
                f"x must have shape ({self.dim},) or ({self.dim}, ...) for {self!r}, got shape {x.shape}"
            )
        return x

    def grad(self, x):  # pragma: no cover - abstract
        raise NotImplementedError

    def solution(self) -> np.ndarray:
        """The global minimizer."""
        raise ValueError(f"{self!r} has no single global minimizer; see minima()")

    def minima(self) -> np.ndarray:
        """Every known local minimizer, one per row, lowest value first."""
        return self.solution()[None, :]

    def quadratic_form(self) -> QuadraticForm | None:
        """The problem as a ``QuadraticForm`` when its Hessian is constant, else None.

        ``Quadratic`` and ``LeastSquares`` give ``(H, c, x_star, f_star)`` with
        f(x) = f* + 1/2 (x - x*)^T H (x - x*) and grad f(x) = H x - c; the others
        (Rosenbrock, Himmelblau, DoubleWell) give None. ``lr_sweep`` uses it to run
        many learning rates side by side.
        """
        return None

    @property
    def kappa(self):
        """Condition number L / mu (inf when mu = 0), or None when unknown."""
        if self.L is None or self.mu is None:
            return None
        return math.inf if self.mu == 0 else self.L / self.mu


@dataclass(frozen=True, eq=False, repr=False)
class Quadratic(Problem):
    """f(x) = 1/2 x^T A x - b^T x with A symmetric positive definite.

    Parameters
    ----------
    A : array_like, shape (d, d)
        Symmetric (within 1e-10 relative) positive definite matrix; symmetrized.
        Its smallest eigenvalue must exceed d * eps * the largest (otherwise
        A is singular to working precision).
    b : array_like, shape (d,)

    Attributes
    ----------
    L, mu : float
        Largest and smallest eigenvalue of A: grad f is L-Lipschitz and f is
        mu-strongly convex.
    eigenvalues : numpy.ndarray
        Eigenvalues of A, ascending.

    Raises
    ------
    TypeError, ValueError
        For non-numeric, non-finite, non-square, non-symmetric or
        non-positive-definite A, or b of the wrong shape.

    Notes
    -----
    grad f(x) = A x - b; the minimizer solves A x* = b. Gradient descent with
    step eta multiplies the error x - x* by (I - eta A) each step.

    Examples
    --------
    >>> q = Quadratic([[2.0, 0.0], [0.0, 1.0]], [2.0, 1.0])
    >>> q.solution(), q.L, q.mu
    (array([1., 1.]), 2.0, 1.0)
    >>> float(q.value(q.solution())), q.quadratic_form().f_star
    (-1.5, -1.5)
    """

    A: np.ndarray
    b: np.ndarray
    eigenvalues: np.ndarray = field(init=False)
    _x_star: np.ndarray = field(init=False)

    def __post_init__(self):
        A = as_float_array("A", self.A, ndim=2)
        if A.shape[0] != A.shape[1] or A.shape[0] == 0:
            raise ValueError(f"A must be a non-empty square matrix, got shape {A.shape}")
        asym = float(np.max(np.abs(A - A.T)))
        if asym > 1e-10 * max(float(np.max(np.abs(A))), 1e-300):
            raise ValueError(f"A must be symmetric, got max |A - A^T| = {asym:.3g}")
        A = 0.5 * (A + A.T)
        b = as_float_array("b", self.b)
        if b.shape != (A.shape[0],):
            raise ValueError(f"b must have shape ({A.shape[0]},) to match A, got shape {b.shape}")
        ev = np.linalg.eigvalsh(A)
        if not ev[0] > 0:
            raise ValueError(f"A must be positive definite, got smallest eigenvalue {ev[0]:.6g}")
        tiny = _roundoff(ev)
        if ev[0] <= tiny:
            raise ValueError(
                f"A must be positive definite, got smallest eigenvalue {ev[0]:.6g}: numerically singular "
                f"(at most d * eps * largest = {tiny:.3g}, within round-off of 0)"
            )
        object.__setattr__(self, "A", readonly(A))
        object.__setattr__(self, "b", readonly(b))
        object.__setattr__(self, "eigenvalues", readonly(ev))
        object.__setattr__(self, "_x_star", readonly(np.linalg.solve(A, b)))

    def __repr__(self):
        return f"Quadratic(d={self.dim}, L={self.L:.4g}, mu={self.mu:.4g})"

    @property
    def dim(self) -> int:
        return self.b.shape[0]

    def value(self, x):
        x = self._points(x)
        if x.ndim == 1:
            return 0.5 * float(x @ (self.A @ x)) - float(self.b @ x)
        return 0.5 * np.sum(x * _matvec(self.A, x), axis=0) - np.tensordot(self.b, x, axes=1)

    def grad(self, x):
        return _affine_grad(self.A, self.b, self._points(x))

    def solution(self) -> np.ndarray:
        """x* = A^{-1} b."""
        return self._x_star.copy()

    def quadratic_form(self) -> QuadraticForm:
        """H = A, c = b, x* = A^{-1} b, f* = -1/2 b^T x*."""
        return QuadraticForm(self.A, self.b, self._x_star, float(-0.5 * self.b @ self._x_star))


@dataclass(frozen=True, eq=False, repr=False)
class LeastSquares(Problem):
    """f(w) = ||X w - y||^2 / (2 m): linear regression by gradient descent.

    Parameters
    ----------
    X : array_like, shape (m, d)
        Design matrix (include a column of ones for an intercept).
    y : array_like, shape (m,)
        Targets.

    Attributes
    ----------
    H : numpy.ndarray, shape (d, d)
        The (constant) Hessian X^T X / m.
    c : numpy.ndarray, shape (d,)
        X^T y / m, so grad f(w) = H w - c.
    L, mu : float
        Largest and smallest eigenvalue of H (mu = 0 when X has dependent columns:
        eigenvalues within d * eps * L of 0 are round-off and set to 0).
    eigenvalues : numpy.ndarray
        Eigenvalues of H, ascending.

    Raises
    ------
    TypeError, ValueError
        For non-numeric or non-finite data, X not 2-D with at least one row,
        or y of the wrong shape.

    Notes
    -----
    ``value`` computes the residuals (O(m d)); ``grad`` uses the precomputed
    H and c (O(d^2)), which is the same function. ``solution()`` is
    ``numpy.linalg.lstsq`` (the minimum-norm minimizer).

    Examples
    --------
    >>> ls = LeastSquares([[1.0, 0.0], [1.0, 1.0], [1.0, 2.0]], [1.0, 3.0, 5.0])
    >>> ls.solution().round(12)           # y = 1 + 2 x exactly
    array([1., 2.])
    >>> float(ls.value(ls.solution())) < 1e-24
    True
    """

    X: np.ndarray
    y: np.ndarray
    H: np.ndarray = field(init=False)
    c: np.ndarray = field(init=False)
    eigenvalues: np.ndarray = field(init=False)
    _x_star: np.ndarray = field(init=False)

    def __post_init__(self):
        X = as_float_array("X", self.X, ndim=2)
        if X.shape[0] == 0 or X.shape[1] == 0:
            raise ValueError(f"X must have at least one row and one column, got shape {X.shape}")
        y = as_float_array("y", self.y)
        if y.shape != (X.shape[0],):
            raise ValueError(f"y must have shape ({X.shape[0]},) to match X, got shape {y.shape}")
        m = X.shape[0]
        H = X.T @ X / m
        H = 0.5 * (H + H.T)
        ev = np.linalg.eigvalsh(H)
        # A Gram matrix is positive semi-definite: an eigenvalue within round-off of 0
        # (negative or a few eps * L positive) is 0, so rank-deficient X gives mu = 0 exactly.
        ev = np.where(ev <= _roundoff(ev), 0.0, ev)
        object.__setattr__(self, "X", readonly(X))
        object.__setattr__(self, "y", readonly(y))
        object.__setattr__(self, "H", readonly(H))
        object.__setattr__(self, "c", readonly(X.T @ y / m))
        object.__setattr__(self, "eigenvalues", readonly(ev))
        object.__setattr__(self, "_x_star", readonly(np.linalg.lstsq(X, y, rcond=None)[0]))

    @classmethod
    def from_height_weight(cls, standardize: bool = False) -> "LeastSquares":
        """Weight (lb) against height (in) for the 25,000 SOCR records.

        Parameters
        ----------
        standardize : bool, default False
            False: columns [1, height]; badly conditioned (kappa ~ 6e6).
            True: columns [1, (height - mean) / std] (std with ddof=0), so that
            H is the identity and kappa = 1.

        Returns
        -------
        LeastSquares
            Weights w = (intercept, slope) in the chosen feature units.

        Examples
        --------
        >>> raw = LeastSquares.from_height_weight()
        >>> intercept, slope = raw.solution()
        >>> round(float(slope), 2), round(float(intercept), 1)
        (3.08, -82.6)
        >>> round(LeastSquares.from_height_weight(standardize=True).kappa, 6)
        1.0
        """
        from .datasets import height_weight

        h, w = height_weight()
        if standardize:
            h = (h - h.mean()) / h.std()
        return cls(np.column_stack([np.ones_like(h), h]), w)

    def __repr__(self):
        m, d = self.X.shape
        return f"LeastSquares(m={m}, d={d}, L={self.L:.4g}, mu={self.mu:.4g})"

    @property
    def dim(self) -> int:
        return self.X.shape[1]

    def value(self, w):
        w = self._points(w)
        r = np.tensordot(self.X, w, axes=1) - self.y.reshape((-1,) + (1,) * (w.ndim - 1))
        return np.sum(r * r, axis=0) / (2 * self.X.shape[0])

    def grad(self, w):
        return _affine_grad(self.H, self.c, self._points(w))

    def solution(self) -> np.ndarray:
        """The minimum-norm minimizer, by ``numpy.linalg.lstsq``."""
        return self._x_star.copy()

    def quadratic_form(self) -> QuadraticForm:
        """H = X^T X / m, c = X^T y / m, w* from ``solution()``, f* = f(w*) (the residual at the fit)."""
        return QuadraticForm(self.H, self.c, self._x_star, float(self.value(self._x_star)))


@dataclass(frozen=True, repr=False)
class Rosenbrock(Problem):
    """f(x, y) = (a - x)^2 + b (y - x^2)^2 (Rosenbrock 1960).

    Parameters
    ----------
    a : float, default 1
    b : float, default 100, > 0

    Notes
    -----
    The global minimum is f(a, a^2) = 0 at the bottom of a narrow curved
    valley; the default start is the classic (-1.2, 1). Not convex, no global L.

    Examples
    --------
    >>> r = Rosenbrock()
    >>> r.solution(), float(r.value(r.solution())), float(abs(r.grad(r.solution())).max())
    (array([1., 1.]), 0.0, 0.0)
    """

    a: float = 1.0
    b: float = 100.0
    dim = 2

    def __post_init__(self):
        object.__setattr__(self, "a", check_real("a", self.a))
        object.__setattr__(self, "b", check_positive("b", self.b))

    def __repr__(self):
        return f"Rosenbrock(a={self.a:g}, b={self.b:g})"

    @property
    def start(self) -> np.ndarray:
        return np.array([-1.2, 1.0])

    def value(self, x):
        x = self._points(x)
        return (self.a - x[0]) ** 2 + self.b * (x[1] - x[0] ** 2) ** 2

    def grad(self, x):
        x = self._points(x)
        inner = x[1] - x[0] ** 2
        return np.array([-2.0 * (self.a - x[0]) - 4.0 * self.b * x[0] * inner, 2.0 * self.b * inner])

    def solution(self) -> np.ndarray:
        return np.array([self.a, self.a**2])


# Published approximate locations (Himmelblau 1972); minima() polishes them by Newton.
_HIMMELBLAU_APPROX = ((3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126))


@dataclass(frozen=True, repr=False)
class Himmelblau(Problem):
    """f(x, y) = (x^2 + y - 11)^2 + (x + y^2 - 7)^2 (Himmelblau 1972).

    Notes
    -----
    Four global minima, all with f = 0: (3, 2), (-2.805118, 3.131312),
    (-3.779310, -3.283186), (3.584428, -1.848126); ``minima()`` returns them
    polished to machine precision. There is no single ``solution()``. Default
    start (0, 0).

    Examples
    --------
    >>> Himmelblau().minima().round(6)
    array([[ 3.      ,  2.      ],
           [-2.805118,  3.131313],
           [-3.77931 , -3.283186],
           [ 3.584428, -1.848127]])
    """

    dim = 2

    def __repr__(self):
        return "Himmelblau()"

    def value(self, x):
        x = self._points(x)
        return (x[0] ** 2 + x[1] - 11.0) ** 2 + (x[0] + x[1] ** 2 - 7.0) ** 2

    def grad(self, x):
        x = self._points(x)
        u = x[0] ** 2 + x[1] - 11.0
        v = x[0] + x[1] ** 2 - 7.0
        return np.array([4.0 * x[0] * u + 2.0 * v, 2.0 * u + 4.0 * x[1] * v])

    def _hessian(self, x):
        u = x[0] ** 2 + x[1] - 11.0
        v = x[0] + x[1] ** 2 - 7.0
        hxy = 4.0 * x[0] + 4.0 * x[1]
        return np.array([[4.0 * u + 8.0 * x[0] ** 2 + 2.0, hxy], [hxy, 2.0 + 4.0 * v + 8.0 * x[1] ** 2]])

    def minima(self) -> np.ndarray:
        out = []
        for p in _HIMMELBLAU_APPROX:
            x = np.array(p)
            for _ in range(6):
                x = x - np.linalg.solve(self._hessian(x), self.grad(x))
            out.append(x)
        return np.array(out)


@dataclass(frozen=True, repr=False)
class DoubleWell(Problem):
    """f(x) = x^4 - 4 x^2 + tilt * x: one global and one local minimum.

    Parameters
    ----------
    tilt : float, default 1
        Tilts the symmetric double well; 0 < |tilt| < 16/3 * sqrt(2/3) (~4.35)
        so that there are two minima of different depth. tilt > 0 puts the
        global minimum on the left.

    Notes
    -----
    The critical points are the roots of f'(x) = 4x^3 - 8x + tilt; the outer
    two are minima, the middle one a maximum. The default start x = 2 sits
    above the *local* minimum: small learning rates stop there.

    Examples
    --------
    >>> dw = DoubleWell()
    >>> dw.minima().round(4)        # global first
    array([[-1.473],
           [ 1.347]])
    >>> [round(float(dw.value(m)), 3) for m in dw.minima()]
    [-5.444, -2.619]
    """

    tilt: float = 1.0
    dim = 1

    def __post_init__(self):
        tilt = check_real("tilt", self.tilt)
        bound = 16.0 / 3.0 * math.sqrt(2.0 / 3.0)
        if not 0 < abs(tilt) < bound:
            raise ValueError(f"tilt must satisfy 0 < |tilt| < {bound:.4f} (two minima of different depth), got {tilt!r}")
        object.__setattr__(self, "tilt", tilt)

    def __repr__(self):
        return f"DoubleWell(tilt={self.tilt:g})"

    @property
    def start(self) -> np.ndarray:
        return np.array([2.0])

    def value(self, x):
        x = self._points(x)[0]
        return x**4 - 4.0 * x**2 + self.tilt * x

    def grad(self, x):
        x = self._points(x)
        return 4.0 * x**3 - 8.0 * x + self.tilt

    def critical_points(self) -> np.ndarray:
        """The three real roots of 4x^3 - 8x + tilt, ascending (min, max, min)."""
        roots = np.roots([4.0, 0.0, -8.0, self.tilt])
        roots = np.sort(roots.real)
        # One Newton polish step each against the cubic's rounding.
        return roots - (4 * roots**3 - 8 * roots + self.tilt) / (12 * roots**2 - 8)

    def minima(self) -> np.ndarray:
        lo, _, hi = self.critical_points()
        pts = sorted([lo, hi], key=lambda t: t**4 - 4 * t**2 + self.tilt * t)
        return np.array(pts)[:, None]

    def solution(self) -> np.ndarray:
        return self.minima()[0]
