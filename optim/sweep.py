"""Learning-rate sweeps: the same run for many learning rates, one row each.

``lr_sweep`` gives every learning rate its own run with the same stopping
rules as ``minimize`` (tol on the gradient norm, the shared divergence rule).
For gd, momentum and nesterov on a problem with a constant Hessian (one whose
``quadratic_form()`` is not None: ``Quadratic``, ``LeastSquares``) the runs go
side by side: the iterates of all rates are the columns of one d x n matrix,
so a step is one small matrix product for every rate at once; a column leaves
the matrix when its run stops. Anything else loops over ``minimize``.

Side by side, the update rule is the optimizer's own (``optim.optimizers``),
applied to the whole matrix: for these three the step at a constant rate eta
is eta times a direction that does not depend on eta (gd: -g; momentum: -v;
nesterov: -(g + beta v), with v = beta v + g), so one optimizer built with
lr = 1 gives every column's direction and column j moves by eta_j times it.
"""

from __future__ import annotations

import numpy as np

from ._validation import check_int, check_lrs, check_problem, check_tol, check_x0, keywords_after_positional
from .minimize import descend, diverged, minimize
from .optimizers import OPTIMIZERS, resolve_optimizer
from .problems import Problem

__all__ = ["compare_lrs", "lr_sweep"]

#: registry optimizers whose step is lr x (a direction independent of lr): they run side by side
_VECTORIZED = ("gd", "momentum", "nesterov")
_METHODS = ("auto", "vectorized", "loop")


@keywords_after_positional
def compare_lrs(problem, lrs, optimizer="gd", *, x0=None, steps=1000, tol=None, **hyper) -> dict:
    """One ``minimize`` run per learning rate: ``{lr: Trace}``, for plotting.

    Parameters
    ----------
    problem : Problem
    lrs : array_like of float
        Distinct learning rates, each > 0.
    optimizer : str or callable, default "gd"
        A name in ``OPTIMIZERS`` or a factory called as ``factory(lr, **hyper)``.
    x0, steps, tol
        Keyword-only, as in ``minimize`` (same defaults: the problem's start,
        1000, None).
    **hyper
        Other optimizer arguments, e.g. ``beta=0.9``.

    Returns
    -------
    dict of float -> Trace
        In the order of ``lrs``.

    Raises
    ------
    TypeError, ValueError
        As ``minimize``, and for repeated rates.

    Examples
    --------
    >>> from optim import Quadratic
    >>> q = Quadratic([[1.0, 0.0], [0.0, 10.0]], [1.0, 1.0])
    >>> {lr: t.diverged for lr, t in compare_lrs(q, [0.05, 0.25], steps=300).items()}
    {0.05: False, 0.25: True}
    """
    lrs = check_lrs(lrs)
    values, counts = np.unique(lrs, return_counts=True)
    if np.any(counts > 1):
        dup = values[counts > 1][0]
        raise ValueError(
            f"lrs must be distinct for compare_lrs (one Trace per rate), got {float(dup)!r} "
            f"{'twice' if counts[counts > 1][0] == 2 else f'{counts[counts > 1][0]} times'}"
        )
    _, factory = resolve_optimizer(optimizer)
    return {float(lr): minimize(problem, factory(float(lr), **hyper), x0=x0, steps=steps, tol=tol) for lr in lrs}


