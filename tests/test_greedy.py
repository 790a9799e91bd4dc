"""greedy: known answers, properties against tests/reference.py, bad input, CLI."""

import doctest
import subprocess
import sys
import unittest

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import greedy
from greedy import (
    Change,
    NoExactChange,
    greedy_change,
    is_canonical,
    optimal_change,
    smallest_counterexample,
)
from greedy.change import Algorithm
from tests import reference as ref

KRW = {10, 50, 100, 500}


class ClassroomCases(unittest.TestCase):
    """The seed's five tests, each under its own name so every one runs."""

    def check(self, amount, expected):
        self.assertEqual(Algorithm(amount, coin_types=KRW).calculate(), expected)

    def test_5000_is_ten_500s(self):
        self.check(5000, (10, 0, 0, 0))

    def test_200_is_two_100s(self):
        self.check(200, (0, 2, 0, 0))

    def test_50_is_one_50(self):
        self.check(50, (0, 0, 1, 0))

    def test_40_is_four_10s(self):
        self.check(40, (0, 0, 0, 4))

    def test_4290_uses_every_coin(self):
        self.check(4290, (8, 2, 1, 4))

    def test_default_coins_are_krw(self):
        self.assertEqual(Algorithm(4290).calculate(), (8, 2, 1, 4))

    def test_unpayable_amount_raises(self):
        with self.assertRaises(NoExactChange) as ctx:
            Algorithm(4295, coin_types=KRW).calculate()
        self.assertIn("4295", str(ctx.exception))
        self.assertIn("5 is left over", str(ctx.exception))


class ClassroomLesson(unittest.TestCase):
    """With a 60-coin, greedy is no longer optimal: 120 = 60 + 60."""

    coins = {10, 60, 100}

    def test_greedy_pays_100_10_10(self):
        self.assertEqual(greedy_change(120, self.coins).counts, {100: 1, 60: 0, 10: 2})

    def test_optimal_pays_60_60(self):
        c = optimal_change(120, self.coins)
        self.assertEqual(c.counts, {100: 0, 60: 2, 10: 0})
        self.assertEqual(c.n_coins, 2)

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

    def test_system_without_one_where_greedy_gets_stuck(self):
        # 6 = 3 + 3, but greedy takes 5 and is left with 1.
        self.assertEqual(smallest_counterexample({3, 5}), 6)
        with self.assertRaises(NoExactChange):
            greedy_change(6, {3, 5})
        self.assertEqual(optimal_change(6, {3, 5}).n_coins, 2)

    def test_system_without_one_that_is_canonical(self):
        # Only multiples of 10 are payable, and KRW greedy pays each optimally.
        self.assertTrue(is_canonical({20, 100}))


class Results(unittest.TestCase):
    def test_zero_amount_is_zero_coins(self):
        for fn in (greedy_change, optimal_change):
            c = fn(0, KRW)
            self.assertEqual(c.n_coins, 0)
            self.assertEqual(c.counts, {500: 0, 100: 0, 50: 0, 10: 0})

    def test_change_is_frozen_and_ordered(self):
        c = greedy_change(4290, [100, 10, 500, 50])
        self.assertIsInstance(c, Change)
        self.assertEqual(list(c.counts), [500, 100, 50, 10])
        with self.assertRaises(AttributeError):
            c.amount = 1
        with self.assertRaises(TypeError):
            c.counts[500] = 9
        with self.assertRaises(TypeError):
            c.counts.update({10: 0})
        self.assertEqual(c.n_coins, 15)
        self.assertEqual(hash(c), hash(greedy_change(4290, KRW)))
        self.assertEqual(c, optimal_change(4290, KRW))
        self.assertEqual(str(c), "4290 = 8x500 + 2x100 + 1x50 + 4x10 (15 coins)")

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


