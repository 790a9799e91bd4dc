"""Tutorial 02: greedy TSP with random restarts.

The classroom experiment: 15 Bay Area companies, start at a random one, always
drive to the nearest company not yet visited, repeat N times and keep the
shortest path. How much does the start matter? How many restarts are enough?
And why do restarts stop helping? We compare with the exact optimum (Held-Karp)
and draw the TSPLIB instance berlin52 with its best greedy tour beside the
optimal tour.

Run:  python tutorials/02_greedy_tsp_restarts.py [--quick]
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

import _common as tut
import tsp
from tsp import exact
from tsp.plot import plot_route
from tsp.tsplib import BUNDLED_DIR

REPO = Path(__file__).resolve().parents[1]
# berlin52.tsp and berlin52.opt.tour: shipped with the tests, or the shared TSPLIB folder.
TSPLIB_DIRS = [Path(BUNDLED_DIR), REPO.parent / "shared" / "tsplib"]


def best_of_n_curves(instance, n_max, trials, closed):
    """Best length among the first N restarts, for N = 1..n_max, one row per trial."""
    curves = np.empty((trials, n_max))
    for t in range(trials):
        sim = tsp.simulate(instance, n_max, seed=t, closed=closed)
        curves[t] = np.minimum.accumulate(sim.lengths)  # in simulation order
    return curves


def find_tsplib(name):
    """(instance file, tour file or None) from the first folder holding the instance."""
    for folder in TSPLIB_DIRS:
        problem = folder / f"{name}.tsp"
        if problem.is_file():
            tour = folder / f"{name}.opt.tour"
            if not tour.is_file():
                tour = next((f / f"{name}.opt.tour" for f in TSPLIB_DIRS
                             if (f / f"{name}.opt.tour").is_file()), None)
            return problem, tour
    return None, None


def plot_restarts(ax, curves, optimum, ceiling, title, unit=""):
    ns = np.arange(1, curves.shape[1] + 1)
    lo, med, hi = np.percentile(curves, [10, 50, 90], axis=0)
    ax.fill_between(ns, lo, hi, color="tab:blue", alpha=0.25, step="post",
                    label="10-90% of trials")
    ax.step(ns, med, where="post", color="tab:blue", lw=2, label="median best of N")
    if ceiling == optimum:  # one line, said so: two would lie exactly on top of each other
        ax.axhline(optimum, color="tab:red", ls="--", lw=1.5,
                   label=f"best over all starts = exact optimum {optimum:.6g}")
    else:
        ax.axhline(ceiling, color="tab:green", ls="-.", lw=1.2,
                   label=f"best over all starts {ceiling:.6g}")
        ax.axhline(optimum, color="tab:red", ls="--", lw=1.5, label=f"exact optimum {optimum:.6g}")
    ax.set_xscale("log")
    ax.set_xlabel("number of random restarts N")
    ax.set_ylabel(f"length of the best walk{unit}")
    ax.set_title(title)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3, which="both")


def main() -> None:
    args = tut.parse_args(__doc__)
    trials = 100 if args.quick else 500
    n_max = 200 if args.quick else 1000

    with tut.start_run("02_greedy_tsp_restarts", args) as run:
        run.log_params({"quick": args.quick, "trials": trials, "max_restarts": n_max})

        tut.section("1. The classroom's 15 companies: does the start matter?")
        inst = tsp.seed_routes()
        every = tsp.simulate(inst, starts="all")
        lengths = every.lengths
        opt = exact.held_karp(inst)  # shortest open path, any start, any end
        first = tsp.nearest_neighbor(inst, every.starts[0])
        tut.say(f"Greedy from each of the {inst.n} companies in turn (an open path, as in "
                f"class): the lengths run from {lengths.min():g} to {lengths.max():g} "
                f"(median {np.median(lengths):g}). From {first.names[0]} the walk is "
                f"{first.length:g} long. Held-Karp proves the shortest possible path is "
                f"{opt.length:g}: {' -> '.join(opt.names)}.")
        hits = [inst.names[s] for s, v in zip(every.starts, lengths) if v == opt.length]
        tut.say(f"{len(hits)} of {inst.n} starts ({', '.join(hits)}) lead greedy to an optimal "
                f"path; the worst start costs {lengths.max() - opt.length:g} more "
                f"({100 * (lengths.max() / opt.length - 1):.0f}%).")
        run.log_metrics({"seed.optimum": opt.length, "seed.best_nn": float(lengths.min()),
                         "seed.worst_nn": float(lengths.max()),
                         "seed.optimal_starts": len(hits)})

        # One bar per start: a histogram beside it would only repeat these 15 numbers.
        fig, ax = plt.subplots(figsize=(9, 4.6))
        order = np.argsort(lengths, kind="stable")
        colors = ["tab:green" if lengths[i] == opt.length else "tab:blue" for i in order]
        ax.bar([inst.names[every.starts[i]] for i in order], lengths[order], color=colors)
        ax.axhline(opt.length, color="tab:red", ls="--", lw=1.5,
                   label=f"exact optimum {opt.length:g} (Held-Karp)")
        ax.set_ylim(0.9 * opt.length, 1.02 * lengths.max())
        ax.set_ylabel("length of the greedy path")
        ax.set_xlabel("start company (green: greedy finds an optimal path)")
        ax.tick_params(axis="x", rotation=60)
        ax.legend(fontsize=9, loc="upper left")
        ax.set_title(f"The classroom's {inst.n} companies: nearest neighbour from every start "
                     "(the start decides the greedy path)")
        fig.tight_layout()
        tut.save(fig, "02_start_lengths.png", args, run)

        tut.section("2. Best of N random restarts")
        curves = best_of_n_curves(inst, n_max, trials, closed=False)
        p_hit = len(hits) / inst.n
        rows = []
        for n in (1, 2, 5, 10, 20, 50, 100):
            if n > n_max:
                continue
            col = curves[:, n - 1]
            rows.append((n, np.median(col), np.mean(col == opt.length)))
            run.log_metric("seed.median_best_of_n", float(np.median(col)), step=n)
        print(f"  {trials} trials of N random restarts (seeds 0..{trials - 1}):")
        print("      N   median best   trials reaching the optimum   theory 1-(1-p)^N")
        for n, med, frac in rows:
            print(f"  {n:>5}   {med:>11g}   {100 * frac:>26.0f}%   {100 * (1 - (1 - p_hit) ** n):>15.0f}%")
        n90 = next((n for n in range(1, n_max + 1) if np.mean(curves[:, n - 1] == opt.length)
                    >= 0.9), None)
        tut.say(f"A random start is optimal with probability p = {len(hits)}/{inst.n}, so "
                f"the best of N restarts misses the optimum with probability (1 - p)^N. "
                + (f"In these trials 90% reached {opt.length:g} by N = {n90}. " if n90 else "")
                + f"After that, restarts only draw starts already tried: with {inst.n} "
                f"companies there are only {inst.n} different greedy walks, and the best of "
                f"them ({lengths.min():g}) is the ceiling of any number of restarts.")

        b52_problem, b52_tour = find_tsplib("berlin52")
        b52 = b52_opt = None
        if b52_problem is None:
            print("  [note] berlin52.tsp not found in "
                  + " or ".join(str(d) for d in TSPLIB_DIRS) + ": skipping the TSPLIB part.")
        else:
            b52 = tsp.read_tsplib(b52_problem)
            b52_all = tsp.simulate(b52, starts="all", closed=True)
            if b52_tour is not None:
                b52_opt = tsp.Tour.from_order(b52, tsp.read_tour(b52_tour), closed=True)
            else:
                print(f"  [note] berlin52.opt.tour not found: drawing the greedy tour only.")

        fig, axes = plt.subplots(1, 2 if b52_opt is not None else 1,
                                 figsize=(13 if b52_opt is not None else 6.5, 4.8),
                                 squeeze=False)
        plot_restarts(axes[0, 0], curves, opt.length, lengths.min(),
                      f"15 companies (open path): {trials} trials")
        if b52_opt is not None:
            b_curves = best_of_n_curves(b52, n_max, trials, closed=True)
            ceiling = b52_all.best.length
            gap = 100 * (ceiling / b52_opt.length - 1)
            med = np.median(b_curves, axis=0)
            plateau = int(np.argmax(med <= ceiling)) + 1 if np.any(med <= ceiling) else None
            tut.say(f"On berlin52 (52 cities, closed tours) the picture changes: the best of "
                    f"all 52 greedy tours is {ceiling:g}, {gap:.1f}% above the optimal "
                    f"{b52_opt.length:g} of the published tour. "
                    + (f"The median best of N reaches that ceiling at N = {plateau}, " if plateau
                       else f"The median best of {n_max} restarts is {med[-1]:g}, ")
                    + "and no number of restarts gets below it. Each greedy tour is a local "
                      "optimum of the rule 'go to the nearest': every choice looked best when "
                      "it was made, and restarts only vary the first one.")
            run.log_metrics({"berlin52.best_nn": ceiling, "berlin52.optimum": b52_opt.length,
                             "berlin52.gap_pct": gap})
            plot_restarts(axes[0, 1], b_curves, b52_opt.length, ceiling,
                          f"berlin52 (closed tour): {trials} trials")
        fig.suptitle("Best of N random restarts: fast gains, then a plateau at the best start")
        fig.tight_layout()
        tut.save(fig, "02_restarts.png", args, run)

        tut.section("3. berlin52: the best greedy tour against the optimal tour")
        if b52 is None:
            print("  skipped: no berlin52 files.")
        else:
            fig, axes = plt.subplots(1, 2 if b52_opt is not None else 1,
                                     figsize=(13 if b52_opt is not None else 6.5, 5.6),
                                     squeeze=False)
            plot_route(b52, b52_all.best, ax=axes[0, 0])
            axes[0, 0].set_title(f"Best nearest-neighbour tour (start {b52_all.best.names[0]}): "
                                 f"{b52_all.best.length:g}")
            if b52_opt is not None:
                plot_route(b52, b52_opt, ax=axes[0, 1])
                axes[0, 1].set_title(f"Optimal tour (TSPLIB berlin52.opt.tour): "
                                     f"{b52_opt.length:g}")
                legs = np.sort(b52_all.best.legs)[::-1]
                opt_legs = np.sort(b52_opt.legs)[::-1]
                tut.say(f"Look at the long legs: the greedy tour's three longest are "
                        f"{', '.join(f'{v:g}' for v in legs[:3])} (the optimal tour's: "
                        f"{', '.join(f'{v:g}' for v in opt_legs[:3])})."
                        + (" Greedy strands cities it passed by and must come back for them "
                           "at the end, across the map (red)." if legs[0] > opt_legs[0] else ""))
                # mark the greedy tour's longest leg
                tour = b52_all.best
                k = int(np.argmax(tour.legs))
                a, b = tour.order[k], tour.order[(k + 1) % tour.order.size]
                xy = b52.coords[[a, b]]
                axes[0, 0].plot(xy[:, 0], xy[:, 1], color="tab:red", lw=2.5,
                                label=f"longest leg {tour.legs[k]:g}")
                axes[0, 0].legend(fontsize=8, loc="upper right")
                run.log_metrics({"berlin52.nn_longest_leg": float(legs[0]),
                                 "berlin52.opt_longest_leg": float(opt_legs[0])})
            for ax in axes[0]:
                ax.set_xlabel("x")
                ax.set_ylabel("y")
            fig.suptitle("berlin52: greedy is good, not optimal")
            fig.tight_layout()
            tut.save(fig, "02_berlin52.png", args, run)

    tut.try_next(
        "Make it a round trip: tsp.simulate(tsp.seed_routes(), 100, seed=1, closed=True) "
        "against tsp.exact.held_karp(..., closed=True). Do restarts still find the optimum?",
        "Try random instances: tsp.Instance.random_uniform(18, seed=...) and count how often "
        "the best greedy start is optimal (Held-Karp is fast up to about 20 cities).",
        "From a shell: python -m tsp 1000 --instance tsplib:berlin52 --closed "
        "--plot berlin52.png",
    )


if __name__ == "__main__":
    main()
