"""How far from the optimum are nearest neighbour, local search and iterated local search?

For each TSPLIB instance (closed tours, as TSPLIB's optima are):

- nearest neighbour: the mean gap of one random start (the mean over every start,
  its exact expectation), the best of 100 seeded random starts, the best of all
  starts; for n <= 16 the Held-Karp optimum as a check of the published value;
- ``tsp.local_search`` of the best walk (2-opt and Or-opt), with its time;
- ``tsp.solve(instance, seconds)`` (iterated local search, seed 0) at each time
  budget of the run (``BUDGETS``): 0.1 s and 1 s are the targets' budgets; the
  candidate lists are built inside the budget;
- when importable (``pip install -e '.[peers]'``; never needed by the tests), the
  same instances solved in the same run by fast-tsp (``fast_tsp.find_tour`` at the
  same budgets; it takes integer distances up to 65535 only) and by LKH
  (``elkai``, one run: no time budget, its time is shown).

The figure: mean gap against seconds (ours beside each peer), then the gaps per
instance.

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

from benchmarks.common import BenchResult, number, percent, progress_bar, seconds

QUICK_MAX_N = 300
SMOKE_MAX_N = 16  # burma14 and ulysses16, with the Held-Karp check
#: Time budgets of solve and fast-tsp, in seconds, per size of run.
BUDGETS = {"smoke": (0.01, 0.05), "quick": (0.01, 0.1), "full": (0.01, 0.03, 0.1, 0.3, 1.0)}
#: The targets: mean gap of local search of the best walk, and of solve at 0.1 s and 1 s (%).
TARGETS = {"local search": 6.0, 0.1: 0.5, 1.0: 0.1}
#: fast-tsp reads distances as 16-bit integers.
FAST_TSP_MAX = 65535
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


def _peers() -> dict:
    """The peer solvers that are importable: name -> module."""
    found = {}
    for name in ("fast_tsp", "elkai"):
        try:
            found[name] = __import__(name)
        except ImportError:
            pass
    return found


def _fast_tsp_refusal(d: np.ndarray) -> str | None:
    """Why fast-tsp cannot take this matrix (None when it can)."""
    if not np.isfinite(d).all() or (d != np.round(d)).any():
        return "distances that are not all integers"
    if d.max() > FAST_TSP_MAX:
        return f"distances up to {d.max():,.0f} (it reads 16-bit integers, at most {FAST_TSP_MAX:,})"
    if not np.array_equal(d, d.T):
        return "an asymmetric matrix"
    return None


def _warm_up(peers) -> None:
    """Load every compiled kernel (serial and parallel twins) before anything is timed."""
    from tsp import Instance, local_search, seed_routes, simulate, solve

    for inst in (seed_routes(), Instance.random_uniform(50, seed=0), Instance.random_uniform(600, seed=0)):
        local_search(simulate(inst, starts="all", closed=True).best)
        solve(inst, 0.02, seed=0)
    if "fast_tsp" in peers:
        peers["fast_tsp"].find_tour(np.array([[0, 1, 2], [1, 0, 1], [2, 1, 0]]), 0.01)


def _gap(length: float, opt: int) -> float:
    return 100 * (length / opt - 1)


def _improve(inst, every, opt, budgets, peers, refusals) -> dict:
    """Local search, solve and the peers on one instance: gaps (%) and times (s)."""
    from tsp import local_search, neighbors, solve, tour_length

    row = {}
    neighbors._cache.pop(inst, None)  # every stage builds its own lists, inside its time
    t0 = time.perf_counter()
    row["local_search_gap_%"] = _gap(local_search(every.best).length, opt)
    row["local_search_s"] = time.perf_counter() - t0
    refusal = _fast_tsp_refusal(inst.dist) if "fast_tsp" in peers else None
    if refusal:
        refusals.append(f"{inst.name} ({refusal})")
    for b in budgets:
        neighbors._cache.pop(inst, None)
        sol = solve(inst, b, seed=0)
        row[f"solve_{b}s_gap_%"] = _gap(sol.best.length, opt)
        row[f"solve_{b}s_kicks"] = sol.kicks
        if "fast_tsp" in peers:
            row[f"fast_tsp_{b}s_gap_%"] = np.nan
            if refusal is None:
                order = peers["fast_tsp"].find_tour(inst.dist.astype(np.int64), b)
                row[f"fast_tsp_{b}s_gap_%"] = _gap(tour_length(inst, order, closed=True), opt)
    if "elkai" in peers:
        t0 = time.perf_counter()
        order = peers["elkai"].DistanceMatrix(inst.dist.tolist()).solve_tsp(runs=1)[:-1]
        row["elkai_s"] = time.perf_counter() - t0
        row["elkai_gap_%"] = _gap(tour_length(inst, order, closed=True), opt)
    return row


def run(quick: bool = True, tsplib_dir: str | Path | None = None, smoke: bool = False) -> BenchResult:
    from tsp import read_tsplib, simulate
    from tsp.exact import held_karp

    from tsp.tsplib import BUNDLED_DIR

    bundled = tsplib_dir is None
    folder = Path(BUNDLED_DIR if bundled else tsplib_dir)
    optima, unknown = instances(folder)
    max_n = SMOKE_MAX_N if smoke else QUICK_MAX_N if quick else float("inf")
    budgets = BUDGETS["smoke" if smoke else "quick" if quick else "full"]
    peers = _peers()
    _warm_up(peers)
    rows, skipped, refusals = [], [], []
    chosen = [(name, opt) for name, opt in optima.items()]
    bar = progress_bar(len(chosen), "tsp_quality", unit="instance")
    try:
        for name, opt in chosen:
            inst = read_tsplib(folder / f"{name}.tsp")
            if inst.n > max_n:
                skipped.append(name)
                bar.update()
                continue
            bar.set_postfix_str(name)
            t0 = time.perf_counter()
            every = simulate(inst, inst.n, starts="all", closed=True)
            hundred = simulate(inst, 100, seed=0, closed=True)
            row = {
                "instance": name,
                "n": inst.n,
                "optimum": opt,
                "one_start_gap_%": _gap(float(np.mean(every.lengths)), opt),
                "best_of_100_gap_%": _gap(hundred.best.length, opt),
                "best_of_all_gap_%": _gap(every.best.length, opt),
                "held_karp": np.nan,
                "seconds": time.perf_counter() - t0,
            }
            if inst.n <= 16:
                row["held_karp"] = held_karp(inst, closed=True).length
            row.update(_improve(inst, every, opt, budgets, peers, refusals))
            rows.append(row)
            bar.update()
    finally:
        bar.close()
    table = pd.DataFrame(rows).sort_values("n", kind="stable")
    fig = _plot(table, budgets, peers)

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
    notes += _improvement_notes(table, budgets, peers, refusals)
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
        "mean_gap_local_search_pct": table["local_search_gap_%"].mean(),
    }
    for b in budgets:
        metrics[f"mean_gap_solve_{b}s_pct"] = table[f"solve_{b}s_gap_%"].mean()
        if "fast_tsp" in peers:
            metrics[f"mean_gap_fast_tsp_{b}s_pct"] = table[f"fast_tsp_{b}s_gap_%"].mean()
    if "elkai" in peers:
        metrics["mean_gap_elkai_pct"] = table["elkai_gap_%"].mean()
    shown = [b for b in budgets if b in TARGETS] or list(budgets)  # the table's solve columns
    columns = {"one_start_gap_%": ("one start", percent), "best_of_100_gap_%": ("best of 100", percent),
               "best_of_all_gap_%": ("best of all starts", percent), "held_karp": ("Held-Karp", number),
               "seconds": ("time", seconds), "local_search_gap_%": ("local search", percent),
               "local_search_s": ("its time", seconds)}
    for b in shown:
        columns[f"solve_{b}s_gap_%"] = (f"solve {b:g} s", percent)
        if "fast_tsp" in peers:
            columns[f"fast_tsp_{b}s_gap_%"] = (f"fast-tsp {b:g} s", percent)
    if "elkai" in peers:
        columns.update({"elkai_gap_%": ("LKH", percent), "elkai_s": ("LKH time", seconds)})
    return BenchResult("tsp_quality", table, {"quick": quick, "smoke": smoke, "tsplib_dir": str(folder),
                                              "budgets_s": ",".join(map(str, budgets)),
                                              "peers": ",".join(peers) or "none"},
                       metrics, fig, notes, columns, shown=["instance", "n", "optimum", *columns])


def _improvement_notes(table, budgets, peers, refusals) -> list:
    """Targets met or missed (with the peers beside), the instances that lag, who ran what."""
    notes = []
    k = len(table)

    def target(ok, text):
        notes.append(("target met: " if ok else "target MISSED: ") + text)

    ls = table["local_search_gap_%"].mean()
    target(ls <= TARGETS["local search"], f"local search of the best nearest-neighbour walk, mean gap "
                                           f"{percent(ls)} (<= {TARGETS['local search']:g} %; median time "
                                           f"{seconds(table['local_search_s'].median())})")
    for b in budgets:
        ours = table[f"solve_{b}s_gap_%"]
        text = f"solve({b:g} s): mean gap {ours.mean():.3f} % on {k} instances"
        if b in TARGETS:
            target(ours.mean() <= TARGETS[b], text + f" (<= {TARGETS[b]:g} %)")
        else:
            notes.append(text)
        if "fast_tsp" in peers:
            theirs = table[f"fast_tsp_{b}s_gap_%"]
            both = theirs.notna()
            mine, other = ours[both].mean(), theirs[both].mean()
            text = (f"solve({b:g} s) beside fast-tsp on the {int(both.sum())} instances it takes: ours "
                    f"{mine:.3f} %, fast-tsp {other:.3f} %")
            if b in TARGETS:
                target(mine <= other, text + " (at or below fast-tsp)")
            else:
                notes.append(text)
    last = budgets[-1]
    lagging = table[table[f"solve_{last}s_gap_%"] >= 0.3].sort_values(f"solve_{last}s_gap_%", ascending=False)
    if len(lagging):
        shown = ", ".join(f"{r['instance']} {r[f'solve_{last}s_gap_%']:.2f} %" for _, r in lagging.iterrows())
        notes.append(f"lagging at {last:g} s (gap >= 0.3 %): {shown}")
    if "elkai" in peers:
        notes.append(f"LKH (elkai, one run, no time budget): mean gap {table['elkai_gap_%'].mean():.3f} %, "
                     f"median time {seconds(table['elkai_s'].median())}, longest "
                     f"{seconds(table['elkai_s'].max())} ({table.loc[table['elkai_s'].idxmax(), 'instance']})")
    if refusals:
        notes.append(f"fast-tsp refused {len(refusals)}: " + "; ".join(refusals))
    missing = [name for name in ("fast_tsp", "elkai") if name not in peers]
    if missing:
        notes.append(f"peers not installed: {', '.join(missing)} (pip install -e '.[peers]' to compare)")
    return notes


def _plot(table, budgets, peers):
    """Three panels: mean gap against time; nearest neighbour's gaps per instance; the
    improved tours' gaps per instance."""
    import matplotlib.pyplot as plt

    k = len(table)
    width = max(9.0, 0.32 * k + 3)
    fig, axes = plt.subplots(3, 1, figsize=(width, 15), gridspec_kw={"height_ratios": [1.3, 1, 1]})
    _plot_time(axes[0], table, budgets, peers)
    x = np.arange(k)
    labels = [f"{name} ({n:,})" for name, n in zip(table["instance"], table["n"])]
    # Side by side, not on one spot: best of 100 and best of all starts often tie.
    nn = (("one_start_gap_%", "o", "one random start (mean over all starts)"),
          ("best_of_100_gap_%", "^", "best of 100 random starts"),
          ("best_of_all_gap_%", "s", "best of all starts"))
    better = [("local_search_gap_%", "D", "local search of the best walk")]
    better += [(f"solve_{b}s_gap_%", "o", f"solve, {b:g} s") for b in budgets if b in TARGETS or b == budgets[-1]]
    if "fast_tsp" in peers:
        better.append((f"fast_tsp_{budgets[-1]}s_gap_%", "x", f"fast-tsp, {budgets[-1]:g} s"))
    if "elkai" in peers:
        better.append(("elkai_gap_%", "+", "LKH (elkai), one run"))
    for ax, kinds, title in ((axes[1], nn, f"Nearest neighbour on {k} TSPLIB instances (closed tours)"),
                             (axes[2], better, "Local search, iterated local search (solve) and the peers")):
        shifts = np.linspace(-0.3, 0.3, len(kinds))
        gaps = table[[column for column, *_ in kinds]].to_numpy(dtype=float)
        ax.vlines(x, np.nanmin(gaps, axis=1), np.nanmax(gaps, axis=1), color="0.85", lw=1, zorder=0)
        for (column, marker, label), shift in zip(kinds, shifts):
            ax.plot(x + shift, table[column], marker, ms=6, mfc="none", mew=1.3, ls="none", label=label)
        ax.set_xticks(x, labels, rotation=90 if k > 12 else 45, ha="center" if k > 12 else "right", fontsize=8)
        ax.set_xlim(-0.6, k - 0.4)
        ax.set_ylim(0, max(np.nanmax(gaps), 0.01) * 1.25)
        ax.set(xlabel="instance (cities), in order of size", ylabel="gap to the published optimum (%)",
               title=title)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=8, loc="upper left", ncols=3 if k > 12 else 2)
    fig.tight_layout()
    return fig


