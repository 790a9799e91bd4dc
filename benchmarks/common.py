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

import math
import os
import platform
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

__all__ = [
    "BenchResult", "MLFLOW_BIN", "best_time", "format_table", "machine_params", "mlflow_env", "mlflow_server",
    "number", "percent", "progress_bar", "report", "seconds", "size", "times", "OUTPUT_DIR",
]

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
    columns : dict
        How to print a column for people: name -> formatter, or (header, formatter),
        e.g. ``{"dp_s": ("dp", seconds)}``; see ``format_table``. The CSV keeps the
        raw numbers.
    shown : list of str, optional
        The columns to print, in order (default: all); the CSV keeps every column.
    """

    name: str
    table: object
    params: dict = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)
    figure: object = None
    notes: list = field(default_factory=list)
    columns: dict = field(default_factory=dict)
    shown: list | None = None


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


# ---------------------------------------------------------------------------
# Numbers for people: the printed tables (the CSV files keep every digit)
# ---------------------------------------------------------------------------


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def number(x) -> str:
    """About 4 significant digits, thousands separated, scientific only below 0.001.

    >>> number(1258185.709), number(26.782), number(0.1140), number(40.5), number(7.42614e-05), number(0)
    ('1,258,186', '26.78', '0.114', '40.5', '7.4e-05', '0')
    """
    if _missing(x):
        return "-"
    if isinstance(x, (bool, np.bool_)):
        return "yes" if x else "no"
    if isinstance(x, (int, np.integer)) or float(x).is_integer() and abs(x) < 1e15:
        return f"{int(x):,}"
    x = float(x)
    if abs(x) < 1e-3:
        return f"{x:.2g}"
    decimals = max(0, 3 - math.floor(math.log10(abs(x))))
    text = f"{x:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def seconds(x) -> str:
    """A duration in the unit that reads best, 3 significant digits.

    >>> seconds(7.426e-05), seconds(0.004467), seconds(2.2), seconds(15957.9)
    ('74.3 µs', '4.47 ms', '2.2 s', '4.43 h')
    """
    if _missing(x):
        return "-"
    for unit, scale, below in (("ns", 1e-9, 1e-6), ("µs", 1e-6, 1e-3), ("ms", 1e-3, 1.0),
                               ("s", 1.0, 60.0), ("min", 60.0, 3600.0), ("h", 3600.0, math.inf)):
        shown = f"{x / scale:.3g}"
        if abs(float(shown)) * scale < below:  # 999.7 ms rounds to 1e+03: say 1 s
            return f"{shown} {unit}"


def size(x) -> str:
    """A number of bytes in MiB or GiB, 3 significant digits.

    >>> size(576716800), size(2.5 * 2**30)
    ('550 MiB', '2.5 GiB')
    """
    if _missing(x):
        return "-"
    return f"{x / 2**30:.3g} GiB" if x >= 2**30 else f"{x / 2**20:.3g} MiB"


def times(x) -> str:
    """A ratio: ``732x``, ``7.08x``, ``1x``.

    >>> times(732.43), times(7.0772), times(1.0), times(15425.9)
    ('732x', '7.08x', '1x', '15,426x')
    """
    if _missing(x):
        return "-"
    return f"{x:,.0f}x" if abs(x) >= 100 else f"{x:.3g}x"


def percent(x) -> str:
    """A percentage with one decimal: ``24.4 %``.

    >>> percent(24.354069)
    '24.4 %'
    """
    return "-" if _missing(x) else f"{x:.1f} %"


def format_table(table, columns=None) -> str:
    """``table`` as text for people: each column through its formatter, right-aligned.

    Parameters
    ----------
    table : pandas.DataFrame
    columns : dict, optional
        name -> formatter, or name -> (header, formatter). Other columns: ``number``
        (text stays as it is).

    Examples
    --------
    >>> import pandas as pd
    >>> t = pd.DataFrame({"amount": [1000, 10**6], "dp_s": [1.4e-05, 0.004467], "dp/greedy": [2.35, 732.4]})
    >>> print(format_table(t, {"dp_s": ("dp", seconds), "dp/greedy": times}))
       amount       dp  dp/greedy
        1,000    14 µs      2.35x
    1,000,000  4.47 ms       732x
    """
    columns = columns or {}
    out = {}
    for name in table.columns:
        spec = columns.get(name, number)
        header, fmt = spec if isinstance(spec, tuple) else (name, spec)
        values = table[name].tolist()
        out[header] = [v if isinstance(v, str) else fmt(v) for v in values]
    widths = {h: max([len(h)] + [len(v) for v in vals]) for h, vals in out.items()}
    lines = ["  ".join(h.rjust(widths[h]) for h in out)]
    for i in range(len(table)):
        lines.append("  ".join(out[h][i].rjust(widths[h]) for h in out))
    return "\n".join(lines)


def progress_bar(total: int, desc: str, unit: str = "case"):
    """A ``tqdm`` bar for a benchmark's long loop: on stderr, drawn only on a terminal.

    Update it between timings, never inside one. Its monitor thread is off, so
    nothing wakes up while a timing runs; ``leave=False`` clears it before the
    table is printed.
    """
    from tqdm import tqdm

    tqdm.monitor_interval = 0
    return tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, disable=not sys.stderr.isatty(),
                leave=False)


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
    print(format_table(result.table if result.shown is None else result.table[result.shown], result.columns))
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
