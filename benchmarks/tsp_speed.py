"""How fast is nearest neighbour? Seven implementations side by side, one process.

- ``classroom``: a faithful re-implementation of the classroom script — at every
  step a Python loop over the whole ``(start, end, distance)`` edge list;
- ``numpy``: one vectorised ``argmin`` over the current row per step;
- ``full-scan``: a straightforward Numba kernel scanning every city per step,
  parallel over starts (``prange``) on the same threads as ours;
- ``ours-1t`` / ``ours-2t``: ``tsp.simulate(instance, starts="all")`` on a matrix
  instance (``Instance.from_matrix``) — candidate lists (built inside the timing),
  fallback scans, ``prange`` — on 1 and 2 threads: the matrix path;
- ``geo-1t`` / ``geo-2t``: the same on the geometric instance of the same points
  (``Instance.from_points``): k-d tree, its lists and fallback, no matrix.

Then the geometric path at scale (``geo-2t`` rows of n = 10^5, and 10^6 with
``--full``): a fresh process builds ``random:N``, its candidate lists and 16 closed
walks; the table gives the whole process's wall time and peak memory (``wait4``),
the time per walk, and the mean length against the Beardwood–Halton–Hammersley
estimate of the optimum for n uniform points in the unit square, 0.7124 sqrt(n)
(Johnson & McGeoch's constant; nearest neighbour is expected about 25 % above).
``--full`` also runs ``python -m tsp 10 --instance random:1000000 --closed``.

For n in {15 (the classroom table), 52, 100, 1000, 5000} (``quick``: 15, 52, 200,
1000). Every implementation walks from every start; slow ones are capped by a time
budget: they walk a subset of the starts and the all-starts time is extrapolated
linearly (``measured`` False in the table, hollow markers in the plot). Per-tour
time is the all-starts time divided by n (all starts are distinct walks, so
``simulate`` cannot share work between them). All implementations must agree on
the lengths of the walks they made; the benchmark checks it.

More rows, ``local-search`` (matrix path) and ``local-search-geo`` (geometric path, the
same points): ``tsp.local_search`` of one closed nearest-neighbour tour of
``random_uniform(n)`` at n = 1000 and 5000 (``quick``: 1000), its candidate lists built
inside the timing, and how much shorter the tour gets; then ``local-search-geo`` of
random:200,000 (``quick``: 20,000) in a fresh process, its whole wall time and peak
memory (target: at most 120 s, quadrant lists included, and at least 15 % shorter).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import numpy as np
from numba import njit, prange

from benchmarks.common import BenchResult, best_time, number, percent, progress_bar, seconds, size, times

FULL_SIZES = (15, 52, 100, 1000, 5000)
QUICK_SIZES = (15, 52, 200, 1000)
SMOKE_SIZES = (15, 52, 1000)  # --smoke: the sizes the targets name, on a 0.05 s budget each
#: local search of one nearest-neighbour tour (closed, from city 0): its row(s)
LOCAL_SEARCH_SIZES = {"full": (1000, 5000), "quick": (1000,), "smoke": (1000,)}
#: ... and of random:n in a fresh process (geometric path; target at 200,000: <= 120 s, >= 15 % shorter)
LOCAL_SEARCH_SCALE = {"full": (200_000,), "quick": (20_000,), "smoke": ()}
IMPLS = ("classroom", "numpy", "full-scan", "ours-1t", "ours-2t", "geo-1t", "geo-2t")
# How a walk's time grows with n, to skip a run predicted to blow the budget on one walk.
COST_EXPONENT = {"classroom": 3, "numpy": 2, "full-scan": 2, "ours-1t": 1, "ours-2t": 1, "geo-1t": 1, "geo-2t": 1}

#: The geometric path at scale: cities of a fresh process each, and its closed walks.
FULL_SCALE = (10**5, 10**6)
QUICK_SCALE = (10**5,)
SMOKE_SCALE = (20_000,)
SCALE_WALKS = 16

#: Beardwood-Halton-Hammersley: the optimal tour through n uniform points of the unit
#: square is about BHH * sqrt(n) for large n (Johnson & McGeoch's estimate of the constant).
BHH = 0.7124

#: The matrix path's all-starts times before geometric instances (tsp_speed --full on
#: main at commit 78cbfed, 2 threads): it must stay within 10 %.
MATRIX_BEFORE = {1000: 0.0102, 5000: 0.459}


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


def _runner(impl, inst, geometric):
    """fn(starts) -> lengths, for one implementation on a matrix instance (``inst``) or,
    for ``geo-*``, on the geometric instance of the same points (``geometric``)."""
    import numba

    from tsp import neighbors, simulate

    if impl.startswith("geo"):
        inst = geometric
    if impl == "classroom":
        rows = edge_rows(inst.dist)
        return lambda starts: np.array([classroom_walk(rows, inst.n, int(s)) for s in starts])
    if impl == "numpy":
        return lambda starts: np.array([numpy_walk(inst.dist, int(s)) for s in starts])
    if impl == "full-scan":
        return lambda starts: full_scan_many(inst.dist, starts)
    threads = 1 if impl.endswith("1t") else min(2, numba.config.NUMBA_NUM_THREADS)

    def ours(starts):
        numba.set_num_threads(threads)
        for cache in (neighbors._cache, neighbors._trees):  # time the candidate lists (and the tree) too
            cache.pop(inst, None)
        return np.asarray(simulate(inst, starts=starts).lengths)

    return ours


def _measure(impl, inst, geometric, budget):
    """(all-starts seconds, measured?, starts walked, lengths) within ``budget`` seconds."""
    n = inst.n
    fn = _runner(impl, inst, geometric)
    starts = np.arange(n, dtype=np.int64)
    fn(starts[:2])  # warm-up: Numba kernels load, caches fill
    t0 = time.perf_counter()
    fn(starts[:1])
    one = time.perf_counter() - t0
    parallel = impl in ("full-scan", "ours-2t", "geo-2t")
    if impl.startswith(("ours", "geo")):
        m = n  # ours always walks every start: its fixed costs must not be scaled up
    elif one * n / (2 if parallel else 1) <= budget:
        m = n
    else:
        m = min(n, int(max(2 if parallel else 1, budget / one)))
    lengths = fn(starts[:m])
    seconds = best_time(lambda: fn(starts[:m]), repeat=3, budget=budget)
    return seconds * n / m, m == n, m, lengths


def _local_search_row(n, repeat, geometric):
    """``tsp.local_search`` of the closed nearest-neighbour tour from city 0 of
    ``random_uniform(n, seed=0)`` (``geometric``) or of the matrix instance of its points:
    best time of ``repeat``, its candidate lists built each time."""
    from tsp import Instance, local_search, nearest_neighbor, neighbors

    inst = Instance.random_uniform(n, seed=0)
    if not geometric:  # the matrix of the same points, with them for the quadrant lists
        inst = Instance(inst.names, inst.dist, coords=inst.coords, name=inst.name)
    tour = nearest_neighbor(inst, 0, closed=True)
    local_search(tour)  # warm: the kernels load

    def once():
        for cache in (neighbors._cache, neighbors._quadrant_cache, neighbors._trees):
            cache.pop(inst, None)
        return local_search(tour)

    better = once()
    t = best_time(once, repeat=repeat)
    return {"impl": "local-search-geo" if geometric else "local-search", "n": n, "instance": inst.name,
            "starts_walked": 1, "measured": True, "all_starts_s": np.nan, "per_tour_s": t,
            "shorter_%": 100 * (1 - better.length / tour.length)}


# Local search at scale, in a fresh process: random:n, one closed nearest-neighbour tour
# from city 0 and its local search, each phase timed (the kernels loaded on a small
# instance first: the times are the work's).
_LS_SCALE_CODE = """
import json, sys, time
from tsp import Instance, local_search, nearest_neighbor
from tsp.improve.local_search import K_MOVES, QUADRANT_MOVES
from tsp.neighbors import candidates, quadrant_candidates
n = int(sys.argv[1])
local_search(nearest_neighbor(Instance.random_uniform(1000, seed=1), 0, closed=True))
t = time.perf_counter(); inst = Instance.random_uniform(n, seed=0); instance_s = time.perf_counter() - t
t = time.perf_counter(); candidates(inst); tour = nearest_neighbor(inst, 0, closed=True)
walk_s = time.perf_counter() - t
t = time.perf_counter(); quadrant_candidates(inst, K_MOVES, QUADRANT_MOVES); lists_s = time.perf_counter() - t
t = time.perf_counter(); better = local_search(tour); search_s = time.perf_counter() - t
print(json.dumps({"instance_s": instance_s, "walk_s": walk_s, "lists_s": lists_s, "search_s": search_s,
                  "before": tour.length, "after": better.length, "matrix_built": inst._dist is not None}))
