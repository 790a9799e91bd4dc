"""Tutorial 05: the way out of greedy — 2-opt, Or-opt and iterated local search.

Tutorial 02 ended on a plateau: the best of all nearest-neighbour starts on
berlin52 stays 8.5 % above the optimum, and no number of restarts gets below it.
Here we look back at a greedy tour and repair it: first its crossings (2-opt),
then cities left behind (Or-opt), then, when no single move helps any more, we
kick the tour out of its local optimum and repair again (iterated local search).
Every stage is measured against TSPLIB's published optimum.

Run:  python tutorials/05_local_search.py [--quick]
"""

from __future__ import annotations

import time

import matplotlib.pyplot as plt
import numpy as np

import _common as tut
import tsp
from tsp.plot import plot_route
from tsp.tsplib import BUNDLED_DIR, published_optimum


def crossing_pairs(instance, tour):
    """Pairs (i, j) of legs of a closed ``tour`` that cross each other in the plane.

    Legs a-b and c-d cross when c and d lie on different sides of the line through
    a and b, and a and b on different sides of the line through c and d (the sign
    of a cross product says which side). Legs that share a city never cross.
    """
    xy = instance.coords[np.append(tour.order, tour.order[0])]

    def side(p, q, r):
        return np.sign((q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0]))

    n = len(tour.order)
    pairs = []
    for i in range(n):
        for j in range(i + 2, n):
            if i == 0 and j == n - 1:
                continue  # the first and last legs share the start
            a, b, c, d = xy[i], xy[i + 1], xy[j], xy[j + 1]
            if side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0:
                pairs.append((i, j))
    return pairs


def gap(length, optimum):
    return 100 * (length / optimum - 1)


def draw_with_crossings(ax, instance, tour, optimum, title):
    plot_route(instance, tour, ax=ax)
    xy = instance.coords[np.append(tour.order, tour.order[0])]
    pairs = crossing_pairs(instance, tour)
    legs = sorted({k for pair in pairs for k in pair})
    for k in legs:
        ax.plot(xy[k:k + 2, 0], xy[k:k + 2, 1], color="tab:red", lw=2.5, zorder=4)
    if legs:
        ax.plot([], [], color="tab:red", lw=2.5, label=f"{len(legs)} legs in {len(pairs)} crossings")
        ax.legend(fontsize=8, loc="upper right")
    ax.set_title(f"{title}: {tour.length:g} ({gap(tour.length, optimum):.2f} % above the optimum)", fontsize=10)
    return pairs


