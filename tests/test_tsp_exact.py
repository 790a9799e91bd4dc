"""tsp.exact: Held–Karp and brute force against known optima and the plain-Python twin."""

import doctest
import importlib
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from tests import reference as ref
from tsp import Instance, seed_routes
from tsp.exact import brute_force, held_karp
from tsp.tsplib import BUNDLED_DIR, read_tsplib

DATA = Path(BUNDLED_DIR)
INF = math.inf
SOLVERS = {"held_karp": held_karp, "brute_force": brute_force}


def check_tour(tour, inst, closed):
    """The invariants of an exact answer: a complete permutation, length recomputed."""
    assert tour.complete and tour.closed == closed
    assert sorted(tour.order.tolist()) == list(range(inst.n))
    assert tour.length == ref.walk_length(inst.dist, tour.order.tolist(), closed)
    if closed:
        assert tour.order[0] == 0


# ---------------------------------------------------------------------------
# Known answers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("closed, optimum", [(False, 128.0), (True, 171.0)])
def test_classroom_table(closed, optimum):
    inst = seed_routes()
    tour = held_karp(inst, closed=closed)
    check_tour(tour, inst, closed)
    assert tour.length == optimum


@pytest.mark.parametrize("name, optimum", [("burma14", 3323), ("ulysses16", 6859), ("gr17", 2085)])
def test_tsplib_published_optima(name, optimum):
    inst = read_tsplib(DATA / f"{name}.tsp")
    tour = held_karp(inst, closed=True)
    check_tour(tour, inst, True)
    assert tour.length == optimum


def test_the_open_path_is_shorter_than_dropping_a_leg_of_the_optimal_tour():
    # burma14: an optimal tour minus its longest leg is an open path, so the optimal
    # open path can be no longer.
    inst = read_tsplib(DATA / "burma14.tsp")
    tour, path = held_karp(inst, closed=True), held_karp(inst)
    check_tour(path, inst, False)
    assert path.length <= tour.length - tour.legs.max()


@pytest.mark.parametrize("solver", sorted(SOLVERS))
@pytest.mark.parametrize("closed", [False, True])
def test_two_cities(solver, closed):
    inst = Instance.from_matrix([[0, 3], [5, 0]])
    tour = SOLVERS[solver](inst, closed=closed)
    check_tour(tour, inst, closed)
    assert tour.length == (8.0 if closed else 3.0)
    assert tour.order.tolist() == [0, 1]


@pytest.mark.parametrize("solver", sorted(SOLVERS))
def test_three_cities_asymmetric(solver):
    m = [[0, 1, 10], [10, 0, 1], [1, 10, 0]]  # the cheap way round is 0 -> 1 -> 2 -> 0
    inst = Instance.from_matrix(m)
    closed = SOLVERS[solver](inst, closed=True)
    assert closed.order.tolist() == [0, 1, 2] and closed.length == 3
    opened = SOLVERS[solver](inst)
    assert opened.length == 2 and ref.walk_length(m, opened.order.tolist()) == 2


@pytest.mark.parametrize("solver", sorted(SOLVERS))
def test_missing_edges_force_the_route(solver):
    # A line 0 - 1 - 2 - 3 with every other pair missing: the only open path.
    m = np.full((4, 4), INF)
    for a, b in [(0, 1), (1, 2), (2, 3)]:
        m[a, b] = m[b, a] = 1.0
    tour = SOLVERS[solver](Instance.from_matrix(m))
    assert tour.length == 3 and tour.order.tolist() in ([0, 1, 2, 3], [3, 2, 1, 0])


@pytest.mark.parametrize("solver", sorted(SOLVERS))
@pytest.mark.parametrize("closed", [False, True])
def test_no_hamiltonian_route_is_an_error(solver, closed):
    # City 3 has no edge in or out: no path, no tour.
    m = np.ones((4, 4))
    m[:, 3] = m[3, :] = INF
    with pytest.raises(ValueError, match="no Hamiltonian (path|tour)"):
        SOLVERS[solver](Instance.from_matrix(m), closed=closed)


@pytest.mark.parametrize("solver", sorted(SOLVERS))
def test_a_path_may_exist_where_no_tour_does(solver):
    m = np.ones((4, 4))
    m[:, 0] = INF  # nobody comes back to 0
    inst = Instance.from_matrix(m)
    assert SOLVERS[solver](inst).order[0] == 0
    with pytest.raises(ValueError, match="no Hamiltonian tour"):
        SOLVERS[solver](inst, closed=True)


# ---------------------------------------------------------------------------
# Against the plain-Python twin
# ---------------------------------------------------------------------------


@st.composite
def matrices(draw, symmetric: bool, max_n: int = 8):
    """Integer matrices, n in 2..max_n, with missing edges (inf) in about half the cases."""
    n = draw(st.integers(2, max_n))
    m = draw(arrays(np.int64, (n, n), elements=st.integers(0, 60))).astype(np.float64)
    if draw(st.booleans()):
        holes = draw(arrays(np.bool_, (n, n), elements=st.sampled_from([False, False, False, True])))
        m[holes] = INF
    if symmetric:
        m = np.triu(m, 1) + np.triu(m, 1).T
    np.fill_diagonal(m, 0.0)
    return m