"""


def _ls_scale_row(n):
    """Local search of one tour of random:n in a fresh process: its time (the quadrant
    lists included), how much shorter, the process's wall time and peak RSS."""
    wall, rss, out = _process_wait4([sys.executable, "-c", _LS_SCALE_CODE, str(n)])
    got = json.loads(out.strip().splitlines()[-1])
    if got["matrix_built"]:
        raise AssertionError(f"local search at n={n} built the n x n matrix")
    return {"impl": "local-search-geo", "n": n, "instance": f"random:{n}", "starts_walked": 1, "measured": True,
            "all_starts_s": np.nan, "per_tour_s": got["lists_s"] + got["search_s"], "lists_s": got["lists_s"],
            "shorter_%": 100 * (1 - got["after"] / got["before"]), "process_s": wall, "peak_rss": rss,
            "mean_length": got["after"], "vs_bhh": got["after"] / (BHH * np.sqrt(n)), "walk_s": got["walk_s"]}


def _cli_seconds(repeat=3, warm=True):
    """Whole-process time of ``python -m tsp 100`` (warm Numba cache), best of ``repeat``."""
    cmd = [sys.executable, "-m", "tsp", "100", "--seed", "0"]
    if warm:
        subprocess.run(cmd, capture_output=True, check=True)  # fill the cache first
    return best_time(lambda: subprocess.run(cmd, capture_output=True, check=True), repeat=repeat)


