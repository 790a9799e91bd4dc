"""The numbered tutorials run end to end in --quick mode.

Each runs in a subprocess with its working directory, tracking store and output
folder in a temporary directory, so a test never writes into the repository.
Checks: exit code 0, a narrative and a "Try next" section on stdout, every
expected figure written as a non-empty PNG, and one FINISHED run logged to the
experiment "tutorials" with those figures as artifacts.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import tracking

TUTORIALS = Path(__file__).resolve().parents[2] / "tutorials"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# script stem -> figures it must write
EXPECTED = {
    "01_greedy_coin_change": ["01_greedy_vs_optimal.png"],
    "02_greedy_tsp_restarts": ["02_restarts.png", "02_start_lengths.png", "02_berlin52.png"],
    "03_gradient_descent_learning_rates": ["03_learning_rates.png", "03_height_weight.png",
                                           "03_local_minima.png", "03_rosenbrock.png"],
    "04_tracking_experiments": ["04_metric_history.png", "04_cli_loss.png"],
}


# script stem -> phrases its narrative must contain (numbers it computed, known answers)
NARRATIVE = {
    "01_greedy_coin_change": ["greedy pays 120 as 100 + 10 + 10 (3 coins)", "60 + 60 (2 coins)",
                              "6: greedy 4 + 1 + 1 (3), optimal 3 + 3 (2)"],
    "02_greedy_tsp_restarts": ["shortest possible path is 128", "the optimal 7542"],
    "03_gradient_descent_learning_rates": ["2/L = 0.2", "diverged after"],
    "04_tracking_experiments": ["$ python -m tracking runs", "saved "],
}


def test_every_numbered_tutorial_is_listed():
    found = sorted(p.stem for p in TUTORIALS.glob("[0-9][0-9]_*.py"))
    assert found == sorted(EXPECTED)


def test_readme_lists_every_tutorial():
    readme = (TUTORIALS / "README.md").read_text(encoding="utf-8")
    for stem, figures in EXPECTED.items():
        assert f"{stem}.py" in readme
        assert figures[0] in readme


@pytest.mark.parametrize("stem", sorted(EXPECTED))
def test_tutorial_runs_quick(stem, tmp_path):
    out = tmp_path / "out"
    db = tmp_path / "store" / "tracking.db"
    env = dict(os.environ, OPTSANDBOX_TUTORIAL_OUT=str(out),
               OPTSANDBOX_TRACKING_URI=f"sqlite:///{db}", MPLBACKEND="Agg")
    proc = subprocess.run([sys.executable, str(TUTORIALS / f"{stem}.py"), "--quick"],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Try next" in proc.stdout
    for phrase in NARRATIVE[stem]:
        assert phrase in " ".join(proc.stdout.split()), phrase
    assert "Traceback" not in proc.stderr

    for name in EXPECTED[stem]:
        path = out / name
        assert path.is_file(), f"{stem} did not write {name}: {sorted(os.listdir(out))}"
        data = path.read_bytes()
        assert data[:8] == PNG_MAGIC and len(data) > 5000, f"{name} is not a real PNG"

    runs = tracking.search_runs(experiment="tutorials", uri=db)
    assert runs["run_name"].tolist() == [stem]
    assert runs["status"].iloc[0] == "FINISHED"
    assert runs["tags.quick"].iloc[0] == "true"
    artifacts = db.parent / "artifacts" / runs["run_id"].iloc[0]
    for name in EXPECTED[stem]:
        assert (artifacts / name).is_file()
    assert not (tmp_path / "runs").exists()  # the store went where the env var said
    if stem == "04_tracking_experiments":
        # the sweep's runs are children of the tutorial's run, in their own experiment
        sweep = tracking.search_runs(experiment="tutorial-04-sweep", uri=db)
        assert len(sweep) == 8 and set(sweep["status"]) == {"FINISHED"}
        assert set(sweep["tags.sweep"]) == {runs["run_id"].iloc[0][:8]}
        assert tracking.get_run(sweep["run_id"].iloc[0], uri=db).parent_run_id == runs["run_id"].iloc[0]


def test_bad_flag_exits_2_without_traceback(tmp_path):
    proc = subprocess.run([sys.executable, str(TUTORIALS / "01_greedy_coin_change.py"),
                           "--bogus"], cwd=tmp_path, capture_output=True, text=True,
                          env=dict(os.environ, OPTSANDBOX_TUTORIAL_OUT=str(tmp_path)))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "--bogus" in proc.stderr
