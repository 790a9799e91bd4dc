"""How fast is nearest neighbour? Five implementations side by side, one process.

- ``classroom``: a faithful re-implementation of the classroom script — at every
  step a Python loop over the whole ``(start, end, distance)`` edge list;
- ``numpy``: one vectorised ``argmin`` over the current row per step;
- ``full-scan``: a straightforward Numba kernel scanning every city per step,
  parallel over starts (``prange``) on the same threads as ours;
- ``ours-1t`` / ``ours-2t``: ``tsp.simulate(instance, starts="all")`` — candidate
  lists (built inside the timing), fallback scans, ``prange`` — on 1 and 2 threads.

For n in {15 (the classroom table), 52, 100, 1000, 5000} (``quick``: 15, 52, 200,
1000). Every implementation walks from every start; slow ones are capped by a time
budget: they walk a subset of the starts and the all-starts time is extrapolated
linearly (``measured`` False in the table, hollow markers in the plot). Per-tour
time is the all-starts time divided by n (all starts are distinct walks, so
``simulate`` cannot share work between them). All implementations must agree on
the lengths of the walks they made; the benchmark checks it.

One more row, ``local-search``: ``tsp.local_search`` of one closed nearest-neighbour
tour of ``random_uniform(n)`` at n = 1000 and 5000 (``quick``: 1000), its candidate
lists built inside the timing, and how much shorter the tour gets.
"""

from __future__ import annotations

import subprocess
import sys
import time

import numpy as np
from numba import njit, prange

from benchmarks.common import BenchResult, best_time, percent, progress_bar, seconds, times

FULL_SIZES = (15, 52, 100, 1000, 5000)
QUICK_SIZES = (15, 52, 200, 1000)
SMOKE_SIZES = (15, 52, 1000)  # --smoke: the sizes the targets name, on a 0.05 s budget each
#: local search of one nearest-neighbour tour (closed, from city 0): its row(s)
LOCAL_SEARCH_SIZES = {"full": (1000, 5000), "quick": (1000,), "smoke": (1000,)}
IMPLS = ("classroom", "numpy", "full-scan", "ours-1t", "ours-2t")
# How a walk's time grows with n, to skip a run predicted to blow the budget on one walk.
COST_EXPONENT = {"classroom": 3, "numpy": 2, "full-scan": 2, "ours-1t": 1, "ours-2t": 1}


# ---------------------------------------------------------------------------
# the implementations compared
# ---------------------------------------------------------------------------


def classroom_walk(rows, n_cities, start):
    """The classroom's loop: scan every edge row at every step (ties: first row wins)."""
    visited = [start]
    current = start
    total = 0.0
    while len(visited) < n_cities:
        best_city, best_d = None, None
        for a, b, d in rows:
            if a == current and b not in visited:
                if best_d is None or d < best_d:
                    best_city, best_d = b, d
        if best_city is None:
            break
        visited.append(best_city)
        total += best_d
        current = best_city
    return total


def edge_rows(dist):
    """The classroom's table: (start, end, distance) for every finite pair, sorted."""
    n = len(dist)
    return [(i, j, float(dist[i, j])) for i in range(n) for j in range(n) if i != j and np.isfinite(dist[i, j])]


def numpy_walk(dist, start):
    """Nearest neighbour with one numpy argmin per step (first index wins ties)."""
    n = len(dist)
    visited = np.zeros(n, dtype=bool)
    visited[start] = True
    cur, total = start, 0.0
    for _ in range(n - 1):
        row = np.where(visited, np.inf, dist[cur])
        nxt = int(np.argmin(row))
        if not np.isfinite(row[nxt]):
            break
        total += row[nxt]
        visited[nxt] = True
        cur = nxt
    return total


@njit(cache=True)
def _full_scan_walk(dist, start):
    n = dist.shape[0]
    visited = np.zeros(n, dtype=np.bool_)
    visited[start] = True
    cur, total = start, 0.0
    for _ in range(n - 1):
        best, nxt = np.inf, -1
        for j in range(n):
            if not visited[j] and dist[cur, j] < best:
                best, nxt = dist[cur, j], j
        if nxt < 0:
            break
        total += best
        visited[nxt] = True
        cur = nxt
    return total


@njit(cache=True, parallel=True)
def full_scan_many(dist, starts):
    """The straightforward kernel: every step scans all n cities; prange over starts."""
    out = np.empty(starts.size)
    for r in prange(starts.size):
        out[r] = _full_scan_walk(dist, starts[r])
    return out


# ---------------------------------------------------------------------------
# timing with a budget
# ---------------------------------------------------------------------------


