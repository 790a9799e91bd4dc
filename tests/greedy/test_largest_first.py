"""greedy.largest_first: ``greedy_change``, the cashier's rule (largest coin first)."""

import unittest

import pytest
from hypothesis import given
from hypothesis import strategies as st

from greedy import NoExactChange, greedy_change, optimal_change, smallest_counterexample
from tests import reference as ref
from tests.data import coin_systems_with_one


class ClassroomLesson(unittest.TestCase):
    """With a 60-coin, greedy is no longer optimal: 120 = 60 + 60 (see test_dynamic)."""

    coins = {10, 60, 100}

    def test_greedy_pays_100_10_10(self):
        self.assertEqual(greedy_change(120, self.coins).counts, {100: 1, 60: 0, 10: 2})


def test_system_without_one_where_greedy_gets_stuck():
    # 6 = 3 + 3, but greedy takes 5 and is left with 1.
    assert smallest_counterexample({3, 5}) == 6
    with pytest.raises(NoExactChange):
        greedy_change(6, {3, 5})
    assert optimal_change(6, {3, 5}).n_coins == 2


@given(coins=coin_systems_with_one, amount=st.integers(0, 300))
def test_greedy_pays_exactly_and_never_beats_optimal(coins, amount):
    g = greedy_change(amount, coins)
    assert sum(coin * k for coin, k in g.counts.items()) == amount
    assert g.n_coins == ref.greedy_coin_count(amount, coins)
    assert g.n_coins >= optimal_change(amount, coins).n_coins
