"""Iterated local search: kick the tour out of its local optimum, improve again, keep the better.

A local optimum of 2-opt and Or-opt (``local_search``) is typically 3-7 % above
the best tour on TSPLIB instances of a few hundred to a few thousand cities,
and no single move improves it. Iterated
local search (Lourenco, Martin and Stuetzle; the kicks of Martin, Otto and
Felten 1991) escapes: it changes the tour a little in a way the moves cannot
easily undo, runs the local search again from the cities that changed, and
keeps the result when it is not longer; otherwise it takes the kick back.
Thousands of small, cheap kicks add up to tours within a few tenths of a
percent of the optimum.

The kick is a *double bridge* on a stretch of the tour: cut it after a random
city a into ... a | B | C | D ... with B and C of 1 to ``SEGMENT`` cities each,
and swap B and C (... a C B D ...). Three edges change, no path is turned
round, and 2-opt cannot undo it in one move (3-opt can: when the kick does not
pay, the repair often just takes it back, a cheap way to say no; a true double
bridge of four edges, a B C D e -> a D C B e, which no 3-opt move undoes,
ended further from the optimum: 0.45 % instead of 0.34 % at 1 s on the 10
instances of ``REPAIR``'s note). It costs O(|B| + |C|), not O(n),
and only the six cities at the cuts go back into the local search's queue, so
a kick and its repair cost about the same whatever n is (symmetric: about
25 us for n = 1000 to 2400, 40,000 kicks a second). On an asymmetric instance a
move that turns a path round costs O(path) to price and make, so the repairs
skip the moves that would turn round more than ``REACH`` cities (see ``REACH``
for the cost of a kick). The repair uses 2-opt
and sequential 3-opt (``REPAIR``; ``three_opt.py``), not the Or-opt of
``local_search``: 3-opt moves a path of any length (Or-opt's one to three cities
among them) and swaps two neighbouring paths, so a repair gets further from one
kick: on the 41 TSPLIB instances of the tsp_quality benchmark, solve for 1 s
ends 0.09 % above the optimum on average, 0.18 % with 2-opt and Or-opt repairs.

Accepting only tours that are not longer has no way out of a local optimum that
every kick leads back to (a 6-city instance: 72 is optimal for every move, its one
kick leads to 74, and the optimum 67 lies two longer tours beyond). So after
``STALL_KICKS + n * min(n, STALL_CITIES)`` kicks without a new best, the search
*escapes*: from the best tour (saved then, O(n) once per stall), e kicks in a row
with no repair between them, then one repair, kept whatever its length; the kicks
go on from there and the best is restored before the next escape (e = 1, 2, ...,
``ESCAPE_KICKS``, then 1 again). On instances of hundreds of cities and more,
new bests keep coming within the stall in budgets of a second: escapes do not fire
there.

Every random number is drawn outside the kernels, from
``numpy.random.default_rng(seed)``, in blocks of ``BLOCK`` kicks; the kernel
runs the kicks of a batch in order. Numba has no clock, so a time budget is
kept between batches (each a few milliseconds long); the batches never change
which kicks are made, so with ``kicks`` and a seed the result is the same run
to run and on any number of threads (the search itself runs on one).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
from numba import njit

from .._progress import check_progress, reporter
from .._validation import check_flag, check_int, check_seed
from ..construct.nearest import walk, walk_each
from ..instance import check_instance
from ..neighbors import candidates
from ..tour import Tour
from ._tour_ops import (TOLERANCE, Search, clear_log, clear_queue, cost, flip, new_search, push, push_all, read_order,
                        set_reach, undo)
from .local_search import K_MOVES, OR_OPT, THREE_OPT, TWO_OPT, context, descend, route_length

__all__ = ["BLOCK", "SEGMENT", "START_WALKS", "Solution", "solve"]

#: The moves that repair a kick (bits of local_search's TWO_OPT, OR_OPT, OR_EDGES, THREE_OPT).
#: solve for 1 s on 10 TSPLIB instances of 532 to 2392 cities, 2 seeds: mean gap 0.59 %
#: with 2-opt and Or-opt, 0.47 % adding 3-opt, 0.36 % with 2-opt and 3-opt (3-opt moves
#: paths of any length, Or-opt's among them), 1.7 % with 3-opt alone.
REPAIR = TWO_OPT | THREE_OPT
#: Added on asymmetric instances, where THREE_OPT does nothing: Or-opt's segment moves.
#: Random asymmetric instances (see REACH), 2 s, n = 200 / 800 / 1600: 12.083 / 24.58 /
#: 35.64 with them, 12.085 / 24.66 / 36.81 with 2-opt alone; 3-10 random sparse cities,
#: 6000 kicks: 0 misses of Held-Karp in 688 with them, 4 with 2-opt alone.
ASYMMETRIC_REPAIR = OR_OPT
#: A kick swaps two stretches of 1 to SEGMENT cities each. With 2-opt and 3-opt repairs,
#: solve for 1 s on the 10 instances above, 2 seeds: 0.56 % (50), 0.34 % (100), 0.36 % (200).
#: (With 2-opt and Or-opt, 0.1 s, 13 instances, 5 seeds: 1.63 % (30), 1.04 % (100),
#: 0.96 % (200), 1.07 % (500).)
SEGMENT = 100
#: On asymmetric instances the repairs turn round paths of at most REACH cities
#: (``_tour_ops.set_reach``): a kick costs O(local work), not O(n). Random asymmetric
#: instances (plane distances x U(1, 1.3)), n = 200 / 800 / 1600, 2-opt and Or-opt
#: repairs: 0.20 / 0.22 / 0.25 ms a kick (SEGMENT 100); with SEGMENT 200, 0.30 / 0.32 /
#: 0.37 ms against 0.72 / 3.7 / 8.1 ms unbounded, ending 2 s at 12.083 / 24.63 / 35.99
#: against 12.081 / 24.72 / 36.21 unbounded (a reach of 30: 1-3 % longer).
REACH = 100
#: Random numbers are drawn for this many kicks at a time.
BLOCK = 4096
#: The start: the best nearest-neighbour walk from this many random cities (all when fewer).
START_WALKS = 16
#: Room in the undo log, in flips (a kick makes 3, a move at most 3); a kick whose repair
#: would need more is taken back.
LOG_ROWS = 3 * 1024
#: A batch of kicks lasts about this long (the clock is read between batches).
BATCH_SECONDS = 0.004
#: After STALL_KICKS + n * min(n, STALL_CITIES) kicks without a new best, the next kick is
#: an escape (module notes): 100 + n^2 below 200 cities (10 cities: 200 kicks), 200 n from
#: there (318 cities: 63,700 kicks, 1.2 s of them; 1000 cities: 200,100, 5 s). solve for
#: 1 s on 11 TSPLIB instances of 318 to 2392 cities, 2 seeds: the longest wait for a new
#: best was 43,873 kicks (d1291): no escape fired (with 100 + 20 n, 29 did).
STALL_KICKS = 100
STALL_CITIES = 200
#: The longest escape, in kicks.
ESCAPE_KICKS = 8


@dataclass(frozen=True, eq=False)
class Solution:
    """The outcome of ``solve``.

    Attributes
    ----------
    best : Tour
        The shortest tour found.
    start : Tour
        The tour the search began from: the best nearest-neighbour walk.
    history : pandas.DataFrame
        The start, then one row per new best (shorter by more than the rounding,
        ``TOLERANCE`` of the length): ``seconds`` (since the call began;
        interpolated within a batch of kicks), ``kick`` (kicks made so far; 0 for
        the start and for its first local search) and ``length`` (as the search
        tracks it, adding up gains: exact for integer distances, else within
        rounding; strictly decreasing, the last row is ``best.length``).
    kicks : int
        How many kicks were made.
    seconds : float
        Wall time of the call.
    escapes : int
        How many escapes were made (``solve``'s notes): 0 while new bests keep coming.
    """

    best: Tour
    start: Tour
    history: object
    kicks: int
    seconds: float
    escapes: int = 0

    def __repr__(self) -> str:
        return (f"Solution(best={self.best.length:g}, start={self.start.length:g}, kicks={self.kicks}, "
                f"improvements={len(self.history) - 1}, escapes={self.escapes}, seconds={self.seconds:.3g})")


@njit(cache=True)
def _kick(ctx, st, r, segment):
    """A double bridge after city ``tour[r[0] * N]``: swap the next two stretches of
    ``1 + r[1] * m`` and ``1 + r[2] * m`` cities (m = min(segment, (N - 2) // 2)).

    Returns the change of length; ``inf`` (and nothing changed) when the kick
    would use a missing edge or the tour is too short to kick.
    """
    size = st.tour.size
    m = min(segment, (size - 2) // 2)
    if m < 1:
        return np.inf
    k = int(r[0] * size)
    l1 = 1 + int(r[1] * m)
    l2 = 1 + int(r[2] * m)
    tour, metric, depot = st.tour, ctx.metric, ctx.depot
    a = tour[k % size]
    b1 = tour[(k + 1) % size]
    b2 = tour[(k + l1) % size]
    c1 = tour[(k + l1 + 1) % size]
    c2 = tour[(k + l1 + l2) % size]
    d1 = tour[(k + l1 + l2 + 1) % size]
    removed = cost(metric, depot, a, b1) + cost(metric, depot, b2, c1) + cost(metric, depot, c2, d1)
    added = cost(metric, depot, a, c1) + cost(metric, depot, c2, b1) + cost(metric, depot, b2, d1)
    if not added < np.inf:
        return np.inf
    flip(ctx, st, a, b1, c2, d1)  # a C' B' d: both stretches reversed, in swapped places
    flip(ctx, st, a, c2, c1, b2)  # C the right way round
    flip(ctx, st, c2, b2, b1, d1)  # B the right way round: a C B d
    for c in (a, b1, b2, c1, c2, d1):
        push(st, c)
    return added - removed


@njit(cache=True)
def _restore(st, saved):
    """Make the tour ``saved`` again (O(N)): the search's tour, positions, queue and log."""
    tour, pos = st.tour, st.pos
    for k in range(tour.size):
        tour[k] = saved[k]
        pos[saved[k]] = k
    clear_queue(st)
    clear_log(st)


@njit(cache=True)
def _iterate(ctx, st, draws, moves, segment, lengths, state, saved, stall, found_kick, found_length):
    """One kick per row of ``draws``, each repaired by local search and kept when not longer.

    ``lengths`` holds the current tour's length and the best length; ``state`` the kicks
    since the last new best or escape, whether the current tour is a best one, whether
    ``saved`` holds one, the kicks left of an escape and the escapes since the last new
    best, and all escapes so far; both are updated. After ``stall`` kicks without a new best,
    an escape (module notes): from a best tour, e kicks in a row with no repair between
    them, then one repair, kept whatever its length (e = 1, 2, ..., ESCAPE_KICKS, 1, ...).
    Writes each new best (the kick's row, its length) into ``found_kick`` /
    ``found_length``; returns how many.
    """
    found = 0
    length, best = lengths[0], lengths[1]
    since, current_is_best, saved_is_best, pending, escapes = state[0], state[1], state[2], state[3], state[4]
    total = state[5]
    for k in range(draws.shape[0]):
        clear_log(st)
        if pending == 0 and since >= stall:  # an escape begins, from a best tour
            if current_is_best:
                if not saved_is_best:
                    saved[:] = st.tour
                    saved_is_best = 1
            else:  # the last escape found no new best: back to the best, out another way
                _restore(st, saved)
                length, current_is_best = best, 1
            pending = 1 + escapes % ESCAPE_KICKS
            escapes += 1
            total += 1
            current_is_best = 0
        change = _kick(ctx, st, draws[k], segment)
        if not change < np.inf:
            since += 1
            continue
        if pending > 0:  # a kick of an escape: kept, repaired after the last one
            length += change
            pending -= 1
            if pending > 0:
                continue
            gain, _, _ = descend(ctx, st, moves)
            clear_queue(st)  # (when the log filled up, the repair stopped early: the tour is whole)
            length -= gain
            since = 0
            if best - length > TOLERANCE * best:
                found_kick[found] = k
                found_length[found] = length
                found += 1
                best = length
                current_is_best, saved_is_best, escapes = 1, 0, 0
            continue
        gain, _, ok = descend(ctx, st, moves)
        new = length + change - gain
        if ok and new <= length:
            if best - new > TOLERANCE * best:  # a new best, beyond the rounding of the sums
                found_kick[found] = k
                found_length[found] = new
                found += 1
                length = best = new
                current_is_best, saved_is_best, since, escapes = 1, 0, 0, 0
            else:  # not longer: kept (a change within the rounding leaves the length as it was)
                if length - new > TOLERANCE * length:
                    length = new
                since += 1
        else:
            clear_queue(st)
            undo(ctx, st)
            since += 1
    clear_log(st)
    lengths[0], lengths[1] = length, best
    state[0], state[1], state[2], state[3], state[4], state[5] = (since, current_is_best, saved_is_best, pending,
                                                                  escapes, total)
    return found


def _check_budget(seconds, kicks):
    if seconds is not None:
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float, np.integer, np.floating)):
            raise TypeError(f"seconds must be a number or None, got {seconds!r}")
        if not (math.isfinite(seconds) and seconds >= 0):
            raise ValueError(f"seconds must be finite and non-negative, got {seconds!r}")
        seconds = float(seconds)
    if kicks is not None:
        kicks = check_int("kicks", kicks, 0, "a non-negative integer")
    if seconds is None and kicks is None:
        raise ValueError("solve needs a budget: seconds or kicks (or both), got neither")
    return seconds, kicks


def _start(instance, ctx, rng, closed):
    """The best nearest-neighbour walk from up to START_WALKS random cities.

    The walks need lists that are a prefix of each city's (distance, index) order
    (``tsp.neighbors.candidates``); the moves' quadrant lists are not one.
    """
    n = instance.n
    starts = np.sort(rng.choice(n, size=min(n, START_WALKS), replace=False)).astype(np.int64)
    lists = candidates(instance, K_MOVES)
    lengths, _ = walk_each(ctx.metric, lists, starts, closed)
    first = int(starts[int(np.argmin(lengths))])
    order = np.empty(n, dtype=np.int64)
    _, steps, _ = walk(ctx.metric, lists, first, closed, order)
    return Tour.from_order(instance, order[:steps], closed=closed)


def solve(instance, seconds=1.0, *, kicks=None, seed=None, closed: bool = True, progress=None) -> Solution:
    """Iterated local search: the best tour found in ``seconds`` of wall time or ``kicks`` kicks.

    Parameters
    ----------
    instance : Instance
        Any instance (asymmetric, with missing edges: fine).
    seconds : float or None, default 1.0
        Wall-time budget of the whole call, in seconds. The start (candidate
        lists, walks, first local search) always completes; the kicks stop once
        the budget is spent (checked every few milliseconds). A wall-clock budget
        makes the result depend on the machine and its load.
    kicks : int or None, default None
        How many kicks to make at most. With ``kicks`` (and ``seconds=None``) and
        a seed, the result is the same on every run and any number of threads.
    seed : int, numpy.random.Generator or None
        Seed of ``numpy.random.default_rng``, which draws the start cities and
        every kick.
    closed : bool, default True
        A closed tour (as TSPLIB's optima) or an open path.
    progress : None, True or callable, optional
        True draws a ``tqdm`` bar on stderr; a callable is called as
        ``progress(done, total)`` between batches, counted in kicks when
        ``kicks`` is given, else in seconds.

    Returns
    -------
    Solution
        ``best``, ``start``, ``history``, ``kicks``, ``seconds``.

    Raises
    ------
    TypeError
        For a non-Instance, a non-number budget, a wrong seed or ``closed``, a
        non-callable ``progress``.
    ValueError
        For negative or non-finite ``seconds``, ``kicks`` < 0, or both None;
        and when no complete walk exists to start from (missing edges).

    Notes
    -----
    Start from the best nearest-neighbour walk among ``START_WALKS`` random
    starts and improve it with 2-opt and 3-opt (``REPAIR``; 2-opt and Or-opt on
    an asymmetric instance, where 3-opt does nothing; every city
    queued). Then repeat: a double-bridge kick (module notes), the local search
    from the six cities it touched, keep the result if it is not longer, else
    undo every flip (an undo log). After a stall without a new best, an escape
    (module notes) keeps a longer tour once; the best is saved and returned.
    Memory O(n K).

    Examples
    --------
    >>> from tsp import read_tsplib
    >>> from tsp.tsplib import BUNDLED_DIR
    >>> berlin52 = read_tsplib(BUNDLED_DIR + "/berlin52.tsp")  # optimum 7542
    >>> sol = solve(berlin52, seconds=None, kicks=100, seed=1)
    >>> sol.start.length, sol.best.length, sol.kicks
    (8864.0, 7542.0, 100)
    >>> sol.history[["kick", "length"]]  # and "seconds", since the call began
       kick  length
    0     0  8864.0
    1     0  7974.0
    2     6  7902.0
    3     9  7542.0
    """
    t0 = time.perf_counter()
    instance = check_instance(instance)
    seconds, kicks = _check_budget(seconds, kicks)
    closed = check_flag("closed", closed)
    check_progress(progress)
    rng = check_seed(seed)
    import pandas as pd

    ctx = context(instance, K_MOVES, closed)
    start = _start(instance, ctx, rng, closed)
    if not start.complete:
        raise ValueError(f"solve found no complete nearest-neighbour {'tour' if closed else 'path'} to start "
                         f"from in {instance.name!r}: missing edges strand every walk tried")
    rows = [(time.perf_counter() - t0, 0, start.length)]
    first = int(start.order[0])
    plain = new_search(np.ascontiguousarray(start.order), ctx.depot, 0)
    push_all(plain)
    repair = REPAIR if ctx.symmetric else REPAIR | ASYMMETRIC_REPAIR  # 3-opt is symmetric only
    descend(ctx, plain, repair)  # the kicks' local search, from every city
    st = Search(*plain[:5], np.empty((LOG_ROWS, 4), dtype=np.int64))
    set_reach(st, REACH)
    length = route_length(ctx, read_order(st, ctx.depot, first), closed)
    if start.length - length > TOLERANCE * start.length:
        rows.append((time.perf_counter() - t0, 0, length))
    lengths = np.array([length, length])  # the current tour's, the best
    state = np.zeros(6, dtype=np.int64)  # see _iterate
    state[1] = 1  # the current tour is the best
    saved = np.empty_like(st.tour)
    stall = STALL_KICKS + instance.n * min(instance.n, STALL_CITIES)

    total = kicks if kicks is not None else seconds
    unit = " kicks" if kicks is not None else " s"
    done, batch, draws, used = 0, 8, np.empty((0, 3)), 0
    found_kick, found_length = np.empty(BLOCK, dtype=np.int64), np.empty(BLOCK)
    with reporter(progress, total, "iterated local search", unit) as report:
        while (kicks is None or done < kicks) and (seconds is None or time.perf_counter() - t0 < seconds):
            if used == draws.shape[0]:
                draws, used = rng.random((BLOCK, 3)), 0
            size = min(batch, draws.shape[0] - used, kicks - done if kicks is not None else BLOCK)
            t1 = time.perf_counter()
            found = _iterate(ctx, st, draws[used:used + size], repair, SEGMENT, lengths, state, saved, stall,
                             found_kick, found_length)
            t2 = time.perf_counter()
            for i in range(found):
                share = (found_kick[i] + 1) / size
                rows.append((t1 - t0 + share * (t2 - t1), done + int(found_kick[i]) + 1, float(found_length[i])))
            done += size
            used += size
            batch = max(1, min(BLOCK, int(batch * BATCH_SECONDS / max(t2 - t1, 1e-6))))
            if report is not None:
                report(done if kicks is not None else min(seconds, time.perf_counter() - t0))
    if not state[1]:  # the search is out on an escape: the best tour is the saved one
        _restore(st, saved)
    best = Tour.from_order(instance, read_order(st, ctx.depot, first), closed=closed)
    if len(rows) == 1:  # no improvement beyond the rounding of the sums: the start it is
        best = start
    # The search adds up gains; a tour's length summed leg by leg may differ in the last
    # bits (never for integer distances). The last row is the best tour's own length, and
    # a row stays only when it is above every later one.
    rows[-1] = rows[-1][:2] + (best.length,)
    kept = [rows[-1]]
    for row in reversed(rows[:-1]):
        if row[2] > kept[-1][2]:
            kept.append(row)
    history = pd.DataFrame(kept[::-1], columns=["seconds", "kick", "length"])
    return Solution(best=best, start=start, history=history, kicks=done, seconds=time.perf_counter() - t0,
                    escapes=int(state[5]))
