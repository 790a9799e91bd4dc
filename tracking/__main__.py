"""``python -m tracking``: look at runs from a shell.

    python -m tracking runs [--experiment X] [--filter "metrics.best < 130"] [--order-by ...] [--all]
    python -m tracking show RUN_ID
    python -m tracking compare RUN_ID RUN_ID [...]
    python -m tracking plot RUN_ID METRIC [-o file.png] [--logy]
    python -m tracking export-mlflow --to URI [--experiment X] [--filter ...]
    python -m tracking end RUN_ID [--status KILLED|FAILED|FINISHED] [--force]

Run ids may be shortened to a unique prefix of at least 6 hex digits. ``--uri``
(before the command) picks the store; default ``$OPTSANDBOX_TRACKING_URI`` or
``sqlite:///runs/tracking.db``. Bad arguments and unknown runs: one line on
stderr, exit code 2. ``end`` marks a run left RUNNING by a process that died
(SIGKILL, a crash) as ended, and refuses while that process is alive.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import get_run, get_tracking_uri, metric_history, search_runs
from ._validation import RunNotFound, db_path_from_uri

SHORT = 8


def _fmt_time(ts) -> str:
    return "-" if ts is None else ts.strftime("%Y-%m-%d %H:%M:%S")


def _cmd_runs(args) -> int:
    import pandas as pd

    df = search_runs(args.experiment, args.filter, args.order_by, uri=args.uri)
    if df.empty:
        print(f"no runs in {args.uri or get_tracking_uri()}"
              + (" matching the filter" if args.filter or args.experiment else ""))
        return 0
    total = len(df)
    if args.limit is not None:
        df = df.head(args.limit)
    keep = [c for c in df.columns if args.all or not c.startswith(("params.", "tags."))]
    out = df[keep].copy()
    out["run_id"] = out["run_id"].str[:SHORT]
    for col in ("start_time", "end_time"):
        out[col] = out[col].dt.strftime("%Y-%m-%d %H:%M:%S")
    out["duration_s"] = out["duration_s"].round(3)
    with pd.option_context("display.width", 200, "display.max_columns", 50, "display.max_colwidth", 40):
        print(out.to_string(index=False, na_rep="-"))
    print(f"{len(out)} of {total} runs")
    return 0


def _cmd_show(args) -> int:
    rec = get_run(args.run_id, uri=args.uri)
    duration = "-" if rec.duration_s is None else f"{rec.duration_s:.3f} s"
    print(f"run        {rec.run_id}")
    print(f"experiment {rec.experiment}")
    print(f"name       {rec.run_name}")
    print(f"status     {rec.status}")
    print(f"start      {_fmt_time(rec.start_time)} UTC")
    print(f"end        {_fmt_time(rec.end_time)}")
    print(f"duration   {duration}")
    if rec.parent_run_id:
        print(f"parent     {rec.parent_run_id}")
    for title, items in (("params", rec.params), ("metrics (last value)", rec.metrics), ("tags", rec.tags)):
        print(f"\n{title}:" + ("" if items else " none"))
        width = max((len(k) for k in items), default=0)
        for key, value in items.items():
            print(f"  {key:<{width}}  {value!r}" if isinstance(value, float) else f"  {key:<{width}}  {value}")
    print(f"\nartifacts ({rec.artifact_dir}):" + ("" if rec.artifacts else " none"))
    for name in rec.artifacts:
        print(f"  {name}")
    return 0


def _cmd_compare(args) -> int:
    import pandas as pd

    recs = [get_run(r, uri=args.uri) for r in args.run_ids]
    rows: dict[str, list] = {}

    def put(label, i, value):
        if isinstance(value, float):
            value = f"{value:.6g}"
        rows.setdefault(label, ["-"] * len(recs))[i] = "-" if value is None else str(value)

    for i, rec in enumerate(recs):
        for field in ("experiment", "run_name", "status"):
            put(field, i, getattr(rec, field))
        put("duration_s", i, rec.duration_s)
    for prefix, attr in (("params.", "params"), ("metrics.", "metrics"), ("tags.", "tags")):
        keys = sorted({k for rec in recs for k in getattr(rec, attr)})
        for key in keys:
            for i, rec in enumerate(recs):
                put(prefix + key, i, getattr(rec, attr).get(key))
    labels = []
    for label, values in rows.items():
        differs = len(set(values)) > 1
        labels.append(("* " if differs else "  ") + label)
    table = pd.DataFrame(list(rows.values()), index=labels,
                         columns=[rec.run_id[:SHORT] for rec in recs])
    with pd.option_context("display.width", 200, "display.max_columns", 50):
        print(table.to_string())
    print("(* marks rows that differ)")
    return 0


def _cmd_plot(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    rec = get_run(args.run_id, uri=args.uri)
    hist = metric_history(rec.run_id, args.metric, uri=args.uri)
    finite = np.isfinite(hist["value"].to_numpy())
    default = f"{rec.run_id[:SHORT]}_{args.metric.replace('/', '_').replace(' ', '_')}.png"
    out = args.output or default
    if out.endswith(("/", os.sep)) or Path(out).is_dir():
        out = str(Path(out) / default)  # a folder given: the default name inside it
    if not Path(out).suffix:
        out += ".png"  # what savefig would add: say the file's real name
    if not Path(out).parent.is_dir():
        raise ValueError(f"-o {out}: the directory {str(Path(out).parent)!r} does not exist")
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    ax.plot(hist["step"][finite], hist["value"][finite], marker="o" if len(hist) <= 50 else None, lw=1.5)
    ax.set_xlabel("step")
    ax.set_ylabel(args.metric)
    if args.logy:
        ax.set_yscale("log")
    ax.set_title(f"{rec.experiment} / {rec.run_name} ({rec.run_id[:SHORT]})")
    ax.grid(alpha=0.3)
    fig.savefig(out, dpi=110, bbox_inches="tight")
    plt.close(fig)
    skipped = int((~finite).sum())
    print(f"saved {out} ({len(hist)} points" + (f", {skipped} non-finite not drawn)" if skipped else ")"))
    return 0


def _cmd_export(args) -> int:
    import warnings

    from .export import ExportWarning, export_mlflow

    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ExportWarning)
            result = export_mlflow(args.to, experiment=args.experiment, filter=args.filter, uri=args.uri)
    except (ValueError, TypeError, OSError):
        raise  # a bad filter, a run MLflow would refuse, a server down: our own message is clear
    except Exception as exc:  # MLflow's errors (value refused) have many types
        first = str(exc).splitlines()[0] if str(exc) else ""
        raise ValueError(f"export to {args.to} failed: {type(exc).__name__}: {first}") from exc
    for w in caught:
        if issubclass(w.category, ExportWarning):
            print(f"python -m tracking: warning: {w.message}", file=sys.stderr)
    done = {**dict.fromkeys(result.created, "created"), **dict.fromkeys(result.updated, "updated"),
            **dict.fromkeys(result.skipped, "up to date")}
    for ours, theirs in result.runs.items():
        print(f"{ours} -> {theirs} ({done[ours]})")
    rate = f", {result.points / result.seconds:,.0f} points/s" if result.points else ""
    print(f"exported {len(result.runs)} runs to {args.to}: {len(result.created)} created, "
          f"{len(result.updated)} updated, {len(result.skipped)} already up to date; "
          f"{result.points:,} metric points in {result.seconds:.1f} s{rate}")
    return 0


def _cmd_end(args) -> int:
    from .run import end_stale_run

    run_id, end_ms = end_stale_run(args.run_id, args.status, force=args.force, uri=args.uri)
    from datetime import datetime, timezone

    when = _fmt_time(datetime.fromtimestamp(end_ms / 1000, tz=timezone.utc))
    print(f"run {run_id} marked {args.status}, end time {when} UTC (its last logged point)")
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line (no usage block) and a pointer to --help."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (`{self.prog} --help` for usage)\n")


def _uri(text: str) -> str:
    try:
        db_path_from_uri(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc))
    return text


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m tracking", description="Look at tracked runs.")
    parser.add_argument("--uri", type=_uri, default=None,
                        help="store, e.g. sqlite:///runs/tracking.db (default: $OPTSANDBOX_TRACKING_URI)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("runs", help="list runs as a table")
    p.add_argument("--experiment", action="append", help="only this experiment (repeatable)")
    p.add_argument("--filter", help="e.g. \"metrics.best < 130 and params.n = '15'\"")
    p.add_argument("--order-by", action="append", help="e.g. 'metrics.best ASC' (repeatable)")
    p.add_argument("--limit", type=_positive, help="show at most this many runs")
    p.add_argument("--all", action="store_true", help="also show params.* and tags.* columns")
    p.set_defaults(func=_cmd_runs)

    p = sub.add_parser("show", help="params, last metrics, tags and artifacts of one run")
    p.add_argument("run_id")
    p.set_defaults(func=_cmd_show)

    p = sub.add_parser("compare", help="runs side by side")
    p.add_argument("run_ids", nargs="+", metavar="RUN_ID")
    p.set_defaults(func=_cmd_compare)

    p = sub.add_parser("plot", help="plot one metric's history to a PNG")
    p.add_argument("run_id")
    p.add_argument("metric")
    p.add_argument("-o", "--output", help="file to write (default RUNID_METRIC.png)")
    p.add_argument("--logy", action="store_true", help="logarithmic y axis")
    p.set_defaults(func=_cmd_plot)

    p = sub.add_parser("export-mlflow", help="replay runs into an MLflow tracking store (needs mlflow)")
    p.add_argument("--to", required=True, help="MLflow tracking URI")
    p.add_argument("--experiment", action="append")
    p.add_argument("--filter")
    p.set_defaults(func=_cmd_export)

    p = sub.add_parser("end", help="mark a run left RUNNING by a dead process (SIGKILL) as ended")
    p.add_argument("run_id")
    p.add_argument("--status", default="KILLED", choices=["KILLED", "FAILED", "FINISHED"],
                   help="the status to store (default KILLED)")
    p.add_argument("--force", action="store_true",
                   help="end it even if its process may still be alive (or ran on another host)")
    p.set_defaults(func=_cmd_end)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "export-mlflow":
        try:
            import mlflow  # noqa: F401
        except ImportError:
            from .export import MLFLOW_MISSING

            parser.exit(2, f"{parser.prog}: error: {MLFLOW_MISSING}\n")
    try:
        return args.func(args)
    except (RunNotFound, ValueError, TypeError, OSError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        parser.exit(2, f"{parser.prog}: error: {message}\n")


if __name__ == "__main__":
    sys.exit(main())