@keywords_after_positional
def lr_sweep(problem, lrs, optimizer="gd", *, x0=None, steps=1000, tol=None, method="auto", **hyper):
    """Run one optimization per learning rate and tabulate the outcomes.

    Parameters
    ----------
    problem : Problem
    lrs : array_like of float
        Learning rates, each > 0 (constant per run).
    optimizer : str or callable, default "gd"
        A name in ``OPTIMIZERS`` or a factory called as ``factory(lr, **hyper)``.
    x0 : array_like, optional
        Common start; default ``problem.start``. Keyword-only, as are the
        arguments after it (``x0``, ``steps``, ``tol`` as in ``minimize``).
    steps : int, default 1000
        Maximum updates per run, >= 1.
    tol : float or None, default None
        A run converges at the first k with ||grad f(x_k)|| <= tol. None: no
        convergence test, every run makes all ``steps`` unless it diverges
        (``converged_at`` is then <NA>).
    method : {"auto", "vectorized", "loop"}
        "auto" vectorizes where possible (gd, momentum, nesterov on a problem
        with a ``quadratic_form()``: Quadratic, LeastSquares); "vectorized"
        insists (ValueError otherwise); "loop" calls ``minimize`` per rate.
    **hyper
        Other optimizer arguments, e.g. ``beta=0.9``.

    Returns
    -------
    pandas.DataFrame
        One row per rate, in the given order: ``lr``, ``final_loss``,
        ``final_grad_norm``, ``converged_at`` (nullable Int64), ``diverged``,
        ``steps_run``, ``optimizer``, ``method``. ``df.attrs`` records what
        the runs were given: ``tol`` (None: no run could converge) and ``steps``
        (the budget); ``plot_sweep(y="steps")`` reads them.

    Raises
    ------
    TypeError, ValueError
        For bad rates, steps, tol, x0, optimizer or method, or optimizer
        arguments its factory refuses (checked before any run).

    Notes
    -----
    Vectorized path, all n rates at once: G = H X - c, then the optimizer's
    update at lr = 1 gives the direction D (gd: D = -G; momentum:
    V <- beta V + G, D = -V; nesterov: the same V, D = -(G + beta V)) and
    X <- X + D diag(eta). The loss of the
    divergence test is the quadratic-form identity
    f(x) = f* + 1/2 (x - x*)^T H (x - x*), exact in exact arithmetic and O(d^2)
    per rate instead of O(m d) for least squares; ``final_loss`` is then
    recomputed from the definition (``problem.value``). Stopping rules are
    ``minimize``'s, so both methods flag the same runs. Time
    O(steps * n * d^2) vectorized, memory O(n d).

    Examples
    --------
    >>> from optim import Quadratic
    >>> q = Quadratic([[1.0, 0.0], [0.0, 10.0]], [1.0, 1.0])     # 2/L = 0.2
    >>> df = lr_sweep(q, [0.01, 0.1, 0.19, 0.21], steps=2000, tol=1e-6)
    >>> df[["lr", "converged_at", "diverged"]]
         lr  converged_at  diverged
    0  0.01          1375     False
    1  0.10           132     False
    2  0.19           132     False
    3  0.21          <NA>      True
    """
    import pandas as pd

    check_problem(problem)
    lrs = check_lrs(lrs)
    steps = check_int("steps", steps, 1)
    tol = check_tol(tol)
    x0 = check_x0(problem, x0)
    if method not in _METHODS:
        raise ValueError(f"method must be one of {_METHODS}, got {method!r}")
    name, factory = resolve_optimizer(optimizer)
    optimizers = [factory(float(lr), **hyper) for lr in lrs]  # validates every argument now

    form = problem.quadratic_form() if isinstance(problem, Problem) else None
    can_vectorize = name in _VECTORIZED and factory is OPTIMIZERS[name] and form is not None
    if method == "vectorized" and not can_vectorize:
        raise ValueError(
            f"method='vectorized' needs optimizer in {_VECTORIZED} and a problem with a quadratic_form() "
            f"(Quadratic, LeastSquares), got optimizer {name!r} on {problem!r}"
        )
    if method != "loop" and can_vectorize:
        res = _sweep_quadratic(problem, form, x0, lrs, steps, tol, factory(1.0, **hyper))
        used = "vectorized"
    else:
        res = _sweep_loop(problem, x0, optimizers, steps, tol)
        used = "loop"
    final_loss, final_gnorm, conv, div, run = res
    df = pd.DataFrame(
        {
            "lr": lrs,
            "final_loss": final_loss,
            "final_grad_norm": final_gnorm,
            "converged_at": pd.array([None if c < 0 else int(c) for c in conv], dtype="Int64"),
            "diverged": div,
            "steps_run": run,
            "optimizer": name,
            "method": used,
        }
    )
    df.attrs.update(tol=tol, steps=steps)
    return df


def _sweep_loop(problem, x0, optimizers, steps, tol):
    traces = [minimize(problem, opt, x0=x0, steps=steps, tol=tol) for opt in optimizers]
    return (
        np.array([t.loss[-1] for t in traces]),
        np.array([t.grad_norm[-1] for t in traces]),
        np.array([-1 if t.converged_at is None else t.converged_at for t in traces]),
        np.array([t.diverged for t in traces]),
        np.array([t.steps_run for t in traces]),
    )


def _sweep_quadratic(problem, form, x0, lrs, steps, tol, direction):
    """All rates side by side on f(x) = f* + 1/2 (x - x*)^T H (x - x*), grad = H x - c.

    ``direction`` is the optimizer at lr = 1; column j of the iterate matrix moves by
    ``lrs[j]`` times its step (``descend`` with ``lr=lrs``).
    """
    H, c, x_star, f_star = form
    n = lrs.size
    c_col, xs_col = c[:, None], x_star[:, None]
    final_x = np.empty((x0.size, n))
    final_gnorm = np.empty(n)
    conv = np.full(n, -1)
    div = np.zeros(n, dtype=bool)
    run = np.full(n, steps)

    def evaluate(X):
        E = X - xs_col
        return f_star + 0.5 * (E * (H @ E)).sum(axis=0), H @ X - c_col  # quadratic form, not residuals

    with np.errstate(all="ignore"):
        f0 = float(problem.value(x0))
        X = np.repeat(x0[:, None], n, axis=1)
        G = H @ X - c_col
        gnorm = np.sqrt(np.sum(G * G, axis=0))
        idx = np.arange(n)  # which rate each remaining column belongs to
        if tol is not None and gnorm[0] <= tol:  # the start is already converged: every run stops at 0
            conv[:], run[:] = 0, 0
        else:
            runs = descend(evaluate, direction, X, G, steps, lr=lrs)
            keep = None  # the columns to keep, sent to the run when some stop
            while idx.size:
                try:
                    k, X, loss, G = runs.send(keep)
                except StopIteration:  # every remaining run made all its steps
                    break
                gnorm = np.sqrt((G * G).sum(axis=0))  # array methods: no numpy wrapper per step
                bad = diverged(loss, f0, np.isfinite(X).all(axis=0) & np.isfinite(gnorm))
                good = ~bad & (gnorm <= tol) if tol is not None else np.zeros_like(bad)
                stop = bad | good
                keep = None
                if stop.any():
                    j = idx[stop]
                    final_x[:, j], final_gnorm[j], run[j] = X[:, stop], gnorm[stop], k
                    div[j] = bad[stop]
                    conv[idx[good]] = k
                    keep = ~stop
                    idx, X, gnorm = idx[keep], X[:, keep], gnorm[keep]
        final_x[:, idx], final_gnorm[idx] = X, gnorm
        final_loss = np.asarray(problem.value(final_x), dtype=np.float64)  # from the definition
    return final_loss, final_gnorm, conv, div, run