@pytest.mark.parametrize(
    "amount, coins, exc, words",
    [
        (10, set(), ValueError, "must not be empty"),
        (10, {1, 2.5}, TypeError, "2.5"),
        (10, {1.0, 5}, TypeError, "1.0"),
        (10, {True, 5}, TypeError, "True"),
        (10, {0, 5}, ValueError, "[0]"),
        (10, {-1, 5}, ValueError, "[-1]"),
        (10, "125", TypeError, "'125'"),
        (10, 5, TypeError, "5"),
        (-1, {1, 5}, ValueError, "-1"),
        (2.0, {1, 5}, TypeError, "2.0"),
        (True, {1, 5}, TypeError, "True"),
        ("10", {1, 5}, TypeError, "'10'"),
    ],
)
def test_bad_input_names_the_value(amount, coins, exc, words):
    for fn in (greedy_change, optimal_change):
        with pytest.raises(exc) as info:
            fn(amount, coins)
        assert words in str(info.value)
    if amount == 10:
        with pytest.raises(exc):
            smallest_counterexample(coins)


# --- properties against the slow twins ---------------------------------------

# A coin system with a 1-coin: a set of distinct values in 2..40, plus 1.
systems_with_one = st.sets(st.integers(2, 40), max_size=5).map(lambda s: frozenset(s | {1}))
systems = st.sets(st.integers(1, 30), min_size=1, max_size=4).map(frozenset)


@given(coins=systems_with_one, amount=st.integers(0, 120))
@example(coins=frozenset({1, 3, 4}), amount=6)
def test_optimal_matches_brute_force(coins, amount):
    c = optimal_change(amount, coins)
    assert c.n_coins == ref.min_coin_count(amount, coins)
    assert sum(coin * k for coin, k in c.counts.items()) == amount


@given(coins=systems_with_one, amount=st.integers(0, 300))
def test_greedy_pays_exactly_and_never_beats_optimal(coins, amount):
    g = greedy_change(amount, coins)
    assert sum(coin * k for coin, k in g.counts.items()) == amount
    assert g.n_coins == ref.greedy_coin_count(amount, coins)
    assert g.n_coins >= optimal_change(amount, coins).n_coins


@given(coins=systems)
def test_optimal_without_one_matches_brute_force(coins):
    for amount in range(0, 61):
        expected = ref.min_coin_count(amount, coins)
        if expected is None:
            with pytest.raises(NoExactChange):
                optimal_change(amount, coins)
        else:
            assert optimal_change(amount, coins).n_coins == expected


@given(coins=systems_with_one)
@example(coins=frozenset({1, 10, 25}))
@example(coins=frozenset({1, 3, 6, 12, 24, 30}))
def test_pearson_matches_scan(coins):
    # Scan well past the Kozen-Zaks bound, so the bound itself is tested too.
    limit = 3 * max(coins) + 10
    assert smallest_counterexample(coins) == ref.smallest_counterexample_scan(coins, limit)


@given(coins=systems)
def test_counterexample_without_one_matches_scan(coins):
    limit = 3 * max(coins) + 10
    assert smallest_counterexample(coins) == ref.smallest_counterexample_scan(coins, limit)


@given(coins=systems_with_one, amount=st.integers(0, 500))
def test_canonical_systems_make_greedy_optimal(coins, amount):
    if is_canonical(coins):
        assert greedy_change(amount, coins).counts == optimal_change(amount, coins).counts


# --- command line and docs --------------------------------------------------


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "greedy", *args], capture_output=True, text=True)


def test_cli_prints_both_and_verdict():
    out = run_cli("120", "--coins", "10,60,100")
    assert out.returncode == 0, out.stderr
    assert "greedy:  120 = 1x100 + 2x10 (3 coins)" in out.stdout
    assert "optimal: 120 = 2x60 (2 coins)" in out.stdout
    assert "smallest counterexample 120" in out.stdout


def test_cli_default_coins_canonical():
    out = run_cli("4290")
    assert out.returncode == 0
    assert "(15 coins)" in out.stdout and "canonical" in out.stdout


@pytest.mark.parametrize("args", [["-5"], ["abc"], ["10", "--coins", "0,5"], ["10", "--coins", "a,b"]])
def test_cli_bad_input_is_one_line_exit_2(args):
    out = run_cli(*args)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines()[-1].startswith("python -m greedy: error:")


@pytest.mark.parametrize(
    "module",
    ["greedy.largest_first", "greedy.dynamic", "greedy.canonical", "greedy.change"],
)
def test_docstring_examples(module):
    import importlib

    mod = importlib.import_module(module)
    result = doctest.testmod(mod)
    assert result.attempted > 0 and result.failed == 0


