"""tsp.exact.brute_force: its reach (n <= 10) and which of the shortest orders it returns."""

import numpy as np
import pytest

from tsp import Instance
from tsp.exact import brute_force


def test_brute_force_refuses_more_than_ten_cities():
    with pytest.raises(ValueError, match=r"n <= 10, got n=11 .*use tsp.exact.held_karp"):
        brute_force(Instance.random_uniform(11, seed=0))


@pytest.mark.parametrize("closed", [False, True])
def test_the_lexicographically_first_of_the_shortest_orders(closed):
    # every order of 5 cities at distance 1 from each other is optimal
    tour = brute_force(Instance.from_matrix(np.ones((5, 5))), closed=closed)
    assert tour.order.tolist() == [0, 1, 2, 3, 4]
    assert tour.length == (5 if closed else 4)


def test_a_million_cities_are_refused_in_a_sentence_not_a_number_of_five_million_digits():
    # review (issue 12): 2000! orders overflowed str(int) (4300 digits) into an error
    # saying nothing of brute force; a geometric instance of 10^6 cities is quick to make.
    with pytest.raises(ValueError, match=r"^brute_force handles n <= 10, got n=1000000 \(about 10\^5565709 orders "
                                         r"to try\); use tsp.exact.held_karp$"):
        brute_force(Instance.random_uniform(10**6, seed=0))
    with pytest.raises(ValueError, match=r"got n=12 \(479,001,600 orders"):
        brute_force(Instance.random_uniform(12, seed=0))
    assert Instance.random_uniform(12, seed=0)._dist is None  # refused before any distance
