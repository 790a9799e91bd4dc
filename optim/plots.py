"""Figures for learning-rate lessons (matplotlib; Figures returned, never shown).

- ``plot_loss_curves``: loss against step for several runs, log scale;
- ``plot_contour``: a 2-D problem's level sets with the runs' paths on top
  (the TensorFlow Playground view);
- ``plot_sweep``: an ``lr_sweep`` table against the rate, 2/L marked;
- ``plot_range_test``: a ``lr_range_test`` curve with the suggested rate.

matplotlib is imported inside each function, so ``import optim`` stays light.
The caller picks the backend (scripts and tests use Agg), saves or shows, and
closes the Figure.
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import as_float_array, check_int

__all__ = ["plot_contour", "plot_loss_curves", "plot_range_test", "plot_sweep"]

#: ``plot_contour`` marks every step of a path with at most this many points.
MARKED_STEPS = 100

#: ``plot_sweep`` draws 2/L and 2/(mu+L) as one line when they are this close (relative):
#: on a log axis spanning a few decades, 1% is about a pixel.
SAME_LINE = 0.01


def _axes(ax, figsize):
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def _optimum_value(problem):
    """f at the global minimum when known, else None."""
    if problem is None:
        return None
    try:
        return float(problem.value(problem.minima()[0]))
    except (ValueError, NotImplementedError):
        return None


def _excess_floor(f_star):
    """Below eps * |f*| an excess f - f* is round-off (or exactly 0): draw it at this floor."""
    return np.finfo(float).eps * abs(f_star) if f_star != 0 else np.finfo(float).tiny


def _label(key):
    return f"lr={key:.3g}" if isinstance(key, (float, np.floating)) else str(key)


def plot_loss_curves(traces, problem=None, ax=None, title=None):
    """Loss against step, one line per run, log scale.

    Parameters
    ----------
    traces : mapping of label -> Trace
        E.g. ``compare_lrs(problem, lrs)``; float labels print as ``lr=...``.
    problem : Problem, optional
        When given and its minimum is known, plot the excess f(x_k) - f* (which
        is what falls geometrically), floored at eps * |f*| where it is only
        round-off; otherwise the raw loss, on a log scale only if every value
        is positive.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from optim import Quadratic, compare_lrs
    >>> q = Quadratic([[1.0, 0.0], [0.0, 10.0]], [1.0, 1.0])
    >>> fig = plot_loss_curves(compare_lrs(q, [0.02, 0.1, 0.21], steps=100), problem=q)
    >>> fig.axes[0].get_yscale(), len(fig.axes[0].lines)
    ('log', 3)
    """
    fig, ax = _axes(ax, (7, 4.5))
    f_star = _optimum_value(problem)
    ys = {}
    for key, tr in traces.items():
        y = np.asarray(tr.loss, dtype=float)
        if f_star is not None:
            y = np.maximum(y - f_star, _excess_floor(f_star))
        ys[key] = np.where(np.isfinite(y), y, np.nan)
    positive = all(np.all(y[np.isfinite(y)] > 0) for y in ys.values())
    for key, y in ys.items():
        tr = traces[key]
        line = ax.plot(np.arange(y.size), y, label=_label(key) + (" (diverged)" if tr.diverged else ""))[0]
        if tr.converged_at is not None:
            ax.plot([tr.converged_at], [y[tr.converged_at]], "o", color=line.get_color(), ms=4)
    if positive and ys:
        ax.set_yscale("log")
    ax.set_xlabel("step k")
    ax.set_ylabel("f(x_k) - f*" if f_star is not None else "f(x_k)")
    ax.set_title(title or "Loss against step")
    if ys:
        ax.legend(fontsize="small")
    ax.grid(True, which="major", alpha=0.3)
    return fig


def plot_contour(problem, traces=None, ax=None, bounds=None, levels=30, title=None):
    """Level sets of a 2-D problem with optimizer paths drawn on top.

    Parameters
    ----------
    problem : Problem
        Must have ``dim == 2``.
    traces : mapping of label -> Trace, optional
        Paths to draw, in this order, the first widest (3 points) and the last
        thinnest (1 point), so a path drawn over another leaves the one beneath
        visible at its edges; each start is a square, each end a dot, every
        step a small dot when a path has at most ``MARKED_STEPS`` points (more
        would merge into a thick line).
    ax : matplotlib Axes, optional
    bounds : (xmin, xmax, ymin, ymax), optional
        Default: a box around the paths and the known minima, 10% margin.
    levels : int, default 30
        Number of contour levels (spaced geometrically above the minimum), >= 2.
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError, ValueError
        If the problem is not 2-D, ``levels`` is not an integer >= 2, or
        ``bounds`` is not four finite numbers with xmin < xmax, ymin < ymax.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from optim import Himmelblau, compare_lrs
    >>> h = Himmelblau()
    >>> fig = plot_contour(h, compare_lrs(h, [0.005, 0.02], steps=200))
    >>> len(fig.axes[0].lines) >= 4     # two paths, their ends, the minima
    True
    """
    if getattr(problem, "dim", None) != 2:
        raise ValueError(f"plot_contour needs a 2-D problem, got {problem!r} with dim={getattr(problem, 'dim', None)}")
    levels = check_int("levels", levels, 2)
    if bounds is not None:
        b = as_float_array("bounds", bounds, ndim=1) if np.size(bounds) == 4 else None
        if b is None or not (b[0] < b[1] and b[2] < b[3]):
            raise ValueError(f"bounds must be (xmin, xmax, ymin, ymax) with xmin < xmax and ymin < ymax, got {bounds!r}")
    traces = dict(traces or {})
    fig, ax = _axes(ax, (6, 5.5))
    try:
        minima = np.asarray(problem.minima(), dtype=float).reshape(-1, 2)
    except (ValueError, NotImplementedError):
        minima = np.empty((0, 2))
    if bounds is None:
        pts = [minima, np.asarray(problem.start, dtype=float)[None, :]]
        for tr in traces.values():
            p = np.asarray(tr.path)
            pts.append(p[np.all(np.isfinite(p), axis=1)])
        pts = np.vstack(pts)
        lo, hi = pts.min(axis=0), pts.max(axis=0)
        span = np.maximum(hi - lo, 1e-3 * np.maximum(np.abs(hi), 1.0))
        lo, hi = lo - 0.1 * span - 0.5 * (span == 0), hi + 0.1 * span
        bounds = (lo[0], hi[0], lo[1], hi[1])
    xmin, xmax, ymin, ymax = (float(v) for v in bounds)
    gx, gy = np.meshgrid(np.linspace(xmin, xmax, 200), np.linspace(ymin, ymax, 200))
    with np.errstate(all="ignore"):
        z = np.asarray(problem.value(np.stack([gx, gy])), dtype=float)
    zmin = float(np.nanmin(z))
    excess = z - zmin
    top = float(np.nanmax(excess))
    if top > 0:
        lv = zmin + np.geomspace(max(top * 1e-6, 1e-12), top, levels)
        ax.contour(gx, gy, z, levels=np.unique(lv), cmap="viridis", linewidths=0.8)
    widths = np.linspace(3.0, 1.0, len(traces)) if len(traces) > 1 else [1.0]
    for (key, tr), lw in zip(traces.items(), widths):
        p = np.asarray(tr.path)
        p = p[np.all(np.isfinite(p), axis=1)]
        style = ".-" if len(p) <= MARKED_STEPS else "-"
        line = ax.plot(p[:, 0], p[:, 1], style, ms=3, lw=lw, label=_label(key))[0]
        ax.plot(p[0, 0], p[0, 1], "s", color=line.get_color(), ms=6, zorder=3)
        ax.plot(p[-1, 0], p[-1, 1], "o", color=line.get_color(), ms=6, mec="white", zorder=3)
    if minima.size:
        ax.plot(minima[:, 0], minima[:, 1], "k*", ms=12, label="minima", zorder=5)
    ax.set_xlim(xmin, xmax)
    ax.set_ylim(ymin, ymax)
    ax.set_xlabel("x[0]")
    ax.set_ylabel("x[1]")
    ax.set_title(title or f"{problem!r}")
    ax.legend(fontsize="small", loc="best")
    return fig


def plot_sweep(df, problem=None, y="final_loss", ax=None, title=None):
    """An ``lr_sweep`` table against the learning rate (log x), 2/L marked.

    Parameters
    ----------
    df : pandas.DataFrame
        From ``lr_sweep``.
    problem : Problem, optional
        When its L is known (and > 0), mark 2/L, and 2/(mu+L) when mu > 0; when its minimum is
        known and ``y="final_loss"``, plot the excess f - f*. When the two rates are closer
        than ``SAME_LINE`` (relative: 2/(mu+L) = 2/L * kappa / (kappa + 1), so when kappa
        > 99) they are one line, and its label says so.
    y : {"final_loss", "steps"}
        Final loss (log y), or steps to converge (``converged_at``; runs that
        did not converge are drawn at the step budget with an open marker).
        "steps" needs a sweep run with a tolerance: ``df.attrs["tol"]``, which
        ``lr_sweep`` records with its budget ``df.attrs["steps"]``. A sweep run
        with ``tol=None`` (``lr_sweep``'s default) is refused: none of its runs
        could converge, so every stable rate would be drawn as not converged.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ValueError
        For an unknown ``y``, or ``y="steps"`` on a sweep without a tolerance
        (``df.attrs["tol"]`` None or missing).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from optim import Quadratic, lr_sweep
    >>> q = Quadratic([[1.0, 0.0], [0.0, 10.0]], [1.0, 1.0])
    >>> df = lr_sweep(q, np.geomspace(0.01, 0.3, 20), steps=500, tol=1e-6)
    >>> fig = plot_sweep(df, problem=q, y="steps")
    >>> fig.axes[0].get_xscale()
    'log'
    """
    if y not in ("final_loss", "steps"):
        raise ValueError(f"y must be 'final_loss' or 'steps', got {y!r}")
    if y == "steps":
        tol = _sweep_tolerance(df)
    from .theory import optimal_lr, stable_lr_bound

    fig, ax = _axes(ax, (7, 4.5))
    lr = df["lr"].to_numpy(dtype=float)
    div = df["diverged"].to_numpy(dtype=bool)
    if y == "final_loss":
        f_star = _optimum_value(problem)
        v = df["final_loss"].to_numpy(dtype=float)
        if f_star is not None:
            v = np.maximum(v - f_star, _excess_floor(f_star))
        ok = ~div & np.isfinite(v)
        ax.plot(lr[ok], v[ok], "o-", ms=3, label="final loss" + (" - f*" if f_star is not None else ""))
        if ok.any() and np.all(v[ok] > 0):
            ax.set_yscale("log")
        top = np.nanmax(v[ok]) if ok.any() else 1.0
        ax.set_ylabel("f(x_final) - f*" if f_star is not None else "f(x_final)")
    else:
        conv = df["converged_at"].to_numpy(dtype=float, na_value=np.nan)
        budget = float(df.attrs.get("steps", df["steps_run"].max()))
        ok = ~np.isnan(conv)
        ax.plot(lr[ok], conv[ok], "o-", ms=3, label=f"steps to |grad| <= {tol:g}")
        slow = ~ok & ~div
        ax.plot(lr[slow], np.full(slow.sum(), budget), "o", mfc="none", ms=4,
                label=f"not converged in {budget:.0f} steps")
        if ok.any() or slow.any():
            ax.set_yscale("log")
        top = budget
        ax.set_ylabel("steps")
    if div.any():
        ax.plot(lr[div], np.full(div.sum(), top), "rx", ms=6, label="diverged")
    L, mu = getattr(problem, "L", None), getattr(problem, "mu", None)
    if L is not None and L > 0:
        bound = stable_lr_bound(problem)
        best = optimal_lr(problem) if mu is not None and mu > 0 else None  # none when mu = 0
        apart = None if best is None else 1.0 - best / bound  # = 1 / (kappa + 1)
        if apart is not None and apart < SAME_LINE:
            ax.axvline(bound, color="r", ls="--", lw=1,
                       label=f"2/L and 2/(mu+L), one line: {apart:.1e} apart (kappa {L / mu:.2g})")
        else:
            ax.axvline(bound, color="r", ls="--", lw=1, label="2/L")
            if best is not None:
                ax.axvline(best, color="g", ls=":", lw=1, label="2/(mu+L)")
    ax.set_xscale("log")
    ax.set_xlabel("learning rate")
    name = df["optimizer"].iloc[0] if "optimizer" in df and len(df) else ""
    ax.set_title(title or f"Learning-rate sweep ({name})")
    ax.legend(fontsize="small")
    ax.grid(True, which="major", alpha=0.3)
    return fig


def _sweep_tolerance(df) -> float:
    """The tolerance an ``lr_sweep`` table was run with, or a ValueError saying why steps can't be drawn."""
    if "tol" not in df.attrs:
        raise ValueError(
            "plot_sweep(y='steps') needs the tolerance the sweep ran with, in df.attrs['tol'] "
            "(lr_sweep records it); this DataFrame has none: set it, or plot y='final_loss'"
        )
    tol = df.attrs["tol"]
    if tol is None:
        raise ValueError(
            "plot_sweep(y='steps') needs a sweep run with a tolerance, e.g. lr_sweep(..., tol=1e-6): "
            "this one ran with tol=None, so no run could converge and every stable rate would be "
            "drawn as not converged; plot y='final_loss' instead"
        )
    return float(tol)


def plot_range_test(result, ax=None, title=None):
    """A range test's loss against learning rate (log x), suggested rate marked.

    Parameters
    ----------
    result : RangeTest
        From ``lr_range_test``.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from optim import LeastSquares, lr_range_test
    >>> rt = lr_range_test(LeastSquares.from_height_weight(), lr_min=1e-7, lr_max=1e-2)
    >>> fig = plot_range_test(rt)
    >>> len(fig.axes[0].lines)
    4
    """
    fig, ax = _axes(ax, (7, 4.5))
    ax.plot(result.lr, result.loss, ".", ms=3, alpha=0.5, label="loss")
    ax.plot(result.lr, result.smoothed, "-", label="smoothed")
    ax.axvline(result.suggested_lr, color="g", ls="--", lw=1, label=f"suggested {result.suggested_lr:.3g}")
    ax.axvline(result.lr_min_loss, color="k", ls=":", lw=1, label=f"min loss {result.lr_min_loss:.3g}")
    ax.set_xscale("log")
    finite = result.loss[np.isfinite(result.loss)]
    if finite.size and np.all(finite > 0) and finite.max() / max(finite.min(), math.ulp(0.0)) > 100:
        ax.set_yscale("log")
    ax.set_xlabel("learning rate")
    ax.set_ylabel("loss")
    ax.set_title(title or "Learning-rate range test")
    ax.legend(fontsize="small")
    ax.grid(True, which="major", alpha=0.3)
    return fig
