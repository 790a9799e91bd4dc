"""tsp.__main__ (and tsp._report, what it prints): python -m tsp run as a user runs it (subprocess)."""

import fcntl
import os
import pty
import re
import select
import shutil
import struct
import subprocess
import sys
import termios
from pathlib import Path

import numpy as np
import pytest

from tsp import read_tsplib, seed_routes, simulate
from tsp.tsplib import BUNDLED_DIR

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(*args, env=None, cwd=None):
    full_env = {**os.environ, "PYTHONPATH": ROOT, **(env or {})}
    return subprocess.run([sys.executable, "-m", "tsp", *args], capture_output=True, text=True,
                          env=full_env, cwd=cwd or ROOT, timeout=120)


def test_ten_simulations_with_a_seed_match_the_library():
    out = run("10", "--seed", "1")
    assert out.returncode == 0, out.stderr
    sim = simulate(seed_routes(), 10, seed=1)
    assert "10 simulations (seed 1)" in out.stdout
    assert f"best length {sim.best.length:g}, found by {sim.n_best} of 10 simulations" in out.stdout
    assert "mean " in out.stdout and "median " in out.stdout and "worst " in out.stdout
    assert "\nexact optimum: 128 (Held-Karp)\n" in out.stdout
    gap = sim.best.length - 128
    assert f"\nbest simulation: {sim.best.length:g}, {gap:g} above the optimum ({100 * gap / 128:.2f} %)\n" in out.stdout
    assert f"best route (start {sim.best.names[0]})" in out.stdout
    assert "Traceback" not in out.stderr


def test_all_starts_and_verbose_lengths():
    out = run("--all-starts", "-v")
    assert out.returncode == 0, out.stderr
    assert "best length 128, found by 2 of 15 simulations" in out.stdout
    assert "simulation 13: start SWY, length 180" in out.stdout
    assert out.stdout.count("  simulation ") == 15


def test_closed_tours_compare_with_the_closed_optimum():
    out = run("200", "--seed", "0", "--closed")
    assert out.returncode == 0, out.stderr
    assert "closed tours" in out.stdout
    assert "exact optimum: 171 (Held-Karp)" in out.stdout


def test_no_argument_walks_verbosely_like_the_classroom_script():
    out = run("--start", "SWY")
    assert out.returncode == 0, out.stderr
    assert "start at SWY" in out.stdout
    assert "step 1: at SWY, candidates: CVX 13" in out.stdout
    assert "go to CVX (13); total 13" in out.stdout
    assert "itinerary: SWY -> CVX" in out.stdout
    assert out.stdout.rstrip().splitlines()[-4].startswith("open path of length 180")
    assert out.stdout.rstrip().splitlines()[-2:] == ["exact optimum: 128 (Held-Karp)",
                                                     "this walk: 180, 52 above the optimum (40.62 %)"]


def test_random_instance_with_plot(tmp_path):
    png = tmp_path / "tsp.png"
    out = run("30", "--instance", "random:40", "--seed", "2", "--plot", str(png))
    assert out.returncode == 0, out.stderr
    assert "instance random:40: 40 cities" in out.stdout
    assert "exact optimum" not in out.stdout  # n > 16
    assert png.stat().st_size > 1000
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_track_logs_a_run(tmp_path):
    tracking = pytest.importorskip("tracking")
    if not hasattr(tracking, "start_run"):
        pytest.skip("tracking is not built yet")
    uri = str(tmp_path / "tracking.db")
    out = run("20", "--seed", "4", "--track", env={"OPTSANDBOX_TRACKING_URI": uri})
    assert out.returncode == 0, out.stderr
    assert "tracked run" in out.stdout
    tracking.set_tracking_uri(uri)
    try:
        row = tracking.search_runs(experiment="tsp").iloc[0]
    finally:
        tracking.set_tracking_uri(None)
    assert row["status"] == "FINISHED"
    best = simulate(seed_routes(), 20, seed=4).best.length
    assert float(row["metrics.best_length"]) == best
    assert row["params.optimum_source"] == "Held-Karp"
    assert (float(row["metrics.optimum"]), float(row["metrics.gap"])) == (128.0, best - 128)


