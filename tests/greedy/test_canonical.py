"""greedy.canonical: ``is_canonical`` and ``smallest_counterexample`` (is greedy always optimal?)."""

import pickle
import unittest
from unittest import mock

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import greedy.canonical as canonical
from greedy import dynamic, greedy_change, is_canonical, optimal_change, smallest_counterexample
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


# Each property runs twice: as shipped (a small system is one slice of Pearson's rows, one
# chunk of the table), and cut as finely as it goes (one row, one amount per kernel call),
# so the slicing and the early stop of the table are checked against the scan too.
@pytest.mark.parametrize("ops_per_slice", [canonical._OPS_PER_SLICE, 1], ids=["as shipped", "one row per slice"])
@given(coins=coin_systems_with_one)
@example(coins=frozenset({1, 10, 25}))
@example(coins=frozenset({1, 3, 6, 12, 24, 30}))
def test_pearson_matches_scan(ops_per_slice, coins):
    # Scan well past the Kozen-Zaks bound, so the bound itself is tested too.
    limit = 3 * max(coins) + 10
    with mock.patch.object(canonical, "_OPS_PER_SLICE", ops_per_slice):
        assert smallest_counterexample(coins) == ref.smallest_counterexample_scan(coins, limit)


@pytest.mark.parametrize("chunk_steps", [dynamic.CHUNK_STEPS, 1], ids=["as shipped", "one amount per chunk"])
@given(coins=coin_systems)
def test_counterexample_without_one_matches_scan(chunk_steps, coins):
    limit = 3 * max(coins) + 10
    with mock.patch.object(dynamic, "CHUNK_STEPS", chunk_steps):
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


# --- without a 1-coin: the exact table, refused beyond max_steps, interruptible ---------


def test_a_table_test_that_would_take_long_is_refused_with_its_time():
    # Was: no guard; range(2 * 10**7, 2 * 10**7 + 1000) ran for 11 s, deaf to Ctrl-C.
    coins = range(2 * 10**7, 2 * 10**7 + 1000)
    amounts = (2 * 10**7 + 999) + (2 * 10**7 + 998)  # every amount below the two largest coins' sum
    steps = amounts * 1000
    assert steps > canonical.MAX_STEPS
    with pytest.raises(ValueError) as info:
        is_canonical(coins)
    text = str(info.value)
    assert text.startswith("the canonical test of coins [20000999, 20000998, 20000997, ..., 20000000] "
                           f"(1000 coins) would take about {dynamic.SECONDS_PER_STEP * steps:.0f} s")
    assert f"{amounts} amounts x 1000 coins = {steps} steps" in text
    assert text.endswith(f"pass max_steps={steps} to wait for it (Ctrl-C stops it)")
    assert (info.value.reason, info.value.limit, info.value.needed) == (text.split(": pass")[0], "max_steps", steps)
    again = pickle.loads(pickle.dumps(info.value))
    assert str(again) == text and again.needed == steps

    # {3, 5}: 8 amounts (0 .. 7) x 2 coins; the limit is the caller's to raise
    for fn in (smallest_counterexample, is_canonical):
        with pytest.raises(ValueError, match=r"8 amounts x 2 coins = 16 steps; 15 steps, the limit.*max_steps=16"):
            fn({3, 5}, max_steps=15)
    assert smallest_counterexample({3, 5}, max_steps=16) == 6
    assert is_canonical({3, 5}, max_steps=16) is False
    with pytest.raises(ValueError, match=r"coins \[10, 6\] would take.*after dividing by their gcd 2.*= 16 steps"):
        smallest_counterexample({6, 10}, max_steps=15)
    for bad, err in ((0, ValueError), (2.5, TypeError), (True, TypeError)):
        with pytest.raises(err, match="max_steps must be a positive integer"):
            is_canonical({3, 5}, max_steps=bad)


def test_a_table_too_large_for_memory_is_refused_as_such_whatever_the_step_limit():
    # 2 * 10**9 + 1 amounts, 8 bytes each (the table and greedy's counts; was 4: 7.5 GiB)
    with pytest.raises(ValueError, match=r"coins \[1000000001, 1000000000\].*too large for the exact table: "
                                         r"it would need 14\.9 GiB for 2000000001 amounts"):
        smallest_counterexample([10**9, 10**9 + 1], max_steps=10**12)


def test_the_table_test_runs_in_chunks_that_ctrl_c_stops(monkeypatch):
    # Python runs between two kernel calls, so a KeyboardInterrupt (what Ctrl-C raises
    # there) ends the test at once, even with no progress report asked for.
    kernel, calls = dynamic._min_coins_kernel, []

    def counting(best, lo, hi, coins):
        calls.append((lo, hi))
        if len(calls) == 3:
            raise KeyboardInterrupt
        return kernel(best, lo, hi, coins)

    monkeypatch.setattr(dynamic, "CHUNK_STEPS", 20)  # 10 amounts per call with two coins
    monkeypatch.setattr(dynamic, "_min_coins_kernel", counting)
    with pytest.raises(KeyboardInterrupt):
        smallest_counterexample({100, 101})
    assert calls == [(1, 11), (11, 21), (21, 31)]


def test_the_table_test_stops_at_the_first_counterexample(monkeypatch):
    # {30, 31, 1000}: the bound is 1031, but 60 = 30 + 30 (greedy: 31, stuck on 29) ends it.
    kernel, calls = dynamic._min_coins_kernel, []
    monkeypatch.setattr(dynamic, "CHUNK_STEPS", 30)  # 10 amounts per call with three coins
    monkeypatch.setattr(dynamic, "_min_coins_kernel", lambda *a: calls.append(a[1:3]) or kernel(*a))
    assert smallest_counterexample({30, 31, 1000}) == 60
    assert calls[-1] == (51, 61) and len(calls) == 6


def test_a_kernel_call_runs_no_python_so_ctrl_c_stays_a_keyboard_interrupt():
    # A kernel returning an array boxes it through a Python call inside numba's
    # dispatcher (_numba_unpickle): a Ctrl-C pending there came out as
    # "SystemError: CPUDispatcher(...) returned a result with an exception set".
    import sys

    from greedy.canonical import _greedy_counts_kernel, _pearson_kernel

    best = np.full(50, np.iinfo(np.int32).max, dtype=np.int32)
    best[0] = 0
    greedy = np.zeros(50, dtype=np.int32)
    two, three = np.array([5, 3], dtype=np.int64), np.array([4, 3, 1], dtype=np.int64)
    calls = [lambda: dynamic._min_coins_kernel(best, 1, 50, two),
             lambda: _greedy_counts_kernel(greedy, 1, 50, two),
             lambda: _pearson_kernel(three, 1, 3)]
    for call in calls:
        call()  # loaded and compiled outside the watch
    seen = []
    sys.setprofile(lambda frame, event, arg: seen.append(frame.f_code.co_name) if event == "call" else None)
    try:
        for call in calls:
            call()
    finally:
        sys.setprofile(None)
    assert seen == ["<lambda>", "_min_coins_kernel", "<lambda>", "_greedy_counts_kernel",
                    "<lambda>", "_pearson_kernel"]
