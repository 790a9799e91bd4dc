"""What every benchmark shares: timing, and reporting a result.

A benchmark module ``benchmarks/<name>.py`` defines ``run(quick: bool, smoke: bool) ->
BenchResult``; ``smoke`` (implies ``quick``) runs its smallest case only.
``python -m benchmarks`` opens a ``tracking`` run in experiment ``benchmarks``
around each one (so the run's start, end and status are the benchmark's), then
``report`` prints the table, writes the CSV and the PNG, and logs params, metrics
and both files into that run. Benchmarks compare implementations in one process,
so ratios survive a noisy machine; they are programs, never tests.
"""

from __future__ import annotations

import os
import platform
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["BenchResult", "MLFLOW_BIN", "best_time", "machine_params", "mlflow_env", "mlflow_server",
           "report", "OUTPUT_DIR"]

OUTPUT_DIR = Path(os.environ.get("OPTSANDBOX_BENCH_DIR", "benchmarks/output"))
#: MLflow's own venv (``make mlflow``): the export benchmark and tests run MLflow from there
MLFLOW_BIN = Path(__file__).resolve().parents[1] / ".venv-mlflow" / "bin"


@dataclass(eq=False)
class BenchResult:
    """One benchmark's outcome.

    Attributes
    ----------
    name : str
        Short name, also the file stem of the CSV and the PNG.
    table : pandas.DataFrame
        The figures, one row per case; printed and saved as CSV.
    params : dict
        Sizes and settings (machine and versions are added by ``report``).
    metrics : dict
        Headline numbers (times in seconds, ratios, gaps), logged as metrics.
    figure : matplotlib.figure.Figure or None
        The plot, saved as PNG.
    notes : list of str
        Lines printed under the table (targets met or missed, cases skipped).
    """

    name: str
    table: object
    params: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    figure: object = None
    notes: list = field(default_factory=list)


def best_time(fn, *, repeat: int = 5, number: int = 1, budget: float | None = None) -> float:
    """Best wall time of ``number`` calls of ``fn``, over ``repeat`` tries, per call.

    With ``budget`` (seconds), stops repeating once that much time has been spent
    (at least one try is always made).
    """
    best = float("inf")
    spent = 0.0
    for _ in range(repeat):
        t0 = time.perf_counter()
        for _ in range(number):
            fn()
        dt = time.perf_counter() - t0
        spent += dt
        best = min(best, dt / number)
        if budget is not None and spent >= budget:
            break
    return best


def machine_params() -> dict:
    """CPU model, core count and library versions, for the params of a run."""
    import numba
    import numpy

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "numpy": numpy.__version__,
        "numba": numba.__version__,
    }


def report(result: BenchResult, out_dir: Path | None = None, run=None) -> Path:
    """Print and save (CSV, PNG) ``result``, and log it into ``run`` when given; return the CSV path."""
    out_dir = Path(out_dir or OUTPUT_DIR)
    out_dir.mkdir(parents=True, exist_ok=True)
    print(f"\n== {result.name} ==")
    print(result.table.to_string(index=False))
    for line in result.notes:
        print(line)
    csv_path = out_dir / f"{result.name}.csv"
    result.table.to_csv(csv_path, index=False)
    png_path = None
    if result.figure is not None:
        png_path = out_dir / f"{result.name}.png"
        result.figure.savefig(png_path, dpi=110, bbox_inches="tight")
        print(f"saved {csv_path} and {png_path}")
    else:
        print(f"saved {csv_path}")
    if run is not None:
        run.log_params({**machine_params(), **result.params})
        run.log_metrics({k: float(v) for k, v in result.metrics.items()})
        run.log_artifact(csv_path)
        if png_path is not None:
            run.log_artifact(png_path)
    return csv_path


def mlflow_env() -> dict:
    """The environment for a process of .venv-mlflow: this checkout importable, MLflow's
    telemetry off (no traffic leaves the machine), localhost never proxied."""
    return dict(os.environ, PYTHONPATH=str(MLFLOW_BIN.parents[1]), MLFLOW_DISABLE_TELEMETRY="true",
                DO_NOT_TRACK="true", NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")


@contextmanager
def mlflow_server(home: Path, workers: int = 2, timeout: float = 180.0):
    """A real ``mlflow server`` from .venv-mlflow on a free 127.0.0.1 port; yields its URL.

    Its database (sqlite) and proxied artifacts live in ``home``; its log is
    ``home/server.log``. Raises RuntimeError when it does not answer within
    ``timeout`` seconds; on leaving, stops it and its workers (the process group it
    was started in).
    """
    import signal
    import socket
    import subprocess
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}"
    with open(home / "server.log", "w") as log:
        server = subprocess.Popen(
            [MLFLOW_BIN / "mlflow", "server", "--backend-store-uri", f"sqlite:///{home / 'mlflow.db'}",
             "--artifacts-destination", str(home / "artifacts"), "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(workers)],
            cwd=home, env=mlflow_env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    with urllib.request.urlopen(url + "/health", timeout=5) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"mlflow server did not start: {(home / 'server.log').read_text()[-2000:]}")
                time.sleep(0.25)
            yield url
        finally:
            os.killpg(server.pid, signal.SIGTERM)  # the server and its workers: the group started here
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(30)
