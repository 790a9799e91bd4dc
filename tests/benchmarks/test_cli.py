"""benchmarks/__main__.py: ``python -m benchmarks --smoke`` runs every benchmark end to end.

Every module of ``benchmarks.__main__.REGISTRY`` (``benchmarks/<name>.py``) runs once,
at its smallest size (``--smoke``: seconds, where ``--quick`` takes minutes), in one
subprocess. The tests check what a benchmark promises (a table, a CSV, a PNG, a
tracking run with both as artifacts), never how fast anything was: timings belong
to the benchmarks' own output, not to assertions.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import tracking
from benchmarks.__main__ import REGISTRY

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bench")
    uri = f"sqlite:///{tmp / 'tracking.db'}"
    env = {**os.environ, "OPTSANDBOX_TRACKING_URI": uri}
    out = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--smoke", "--out", str(tmp / "out")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    return out, tmp / "out", uri


def test_smoke_run_exits_cleanly(smoke_run):
    out, _, _ = smoke_run
    assert out.returncode == 0, out.stderr[-2000:]
    assert "Traceback" not in out.stderr
    assert f"{len(REGISTRY)} benchmark(s) in" in out.stdout


@pytest.mark.parametrize("name", sorted(REGISTRY))
def test_each_benchmark_saved_and_logged(smoke_run, name):
    out, folder, uri = smoke_run
    assert f"== {name} ==" in out.stdout
    table = pd.read_csv(folder / f"{name}.csv")
    assert len(table) > 0
    png = folder / f"{name}.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    runs = tracking.search_runs(experiment="benchmarks", filter=f"run_name = '{name}'", uri=uri)
    assert len(runs) == 1
    run = runs.iloc[0]
    assert run["status"] == "FINISHED"
    assert run["params.cores"] and run["params.numba"]
    assert run["params.smoke"] == "True"  # the benchmark took its smallest sizes
    assert any(c.startswith("metrics.") and pd.notna(run[c]) for c in runs.columns)
    artifacts = set(tracking.get_run(run["run_id"], uri=uri).artifacts)
    assert {f"{name}.csv", f"{name}.png"} <= artifacts


def test_unknown_benchmark_is_a_one_line_error():
    out = subprocess.run([sys.executable, "-m", "benchmarks", "--only", "nope"],
                         cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 2
    assert "invalid choice: 'nope'" in out.stderr and "Traceback" not in out.stderr


def test_output_is_for_people(smoke_run):
    # Numbers a person reads: no raw floats (7.426140e-05, 900.950741), no negative excess
    # from round-off, no references to the project's issues or to folders a clone lacks.
    out, _, _ = smoke_run
    text = out.stdout
    assert not re.findall(r"[1-9]\d*\.\d{5,}", text), re.findall(r".*[1-9]\d*\.\d{5,}.*", text)[:5]
    assert not re.search(r"-\d(\.\d+)?e-1\d", text)
    assert "issue" not in text.lower() and "shared" not in text


def test_quick_tsp_quality_measures_every_shipped_instance_and_says_where_the_41_are():
    import matplotlib

    matplotlib.use("Agg")
    from benchmarks import tsp_quality

    result = tsp_quality.run(quick=True)
    assert len(result.table) == 11 and (result.table["best_of_all_gap_%"] >= 0).all()
    notes = "\n".join(result.notes)
    assert "11 TSPLIB instances shipped with tsp" in notes
    assert tsp_quality.TSPLIB95_URL in notes and "--tsplib DIR" in notes
