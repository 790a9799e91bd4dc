"""tsp._report: what python -m tsp prints, on cases the command line cannot reach
(its instances have every edge): walks stranded by missing edges."""

import io

import numpy as np

from tsp import Instance, _report, nearest_neighbor, seed_routes, simulate

INF = np.inf
STRANDED = Instance.from_matrix([[0, 1, INF], [INF, 0, INF], [INF, INF, 0]], names=("a", "b", "c"))


def test_narration_of_a_stranded_walk():
    out = io.StringIO()
    _report.narrate_walk(STRANDED, nearest_neighbor(STRANDED, 0), out)
    lines = out.getvalue().splitlines()
    assert lines[:2] == ["instance matrix: 3 cities; nearest neighbour, open path", "start at a"]
    assert "step 2: at b, no edge to any of the 1 cities left: stuck" in lines
    assert lines[-1].startswith("open path of length 1 (incomplete")


def test_a_simulation_where_no_walk_is_complete():
    out = io.StringIO()
    sim = simulate(STRANDED, starts="all")
    _report.print_simulation(STRANDED, sim, "every start", False, None, out)
    assert out.getvalue().splitlines()[2:] == [
        "no walk visited every city: missing edges stranded them all",
        f"first walk: {sim.best}",
    ]


def test_a_simulation_with_stuck_walks_and_the_exact_gap():
    inst = Instance.from_matrix([[0, 1, 1], [INF, 0, 1], [INF, INF, 0]])  # only 0 -> 1 -> 2
    sim = simulate(inst, starts="all")
    opt = _report.exact_optimum(inst, closed=False)
    out = io.StringIO()
    _report.print_simulation(inst, sim, "every start", True, opt, out)
    text = out.getvalue()
    assert "  simulation 2: start 1, length stuck (missing edges)" in text
    assert "best length 2, found by 1 of 3 simulations\nmean 2, median 2, worst 2\n2 walks got stuck" in text
    assert "exact optimum (Held-Karp): 2; the best simulation is 0 above it (0.00 %)" in text


def test_exact_optimum_only_for_small_instances():
    assert _report.exact_optimum(seed_routes(), closed=True).length == 171
    assert _report.exact_optimum(Instance.random_uniform(_report.EXACT_MAX_N + 1, seed=0), False) is None


def test_progress_bar_draws_then_clears():
    stream = io.StringIO()
    show = _report.progress_bar(stream)
    show(5, 10)
    show(10, 10)
    assert stream.getvalue().startswith("\r[" + "#" * 15 + "." * 15 + "] 5/10 starts")
    assert stream.getvalue().endswith("\r")


def test_no_figure_for_one_walk_without_coordinates():
    assert _report.figure(seed_routes(), nearest_neighbor(seed_routes(), 0), None) is None
