"""Figures for tours and simulations (matplotlib; Figures returned, never shown).

The caller chooses the backend (scripts and the CLI use Agg) and saves or shows
the Figure. Importing this module imports matplotlib, so the rest of ``tsp``
imports it only when a plot is asked for.
"""

from __future__ import annotations

import numpy as np

__all__ = ["MARKERS_MAX_N", "plot_route", "plot_lengths"]

#: Routes of more cities are drawn without city markers (the start keeps its own) and
#: with a thinner line: markers of a few thousand cities hide the route.
MARKERS_MAX_N = 300


def _axes(ax, figsize):
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=figsize)
        return fig, ax
    return ax.figure, ax


def plot_route(instance, tour, ax=None, labels=None):
    """Draw ``tour`` on the instance's coordinates.

    Parameters
    ----------
    instance : Instance
        Must have ``coords``.
    tour : Tour
        The walk to draw; its start is marked, a closed tour drawn back to it.
        Above ``MARKERS_MAX_N`` cities, no city markers and a thinner line.
    ax : matplotlib Axes, optional
        Draw into these axes (default: a new figure).
    labels : bool, optional
        Write city names beside the points (default: when n <= 30).

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    TypeError
        If ``instance`` is not an Instance or ``tour`` not a Tour.
    ValueError
        If the instance has no coordinates, or the tour visits a city it lacks.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from tsp import Instance, nearest_neighbor
    >>> inst = Instance.random_uniform(8, seed=0)
    >>> fig = plot_route(inst, nearest_neighbor(inst, 0))
    >>> len(fig.axes)
    1
    """
    from ._validation import check_type
    from .instance import check_instance
    from .tour import Tour

    instance = check_instance(instance)
    check_type("tour", tour, Tour, "tsp.Tour")
    if tour.order.size and int(tour.order.max()) >= instance.n:
        raise ValueError(f"tour visits city {int(tour.order.max())}, but instance {instance.name!r} "
                         f"has {instance.n} cities: a tour of another instance?")
    if instance.coords is None:
        raise ValueError(f"instance {instance.name!r} has no coordinates to draw a route on")
    fig, ax = _axes(ax, (6, 6))
    xy = instance.coords
    order = np.asarray(tour.order)
    path = xy[np.append(order, order[0])] if tour.closed and tour.complete else xy[order]
    few = instance.n <= MARKERS_MAX_N
    if few:
        ax.scatter(xy[:, 0], xy[:, 1], s=12, color="0.4", zorder=2)
    # thinner as the cities get more (a million: 0.2 pt); rasterized, so that a PDF or
    # SVG of a large route stays small
    lw = 1.2 if few else max(0.2, 1.2 * (MARKERS_MAX_N / instance.n) ** 0.5)
    ax.plot(path[:, 0], path[:, 1], "-", color="tab:blue", lw=lw, zorder=1, rasterized=not few)
    ax.scatter(*xy[order[0]], s=60, color="tab:red", zorder=3, label=f"start {tour.names[0]}")
    if labels if labels is not None else instance.n <= 30:
        for name, (x, y) in zip(instance.names, xy):
            ax.annotate(name, (x, y), fontsize=7, xytext=(3, 3), textcoords="offset points")
    kind = "closed tour" if tour.closed else "open path"
    status = "" if tour.complete else ", incomplete"
    ax.set_title(f"{instance.name}: {kind} of length {tour.length:.6g}{status}")
    ax.set_aspect("equal", adjustable="datalim")
    ax.legend(loc="best", fontsize=8)
    return fig


def plot_lengths(lengths, ax=None, optimum=None, bins=None, optimum_source=None):
    """Histogram of simulation lengths (a ``Simulation`` or an array of lengths).

    Walks stranded by missing edges (``inf``) are left out and counted in the
    title. ``optimum``, when given, is drawn as a dashed vertical line beside
    the solid line of the best length, whose label then says how far above it
    the best is; when the two are equal they are one line, labelled so.

    Parameters
    ----------
    lengths : Simulation or array_like of float
    ax : matplotlib Axes, optional
    optimum : float, optional
    bins : int or sequence, optional
        Default: integer lengths (TSPLIB distances, the classroom table) get one
        bin per integer, or bins of a whole number of integers when their range
        is wider than ``MAX_BINS``, edges at half-integers so no length sits on
        an edge; other lengths get ``MAX_BINS`` bins at most.
    optimum_source : str, optional
        Where the optimum comes from ("Held-Karp", "TSPLIB95"), for its label.

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> fig = plot_lengths([3.0, 4.0, 4.0, 5.0], optimum=3.0)
    >>> fig.axes[0].get_xlabel()
    'length'
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['best 3 = optimum']
    >>> fig = plot_lengths([8181.0, 9000.0], optimum=7542, optimum_source="TSPLIB95")
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['best 8181 (8.47 % above the optimum)', 'optimum 7542 (TSPLIB95)']
    """
    values = np.asarray(getattr(lengths, "lengths", lengths), dtype=np.float64)
    ok = values[np.isfinite(values)]
    fig, ax = _axes(ax, (6, 4))
    if ok.size:
        best = ok.min()
        counts, _, _ = ax.hist(ok, bins=_length_bins(ok) if bins is None else bins, color="tab:blue", alpha=0.8)
        ax.set_ylim(0, 1.3 * counts.max())  # room above the bars for the legend
        same = optimum is not None and best == optimum
        gap = (f" ({100 * (best / optimum - 1):.2f} % above the optimum)"
               if optimum is not None and 0 < optimum < best else "")
        ax.axvline(best, color="tab:green", lw=2,
                   label=f"best {best:.6g}" + (" = optimum" if same else gap))
    if optimum is not None and not (ok.size and same):
        source = f" ({optimum_source})" if optimum_source else ""
        ax.axvline(optimum, color="tab:red", ls="--", lw=1.5, label=f"optimum {optimum:.6g}{source}")
    stuck = values.size - ok.size
    ax.set_title(f"{values.size} simulations" + (f" ({stuck} stuck on missing edges)" if stuck else ""))
    ax.set_xlabel("length")
    ax.set_ylabel("simulations")
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    if ok.size or optimum is not None:
        ax.legend(loc="best", fontsize=8)
    return fig


#: ``plot_lengths`` draws at most about this many bins.
MAX_BINS = 60


def _length_bins(ok):
    """Bin edges for the finite lengths ``ok`` (see ``plot_lengths``)."""
    if np.all(ok == np.round(ok)):
        lo, hi = float(ok.min()), float(ok.max())
        width = max(1, int(np.ceil((hi - lo + 1) / MAX_BINS)))
        return lo - 0.5 + width * np.arange(int((hi - lo) // width) + 2)
    return min(MAX_BINS, max(1, np.unique(ok).size))
