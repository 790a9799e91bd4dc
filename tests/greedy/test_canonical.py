"""greedy.canonical: ``is_canonical`` and ``smallest_counterexample`` (is greedy always optimal?)."""

import unittest

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from greedy import greedy_change, is_canonical, optimal_change, smallest_counterexample
from tests import reference as ref
from tests.data import coin_systems, coin_systems_with_one


class ClassroomLesson(unittest.TestCase):
    """With a 60-coin, greedy is no longer optimal: 120 = 60 + 60 is the first amount."""

    coins = {10, 60, 100}

    def test_not_canonical_and_120_is_first_failure(self):
        self.assertFalse(is_canonical(self.coins))
        self.assertEqual(smallest_counterexample(self.coins), 120)


class KnownSystems(unittest.TestCase):
    canonical = {
        "KRW": {10, 50, 100, 500},
        "US": {1, 5, 10, 25, 50, 100},
        "euro cents": {1, 2, 5, 10, 20, 50, 100, 200},
    }
    not_canonical = {
        "1-3-4": ({1, 3, 4}, 6),
        "1-10-25": ({1, 10, 25}, 30),
        "pre-decimal British": ({1, 3, 6, 12, 24, 30}, 48),
    }

    def test_canonical_systems(self):
        for label, coins in self.canonical.items():
            with self.subTest(label):
                self.assertTrue(is_canonical(coins))
                self.assertIsNone(smallest_counterexample(coins))

    def test_non_canonical_systems(self):
        for label, (coins, first) in self.not_canonical.items():
            with self.subTest(label):
                self.assertFalse(is_canonical(coins))
                self.assertEqual(smallest_counterexample(coins), first)

    def test_single_coin_is_canonical(self):
        self.assertTrue(is_canonical({7}))

    def test_system_without_one_that_is_canonical(self):
        # Only multiples of 10 are payable, and KRW greedy pays each optimally.
        self.assertTrue(is_canonical({20, 100}))


# --- properties against the slow twins in tests/reference.py -----------------


@given(coins=coin_systems_with_one)
@example(coins=frozenset({1, 10, 25}))
@example(coins=frozenset({1, 3, 6, 12, 24, 30}))
def test_pearson_matches_scan(coins):
    # Scan well past the Kozen-Zaks bound, so the bound itself is tested too.
    limit = 3 * max(coins) + 10
    assert smallest_counterexample(coins) == ref.smallest_counterexample_scan(coins, limit)


@given(coins=coin_systems)
def test_counterexample_without_one_matches_scan(coins):
    limit = 3 * max(coins) + 10
    assert smallest_counterexample(coins) == ref.smallest_counterexample_scan(coins, limit)


@given(coins=coin_systems_with_one, amount=st.integers(0, 500))
def test_canonical_systems_make_greedy_optimal(coins, amount):
    if is_canonical(coins):
        assert greedy_change(amount, coins).counts == optimal_change(amount, coins).counts


# --- large coins and narrow integer types ------------------------------------


@given(coins=coin_systems, g=st.sampled_from([1, 2, 7, 2**40]))
@example(coins=frozenset({1, 2}), g=2**40)
def test_counterexample_scales_with_a_common_factor(coins, g):
    # Was: no gcd reduction, so {2**40, 2**41} asked for a 2**41-entry table.
    base = smallest_counterexample(coins)
    assert smallest_counterexample({g * c for c in coins}) == (None if base is None else g * base)


def test_huge_system_without_one_names_the_coins():
    # Was: "amount 2000000000 is too large" although no amount was given.
    with pytest.raises(ValueError, match=r"coins \[1000000001, 1000000000\].*too large"):
        smallest_counterexample([10**9, 10**9 + 1])


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.uint64])
def test_small_integer_dtypes_do_not_overflow(dtype):
    coins = np.array([1, 3, 4], dtype=dtype)
    assert smallest_counterexample(coins) == 6
    assert smallest_counterexample(np.array([100, 120, 127], dtype=dtype)) == ref.smallest_counterexample_scan(
        {100, 120, 127}, 1000
    )


def test_a_canonical_test_that_would_take_minutes_is_refused_with_its_time():
    with pytest.raises(ValueError) as info:
        is_canonical(range(1, 5001))
    text = str(info.value)
    assert "5000 coins would take about 5 minutes" in text and "O(n^3)" in text
    assert "max_coins=5000" in text
    with pytest.raises(ValueError, match="of 1001 coins"):
        smallest_counterexample(range(1, 1002))
    with pytest.raises(ValueError, match="of 4 coins"):
        is_canonical({1, 2, 3, 4}, max_coins=3)
    assert is_canonical({1, 2, 3, 4}, max_coins=4)
    for bad, err in ((0, ValueError), (2.5, TypeError), (True, TypeError)):
        with pytest.raises(err, match="max_coins must be a positive integer"):
            is_canonical({1, 2}, max_coins=bad)


def test_the_sliced_canonical_test_finds_what_one_pass_finds(monkeypatch):
    import greedy.canonical as canonical

    coins = (97, 61, 60, 33, 25, 10, 7, 3, 1)
    whole = canonical.smallest_counterexample(coins)
    monkeypatch.setattr(canonical, "_OPS_PER_SLICE", 1)  # one row per kernel call
    assert canonical.smallest_counterexample(coins) == whole
    assert whole == ref.smallest_counterexample_scan(coins, coins[0] + coins[1])
