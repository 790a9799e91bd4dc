"""optim.plots: each figure is returned (never shown) and shows what it claims."""

import matplotlib

matplotlib.use("Agg")

import math  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from optim import (  # noqa: E402
    DoubleWell,
    Himmelblau,
    LeastSquares,
    Quadratic,
    Rosenbrock,
    adam,
    compare_lrs,
    gd,
    lr_range_test,
    lr_sweep,
    minimize,
    optimal_lr,
    stable_lr_bound,
)
from optim.plots import plot_contour, plot_loss_curves, plot_range_test, plot_sweep  # noqa: E402

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")

Q = Quadratic([[1.0, 0.0], [0.0, 10.0]], [1.0, 1.0])


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _vlines(ax):
    return sorted(float(line.get_xdata()[0]) for line in ax.lines if np.ptp(line.get_xdata()) == 0 and len(line.get_xdata()) == 2)


def test_loss_curves_plot_the_excess_on_a_log_scale():
    traces = compare_lrs(Q, [0.02, 0.1, 0.25], steps=60)
    fig = plot_loss_curves(traces, problem=Q)
    ax = fig.axes[0]
    assert isinstance(fig, matplotlib.figure.Figure)
    assert ax.get_yscale() == "log"
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["lr=0.02", "lr=0.1", "lr=0.25 (diverged)"]
    f_star = float(Q.value(Q.solution()))
    np.testing.assert_allclose(ax.lines[0].get_ydata(), traces[0.02].loss - f_star)


def test_loss_curves_raw_loss_without_a_problem_and_into_given_axes():
    fig0, axes = plt.subplots(1, 2)
    traces = compare_lrs(Q, [0.1], steps=10)
    fig = plot_loss_curves(traces, ax=axes[1], title="mine")
    assert fig is fig0
    assert axes[1].get_title() == "mine"
    assert axes[1].get_yscale() == "linear"  # the quadratic's losses are negative


def test_contour_draws_paths_and_minima():
    h = Himmelblau()
    traces = compare_lrs(h, [0.005, 0.01], steps=300)
    fig = plot_contour(h, traces, bounds=(-5, 5, -5, 5))
    ax = fig.axes[0]
    assert ax.get_xlim() == (-5.0, 5.0)
    np.testing.assert_allclose(ax.lines[0].get_xydata(), traces[0.005].path)
    stars = [line for line in ax.lines if line.get_marker() == "*"]
    assert len(stars) == 1 and len(stars[0].get_xdata()) == 4
    assert len(ax.collections) > 0  # the contour set


def test_contour_paths_sharing_a_valley_stay_visible():
    # Rosenbrock: gd and Adam follow the same valley floor. The first path is the widest,
    # the last the thinnest (the one beneath shows at the edges), and a long path has no
    # per-step markers (10,000 of them merge into a thick line that hides what is beneath).
    r = Rosenbrock()
    traces = {"gd": minimize(r, gd(1e-3), steps=2000), "adam": minimize(r, adam(0.02), steps=2000),
              "short": minimize(r, gd(1e-3), steps=50)}
    ax = plot_contour(r, traces).axes[0]
    paths = {line.get_label(): line for line in ax.lines if line.get_label() in traces}
    assert [paths[k].get_linewidth() for k in traces] == [3.0, 2.0, 1.0]
    assert paths["gd"].get_marker() in ("None", "", None) and paths["adam"].get_marker() in ("None", "", None)
    assert paths["short"].get_marker() == "."
    star = next(line for line in ax.lines if line.get_marker() == "*")
    assert star.get_zorder() > max(line.get_zorder() for line in ax.lines if line is not star)


def test_contour_default_bounds_contain_diverged_paths_finite_part():
    traces = compare_lrs(Rosenbrock(), [1e-3, 0.01], steps=200)
    fig = plot_contour(Rosenbrock(), traces)
    x0, x1 = fig.axes[0].get_xlim()
    assert x0 < -1.2 and x1 > 1.0


def test_contour_needs_two_dimensions():
    with pytest.raises(ValueError, match="2-D problem.*DoubleWell"):
        plot_contour(DoubleWell())


def test_sweep_marks_two_over_L():
    lrs = np.geomspace(0.01, 0.4, 25)
    df = lr_sweep(Q, lrs, steps=500, tol=1e-6)
    for y in ("final_loss", "steps"):
        fig = plot_sweep(df, problem=Q, y=y)
        ax = fig.axes[0]
        assert ax.get_xscale() == "log"
        np.testing.assert_allclose(_vlines(ax), sorted([optimal_lr(Q), stable_lr_bound(Q)]))
        crosses = [line for line in ax.lines if line.get_marker() == "x"]
        np.testing.assert_allclose(crosses[0].get_xdata(), lrs[df["diverged"].to_numpy()])
    with pytest.raises(ValueError, match="y must be"):
        plot_sweep(df, y="speed")


