"""``python -m tracking``: look at runs from a shell.

    python -m tracking runs [--experiment X] [--filter F] [--order-by C] [--columns A,B | --wide]
    python -m tracking show RUN_ID
    python -m tracking compare RUN_ID RUN_ID [...]
    python -m tracking plot RUN_ID METRIC [-o file.png] [--logy]
    python -m tracking export-mlflow --to URI [--experiment X] [--filter F]
    python -m tracking ui [--host 127.0.0.1] [--port 5000]
    python -m tracking end RUN_ID [--status KILLED|FAILED|FINISHED] [--force]

Run ids may be shortened to a unique prefix of at least 6 hex digits, as in
``show 3f2a9c``. ``--uri`` (before the command) picks the store; the default is
``$OPTSANDBOX_TRACKING_URI``, else ``sqlite:///runs/tracking.db`` under the
working directory. Bad arguments and unknown runs: one line on stderr, exit
code 2. Every command but ``end`` only reads: the store is opened read-only
(SQLite ``mode=ro``; it may sit in a folder you cannot write, and a database
that is not a tracking store is refused, never changed). ``runs`` shows the
columns that fit the terminal. ``end`` marks a run
left RUNNING by a process that died (SIGKILL, a crash) as ended, and refuses
while that process is alive.

A filter is comparisons joined by AND (the language of ``tracking.search_runs``);
params and tags are text, metrics numbers (their last value). With the keys
that ``python -m tsp --track`` and ``python -m benchmarks`` log:

    python -m tracking runs --experiment tsp --filter "metrics.gap > 0 and params.instance = 'seed'"
    python -m tracking runs --filter "params.n_cities = '52'" --order-by "metrics.best_length ASC"
    python -m tracking runs --experiment benchmarks --filter "status = 'FAILED'"
    python -m tracking runs --filter "run_name LIKE 'berlin52-%' and metrics.best_length < 9000"
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import get_run, get_tracking_uri, metric_history, search_runs
from ._validation import RunNotFound, db_path_from_uri

# the docstring as --help shows it (after its first line), and its filter paragraph for `runs --help`
_HELP = __doc__.split("\n", 1)[1].strip("\n").replace("``", "`")
_FILTER_HELP = _HELP[_HELP.index("A filter is"):]
SHORT = 8       # hex digits of a run id shown in tables
MAX_CELL = 40   # characters of a param or tag shown in the runs table


def _fmt_time(ts) -> str:
    return "-" if ts is None else ts.strftime("%Y-%m-%d %H:%M:%S UTC")


def _cells(df, column: str) -> list[str]:
    """One column of a ``search_runs`` table as text (``-`` for missing, times in UTC)."""
    import pandas as pd

    values = df[column]
    if column == "run_id":
        return [v[:SHORT] for v in values]
    if column in ("start_time", "end_time"):
        return ["-" if pd.isna(v) else v.strftime("%Y-%m-%d %H:%M:%S") for v in values]
    if column == "duration_s":
        return ["-" if v != v else f"{v:.3f}" for v in values]
    if column.startswith("metrics."):
        return ["-" if v != v else f"{v:.6g}" for v in values]  # missing (or NaN: search_runs can't tell)
    # a missing param or tag: None, or NaN once pandas 3 has made the column its str dtype
    text = ["-" if pd.isna(v) else str(v) for v in values]
    return [t if len(t) <= MAX_CELL else t[:MAX_CELL - 1] + "…" for t in text]


def _fit(widths: dict, base: list, extra: list, room: int) -> list:
    """``base`` and then as many ``extra`` columns, in order, as fit in ``room`` characters."""
    chosen = list(base)
    used = sum(widths[c] + 2 for c in chosen)
    for column in extra:
        if used + widths[column] > room:
            break
        chosen.append(column)
        used += widths[column] + 2
    return chosen


def _cmd_runs(args) -> int:
    import shutil

    df = search_runs(args.experiment, args.filter, args.order_by, uri=args.uri)
    if df.empty:
        print(f"no runs in {args.uri or get_tracking_uri()}"
              + (" matching the filter" if args.filter or args.experiment else ""))
        return 0
    total = len(df)
    if args.limit is not None:
        df = df.head(args.limit)
    cells = {c: _cells(df, c) for c in df.columns}
    widths = {c: max(len(c), *map(len, cells[c])) for c in df.columns}
    grouped = [c for p in ("metrics.", "params.", "tags.") for c in df.columns if c.startswith(p)]
    if args.columns:
        unknown = [c for c in args.columns if c not in cells]
        if unknown:
            raise ValueError(f"--columns: no column {unknown[0]!r} among these runs; they have "
                             f"{', '.join(df.columns[:12])}{', ...' if len(df.columns) > 12 else ''}")
        shown = args.columns
    elif args.wide:
        shown = ["run_id", "experiment", "run_name", "status", "start_time", "end_time", "duration_s", *grouped]
    else:
        base = ["run_id", "run_name", "status", "start_time", "duration_s"]
        if df["experiment"].nunique() > 1:
            base.insert(1, "experiment")
        shown = _fit(widths, base, [c for c in grouped if not c.startswith("tags.")],
                     shutil.get_terminal_size().columns)
    numeric = {c for c in shown if c.startswith("metrics.") or c == "duration_s"}

    def line(texts):
        return "  ".join(t.rjust(widths[c]) if c in numeric else t.ljust(widths[c])
                         for c, t in zip(shown, texts)).rstrip()

    print(line(shown))
    for i in range(len(df)):
        print(line([cells[c][i] for c in shown]))
    hidden = len(df.columns) - len(shown)
    print(f"{len(df)} of {total} runs" + ("; times in UTC" if {"start_time", "end_time"} & set(shown) else "")
          + (f"; {hidden} more columns: --wide shows all, --columns picks" if hidden and not args.columns else ""))
    return 0


def _cmd_show(args) -> int:
    rec = get_run(args.run_id, uri=args.uri)
    duration = "-" if rec.duration_s is None else f"{rec.duration_s:.3f} s"
    print(f"run        {rec.run_id}")
    print(f"experiment {rec.experiment}")
    print(f"name       {rec.run_name}")
    print(f"status     {rec.status}")
    print(f"start      {_fmt_time(rec.start_time)}")
    print(f"end        {_fmt_time(rec.end_time) if rec.end_time else '- (running)'}")
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
    import numpy as np

    from .charts import metric_figure

    rec = get_run(args.run_id, uri=args.uri)
    hist = metric_history(rec.run_id, args.metric, uri=args.uri)
    default = f"{rec.run_id[:SHORT]}_{args.metric.replace('/', '_').replace(' ', '_')}.png"
    out = args.output or default
    if out.endswith(("/", os.sep)) or Path(out).is_dir():
        out = str(Path(out) / default)  # a folder given: the default name inside it
    if not Path(out).suffix:
        out += ".png"  # what savefig would add: say the file's real name
    if not Path(out).parent.is_dir():
        raise ValueError(f"-o {out}: the directory {str(Path(out).parent)!r} does not exist")
    fig = metric_figure([(None, hist["step"].to_numpy(), hist["value"].to_numpy())],
                        title=f"{rec.experiment} / {rec.run_name} ({rec.run_id[:SHORT]})",
                        ylabel=args.metric, logy=args.logy)
    fig.savefig(out, dpi=110, bbox_inches="tight")
    odd = int((~np.isfinite(hist["value"].to_numpy())).sum())
    print(f"saved {out} ({len(hist)} points" + (f", {odd} NaN/inf marked on the edges)" if odd else ")"))
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
    basis = "its last logged point" if get_run(run_id, uri=args.uri).metrics else \
        "its start time: it logged no metric points"
    print(f"run {run_id} marked {args.status}, end time {when} ({basis})")
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line (no usage block) and a pointer to --help."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (`{self.prog} --help` for usage)\n")


def _cmd_ui(args) -> int:
    from .ui import serve

    serve(args.uri, host=args.host, port=args.port)
    return 0


def _uri(text: str) -> str:
    try:
        db_path_from_uri(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc))
    return text


def _columns(text: str) -> list:
    names = [name.strip() for name in text.split(",") if name.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"must name columns separated by commas, got {text!r}")
    return names


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port number from 0 to 65535, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m tracking", description=_HELP,
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--uri", type=_uri, default=None,
                        help="store, e.g. sqlite:///runs/tracking.db (default: $OPTSANDBOX_TRACKING_URI)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("runs", help="list runs as a table", epilog=_FILTER_HELP,
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--experiment", action="append", help="only this experiment (repeatable)")
    p.add_argument("--filter", help="e.g. \"metrics.gap > 0 and params.instance = 'seed'\"")
    p.add_argument("--order-by", action="append", help="e.g. 'metrics.best_length ASC' (repeatable)")
    p.add_argument("--limit", type=_positive, help="show at most this many runs")
    p.add_argument("--columns", type=_columns, metavar="A,B,...",
                   help="these columns, e.g. run_name,status,metrics.gap,params.n_cities")
    p.add_argument("--wide", "--all", action="store_true",
                   help="every column (default: the columns that fit the terminal, metrics then params after "
                        "run_id, run_name, status, start_time, duration_s)")
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

    p = sub.add_parser("ui", help="browse the runs in a web browser (read-only)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this machine only; the pages have no login)")
    p.add_argument("--port", type=_port, default=5000, help="port (default 5000; 0 picks a free one)")
    p.set_defaults(func=_cmd_ui)
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
    except BrokenPipeError:
        raise  # not an error of ours: _run ends quietly
    except (RunNotFound, ValueError, TypeError, OSError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        parser.exit(2, f"{parser.prog}: error: {message}\n")


def _run() -> int:
    """``main`` for a shell: output cut short by a closed pipe (``runs | head``) ends quietly, exit 0."""
    try:
        code = main()
        sys.stdout.flush()  # a closed pipe shows here, not at interpreter exit
        return code
    except BrokenPipeError:
        # nobody reads the rest; point stdout at /dev/null so the exit flush cannot fail again
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(_run())
