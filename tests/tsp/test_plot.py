"""tsp.plot: plot_route and plot_lengths return figures and check their arguments."""

import matplotlib
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


def test_plot_route_checks_its_arguments():
    small, big = Instance.random_uniform(5, seed=0), Instance.random_uniform(9, seed=0)
    with pytest.raises(ValueError, match=r"tour.*city 8.*5 cities"):
        plot.plot_route(small, nearest_neighbor(big, 8))  # was an IndexError
    with pytest.raises(TypeError, match="tour must be a tsp.Tour"):
        plot.plot_route(small, [0, 1])
    with pytest.raises(TypeError, match="instance must be a tsp.Instance"):
        plot.plot_route(small.dist, nearest_neighbor(small, 0))
