"""``python -m tsp [N]``: the classroom's greedy TSP, from the command line.

Without N: one nearest-neighbour walk, step by step (the start, the candidates at
each step, the choice, the itinerary so far, the total). With N: N walks from
random starts; their time (apart from loading the compiled kernels), the best, how
many found it, mean / median / worst, and the best route leg by leg. Last, the wall
time of the whole run, phase by phase.

At scale (``--instance random:1000000``): a progress bar on a terminal for every
phase that takes time (reading a file, candidate lists, walks, local search); a route
of more than 50 legs shows its first and last 25 (``--route``: all of them), ``-v`` at
most 50 simulations likewise, and a walk told step by step its first 10 steps.

--local-search improves every walk (or the one walk) with 2-opt and Or-opt moves and
prints the best after local search; --solve SECONDS (or --kicks K) runs iterated
local search from the best of 16 greedy walks and summarises its improvement
history.

Wherever an optimum is known it is printed with the gap for each stage (and drawn by --plot):
Held-Karp computes it for at most 16 cities; for closed tours of a TSPLIB instance
(``tsplib:NAME``, or a .tsp file whose NAME is listed in tsp/data/tsplib/optima.csv)
it is TSPLIB95's published optimum.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys

import numpy as np

from . import _jit, _report
from .construct.nearest import nearest_neighbor
from .construct.simulate import simulate
from .improve.local_search import K_MOVES, QUADRANT_MOVES, local_search
from .neighbors import candidates, default_k, quadrant_candidates
from .sources import instance_from_spec

# Show a progress bar (tqdm, on a terminal) when a run walks at least this many
# city-steps: distinct starts x cities. Measured on random cities, 2 cores: 10 million
# take 0.12 s (all 3163 starts), 25 million 0.38 s (all 5000), 49 million 1.1 s.
# Candidate lists get one from as much work: a matrix's n^2 rows entries, or n k for
# a k-d tree's lists (1 million: about 0.05 s), and reading a file from 2 MB on
# (a 20 MB TSPLIB file of 10^6 cities takes 3 s).
# Walks of 10^5 cities and more get one whatever their number: a step costs more there
# (memory), 0.4 us at 10^6 cities against 0.02 us at 10^3.
_PROGRESS_WORK = 20_000_000
_PROGRESS_N = 100_000
_PROGRESS_TREE_WORK = 1_000_000
_PROGRESS_FILE_BYTES = 2 * 2**20
# A local search gets a bar from this many cities on (one of 2*10^4 random cities takes
# about 0.1 s, of 2*10^5 about 3 s: its time grows faster than n).
_PROGRESS_LS_N = 20_000


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {value}")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a non-negative integer, got {value}")
    return value


def _budget(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, got {text!r}") from None
    if not (np.isfinite(value) and value >= 0):
        raise argparse.ArgumentTypeError(f"must be a finite, non-negative number of seconds, got {text}")
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
        epilog="The gap to the optimum is printed wherever one is known: Held-Karp computes it for at "
               "most 16 cities; for closed tours of a TSPLIB instance it is TSPLIB95's published optimum "
               "(tsp/data/tsplib/optima.csv). "
               "Examples: python -m tsp | python -m tsp 100 --seed 1 | "
               "python -m tsp --instance random:1000 --all-starts --plot tsp.png | "
               "python -m tsp 100 --local-search | python -m tsp --instance tsplib:berlin52 --closed --solve 1",
    )
    p.add_argument("n", nargs="?", type=_positive_int, metavar="N",
                   help="number of simulations (random starts); omit for one verbose walk")
    p.add_argument("--instance", default="seed", metavar="PATH|seed|random:N|tsplib:NAME",
                   help="the classroom table (seed, default), N random cities, a TSPLIB instance "
                        "shipped with tsp (e.g. tsplib:berlin52), or a TSPLIB .tsp file")
    p.add_argument("--seed", type=_non_negative_int, default=None, metavar="S",
                   help="seed for the random starts (and for random:N cities)")
    p.add_argument("--closed", action="store_true", help="closed tours (return to the start)")
    p.add_argument("--all-starts", action="store_true", help="one walk from every city instead of N random ones")
    p.add_argument("--start", default=None, metavar="CITY",
                   help="start city (name or index) of the verbose walk (default: random)")
    p.add_argument("--plot", default=None, metavar="FILE",
                   help="save a figure: the best route (when cities have coordinates) and a histogram of "
                        "lengths, with the optimum where one is known")
    p.add_argument("--local-search", action="store_true",
                   help="improve every walk (or the one walk) with 2-opt and Or-opt moves, then print the "
                        "best after local search")
    p.add_argument("--solve", type=_budget, default=None, metavar="SECONDS",
                   help="iterated local search for SECONDS of wall time, from the best of 16 greedy walks "
                        "(no N): the stages, their gaps and the improvement history")
    p.add_argument("--kicks", type=_non_negative_int, default=None, metavar="K",
                   help="iterated local search of K kicks (with --seed, the same tour every run); "
                        "with --solve, whichever ends first")
    p.add_argument("--track", action="store_true", help="log params, metrics and the plot through `tracking`")
    p.add_argument("--route", action="store_true",
                   help="print the whole route table (a route of more than 50 legs otherwise shows its first and "
                        "last 25)")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="print every simulation's length (at most 50 lines: the first and last 25)")
    return p


def _parse(parser, argv):
    """The command line, with the checks argparse cannot make (option pairs, the plot
    file, a usable tracking store: refused before the run, not after)."""
    args = parser.parse_args(argv)
    if args.n is not None and args.all_starts:
        parser.error("give N or --all-starts, not both")
    if args.start is not None and (args.n is not None or args.all_starts):
        parser.error("--start is for the verbose walk (no N, no --all-starts)")
    args.solving = args.solve is not None or args.kicks is not None
    if args.solving:
        given = [name for name, on in (("N", args.n is not None), ("--all-starts", args.all_starts),
                                       ("--start", args.start is not None), ("--local-search", args.local_search),
                                       ("-v", args.verbose)) if on]
        if given:
            parser.error(f"--solve / --kicks run iterated local search on their own: drop {', '.join(given)}")
    if args.plot is not None:
        folder = os.path.dirname(os.path.abspath(args.plot))
        if not os.path.isdir(folder):
            parser.error(f"--plot: folder {folder!r} does not exist")
        ext = os.path.splitext(args.plot)[1].lstrip(".").lower()
        if ext not in _PLOT_FORMATS:
            parser.error(f"--plot: file name must end in one of {', '.join(_PLOT_FORMATS)}, got {args.plot!r}")
    if args.track:
        try:
            import tracking

            tracking.set_tracking_uri(tracking.get_tracking_uri())
        except (ImportError, OSError, ValueError) as exc:
            parser.error(f"--track: {exc}")
    return args


def _tty() -> bool:
    """Progress bars go to stderr, and only when it is a terminal."""
    return sys.stderr.isatty()


def _build(parser, args, rng):
    spec = args.instance
    big_file = os.path.isfile(spec) and os.path.getsize(spec) >= _PROGRESS_FILE_BYTES
    try:
        return instance_from_spec(spec, seed=rng, progress=_tty() and big_file)
    except (OSError, ValueError, TypeError) as exc:
        parser.error(f"--instance: {exc}")
    except MemoryError:
        parser.error(f"--instance: not enough memory to build {args.instance!r}")


def _walk(parser, args, instance, rng):
    """One nearest-neighbour walk from --start (a name, an index, or random)."""
    start = args.start
    if start is None:
        start = int(rng.integers(0, instance.n))
    elif start.isdigit() and start not in instance.names:
        start = int(start)
    try:
        return nearest_neighbor(instance, start, closed=args.closed)
    except (TypeError, ValueError) as exc:
        parser.error(f"--start: {exc}")


def _lists(instance, moves: bool) -> None:
    """The candidate lists the walks use, and with ``moves`` those of local search,
    computed here (a phase of its own, with its bars)."""
    n = instance.n
    work = n * default_k(instance) if instance.geometric else n * n
    progress = _tty() and work >= (_PROGRESS_TREE_WORK if instance.geometric else _PROGRESS_WORK)
    candidates(instance, progress=progress)
    if moves:
        quadrant_candidates(instance, K_MOVES, QUADRANT_MOVES, progress=progress)


def _improve_simulation(parser, args, instance, sim):
    """--local-search after N walks: the same starts, every walk improved before the best is
    kept; and the seconds spent loading compiled kernels."""
    work = np.unique(sim.starts).size * instance.n * 20  # a local search costs about 20 walks
    loaded = _jit.loading_seconds()
    try:
        better = simulate(instance, starts=sim.starts, closed=args.closed, local_search=True,
                          progress=_tty() and (work >= _PROGRESS_WORK or instance.n >= _PROGRESS_LS_N))
        return better, _jit.loading_seconds() - loaded
    except MemoryError:
        parser.error(f"not enough memory for {sim.n_simulations} local searches")


def _solve(parser, args, instance, rng):
    """--solve / --kicks: iterated local search, and the seconds spent loading its kernels
    (a small instance of the same kind first: the budget is for the search)."""
    import time

    from .improve.solve import solve
    from .instance import Instance
    from .neighbors import PARALLEL_MIN_N

    t0 = time.perf_counter()
    warm = Instance.random_uniform(PARALLEL_MIN_N if instance.n >= PARALLEL_MIN_N else 8, seed=0)
    if instance.geometric:  # the same metric: the tree's kernels (serial below TREE_PARALLEL_MIN_N)
        warm = Instance.from_points(1000 * warm.coords, metric=instance.metric)
    else:
        warm = Instance.from_matrix(warm.dist)
    solve(warm, seconds=None, kicks=2, seed=0, closed=args.closed)
    loading = time.perf_counter() - t0
    try:
        sol = solve(instance, seconds=args.solve, kicks=args.kicks, seed=rng, closed=args.closed,
                    progress=_tty())
    except ValueError as exc:  # no complete greedy walk to start from
        parser.error(str(exc))
    return sol, loading


def _simulate(parser, args, instance, rng):
    """N walks from random starts, or one from every city (--all-starts): the Simulation
    and the seconds it spent loading compiled kernels (the rest is the simulation's work)."""
    work = (instance.n if args.all_starts else min(args.n, instance.n)) * instance.n
    progress = _tty() and (work >= _PROGRESS_WORK or instance.n >= _PROGRESS_N)  # a tqdm bar on a terminal
    loaded = _jit.loading_seconds()
    try:
        if args.all_starts:
            sim = simulate(instance, starts="all", closed=args.closed, progress=progress)
        else:
            sim = simulate(instance, args.n, seed=rng, closed=args.closed, progress=progress)
        return sim, _jit.loading_seconds() - loaded
    except ValueError as exc:  # more simulations than the memory holds: simulate names the GiB
        parser.error(f"N: {exc}")
    except MemoryError:  # the memory went elsewhere after simulate's check
        parser.error(f"not enough memory for {instance.n if args.all_starts else args.n} simulations")


@contextlib.contextmanager
def _tracked(parser, args, instance):
    """--track: a run of the ``tsp`` experiment open while the work is done (None without)."""
    if not args.track:
        yield None
        return
    import sqlite3

    import tracking

    if args.solving:
        run_name = f"{instance.name}-solve"
    else:
        run_name = f"{instance.name}-{'all' if args.all_starts else (args.n or 1)}"
        run_name += "-local-search" if args.local_search else ""
    try:
        run = tracking.start_run(experiment="tsp", run_name=run_name)
    except (OSError, ValueError, sqlite3.Error) as exc:
        parser.error(f"--track: could not start a run: {exc}")
    with run:  # FINISHED, or FAILED / KILLED when the work raises
        yield run
    print(f"tracked run {run.run_id} in experiment 'tsp'")


def _save_and_log(parser, args, instance, result, opt, run, loading, improved=None):
    """--plot and --track: the figure saved, the results logged in ``run``."""
    wanted = args.plot is not None or run is not None
    fig = _report.figure(instance, result, opt, improved) if wanted else None
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
    if run is not None:
        import sqlite3

        try:
            _report.log_run(run, args, instance, result, opt, loading,
                            args.plot if (args.plot and fig is not None) else None, fig, improved)
        except (OSError, ValueError, sqlite3.Error) as exc:
            parser.error(f"--track: could not log the run: {exc}")


def main(argv=None) -> int:
    clock = _report.Clock()
    parser = _parser()
    args = _parse(parser, argv)
    rows = None if args.route else _report.ROUTE_ROWS
    rng = np.random.default_rng(args.seed)
    with clock.phase("instance"):
        instance = _build(parser, args, rng)
    how = "seed " + str(args.seed) if args.seed is not None else "unseeded"
    with _tracked(parser, args, instance) as run:
        improved = None
        with clock.phase("candidate lists"):
            _lists(instance, args.solving or args.local_search)
        if args.solving:
            with clock.phase("iterated local search"):
                result, loading = _solve(parser, args, instance, rng)
            opt = _report.known_optimum(instance, args.closed)
            _report.print_solution(instance, result, how, opt, sys.stdout, loading, rows)
        elif args.n is None and not args.all_starts:
            with clock.phase("walk"):
                result, loading = _walk(parser, args, instance, rng), None
            opt = _report.known_optimum(instance, result.closed) if result.complete else None
            _report.narrate_walk(instance, result, sys.stdout, opt, rows)
            if args.local_search and result.complete:
                with clock.phase("local search"):
                    improved = local_search(result, progress=_tty() and instance.n >= _PROGRESS_LS_N)
                _report.print_improved_walk(result, improved, opt, sys.stdout, rows)
            elif args.local_search:
                print("\nlocal search needs a complete walk: this one got stuck", file=sys.stdout)
        else:
            with clock.phase("walks"):
                result, loading = _simulate(parser, args, instance, rng)
            opt = _report.known_optimum(instance, result.closed) if result.n_complete else None
            _report.print_simulation(instance, result, "every start" if args.all_starts else how, args.verbose,
                                     opt, sys.stdout, loading, rows)
            if args.local_search and result.n_complete:
                with clock.phase("local search"):
                    improved, improve_loading = _improve_simulation(parser, args, instance, result)
                _report.print_improved_simulation(result, improved, opt, sys.stdout, improve_loading, rows)
        phase = " and ".join(what for what, asked in (("plot", args.plot), ("log", run)) if asked)
        with clock.phase(phase) if phase else contextlib.nullcontext():
            _save_and_log(parser, args, instance, result, opt, run, loading, improved)
        print(clock.summary(_jit.loading_seconds()))
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