def test_sweep_says_when_two_over_L_and_the_best_rate_are_one_line():
    # kappa = 5.9e6: 2/(mu+L) = 2/L * kappa/(kappa+1) is 1.7e-7 below 2/L, the same pixel.
    raw = LeastSquares.from_height_weight()
    df = lr_sweep(raw, np.geomspace(1e-6, 5e-4, 10), steps=20, tol=1e-6)
    ax = plot_sweep(df, problem=raw).axes[0]
    np.testing.assert_allclose(_vlines(ax), [stable_lr_bound(raw)])
    apart = 1 - optimal_lr(raw) / stable_lr_bound(raw)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert f"2/L and 2/(mu+L), one line: {apart:.1e} apart (kappa 5.9e+06)" in labels
    assert "2/L" not in labels and "2/(mu+L)" not in labels
    # kappa = 99: 1% apart, still two lines; kappa = 101: one
    for kappa, lines in ((99.0, 2), (101.0, 1)):
        q = Quadratic([[1.0, 0.0], [0.0, kappa]], [1.0, 1.0])
        ax = plot_sweep(lr_sweep(q, [1e-3, 1e-2], steps=5), problem=q).axes[0]
        assert len(_vlines(ax)) == lines, kappa


def test_sweep_on_least_squares():
    ls = LeastSquares.from_height_weight(standardize=True)
    df = lr_sweep(ls, np.linspace(0.1, 2.5, 12), steps=200, tol=1e-6)
    fig = plot_sweep(df, problem=ls, y="steps")
    assert fig.axes[0].get_ylabel() == "steps"


def test_range_test_curve():
    rt = lr_range_test(Q, lr_min=1e-4, lr_max=10.0, steps=100)
    fig = plot_range_test(rt)
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.lines[0].get_xdata(), rt.lr)
    assert rt.suggested_lr in _vlines(ax)


def test_sweep_on_a_rank_deficient_problem_marks_only_two_over_L():
    # optimal_lr refuses mu = 0; the plot must still draw, with 2/L alone.
    ls = LeastSquares([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]], [1.0, 2.0, 3.0])
    df = lr_sweep(ls, np.geomspace(0.01, 0.5, 8), steps=50, tol=1e-6)
    ax = plot_sweep(df, problem=ls).axes[0]
    np.testing.assert_allclose(_vlines(ax), [stable_lr_bound(ls)])
    # L = 0 (a constant function): no rate to mark at all
    flat = LeastSquares([[0.0], [0.0]], [1.0, 2.0])
    assert _vlines(plot_sweep(lr_sweep(flat, [0.1, 1.0], steps=5, tol=1e-6), problem=flat).axes[0]) == []


@pytest.mark.parametrize(
    "kw, exc, msg",
    [
        (dict(levels=0), ValueError, "levels must be an integer >= 2, got 0"),
        (dict(levels=True), TypeError, "levels"),
        (dict(bounds=(1.0, 0.0, -1.0, 1.0)), ValueError, r"bounds must be .*xmin < xmax.*got \(1.0, 0.0, -1.0, 1.0\)"),
        (dict(bounds=(0.0, 1.0, 0.0, math.nan)), ValueError, "bounds must be"),
        (dict(bounds=(0.0, 1.0)), ValueError, "bounds must be"),
    ],
)
def test_contour_refuses_bad_levels_and_bounds(kw, exc, msg):
    # Was: levels=0 drew no contours and inverted bounds flipped the axes, silently.
    with pytest.raises(exc, match=msg):
        plot_contour(Q, **kw)


def test_loss_curves_of_no_runs_is_an_empty_figure_without_warnings():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fig = plot_loss_curves({})
    assert fig.axes[0].get_legend() is None


def test_steps_of_a_sweep_without_a_tolerance_are_refused_not_drawn_as_not_converged():
    # Was: lr_sweep's default tol=None, so no run can converge, and plot_sweep(y="steps")
    # drew every stable rate at the budget as "not converged in budget": a false figure.
    df = lr_sweep(Q, [0.05, 0.1, 0.25], steps=300)
    with pytest.raises(ValueError, match=r"y='steps'\) needs a sweep run with a tolerance, e.g. "
                                         r"lr_sweep\(\.\.\., tol=1e-6\).*ran with tol=None.*y='final_loss'"):
        plot_sweep(df, problem=Q, y="steps")
    assert plt.get_fignums() == []  # refused before drawing anything
    plot_sweep(df, problem=Q)  # its final losses are still a true figure
    unknown = df.copy()
    unknown.attrs.clear()  # e.g. read back from a CSV file
    with pytest.raises(ValueError, match=r"df.attrs\['tol'\].*lr_sweep records it"):
        plot_sweep(unknown, problem=Q, y="steps")
    unknown.attrs["tol"] = 1e-6  # said by hand: drawn
    plot_sweep(unknown, problem=Q, y="steps")


def test_steps_are_drawn_against_the_sweeps_own_budget_and_tolerance():
    # Every run converged or diverged before the budget: the diverged markers sit at the
    # budget the sweep was given, not at the longest run, and the labels say both.
    df = lr_sweep(Q, [0.05, 0.1, 0.25], steps=2000, tol=1e-6)
    assert df["steps_run"].max() < 2000
    ax = plot_sweep(df, problem=Q, y="steps").axes[0]
    crosses = [line for line in ax.lines if line.get_marker() == "x"]
    assert crosses[0].get_ydata().tolist() == [2000]
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "steps to |grad| <= 1e-06" in labels and "not converged in 2000 steps" in labels
