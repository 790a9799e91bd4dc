"""tsp.improve.or_opt: the Or-opt move, through ``tsp.or_opt``.

Properties against the exhaustive oracle (``reference.or_opt_moves``): with lists of
every city no segment of 1-3 cities can move anywhere to advantage; known answers.
"""

import numpy as np
from hypothesis import example, given

from tests.data import matrices_with_a_tour
from tests.tsp.improve.local_optimum import assert_local_optimum
from tsp import Instance, Tour, or_opt

#: /tmp/review-11's open path whose best Or-opt move puts a segment at the path's end: into
#: the edge last -> depot, which no candidate list holds (d(segment, last) is missing).
_TO_THE_END = (np.array([[0, 6, 3, 4, 1, np.inf, 7], [5, 0, np.inf, 9, np.inf, 5, 3],
                         [9, np.inf, 0, 6, 4, 4, 2], [np.inf, np.inf, 9, 0, np.inf, 9, 5],
                         [np.inf, np.inf, np.inf, 7, 0, 9, 3], [4, np.inf, np.inf, np.inf, np.inf, 0, 6],
                         [6, np.inf, 7, 8, np.inf, 6, 0]]), [4, 5, 6, 3, 2, 0, 1], False)


@given(matrices_with_a_tour())
@example((np.array([[0.0, 1.0], [0.0, 0.0]]), [0, 1], False))  # n = 2: the only move is 1 0
@example(_TO_THE_END)
def test_or_opt_with_every_city_as_candidate_is_or_optimal(case):
    assert_local_optimum(or_opt, case, ("or-opt",))


def test_a_city_left_behind_is_moved_back_in_line():
    line = Instance.from_points([[0, 0], [1, 0], [2, 0], [3, 0]])
    out = or_opt(Tour.from_order(line, [0, 2, 1, 3]))
    assert out.length == 3.0


def test_a_segment_goes_in_reversed_when_that_is_shorter():
    """0 .. 5 on a line, with the segment 3 4 5 visited first and backwards: moving it
    (reversed) to the end is one Or-opt move."""
    line = Instance.from_points([[x, 0] for x in range(6)])
    start = Tour.from_order(line, [5, 4, 3, 0, 1, 2])  # 1 + 1 + 3 + 1 + 1 = 7
    out = or_opt(start)
    assert out.length == 5.0


def test_an_asymmetric_cycle_is_restored_one_city_at_a_time():
    """Only 0 -> 1 -> 2 -> 3 -> 0 is cheap (1 per leg, 9 otherwise, either way round)."""
    d = np.full((4, 4), 9.0)
    np.fill_diagonal(d, 0)
    for a in range(4):
        d[a, (a + 1) % 4] = 1.0
    inst = Instance.from_matrix(d)
    start = Tour.from_order(inst, [0, 2, 1, 3], closed=True)  # 9 + 9 + 9 + 1
    out = or_opt(start)
    assert start.length == 28.0 and out.length == 4.0 and out.order.tolist() == [0, 1, 2, 3]


def test_a_segment_moves_to_the_end_of_an_open_path_over_a_missing_edge():
    """The move to the path's end joins last -> segment; d(segment, last) is missing, so
    only the depot's edge finds it."""
    dist, order, closed = _TO_THE_END
    out = or_opt(Tour.from_order(Instance.from_matrix(dist), order, closed=closed), neighbors=6)
    assert out.length == 26.0 and out.order.tolist() == [1, 6, 2, 5, 0, 4, 3]
