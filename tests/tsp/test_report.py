"""tsp._report: what python -m tsp prints — the optimum it compares with, the gap per
stage, the timing line, the figure — and cases the command line cannot reach (its
instances have every edge): walks stranded by missing edges."""

import io
from pathlib import Path

import numpy as np
import pytest

from tsp import Instance, _report, nearest_neighbor, read_tsplib, seed_routes, simulate
from tsp.tsplib import BUNDLED_DIR

DATA = Path(BUNDLED_DIR)

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
    opt = _report.known_optimum(inst, closed=False)
    out = io.StringIO()
    _report.print_simulation(inst, sim, "every start", True, opt, out)
    text = out.getvalue()
    assert "  simulation 2: start 1, length stuck (missing edges)" in text
    assert "best length 2, found by 1 of 3 simulations\nmean 2, median 2, worst 2\n2 walks got stuck" in text
    assert text.endswith("\nexact optimum: 2 (Held-Karp)\nbest simulation: 2, 0 above the optimum (0.00 %)\n"
                         "optimal route: open path of length 2: 0 -(1)-> 1 -(1)-> 2\n")


def test_held_karp_for_small_instances_the_published_optimum_for_tsplib_names():
    seed = _report.known_optimum(seed_routes(), closed=True)
    assert (seed.length, seed.source, seed.detail, seed.tour.length) == (171, "Held-Karp", "Held-Karp", 171)
    assert _report.known_optimum(Instance.random_uniform(_report.EXACT_MAX_N + 1, seed=0), False) is None
    burma = _report.known_optimum(read_tsplib(DATA / "burma14.tsp"), closed=True)  # both known: they agree
    assert (burma.length, burma.detail) == (3323, "Held-Karp, as TSPLIB95 publishes for burma14")
    assert _report.known_optimum(read_tsplib(DATA / "burma14.tsp"), closed=False).detail == "Held-Karp"
    berlin = read_tsplib(DATA / "berlin52.tsp")
    opt = _report.known_optimum(berlin, closed=True)
    assert (opt.length, opt.source, opt.detail, opt.tour) == (7542, "TSPLIB95", "published by TSPLIB95 for berlin52",
                                                              None)
    assert _report.known_optimum(berlin, closed=False) is None  # TSPLIB publishes closed tours only
    assert _report.optimum_line(berlin, False, None) == ("TSPLIB95 publishes the optimum 7542 for berlin52's "
                                                         "closed tours: add --closed to compare")
    assert _report.optimum_line(seed_routes(), False, None) is None


def test_no_optimum_when_missing_edges_leave_no_complete_route():
    assert _report.known_optimum(STRANDED, closed=False) is None


GAP_CASES = [
    (8181.0, 7542.0, "best: 8181, 639 above the optimum (8.47 %)"),
    (7542.0, 7542.0, "best: 7542, 0 above the optimum (0.00 %)"),
    (2.0 + 4e-16, 2.0, "best: 2, 0 above the optimum (0.00 %)"),  # another summation order: not a gap
    (2.5, 2.0, "best: 2.5, 0.5 above the optimum (25.00 %)"),
    (37320376.0, 18660188.0, "best: 37320376, 18660188 above the optimum (100.00 %)"),
    (0.0, 0.0, "best: 0, 0 above the optimum"),
    (700.0, 7542.0, "best: 700, shorter than the optimum 7542 (somewhere): that optimum is not this instance's"),
]


@pytest.mark.parametrize("length, optimum, line", GAP_CASES)
def test_gap_line(length, optimum, line):
    assert _report.gap_line("best", length, _report.Optimum(optimum, "X", "somewhere")) == line


def test_gap_line_without_an_optimum_is_the_length():
    assert _report.gap_line("after 2-opt", 7700.0, None) == "after 2-opt: 7700"


@pytest.mark.parametrize("seconds, text", [(0.000214, "0.214 ms"), (0.1523, "152 ms"), (0.0371, "37.1 ms"),
                                           (1.284, "1.28 s"), (75.0, "75 s")])
def test_durations_for_people(seconds, text):
    assert _report.duration_text(seconds) == text


def test_timing_line_keeps_loading_apart():
    sim = simulate(seed_routes(), 10, seed=0)
    load = 0.25 * sim.seconds
    assert _report.timing_line(sim, "seed 0", load) == (
        f"10 simulations (seed 0) in {_report.duration_text(sim.seconds - load)}, plus "
        f"{_report.duration_text(load)} to load the compiled kernels (once per process)")
    assert _report.timing_line(sim, "seed 0", 0.0) == f"10 simulations (seed 0) in {_report.duration_text(sim.seconds)}"


def test_figure_draws_the_published_optimum_and_the_gap():
    berlin = read_tsplib(DATA / "berlin52.tsp")
    sim = simulate(berlin, 100, seed=1, closed=True)
    fig = _report.figure(berlin, sim, _report.known_optimum(berlin, closed=True))
    route, hist = fig.axes
    best, pct = sim.best.length, 100 * (sim.best.length / 7542 - 1)
    assert route.get_title() == f"berlin52, best tour: {best:g}, {best - 7542:g} above the optimum ({pct:.2f} %)"
    assert [t.get_text() for t in hist.get_legend().get_texts()] == [
        f"best {best:g} ({pct:.2f} % above the optimum)", "optimum 7542 (TSPLIB95)"]
    assert [line.get_xdata()[0] for line in hist.get_lines()] == [best, 7542]


def test_no_figure_for_one_walk_without_coordinates():
    assert _report.figure(seed_routes(), nearest_neighbor(seed_routes(), 0), None) is None


def test_the_figure_of_one_walk_gives_its_gap():
    inst = Instance.random_uniform(10, seed=4)
    walk = nearest_neighbor(inst, 3)
    opt = _report.known_optimum(inst, closed=False)
    (route,) = _report.figure(inst, walk, opt).axes
    assert route.get_title() == _report.gap_line("random:10, this walk", walk.length, opt)
    assert route.get_title().endswith(f"({100 * (walk.length / opt.length - 1):.2f} %)")
