"""``python -m tsp [N]``: the classroom's greedy TSP, from the command line.

Without N: one nearest-neighbour walk, step by step (the start, the candidates at
each step, the choice, the itinerary so far, the total). With N: N walks from
random starts; the best, how many found it, mean / median / worst, the best route
leg by leg and, for at most 16 cities, the exact optimum (Held-Karp) and the gap.
"""

from __future__ import annotations

import argparse
import os
import sys

EXACT_MAX_N = 16
# Show a progress bar when a run walks at least this many city-steps (about 0.1 s).
_PROGRESS_WORK = 2_000_000
_SHOWN_CANDIDATES = 8


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {value}")
    return value


_PLOT_FORMATS = ("png", "pdf", "svg", "svgz", "jpg", "jpeg", "eps", "ps", "tif", "tiff", "webp")


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line on stderr (exit code 2)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="python -m tsp",
        description=__doc__.split("\n\n")[0].split(": ", 1)[1],
        epilog="Examples: python -m tsp | python -m tsp 100 --seed 1 | "
               "python -m tsp --instance random:1000 --all-starts --plot tsp.png",
    )
    p.add_argument("n", nargs="?", type=_positive_int, metavar="N",
                   help="number of simulations (random starts); omit for one verbose walk")
    p.add_argument("--instance", default="seed", metavar="PATH|seed|random:N|tsplib:NAME",
                   help="the classroom table (seed, default), N random cities, a TSPLIB instance "
                        "shipped with tsp (e.g. tsplib:berlin52), or a TSPLIB .tsp file")
    p.add_argument("--seed", type=_seed, default=None, metavar="S",
                   help="seed for the random starts (and for random:N cities)")
    p.add_argument("--closed", action="store_true", help="closed tours (return to the start)")
    p.add_argument("--all-starts", action="store_true", help="one walk from every city instead of N random ones")
    p.add_argument("--start", default=None, metavar="CITY",
                   help="start city (name or index) of the verbose walk (default: random)")
    p.add_argument("--plot", default=None, metavar="FILE",
                   help="save a figure: the best route (when cities have coordinates) and a histogram of lengths")
    p.add_argument("--track", action="store_true", help="log params, metrics and the plot through `tracking`")
    p.add_argument("-v", "--verbose", action="store_true", help="print every simulation's length")
    return p


# ---------------------------------------------------------------------------
# One verbose walk
# ---------------------------------------------------------------------------


def _verbose_walk(instance, start, closed, out) -> object:
    import numpy as np

    from .construct.nearest import nearest_neighbor

    tour = nearest_neighbor(instance, start, closed=closed)
    names, d = instance.names, instance.dist
    order = [int(c) for c in tour.order]
    print(f"instance {instance.name}: {instance.n} cities; nearest neighbour, "
          f"{'closed tour' if closed else 'open path'}", file=out)
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
    if closed and tour.complete:
        back = d[order[-1], order[0]]
        total += back
        print(f"\nback to {names[order[0]]} ({back:g}); total {total:g}", file=out)
    print(f"\n{tour}", file=out)
    return tour


# ---------------------------------------------------------------------------
# N simulations
# ---------------------------------------------------------------------------


def _progress_bar(stream):
    def show(done, total):
        width = 30
        filled = width * done // total
        stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} starts")
        if done == total:
            stream.write("\r" + " " * (width + 32) + "\r")
        stream.flush()

    return show


def _exact(instance, closed):
    """Held-Karp optimum for instances of at most EXACT_MAX_N cities, else None."""
    if instance.n > EXACT_MAX_N:
        return None
    from .exact import held_karp

    return held_karp(instance, closed=closed)


def _report(instance, sim, args, out):
    import numpy as np

    lengths = sim.lengths
    stats = sim.stats()
    kind = "closed tours" if sim.closed else "open paths"
    how = "every start" if args.all_starts else ("seed " + str(args.seed) if args.seed is not None else "unseeded")
    print(f"instance {instance.name}: {instance.n} cities; nearest neighbour, {kind}", file=out)
    print(f"{sim.n_simulations} simulations ({how}) in {sim.seconds * 1e3:.1f} ms "
          f"(wall time, incl. loading the compiled kernels)", file=out)
    if args.verbose:
        for i, (s, length) in enumerate(zip(sim.starts, lengths), 1):
            shown = f"{length:g}" if np.isfinite(length) else "stuck (missing edges)"
            print(f"  simulation {i}: start {instance.names[s]}, length {shown}", file=out)
    if not stats:
        print("no walk visited every city: missing edges stranded them all", file=out)
        print(f"first walk: {sim.best}", file=out)
        return None
    print(f"best length {sim.best.length:g}, found by {sim.n_best} of {sim.n_simulations} simulations",
          file=out)
    print(f"mean {stats['mean']:.6g}, median {stats['median']:.6g}, worst {stats['worst']:g}", file=out)
    if sim.n_complete < sim.n_simulations:
        print(f"{sim.n_simulations - sim.n_complete} walks got stuck on missing edges", file=out)
    print(f"\nbest route (start {sim.best.names[0]}):", file=out)
    print(sim.best.render(), file=out)
    opt = _exact(instance, sim.closed)
    if opt is not None:
        gap = sim.best.length - opt.length
        pct = f" ({100 * gap / opt.length:.2f} %)" if opt.length > 0 else ""
        print(f"\nexact optimum (Held-Karp): {opt.length:g}; the best simulation is "
              f"{gap:g} above it{pct}", file=out)
        print(f"optimal route: {opt}", file=out)
    return opt


