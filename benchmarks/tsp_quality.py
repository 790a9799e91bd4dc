"""How far is nearest neighbour from the optimum? Gaps on TSPLIB instances.

For each instance: the mean gap of one random start (the mean over every start,
which is its exact expectation), the gap of the best of 100 seeded random starts,
the gap of the best of all starts, and for n <= 16 the Held-Karp optimum as a
check of the published value. Tours are closed, as TSPLIB optima are.

Reference measured here on the 41 instances of ../shared/tsplib: one start
averages 25.4 % over the optimum, the best of all starts 16.1 %.
"""

from __future__ import annotations

import csv
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from benchmarks.common import BenchResult

QUICK_MAX_N = 200
SMOKE_MAX_N = 16  # burma14 and ulysses16, with the Held-Karp check


def _optima(folder: Path) -> dict[str, int]:
    with open(folder / "optima.csv", newline="") as f:
        return {row["name"]: int(row["optimum"]) for row in csv.DictReader(f)}


def run(quick: bool = True, tsplib_dir: str | Path | None = None, smoke: bool = False) -> BenchResult:
    from tsp import read_tsplib, simulate
    from tsp.exact import held_karp

    from tsp.tsplib import BUNDLED_DIR

    folder = Path(tsplib_dir or BUNDLED_DIR)
    optima = _optima(folder)
    max_n = SMOKE_MAX_N if smoke else QUICK_MAX_N if quick else float("inf")
    rows = []
    for name, opt in sorted(optima.items(), key=lambda kv: kv[1]):
        path = folder / f"{name}.tsp"
        if not path.exists():
            continue
        inst = read_tsplib(path)
        if inst.n > max_n:
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

    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4))
    ax.semilogx(table["n"], table["one_start_gap_%"], "o", label="one random start (mean)")
    ax.semilogx(table["n"], table["best_of_100_gap_%"], "^", label="best of 100 random starts")
    ax.semilogx(table["n"], table["best_of_all_gap_%"], "s", label="best of all starts")
    ax.set(xlabel="cities", ylabel="gap to the proven optimum (%)",
           title="Nearest neighbour on TSPLIB (closed tours)")
    ax.legend()
    fig.tight_layout()

    hk = table.dropna(subset=["held_karp"])
    mismatches = hk[hk["held_karp"] != hk["optimum"]]
    notes = [
        f"{len(table)} instances from {folder}"
        + (f" (smoke: n <= {max_n})" if smoke else f" (quick: n <= {max_n})" if quick else ""),
        f"mean gap: one start {table['one_start_gap_%'].mean():.1f} %, best of 100 "
        f"{table['best_of_100_gap_%'].mean():.1f} %, best of all starts "
        f"{table['best_of_all_gap_%'].mean():.1f} % "
        "(reference on the 41 shared instances: 25.4 % and 16.1 %)",
        f"Held-Karp equals the published optimum on {len(hk) - len(mismatches)} of {len(hk)} "
        f"instances with n <= 16" + ("" if mismatches.empty else f": MISMATCH {list(mismatches['instance'])}"),
    ]
    metrics = {
        "instances": len(table),
        "mean_gap_one_start_pct": table["one_start_gap_%"].mean(),
        "mean_gap_best_of_100_pct": table["best_of_100_gap_%"].mean(),
        "mean_gap_all_starts_pct": table["best_of_all_gap_%"].mean(),
        "held_karp_mismatches": len(mismatches),
    }
    return BenchResult("tsp_quality", table, {"quick": quick, "smoke": smoke, "tsplib_dir": str(folder)},
                       metrics, fig, notes)


if __name__ == "__main__":
    # Same flags as `python -m benchmarks` (--quick by default, --full, --out, --no-track).
    from benchmarks.__main__ import main

    sys.exit(main(["--only", "tsp_quality", *sys.argv[1:]]))
