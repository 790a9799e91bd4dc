"""tsp.improve._tour_ops: the array tour, its flips, the undo log, the queue, the virtual depot."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from tsp import Instance
from tsp.improve._tour_ops import (clear_log, cost, flip, new_search, pop, pred, push, push_all, queue_size,
                                   read_order, succ, undo)
from tsp.improve.local_search import context


def _edges(tour):
    n = len(tour)
    return {frozenset((int(tour[k]), int(tour[(k + 1) % n]))) for k in range(n)}


@given(st.integers(4, 14), st.booleans(), st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)),
                                                   min_size=1, max_size=12), st.integers(0, 2**32 - 1))
def test_flips_exchange_exactly_two_edges_and_undo_restores_the_array(n, symmetric, picks, seed):
    rng = np.random.default_rng(seed)
    dist = rng.integers(1, 9, (n, n)).astype(float)
    if symmetric:
        dist = np.triu(dist, 1) + np.triu(dist, 1).T
    np.fill_diagonal(dist, 0)
    ctx = context(Instance.from_matrix(dist), 3, True)
    assert ctx.symmetric == symmetric
    order = rng.permutation(n)
    st_ = new_search(order, -1, 64)
    before = st_.tour.copy()
    for p, q in picks:
        tour, pos = st_.tour, st_.pos
        a = int(tour[p % n])
        c = int(tour[q % n])
        b, d = succ(tour, pos, a), succ(tour, pos, c)
        if len({a, b, c, d}) < 4:
            continue
        old_edges = _edges(tour)
        k = int(pos[a])
        ring = np.roll(tour, -k).tolist()  # a, b, ..., c, d, ...
        j = ring.index(c)
        expected = [a] + ring[1:j + 1][::-1] + ring[j + 1:]  # the path b..c reversed
        flip(ctx, st_, a, b, c, d)
        assert (st_.pos[st_.tour] == np.arange(n)).all()
        new_edges = _edges(st_.tour)
        assert old_edges - new_edges == {frozenset((a, b)), frozenset((c, d))}
        assert new_edges - old_edges == {frozenset((a, c)), frozenset((b, d))}
        got = np.roll(st_.tour, -int(st_.pos[a])).tolist()
        if symmetric:  # the shorter side was reversed: the same cycle, maybe read the other way
            assert got in (expected, [a] + expected[1:][::-1])
        else:  # exactly the path b..c reversed, in place
            assert got == expected
    undo(ctx, st_)
    np.testing.assert_array_equal(st_.tour, before)
    assert (st_.pos[st_.tour] == np.arange(n)).all()


def test_a_flip_reverses_the_shorter_side_on_symmetric_instances_only():
    sym = context(Instance.random_uniform(10, seed=0), 3, True)
    asym = context(Instance.from_matrix(np.arange(100.0).reshape(10, 10)), 3, True)
    for ctx, moved in ((sym, 2), (asym, 8)):
        s = new_search(np.arange(10), -1, 0)
        flip(ctx, s, 0, 1, 8, 9)  # the path 1..8 (8 cities), or the other side 9..0 (2 cities)
        assert int((s.tour != np.arange(10)).sum()) == moved


def test_the_log_and_clear_log():
    ctx = context(Instance.random_uniform(8, seed=1), 3, True)
    s = new_search(np.arange(8), -1, 16)
    flip(ctx, s, 0, 1, 3, 4)
    clear_log(s)  # kept, forgotten
    kept = s.tour.copy()
    flip(ctx, s, 2, 3, 6, 7)
    undo(ctx, s)
    np.testing.assert_array_equal(s.tour, kept)


def test_the_virtual_depot_of_an_open_path():
    inst = Instance.from_points([[0, 0], [1, 0], [5, 0]])
    ctx = context(inst, 2, False)
    assert ctx.depot == 3
    s = new_search(np.array([2, 0, 1]), ctx.depot, 0)
    assert s.tour.tolist() == [2, 0, 1, 3]
    assert cost(ctx.metric, ctx.depot, 1, 3) == cost(ctx.metric, ctx.depot, 3, 2) == 0.0
    assert cost(ctx.metric, ctx.depot, 2, 0) == 5.0
    assert read_order(s, ctx.depot, 2).tolist() == [2, 0, 1]
    flip(ctx, s, 3, 2, 1, 3)  # degenerate: the same two depot edges, nothing changes as a cycle
    assert read_order(s, ctx.depot, 0).tolist() in ([2, 0, 1], [1, 0, 2])
    assert pred(s.tour, s.pos, 2) == 3


def test_the_queue_is_first_in_first_out_without_duplicates():
    s = new_search(np.arange(5), -1, 0)
    for c in (3, 1, 3, 4):
        push(s, c)
    assert queue_size(s) == 3
    assert [pop(s) for _ in range(3)] == [3, 1, 4]
    push_all(s)
    assert [pop(s) for _ in range(queue_size(s))] == [0, 1, 2, 3, 4]


def test_the_reach_keeps_asymmetric_moves_from_turning_long_paths_round():
    """0 -> 1 -> ... -> 11 -> 0 costs 1 a leg, anything else 9. From 0, 10, 9, ..., 1, 11 the
    best 2-opt move turns the path 10 .. 1 round (10 cities). Within a reach of 5 every
    flip the search makes (replayed from its log) turns at most 5 round; without one,
    the first turns all 10."""
    from tsp.improve._tour_ops import set_reach
    from tsp.improve.local_search import TWO_OPT, descend

    d = np.full((12, 12), 9.0)
    np.fill_diagonal(d, 0)
    for a in range(12):
        d[a, (a + 1) % 12] = 1.0
    inst = Instance.from_matrix(d)
    ctx = context(inst, 11, True)
    order = np.array([0, *range(10, 0, -1), 11])
    for reach in (0, 5):
        s = new_search(order, ctx.depot, 100)
        set_reach(s, reach)
        push_all(s)
        descend(ctx, s, TWO_OPT)
        replay = new_search(order, ctx.depot, 0)
        turned = []
        for a, b, c, e in s.log[:s.counters[2]]:
            span = (replay.pos[c] - replay.pos[b]) % 12 + 1
            turned.append(span)
            flip(ctx, replay, a, b, c, e)
        np.testing.assert_array_equal(replay.tour, s.tour)
        if reach:
            assert turned and max(turned) <= 5, turned
        else:
            assert turned[0] == 10 and read_order(s, -1, 0).tolist() == list(range(12))