# The geometric path at scale, in a fresh process: its phases as it times them.
_SCALE_CODE = """
import json, sys, time
from tsp import Instance, simulate
from tsp.neighbors import candidates
n, walks = int(sys.argv[1]), int(sys.argv[2])
t = time.perf_counter(); inst = Instance.random_uniform(n, seed=0); instance_s = time.perf_counter() - t
t = time.perf_counter(); lists = candidates(inst); lists_s = time.perf_counter() - t
sim = simulate(inst, walks, seed=1, closed=True)
print(json.dumps({"instance_s": instance_s, "lists_s": lists_s, "walks_s": sim.seconds, "k": lists.cand.shape[1],
                  "lengths": sim.lengths.tolist(), "distinct": int(len(set(sim.starts.tolist())))}))
"""


def _scale_row(n):
    """One geometric-path row at scale: a fresh process, random:n, 16 closed walks."""
    wall, rss, out = _process_wait4([sys.executable, "-c", _SCALE_CODE, str(n), str(SCALE_WALKS)])
    got = json.loads(out.strip().splitlines()[-1])
    lengths = np.array(got["lengths"])
    bhh = BHH * np.sqrt(n)
    return {"impl": "geo-2t", "n": n, "instance": f"random:{n}", "starts_walked": got["distinct"],
            "measured": True, "all_starts_s": np.nan, "per_tour_s": got["walks_s"] / got["distinct"],
            "process_s": wall, "lists_s": got["lists_s"], "peak_rss": rss, "k": got["k"],
            "mean_length": float(lengths.mean()), "vs_bhh": float(lengths.mean() / bhh)}


#: Runs ``-m module args`` or ``-c code args`` and, at exit, writes the process's peak
#: resident memory (``VmHWM`` of /proc/self/status, KiB) as the last line of stderr.
_PEAK_WRAPPER = """
import atexit, runpy, sys
def _peak():
    with open('/proc/self/status') as f:
        kib = next(line.split()[1] for line in f if line.startswith('VmHWM:'))
    sys.stderr.write('\\npeak-rss-kib ' + kib + '\\n')
atexit.register(_peak)
mode, what = sys.argv[1], sys.argv[2]
sys.argv = [what] + sys.argv[3:]
if mode == '-m':
    runpy.run_module(what, run_name='__main__', alter_sys=True)
else:
    exec(compile(what, '<string>', 'exec'), {'__name__': '__main__'})
"""