@pytest.mark.parametrize("args, words", [
    (["0"], "N: must be a positive integer, got 0"),
    (["-5"], "must be a positive integer"),
    (["ten"], "got 'ten'"),
    (["10", "--bogus"], "unrecognized arguments: --bogus"),
    (["10", "--instance", "no/such/file.tsp"], "neither a source"),
    (["10", "--instance", "random:x"], "random:N"),
    (["10", "--seed", "-1"], "non-negative"),
    (["10", "--all-starts"], "not both"),
    (["--start", "XYZ"], "'XYZ'"),
    (["10", "--plot", "out.xyz"], "--plot"),
    # review: these used to end in a MemoryError traceback
    (["10", "--instance", "random:10000000"], "GiB"),
    (["10000000000000"], "memory"),
    (["10", "--plot", "/no/such/folder/x.png"], "does not exist"),
    (["--instance", "random:abc"], "random:N"),
    (["--instance", "random:0"], "N=0"),
])
def test_bad_input_is_one_line_exit_2(args, words):
    out = run(*args)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], out.stderr


def test_malformed_tsplib_file_names_the_line(tmp_path):
    bad = tmp_path / "bad.tsp"
    bad.write_text("NAME: bad\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n1 0 x\nEOF\n")
    out = run("5", "--instance", str(bad))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "line 5" in out.stderr and len(out.stderr.strip().splitlines()) == 1


def test_track_with_a_bad_tracking_uri_is_one_line_exit_2(tmp_path):
    # It used to print the whole run, then die in tracking with a traceback.
    pytest.importorskip("tracking")
    out = run("5", "--seed", "1", "--track", env={"OPTSANDBOX_TRACKING_URI": "ftp://nowhere"}, cwd=str(tmp_path))
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and "--track" in lines[0] and "ftp://nowhere" in lines[0], out.stderr
    assert out.stdout == ""  # refused before the run


def test_verbose_walk_tracked_into_a_temporary_store(tmp_path):
    tracking = pytest.importorskip("tracking")
    uri = "sqlite:///" + str(tmp_path / "t.db")
    out = run("--start", "GPS", "--track", env={"OPTSANDBOX_TRACKING_URI": uri}, cwd=str(tmp_path))
    assert out.returncode == 0, out.stderr
    assert "open path of length 128" in out.stdout and "tracked run" in out.stdout
    tracking.set_tracking_uri(uri)
    try:
        row = tracking.search_runs(experiment="tsp").iloc[0]
    finally:
        tracking.set_tracking_uri(None)
    assert row["status"] == "FINISHED" and float(row["metrics.best_length"]) == 128.0
    assert not (tmp_path / "runs").exists()  # nothing logged beside the chosen store


# ---------------------------------------------------------------------------
# The optimum and the gap wherever one is known (issue 13)
# ---------------------------------------------------------------------------

DATA = Path(BUNDLED_DIR)


def gap_text(length, optimum):
    return f"{length:g}, {length - optimum:g} above the optimum ({100 * (length - optimum) / optimum:.2f} %)"


def test_a_tsplib_name_gets_its_published_optimum_and_the_gap():
    out = run("100", "--instance", "tsplib:berlin52", "--closed", "--seed", "1")
    assert out.returncode == 0, out.stderr
    sim = simulate(read_tsplib(DATA / "berlin52.tsp"), 100, seed=np.random.default_rng(1), closed=True)
    assert "\nexact optimum: 7542 (published by TSPLIB95 for berlin52)\n" in out.stdout
    assert f"\nbest simulation: {gap_text(sim.best.length, 7542)}\n" in out.stdout
    assert "optimal route" not in out.stdout  # a published length, no tour computed


def test_open_paths_on_a_tsplib_instance_are_told_how_to_compare():
    out = run("100", "--instance", "tsplib:berlin52", "--seed", "1")
    assert out.returncode == 0, out.stderr
    assert out.stdout.rstrip().splitlines()[-1] == ("TSPLIB95 publishes the optimum 7542 for berlin52's closed "
                                                    "tours: add --closed to compare")
    assert "above the optimum" not in out.stdout


def test_a_tsp_file_whose_name_is_listed_gets_the_published_optimum(tmp_path):
    mine = tmp_path / "my copy.tsp"
    shutil.copy(DATA / "eil51.tsp", mine)
    out = run("--all-starts", "--instance", str(mine), "--closed")
    assert out.returncode == 0, out.stderr
    sim = simulate(read_tsplib(mine), starts="all", closed=True)
    assert f"exact optimum: 426 (published by TSPLIB95 for eil51)\nbest simulation: {gap_text(sim.best.length, 426)}" \
        in out.stdout


