"""Boilerplate shared by the numbered tutorials: flags, output folder, tracked run.

Nothing here computes anything a lesson is about; the lessons call the packages
(``greedy``, ``tsp``, ``optim``, ``tracking``) directly.

- ``--quick``: smaller sizes, same lessons (the tests run every tutorial this way).
- Figures go to ``tutorials/output/``, or to ``$OPTSANDBOX_TUTORIAL_OUT`` when set,
  or to ``--out DIR``.
- Each tutorial logs one run to the experiment ``tutorials`` in the tracking store
  (``$OPTSANDBOX_TRACKING_URI``, default ``runs/tracking.db`` under the working
  directory).
"""

from __future__ import annotations

import argparse
import os
import textwrap
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # scripts only: never opens a window

OUT_ENV = "OPTSANDBOX_TUTORIAL_OUT"
EXPERIMENT = "tutorials"
DEFAULT_OUT = Path(__file__).resolve().parent / "output"


def parse_args(doc: str | None) -> argparse.Namespace:
    """The flags every tutorial takes; ``args.out`` is the (created) output folder."""
    first = (doc or "").strip().splitlines()[0] if doc else None
    parser = argparse.ArgumentParser(description=first)
    parser.add_argument("--quick", action="store_true",
                        help="smaller sizes, same lessons (a few seconds)")
    parser.add_argument("--out", metavar="DIR", default=None,
                        help=f"folder for the figures (default ${OUT_ENV} or tutorials/output)")
    args = parser.parse_args()
    out = Path(args.out or os.environ.get(OUT_ENV) or DEFAULT_OUT)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        parser.error(f"--out: cannot create {str(out)!r}: {exc.strerror}")
    args.out = out
    return args


def start_run(name: str, args: argparse.Namespace):
    """Open this tutorial's tracked run (a context manager from ``tracking``)."""
    import tracking

    return tracking.start_run(experiment=EXPERIMENT, run_name=name,
                              tags={"tutorial": name, "quick": str(args.quick).lower()})


def save(fig, name: str, args: argparse.Namespace, run=None) -> Path:
    """Save ``fig`` as ``<out>/<name>`` and, given a run, as one of its artifacts."""
    path = args.out / name
    fig.savefig(path, dpi=110, bbox_inches="tight")
    if run is not None:
        run.log_artifact(path)  # a copy: rendering the figure twice would cost seconds
    import matplotlib.pyplot as plt

    plt.close(fig)
    print(f"  [figure] {path}")
    return path


def section(title: str) -> None:
    """Print a section heading."""
    print(f"\n== {title} ==")


def say(text: str) -> None:
    """Print a paragraph of narrative, wrapped at 88 columns."""
    print(textwrap.fill(" ".join(text.split()), width=88))


def try_next(*ideas: str) -> None:
    """End a tutorial with a few things to try next."""
    section("Try next")
    for i, idea in enumerate(ideas, 1):
        print(textwrap.fill(" ".join(idea.split()), width=88,
                            initial_indent=f"{i}. ", subsequent_indent="   "))