def _figure(instance, sim_or_tour, opt):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .plot import plot_lengths, plot_route
    from .construct.simulate import Simulation

    sim = sim_or_tour if isinstance(sim_or_tour, Simulation) else None
    tour = sim.best if sim is not None else sim_or_tour
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


def _track(args, instance, result, opt, plot_path, fig):
    import tracking
    from .construct.simulate import Simulation

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


def main(argv=None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.n is not None and args.all_starts:
        parser.error("give N or --all-starts, not both")
    if args.start is not None and (args.n is not None or args.all_starts):
        parser.error("--start is for the verbose walk (no N, no --all-starts)")
    if args.plot is not None:
        folder = os.path.dirname(os.path.abspath(args.plot))
        if not os.path.isdir(folder):
            parser.error(f"--plot: folder {folder!r} does not exist")
        ext = os.path.splitext(args.plot)[1].lstrip(".").lower()
        if ext not in _PLOT_FORMATS:
            parser.error(f"--plot: file name must end in one of {', '.join(_PLOT_FORMATS)}, got {args.plot!r}")

    if args.track:  # a store that cannot be used is refused before the run, not after
        try:
            import tracking

            tracking.set_tracking_uri(tracking.get_tracking_uri())
        except (ImportError, OSError, ValueError) as exc:
            parser.error(f"--track: {exc}")

    import numpy as np

    from .construct.simulate import simulate
    from .sources import instance_from_spec

    rng = np.random.default_rng(args.seed)
    try:
        instance = instance_from_spec(args.instance, seed=rng)
    except (OSError, ValueError, TypeError) as exc:
        parser.error(f"--instance: {exc}")
    except MemoryError:
        parser.error(f"--instance: not enough memory to build {args.instance!r}")

    opt = None
    if args.n is None and not args.all_starts:
        start = args.start
        if start is None:
            start = int(rng.integers(0, instance.n))
        elif start.isdigit() and start not in instance.names:
            start = int(start)
        try:
            result = _verbose_walk(instance, start, args.closed, sys.stdout)
        except (TypeError, ValueError) as exc:
            parser.error(f"--start: {exc}")
    else:
        work = (instance.n if args.all_starts else min(args.n, instance.n)) * instance.n
        progress = _progress_bar(sys.stderr) if sys.stderr.isatty() and work >= _PROGRESS_WORK else None
        try:
            if args.all_starts:
                result = simulate(instance, starts="all", closed=args.closed, progress=progress)
            else:
                result = simulate(instance, args.n, seed=rng, closed=args.closed, progress=progress)
        except MemoryError:
            count = instance.n if args.all_starts else args.n
            parser.error(f"not enough memory for {count} simulations (about {16 * count / 2**30:.1f} GiB "
                         f"for their starts and lengths)")
        opt = _report(instance, result, args, sys.stdout)

    fig = None
    if args.plot is not None or args.track:
        fig = _figure(instance, result, opt)
    if args.plot is not None:
        if fig is None:
            print(f"note: {instance.name} has no coordinates and one walk has no histogram; "
                  f"nothing to plot in {args.plot}", file=sys.stderr)
        else:
            try:
                fig.savefig(args.plot, dpi=110, bbox_inches="tight")
            except (OSError, ValueError) as exc:
                parser.error(f"--plot: cannot save {args.plot!r}: {exc}")
            print(f"saved {args.plot}")
    if args.track:
        import sqlite3

        try:
            _track(args, instance, result, opt, args.plot if (args.plot and fig is not None) else None, fig)
        except (OSError, ValueError, sqlite3.Error) as exc:
            parser.error(f"--track: could not log the run: {exc}")
    return 0


def _run() -> int:
    try:
        return main()
    except BrokenPipeError:  # output piped into `head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(_run())