def solve_or_none(solver, inst, closed):
    try:
        tour = solver(inst, closed=closed)
    except ValueError as e:
        assert "no Hamiltonian" in str(e)
        return None
    check_tour(tour, inst, closed)
    return tour.length


def compare_with_twin(m, closed):
    inst = Instance.from_matrix(m)
    expected = ref.brute_force_tsp_length(m.tolist(), closed)
    expected = None if expected == INF else expected
    assert solve_or_none(held_karp, inst, closed) == expected
    assert solve_or_none(brute_force, inst, closed) == expected


@pytest.mark.parametrize("closed", [False, True])
@settings(max_examples=30)
@given(m=matrices(symmetric=True))
@example(m=np.array([[0, 1, INF], [1, 0, INF], [INF, INF, 0]]))
def test_symmetric_matches_the_twin(closed, m):
    compare_with_twin(m, closed)


@pytest.mark.parametrize("closed", [False, True])
@settings(max_examples=30)
@given(m=matrices(symmetric=False))
@example(m=np.array([[0.0, 0.0], [INF, 0.0]]))
@example(m=np.array([[0, 1, 9], [9, 0, 1], [1, 9, 0]], dtype=float))
def test_asymmetric_matches_the_twin(closed, m):
    compare_with_twin(m, closed)


@settings(max_examples=10)
@given(seed=st.integers(0, 2**32 - 1))
def test_float_instances_agree(seed):
    # Non-integer lengths: both solvers find the same optimum up to summation order.
    inst = Instance.random_uniform(8, seed=seed)
    for closed in (False, True):
        expected = ref.brute_force_tsp_length(inst.dist.tolist(), closed)
        assert held_karp(inst, closed=closed).length == pytest.approx(expected, rel=1e-12)
        assert brute_force(inst, closed=closed).length == pytest.approx(expected, rel=1e-12)


def test_held_karp_beyond_brute_force_reach():
    # n = 12 is out of brute force's range; check Held-Karp against a hidden optimum:
    # cities on a line at 0, 1, ..., 11 in shuffled index order. The open path walks
    # the line (length 11), the tour goes out and back (length 22).
    rng = np.random.default_rng(12)
    x = rng.permutation(12).astype(float)
    inst = Instance.from_matrix(np.abs(x[:, None] - x[None, :]))
    assert held_karp(inst).length == 11
    assert held_karp(inst, closed=True).length == 22
    walked = x[held_karp(inst).order]
    assert (np.diff(walked) == 1).all() or (np.diff(walked) == -1).all()  # the only optimum


# ---------------------------------------------------------------------------
# Limits and bad input
# ---------------------------------------------------------------------------


def test_held_karp_refuses_a_table_above_the_limit_and_says_how_much():
    inst = Instance.random_uniform(26, seed=0)
    with pytest.raises(ValueError, match=r"n=26 \(closed tour\) would need a 3\.1 GiB table"):
        held_karp(inst, closed=True)
    small = Instance.random_uniform(10, seed=0)  # open: 8 * 10 * 2^9 = 40960 bytes
    with pytest.raises(ValueError, match=r"above max_bytes=40000"):
        held_karp(small, max_bytes=40_000)
    assert held_karp(small, max_bytes=40_960).complete


def test_held_karp_refuses_subsets_beyond_int64_bitmasks_whatever_max_bytes():
    # With max_bytes raised far enough, n=70 reached the kernel, whose bitmasks
    # (1 << 69) overflow int64: it returned a garbage order instead of refusing.
    inst = Instance.random_uniform(70, seed=0)
    with pytest.raises(ValueError, match=r"held_karp handles at most .* n=70"):
        held_karp(inst, max_bytes=10**40)


@pytest.mark.parametrize("max_bytes, error", [(0, ValueError), (-5, ValueError), (1.5e9, TypeError), (True, TypeError)])
def test_held_karp_max_bytes_must_be_a_positive_integer(max_bytes, error):
    with pytest.raises(error, match="max_bytes must be a positive integer"):
        held_karp(Instance.random_uniform(4, seed=0), max_bytes=max_bytes)


def test_brute_force_refuses_more_than_ten_cities():
    with pytest.raises(ValueError, match=r"n <= 10, got n=11 .*use tsp.exact.held_karp"):
        brute_force(Instance.random_uniform(11, seed=0))


@pytest.mark.parametrize("solver", sorted(SOLVERS))
def test_bad_arguments(solver):
    with pytest.raises(TypeError, match="instance must be a tsp.Instance"):
        SOLVERS[solver]([[0, 1], [1, 0]])
    with pytest.raises(TypeError, match="closed must be True or False"):
        SOLVERS[solver](Instance.from_matrix([[0, 1], [1, 0]]), closed="yes")


@pytest.mark.parametrize("module", ["tsp.exact", "tsp.exact.held_karp", "tsp.exact.brute_force"])
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.failed == 0
    if module != "tsp.exact":
        assert result.attempted > 0
