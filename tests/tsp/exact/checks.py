"""What every exact answer must satisfy, shared by the solvers' tests."""

from tests import reference as ref


def check_tour(tour, inst, closed):
    """The invariants of an exact answer: a complete permutation, length recomputed."""
    assert tour.complete and tour.closed == closed
    assert sorted(tour.order.tolist()) == list(range(inst.n))
    assert tour.length == ref.walk_length(inst.dist, tour.order.tolist(), closed)
    if closed:
        assert tour.order[0] == 0
