"""tracking against MLflow 3.17 on MLflow's own workload.

MLflow's figures were measured once on this machine with MLflow 3.17 and its SQLite
store, and are quoted here (MLflow is not a dependency); ours are measured now,
each in a temporary store, so the benchmark's own run goes to the normal store.

Targets: ``log_metric`` one by one >= 50,000 points/s; batched
(``log_metrics`` with 100 keys per call) >= 200,000 points/s; ``import tracking``
<= 150 ms in a fresh process; new store + first run <= 50 ms; a 10k-point
history <= 30 ms; ``search_runs`` over 200 runs <= 30 ms; <= 80 bytes per point.
Browser view (issue 14; server time through Flask's test client, no MLflow
figure to compare): the runs page of an experiment with 10,000 runs <= 200 ms
(the slowest of: newest first, sorted by a metric, filtered and sorted by a
param); the chart of a 100,000-point history <= 300 ms.

Short runs: a sweep of 1000 runs one after another, each logging a param and a
metric point, per run (a run's start and end are a few transactions; the store's
checkpoint must stay off that path); and the same with 3 processes sweeping into
one store at once.

Export (issue 15): ``export_mlflow`` of one run of 100,000 points (500,000 with
--full) into a real ``mlflow server`` started here from ``.venv-mlflow`` (``make
mlflow``; the rows are left out, with a note, when that venv is missing, and in a
smoke run), target >= 50,000 points/s. Its MLflow figure is MLflow's own client
sending 1000-point ``log_batch`` requests one after another (the export before
issue 15). A second export with ``log_batch`` doing nothing measures our side
alone (reading the store, building MLflow's entities): where the time goes.
Re-export after the run ends: a run of 40,000 points (200,000 with --full) is
exported when half of them are logged, then again once it has ended; the
second export's speed counts the points the run gained in between (the points
it had are in the target already), target as for an export.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.common import BenchResult, best_time, number, progress_bar, times

REPO = Path(__file__).resolve().parents[1]

# MLflow 3.17 with its SQLite store, measured once on this machine (seconds, points/s, bytes).
MLFLOW = {
    "import": 2.3,
    "new store + first run": 3.1,
    "log_metric one by one": 136.0,
    "batched logging": 5095.0,
    "10k-point history read": 0.57,
    "search over 200 runs": 0.145,
    "bytes per point on disk": 240.0,
    "export to an MLflow server": 6946.0,  # 1000-point log_batch requests one after another
}
SHORT_RUNS = 1000  # runs in a sweep of short runs
WRITERS = 3        # processes sweeping at once
# (unit, target, higher is better)
TARGETS = {
    "import": ("ms", 150.0, False),
    "new store + first run": ("ms", 50.0, False),
    "log_metric one by one": ("points/s", 50_000.0, True),
    "batched logging": ("points/s", 200_000.0, True),
    "10k-point history read": ("ms", 30.0, False),
    "search over 200 runs": ("ms", 30.0, False),
    "bytes per point on disk": ("bytes", 80.0, False),
    "ui: runs page, 10,000 runs": ("ms", 200.0, False),
    "ui: chart, 100,000 points": ("ms", 300.0, False),
    "1000 short runs, per run": ("ms", 0.5, False),
    f"1000 short runs, {WRITERS} writers at once, per run": ("ms", 1.0, False),
    "export to an MLflow server": ("points/s", 50_000.0, True),
    "re-export after the run ends": ("points/s", 50_000.0, True),
}
_EXPORT_ROWS = ("export to an MLflow server", "re-export after the run ends")

_EXPORT = """
import json, sys
from tracking.export import export_mlflow
to, uri, alone = sys.argv[1], sys.argv[2], sys.argv[3] == "alone"
if alone:  # our side only: every request but log_batch is made
    from mlflow.tracking import MlflowClient
    MlflowClient.log_batch = lambda self, *args, **kwargs: None
