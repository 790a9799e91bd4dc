"""tracking/charts.py: the metric charts of ``python -m tracking plot`` and the browser view.

``thin`` against its written-out twin (``tests.reference.chart_points``) and
its invariants; ``metric_figure``'s lines, edge marks and labels; ``svg``.
"""

import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests.profiles import slow
from tests.reference import chart_points
from tracking.charts import BUCKETS, metric_figure, svg, thin

_VALUES = st.one_of(st.floats(-1e6, 1e6), st.sampled_from([math.nan, math.inf, -math.inf, 0.0, -0.0, 1.0]))


@st.composite
def histories(draw):
    """(steps, values, buckets): short histories against few buckets, so thinning happens."""
    buckets = draw(st.integers(1, 6))
    n = draw(st.integers(0, 60))
    steps = draw(st.lists(st.integers(-50, 50) | st.integers(-2**62, 2**62), min_size=n, max_size=n))
    values = draw(st.lists(_VALUES, min_size=n, max_size=n))
    return steps, values, buckets


@slow
@given(histories())
@example(([0, 1, 2, 3, 4, 5, 6, 7, 8], [1.0, 5.0, 5.0, -1.0, -1.0, 2.0, math.nan, 3.0, 0.0], 2))
@example(([3] * 12, [math.nan] * 6 + [math.inf] * 6, 1))
def test_thin_matches_its_written_out_twin(case):
    steps, values, buckets = case
    x, y, marks = thin(np.array(steps, dtype=np.int64), np.array(values, dtype=np.float64), buckets)
    want, want_marks = chart_points(steps, values, buckets)
    assert list(zip(x.tolist(), y.tolist())) == want
    assert {k: (at.tolist(), n) for k, (at, n) in marks.items()} == want_marks


@slow
@given(histories())
def test_thin_keeps_the_envelope_and_counts_every_odd_point(case):
    steps, values, buckets = case
    x, y, marks = thin(steps, values, buckets)
    finite = [(s, v) for s, v in zip(steps, values) if math.isfinite(v)]
    assert len(x) == len(finite) if len(finite) <= 4 * buckets else len(x) <= 4 * buckets
    assert list(x) == sorted(x)
    if finite:  # the first, last, smallest and largest finite points are always drawn
        assert min(v for _, v in finite) == y.min() and max(v for _, v in finite) == y.max()
        assert x[0] == min(s for s, _ in finite) and x[-1] == max(s for s, _ in finite)
    assert marks["nan"][1] == sum(math.isnan(v) for v in values)
    assert marks["posinf"][1] == values.count(math.inf) and marks["neginf"][1] == values.count(-math.inf)
    for at, count in marks.values():
        assert len(at) == count if count <= buckets else 1 <= len(at) <= buckets


def test_a_long_history_draws_at_most_four_points_a_span():
    rng = np.random.default_rng(5)
    values = rng.standard_normal(100_000)
    x, y, _ = thin(np.arange(values.size), values)
    assert 2 * BUCKETS <= len(x) <= 4 * BUCKETS
    assert y.min() == values.min() and y.max() == values.max()


def _ids(fig) -> dict:
    root = ET.fromstring(svg(fig))
    return {g.get("id"): g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("id")}


def test_metric_figure_lines_marks_and_legend():
    nan, inf = math.nan, math.inf
    fig = metric_figure([("a", [0, 1, 2, 3], [1.0, nan, inf, -inf]), ("b", [0, 1], [2.0, 3.0])],
                        title="loss of $5 runs", ylabel="loss", logy=True)
    ids = _ids(fig)
    assert {"series-0", "series-1", "nan-0", "posinf-0", "neginf-0"} <= set(ids)
    assert "nan-1" not in ids
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and ax.get_title() == r"loss of \$5 runs"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["a", "b", "NaN (1 point)", "+inf (1 point)", "-inf (1 point)"]  # lines first
    text = svg(fig).decode()
    assert "loss of $5 runs" in text  # shown verbatim, not as mathtext


def test_metric_figure_of_one_run_has_no_legend_and_linear_axis_by_default():
    fig = metric_figure([(None, [0, 1, 2], [3.0, 2.0, 1.0])], title="t", ylabel="y")
    ax = fig.axes[0]
    assert ax.get_legend() is None and ax.get_yscale() == "linear"
    assert ax.get_xlabel() == "step" and ax.get_ylabel() == "y"
    assert all(tick == int(tick) for tick in ax.get_xticks())  # steps are integers: so are the ticks


def test_log_axis_only_with_positive_values_and_all_nonfinite_history_draws():
    fig = metric_figure([(None, [0, 1], [-1.0, 0.0])], title="t", ylabel="y", logy=True)
    assert fig.axes[0].get_yscale() == "linear"  # nothing positive to put on a log axis
    fig = metric_figure([(None, [0, 1, 2], [math.nan] * 3)], title="t", ylabel="y")
    assert "nan-0" in _ids(fig)


def test_svg_is_deterministic_text():
    def draw():
        return svg(metric_figure([(None, [0, 1], [1.0, 2.0])], title="same", ylabel="y"))

    first = draw()
    assert first == draw() and b"<dc:date>" not in first and b">same<" in first


@pytest.mark.parametrize("steps", [[0, 0, 0], [5], []])
def test_degenerate_histories(steps):
    x, y, marks = thin(steps, [1.0] * len(steps))
    assert x.tolist() == steps and all(count == 0 for _, count in marks.values())
