"""Issue 12: local search, solve and simulate(local_search=True) on geometric instances.

A geometric instance (coordinates and a metric, no n x n matrix) and the matrix
instance of the same points (the published formulas, ``reference.coordinate_matrix``,
with the coordinates for the quadrants) must give the same tours to the last city
and bit: the same kernels read distances through the seam and neighbours from the
same lists (the k-d tree's quadrant lists equal the scan's, ``test_neighbors``).
Random points and ties everywhere (integer grids with duplicates, whole degrees),
every metric. Then memory: a local search of a million cities allocates O(n).
"""

import tracemalloc

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import reference as ref
from tests.data import any_points_for
from tests.profiles import slow
from tsp import Instance, _metric, local_search, nearest_neighbor, or_opt, simulate, solve, two_opt

COORDINATE_KINDS = sorted(set(_metric.KINDS) - {"matrix"})


def twins(kind, xy):
    """(geometric, matrix) instances of the points ``xy`` under metric ``kind``."""
    geometric = Instance.from_points(xy, metric=kind)
    matrix = Instance(geometric.names, ref.coordinate_matrix(kind, xy), coords=xy, name="matrix")
    return geometric, matrix


def assert_same_tour(a, b):
    np.testing.assert_array_equal(a.order, b.order)
    np.testing.assert_array_equal(a.legs, b.legs)
    assert (a.length, a.closed, a.complete) == (b.length, b.closed, b.complete)


@slow
@pytest.mark.parametrize("kind", COORDINATE_KINDS)
@given(data=st.data(), closed=st.booleans(), neighbors=st.sampled_from([1, 3, 7]))
def test_local_search_and_its_moves_find_the_same_tours_on_both_kinds(kind, data, closed, neighbors):
    xy = data.draw(any_points_for(kind, 3, 40))
    geometric, matrix = twins(kind, xy)
    start = data.draw(st.integers(0, len(xy) - 1))
    walks = nearest_neighbor(geometric, start, closed), nearest_neighbor(matrix, start, closed)
    assert_same_tour(*walks)
    for improve in (local_search, two_opt, or_opt):
        assert_same_tour(*(improve(w, neighbors=neighbors) for w in walks))
    assert geometric._dist is None  # no matrix built on the way


@slow
@pytest.mark.parametrize("kind", COORDINATE_KINDS)
@given(data=st.data(), closed=st.booleans(), kicks=st.integers(0, 60), seed=st.integers(0, 2**16))
def test_solve_with_kicks_and_a_seed_finds_the_same_tour_on_both_kinds(kind, data, closed, kicks, seed):
    xy = data.draw(any_points_for(kind, 3, 40))
    geometric, matrix = twins(kind, xy)
    a, b = (solve(inst, seconds=None, kicks=kicks, seed=seed, closed=closed) for inst in (geometric, matrix))
    assert_same_tour(a.start, b.start)
    assert_same_tour(a.best, b.best)
    assert a.kicks == b.kicks == kicks
    np.testing.assert_array_equal(a.history[["kick", "length"]], b.history[["kick", "length"]])
    assert geometric._dist is None


@slow
@pytest.mark.parametrize("kind", COORDINATE_KINDS)
@given(data=st.data(), closed=st.booleans(), seed=st.integers(0, 2**16))
def test_simulate_with_local_search_finds_the_same_tours_on_both_kinds(kind, data, closed, seed):
    xy = data.draw(any_points_for(kind, 3, 40))
    geometric, matrix = twins(kind, xy)
    n_sims = data.draw(st.integers(1, 2 * len(xy)))
    a, b = (simulate(inst, n_sims, seed=seed, closed=closed, local_search=True) for inst in (geometric, matrix))
    np.testing.assert_array_equal(a.starts, b.starts)
    np.testing.assert_array_equal(a.lengths, b.lengths)
    assert_same_tour(a.best, b.best)
    assert (a.n_best, a.n_complete) == (b.n_best, b.n_complete)
    every = simulate(geometric, starts="all", closed=closed, local_search=True)
    np.testing.assert_array_equal(every.lengths, simulate(matrix, starts="all", closed=closed,
                                                          local_search=True).lengths)
    assert geometric._dist is None


def test_the_parallel_walk_and_improve_kernel_agrees_on_both_kinds():
    """All starts of 600 cities: above PARALLEL_MIN_WORK, the parallel kernel (prange)."""
    xy = np.random.default_rng(4).integers(0, 40, (600, 2)).astype(float)  # ties everywhere
    geometric, matrix = twins("EUC_2D", xy)
    a, b = (simulate(inst, starts="all", closed=True, local_search=True) for inst in (geometric, matrix))
    np.testing.assert_array_equal(a.lengths, b.lengths)
    assert_same_tour(a.best, b.best)


def test_a_local_search_of_100000_cities_allocates_nothing_of_size_n_squared():
    """Issue 12: the instance, the walk's lists, the walk, the quadrant lists and the local
    search (tour, position index, queue) of 10^5 cities: O(n) memory, under 1000 bytes a
    city (the n x n matrix would be 80 GB; the quadrant lists of 10^6 cities are checked
    in test_neighbors; a local search of 10^6 takes about a minute, too long here). tracemalloc sees every array, those the
    kernels allocate included (Numba's allocations are traced: an 80 MB array made
    inside a kernel shows in the peak)."""
    small = Instance.random_uniform(600, seed=0)
    local_search(nearest_neighbor(small, 0, closed=True))  # kernels loaded outside the trace
    n = 10**5
    tracemalloc.start()
    try:
        inst = Instance.random_uniform(n, seed=0)
        tour = nearest_neighbor(inst, 0, closed=True)
        better = local_search(tour)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert inst._dist is None and better.length < 0.9 * tour.length
    assert np.unique(better.order).size == n
    assert peak < 1000 * n, f"peak {peak / 2**20:.0f} MiB"


def test_progress_is_told_the_cities_looked_at_and_changes_nothing(monkeypatch):
    """local_search(progress=...) runs the same moves in pieces: the same tour; the
    calls count the cities looked at, of those plus the ones still queued, and end
    with the queue empty after a full pass that made no move."""
    from tsp.improve import local_search as module

    monkeypatch.setattr(module, "_REPORT_POPS", 97)
    inst = Instance.random_uniform(500, seed=9)
    walk = nearest_neighbor(inst, 0, closed=True)
    calls = []
    got = local_search(walk, progress=lambda done, total: calls.append((done, total)))
    assert_same_tour(got, local_search(walk))
    done = [d for d, _ in calls]
    assert done == sorted(done) and all(d <= t for d, t in calls)
    assert calls[-1][0] == calls[-1][1] and calls[-1][0] >= 2 * inst.n  # a pass with moves, then one without
    assert min(d2 - d1 for d1, d2 in zip(done, done[1:])) >= 1
    with pytest.raises(TypeError, match="progress must be None, True or callable"):
        local_search(walk, progress="yes")