result = export_mlflow(to, uri=uri)
print(json.dumps({"points": result.points, "seconds": result.seconds}))
"""


def _export_speed(tmp: Path, n_points: int, n_update: int) -> tuple[float, float, float, int]:
    """Into a real MLflow server, one run each: (points/s of an export, points/s of our
    side alone, points/s of a re-export after the run ends, points that re-export sent)."""
    import json

    import tracking
    from benchmarks.common import MLFLOW_BIN, mlflow_env, mlflow_server

    stores = []
    # a warm-up (every server worker imports its code on its first requests), then one store
    # per measurement: a later export must not find an earlier one's run in the server
    for which, n in (("warm-up", 20_000), ("server", n_points), ("alone", n_points)):
        uri = tmp / f"export-{which}" / "tracking.db"
        with tracking.start_run(experiment="export", run_name=which, uri=uri) as run:
            run.log_params({"n": n, "which": which})
            for i in range(n):
                run.log_metric("loss", 1.0 / (i + 1))
        stores.append(uri)
    home = tmp / "mlflow-server"
    home.mkdir()

    def export(url, uri, which):
        done = subprocess.run([MLFLOW_BIN / "python", "-c", _EXPORT, url, str(uri), which],
                              capture_output=True, text=True, env=mlflow_env(), check=True)
        return json.loads(done.stdout.strip().splitlines()[-1])

    with mlflow_server(home, workers=4) as url:  # mlflow server's default worker count
        rates = []
        for uri, which in zip(stores, ("warm-up", "server", "alone")):
            out = export(url, uri, which)
            rates.append(out["points"] / out["seconds"])
        uri = tmp / "export-update" / "tracking.db"  # exported while running, then once ended
        run = tracking.start_run(experiment="export", run_name="update", uri=uri)
        half = n_update // 2
        for i in range(n_update):
            if i == half:
                run.flush()
                export(url, uri, "first")
            run.log_metric("loss", 1.0 / (i + 1))
        run.end()
        out = export(url, uri, "update")
    return rates[1], rates[2], (n_update - half) / out["seconds"], out["points"]


_SWEEP = """
import os, sys, time
import tracking
uri, n, go = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def sweep(n, name):
    for i in range(n):
        with tracking.start_run(experiment="sweep", run_name=f"{name}-{i}", uri=uri) as run:
            run.log_param("i", i)
            run.log_metric("loss", 1.0 / (i + 1))

