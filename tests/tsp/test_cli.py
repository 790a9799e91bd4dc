"""tsp.__main__ (and tsp._report, what it prints): python -m tsp run as a user runs it (subprocess)."""

import os
import subprocess
import sys

import pytest

from tsp import seed_routes, simulate

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
    assert "exact optimum (Held-Karp): 128" in out.stdout
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
    assert "exact optimum (Held-Karp): 171" in out.stdout


def test_no_argument_walks_verbosely_like_the_classroom_script():
    out = run("--start", "SWY")
    assert out.returncode == 0, out.stderr
    assert "start at SWY" in out.stdout
    assert "step 1: at SWY, candidates: CVX 13" in out.stdout
    assert "go to CVX (13); total 13" in out.stdout
    assert "itinerary: SWY -> CVX" in out.stdout
    assert out.stdout.rstrip().splitlines()[-1].startswith("open path of length 180")


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
    assert float(row["metrics.best_length"]) == simulate(seed_routes(), 20, seed=4).best.length


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