def _runner(impl, inst):
    """fn(starts) -> lengths, for one implementation on one instance."""
    import numba

    from tsp import neighbors, simulate

    if impl == "classroom":
        rows = edge_rows(inst.dist)
        return lambda starts: np.array([classroom_walk(rows, inst.n, int(s)) for s in starts])
    if impl == "numpy":
        return lambda starts: np.array([numpy_walk(inst.dist, int(s)) for s in starts])
    if impl == "full-scan":
        return lambda starts: full_scan_many(inst.dist, starts)
    threads = 1 if impl == "ours-1t" else min(2, numba.config.NUMBA_NUM_THREADS)

    def ours(starts):
        numba.set_num_threads(threads)
        neighbors._cache.pop(inst, None)  # time the candidate lists too
        return np.asarray(simulate(inst, starts=starts).lengths)

    return ours


def _measure(impl, inst, budget):
    """(all-starts seconds, measured?, starts walked, lengths) within ``budget`` seconds."""
    n = inst.n
    fn = _runner(impl, inst)
    starts = np.arange(n, dtype=np.int64)
    fn(starts[:2])  # warm-up: Numba kernels load, caches fill
    t0 = time.perf_counter()
    fn(starts[:1])
    one = time.perf_counter() - t0
    parallel = impl in ("full-scan", "ours-2t")
    if impl.startswith("ours"):
        m = n  # ours always walks every start: its fixed costs must not be scaled up
    elif one * n / (2 if parallel else 1) <= budget:
        m = n
    else:
        m = min(n, int(max(2 if parallel else 1, budget / one)))
    lengths = fn(starts[:m])
    seconds = best_time(lambda: fn(starts[:m]), repeat=3, budget=budget)
    return seconds * n / m, m == n, m, lengths


def _local_search_row(n, repeat):
    """``tsp.local_search`` of the closed nearest-neighbour tour from city 0 of
    ``random_uniform(n, seed=0)``: best time of ``repeat`` (candidate lists built each time)."""
    from tsp import Instance, local_search, nearest_neighbor, neighbors

    inst = Instance.random_uniform(n, seed=0)
    tour = nearest_neighbor(inst, 0, closed=True)
    local_search(tour)  # warm: the kernels load

    def once():
        neighbors._cache.pop(inst, None)
        return local_search(tour)

    better = once()
    t = best_time(once, repeat=repeat)
    return {"impl": "local-search", "n": n, "instance": inst.name, "starts_walked": 1, "measured": True,
            "all_starts_s": np.nan, "per_tour_s": t, "shorter_%": 100 * (1 - better.length / tour.length)}


def _cli_seconds(repeat=3, warm=True):
    """Whole-process time of ``python -m tsp 100`` (warm Numba cache), best of ``repeat``."""
    cmd = [sys.executable, "-m", "tsp", "100", "--seed", "0"]
    if warm:
        subprocess.run(cmd, capture_output=True, check=True)  # fill the cache first
    return best_time(lambda: subprocess.run(cmd, capture_output=True, check=True), repeat=repeat)


# ---------------------------------------------------------------------------
# the benchmark
# ---------------------------------------------------------------------------


