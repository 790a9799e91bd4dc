"""What theory predicts for gradient methods on a quadratic.

On f(x) = f* + 1/2 (x - x*)^T H (x - x*) (``Quadratic`` and ``LeastSquares``)
gradient descent with step eta gives x_k - x* = (I - eta H)^k (x_0 - x*):
each eigen-component is multiplied by (1 - eta lambda) per step. Hence, with
mu and L the smallest and largest eigenvalues of H:

- it converges for every start iff max |1 - eta lambda| < 1, i.e. 0 < eta < 2/L;
- the error shrinks by the contraction factor max(|1 - eta mu|, |1 - eta L|);
- the constant step with the smallest factor is eta = 2/(mu + L), factor
  (kappa - 1)/(kappa + 1): the best guarantee over every start (from a given start
  another step may reach a tolerance sooner).

These functions need the spectrum; other problems raise a ValueError naming them.
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import as_float_array, check_positive

__all__ = [
    "condition_number",
    "contraction_factor",
    "optimal_lr",
    "stable_lr_bound",
    "tuned_momentum",
    "tuned_nesterov",
]


def _spectrum(problem, what: str) -> tuple[float, float]:
    L, mu = getattr(problem, "L", None), getattr(problem, "mu", None)
    if L is None or mu is None:
        raise ValueError(
            f"{what} needs a problem with a constant Hessian and known L and mu "
            f"(Quadratic, LeastSquares), got {problem!r}"
        )
    return float(mu), float(L)


def _strongly_convex(problem, what: str) -> tuple[float, float]:
    mu, L = _spectrum(problem, what)
    if mu <= 0:
        raise ValueError(f"{what} needs mu > 0 (a strongly convex problem), got mu = {mu} for {problem!r}")
    return mu, L


def _root_kappa_ratio(mu: float, L: float) -> float:
    """(sqrt(kappa) - 1) / (sqrt(kappa) + 1), kappa = L / mu: the accelerated methods' rate."""
    root = math.sqrt(L / mu)
    return (root - 1.0) / (root + 1.0)


def stable_lr_bound(problem) -> float:
    """2 / L: gradient descent converges from every start iff eta < 2/L.

    Raises
    ------
    ValueError
        When the problem has no known L (e.g. ``Rosenbrock``) or L = 0.

    Examples
    --------
    >>> from optim import Quadratic
    >>> stable_lr_bound(Quadratic([[1.0, 0.0], [0.0, 10.0]], [1.0, 1.0]))
    0.2
    """
    L = _spectrum(problem, "stable_lr_bound")[1]
    if L <= 0:
        raise ValueError(f"stable_lr_bound needs L > 0 (a non-constant problem), got L = {L} for {problem!r}")
    return 2.0 / L


def optimal_lr(problem) -> float:
    """2 / (mu + L): the constant step minimizing gd's contraction factor.

    Raises
    ------
    ValueError
        When the problem has no known L and mu, or mu = 0 (then every rate in
        (0, 2/L) leaves the null-space error as it is, and 2/(0 + L) = 2/L
        would never settle: there is no optimal constant rate).

    Examples
    --------
    >>> from optim import Quadratic
    >>> q = Quadratic([[1.0, 0.0], [0.0, 3.0]], [1.0, 1.0])
    >>> optimal_lr(q), contraction_factor(q, optimal_lr(q))   # (kappa-1)/(kappa+1)
    (0.5, 0.5)
    """
    mu, L = _strongly_convex(problem, "optimal_lr")
    return 2.0 / (mu + L)


def contraction_factor(problem, lr):
    """max over eigenvalues lambda of H of |1 - lr * lambda|.

    ``||x_k - x*|| <= factor^k ||x_0 - x*||`` for gradient descent with a
    constant step; < 1 exactly when 0 < lr < 2/L and mu > 0 (with mu = 0 it
    is >= 1: the null-space error never shrinks).

    Parameters
    ----------
    problem : Quadratic or LeastSquares
    lr : float or array_like of float
        One rate or several (returns an array then).

    Raises
    ------
    TypeError, ValueError
        For a non-positive lr or a problem with no known spectrum.

    Examples
    --------
    >>> from optim import Quadratic
    >>> q = Quadratic([[1.0, 0.0], [0.0, 10.0]], [1.0, 1.0])
    >>> contraction_factor(q, 0.1), contraction_factor(q, 0.25)
    (0.9, 1.5)
    """
    mu, L = _spectrum(problem, "contraction_factor")
    if np.ndim(lr) == 0:
        if callable(lr):
            raise TypeError(f"lr must be a number or an array of numbers, got schedule {lr!r}")
        lr = check_positive("lr", lr)
        return float(max(abs(1.0 - lr * mu), abs(1.0 - lr * L)))
    lrs = as_float_array("lr", lr)
    if np.any(lrs <= 0):
        raise ValueError(f"lr must be positive, got {lrs[lrs <= 0].tolist()!r}")
    return np.maximum(np.abs(1.0 - lrs * mu), np.abs(1.0 - lrs * L))


def condition_number(problem) -> float:
    """kappa = L / mu (inf when mu = 0).

    Examples
    --------
    >>> from optim import LeastSquares
    >>> f"{condition_number(LeastSquares.from_height_weight()):.1e}"
    '5.9e+06'
    """
    mu, L = _spectrum(problem, "condition_number")
    return math.inf if mu == 0 else L / mu


def tuned_momentum(problem) -> dict:
    """Polyak's heavy-ball parameters for a quadratic (Polyak 1964).

    Returns
    -------
    dict
        ``lr = 4 / (sqrt(L) + sqrt(mu))^2`` and
        ``beta = ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))^2``; pass as
        ``momentum(**tuned_momentum(problem))``.

    Raises
    ------
    ValueError
        When the problem has no known spectrum or mu = 0.

    Examples
    --------
    >>> from optim import Quadratic
    >>> tuned_momentum(Quadratic([[1.0, 0.0], [0.0, 9.0]], [1.0, 1.0]))
    {'lr': 0.25, 'beta': 0.25}
    """
    mu, L = _strongly_convex(problem, "tuned_momentum")
    r = _root_kappa_ratio(mu, L)
    return {"lr": 4.0 / (math.sqrt(L) + math.sqrt(mu)) ** 2, "beta": r * r}


def tuned_nesterov(problem) -> dict:
    """Nesterov's parameters for an L-smooth, mu-strongly convex problem.

    Returns
    -------
    dict
        ``lr = 1 / L`` and ``beta = (sqrt(kappa) - 1) / (sqrt(kappa) + 1)``
        (Nesterov 2004, sec. 2.2); pass as ``nesterov(**tuned_nesterov(problem))``.

    Raises
    ------
    ValueError
        When the problem has no known spectrum or mu = 0.

    Examples
    --------
    >>> from optim import Quadratic
    >>> tuned_nesterov(Quadratic([[1.0, 0.0], [0.0, 9.0]], [1.0, 1.0]))
    {'lr': 0.1111111111111111, 'beta': 0.5}
    """
    mu, L = _strongly_convex(problem, "tuned_nesterov")
    return {"lr": 1.0 / L, "beta": _root_kappa_ratio(mu, L)}
