"""The optimization loop: run an optimizer on a problem and keep the whole path.

``descend`` is the package's one run loop (update, step, evaluate); ``minimize``,
``lr_sweep`` and ``lr_range_test`` each drive it with their own stopping rule and
record what they need.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._validation import (
    allocate,
    check_int,
    check_optimizer,
    check_problem,
    check_tol,
    check_x0,
    keywords_after_positional,
    readonly,
)

__all__ = ["DIVERGENCE_FACTOR", "Trace", "descend", "diverged", "divergence_threshold", "minimize"]

#: A run has diverged when its loss rises this many times the start's scale above the start.
DIVERGENCE_FACTOR = 1e6


def divergence_threshold(f0: float) -> float:
    """The loss above which a run that started at loss ``f0`` has diverged.

    ``f0 + DIVERGENCE_FACTOR * max(|f0|, 1)``.
    """
    return f0 + DIVERGENCE_FACTOR * max(abs(f0), 1.0)


def diverged(loss, f0: float, x_finite=True):
    """The divergence rule shared by ``minimize`` and ``lr_sweep``.

    True where the loss is not finite, ``x_finite`` is False, or
    ``loss > divergence_threshold(f0)``. Works elementwise on arrays.
    """
    threshold = divergence_threshold(f0)
    loss = np.asarray(loss)
    return ~np.isfinite(loss) | ~np.asarray(x_finite) | (loss > threshold)


def descend(evaluate, optimizer, x, g, steps, lr=None):
    """The run loop: up to ``steps`` updates of ``optimizer`` from ``x``, one per iteration.

    Parameters
    ----------
    evaluate : callable
        ``x -> (f(x), grad f(x))``.
    optimizer : optimizer
        Anything with ``init`` and ``update`` (see ``optim.optimizers``).
    x : numpy.ndarray, shape (d,) or (d, n)
        The start. A (d, n) block is n runs side by side, one per column: the
        optimizers' updates are elementwise, so they broadcast over it.
    g : numpy.ndarray, same shape as ``x``
        grad f at the start (every caller has computed it already).
    steps : int
        Updates at most.
    lr : numpy.ndarray, shape (n,), optional
        A rate per column of a block: then ``optimizer`` has lr = 1 and column
        j moves by ``lr[j]`` times its step (see ``lr_sweep``).

    Yields
    ------
    k, x_k, f(x_k), grad f(x_k)
        After update k = 1, 2, ..., ``steps``. The caller stops the run by
        leaving the loop. With a block it may ``send`` a boolean mask of the
        columns to keep; the columns left out stop before the next update.

    Notes
    -----
    Update k: ``step, state = optimizer.update(g_{k-1}, state)``, then
    ``x_k = x_{k-1} + step`` (``+ lr * step`` for a block). Floating-point
    warnings are the caller's to silence.

    Examples
    --------
    >>> from optim import Quadratic, gd
    >>> q = Quadratic([[1.0]], [1.0])                  # f(x) = x^2 / 2 - x, x* = 1
    >>> x0 = np.zeros(1)
    >>> run = descend(lambda x: (q.value(x), q.grad(x)), gd(0.5), x0, q.grad(x0), steps=3)
    >>> [(k, x.tolist()) for k, x, f, g in run]
    [(1, [0.5]), (2, [0.75]), (3, [0.875])]
    """
    state = optimizer.init(x)
    for k in range(1, steps + 1):
        step, state = optimizer.update(g, state)
        x = x + step if lr is None else x + lr * step
        f, g = evaluate(x)
        keep = yield k, x, f, g
        if keep is not None:
            x, g, lr = x[:, keep], g[:, keep], lr[keep]
            state = type(state)(*(s[:, keep] if isinstance(s, np.ndarray) else s for s in state))


def point_evaluator(problem):
    """``x -> (f(x) as a float, grad f(x) as a float64 array)`` for one point of ``problem``."""

    def evaluate(x):
        return float(problem.value(x)), np.asarray(problem.grad(x), dtype=np.float64)

    return evaluate


@dataclass(frozen=True, eq=False)
class Trace:
    """The record of one run of ``minimize``.

    Attributes
    ----------
    path : numpy.ndarray, shape (steps_run + 1, d)
        x_0, x_1, ..., the last iterate.
    loss : numpy.ndarray, shape (steps_run + 1,)
        f(x_k).
    grad_norm : numpy.ndarray, shape (steps_run + 1,)
        ||grad f(x_k)||_2.
    converged_at : int or None
        First k with ``grad_norm[k] <= tol``; the run stopped there. None when
        no tol was given or it was not reached.
    diverged : bool
        The run stopped because the loss or x became non-finite or the loss
        rose far above its start (see ``diverged``).
    steps_run : int
        Updates made (the path has one more row).
    """

    path: np.ndarray
    loss: np.ndarray
    grad_norm: np.ndarray
    converged_at: int | None
    diverged: bool
    steps_run: int

    @property
    def x(self) -> np.ndarray:
        """The last iterate."""
        return self.path[-1]

    @property
    def final_loss(self) -> float:
        return float(self.loss[-1])

    def __repr__(self):
        status = (
            f"converged_at={self.converged_at}" if self.converged_at is not None
            else "diverged" if self.diverged else "not converged"
        )
        return f"Trace(steps_run={self.steps_run}, final_loss={self.final_loss:.6g}, {status})"


@keywords_after_positional
def minimize(problem, optimizer, *, x0=None, steps=1000, tol=None) -> Trace:
    """Run ``optimizer`` on ``problem`` from ``x0`` for at most ``steps`` updates.

    Parameters
    ----------
    problem : Problem
        Anything with ``value``, ``grad`` and ``dim`` (see ``optim.problems``).
    optimizer : optimizer
        Anything with ``init`` and ``update`` (see ``optim.optimizers``).
    x0 : array_like, shape (d,), optional
        Start point; default ``problem.start``. Keyword-only, as are ``steps``
        and ``tol`` (the same three, with the same defaults, as in
        ``compare_lrs`` and ``lr_sweep``).
    steps : int, default 1000
        Maximum number of updates, >= 1.
    tol : float or None, default None
        Stop as soon as ||grad f(x_k)|| <= tol (checked at x_0 too). None: no
        convergence test; the run makes every step unless it diverges.

    Returns
    -------
    Trace

    Raises
    ------
    TypeError, ValueError
        For a problem or optimizer of the wrong kind, x0 of the wrong shape or
        not finite, ``steps`` < 1, or ``tol`` <= 0, or x0, steps or tol passed
        by position; ValueError when f(x0) is not finite, or when the trace of
        ``steps`` points would not fit in memory (the message says how much it needs).

    Notes
    -----
    Each step (``descend``): ``step, state = optimizer.update(grad f(x_k), state)``,
    ``x_{k+1} = x_k + step``. The run stops early on convergence (above) or
    divergence: x or f(x) not finite, or f(x_k) - f(x_0) > 1e6 * max(|f(x_0)|, 1).
    Overflow inside a diverging run is expected, so numpy's floating-point
    warnings are silenced for the loop and never reach the caller.
    Time O(steps * cost of value + grad), memory O(steps * d).

    Examples
    --------
    >>> from optim import Quadratic, gd
    >>> q = Quadratic([[1.0, 0.0], [0.0, 10.0]], [1.0, 10.0])
    >>> minimize(q, gd(0.1), x0=[0.0, 0.0], steps=500, tol=1e-8)
    Trace(steps_run=175, final_loss=-5.5, converged_at=175)
    >>> minimize(q, gd(0.21), x0=[0.0, 0.0], steps=500).diverged   # 0.21 > 2/L = 0.2
    True
    """
    check_problem(problem)
    check_optimizer(optimizer)
    x = check_x0(problem, x0)
    steps = check_int("steps", steps, 1)
    tol = check_tol(tol)

    d = x.shape[0]
    path, loss, gnorm = allocate([(steps + 1, d), (steps + 1,), (steps + 1,)], "steps", steps,
                                 f"the trace of {steps + 1} points in {d} dimensions "
                                 "(path, loss and gradient norm, 8 (steps + 1)(d + 2) bytes)")
    converged_at = None
    is_diverged = False

    evaluate = point_evaluator(problem)
    with np.errstate(all="ignore"):
        f0, g = evaluate(x)
        if not (math.isfinite(f0) and np.all(np.isfinite(g))):
            raise ValueError(f"f(x0) and grad f(x0) must be finite for {problem!r}, got f(x0) = {f0}")
        path[0], loss[0], gnorm[0] = x, f0, math.sqrt(g @ g)
        # the rule of ``diverged``, inlined on scalars: this loop is the hot path
        threshold = divergence_threshold(f0)
        tol_ = -1.0 if tol is None else tol
        k = 0
        if gnorm[0] <= tol_:
            converged_at = 0
        else:
            for k, x, f, g in descend(evaluate, optimizer, x, g, steps):
                gn = math.sqrt(g @ g)
                path[k], loss[k], gnorm[k] = x, f, gn
                if not (f <= threshold and math.isfinite(f) and math.isfinite(gn) and np.isfinite(x).all()):
                    is_diverged = True  # f > threshold, or f, grad or x not finite
                    break
                if gn <= tol_:
                    converged_at = k
                    break

    n = k + 1
    return Trace(
        path=readonly(path[:n]),
        loss=readonly(loss[:n]),
        grad_norm=readonly(gnorm[:n]),
        converged_at=converged_at,
        diverged=is_diverged,
        steps_run=k,
    )


