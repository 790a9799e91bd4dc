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

from tsp import Instance, nearest_neighbor, read_tsplib, seed_routes, simulate
from tsp.tsplib import BUNDLED_DIR

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(*args, env=None, cwd=None):
    full_env = {**os.environ, "PYTHONPATH": ROOT, **(env or {})}
    return subprocess.run([sys.executable, "-m", "tsp", *args], capture_output=True, text=True,
                          env=full_env, cwd=cwd or ROOT, timeout=120)


def report_lines(out):
    """The lines printed before the last one, the wall time of the run."""
    lines = out.stdout.rstrip().splitlines()
    assert lines[-1].startswith("wall time "), lines[-1]
    return lines[:-1]


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
    lines = report_lines(out)
    assert lines[-4].startswith("open path of length 180")
    assert lines[-2:] == ["exact optimum: 128 (Held-Karp)", "this walk: 180, 52 above the optimum (40.62 %)"]


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
    (["10", "--instance", "random:100000000000"], "GiB"),
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
    assert report_lines(out)[-1] == ("TSPLIB95 publishes the optimum 7542 for berlin52's closed "
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
# At scale: abbreviated tables, -v capped, every phase's bar, the whole wall time
# ---------------------------------------------------------------------------


def table_rows(text):
    """The rows of the route table printed after 'best route' (its header left out), up to
    the next blank line or the wall time."""
    rows = []
    for line in text.split("best route")[1].splitlines()[2:]:
        if not line or line.startswith("wall time"):
            break
        rows.append(line)
    return rows


def test_a_long_route_shows_its_first_and_last_legs_and_route_shows_them_all():
    out = run("3", "--instance", "random:60", "--seed", "1", "--closed")
    assert out.returncode == 0, out.stderr
    rows = table_rows(out.stdout)
    assert len(rows) == 52  # 25 legs, the line saying what is left out, 25 legs, the hint
    assert rows[0].split()[0] == "1" and rows[24].split()[0] == "25" and rows[26].split()[0] == "36"
    assert rows[25].split() == ["...", "10", "legs", "not", "shown", "(steps", "26", "to", "35)", "..."]
    assert rows[50].split()[:2] == ["60", rows[50].split()[1]] and rows[51] == "(--route prints all 60 legs)"
    full = run("3", "--instance", "random:60", "--seed", "1", "--closed", "--route")
    rows = table_rows(full.stdout)
    assert [r.split()[0] for r in rows] == [str(k) for k in range(1, 61)]
    assert "legs not shown" not in full.stdout and "--route prints" not in full.stdout


def test_verbose_lengths_take_at_most_fifty_lines():
    out = run("80", "--seed", "2", "-v")
    assert out.returncode == 0, out.stderr
    lines = [line for line in out.stdout.splitlines() if line.startswith("  simulation ")]
    assert len(lines) == 50 and lines[24].startswith("  simulation 25:") and lines[25].startswith("  simulation 56:")
    assert "  ... 30 simulations not shown (Simulation.lengths has them all) ..." in out.stdout
    sim = simulate(seed_routes(), 80, seed=np.random.default_rng(2))
    assert lines[-1] == f"  simulation 80: start {seed_routes().names[sim.starts[-1]]}, length {sim.lengths[-1]:g}"


def test_a_long_walk_is_told_for_ten_steps_then_as_its_route_table():
    out = run("--instance", "random:80", "--seed", "3", "--start", "5")
    assert out.returncode == 0, out.stderr
    assert "step 10: at " in out.stdout and "step 11:" not in out.stdout
    assert "... and so on, 69 steps more: the whole walk, open path of length " in out.stdout
    assert "(--route prints all 79 legs)" in out.stdout
    tour = nearest_neighbor(Instance.random_uniform(80, seed=np.random.default_rng(3)), 5)
    assert f"open path of length {tour.length:.6g}" in out.stdout


def test_the_last_line_is_the_wall_time_of_the_whole_run_phase_by_phase():
    out = run("20", "--instance", "random:500", "--seed", "4")
    last = out.stdout.rstrip().splitlines()[-1]
    assert re.fullmatch(r"wall time [\d.]+ m?s in all: instance [\d.]+ m?s, candidate lists [\d.]+ m?s, "
                        r"walks [\d.]+ m?s, the rest \(start-up, report\) [\d.]+ m?s"
                        r"(; [\d.]+ m?s of it loading the compiled kernels)?", last), last


def test_every_phase_of_a_large_run_draws_its_bar_on_a_terminal(tmp_path):
    """Reading a 2.3 MB TSPLIB file, its coordinates, the candidate lists, the walks: a
    tqdm bar each on a terminal (progress on a pseudo-terminal, ``pty``)."""
    n = 110_000
    xy = np.random.default_rng(0).integers(0, 10**6, (n, 2))
    path = tmp_path / "big.tsp"
    with open(path, "w") as f:
        f.write(f"NAME: big\nTYPE: TSP\nDIMENSION: {n}\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n")
        np.savetxt(f, np.column_stack((np.arange(1, n + 1), xy)), fmt="%d")
        f.write("EOF\n")
    assert path.stat().st_size >= 2 * 2**20
    code, out, err = run_with_terminal_stderr("import sys, tsp.__main__ as m; sys.exit(m.main(sys.argv[1:]))",
                                              "2", "--instance", str(path), "--seed", "0")
    assert code == 0, err
    for bar in ("reading big.tsp:", "coordinates:", "candidate lists:", "nearest-neighbour walks:"):
        assert bar in err, (bar, err[-500:])
    assert "instance big: 110000 cities" in out and len(out.splitlines()) < 80


def test_a_matrix_that_cannot_fit_is_refused_before_it_is_built(tmp_path, capsys, monkeypatch):
    """Against the memory available now (80% of it: the rest is headroom for
    temporaries), naming n and the memory: one line, exit 2."""
    from tsp import _validation
    from tsp.__main__ import main

    monkeypatch.setattr(_validation, "available_memory", lambda: 2**20)  # 1 MiB
    monkeypatch.setattr(_validation, "MEMORY_CHECK_FROM", 0)
    path = tmp_path / "big.tsp"
    path.write_text(f"NAME: big\nTYPE: TSP\nDIMENSION: 400\nEDGE_WEIGHT_TYPE: EXPLICIT\n"
                    f"EDGE_WEIGHT_FORMAT: UPPER_ROW\nEDGE_WEIGHT_SECTION\n{' '.join(['7'] * (400 * 399 // 2))}\nEOF\n")
    with pytest.raises(SystemExit) as exit_:
        main(["5", "--instance", str(path)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].endswith(
        "--instance: n=400 needs 1.2 MiB for its dense 400 x 400 distance matrix (8 n^2 bytes), more than this "
        "machine can spare (80% of the 1.0 MiB of memory available now) (see --help)")


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


# ---------------------------------------------------------------------------
# Local search and solve at scale: geometric instances, bars, capped output
# ---------------------------------------------------------------------------


def test_local_search_of_a_large_walk_draws_its_bars_and_prints_an_abbreviated_route():
    """20,000 random cities, one walk and its local search: a bar for the candidate
    lists, the moves' lists and the local search on a terminal; the improved tour as an
    abbreviated table whose length is the library's; a few dozen lines."""
    from tsp import local_search
    from tsp.sources import instance_from_spec

    code, out, err = run_with_terminal_stderr("import sys, tsp.__main__ as m; sys.exit(m.main(sys.argv[1:]))",
                                              "--instance", "random:20000", "--seed", "0", "--closed",
                                              "--start", "5", "--local-search")
    assert code == 0, err
    for bar in ("candidate lists:", "candidate lists for moves:", "local search:"):
        assert bar in err, (bar, err[-500:])
    inst = instance_from_spec("random:20000", seed=np.random.default_rng(0))
    better = local_search(nearest_neighbor(inst, 5, closed=True))
    assert inst._dist is None
    assert (f"after local search (2-opt and Or-opt moves until neither helps): closed tour of length "
            f"{better.length:.6g}:") in out
    assert out.count("(--route prints all 20,000 legs)") == 2  # the walk's table and the improved one
    assert re.search(r"wall time .* candidate lists [\d.]+ m?s, walk [\d.]+ m?s, local search [\d.]+ m?s", out)
    assert len(out.splitlines()) < 200


def test_solve_on_a_large_geometric_instance_prints_an_abbreviated_route_and_route_prints_it_all():
    args = ("--instance", "random:3000", "--seed", "1", "--kicks", "200")
    out = run(*args)
    assert out.returncode == 0, out.stderr
    assert "iterated local search, 200 kicks: " in out.stdout and "(--route prints all 2,999 legs)" in out.stdout
    assert len(out.stdout.splitlines()) < 120
    full = run(*args, "--route")
    assert full.returncode == 0 and len(full.stdout.splitlines()) > 3000
    assert "legs not shown" not in full.stdout


def test_local_search_after_many_walks_of_a_geometric_instance_is_the_matrix_instances():
    """--local-search after N walks on random points: the library's simulate, and the same
    best length as on the matrix of the same points."""
    from tsp.sources import instance_from_spec

    out = run("30", "--instance", "random:400", "--seed", "6", "--closed", "--local-search")
    assert out.returncode == 0, out.stderr
    rng = np.random.default_rng(6)
    inst = instance_from_spec("random:400", seed=rng)
    sim = simulate(inst, 30, seed=rng, closed=True)
    matrix = Instance(inst.names, inst.dist, coords=inst.coords)
    a = simulate(inst, starts=sim.starts, closed=True, local_search=True)
    b = simulate(matrix, starts=sim.starts, closed=True, local_search=True)
    assert a.best.length == b.best.length and np.array_equal(a.lengths, b.lengths)
    assert f"best length {a.best.length:g}, found by {a.n_best} of 30 simulations" in out.stdout
    assert "(--route prints all 400 legs)" in out.stdout


def test_kicks_without_a_known_optimum_print_the_history_without_gaps():
    out = run("--instance", "random:40", "--seed", "1", "--kicks", "50")
    assert out.returncode == 0, out.stderr
    assert "history: " in out.stdout and " %" not in out.stdout.split("history: ")[1].split("best route")[0]
