"""Repeated nearest neighbour from random starts: the classroom simulation, exact and fast.

The classroom script started at a random company, walked to the nearest unvisited
one until none was left, did that N times and kept the shortest walk. ``simulate``
does the same with the starts drawn from ``numpy.random.default_rng(seed)``, the
walks run in parallel, and the same answer for the same seed on any thread count.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numba
import numpy as np

from .. import _jit, _metric
from .._progress import check_progress, reporter
from .._validation import check_flag, check_int, check_memory, check_seed, check_starts
from ..improve import local_search as improve
from ..instance import check_instance
from ..neighbors import candidates
from ..tour import Tour
from .nearest import walk, walk_each, walk_many

__all__ = ["Simulation", "simulate"]

NO_COMPLETE_WALK = "no walk visited every city: missing edges stranded them all"

# Below this many city-steps (distinct starts x n) the walks run in one thread:
# starting Numba's parallel runtime costs about 0.2 s, more than such a run takes.
PARALLEL_MIN_WORK = 100_000


@dataclass(frozen=True, eq=False)
class Simulation:
    """The outcome of repeated nearest-neighbour walks.

    Attributes
    ----------
    best : Tour
        The first of the shortest complete walks (in simulation order). When no
        walk is complete, the first simulation's walk, with ``complete=False``.
    lengths : numpy.ndarray
        Length of every simulation's walk, in simulation order (float64,
        read-only); ``inf`` for a walk stranded by missing edges.
    starts : numpy.ndarray
        The start city of every simulation (int64, read-only).
    seconds : float
        Wall time of the call (drawing starts, candidate lists, the walks).
    n_best : int
        How many simulations found the best length (0 when none is complete).
    closed : bool
        Whether the walks return to their start.
    """

    best: Tour
    lengths: np.ndarray
    starts: np.ndarray
    seconds: float
    n_best: int
    closed: bool

    @property
    def n_simulations(self) -> int:
        """Number of simulations."""
        return int(self.lengths.size)

    @property
    def n_complete(self) -> int:
        """How many walks visited every city (and could close, when closed)."""
        return int(np.isfinite(self.lengths).sum())

    def stats(self) -> dict:
        """Mean, median and worst length over the complete walks (empty when none is)."""
        ok = self.lengths[np.isfinite(self.lengths)]
        if ok.size == 0:
            return {}
        return {"mean": float(ok.mean()), "median": float(np.median(ok)), "worst": float(ok.max())}

    def summary(self) -> str:
        """A few lines: count, best and how often it was hit, mean / median / worst.

        Statistics are over the complete walks.
        """
        kind = "closed tours" if self.closed else "open paths"
        lines = [f"{self.n_simulations} simulations ({kind}) in {self.seconds * 1e3:.1f} ms"]
        if not self.n_complete:
            lines.append(NO_COMPLETE_WALK)
        else:
            lines.append(f"best {self.best.length:g}, found by {self.n_best} of {self.n_simulations}")
            lines += self._spread_lines()
        return "\n".join(lines)

    def _spread_lines(self) -> list:
        """How the complete walks spread: mean / median / worst, and how many got stuck.

        The lines ``summary`` prints after the best; empty when no walk is complete.
        """
        stats = self.stats()
        if not stats:
            return []
        lines = [f"mean {stats['mean']:.6g}, median {stats['median']:.6g}, worst {stats['worst']:g}"]
        if self.n_complete < self.n_simulations:
            lines.append(f"{self.n_simulations - self.n_complete} walks got stuck on missing edges")
        return lines

    def __repr__(self) -> str:
        best = f"{self.best.length:g}" if self.n_best else "None"  # no complete walk
        return (f"Simulation(n_simulations={self.n_simulations}, best={best}, "
                f"n_best={self.n_best}, closed={self.closed}, seconds={self.seconds:.3g})")


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def simulate(instance, n_simulations=None, seed=None, closed: bool = False, starts=None,
             *, progress=None, local_search: bool = False) -> Simulation:
    """Nearest-neighbour walks from many starts; keep the shortest.

    Parameters
    ----------
    instance : Instance
        Any instance (asymmetric, with missing edges: fine).
    n_simulations : int, optional
        Number of walks, each from a start drawn uniformly at random. Required
        unless ``starts`` is given (then it may be omitted or must match).
    seed : int, numpy.random.Generator or None
        Seed of ``numpy.random.default_rng`` that draws the starts:
        ``rng.integers(0, n, n_simulations)``.
    closed : bool, default False
        Walk closed tours instead of open paths.
    starts : array of int or str, or "all", optional
        Explicit start cities (indices or names) instead of random ones;
        ``"all"`` means every city once, in index order.
    progress : None, True or callable, optional
        Reports while the walks run: True draws a ``tqdm`` bar on stderr; a
        callable is called as ``progress(done, total)``, counted in simulations
        (``total = n_simulations``), after each chunk of walks.
    local_search : bool, default False
        Improve every complete walk with ``tsp.local_search`` (2-opt and Or-opt)
        inside the parallel loop, before the best is kept: ``lengths`` are then
        the improved lengths and ``best`` the best improved tour.

    Returns
    -------
    Simulation

    Raises
    ------
    TypeError, ValueError
        For a wrong instance, count, seed, ``closed`` or starts, naming it; a
        ValueError, before anything is allocated, for more simulations than the
        memory holds: their starts and lengths take 16 bytes each, at most 80%
        of the memory available now (``tsp._validation.check_memory``).

    Notes
    -----
    A walk depends only on its start, so each *distinct* start is walked once
    and its length shared by every simulation that drew it: N simulations cost
    at most n walks, and "all starts" costs exactly n. (A progress report counts
    the simulations whose start has been walked.) The walks run in a Numba
    ``prange`` loop, each writing its own slot; the best is chosen afterwards
    (``argmin``, first of the shortest), so the result does not depend on the
    thread count. Time O(N + min(N, n) * (n K + scans)); memory O(N + n K).

    Examples
    --------
    >>> from tsp import seed_routes
    >>> sim = simulate(seed_routes(), 100, seed=1)
    >>> sim.best.length, sim.lengths.size
    (128.0, 100)
    >>> every = simulate(seed_routes(), starts="all")
    >>> every.n_best, every.best.names[0], float(every.lengths.max())
    (2, 'GPS', 180.0)
    """
    instance = check_instance(instance)
    closed = check_flag("closed", closed)
    local_search = check_flag("local_search", local_search)
    check_progress(progress)
    if n_simulations is not None:
        n_simulations = check_int("n_simulations", n_simulations, 1, "a positive integer")
        check_memory(16 * n_simulations, "n_simulations", n_simulations,
                     "the starts and lengths of the walks (16 bytes per simulation)")
    n = instance.n
    t0 = time.perf_counter()
    if starts is None:
        if n_simulations is None:
            raise TypeError("simulate needs n_simulations or starts")
        rng = check_seed(seed)
        starts = rng.integers(0, n, n_simulations, dtype=np.int64)
    else:
        if isinstance(starts, str) and starts == "all":
            starts = np.arange(n, dtype=np.int64)
        else:
            starts = check_starts(instance, starts)
        if n_simulations is not None and n_simulations != starts.size:
            raise ValueError(f"n_simulations must equal the number of starts ({starts.size}), "
                             f"got {n_simulations}")
        if seed is not None:
            check_seed(seed)
    # one walk per distinct start (bincount instead of unique: O(N), no sort)
    drawn = np.bincount(starts, minlength=n)
    distinct = np.flatnonzero(drawn)
    metric, lists = _metric.of(instance), candidates(instance)
    by_start = np.full(n, np.nan)
    parallel = distinct.size * n >= PARALLEL_MIN_WORK
    if local_search:
        moves = improve.context(instance, improve.K_MOVES, closed)
        kernel = improve.improved_walks_many if parallel else improve.improved_walks_each
        args = (*moves, lists)
    else:
        kernel = walk_many if parallel else walk_each
        args = (metric, lists)
    what = "walks and local searches" if local_search else "nearest-neighbour walks"
    with reporter(progress, starts.size, what, " simulations") as report:
        # with a report: at least 1/50 of the starts per call, fewer of longer walks (64
        # walks of 1000 cities take 1 ms, one of 10^6 cities 0.4 s), all threads busy
        chunk = distinct.size if report is None else \
            max(numba.get_num_threads(), min(64, max(1, 64_000 // n)), distinct.size // 50)
        done = 0
        for lo in range(0, distinct.size, chunk):
            part = distinct[lo:lo + chunk]
            lengths_part = _jit.call(kernel, *args, part, closed)
            by_start[part] = lengths_part if local_search else lengths_part[0]
            if report is not None:
                done += int(drawn[part].sum())
                report(done)
    lengths = by_start[starts]
    finite = np.isfinite(lengths)
    if finite.any():
        i_best = int(np.argmin(lengths))
        n_best = int(np.count_nonzero(lengths == lengths[i_best]))
    else:
        i_best, n_best = 0, 0
    order = np.empty(n, dtype=np.int64)  # walk the best start again for its order
    if local_search:
        _, steps = _jit.call(improve.improved_walk, moves, lists, int(starts[i_best]), closed, order)
    else:
        _, steps, _ = _jit.call(walk, metric, lists, int(starts[i_best]), closed, order)
    best = Tour.from_order(instance, order[:steps], closed=closed)
    seconds = time.perf_counter() - t0
    return Simulation(best=best, lengths=_readonly(lengths), starts=_readonly(starts),
                      seconds=seconds, n_best=n_best, closed=closed)
