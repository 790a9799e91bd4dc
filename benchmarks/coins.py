"""Coin change: greedy against exact DP, and how often random systems are canonical.

Targets: ``optimal_change`` for amount 10**6 with 10 coins in <= 30 ms
warm; ``is_canonical`` on 50 coins in <= 5 ms.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from benchmarks.common import BenchResult, best_time, format_table, number, seconds, times
from greedy import greedy_change, is_canonical, optimal_change, smallest_counterexample

TEN_COINS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)


def _random_systems(rng, count, n_coins, top):
    for _ in range(count):
        rest = rng.choice(np.arange(2, top + 1), size=n_coins - 1, replace=False)
        yield tuple(sorted({1, *map(int, rest)}))


def run(quick: bool = True, smoke: bool = False) -> BenchResult:
    rng = np.random.default_rng(2026)
    amounts = [10**3, 10**6] if smoke else [10**3, 10**4, 10**5, 10**6] + ([] if quick else [10**7])
    optimal_change(10, TEN_COINS)  # compile outside the timings
    smallest_counterexample((1, 3, 4))
    rows = []
    for amount in amounts:
        t_greedy = best_time(lambda: greedy_change(amount, TEN_COINS), repeat=20)
        t_dp = best_time(lambda: optimal_change(amount, TEN_COINS), repeat=3 if amount >= 10**6 else 10)
        rows.append({"case": "change", "amount": amount, "coins": len(TEN_COINS),
                     "greedy_s": t_greedy, "dp_s": t_dp, "dp/greedy": t_dp / t_greedy})
    table = pd.DataFrame(rows)

    fifty = next(_random_systems(rng, 1, 50, 10**6))
    t_canon50 = best_time(lambda: is_canonical(fifty), repeat=20)

    census = []
    n_systems = 20 if smoke else 200 if quick else 2000
    for n_coins in (3, 4, 5, 6, 8):
        found = [smallest_counterexample(s) for s in _random_systems(rng, n_systems, n_coins, 100)]
        canonical = sum(w is None for w in found)
        census.append({"coins": n_coins, "systems": n_systems,
                       "canonical_share": canonical / n_systems,
                       "median_counterexample": float(np.median([w for w in found if w is not None]))})
    census = pd.DataFrame(census)

    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.loglog(table["amount"], table["greedy_s"], "o-", label="greedy")
    ax1.loglog(table["amount"], table["dp_s"], "s-", label="exact DP (Numba)")
    ax1.set(xlabel="amount", ylabel="seconds per call", title="10-coin system")
    ax1.legend()
    ax2.bar(census["coins"].astype(str), census["canonical_share"])
    ax2.set(xlabel="coins in system (1 + random values in 2..100)", ylabel="share canonical",
            title=f"{n_systems} random systems per size")
    fig.tight_layout()

    t_dp6 = float(table.loc[table["amount"] == 10**6, "dp_s"].iloc[0])
    notes = [
        "",
        format_table(census, {"canonical_share": ("canonical", lambda x: f"{100 * x:.1f} %"),
                              "median_counterexample": ("median smallest counterexample", number)}),
        "",
        f"optimal_change(10**6, 10 coins): {t_dp6 * 1e3:.1f} ms (target <= 30 ms: "
        f"{'met' if t_dp6 <= 0.030 else 'MISSED'})",
        f"is_canonical(50 coins up to 10**6): {t_canon50 * 1e3:.2f} ms (target <= 5 ms: "
        f"{'met' if t_canon50 <= 0.005 else 'MISSED'})",
    ]
    metrics = {"dp_1e6_s": t_dp6, "is_canonical_50_s": t_canon50}
    for row in census.itertuples():
        metrics[f"canonical_share_{row.coins}"] = row.canonical_share
    columns = {"greedy_s": ("greedy", seconds), "dp_s": ("exact DP", seconds), "dp/greedy": ("DP / greedy", times)}
    return BenchResult("coins", table, {"quick": quick, "smoke": smoke, "systems_per_size": n_systems},
                       metrics, fig, notes, columns)


if __name__ == "__main__":
    # Same flags as `python -m benchmarks` (--quick by default, --full, --out, --no-track).
    from benchmarks.__main__ import main

    sys.exit(main(["--only", "coins", *sys.argv[1:]]))
