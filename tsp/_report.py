"""What ``python -m tsp`` prints, draws and logs (private to the CLI).

``tsp.__main__`` parses the command line, builds the instance and runs the walk or
the simulation; the functions here turn the result into text on a stream, a
figure, and a tracked run. Matplotlib and ``tracking`` are imported only when a
figure or a run is asked for.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass

import numpy as np

from .construct.simulate import NO_COMPLETE_WALK, Simulation
from .tour import Tour, _legs, length_text, shown_rows

__all__ = ["Clock", "EXACT_MAX_N", "HISTORY_ROWS", "NARRATED_STEPS", "Optimum", "ROUTE_ROWS", "duration_text",
           "figure", "gap_line", "known_optimum", "log_run", "narrate_walk", "optimum_line",
           "print_improved_simulation", "print_improved_walk", "print_route", "print_simulation", "print_solution",
           "process_seconds", "timing_line"]

#: Instances of at most this many cities get the exact optimum (Held-Karp) and the gap.
EXACT_MAX_N = 16
#: ``--solve`` prints at most this many rows of the improvement history.
HISTORY_ROWS = 10
_SHOWN_CANDIDATES = 8

#: The most lines a route table or a list of simulations takes (without --route): longer
#: ones show their first and last ROUTE_ROWS // 2 lines (a million cities: no million lines).
ROUTE_ROWS = 50

#: Steps of a long walk told one by one, before its route table.
NARRATED_STEPS = 10


@dataclass(frozen=True, eq=False)
class Optimum:
    """A proven optimal length to measure results against, and where it comes from.

    ``source`` is short, for legends and tracked params ("Held-Karp", "TSPLIB95");
    ``detail`` says it in a sentence; ``tour`` is the optimal tour when computed here.
    """

    length: float
    source: str
    detail: str
    tour: Tour | None = None


def known_optimum(instance, closed: bool) -> Optimum | None:
    """The optimum of ``instance`` wherever one is known, else None.

    - At most ``EXACT_MAX_N`` cities: Held-Karp, computed here (open or closed; None
      when missing edges leave no complete route).
    - Otherwise, for closed tours: TSPLIB95's published optimum when the instance's
      NAME and size are listed in ``tsp/data/tsplib/optima.csv``
      (``tsp.tsplib.published_optimum``). TSPLIB publishes closed tours only.
    """
    from .tsplib import published_optimum

    published = published_optimum(instance)
    if instance.n <= EXACT_MAX_N:
        from .exact import held_karp

        try:
            tour = held_karp(instance, closed=closed)
        except ValueError:  # the only one at this size: missing edges leave no route
            return None
        same = closed and published == tour.length
        return Optimum(tour.length, "Held-Karp",
                       "Held-Karp" + (f", as TSPLIB95 publishes for {instance.name}" if same else ""), tour)
    if closed and published is not None:
        return Optimum(float(published), "TSPLIB95", f"published by TSPLIB95 for {instance.name}")
    return None


def gap_line(label: str, length: float, opt: Optimum | None) -> str:
    """One stage's result and its gap to the optimum: ``"label: 8181, 639 above the optimum (8.47 %)"``.

    Without an optimum, just ``"label: 8181"``. A length below the optimum (a file
    that reuses a TSPLIB NAME with other cities) is said to be so, never shown as a
    negative gap. Differences within 1e-9 of the optimum (float sums in another
    order) count as 0.
    """
    text = f"{label}: {length_text(length)}"
    if opt is None:
        return text
    gap = length - opt.length
    if abs(gap) <= 1e-9 * max(1.0, abs(opt.length)):
        gap = 0.0
    if gap < 0:
        return (f"{text}, shorter than the optimum {length_text(opt.length)} ({opt.detail}): "
                f"that optimum is not this instance's")
    pct = f" ({100 * gap / opt.length:.2f} %)" if opt.length > 0 else ""
    return f"{text}, {length_text(gap)} above the optimum{pct}"


def optimum_line(instance, closed: bool, opt: Optimum | None) -> str | None:
    """The line naming the optimum that ``gap_line`` measures against; without one, for
    an instance TSPLIB95 publishes an optimum for, how to compare (closed tours); else None."""
    if opt is not None:
        return f"exact optimum: {length_text(opt.length)} ({opt.detail})"
    from .tsplib import published_optimum

    published = published_optimum(instance)
    if published is not None and not closed:
        return (f"TSPLIB95 publishes the optimum {published} for {instance.name}'s closed tours: "
                f"add --closed to compare")
    return None


def narrate_walk(instance, tour, out, opt: Optimum | None = None, max_rows: int | None = ROUTE_ROWS) -> None:
    """One walk step by step: the candidates at each step, the choice, the itinerary, the
    total, and its gap to ``opt`` when an optimum is known.

    A walk of more than ``max_rows`` legs (None: no limit) is told for its first
    ``NARRATED_STEPS`` steps, then as its route table, abbreviated
    (``Tour.render``). Distances come through ``tour._legs``: no matrix is built.
    """
    names = instance.names
    order = tour.order
    print(f"instance {instance.name}: {instance.n} cities; nearest neighbour, "
          f"{'closed tour' if tour.closed else 'open path'}", file=out)
    print(f"start at {names[order[0]]}", file=out)
    short = max_rows is None or tour.legs.size <= max_rows
    steps = len(order) if short else NARRATED_STEPS
    visited = np.zeros(instance.n, dtype=bool)
    visited[order[0]] = True
    total = 0.0
    for k in range(1, steps + 1):
        cur = int(order[k - 1])
        left = np.flatnonzero(~visited)
        far = _legs(instance, np.full(left.size, cur), left)
        if k == len(order):
            if left.size:
                print(f"\nstep {k}: at {names[cur]}, no edge to any of the {left.size} cities left: stuck",
                      file=out)
            break
        near = np.arange(left.size)
        if left.size > _SHOWN_CANDIDATES:  # those within the 8th distance: O(n), not a sort of all
            near = np.flatnonzero(far <= np.partition(far, _SHOWN_CANDIDATES - 1)[_SHOWN_CANDIDATES - 1])
        ranked = near[np.lexsort((left[near], far[near]))][:_SHOWN_CANDIDATES]  # by distance, then index
        shown = ", ".join(f"{names[left[r]]} {far[r]:g}" for r in ranked)
        more = f", ... ({left.size - _SHOWN_CANDIDATES} more)" if left.size > _SHOWN_CANDIDATES else ""
        nxt = int(order[k])
        leg = tour.legs[k - 1]
        total += leg
        visited[nxt] = True
        print(f"\nstep {k}: at {names[cur]}, candidates: {shown}{more}", file=out)
        print(f"  go to {names[nxt]} ({leg:g}); total {total:g}", file=out)
        print(f"  itinerary: {' -> '.join(names[c] for c in order[:k + 1])}", file=out)
    if short:
        if tour.closed and tour.complete:
            back = tour.legs[-1]
            total += back
            print(f"\nback to {names[order[0]]} ({back:g}); total {total:g}", file=out)
        print(f"\n{tour}", file=out)
    else:
        print(f"\n... and so on, {tour.legs.size - steps:,} steps more: the whole walk, "
              f"{'closed tour' if tour.closed else 'open path'} of length {length_text(tour.length)}"
              f"{'' if tour.complete else ' (incomplete: stuck on missing edges)'}:", file=out)
        print_route(tour, out, max_rows)
    header = optimum_line(instance, tour.closed, opt)
    if header is not None:
        print(f"\n{header}", file=out)
    if opt is not None:
        print(gap_line("this walk", tour.length, opt), file=out)


def print_route(tour, out, max_rows: int | None = ROUTE_ROWS) -> None:
    """``tour.render(max_rows)``, and when rows were left out, how to see them all."""
    print(tour.render(max_rows), file=out)
    if max_rows is not None and tour.legs.size > max_rows:
        print(f"(--route prints all {tour.legs.size:,} legs)", file=out)


class Clock:
    """The wall time of a command's phases (``with clock.phase("walks"): ...``) and of
    the whole process (``summary``)."""

    def __init__(self):
        self.phases: dict = {}
        self._started = time.perf_counter() - (process_seconds() or 0.0)

    @contextlib.contextmanager
    def phase(self, name: str):
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.phases[name] = self.phases.get(name, 0.0) + time.perf_counter() - t0

    def summary(self, loading: float) -> str:
        """``wall time 5.31 s in all: instance 0.16 s, ..., the rest (start-up, report) 0.72 s``:
        since the process started (Linux; elsewhere since the clock was made), and the
        part of it spent loading compiled kernels (``loading`` seconds, within the phases)."""
        total = time.perf_counter() - self._started
        parts = [f"{name} {duration_text(t)}" for name, t in self.phases.items()]
        parts.append(f"the rest (start-up, report) {duration_text(max(0.0, total - sum(self.phases.values())))}")
        line = f"wall time {duration_text(total)} in all: " + ", ".join(parts)
        if loading > 0:
            line += f"; {duration_text(loading)} of it loading the compiled kernels"
        return line


def process_seconds() -> float | None:
    """Seconds since this process started, from /proc (Linux, 10 ms steps); None elsewhere."""
    try:
        with open("/proc/self/stat", encoding="ascii") as f:
            after_name = f.read().rsplit(")", 1)[1].split()
        with open("/proc/uptime", encoding="ascii") as f:
            uptime = float(f.read().split()[0])
        return max(0.0, uptime - int(after_name[19]) / os.sysconf("SC_CLK_TCK"))  # field 22: start time
    except (OSError, ValueError, IndexError, AttributeError):
        return None


def duration_text(seconds: float) -> str:
    """Seconds for people, 3 significant digits: '0.214 ms', '152 ms', '1.28 s'."""
    return f"{seconds * 1e3:.3g} ms" if seconds < 1 else f"{seconds:.3g} s"


def timing_line(sim, how: str, loading: float) -> str:
    """How long the simulations took, start-up apart: ``loading`` is the part of
    ``sim.seconds`` spent loading compiled kernels (``tsp._jit``), once per process."""
    line = f"{sim.n_simulations} simulations ({how}) in {duration_text(sim.seconds - loading)}"
    if loading > 0:
        line += f", plus {duration_text(loading)} to load the compiled kernels (once per process)"
    return line


def print_simulation(instance, sim, how: str, verbose: bool, opt, out, loading: float = 0.0,
                     max_rows: int | None = ROUTE_ROWS) -> None:
    """The simulation's outcome: the header, the timing line, every length when
    ``verbose``, the spread (``Simulation.summary``'s lines), the best route, and the
    gap to ``opt``.

    ``how`` says where the starts came from ("every start", "seed 1", ...);
    ``loading`` the seconds of ``sim.seconds`` spent loading compiled kernels.
    The route table and the lengths of ``verbose`` take at most ``max_rows`` lines
    each (their first and last halves; None: all).
    """
    kind = "closed tours" if sim.closed else "open paths"
    print(f"instance {instance.name}: {instance.n} cities; nearest neighbour, {kind}", file=out)
    print(timing_line(sim, how, loading), file=out)
    if verbose:
        shown = shown_rows(sim.n_simulations, max_rows)
        for r, i in enumerate(shown):
            if r and i != shown[r - 1] + 1:
                print(f"  ... {i - shown[r - 1] - 1:,} simulations not shown (Simulation.lengths has them all) ...",
                      file=out)
            length = sim.lengths[i]
            text = f"{length:g}" if np.isfinite(length) else "stuck (missing edges)"
            print(f"  simulation {i + 1}: start {instance.names[sim.starts[i]]}, length {text}", file=out)
    if not sim.n_complete:
        print(NO_COMPLETE_WALK, file=out)
        print(f"first walk: {sim.best}", file=out)
        return
    print(f"best length {sim.best.length:g}, found by {sim.n_best} of {sim.n_simulations} simulations",
          file=out)
    for line in sim._spread_lines():
        print(line, file=out)
    print(f"\nbest route (start {sim.best.names[0]}):", file=out)
    print_route(sim.best, out, max_rows)
    header = optimum_line(instance, sim.closed, opt)
    if header is not None:
        print(f"\n{header}", file=out)
    if opt is not None:
        print(gap_line("best simulation", sim.best.length, opt), file=out)
        if opt.tour is not None:
            print(f"optimal route: {opt.tour}", file=out)


def figure(instance, result, opt, improved=None):
    """The best route (when the cities have coordinates) and, for a simulation, the
    histogram of lengths; None when there is nothing to draw. With ``improved`` (a
    local search's Tour or Simulation, or a Solution): ``improvement_figure``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .improve.solve import Solution
    from .plot import plot_lengths, plot_route

    if improved is not None or isinstance(result, Solution):
        return improvement_figure(instance, result, improved, opt)

    sim = result if isinstance(result, Simulation) else None
    tour = sim.best if sim is not None else result
    panels = (instance.coords is not None) + (sim is not None)
    if panels == 0:
        return None
    fig, axes = plt.subplots(1, panels, figsize=(6 * panels, 5), squeeze=False)
    k = 0
    if instance.coords is not None:
        plot_route(instance, tour, ax=axes[0, k])
        if opt is not None and tour.complete:
            what = f"best {'tour' if tour.closed else 'path'}" if sim is not None else "this walk"
            axes[0, k].set_title(gap_line(f"{instance.name}, {what}", tour.length, opt), fontsize=10)
        k += 1
    if sim is not None:
        plot_lengths(sim.lengths, ax=axes[0, k], optimum=None if opt is None else opt.length,
                     optimum_source=None if opt is None else opt.source)
    fig.tight_layout()
    return fig


def log_run(run, args, instance, result, opt, loading, plot_path, fig, improved=None) -> None:
    """Log the params, metrics and figure of a ``python -m tsp`` run into ``run``; with
    ``improved``, its stages too (``log_improvement``)."""
    from .improve.solve import Solution

    if isinstance(result, Solution):
        log_improvement(run, args, instance, result, None, opt)
        _log_files(run, plot_path, fig)
        return
    sim = result if isinstance(result, Simulation) else None
    tour = sim.best if sim is not None else result
    run.log_params({
        "instance": args.instance, "n_cities": instance.n,
        "n_simulations": sim.n_simulations if sim is not None else 1,
        "seed": args.seed, "closed": args.closed, "all_starts": args.all_starts,
        "optimum_source": None if opt is None else opt.source,
    })
    metrics = {"best_length": tour.length, "complete": float(tour.complete)}
    if improved is not None:  # the best of the run is the improved one; greedy's is greedy_length
        metrics["best_length"] = (improved.best if isinstance(improved, Simulation) else improved).length
    if sim is not None:
        metrics.update(seconds=sim.seconds, loading_seconds=loading, n_best=sim.n_best, n_complete=sim.n_complete)
        metrics.update({f"{k}_length": v for k, v in sim.stats().items()})
    if opt is not None:
        metrics["optimum"] = opt.length
        metrics["gap"] = tour.length - opt.length
    run.log_metrics(metrics)
    if improved is not None:
        log_improvement(run, args, instance, improved, tour, opt)
    _log_files(run, plot_path, fig)


def _log_files(run, plot_path, fig) -> None:
    if plot_path is not None:
        run.log_artifact(plot_path)
    elif fig is not None:
        run.log_figure(fig, "tsp.png")


# ---------------------------------------------------------------------------
# --local-search and --solve / --kicks: the stages after greedy
# ---------------------------------------------------------------------------


def _stage_tours(result, improved):
    """(greedy tour, improved tour) of a walk, a simulation or a Solution."""
    from .improve.solve import Solution

    if isinstance(result, Solution):
        return result.start, result.best
    greedy = result.best if isinstance(result, Simulation) else result
    better = improved.best if isinstance(improved, Simulation) else improved
    return greedy, better


def print_improved_walk(tour, better, opt, out, max_rows: int | None = ROUTE_ROWS) -> None:
    """``--local-search`` after one walk: the improved walk and its gap. A walk of more
    than ``max_rows`` legs is printed as its route table, abbreviated (``print_route``)."""
    if max_rows is None or better.legs.size <= max_rows:
        print(f"\nafter local search (2-opt and Or-opt moves until neither helps): {better}", file=out)
    else:
        kind = "closed tour" if better.closed else "open path"
        print(f"\nafter local search (2-opt and Or-opt moves until neither helps): {kind} of length "
              f"{length_text(better.length)}:", file=out)
        print_route(better, out, max_rows)
    print(gap_line("local search", better.length, opt) if opt is not None
          else f"local search: {length_text(better.length)}, "
               f"{length_text(tour.length - better.length)} shorter than the walk", file=out)


def print_improved_simulation(sim, better, opt, out, loading: float = 0.0,
                              max_rows: int | None = ROUTE_ROWS) -> None:
    """``--local-search`` after N walks: every walk improved, the best kept; ``loading`` the
    seconds of ``better.seconds`` spent loading compiled kernels. The route table is
    abbreviated beyond ``max_rows`` legs (``print_route``)."""
    line = f"\nevery walk improved by local search (2-opt and Or-opt) in {duration_text(better.seconds - loading)}"
    if loading > 0:
        line += f", plus {duration_text(loading)} to load the compiled kernels"
    print(line + ":", file=out)
    print(f"best length {length_text(better.best.length)}, found by {better.n_best} of "
          f"{better.n_simulations} simulations (greedy alone: {length_text(sim.best.length)}, "
          f"found by {sim.n_best})", file=out)
    for line in better._spread_lines():
        print(line, file=out)
    print(f"\nbest route after local search (start {better.best.names[0]}):", file=out)
    print_route(better.best, out, max_rows)
    if opt is not None:
        print("\n" + gap_line("best simulation after local search", better.best.length, opt), file=out)


def _history_rows(history, limit: int):
    """At most ``limit`` rows of the history: evenly spread, the first and last kept."""
    if len(history) <= limit:
        return history
    keep = np.unique(np.round(np.linspace(0, len(history) - 1, limit)).astype(int))
    return history.iloc[keep]


def print_solution(instance, sol, how: str, opt, out, loading: float = 0.0,
                   max_rows: int | None = ROUTE_ROWS) -> None:
    """``--solve`` / ``--kicks``: the stages (greedy start, its local search, iterated local
    search) with their gaps, the improvement history summarised, and the best route
    (abbreviated beyond ``max_rows`` legs, ``print_route``)."""
    kind = "closed tours" if sol.best.closed else "open paths"
    print(f"instance {instance.name}: {instance.n} cities; iterated local search, {kind} ({how})", file=out)
    line = f"{sol.kicks} kicks in {duration_text(sol.seconds)}"
    if loading > 0:
        line += f", plus {duration_text(loading)} to load the compiled kernels (once per process)"
    print(line, file=out)
    header = optimum_line(instance, sol.best.closed, opt)
    if header is not None:
        print(header, file=out)
    h = sol.history
    local = float(h["length"].iloc[1]) if len(h) > 1 and h["kick"].iloc[1] == 0 else sol.start.length
    print(gap_line("nearest neighbour (best walk of the start)", sol.start.length, opt), file=out)
    print(gap_line("solve's first descent from it (its repair moves, every city)", local, opt), file=out)
    print(gap_line(f"iterated local search, {sol.kicks} kicks", sol.best.length, opt), file=out)
    print(f"\nhistory: {len(h) - 1} improvements of the start; the last at kick {int(h['kick'].iloc[-1])}, "
          f"{duration_text(float(h['seconds'].iloc[-1]))} into the run", file=out)
    rows = _history_rows(h, HISTORY_ROWS)
    gaps = opt is not None and opt.length > 0
    print(f"  {'seconds':>9}  {'kick':>8}  {'length':>12}" + (f"  {'gap':>8}" if gaps else ""), file=out)
    for t, kick, length in rows.itertuples(index=False):
        gap = ""
        if gaps:
            pct = 100 * (length / opt.length - 1)
            gap = f"  {0.0 if abs(pct) <= 1e-7 else pct:>6.2f} %"  # within 1e-9 of the optimum: 0
        print(f"  {t:>9.4f}  {int(kick):>8}  {length_text(length):>12}{gap}", file=out)
    print(f"\nbest route (start {sol.best.names[0]}):", file=out)
    print_route(sol.best, out, max_rows)


def improvement_figure(instance, result, improved, opt):
    """The greedy tour beside the improved one (cities with coordinates), then the
    improved lengths (a simulation) or the improvement history (a Solution)."""
    import matplotlib.pyplot as plt

    from .improve.solve import Solution
    from .plot import plot_lengths, plot_route

    greedy, better = _stage_tours(result, improved)
    solution = result if isinstance(result, Solution) else None
    sims = (result, improved) if isinstance(improved, Simulation) else ()
    panels = 2 * (instance.coords is not None) + (solution is not None) + len(sims) * (instance.coords is None)
    panels += (instance.coords is not None and bool(sims))
    if panels == 0:
        return None
    fig, axes = plt.subplots(1, panels, figsize=(6 * panels, 5), squeeze=False)
    k = 0
    if instance.coords is not None:
        for tour, label in ((greedy, "greedy"), (better, "improved")):
            plot_route(instance, tour, ax=axes[0, k])
            axes[0, k].set_title(gap_line(f"{instance.name}, {label}", tour.length, opt), fontsize=10)
            k += 1
    source = None if opt is None else opt.source
    optimum = None if opt is None else opt.length
    for sim, label in zip(sims, ("greedy walks", "after local search")):
        if instance.coords is not None and label == "greedy walks":
            continue  # beside the routes, only the improved lengths
        plot_lengths(sim.lengths, ax=axes[0, k], optimum=optimum, optimum_source=source)
        axes[0, k].set_title(f"{sim.n_simulations} simulations, {label}")
        k += 1
    if solution is not None:
        ax = axes[0, k]
        h = solution.history
        t = np.append(h["seconds"].to_numpy(), max(solution.seconds, float(h["seconds"].iloc[-1])))
        y = np.append(h["length"].to_numpy(), solution.best.length)  # the plateau to the end of the run
        ax.step(t, y, where="post", color="tab:blue", lw=2, label="best length (iterated local search)")
        ax.set_xscale("log")
        ax.axhline(solution.start.length, color="0.5", ls=":", label=f"greedy start {solution.start.length:g}")
        if optimum is not None:
            ax.axhline(optimum, color="tab:red", ls="--", label=f"optimum {optimum:g} ({source})")
        ax.set(xlabel="seconds since the call began (log scale)", ylabel="length",
               title=f"{solution.kicks} kicks in {solution.seconds:.3g} s: the best against time")
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def log_improvement(run, args, instance, improved, greedy, opt) -> None:
    """--track with --local-search or --solve: the stages' lengths and gaps, and a
    Solution's history as the metric ``length`` (step = kick)."""
    from .improve.solve import Solution

    if isinstance(improved, Solution):
        run.log_params({"instance": args.instance, "n_cities": instance.n, "seed": args.seed,
                        "closed": args.closed, "solve_seconds": args.solve, "kicks": args.kicks,
                        "optimum_source": None if opt is None else opt.source})
        stages = {"greedy": improved.start.length, "solve": improved.best.length}
        h = improved.history
        if len(h) > 1 and h["kick"].iloc[1] == 0:
            stages["first_descent"] = float(h["length"].iloc[1])
        run.log_metrics({"kicks_made": improved.kicks, "seconds": improved.seconds})
        for row in h.itertuples(index=False):
            run.log_metric("length", float(row.length), step=int(row.kick))
    else:
        better = improved.best if isinstance(improved, Simulation) else improved
        stages = {"greedy": greedy.length, "local_search": better.length}
        if isinstance(improved, Simulation):
            run.log_metrics({"local_search_seconds": improved.seconds})
    metrics = {f"{k}_length": v for k, v in stages.items()}
    if opt is not None:
        metrics["optimum"] = opt.length
        metrics.update({f"{k}_gap_pct": 100 * (v / opt.length - 1) for k, v in stages.items() if opt.length > 0})
    run.log_metrics(metrics)
