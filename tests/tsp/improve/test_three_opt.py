"""tsp.improve.three_opt: the sequential 3-opt move (solve's repairs use it).

Properties against the exhaustive oracle (``reference.three_opt_moves``, every pure
3-opt reconnection of every three edges): one move found is one of the oracle's
neighbours and shortens the tour by exactly the gain it reports; with lists of every
city, a descent with 2-opt and 3-opt leaves no improving 2-opt or 3-opt move on a
closed tour.
"""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tests import reference as ref
from tests.data import matrices_with_a_tour
from tsp import Instance, Tour
from tsp.improve._tour_ops import new_search, push_all, read_order
from tsp.improve.local_search import THREE_OPT, TWO_OPT, _improve, context, descend
from tsp.improve.three_opt import try_three_opt


def _search(dist, order, closed):
    inst = Instance.from_matrix(dist)
    ctx = context(inst, max(1, inst.n - 1), closed)
    return inst, ctx, new_search(np.array(order, dtype=np.int64), ctx.depot, 0)


def _canonical(order, closed):
    """A tour as a set of undirected edges (a path: with its two free ends joined to -1)."""
    legs = list(zip(order, order[1:])) + [(order[-1], order[0])] if closed else \
        list(zip([-1] + list(order), list(order) + [-1]))
    return frozenset(frozenset(e) for e in legs)


@given(matrices_with_a_tour(max_n=9, symmetric=True), st.data())
def test_one_move_is_a_3_opt_neighbour_shorter_by_its_gain(case, data):
    dist, order, closed = case
    inst, ctx, st_ = _search(dist, order, closed)
    a = data.draw(st.sampled_from(order))
    gain = try_three_opt(ctx, st_, a)
    after = read_order(st_, ctx.depot, order[0]).tolist()
    before_length = ref.walk_length(dist, order, closed)
    if gain == 0.0:
        assert after == list(order)
        return
    assert sorted(after) == sorted(order)
    assert _canonical(after, closed) in {_canonical(o, closed) for o in ref.three_opt_moves(order, closed)}
    assert np.isclose(ref.walk_length(dist, after, closed), before_length - gain, rtol=0, atol=1e-9)
    assert gain > 0


@given(matrices_with_a_tour(max_n=9, symmetric=True, closed=True))
def test_descent_with_every_city_as_candidate_leaves_no_improving_2_or_3_opt_move(case):
    """Closed tours: on an open path the depot has no candidates and is never t4, so
    some moves are not searched there (three_opt.py says so)."""
    dist, order, closed = case
    inst = Instance.from_matrix(dist)
    start = Tour.from_order(inst, order, closed=closed)
    out = _improve(start, TWO_OPT | THREE_OPT, max(1, inst.n - 1))
    assert sorted(out.order.tolist()) == list(range(inst.n))
    assert out.complete and out.length <= start.length
    assert ref.improving_move(dist, out.order.tolist(), closed, ("2-opt", "3-opt")) is None


def test_the_oracle_lists_the_four_reconnections_of_three_edges():
    """Six cities 0..5 in a cycle, cut after 0, 2 and 4: A = 5 0, B = 1 2, C = 3 4."""
    moves = [m for m in ref.three_opt_moves(list(range(6)), closed=True)]
    assert len(moves) == 4 * 20
    assert [5, 0, 2, 1, 4, 3] in moves and [5, 0, 3, 4, 1, 2] in moves
    assert [5, 0, 3, 4, 2, 1] in moves and [5, 0, 4, 3, 1, 2] in moves


def test_a_path_is_moved_whole_where_or_opt_could_not():
    """Points on a line 0..9 visited 0 1 2 7 8 9 3 4 5 6 (a closed tour, 24 long): the path 3..6,
    four cities, belongs between 2 and 7; one 3-opt move puts it there."""
    line = Instance.from_points([[x, 0] for x in range(10)])
    order = [0, 1, 2, 7, 8, 9, 3, 4, 5, 6]
    ctx = context(line, 9, True)
    st_ = new_search(np.array(order, dtype=np.int64), -1, 0)
    before = ref.walk_length(line.dist, order, True)
    push_all(st_)
    gain, made, ok = descend(ctx, st_, THREE_OPT)
    after = read_order(st_, -1, 0).tolist()
    assert ok and made >= 1 and before == 24.0
    assert ref.walk_length(line.dist, after, True) == before - gain == 18.0