def test_a_file_reusing_a_listed_name_with_other_cities_is_not_given_a_negative_gap(tmp_path):
    text = (DATA / "berlin52.tsp").read_text().splitlines()
    start = text.index("NODE_COORD_SECTION") + 1
    for k in range(start, start + 52):  # the same cities, ten times closer together
        node, x, y = text[k].split()
        text[k] = f"{node} {float(x) / 10} {float(y) / 10}"
    small = tmp_path / "small.tsp"
    small.write_text("\n".join(text) + "\n")
    out = run("20", "--instance", str(small), "--closed", "--seed", "0")
    assert out.returncode == 0, out.stderr
    best = simulate(read_tsplib(small), 20, seed=np.random.default_rng(0), closed=True).best.length
    assert best < 7542
    assert (f"best simulation: {best:g}, shorter than the optimum 7542 (published by TSPLIB95 for berlin52): "
            f"that optimum is not this instance's") in out.stdout


def test_a_plot_draws_the_published_optimum(tmp_path):
    png = tmp_path / "b52.png"
    out = run("50", "--instance", "tsplib:berlin52", "--closed", "--seed", "3", "--plot", str(png))
    assert out.returncode == 0, out.stderr
    assert png.read_bytes()[:4] == b"\x89PNG" and png.stat().st_size > 10_000


# ---------------------------------------------------------------------------
# The timing line: the work apart from start-up
# ---------------------------------------------------------------------------

TIMING = re.compile(r"^1000 simulations \(seed 1\) in ([\d.]+) (ms|s), plus ([\d.]+) (ms|s) to load the compiled "
                    r"kernels \(once per process\)$", re.M)


def test_the_timing_line_reports_the_walks_apart_from_loading_the_kernels():
    out = run("1000", "--seed", "1")
    assert out.returncode == 0, out.stderr
    assert TIMING.search(out.stdout), out.stdout  # a fresh process always loads its kernels


def test_a_simulation_loading_nothing_says_nothing_about_loading():
    from tsp import _report, seed_routes

    sim = simulate(seed_routes(), 1000, seed=1)
    assert ", plus" not in _report.timing_line(sim, "seed 1", 0.0)


# ---------------------------------------------------------------------------
# --track: the run spans the work (issue 14)
# ---------------------------------------------------------------------------


def test_a_tracked_run_lasts_at_least_as_long_as_its_simulation(tmp_path):
    # review: run seed-20 lasted 0.066 s while its metrics.seconds said 0.16: the run was
    # opened after the simulation, for the logging only (with --plot saved before it
    # opened, main's run lasted 2 ms for a 72 ms simulation)
    tracking = pytest.importorskip("tracking")
    uri = str(tmp_path / "tracking.db")
    out = run("--instance", "random:2000", "--all-starts", "--seed", "1", "--track", "--plot", str(tmp_path / "r.png"),
              env={"OPTSANDBOX_TRACKING_URI": uri})
    assert out.returncode == 0, out.stderr
    run_id = out.stdout.rstrip().splitlines()[-1].split()[2]
    record = tracking.get_run(run_id, uri=uri)
    tracking.set_tracking_uri(uri)
    try:
        metrics = tracking.search_runs(experiment="tsp").iloc[0]
    finally:
        tracking.set_tracking_uri(None)
    duration = (record.end_time - record.start_time).total_seconds()
    # times are stored in whole milliseconds: allow one
    assert duration >= float(metrics["metrics.seconds"]) - 0.001
    assert 0 < float(metrics["metrics.loading_seconds"]) < float(metrics["metrics.seconds"])


# ---------------------------------------------------------------------------
# Progress bars: tqdm on stderr, on a terminal only
# ---------------------------------------------------------------------------

BIG = ["--instance", "random:600", "--all-starts"]
FORCED = "import sys, tsp.__main__ as m; m._PROGRESS_WORK = 1; sys.exit(m.main(sys.argv[1:]))"


