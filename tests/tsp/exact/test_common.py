"""tsp.exact: the contract held_karp and brute_force share (tsp.exact._common's checks and
errors), on small cases and against the plain-Python twin ``brute_force_tsp_length``."""

import math

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests import reference as ref
from tests.data import holed_integer_matrices
from tests.profiles import slow, slowest
from tests.tsp.exact.checks import check_tour
from tsp import Instance
from tsp.exact import brute_force, held_karp

INF = math.inf
SOLVERS = {"held_karp": held_karp, "brute_force": brute_force}


# ---------------------------------------------------------------------------
# Small cases
# ---------------------------------------------------------------------------


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
@slow
@given(m=holed_integer_matrices(symmetric=True))
@example(m=np.array([[0, 1, INF], [1, 0, INF], [INF, INF, 0]]))
def test_symmetric_matches_the_twin(closed, m):
    compare_with_twin(m, closed)


@pytest.mark.parametrize("closed", [False, True])
@slow
@given(m=holed_integer_matrices(symmetric=False))
@example(m=np.array([[0.0, 0.0], [INF, 0.0]]))
@example(m=np.array([[0, 1, 9], [9, 0, 1], [1, 9, 0]], dtype=float))
def test_asymmetric_matches_the_twin(closed, m):
    compare_with_twin(m, closed)


@slowest
@given(seed=st.integers(0, 2**32 - 1))
def test_float_instances_agree(seed):
    # Non-integer lengths: both solvers find the same optimum up to summation order.
    inst = Instance.random_uniform(8, seed=seed)
    for closed in (False, True):
        expected = ref.brute_force_tsp_length(inst.dist.tolist(), closed)
        assert held_karp(inst, closed=closed).length == pytest.approx(expected, rel=1e-12)
        assert brute_force(inst, closed=closed).length == pytest.approx(expected, rel=1e-12)


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("solver", sorted(SOLVERS))
def test_bad_arguments(solver):
    with pytest.raises(TypeError, match="instance must be a tsp.Instance"):
        SOLVERS[solver]([[0, 1], [1, 0]])
    with pytest.raises(TypeError, match="closed must be True or False"):
        SOLVERS[solver](Instance.from_matrix([[0, 1], [1, 0]]), closed="yes")
