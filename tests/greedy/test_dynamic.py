"""greedy.dynamic: ``optimal_change``, the fewest coins by dynamic programming."""

import unittest

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from greedy import NoExactChange, greedy_change, optimal_change
from tests import reference as ref
from tests.data import KRW, coin_systems, coin_systems_with_one


class ClassroomLesson(unittest.TestCase):
    """With a 60-coin, greedy is no longer optimal: 120 = 60 + 60 (see test_largest_first)."""

    coins = {10, 60, 100}

    def test_optimal_pays_60_60(self):
        c = optimal_change(120, self.coins)
        self.assertEqual(c.counts, {100: 0, 60: 2, 10: 0})
        self.assertEqual(c.n_coins, 2)


class KnownAnswers(unittest.TestCase):
    def test_numpy_integers_accepted(self):
        c = optimal_change(np.int64(30), np.array([1, 10, 25]))
        self.assertEqual(c.counts, {25: 0, 10: 3, 1: 0})

    def test_large_amount(self):
        # Memory is linear in the amount; 10**7 must work.
        c = optimal_change(10**7 + 3, {1, 7, 13, 500, 2000})
        self.assertEqual(c.counts[2000], 5000)
        self.assertEqual(c.n_coins, greedy_change(10**7 + 3, {1, 7, 13, 500, 2000}).n_coins)

    def test_gcd_reduction_keeps_exactness(self):
        # 10**6 = 25,000 x 40; 10**6 + 10 needs 30j = 10 (mod 40), so j = 3 at least.
        self.assertEqual(optimal_change(10**6, {30, 40}).counts, {40: 25000, 30: 0})
        self.assertEqual(optimal_change(10**6 + 10, {30, 40}).counts, {40: 24998, 30: 3})

    def test_optimal_reports_impossible_amounts(self):
        with pytest.raises(NoExactChange, match="no combination of coins .* pays 7"):
            optimal_change(7, {3, 5})
        with pytest.raises(NoExactChange, match="multiple of 10"):
            optimal_change(4295, KRW)

    def test_refuses_a_table_that_would_not_fit(self):
        with pytest.raises(ValueError, match="GiB"):
            optimal_change(2**40 + 1, {1, 3})


# --- properties against the slow twins in tests/reference.py -----------------


@given(coins=coin_systems_with_one, amount=st.integers(0, 120))
@example(coins=frozenset({1, 3, 4}), amount=6)
def test_optimal_matches_brute_force(coins, amount):
    c = optimal_change(amount, coins)
    assert c.n_coins == ref.min_coin_count(amount, coins)
    assert sum(coin * k for coin, k in c.counts.items()) == amount


@given(coins=coin_systems)
def test_optimal_without_one_matches_brute_force(coins):
    for amount in range(0, 61):
        expected = ref.min_coin_count(amount, coins)
        if expected is None:
            with pytest.raises(NoExactChange):
                optimal_change(amount, coins)
        else:
            assert optimal_change(amount, coins).n_coins == expected


# --- large coins and narrow integer types ------------------------------------


def test_coins_beyond_int64_are_paid_exactly():
    # Was: OverflowError from numpy when a coin did not fit in int64.
    assert optimal_change(10, [1, 2**70]).counts == {2**70: 0, 1: 10}
    with pytest.raises(ValueError, match="too large for the exact table"):
        optimal_change(2**70 + 2, [1, 2**70])


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.uint64])
def test_small_integer_dtypes_do_not_overflow(dtype):
    coins = np.array([1, 3, 4], dtype=dtype)
    assert optimal_change(dtype(120), coins).counts == {4: 30, 3: 0, 1: 0}


def test_table_limit_message_names_the_amount_asked_for():
    # Was: "amount 536870913 is too large" for amount 3 * 2**29 + 3 (the amount divided by the gcd).
    amount = 3 * 2**29 + 3
    with pytest.raises(ValueError, match=rf"amount {amount} is too large for the exact table.*gcd 3"):
        optimal_change(amount, [3, 6])
    with pytest.raises(ValueError, match=rf"amount {2**29 + 1} is too large for the exact table"):
        optimal_change(2**29 + 1, [1, 6])
    assert optimal_change(3 * 2**20, [3, 6]).n_coins == 2**19  # well inside the limit


@given(coins=coin_systems, amount=st.integers(0, 200), chunk=st.integers(1, 50))
def test_the_table_filled_in_chunks_is_the_table(coins, amount, chunk):
    # The DP table is filled chunk by chunk (chunk amounts per kernel call here); every
    # chunk size must give the same table, and the report counts up to every amount tabulated.
    from greedy import dynamic

    coins = tuple(sorted(coins, reverse=True))
    whole = dynamic.min_coins_table(amount, coins, "t")
    seen = []
    old, dynamic.CHUNK_STEPS = dynamic.CHUNK_STEPS, chunk * len(coins)
    try:
        chunked = dynamic.min_coins_table(amount, coins, "t", progress=lambda d, t: seen.append((d, t)))
    finally:
        dynamic.CHUNK_STEPS = old
    np.testing.assert_array_equal(chunked, whole)
    assert [t for _, t in seen] == [amount + 1] * len(seen)
    done = [d for d, _ in seen]
    assert done == sorted(done) and (done[-1] == amount + 1 if amount else done == [])
