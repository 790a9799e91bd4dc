"""What ``python -m tsp`` prints, draws and logs (private to the CLI).

``tsp.__main__`` parses the command line, builds the instance and runs the walk or
the simulation; the functions here turn the result into text on a stream, a
figure, and a tracked run. Matplotlib and ``tracking`` are imported only when a
figure or a run is asked for.
"""

from __future__ import annotations

import numpy as np

from .construct.simulate import NO_COMPLETE_WALK, Simulation

__all__ = ["EXACT_MAX_N", "exact_optimum", "figure", "narrate_walk", "print_simulation", "progress_bar", "track"]

#: Instances of at most this many cities get the exact optimum (Held-Karp) and the gap.
EXACT_MAX_N = 16
_SHOWN_CANDIDATES = 8


def narrate_walk(instance, tour, out) -> None:
    """One walk step by step: the candidates at each step, the choice, the itinerary, the total."""
    names, d = instance.names, instance.dist
    order = [int(c) for c in tour.order]
    print(f"instance {instance.name}: {instance.n} cities; nearest neighbour, "
          f"{'closed tour' if tour.closed else 'open path'}", file=out)
    print(f"start at {names[order[0]]}", file=out)
    visited = np.zeros(instance.n, dtype=bool)
    visited[order[0]] = True
    total = 0.0
    for k in range(1, len(order) + 1):
        cur = order[k - 1]
        left = np.flatnonzero(~visited)
        if k == len(order):
            if left.size:
                print(f"\nstep {k}: at {names[cur]}, no edge to any of the {left.size} cities left: stuck",
                      file=out)
            break
        ranked = sorted(left, key=lambda j: (d[cur, j], j))
        shown = ", ".join(f"{names[j]} {d[cur, j]:g}" for j in ranked[:_SHOWN_CANDIDATES])
        more = f", ... ({len(ranked) - _SHOWN_CANDIDATES} more)" if len(ranked) > _SHOWN_CANDIDATES else ""
        nxt = order[k]
        total += d[cur, nxt]
        visited[nxt] = True
        print(f"\nstep {k}: at {names[cur]}, candidates: {shown}{more}", file=out)
        print(f"  go to {names[nxt]} ({d[cur, nxt]:g}); total {total:g}", file=out)
        print(f"  itinerary: {' -> '.join(names[c] for c in order[:k + 1])}", file=out)
    if tour.closed and tour.complete:
        back = d[order[-1], order[0]]
        total += back
        print(f"\nback to {names[order[0]]} ({back:g}); total {total:g}", file=out)
    print(f"\n{tour}", file=out)


def progress_bar(stream):
    """A ``progress(done, total)`` callback drawing a one-line bar on ``stream``."""

    def show(done, total):
        width = 30
        filled = width * done // total
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} starts")
        if done == total:
            stream.write("\r" + " " * (width + 32) + "\r")
        stream.flush()

    return show


def exact_optimum(instance, closed):
    """Held-Karp optimum for instances of at most EXACT_MAX_N cities, else None."""
    if instance.n > EXACT_MAX_N:
        return None
    from .exact import held_karp

    return held_karp(instance, closed=closed)


def print_simulation(instance, sim, how: str, verbose: bool, opt, out) -> None:
    """The simulation's outcome: the header, every length when ``verbose``, the
    spread (``Simulation.summary``'s lines), the best route, and the gap to ``opt``.

    ``how`` says where the starts came from ("every start", "seed 1", ...).
    """
    kind = "closed tours" if sim.closed else "open paths"
    print(f"instance {instance.name}: {instance.n} cities; nearest neighbour, {kind}", file=out)
    print(f"{sim.n_simulations} simulations ({how}) in {sim.seconds * 1e3:.1f} ms "
          f"(wall time, incl. loading the compiled kernels)", file=out)
    if verbose:
        for i, (s, length) in enumerate(zip(sim.starts, sim.lengths), 1):
            shown = f"{length:g}" if np.isfinite(length) else "stuck (missing edges)"
            print(f"  simulation {i}: start {instance.names[s]}, length {shown}", file=out)
    if not sim.n_complete:
        print(NO_COMPLETE_WALK, file=out)
        print(f"first walk: {sim.best}", file=out)
        return
    print(f"best length {sim.best.length:g}, found by {sim.n_best} of {sim.n_simulations} simulations",
          file=out)
    for line in sim._spread_lines():
        print(line, file=out)
    print(f"\nbest route (start {sim.best.names[0]}):", file=out)
    print(sim.best.render(), file=out)
    if opt is not None:
        gap = sim.best.length - opt.length
        pct = f" ({100 * gap / opt.length:.2f} %)" if opt.length > 0 else ""
        print(f"\nexact optimum (Held-Karp): {opt.length:g}; the best simulation is "
              f"{gap:g} above it{pct}", file=out)
        print(f"optimal route: {opt}", file=out)


def figure(instance, result, opt):
    """The best route (when the cities have coordinates) and, for a simulation, the
    histogram of lengths; None when there is nothing to draw."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .plot import plot_lengths, plot_route

    sim = result if isinstance(result, Simulation) else None
    tour = sim.best if sim is not None else result
    panels = (instance.coords is not None) + (sim is not None)
    if panels == 0:
        return None
    fig, axes = plt.subplots(1, panels, figsize=(6 * panels, 5), squeeze=False)
    k = 0
    if instance.coords is not None:
        plot_route(instance, tour, ax=axes[0, k])
        k += 1
    if sim is not None:
        plot_lengths(sim.lengths, ax=axes[0, k], optimum=None if opt is None else opt.length)
    fig.tight_layout()
    return fig


def track(args, instance, result, opt, plot_path, fig) -> None:
    """Log the run's params, metrics and figure in the ``tsp`` experiment of ``tracking``."""
    import tracking

    sim = result if isinstance(result, Simulation) else None
    tour = sim.best if sim is not None else result
    run_name = f"{instance.name}-{'all' if args.all_starts else (args.n or 1)}"
    with tracking.start_run(experiment="tsp", run_name=run_name) as run:
        run.log_params({
            "instance": args.instance, "n_cities": instance.n,
            "n_simulations": sim.n_simulations if sim is not None else 1,
            "seed": args.seed, "closed": args.closed, "all_starts": args.all_starts,
        })
        metrics = {"best_length": tour.length, "complete": float(tour.complete)}
        if sim is not None:
            metrics.update(seconds=sim.seconds, n_best=sim.n_best, n_complete=sim.n_complete)
            metrics.update({f"{k}_length": v for k, v in sim.stats().items()})
        if opt is not None:
            metrics["optimum"] = opt.length
            metrics["gap"] = tour.length - opt.length
        run.log_metrics(metrics)
        if plot_path is not None:
            run.log_artifact(plot_path)
        elif fig is not None:
            run.log_figure(fig, "tsp.png")
    print(f"tracked run {run.run_id} in experiment 'tsp'")