sweep(20, "warm-up")
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.001)
t = time.perf_counter()
sweep(n, str(os.getpid()))
print(time.perf_counter() - t, flush=True)
"""


def _sweep(uri: Path, n: int) -> None:
    """``n`` short runs one after another: a param and a metric point each."""
    import tracking

    for i in range(n):
        with tracking.start_run(experiment="sweep", run_name=f"run-{i}", uri=uri) as run:
            run.log_param("i", i)
            run.log_metric("loss", 1.0 / (i + 1))


def _short_runs(tmp: Path, repeat: int, n: int = SHORT_RUNS) -> tuple[float, float]:
    """Seconds per run of a sweep of ``n`` runs: in this process alone, and the mean over
    WRITERS processes sweeping into one store at once."""
    import tracking

    uri = tmp / "sweep" / "tracking.db"
    _sweep(uri, 20)  # the store exists, its experiment and keys too
    alone = best_time(lambda: _sweep(uri, n), repeat=repeat) / n
    shared = tmp / "sweep-shared" / "tracking.db"
    _sweep(shared, 1)
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    best = float("inf")
    for attempt in range(repeat):
        go = tmp / f"sweep-go-{attempt}"
        children = [subprocess.Popen([sys.executable, "-c", _SWEEP, str(shared), str(n), str(go)],
                                     stdout=subprocess.PIPE, text=True, env=env) for _ in range(WRITERS)]
        for child in children:
            assert child.stdout.readline().strip() == "ready"
        go.touch()
        spent = [float(child.communicate(timeout=600)[0]) for child in children]
        assert all(child.returncode == 0 for child in children)
        best = min(best, sum(spent) / len(spent) / n)
    assert len(tracking.search_runs(experiment="sweep", uri=shared)) == 1 + (20 + n) * WRITERS * repeat
    return alone, best


def _import_time(repeat: int) -> float:
    """Best wall time of ``import tracking`` in a fresh interpreter."""
    code = "import time; t = time.perf_counter(); import tracking; print(time.perf_counter() - t)"
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    best = float("inf")
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env=env, cwd=REPO, check=True)
        best = min(best, float(out.stdout.strip()))
    return best


def _store_size(db: Path) -> int:
    import sqlite3

    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))


def _ui_figures(tmp: Path, repeat: int, n_runs: int = 10_000, n_points: int = 100_000) -> dict:
    """Server times of the browser view's two heavy pages (tracking.ui, through Flask's test client)."""
    import tracking
    from tracking.ui import create_app

    uri = tmp / "ui" / "tracking.db"
    rng = np.random.default_rng(6)
    # children of one parent run in another experiment: the store is checkpointed once, at the end
    with tracking.start_run(experiment="ui-sweeps", run_name="sweep", uri=uri):
        for i in range(n_runs):
            with tracking.start_run(experiment="ui", run_name=f"run-{i}", uri=uri) as r:
                r.log_params({"lr": float(rng.choice([1e-3, 1e-2, 0.1, 0.5])), "seed": i, "method": "gd"})
                r.log_metrics({"loss": float(rng.random()), "acc": float(rng.random()), "steps": 100.0})
    with tracking.start_run(experiment="ui-long", run_name="long", uri=uri) as r:
        log = r.log_metric
        for x in np.cumsum(rng.standard_normal(n_points)):
            log("loss", float(x))
    long_id = r.run_id
    client = create_app(uri).test_client()
    eid = next(row[0] for row in tracking.store.Store(uri, readonly=True).experiments() if row[1] == "ui")
    pages = [f"/experiments/{eid}", f"/experiments/{eid}?sort=metrics.loss&desc=0",
             f"/experiments/{eid}?filter=params.method+%3D+%27gd%27+and+metrics.acc+%3E+0.5&sort=params.lr"]

    def get(url):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    assert " ".join(get(pages[0]).text.split()).count(f"Runs 1–100 of {n_runs:,}") == 1
    chart = f"/runs/{long_id}/chart/loss"
    assert get(chart).mimetype == "image/svg+xml"  # also warms matplotlib up
    return {
        "ui: runs page, 10,000 runs": max(best_time(lambda u=url: get(u), repeat=repeat) for url in pages),
        "ui: chart, 100,000 points": best_time(lambda: get(chart), repeat=repeat),
    }


def run(quick: bool = True, smoke: bool = False) -> BenchResult:
    import tracking

    n_single = 20_000 if smoke else 200_000 if quick else 1_000_000
    n_batch = 50_000 if smoke else 500_000 if quick else 2_000_000
    keys_per_batch = 100
    repeat = 1 if smoke else 3 if quick else 7
    figures = {}
    export_note = None
    if smoke:
        export_note = "export and re-export to an MLflow server: not measured in a smoke run (it starts a server)"
    elif not (REPO / ".venv-mlflow" / "bin" / "python").exists():
        export_note = "export and re-export to an MLflow server: not measured, no .venv-mlflow (`make mlflow` makes it)"
    bar = progress_bar(len(TARGETS) - len(_EXPORT_ROWS) * (export_note is not None), "tracking_speed",
                       unit="measure")

    def done(measure, value):  # between timings: the bar never runs inside one
        figures[measure] = value
        bar.update()

    with bar, tempfile.TemporaryDirectory(prefix="tracking-bench-") as tmp:
        tmp = Path(tmp)
        done("import", _import_time(repeat))

        counter = iter(range(10**6))

        def first_run():
            uri = tmp / f"new{next(counter)}" / "tracking.db"
            with tracking.start_run(experiment="bench", run_name="first", uri=uri) as run:
                run.log_param("n", 1)
                run.log_metric("x", 1.0)

        done("new store + first run", best_time(first_run, repeat=repeat))

        main_uri = tmp / "main" / "tracking.db"

        def one_by_one():
            with tracking.start_run(experiment="bench", run_name="single", uri=main_uri) as run:
                log = run.log_metric
                for i in range(n_single):
                    log("loss", 0.5 * i)

        done("log_metric one by one", n_single / best_time(one_by_one, repeat=repeat))

        batch = {f"m{k:03d}": 0.25 * k for k in range(keys_per_batch)}

        def batched():
            with tracking.start_run(experiment="bench", run_name="batched", uri=main_uri) as run:
                for step in range(n_batch // keys_per_batch):
                    run.log_metrics(batch, step=step)

        done("batched logging", n_batch / best_time(batched, repeat=repeat))

        with tracking.start_run(experiment="bench", run_name="history", uri=main_uri) as run:
            for i in range(10_000):
                run.log_metric("h", float(i))
        hist_id = run.run_id
        assert len(tracking.metric_history(hist_id, "h", uri=main_uri)) == 10_000  # warms pandas
        done("10k-point history read", best_time(
            lambda: tracking.metric_history(hist_id, "h", uri=main_uri), repeat=10 * repeat))

        search_uri = tmp / "search" / "tracking.db"
        rng = np.random.default_rng(3)
        for i in range(200):
            with tracking.start_run(experiment=f"exp{i % 4}", run_name=f"run-{i}", uri=search_uri) as r:
                r.log_params({"n": int(rng.integers(5, 50)), "seed": i, "lr": float(rng.random()),
                              "method": "nn", "closed": bool(i % 2)})
                for step in range(10):
                    r.log_metrics({"best": float(rng.random()), "mean": 1.0, "loss": 0.5,
                                   "seconds": 0.1, "gap": 0.0}, step=step)
                r.set_tags({"kind": "bench", "batch": str(i // 50)})
        assert len(tracking.search_runs(uri=search_uri)) == 200
        done("search over 200 runs", best_time(lambda: tracking.search_runs(uri=search_uri),
                                               repeat=10 * repeat))
        t_filtered = best_time(lambda: tracking.search_runs(
            filter="metrics.best < 0.5 and params.method = 'nn'", uri=search_uri), repeat=10 * repeat)

        size_uri = tmp / "size" / "tracking.db"
        with tracking.start_run(uri=size_uri) as r:
            r.log_metric("warm", 0.0)
        empty = _store_size(size_uri)
        n_size = 20_000 if smoke else 200_000
        with tracking.start_run(uri=size_uri) as r:
            x = np.random.default_rng(4).standard_normal(n_size)
            for i in range(n_size):
                r.log_metric(("loss", "acc", "lr", "grad")[i % 4], float(x[i]))
        # _store_size checkpoints the WAL itself; closing stores here would also close
        # the store of a run that encloses this benchmark (python -m benchmarks opens one).
        done("bytes per point on disk", (_store_size(size_uri) - empty) / n_size)
        for measure, value in _ui_figures(tmp, repeat, *((1_000, 10_000) if smoke else ())).items():
            done(measure, value)  # smoke: fewer runs and points, the program runs
        alone, shared = _short_runs(tmp, repeat, 100 if smoke else SHORT_RUNS)  # smoke: the program runs
        done("1000 short runs, per run", alone)
        done(f"1000 short runs, {WRITERS} writers at once, per run", shared)
        if export_note is None:
            n_export = 100_000 if quick else 500_000
            n_update = 40_000 if quick else 200_000
            rate, export_alone, update_rate, update_sent = _export_speed(tmp, n_export, n_update)
            done("export to an MLflow server", rate)
            done("re-export after the run ends", update_rate)

    rows = []
    for measure, ours in figures.items():
        unit, target, higher = TARGETS[measure]
        theirs = MLFLOW.get(measure, float("nan"))  # the browser view has no MLflow figure
        if unit == "ms":  # figures are in seconds; the table reads better in ms
            ours, theirs = ours * 1e3, theirs * 1e3
        rows.append({
            "measure": measure,
            "unit": unit,
            "ours": round(ours, 3),
            "mlflow_3_17": theirs,
            "ours_better_by": round(ours / theirs if higher else theirs / ours, 1),
            "target": target,
            "met": (ours >= target) if higher else (ours <= target),
        })
    table = pd.DataFrame(rows)

    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4))
    versus = table.dropna(subset=["ours_better_by"])  # measures with an MLflow figure
    ax.barh(versus["measure"], versus["ours_better_by"], color=["tab:green" if m else "tab:red" for m in versus["met"]])
    ax.set_xscale("log")
    ax.set_xlim(1, versus["ours_better_by"].max() * 5)
    ax.invert_yaxis()
    ax.set(xlabel="how many times better than MLflow 3.17 (log scale; green: our target met)",
           title="tracking vs MLflow on MLflow's workload")
    for y, v in enumerate(versus["ours_better_by"]):
        ax.text(v, y, f" {v:,.0f}x", va="center")
    fig.tight_layout()

    notes = [f"filtered search over 200 runs: {t_filtered * 1e3:.2f} ms",
             "MLflow 3.17's figures: measured once on this machine with its SQLite store, not rerun "
             "(MLflow is not a dependency)"]
    if export_note:
        notes.append(export_note)
    else:
        notes.append(f"export of {n_export:,} points, our side alone (log_batch doing nothing): "
                     f"{number(export_alone)} points/s; the rest of the time is MLflow's server")
        notes.append(f"re-export after the run ends: {update_sent:,} points sent for the "
                     f"{n_update - n_update // 2:,} the run gained since its first export")
    for row in table.itertuples():
        mlflow = "no MLflow figure" if row.mlflow_3_17 != row.mlflow_3_17 else f"MLflow {number(row.mlflow_3_17)}"
        notes.append(f"{row.measure}: {number(row.ours)} {row.unit} (target {number(row.target)}: "
                     f"{'met' if row.met else 'MISSED'}; {mlflow})")
    metrics = {
        "import_s": figures["import"],
        "new_store_first_run_s": figures["new store + first run"],
        "log_metric_points_per_s": figures["log_metric one by one"],
        "log_batch_points_per_s": figures["batched logging"],
        "history_10k_s": figures["10k-point history read"],
        "search_200_runs_s": figures["search over 200 runs"],
        "search_200_runs_filtered_s": t_filtered,
        "bytes_per_point": figures["bytes per point on disk"],
        "ui_runs_page_10k_s": figures["ui: runs page, 10,000 runs"],
        "ui_chart_100k_s": figures["ui: chart, 100,000 points"],
        "short_run_s": figures["1000 short runs, per run"],
        "short_run_shared_s": figures[f"1000 short runs, {WRITERS} writers at once, per run"],
        "targets_met": int(table["met"].sum()),
    }
    if export_note is None:
        metrics["export_points_per_s"] = figures["export to an MLflow server"]
        metrics["export_our_side_points_per_s"] = export_alone
        metrics["reexport_points_per_s"] = figures["re-export after the run ends"]
        metrics["reexport_points_sent"] = update_sent
    params = {"quick": quick, "smoke": smoke, "points_one_by_one": n_single, "points_batched": n_batch,
              "keys_per_batch": keys_per_batch, "repeat": repeat}
    columns = {"mlflow_3_17": ("MLflow 3.17", number), "ours_better_by": ("ours better by", times)}
    return BenchResult("tracking_speed", table, params, metrics, fig, notes, columns)


if __name__ == "__main__":
    # Same flags as `python -m benchmarks` (--quick by default, --full, --out, --no-track).
    from benchmarks.__main__ import main

    sys.exit(main(["--only", "tracking_speed", *sys.argv[1:]]))