def _plot_time(ax, table, budgets, peers):
    """Mean gap against seconds per instance: solve's budgets, fast-tsp's, LKH's and the
    nearest-neighbour and local-search stages at their mean times."""
    k = len(table)
    ours = [table[f"solve_{b}s_gap_%"].mean() for b in budgets]
    ax.plot(budgets, ours, "o-", color="C0", lw=2, label=f"ours: solve(instance, seconds), {k} instances")
    if "fast_tsp" in peers:
        cols = [f"fast_tsp_{b}s_gap_%" for b in budgets]
        both = table[cols[0]].notna()
        theirs = [table[c].mean() for c in cols]
        ax.plot(budgets, theirs, "s-", color="C3", lw=2, label=f"fast-tsp (Rust), the {int(both.sum())} it takes")
        if not both.all():
            ax.plot(budgets, [table.loc[both, f"solve_{b}s_gap_%"].mean() for b in budgets], "o--", color="C0",
                    lw=1, alpha=0.7, label=f"ours on those {int(both.sum())}")
    if "elkai" in peers:
        ax.plot([table["elkai_s"].mean()], [table["elkai_gap_%"].mean()], "P", ms=12, color="C2",
                label="LKH (elkai), one run, at its mean time")
    stages = (("best_of_all_gap_%", "seconds", "v", "nearest neighbour, best of all starts"),
              ("local_search_gap_%", "local_search_s", "D", "local search of that walk"))
    for gap, secs, marker, label in stages:
        ax.plot([table[secs].mean()], [table[gap].mean()], marker, ms=9, color="0.35", mfc="none", mew=1.5,
                label=f"{label} (mean time)")
    for b, target in TARGETS.items():
        if b in budgets:
            ax.plot([b], [target], "_", ms=22, mew=2, color="k")
    ax.plot([], [], "_", ms=12, mew=2, color="k", label="targets (0.5 % at 0.1 s, 0.1 % at 1 s)")
    ax.set_xscale("log")
    ax.set_yscale("symlog", linthresh=0.01)  # log above 0.01 %, linear down to 0 (a mean gap may be 0)
    top = max(table["best_of_all_gap_%"].mean(), 1.0)
    ax.set_ylim(0, 10 ** np.ceil(np.log10(top) + 0.2))
    ax.set(xlabel="seconds per instance (wall time, 1 thread for the search)",
           ylabel="mean gap to the optimum (%)", title="Quality against time: mean gap over the instances")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper right")


if __name__ == "__main__":
    # Same flags as `python -m benchmarks` (--quick by default, --full, --out, --no-track).
    from benchmarks.__main__ import main

    sys.exit(main(["--only", "tsp_quality", *sys.argv[1:]]))
