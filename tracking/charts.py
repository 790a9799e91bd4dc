"""Metric charts: one look for ``python -m tracking plot`` and the browser view.

``metric_figure`` draws one or more metric histories (line against step, the
look of the project's plots: 6.4 x 4 inches, 1.5-point lines, dots up to 50
points, a light grid). A point that is not a number cannot sit on the y axis,
so +inf is marked on the top edge (``^``), -inf on the bottom edge (``v``) and
NaN in a lane just above the axes (``x``), at their steps, with their counts in
the legend: a diverging run shows where it blew up.

Long histories are thinned for drawing only (``thin``): the steps are cut into
``BUCKETS`` equal spans, and each span keeps its first, last, smallest and
largest finite point, so the drawn line has the envelope of the full one at any
screen resolution; each kind of non-finite point keeps one mark per span. A
100,000-point history draws as at most about 4,000 points.

matplotlib is imported inside the functions, so ``import tracking`` stays light,
and figures are ``matplotlib.figure.Figure`` objects without pyplot: no global
state, so the web server's threads may draw at once.
"""

from __future__ import annotations

import io

import numpy as np

__all__ = ["BUCKETS", "MARKERS_UP_TO", "metric_figure", "svg", "thin"]

BUCKETS = 1000
MARKERS_UP_TO = 50  # histories this short get a dot per point
FIGSIZE = (6.4, 4.0)
# kind -> (marker, y in axes coordinates, legend text): +inf on the top edge, -inf on the
# bottom one, NaN in a lane of its own just above the axes
_EDGE_MARKS = {"nan": ("x", 1.045, "NaN"), "posinf": ("^", 1.0, "+inf"), "neginf": ("v", 0.0, "-inf")}


def _spans(x: np.ndarray, buckets: int) -> np.ndarray:
    """Span number (0..buckets-1) of each of the sorted positions ``x``."""
    lo, hi = float(x[0]), float(x[-1])
    if hi == lo:
        return np.zeros(x.size, dtype=np.int64)
    return np.minimum(((x.astype(np.float64) - lo) * (buckets / (hi - lo))).astype(np.int64), buckets - 1)


def thin(steps, values, buckets: int = BUCKETS):
    """The points of a history worth drawing.

    Parameters
    ----------
    steps, values : array_like
        One metric's history in logging order (int steps, float values).
    buckets : int
        Number of equal step spans a long history is cut into.

    Returns
    -------
    x, y : ndarray
        The finite points to draw, sorted by step (ties keep logging order):
        all of them when there are at most ``4 * buckets``, else the first,
        last, smallest and largest of each span.
    marks : dict
        ``"nan"``, ``"posinf"``, ``"neginf"`` -> ``(steps to mark, count)``:
        every such step when there are at most ``buckets``, else one per span;
        ``count`` is the number of such points in the whole history.

    Notes
    -----
    Time O(n log n) (a stable sort by step, and one by value within spans),
    memory O(n).

    Examples
    --------
    >>> x, y, marks = thin([0, 1, 2, 3], [1.0, float("nan"), 3.0, float("inf")])
    >>> x.tolist(), y.tolist(), marks["nan"][0].tolist(), marks["posinf"][1]
    ([0, 2], [1.0, 3.0], [1], 1)
    """
    steps = np.asarray(steps)
    values = np.asarray(values, dtype=np.float64)
    if steps.size > 1 and np.any(steps[1:] < steps[:-1]):
        order = np.argsort(steps, kind="stable")
        steps, values = steps[order], values[order]
    finite = np.isfinite(values)
    x, y = steps[finite], values[finite]
    if x.size > 4 * buckets:
        span = _spans(x, buckets)
        starts = np.flatnonzero(np.diff(span)) + 1
        ends = np.append(starts, x.size) - 1
        starts = np.insert(starts, 0, 0)
        by_value = np.lexsort((y, span))  # within each span (contiguous), smallest value first
        keep = np.unique(np.concatenate([starts, ends, by_value[starts], by_value[ends]]))
        x, y = x[keep], y[keep]
    marks = {}
    for kind, mask in (("nan", np.isnan(values)), ("posinf", values == np.inf), ("neginf", values == -np.inf)):
        at = steps[mask]
        count = int(at.size)
        if count > buckets:
            _, first = np.unique(_spans(at, buckets), return_index=True)
            at = at[first]
        marks[kind] = (at, count)
    return x, y, marks


def _plain(text: str) -> str:
    """``text`` as matplotlib shows it verbatim (a ``$`` would start mathtext)."""
    return str(text).replace("$", r"\$")


def metric_figure(series, *, title: str, ylabel: str, logy: bool = False):
    """A figure of metric histories, one line per series.

    Parameters
    ----------
    series : list of (label, steps, values)
        One entry per run; ``label`` names it in the legend when there are
        several (None: no legend entry).
    title, ylabel : str
        Shown as they are (no mathtext).
    logy : bool
        Logarithmic y axis (when some finite value is positive).

    Returns
    -------
    matplotlib.figure.Figure
        Each line has the gid ``series-<i>``; the edge marks ``nan-<i>``,
        ``posinf-<i>`` and ``neginf-<i>`` (ids in an SVG).
    """
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    fig = Figure(figsize=FIGSIZE)
    ax = fig.add_subplot()
    edge = ax.get_xaxis_transform()  # x in steps, y in axes fractions (0 bottom, 1 top)
    positive = False
    legend = len(series) > 1
    pending = []  # edge marks, drawn after every line so that the legend lists the lines first
    for i, (label, steps, values) in enumerate(series):
        x, y, marks = thin(steps, values)
        positive = positive or bool(np.any(y > 0))
        short = len(steps) <= MARKERS_UP_TO
        name = None if label is None else _plain(label if len(label) <= 40 else label[:39] + "…")
        line = ax.plot(x, y, lw=1.5, marker="o" if short else None, label=name, gid=f"series-{i}")[0]
        pending += [(i, kind, at, count, line.get_color()) for kind, (at, count) in marks.items() if count]
    for i, kind, at, count, color in pending:
        marker, ypos, text = _EDGE_MARKS[kind]
        ax.plot(at, np.full(at.size, ypos), ls="", marker=marker, ms=6, color=color, transform=edge,
                clip_on=False, gid=f"{kind}-{i}", label=f"{text} ({count:,} point{'s' if count > 1 else ''})")
        legend = True
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # steps are integers
    ax.set_xlabel("step")
    ax.set_ylabel(_plain(ylabel))
    ax.set_title(_plain(title), pad=16)  # room for the NaN lane above the axes
    if logy and positive:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    if legend:
        ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def svg(fig) -> bytes:
    """``fig`` as SVG: text kept as text (smaller, searchable), no date, stable ids."""
    import matplotlib

    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "optsandbox"}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()