def main() -> None:
    args = tut.parse_args(__doc__)
    restarts = 200 if args.quick else 2000
    kicks = 5000 if args.quick else 20000

    with tut.start_run("05_local_search", args) as run:
        run.log_params({"quick": args.quick, "restarts": restarts, "kicks": kicks})
        tsp.solve(tsp.seed_routes(), seconds=None, kicks=2, seed=0)  # load the compiled code once

        tut.section("1. berlin52: the best greedy tour crosses itself")
        b52 = tsp.read_tsplib(f"{BUNDLED_DIR}/berlin52.tsp")
        opt52 = published_optimum(b52)
        greedy = tsp.simulate(b52, starts="all", closed=True).best
        fig, axes = plt.subplots(1, 2, figsize=(13, 5.6))
        before = draw_with_crossings(axes[0], b52, greedy, opt52, "best greedy tour")
        better = tsp.two_opt(greedy)
        after = draw_with_crossings(axes[1], b52, better, opt52, "after 2-opt")
        tut.say(f"The best of all 52 nearest-neighbour tours is {greedy.length:g} long, "
                f"{gap(greedy.length, opt52):.2f} % above the optimum {opt52}. Drawn, it crosses itself: "
                f"{len(before)} pairs of its legs cross (red). A crossing can always be undone. If legs "
                f"a-b and c-d cross, the four cities form a quadrilateral whose diagonals they are; "
                f"replace them with two opposite sides, a-c and b-d, and walk the path between them "
                f"backwards. By the triangle inequality, twice over (each diagonal is cut in two by "
                f"the crossing point), the two sides are shorter than the two diagonals. That "
                f"exchange is a 2-opt move, and tsp.two_opt makes improving 2-opt moves until none "
                f"is left.")
        tut.say(f"After 2-opt the tour is {better.length:g} long "
                f"({gap(better.length, opt52):.2f} % above the optimum) and "
                + (f"has no crossing left ({len(after)} crossing pairs): a 2-optimal tour of points in "
                   f"the plane never crosses itself, since a crossing would be an improving move. (TSPLIB "
                   f"rounds every distance to an integer, so a crossing that saves less than the rounding "
                   f"could survive; here none does.)"
                   if not after else
                   f"still has {len(after)} crossing pairs: TSPLIB rounds every distance to an integer, "
                   f"and those crossings shorten the tour by less than the rounding.")
                + (" Here 2-opt alone reaches the optimum." if better.length == opt52 else ""))
        fig.suptitle("berlin52: crossings (red) are what 2-opt removes")
        fig.tight_layout()
        tut.save(fig, "05_crossings.png", args, run)
        run.log_metrics({"berlin52.greedy": greedy.length, "berlin52.crossings": len(before),
                         "berlin52.two_opt": better.length, "berlin52.crossings_after": len(after)})

        tut.section("2. a280: local search, and the local optimum it stops at")
        a280 = tsp.read_tsplib(f"{BUNDLED_DIR}/a280.tsp")
        opt = published_optimum(a280)
        every = tsp.simulate(a280, starts="all", closed=True)
        start = every.best
        two, orr, both = tsp.two_opt(start), tsp.or_opt(start), tsp.local_search(start)
        improved = tsp.simulate(a280, starts="all", closed=True, local_search=True)
        tut.say(f"a280 (280 cities, optimum {opt}): a random greedy start is "
                f"{gap(float(np.mean(every.lengths)), opt):.1f} % above the optimum on average, the best "
                f"of all 280 starts {gap(start.length, opt):.2f} %. From that best tour, 2-opt alone "
                f"reaches {gap(two.length, opt):.2f} %, Or-opt alone (moving one to three cities "
                f"elsewhere) {gap(orr.length, opt):.2f} %, and tsp.local_search, both until neither "
                f"helps, {gap(both.length, opt):.2f} % ({both.length:g}). There it stops: no single "
                f"2-opt or Or-opt move shortens the tour, a local optimum, not the optimum.")
        tut.say(f"Restarts help local search more than they helped greedy: improving every one of "
                f"the 280 greedy tours and keeping the best gives {improved.best.length:g} "
                f"({gap(improved.best.length, opt):.2f} %), but each start still ends in a local "
                f"optimum of its own (median {np.median(improved.lengths):g}).")

        tut.section("3. Iterated local search: kick, repair, keep the better")
        sol = tsp.solve(a280, seconds=None, kicks=kicks, seed=0)
        stall = tsp.improve.solve.STALL_KICKS + a280.n * min(a280.n, tsp.improve.solve.STALL_CITIES)
        h = sol.history
        reached = h[h["length"] == sol.best.length].iloc[0]
        by_kicks = int((h["kick"] > 0).sum())
        tut.say(f"tsp.solve kicks the tour (it swaps two short stretches, a 'double bridge' that no "
                f"single 2-opt move undoes), repairs it with local search from the six cities the "
                f"kick touched, and keeps the result when it is not longer, else takes the kick back. "
                f"From the best of 16 greedy walks ({sol.start.length:g}) and its local optimum, "
                f"{by_kicks} kicks of {sol.kicks} made the tour shorter; the best, {sol.best.length:g} "
                f"({gap(sol.best.length, opt):.2f} % above the optimum), came at kick "
                f"{int(reached['kick'])}, {1e3 * reached['seconds']:.0f} ms into the run."
                + (f" Kicks that are never kept can trap it: after {stall:,} kicks with no new best it "
                   f"escapes once, keeping a few kicks from the best whatever they cost, and goes on from "
                   f"there ({sol.escapes} escapes in this run; the best is kept)." if sol.escapes else ""))
        stages = [("greedy, one start\n(mean)", float(np.mean(every.lengths))),
                  ("greedy, best of\nall starts", start.length),
                  ("local search\nof that tour", both.length),
                  ("local search of\nevery start, best", improved.best.length),
                  (f"iterated local\nsearch, {sol.kicks} kicks", sol.best.length)]
        fig, ax = plt.subplots(figsize=(10, 4.8))
        values = [gap(v, opt) for _, v in stages]
        bars = ax.bar([s for s, _ in stages], values, color=["0.6", "0.45", "tab:blue", "tab:blue", "tab:green"])
        for bar, v in zip(bars, values):
            ax.annotate(f"{v:.2f} %", (bar.get_x() + bar.get_width() / 2, v), ha="center", va="bottom",
                        xytext=(0, 3), textcoords="offset points", fontsize=9)
        ax.axhline(0, color="tab:red", lw=1.5, ls="--", label=f"the optimum {opt} (TSPLIB95)")
        ax.set_ylabel("gap to the optimum (%)")
        ax.set_ylim(0, max(values) * 1.15)
        ax.set_title("a280: each stage's tour against the optimum")
        ax.legend(fontsize=9)
        fig.tight_layout()
        tut.save(fig, "05_stages.png", args, run)
        run.log_metrics({"a280." + k: v for k, v in (("greedy_mean", float(np.mean(every.lengths))),
                                                      ("greedy_best", start.length), ("local_search", both.length),
                                                      ("local_search_best", improved.best.length),
                                                      ("solve", sol.best.length))})
        for row in h.itertuples(index=False):
            run.log_metric("a280.solve_length", float(row.length), step=int(row.kick))

        tut.section("4. Against time: restarts plateau, kicks keep going")
        t0 = time.perf_counter()
        walks = tsp.simulate(a280, restarts, seed=1, closed=True)
        per_walk = (time.perf_counter() - t0) / restarts
        t0 = time.perf_counter()
        walks_ls = tsp.simulate(a280, restarts, seed=1, closed=True, local_search=True)
        per_search = (time.perf_counter() - t0) / restarts
        ceiling = min(walks.best.length, walks_ls.best.length)
        passed = h[h["length"] < ceiling]
        fig, ax = plt.subplots(figsize=(9, 5))
        k = np.arange(1, restarts + 1)  # N restarts drawn at N times the mean time of one
        ax.step(k * per_walk, np.minimum.accumulate(walks.lengths), where="post", color="0.45", lw=2,
                label=f"best of N random greedy restarts (tutorial 02), {restarts} restarts")
        ax.step(k * per_search, np.minimum.accumulate(walks_ls.lengths), where="post", color="tab:blue", lw=2,
                label="best of N restarts, each with local search")
        t = np.append(h["seconds"].to_numpy(), sol.seconds)
        ax.step(t, np.append(h["length"].to_numpy(), sol.best.length), where="post", color="tab:green", lw=2,
                label=f"iterated local search ({sol.kicks} kicks)")
        end = max(sol.seconds, restarts * per_walk, restarts * per_search)  # every line reaches the right edge
        for best, stop, color in ((walks.best.length, restarts * per_walk, "0.45"),
                                  (walks_ls.best.length, restarts * per_search, "tab:blue"),
                                  (sol.best.length, sol.seconds, "tab:green")):
            if stop < end:  # the plateau, from where the run stopped
                ax.hlines(best, stop, end, color=color, ls=":", lw=1.5)
        ax.plot([], [], color="0.3", ls=":", label="their best so far, carried on to the end")
        ax.axhline(opt, color="tab:red", ls="--", lw=1.5, label=f"optimum {opt} (TSPLIB95)")
        ax.set_xscale("log")
        ax.set_xlabel("seconds (wall time on this machine; restart N drawn at N x the mean time of one)")
        ax.set_ylabel("length of the best tour so far")
        ax.set_title("a280: the best tour against time")
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3, which="both")
        fig.tight_layout()
        tut.save(fig, "05_time.png", args, run)
        tut.say(f"On this machine {restarts} greedy restarts took {1e3 * per_walk * restarts:.1f} ms and "
                f"ended at {walks.best.length:g} ({gap(walks.best.length, opt):.2f} %); the same restarts, "
                f"each followed by local search, took {1e3 * per_search * restarts:.0f} ms and ended at "
                f"{walks_ls.best.length:g} ({gap(walks_ls.best.length, opt):.2f} %). "
                + (f"Iterated local search was below both {1e3 * float(passed['seconds'].iloc[0]):.1f} ms "
                   f"into its run, and reached {sol.best.length:g} after {1e3 * reached['seconds']:.0f} ms. "
                   if len(passed) else
                   f"Iterated local search ended at {sol.best.length:g}, not below both. ")
                + "Restarts draw new tours at random; kicks change the best tour found so far a little "
                  "at a time, and every change that pays is kept.")
        run.log_metrics({"a280.restarts_best": walks.best.length, "a280.restarts_ls_best": walks_ls.best.length})

    tut.try_next(
        "From a shell, the same stages with their gaps: python -m tsp --instance tsplib:a280 --closed "
        "--solve 1 --plot a280.png",
        "Open paths have local optima too: tsp.local_search(tsp.nearest_neighbor(tsp.seed_routes(), "
        "'SWY')) against tsp.exact.held_karp(tsp.seed_routes()).",
        "Give tsp.solve less: tsp.solve(a280, seconds=0.01). How close does it get in 10 ms? And with "
        "local_search(tour, neighbors=3)?",
    )


if __name__ == "__main__":
    main()