def _process_wait4(cmd):
    """Run ``[python, "-m" | "-c", what, *args]`` to its end: (wall seconds, peak RSS in
    bytes of that process alone, stdout).

    The peak is the child's own ``VmHWM``: ``os.wait4``'s ``ru_maxrss`` is not, on
    Linux a child forked from this (large) process starts from its parent's peak
    (measured: 626 MiB for 10^5 and 10^6 cities alike)."""
    import tempfile

    python, mode, what, *args = cmd
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([python, "-c", _PEAK_WRAPPER, mode, what, *args], stdout=out, stderr=err, text=True)
        _, status, _ = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        errors = err.read()
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed: {errors[-2000:]}")
        return wall, int(errors.rsplit("peak-rss-kib ", 1)[1].split()[0]) * 1024, out.read()


# ---------------------------------------------------------------------------
# the benchmark
# ---------------------------------------------------------------------------


def run(quick: bool = True, smoke: bool = False) -> BenchResult:
    import numba
    import pandas as pd

    from tsp import Instance, seed_routes

    sizes = SMOKE_SIZES if smoke else QUICK_SIZES if quick else FULL_SIZES
    scale = SMOKE_SCALE if smoke else QUICK_SCALE if quick else FULL_SCALE
    budget = 0.05 if smoke else 1.0 if quick else 4.0
    threads_before = numba.get_num_threads()
    rows, notes = [], []
    last = {}  # impl -> (n, per-tour seconds) of its latest measured size
    bar = progress_bar(len(sizes) * len(IMPLS) + len(scale), "tsp_speed")
    try:
        for n in sizes:
            # the matrix path on a matrix instance; geo-* on the geometric instance of the
            # same points (the classroom table has none: no geo rows at n=15)
            geometric = None if n == 15 else Instance.random_uniform(n, seed=0)
            inst = seed_routes() if n == 15 else Instance.from_matrix(geometric.dist, name=geometric.name)
            reference = None
            for impl in IMPLS:
                bar.set_postfix_str(f"n={n} {impl}")
                if impl.startswith("geo") and geometric is None:
                    bar.update()
                    continue
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
                all_s, measured, m, lengths = _measure(impl, inst, geometric, budget)
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
        for n in scale:
            bar.set_postfix_str(f"n={n} geo-2t, a fresh process")
            rows.append(_scale_row(n))
            bar.update()
    finally:
        bar.close()
        numba.set_num_threads(threads_before)
    mode = "smoke" if smoke else "quick" if quick else "full"
    for n in LOCAL_SEARCH_SIZES[mode]:
        for geometric in (False, True):
            rows.append(_local_search_row(n, repeat=1 if smoke else 3, geometric=geometric))
    for n in LOCAL_SEARCH_SCALE[mode]:
        rows.append(_ls_scale_row(n))
    table = pd.DataFrame(rows)
    ours2 = table[table.impl == "ours-2t"].set_index("n")["all_starts_s"]
    table.insert(table.columns.get_loc("per_tour_s") + 1, "x_slower_than_ours_2t",
                 table["all_starts_s"] / table["n"].map(ours2))

    def get(impl, n):
        sel = table[(table.impl == impl) & (table.n == n)]
        return float(sel["all_starts_s"].iloc[0]) if len(sel) else None

    def target(ok, text):
        notes.append(("target met: " if ok else "target MISSED: ") + text)

    metrics = {}
    for r in rows:
        if r["impl"].startswith("local-search"):
            path = "geometric" if r["impl"].endswith("geo") else "matrix"
            metrics[f"local_search_{path}_n{r['n']}_s"] = r["per_tour_s"]
            metrics[f"local_search_{path}_n{r['n']}_shorter_pct"] = r["shorter_%"]
            notes.append(f"local search of one nearest-neighbour tour at n={r['n']}, {path} path: "
                         f"{seconds(r['per_tour_s'])} (its candidate lists included), "
                         f"{r['shorter_%']:.1f} % shorter")
            if "process_s" in r:
                metrics.update({f"local_search_n{r['n']}_process_s": r["process_s"],
                                f"local_search_n{r['n']}_peak_rss": r["peak_rss"]})
                notes.append(f"random:{r['n']} in a fresh process: walk {seconds(r['walk_s'])}, quadrant lists "
                             f"{seconds(r['lists_s'])}, local search {seconds(r['per_tour_s'] - r['lists_s'])}; "
                             f"whole process {seconds(r['process_s'])}, peak RSS {size(r['peak_rss'])}; the tour "
                             f"after local search {r['mean_length']:.5g} = {r['vs_bhh']:.3f}x the BHH estimate")
                if r["n"] == 200_000:
                    target(r["per_tour_s"] <= 120 and r["shorter_%"] >= 15,
                           f"random:200000, local search of one nearest-neighbour tour in "
                           f"{r['per_tour_s']:.1f} s (<= 120 s, quadrant lists included), "
                           f"{r['shorter_%']:.1f} % shorter (>= 15 %)")
        else:
            metrics[f"{r['impl']}_n{r['n']}_all_starts_s"] = r["all_starts_s"]

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

        points52 = Instance.random_uniform(52, seed=0)
        for path, inst52 in (("matrix", Instance.from_matrix(points52.dist)), ("geometric", points52)):
            one_call = best_time(lambda: nearest_neighbor(inst52, 0), repeat=200)
            metrics[f"nearest_neighbor_call_n52_{path}_s"] = one_call
            notes.append(f"one public nearest_neighbor() call at n=52, {path} (validation, kernel, Tour): "
                         f"{one_call * 1e6:.1f} us = {get('classroom', 52) / 52 / one_call:,.0f}x the classroom loop")
    if get("ours-2t", 5000) is not None:
        t = get("ours-2t", 5000)
        target(t <= 4.0, f"all starts n=5000 in {t:.2f} s (<= 4 s)")
    for n, before in MATRIX_BEFORE.items():
        t = get("ours-2t", n)
        if t is not None:
            target(t <= 1.10 * before, f"matrix path, all starts n={n} in {t * 1e3:.1f} ms, "
                                       f"{100 * (t / before - 1):+.0f} % against {before * 1e3:.1f} ms before "
                                       f"geometric instances, at commit 78cbfed (within 10 %)")
            geo = get("geo-2t", n)
            if geo is not None:
                notes.append(f"geometric path, all starts n={n}: {geo * 1e3:.1f} ms = {geo / t:.2f}x the matrix "
                             f"path (the k-d tree instead of the matrix: no O(n^2) memory)")
    for r in rows:
        if r["impl"] == "geo-2t" and "process_s" in r:
            n = r["n"]
            metrics.update({f"geo_n{n}_process_s": r["process_s"], f"geo_n{n}_peak_rss": r["peak_rss"],
                            f"geo_n{n}_per_walk_s": r["per_tour_s"], f"geo_n{n}_vs_bhh": r["vs_bhh"]})
            notes.append(f"random:{n}: mean of {SCALE_WALKS} closed nearest-neighbour tours {r['mean_length']:.5g} "
                         f"= {r['vs_bhh']:.3f}x the Beardwood-Halton-Hammersley estimate of the optimum "
                         f"{BHH} sqrt(n) = {BHH * np.sqrt(n):.5g}")
            if n == 10**6:
                target(r["process_s"] <= 30 and r["peak_rss"] <= 3 * 2**30,
                       f"random:1000000, {SCALE_WALKS} closed walks: whole process {r['process_s']:.1f} s "
                       f"(<= 30 s), peak RSS {size(r['peak_rss'])} (<= 3 GiB)")
    if not quick and not smoke:
        cmd = [sys.executable, "-m", "tsp", "10", "--instance", "random:1000000", "--closed"]
        wall, rss, out = _process_wait4(cmd)
        lines = len(out.splitlines())
        metrics.update(cli_random_1m_s=wall, cli_random_1m_peak_rss=rss, cli_random_1m_lines=lines)
        target(wall <= 30 and rss <= 3 * 2**30 and lines < 200,
               f"`python -m tsp 10 --instance random:1000000 --closed` whole process {wall:.1f} s (<= 30 s), "
               f"peak RSS {size(rss)} (<= 3 GiB), {lines} lines (< 200)")
    cli = _cli_seconds(repeat=1, warm=False) if smoke else _cli_seconds()
    metrics["cli_python_m_tsp_100_s"] = cli
    target(cli <= 1.0, f"`python -m tsp 100` whole process {cli:.2f} s (<= 1.0 s, warm cache)")
    notes.append("ours / geo = tsp.simulate(starts='all') on a matrix / geometric instance, incl. building "
                 "candidate lists; below PARALLEL_MIN_WORK city-steps it runs one thread (so 1t == 2t at small "
                 "n); full-scan runs on the same threads as ours-2t. The rows of 10^5 cities and more: a fresh "
                 f"process, {SCALE_WALKS} closed walks, per tour = their wall time / {SCALE_WALKS} (2 threads); "
                 "k = neighbours per city in the lists")
    return BenchResult(
        name="tsp_speed",
        table=table,
        params={"sizes": ",".join(map(str, sizes)), "scale": ",".join(map(str, scale)), "budget_s": budget,
                "quick": quick, "smoke": smoke, "threads": min(2, numba.config.NUMBA_NUM_THREADS)},
        metrics=metrics,
        figure=_plot(table),
        notes=notes,
        columns={"all_starts_s": ("all starts", seconds), "per_tour_s": ("per tour", seconds),
                 "x_slower_than_ours_2t": ("time / ours-2t", times), "shorter_%": ("shorter", percent),
                 "process_s": ("process", seconds), "lists_s": ("lists", seconds), "peak_rss": ("peak RSS", size),
                 "mean_length": ("mean length", number), "vs_bhh": ("/ BHH", times)},
    )