def test_package_docstring_names_every_function():
    for name in greedy.__all__:
        if name[0].islower() and name != "change":
            assert name in greedy.__doc__


# --- review fixes: inputs that were accepted but mishandled ---------------------


def test_coins_beyond_int64_are_paid_exactly():
    # Was: OverflowError from numpy when a coin did not fit in int64.
    assert optimal_change(10, [1, 2**70]).counts == {2**70: 0, 1: 10}
    with pytest.raises(ValueError, match="too large for the exact table"):
        optimal_change(2**70 + 2, [1, 2**70])


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16, np.uint64])
def test_small_integer_dtypes_do_not_overflow(dtype):
    coins = np.array([1, 3, 4], dtype=dtype)
    assert optimal_change(dtype(120), coins).counts == {4: 30, 3: 0, 1: 0}
    assert smallest_counterexample(coins) == 6
    assert smallest_counterexample(np.array([100, 120, 127], dtype=dtype)) == ref.smallest_counterexample_scan(
        {100, 120, 127}, 1000
    )


@given(coins=systems, g=st.sampled_from([1, 2, 7, 2**40]))
@example(coins=frozenset({1, 2}), g=2**40)
def test_counterexample_scales_with_a_common_factor(coins, g):
    # Was: no gcd reduction, so {2**40, 2**41} asked for a 2**41-entry table.
    base = smallest_counterexample(coins)
    assert smallest_counterexample({g * c for c in coins}) == (None if base is None else g * base)


def test_huge_system_without_one_names_the_coins():
    # Was: "amount 2000000000 is too large" although no amount was given.
    with pytest.raises(ValueError, match=r"coins \[1000000001, 1000000000\].*too large"):
        smallest_counterexample([10**9, 10**9 + 1])


def test_generators_dicts_and_frozensets_are_coin_systems():
    assert optimal_change(30, (c for c in [1, 10, 25])).counts == {25: 0, 10: 3, 1: 0}
    assert optimal_change(30, {1: "a", 10: "b", 25: "c"}).n_coins == 3
    assert smallest_counterexample(frozenset({1, 10, 25})) == 30


def test_cli_amount_beyond_the_table_prints_greedy_and_says_why():
    # Was: a traceback from the DP table check.
    out = run_cli("1000000000", "--coins", "1,5")
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    assert "greedy:  1000000000 = 200000000x5 (200000000 coins)" in out.stdout
    assert "optimal: not computed: amount 1000000000 is too large for the exact table" in out.stdout


def test_cli_counterexample_beyond_the_table_does_not_crash():
    big = 2**61 - 2
    out = run_cli("10", "--coins", f"1,{big},{big + 1}")
    assert out.returncode == 0, out.stderr
    assert f"smallest counterexample {2 * big}" in out.stdout
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("coins", ["1,,2", "1,2,", ",1", " , "])
def test_cli_refuses_empty_coin_items(coins):
    # Was: "1,,2" silently read as 1,2.
    out = run_cli("10", "--coins", coins)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith("python -m greedy: error:") and "empty" in last


@pytest.mark.parametrize("coins", ["4000000000,4000000001", f"1,{2**70}"])
def test_cli_coins_too_large_for_the_canonical_test_still_give_change(coins):
    # Was: exit 2, as if the coins were bad input, and no change printed.
    out = run_cli("8000000001" if coins.startswith("4") else "12", "--coins", coins)
    assert out.returncode == 0, out.stderr
    assert "greedy:" in out.stdout and "optimal:" in out.stdout
    assert "not known whether the system is canonical" in out.stdout


def test_table_limit_message_names_the_amount_asked_for():
    # Was: "amount 536870913 is too large" for amount 3 * 2**29 + 3 (the amount divided by the gcd).
    amount = 3 * 2**29 + 3
    with pytest.raises(ValueError, match=rf"amount {amount} is too large for the exact table.*gcd 3"):
        optimal_change(amount, [3, 6])
    with pytest.raises(ValueError, match=rf"amount {2**29 + 1} is too large for the exact table"):
        optimal_change(2**29 + 1, [1, 6])
    assert optimal_change(3 * 2**20, [3, 6]).n_coins == 2**19  # well inside the limit


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
