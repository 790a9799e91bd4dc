"""``python -m benchmarks [--quick | --full | --smoke] [--only NAME ...] [--out DIR] [--no-track]``.

Runs the registered benchmarks one after another (never two at once: they
measure time), each printing its table, saving CSV and PNG under ``--out`` and
logging a run in the ``benchmarks`` experiment of ``tracking``. ``--smoke`` runs each
one at its smallest size, in seconds: it proves every benchmark runs, saves and logs
(the test suite uses it), but its figures say nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
import time
from pathlib import Path

from .common import OUTPUT_DIR, report
from .tsp_quality import TSPLIB95_URL
from .tsp_quality import instances as tsplib_instances

# name -> module under benchmarks/; each defines run(quick: bool, smoke: bool) -> BenchResult.
REGISTRY = {
    "coins": "benchmarks.coins",
    "tsp_speed": "benchmarks.tsp_speed",
    "tsp_quality": "benchmarks.tsp_quality",
    "lr": "benchmarks.lr",
    "tracking_speed": "benchmarks.tracking_speed",
}


def _tracked(name: str, enabled: bool):
    """A tracking run around one benchmark (FAILED if it raises), or nothing."""
    if not enabled:
        return contextlib.nullcontext()
    import tracking

    return tracking.start_run(experiment="benchmarks", run_name=name)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Run the benchmarks one after another: each prints its table, saves a CSV "
                    "and a PNG under --out and logs a run in the experiment 'benchmarks'.",
        epilog="Examples: python -m benchmarks | python -m benchmarks --only lr coins | "
               "python -m benchmarks --full --tsplib DIR",
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="small sizes, about a minute on 2 cores (61 s measured, .venv-mlflow present) (default)")
    size.add_argument("--full", action="store_true", help="the sizes of the README's results: several minutes on 2 cores (9.5 min with --tsplib DIR and the peers extra installed)")
    size.add_argument("--smoke", action="store_true",
                      help="the smallest size of each, seconds in all: proves each runs (its figures mean nothing)")
    parser.add_argument("--only", nargs="+", metavar="NAME", choices=sorted(REGISTRY),
                        help=f"run only these ({', '.join(REGISTRY)})")
    parser.add_argument("--out", type=Path, default=OUTPUT_DIR, metavar="DIR", help=f"output folder (default {OUTPUT_DIR})")
    parser.add_argument("--no-track", action="store_true", help="do not log tracking runs")
    parser.add_argument("--tsplib", type=Path, metavar="DIR",
                        help="tsp_quality on every TSPLIB .tsp file in DIR with a published optimum "
                             "(DIR/optima.csv, else the 41 of tsp/data/tsplib/optima.csv; default: the 11 "
                             f"shipped with tsp). The 41 are on TSPLIB95's site, {TSPLIB95_URL}")
    args = parser.parse_args(argv)
    if args.tsplib:
        if not args.tsplib.is_dir():
            parser.error(f"--tsplib {args.tsplib}: no such folder")
        known, unknown = tsplib_instances(args.tsplib)
        if not known:
            found = f"only {', '.join(unknown[:5])}{' ...' if len(unknown) > 5 else ''}" if unknown else "no .tsp files"
            parser.error(f"--tsplib {args.tsplib}: no .tsp file with a published optimum there ({found}; "
                         "gunzip downloaded .tsp.gz files first)")

    import matplotlib

    matplotlib.use("Agg")  # files only, whatever the machine's display
    quick = not args.full
    names = args.only or list(REGISTRY)
    if args.smoke:
        print("smoke run: every case at its smallest size; figures and targets below mean nothing")
    t0 = time.perf_counter()
    for name in names:
        module = importlib.import_module(REGISTRY[name])
        t = time.perf_counter()
        kwargs = {"tsplib_dir": args.tsplib} if name == "tsp_quality" and args.tsplib else {}
        with _tracked(name, enabled=not args.no_track) as run:
            result = module.run(quick=quick, smoke=args.smoke, **kwargs)
            report(result, out_dir=args.out, run=run)
        print(f"({name}: {time.perf_counter() - t:.1f} s)")
    print(f"\n{len(names)} benchmark(s) in {time.perf_counter() - t0:.1f} s; "
          f"outputs in {args.out}/" + ("" if args.no_track else
                                        "; `python -m tracking runs --experiment benchmarks` lists the runs"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
