"""tsp.plot: plot_route and plot_lengths return figures and check their arguments."""

import collections

import matplotlib
import numpy as np
import pytest

from tsp import Instance, nearest_neighbor, plot, seed_routes, simulate

matplotlib.use("Agg")


def test_plots_return_figures():
    import matplotlib.pyplot as plt

    inst = Instance.random_uniform(12, seed=3)
    sim = simulate(inst, 20, seed=0)
    fig = plot.plot_route(inst, sim.best)
    assert "open path" in fig.axes[0].get_title()
    fig2 = plot.plot_lengths(sim, optimum=sim.best.length)
    assert fig2.axes[0].get_title() == "20 simulations"
    with pytest.raises(ValueError, match="no coordinates"):
        plot.plot_route(seed_routes(), sim.best)
    plt.close("all")


def test_plot_lengths_one_bin_per_integer_length_and_distinct_best_and_optimum_lines():
    import matplotlib.pyplot as plt

    every = simulate(seed_routes(), starts="all")  # 15 integer lengths, 128..180
    ax = plot.plot_lengths(every, optimum=128.0).axes[0]
    bars = ax.patches
    assert len(bars) == 180 - 128 + 1 and {b.get_width() for b in bars} == {1.0}
    counts = {round(b.get_x() + 0.5): b.get_height() for b in bars if b.get_height()}
    assert counts == dict(collections.Counter(every.lengths.astype(int).tolist()))
    assert counts[128] == 2  # GPS and PCG: the bin holds exactly the optimal starts
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["best 128 = optimum"]  # one line, not one hidden under the other

    ax = plot.plot_lengths(every, optimum=120.0).axes[0]
    lines = [line for line in ax.lines if line.get_label().startswith(("best", "optimum"))]
    assert [line.get_label() for line in lines] == ["best 128 (6.67 % above the optimum)", "optimum 120"]
    assert lines[0].get_linestyle() != lines[1].get_linestyle()
    assert lines[0].get_color() != lines[1].get_color()
    assert max(b.get_height() for b in ax.patches) * 1.3 == ax.get_ylim()[1]  # room for the legend above the bars

    # a wide integer range: bins of a whole number of integers, edges at half-integers
    wide = np.arange(7000.0, 10001.0, 7.0)
    edges = np.array([b.get_x() for b in plot.plot_lengths(wide).axes[0].patches])
    assert len(edges) <= plot.MAX_BINS and np.all(edges % 1 == 0.5)
    plt.close("all")


def test_plot_route_checks_its_arguments():
    small, big = Instance.random_uniform(5, seed=0), Instance.random_uniform(9, seed=0)
    with pytest.raises(ValueError, match=r"tour.*city 8.*5 cities"):
        plot.plot_route(small, nearest_neighbor(big, 8))  # was an IndexError
    with pytest.raises(TypeError, match="tour must be a tsp.Tour"):
        plot.plot_route(small, [0, 1])
    with pytest.raises(TypeError, match="instance must be a tsp.Instance"):
        plot.plot_route(small.dist, nearest_neighbor(small, 0))