def _plot(table):
    import matplotlib.pyplot as plt

    fig, (ax, mem) = plt.subplots(1, 2, figsize=(13, 5.8))
    for k, impl in enumerate(IMPLS):
        sel = table[table.impl == impl]
        color = f"C{k}"
        ax.plot(sel.n, sel.per_tour_s, "-", color=color, label=impl)
        for measured, face in ((True, color), (False, "none")):
            part = sel[sel.measured == measured]
            ax.scatter(part.n, part.per_tour_s, edgecolors=color, facecolors=face, zorder=3)
    for impl, color, label in (("local-search", "k", "local search of one tour, matrix"),
                               ("local-search-geo", "0.5", "local search of one tour, geometric")):
        ls = table[table.impl == impl]
        ax.plot(ls.n, ls.per_tour_s, "D--", color=color, mfc="none", label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("cities n")
    ax.set_ylabel(f"seconds per tour (all starts / n; from 10^5: {SCALE_WALKS} walks / {SCALE_WALKS})")
    ax.set_title("nearest neighbour: time per tour (hollow = extrapolated);\nlocal search of one tour")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3)
    measured = table[table.get("peak_rss", np.nan).notna()] if "peak_rss" in table else table.iloc[:0]
    scale = measured[measured.impl == "geo-2t"]
    searched = measured[measured.impl == "local-search-geo"]
    ns = np.logspace(3, 6, 50)
    mem.plot(ns, 8 * ns ** 2, "--", color=f"C{IMPLS.index('ours-2t')}",
             label="matrix path: the dense matrix alone, 8 n^2 bytes")
    physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    mem.axhline(physical, color="0.5", lw=1, label=f"this machine's memory ({size(physical)})")
    if len(scale):
        mem.plot(scale.n, scale.peak_rss, "o-", color=f"C{IMPLS.index('geo-2t')}",
                 label="geometric path: peak RSS of the whole process")
    if len(searched):
        mem.plot(searched.n, searched.peak_rss, "D", color="0.5", mfc="none",
                 label="geometric path: local search of one tour, peak RSS")
    for part in (scale, searched):
        for n, rss in zip(part.n, part.peak_rss):
            mem.annotate(size(rss), (n, rss), xytext=(6, -12), textcoords="offset points", fontsize=8)
    mem.set_xscale("log")
    mem.set_yscale("log")
    mem.set_xlabel("cities n")
    mem.set_ylabel("bytes")
    mem.set_title(f"memory: random:n and {SCALE_WALKS} closed walks (or one local search)")
    mem.grid(True, which="both", alpha=0.3)
    mem.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    return fig


if __name__ == "__main__":
    # Same flags as `python -m benchmarks` (--quick by default, --full, --out, --no-track).
    from benchmarks.__main__ import main

    sys.exit(main(["--only", "tsp_speed", *sys.argv[1:]]))
