"""The check the move properties share: with lists of every city, ``improve`` returns a
tour of the same cities, complete, never longer, its length a recomputation, and the
exhaustive oracle (``reference.improving_move``) finds no improving move of ``kinds``."""

from tests import reference as ref
from tsp import Instance, Tour


def assert_local_optimum(improve, case, kinds=("2-opt", "or-opt")):
    """Run ``improve`` (two_opt, or_opt, local_search) on ``case`` = (dist, order, closed)
    from ``matrices_with_a_tour`` and check its result; returns ``(start, out)``."""
    dist, order, closed = case
    inst = Instance.from_matrix(dist)
    start = Tour.from_order(inst, order, closed=closed)
    out = improve(start, neighbors=max(1, inst.n - 1))
    assert sorted(out.order.tolist()) == list(range(inst.n))
    assert out.complete and out.length <= start.length
    assert out.length == ref.walk_length(dist, out.order.tolist(), closed)
    assert ref.improving_move(dist, out.order.tolist(), closed, kinds) is None
    return start, out