def run(quick: bool = True, smoke: bool = False) -> BenchResult:
    import numba
    import pandas as pd

    from tsp import Instance, seed_routes

    sizes = SMOKE_SIZES if smoke else QUICK_SIZES if quick else FULL_SIZES
    budget = 0.05 if smoke else 1.0 if quick else 4.0
    threads_before = numba.get_num_threads()
    rows, notes = [], []
    last = {}  # impl -> (n, per-tour seconds) of its latest measured size
    bar = progress_bar(len(sizes) * len(IMPLS), "tsp_speed")
    try:
        for n in sizes:
            inst = seed_routes() if n == 15 else Instance.random_uniform(n, seed=0)
            reference = None
            for impl in IMPLS:
                bar.set_postfix_str(f"n={n} {impl}")
                if impl in last:
                    n0, per0 = last[impl]
                    predicted = per0 * (n / n0) ** COST_EXPONENT[impl]
                    if predicted > budget:
                        rows.append({"impl": impl, "n": n, "instance": inst.name, "starts_walked": 0,
                                     "measured": False, "all_starts_s": predicted * n, "per_tour_s": predicted})
                        notes.append(f"n={n} {impl}: not run, one walk predicted {predicted:.3g} s "
                                     f"(n^{COST_EXPONENT[impl]} from n={n0}); all-starts time is that estimate")
                        bar.update()
                        continue
                all_s, measured, m, lengths = _measure(impl, inst, budget)
                last[impl] = (n, all_s / n)
                if reference is None:
                    reference = lengths
                k = min(len(reference), len(lengths))
                if not np.allclose(reference[:k], lengths[:k], rtol=1e-9, atol=0):
                    raise AssertionError(f"{impl} disagrees with classroom at n={n}")
                rows.append({"impl": impl, "n": n, "instance": inst.name, "starts_walked": m,
                             "measured": measured, "all_starts_s": all_s, "per_tour_s": all_s / n})
                if not measured:
                    notes.append(f"n={n} {impl}: over the {budget:g} s budget, walked {m} of {n} starts; "
                                 f"all-starts time extrapolated")
                bar.update()
    finally:
        bar.close()
        numba.set_num_threads(threads_before)
    for n in LOCAL_SEARCH_SIZES["smoke" if smoke else "quick" if quick else "full"]:
        rows.append(_local_search_row(n, repeat=1 if smoke else 3))
    table = pd.DataFrame(rows)
    ours2 = table[table.impl == "ours-2t"].set_index("n")["all_starts_s"]
    table["x_slower_than_ours_2t"] = table["all_starts_s"] / table["n"].map(ours2)

    def get(impl, n):
        sel = table[(table.impl == impl) & (table.n == n)]
        return float(sel["all_starts_s"].iloc[0]) if len(sel) else None

    metrics = {}
    for r in rows:
        if r["impl"] == "local-search":
            metrics[f"local_search_n{r['n']}_s"] = r["per_tour_s"]
            notes.append(f"local search of one nearest-neighbour tour at n={r['n']}: "
                         f"{seconds(r['per_tour_s'])} (its candidate lists included), "
                         f"{r['shorter_%']:.1f} % shorter")
        else:
            metrics[f"{r['impl']}_n{r['n']}_all_starts_s"] = r["all_starts_s"]

    def target(ok, text):
        notes.append(("target met: " if ok else "target MISSED: ") + text)

    if get("ours-2t", 1000) is not None:
        t, full = get("ours-2t", 1000), get("full-scan", 1000)
        metrics["ratio_fullscan_over_ours_n1000"] = full / t
        target(t <= 0.040, f"all starts n=1000 in {t * 1e3:.1f} ms (<= 40 ms)")
        target(full / t >= 25, f"all starts n=1000 {full / t:.0f}x faster than the full-scan kernel (>= 25x)")
    if get("ours-2t", 52) is not None:
        ratio = get("classroom", 52) / get("ours-2t", 52)
        metrics["ratio_classroom_over_ours_n52"] = ratio
        target(ratio >= 10_000, f"one simulation at n=52 {ratio:,.0f}x faster than the classroom loop "
                                f"(>= 10,000x; per tour {get('classroom', 52) / 52 * 1e3:.0f} ms vs "
                                f"{get('ours-2t', 52) / 52 * 1e6:.2f} us)")
        from tsp import Instance, nearest_neighbor

        inst52 = Instance.random_uniform(52, seed=0)
        one_call = best_time(lambda: nearest_neighbor(inst52, 0), repeat=200)
        metrics["nearest_neighbor_call_n52_s"] = one_call
        notes.append(f"one public nearest_neighbor() call at n=52 (validation, kernel, Tour): "
                     f"{one_call * 1e6:.1f} us = {get('classroom', 52) / 52 / one_call:,.0f}x the classroom loop")
    if get("ours-2t", 5000) is not None:
        t = get("ours-2t", 5000)
        target(t <= 4.0, f"all starts n=5000 in {t:.2f} s (<= 4 s)")
    cli = _cli_seconds(repeat=1, warm=False) if smoke else _cli_seconds()
    metrics["cli_python_m_tsp_100_s"] = cli
    target(cli <= 1.0, f"`python -m tsp 100` whole process {cli:.2f} s (<= 1.0 s, warm cache)")
    notes.append("ours = tsp.simulate(starts='all') incl. building candidate lists; below "
                 "PARALLEL_MIN_WORK city-steps it runs one thread (so 1t == 2t at small n); "
                 "full-scan runs on the same threads as ours-2t")
    return BenchResult(
        name="tsp_speed",
        table=table,
        params={"sizes": ",".join(map(str, sizes)), "budget_s": budget, "quick": quick, "smoke": smoke,
                "threads": min(2, numba.config.NUMBA_NUM_THREADS)},
        metrics=metrics,
        figure=_plot(table),
        notes=notes,
        columns={"all_starts_s": ("all starts", seconds), "per_tour_s": ("per tour", seconds),
                 "x_slower_than_ours_2t": ("time / ours-2t", times), "shorter_%": ("shorter", percent)},
    )


def _plot(table):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 5))
    for k, impl in enumerate(IMPLS):
        sel = table[table.impl == impl]
        color = f"C{k}"
        ax.plot(sel.n, sel.per_tour_s, "-", color=color, label=impl)
        for measured, face in ((True, color), (False, "none")):
            part = sel[sel.measured == measured]
            ax.scatter(part.n, part.per_tour_s, edgecolors=color, facecolors=face, zorder=3)
    ls = table[table.impl == "local-search"]
    ax.plot(ls.n, ls.per_tour_s, "D--", color="k", mfc="none", label="local search of one tour")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("cities n")
    ax.set_ylabel("seconds per tour (all starts / n)")
    ax.set_title("nearest neighbour: time per tour (hollow = extrapolated);\nlocal search of one tour")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    return fig


if __name__ == "__main__":
    # Same flags as `python -m benchmarks` (--quick by default, --full, --out, --no-track).
    from benchmarks.__main__ import main

    sys.exit(main(["--only", "tsp_speed", *sys.argv[1:]]))
