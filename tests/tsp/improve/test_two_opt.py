"""tsp.improve.two_opt: the 2-opt move, through ``tsp.two_opt``.

Properties against the exhaustive oracle (``reference.two_opt_moves``): with lists
of every city the result is 2-optimal; the no-crossing claim on points in the plane;
known answers, symmetric and asymmetric.
"""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tests import reference as ref
from tests.data import matrices_with_a_tour, planar_point_lists
from tests.tsp.improve.local_optimum import assert_local_optimum
from tsp import Instance, Tour, two_opt


@given(matrices_with_a_tour())
def test_two_opt_with_every_city_as_candidate_is_two_optimal(case):
    assert_local_optimum(two_opt, case, ("2-opt",))


@given(planar_point_lists(4, 14), st.integers(0, 2**32 - 1))
def test_a_two_optimal_tour_of_points_in_the_plane_never_crosses_itself(xy, seed):
    """Two crossing edges are the diagonals of a quadrilateral; the 2-opt move that
    swaps them for two opposite sides is shorter (triangle inequality), so it was made."""
    inst = Instance.from_points(xy)
    order = np.random.default_rng(seed).permutation(inst.n)
    out = two_opt(Tour.from_order(inst, order, closed=True), neighbors=inst.n - 1)
    assert ref.crossing_legs(inst.coords, out.order.tolist()) == []


def test_the_crossing_of_a_square_is_undone():
    square = Instance.from_points([[0, 0], [1, 0], [0, 1], [1, 1]])
    out = two_opt(Tour.from_order(square, [0, 1, 2, 3], closed=True))
    assert out.length == 4.0 and out.order[0] == 0  # a closed tour keeps its first city
    assert out.order.tolist() in ([0, 1, 3, 2], [0, 2, 3, 1])  # either way round


def test_an_asymmetric_reversal_is_costed_both_ways():
    """Reversing 1..2 in 0 1 2 3 swaps 1->2 (cost 1) for 2->1 (cost 50): 2-opt's usual
    four-edge gain (5 + 5 - 1 - 1 = 8) would take it, the exact cost refuses it."""
    d = np.full((4, 4), 5.0)
    np.fill_diagonal(d, 0)
    d[1, 2], d[2, 1] = 1.0, 50.0
    d[0, 2] = d[1, 3] = 1.0
    inst = Instance.from_matrix(d)
    start = Tour.from_order(inst, [0, 1, 2, 3], closed=True)  # 5 + 1 + 5 + 5 = 16
    out = two_opt(start)
    assert out.length == 16.0 and out.order.tolist() == [0, 1, 2, 3]
    assert ref.improving_move(d, [0, 1, 2, 3], True, ("2-opt",)) is None


def test_an_open_path_may_reverse_its_ends():
    """Open paths: reversing a prefix or suffix changes one edge (the virtual depot's edges are free)."""
    line = Instance.from_points([[0, 0], [1, 0], [2, 0], [3, 0]])
    out = two_opt(Tour.from_order(line, [1, 0, 2, 3]))  # 1 + 2 + 1 = 4 -> 0 1 2 3 = 3
    assert out.length == 3.0 and not out.closed
    assert sorted([out.order[0], out.order[-1]]) == [0, 3]
