"""How far is nearest neighbour from the optimum? Gaps on TSPLIB instances.

For each instance: the mean gap of one random start (the mean over every start,
which is its exact expectation), the gap of the best of 100 seeded random starts,
the gap of the best of all starts, and for n <= 16 the Held-Karp optimum as a
check of the published value. Tours are closed, as TSPLIB optima are.

Instances: the 11 shipped with ``tsp`` (``tsp/data/tsplib``, n = 14 .. 280), or
with ``--tsplib DIR`` every ``.tsp`` file in DIR whose published optimum is known
(DIR/optima.csv when there is one, else ``tsp/data/tsplib/optima.csv``, which lists
41 symmetric TSPLIB95 instances, n = 14 .. 2392). The other 30 of those are on
TSPLIB95's public site (``TSPLIB95_URL``).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.common import BenchResult, number, percent, seconds

QUICK_MAX_N = 300
SMOKE_MAX_N = 16  # burma14 and ulysses16, with the Held-Karp check
# tsp.tsplib.TSPLIB95_URL, written out: importing tsp (numba) here would slow `--help` down.
TSPLIB95_URL = "http://comopt.ifi.uni-heidelberg.de/software/TSPLIB95/"
# Measured with --full --tsplib on the 41 instances of tsp/data/tsplib/optima.csv (README).
REFERENCE_41 = {"one start": 25.4, "best of 100": 16.5, "best of all starts": 16.1}


def _optima(folder: Path) -> dict[str, int]:
    from tsp.tsplib import published_optima

    table = folder / "optima.csv"
    return {name: row.optimum for name, row in published_optima(table if table.is_file() else None).items()}


def instances(folder: Path) -> tuple[dict[str, int], list[str]]:
    """(name -> published optimum for each NAME.tsp in ``folder``, names of the others)."""
    optima = _optima(folder)
    files = sorted(p.name[:-4] for p in folder.glob("*.tsp"))
    return {name: optima[name] for name in files if name in optima}, [n for n in files if n not in optima]


def run(quick: bool = True, tsplib_dir: str | Path | None = None, smoke: bool = False) -> BenchResult:
    from tsp import read_tsplib, simulate
    from tsp.exact import held_karp

    from tsp.tsplib import BUNDLED_DIR

    bundled = tsplib_dir is None
    folder = Path(BUNDLED_DIR if bundled else tsplib_dir)
    optima, unknown = instances(folder)
    max_n = SMOKE_MAX_N if smoke else QUICK_MAX_N if quick else float("inf")
    rows, skipped = [], []
    for name, opt in optima.items():
        inst = read_tsplib(folder / f"{name}.tsp")
        if inst.n > max_n:
            skipped.append(name)
            continue
        t0 = time.perf_counter()
        every = simulate(inst, inst.n, starts="all", closed=True)
        hundred = simulate(inst, 100, seed=0, closed=True)
        row = {
            "instance": name,
            "n": inst.n,
            "optimum": opt,
            "one_start_gap_%": 100 * (float(np.mean(every.lengths)) / opt - 1),
            "best_of_100_gap_%": 100 * (hundred.best.length / opt - 1),
            "best_of_all_gap_%": 100 * (every.best.length / opt - 1),
            "held_karp": np.nan,
            "seconds": time.perf_counter() - t0,
        }
        if inst.n <= 16:
            row["held_karp"] = held_karp(inst, closed=True).length
        rows.append(row)
    table = pd.DataFrame(rows).sort_values("n", kind="stable")
    fig = _plot(table)

    hk = table.dropna(subset=["held_karp"])
    mismatches = hk[hk["held_karp"] != hk["optimum"]]
    source = "shipped with tsp (tsp/data/tsplib)" if bundled else f"in {folder}"
    notes = [
        f"{len(table)} TSPLIB instances {source}, n = {table['n'].min()} .. {table['n'].max()}"
        + (f"; {'smoke' if smoke else 'quick'}: n <= {max_n}, {len(skipped)} larger left out "
           "(--full runs them)" if skipped else ""),
        f"mean gap: one start {percent(table['one_start_gap_%'].mean())}, best of 100 "
        f"{percent(table['best_of_100_gap_%'].mean())}, best of all starts "
        f"{percent(table['best_of_all_gap_%'].mean())}",
        f"Held-Karp equals the published optimum on {len(hk) - len(mismatches)} of {len(hk)} "
        f"instances with n <= 16" + ("" if mismatches.empty else f": MISMATCH {list(mismatches['instance'])}"),
    ]
    if unknown:
        notes.append(f"left out, no published optimum known: {', '.join(unknown)}")
    if len(optima) < 41:
        notes.append(
            "the README's figures (one start {one start} %, best of 100 {best of 100} %, best of all "
            "starts {best of all starts} %) are on 41 symmetric TSPLIB95 instances, n = 14 .. 2392: "
            "download them from TSPLIB95's public site, {url} (tsp/ALL_tsp.tar.gz), gunzip the "
            ".tsp.gz files into a folder DIR and run `python -m benchmarks --full --only tsp_quality "
            "--tsplib DIR`; their optima are in tsp/data/tsplib/optima.csv".format(**REFERENCE_41, url=TSPLIB95_URL))
    metrics = {
        "instances": len(table),
        "mean_gap_one_start_pct": table["one_start_gap_%"].mean(),
        "mean_gap_best_of_100_pct": table["best_of_100_gap_%"].mean(),
        "mean_gap_all_starts_pct": table["best_of_all_gap_%"].mean(),
        "held_karp_mismatches": len(mismatches),
    }
    columns = {"one_start_gap_%": ("one start", percent), "best_of_100_gap_%": ("best of 100", percent),
               "best_of_all_gap_%": ("best of all starts", percent), "held_karp": ("Held-Karp", number),
               "seconds": ("time", seconds)}
    return BenchResult("tsp_quality", table, {"quick": quick, "smoke": smoke, "tsplib_dir": str(folder)},
                       metrics, fig, notes, columns)


def _plot(table):
    """Gap per instance, instances in order of n: the three kinds side by side in each slot."""
    import matplotlib.pyplot as plt

    k = len(table)
    fig, ax = plt.subplots(figsize=(max(8.0, 0.32 * k + 3), 5))
    x = np.arange(k)
    # Side by side, not on one spot: best of 100 and best of all starts often tie.
    kinds = (("one_start_gap_%", "o", "one random start (mean over all starts)", -0.22),
             ("best_of_100_gap_%", "^", "best of 100 random starts", 0.0),
             ("best_of_all_gap_%", "s", "best of all starts", 0.22))
    gaps = table[[column for column, *_ in kinds]].to_numpy()
    ax.vlines(x, gaps.min(axis=1), gaps.max(axis=1), color="0.85", lw=1, zorder=0)
    for column, marker, label, shift in kinds:
        ax.plot(x + shift, table[column], marker, ms=7, mfc="none", mew=1.5, ls="none", label=label)
    ax.set_xticks(x, [f"{name} ({n:,})" for name, n in zip(table["instance"], table["n"])],
                  rotation=90 if k > 12 else 45, ha="center" if k > 12 else "right", fontsize=8)
    ax.set_xlim(-0.6, k - 0.4)
    ax.set_ylim(0, gaps.max() * 1.25)
    ax.set(xlabel="instance (cities), in order of size", ylabel="gap to the published optimum (%)",
           title=f"Nearest neighbour on {k} TSPLIB instances (closed tours)")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=9, loc="upper left" if k > 12 else "upper right", ncols=3 if k > 12 else 1)
    fig.tight_layout()
    return fig


if __name__ == "__main__":
    # Same flags as `python -m benchmarks` (--quick by default, --full, --out, --no-track).
    from benchmarks.__main__ import main

    sys.exit(main(["--only", "tsp_quality", *sys.argv[1:]]))