def run_with_terminal_stderr(code, *args):
    """Run ``python -c code args`` with stderr on a pseudo-terminal; (returncode, stdout, stderr)."""
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a fresh pty is 0 wide
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, stderr=child,
                            env={**os.environ, "PYTHONPATH": ROOT}, cwd=ROOT)
    os.close(child)
    err = b""
    while True:
        ready, _, _ = select.select([main], [], [], 60)
        if not ready:
            break
        try:
            chunk = os.read(main, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        err += chunk
    stdout = proc.stdout.read().decode()
    proc.wait(timeout=60)
    os.close(main)
    return proc.returncode, stdout, err.decode(errors="replace")


def test_a_long_run_draws_a_tqdm_bar_on_a_terminal_counted_in_simulations():
    code, out, err = run_with_terminal_stderr(FORCED, *BIG)
    assert code == 0, err
    assert "nearest-neighbour walks:" in err and "/600 " in err and "simulations/s" in err
    assert "nearest-neighbour walks" not in out


def test_no_bar_when_stderr_is_not_a_terminal():
    out = subprocess.run([sys.executable, "-c", FORCED, *BIG], capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": ROOT}, cwd=ROOT, timeout=120)
    assert out.returncode == 0 and out.stderr == ""


def test_no_bar_for_a_short_run_even_on_a_terminal():
    code, out, err = run_with_terminal_stderr("import sys, tsp.__main__ as m; sys.exit(m.main(sys.argv[1:]))", *BIG)
    assert code == 0 and err == "" and "600 simulations (every start)" in out


def test_help_says_where_the_optimum_comes_from():
    from tsp._report import EXACT_MAX_N

    out = run("--help")
    text = " ".join(out.stdout.split())
    assert f"Held-Karp computes it for at most {EXACT_MAX_N} cities" in text
    assert "TSPLIB95's published optimum (tsp/data/tsplib/optima.csv)" in text


# ---------------------------------------------------------------------------
# --local-search, --solve / --kicks: the stages after greedy, each with its gap
# ---------------------------------------------------------------------------


def test_local_search_after_n_walks_matches_the_library():
    from tsp import read_tsplib

    out = run("200", "--seed", "1", "--closed", "--local-search", "--instance", "tsplib:berlin52")
    assert out.returncode == 0, out.stderr
    inst = read_tsplib(os.path.join(BUNDLED_DIR, "berlin52.tsp"))
    sim = simulate(inst, 200, seed=1, closed=True)
    better = simulate(inst, starts=sim.starts, closed=True, local_search=True)
    text = out.stdout
    assert f"best simulation: {sim.best.length:g}, " in text  # the classroom output first, as before
    assert "every walk improved by local search (2-opt and Or-opt)" in text
    assert (f"best length {better.best.length:g}, found by {better.n_best} of 200 simulations "
            f"(greedy alone: {sim.best.length:g}, found by {sim.n_best})") in text
    gap = better.best.length - 7542
    assert (f"best simulation after local search: {better.best.length:g}, {gap:g} above the optimum "
            f"({100 * gap / 7542:.2f} %)") in text


def test_local_search_after_the_verbose_walk():
    from tsp import local_search, nearest_neighbor

    out = run("--start", "SWY", "--local-search")
    assert out.returncode == 0, out.stderr
    better = local_search(nearest_neighbor(seed_routes(), "SWY"))
    assert f"after local search (2-opt and Or-opt moves until neither helps): {better}" in out.stdout
    assert "local search: 128, 0 above the optimum (0.00 %)" in out.stdout


def test_kicks_with_a_seed_print_every_stage_with_its_gap_as_the_library_finds_them():
    from tsp import read_tsplib, solve

    out = run("--instance", "tsplib:st70", "--closed", "--kicks", "400", "--seed", "3")
    assert out.returncode == 0, out.stderr
    inst = read_tsplib(os.path.join(BUNDLED_DIR, "st70.tsp"))
    sol = solve(inst, seconds=None, kicks=400, seed=np.random.default_rng(3))
    text = out.stdout

    def gap(x):
        return f"{x:g}, {x - 675:g} above the optimum ({100 * (x - 675) / 675:.2f} %)"

    assert "instance st70: 70 cities; iterated local search, closed tours (seed 3)" in text
    assert re.search(r"\n400 kicks in [\d.]+ m?s, plus [\d.]+ m?s to load the compiled kernels", text), text
    assert "exact optimum: 675 (published by TSPLIB95 for st70)" in text
    assert f"nearest neighbour (best walk of the start): {gap(sol.start.length)}" in text
    # the first descent is solve's (its repair moves), not tsp.local_search: labelled so
    assert f"solve's first descent from it (its repair moves, every city): {gap(sol.history['length'].iloc[1])}" in text
    assert "local search of it" not in text
    assert f"iterated local search, 400 kicks: {gap(sol.best.length)}" in text
    assert f"history: {len(sol.history) - 1} improvements of the start; the last at kick " \
           f"{int(sol.history['kick'].iloc[-1])}" in text
    rows = re.findall(r"\n +[\d.]+ +(\d+) +(\d+) +[\d.]+ %", text)
    assert rows and rows[-1] == (str(int(sol.history["kick"].iloc[-1])), f"{sol.best.length:g}")
    assert len(rows) <= 10  # summarised
    assert f"best route (start {sol.best.names[0]}):" in text


def test_solve_plots_both_tours_and_the_history_and_tracks_the_stages(tmp_path):
    import tracking

    db = tmp_path / "t.db"
    png = tmp_path / "solve.png"
    out = run("--instance", "tsplib:eil51", "--closed", "--kicks", "300", "--seed", "0", "--plot", str(png),
              "--track", env={"OPTSANDBOX_TRACKING_URI": f"sqlite:///{db}"})
    assert out.returncode == 0, out.stderr
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    runs = tracking.search_runs(experiment="tsp", uri=db)
    assert runs["run_name"].tolist() == ["eil51-solve"]
    row = runs.iloc[0]
    assert row["metrics.optimum"] == 426 and row["metrics.kicks_made"] == 300
    assert "metrics.local_search_length" not in row or np.isnan(row["metrics.local_search_length"])
    for stage in ("greedy", "first_descent", "solve"):
        assert row[f"metrics.{stage}_gap_pct"] == pytest.approx(100 * (row[f"metrics.{stage}_length"] / 426 - 1))
    history = tracking.metric_history(row["run_id"], "length", uri=db)
    assert history["value"].iloc[-1] == row["metrics.solve_length"] and history["value"].is_monotonic_decreasing


def test_local_search_is_tracked_and_plotted_beside_greedy(tmp_path):
    import tracking

    db = tmp_path / "t.db"
    png = tmp_path / "ls.png"
    out = run("50", "--seed", "2", "--local-search", "--instance", "random:60", "--plot", str(png), "--track",
              env={"OPTSANDBOX_TRACKING_URI": f"sqlite:///{db}"})
    assert out.returncode == 0, out.stderr
    assert png.is_file()
    row = tracking.search_runs(experiment="tsp", uri=db).iloc[0]
    assert row["run_name"] == "random:60-50-local-search"
    # the run's best is the improved one (review-11: it logged greedy's), with the time it took
    assert row["metrics.local_search_length"] == row["metrics.best_length"] <= row["metrics.greedy_length"]
    assert row["metrics.local_search_seconds"] > 0


@pytest.mark.parametrize("args, words", [
    (["10", "--solve", "1"], "drop N"),
    (["--all-starts", "--kicks", "5"], "drop --all-starts"),
    (["--kicks", "5", "--local-search"], "drop --local-search"),
    (["--solve", "soon"], "must be a number of seconds, got 'soon'"),
    (["--solve", "-1"], "non-negative number of seconds, got -1"),
    (["--solve", "inf"], "finite"),
    (["--kicks", "-2"], "must be a non-negative integer, got -2"),
])
def test_bad_solve_options_are_one_line_exit_2(args, words):
    out = run(*args)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and words in lines[0], out.stderr


def test_solve_draws_a_bar_on_a_terminal():
    code, out, err = run_with_terminal_stderr("import sys, tsp.__main__ as m; sys.exit(m.main(sys.argv[1:]))",
                                              "--kicks", "2000", "--seed", "0", "--closed")
    assert code == 0, err
    assert "iterated local search:" in err and "/2.00k [" in err and "kicks/s" in err
    assert "2000 kicks in" in out


def test_an_optimal_start_prints_no_improvement_and_no_negative_gap():
    """review-11 finding 8: '1 improvements' and '-0.00 %' on an already optimal start."""
    out = run("--instance", "random:5", "--kicks", "20", "--seed", "1")
    assert out.returncode == 0, out.stderr
    assert "history: 0 improvements of the start" in out.stdout and "-0.00" not in out.stdout
