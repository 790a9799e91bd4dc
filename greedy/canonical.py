"""Is greedy always optimal for a coin system? And if not, where does it first fail?

Definition used here (it covers systems without a 1-coin too): an amount is a
*counterexample* when it can be paid at all, and greedy either pays it with more
coins than the optimum or gets stuck on a remainder smaller than every coin. A
system is *canonical* when no amount is a counterexample. For systems with a
1-coin every amount can be paid and greedy never gets stuck, so this is the usual
definition.
"""

from __future__ import annotations

from math import gcd

import numpy as np
from numba import njit

from ._progress import check_progress, reporter
from ._validation import TooMuchWork, check_coins, check_limit
from .dynamic import SECONDS_PER_STEP, check_table_size, min_coins_table

__all__ = ["is_canonical", "smallest_counterexample"]

_INT64_SAFE = 2**61  # keeps every candidate sum below int64 overflow
#: Pearson's test is O(n^3): refused above this many coins unless the caller raises it.
MAX_COINS = 1000
#: seconds per n^3 of Pearson's test, measured: 1,000 coins (1..1000) in 2.34 s, 2-core Xeon
#: (2.27 s on the 2-core AMD EPYC where SECONDS_PER_STEP was measured)
_SECONDS_PER_N3 = 2.34 / 1000**3
_OPS_PER_SLICE = 3 * 10**7  # one kernel call: about 0.1 s, so Ctrl-C answers at once
#: Without a 1-coin the test fills an exact table: refused above this many amount-coin
#: steps unless the caller raises it. About 2.4 s (dynamic.SECONDS_PER_STEP), as long as
#: Pearson's test of MAX_COINS coins.
MAX_STEPS = 4 * 10**9


@njit(cache=True)
def _pearson_kernel(coins, i_lo, i_hi):
    """Smallest counterexample of a system with coins[-1] == 1 (descending) among the
    candidates of rows i_lo <= i < i_hi (1 <= i_lo), or -1."""
    n = coins.size
    best = -1
    rep = np.empty(n, dtype=np.int64)
    for i in range(i_lo, i_hi):
        rest = coins[i - 1] - 1  # greedy representation of c_{i-1} - 1
        for k in range(n):
            rep[k] = rest // coins[k]
            rest -= rep[k] * coins[k]
        for j in range(i, n):
            # candidate: rep on coins 0..j-1, one more coin j, nothing smaller
            w = coins[j]
            m = 1
            for k in range(j + 1):
                w += rep[k] * coins[k]
                m += rep[k]
            g = 0
            r = w
            for k in range(n):
                g += r // coins[k]
                r = r % coins[k]
            if g > m and (best < 0 or w < best):
                best = w
    return best


@njit(cache=True)
def _greedy_counts_kernel(greedy, lo, hi, coins):
    """Fill greedy[a] for lo <= a < hi (1 <= lo): the coins greedy pays a with, -1 when
    it gets stuck, from greedy[0 .. lo - 1], already filled; coins descending. Returns
    nothing, so Ctrl-C stays a KeyboardInterrupt (see dynamic._min_coins_kernel)."""
    i = coins.size - 1  # index of the largest coin <= a, moving up as a grows
    for a in range(lo, hi):
        while i > 0 and coins[i - 1] <= a:
            i -= 1
        c = coins[i]
        if c > a or greedy[a - c] < 0:
            greedy[a] = -1
        else:
            greedy[a] = greedy[a - c] + 1


def _show(coins) -> str:
    """Coins for a message: all of them when few, else the first three, the last and how many."""
    coins = list(coins)
    if len(coins) <= 8:
        return str(coins)
    return f"[{coins[0]}, {coins[1]}, {coins[2]}, ..., {coins[-1]}] ({len(coins)} coins)"


def _scan_below_bound(coins: tuple[int, ...], original: tuple[int, ...], progress, max_steps: int) -> int | None:
    # Kozen & Zaks (1994): a smallest counterexample, if any, is below the sum of
    # the two largest coins. Their argument holds for the definition above too.
    limit = coins[0] + coins[1] - 1
    g = original[0] // coins[0]
    after = "" if g == 1 else f" after dividing by their gcd {g}"
    what = (f"the test of coins {_show(original)} (no 1-coin{after}, so every "
            f"amount below the two largest coins' sum is checked)")
    # memory first: no limit a caller can raise allows more (8 bytes an amount: the table and greedy's counts)
    check_table_size(limit, what, bytes_per_amount=8)
    n = len(coins)
    steps = (limit + 1) * n
    if steps > max_steps:
        raise TooMuchWork(
            f"the canonical test of coins {_show(original)} would take {_about(SECONDS_PER_STEP * steps)} "
            f"(no 1-coin{after}: an exact table of every amount below the two largest coins' sum, "
            f"{limit + 1} amounts x {n} coins = {steps} steps; {max_steps} steps, the limit, take "
            f"{_about(SECONDS_PER_STEP * max_steps)})",
            "max_steps", steps,
        )
    arr = np.asarray(coins, dtype=np.int64)
    greedy = np.empty(limit + 1, dtype=np.int32)
    greedy[0] = 0
    found = []

    def check(best, lo, hi):  # after each chunk of the table: greedy there too, stop at the first miss
        _greedy_counts_kernel(greedy, lo, hi, arr)
        b, gr = best[lo:hi], greedy[lo:hi]
        hits = np.flatnonzero((b != np.iinfo(np.int32).max) & ((gr < 0) | (gr > b)))
        if hits.size:
            found.append(lo + int(hits[0]))
        return bool(hits.size)

    min_coins_table(limit, coins, what, progress=progress, stop=check)
    return found[0] if found else None


def _about(seconds: float) -> str:
    if seconds < 0.5:
        return "under a second"
    if seconds < 90:
        return f"about {seconds:.0f} s"
    if seconds < 5400:
        return f"about {seconds / 60:.0f} minutes"
    return f"about {seconds / 3600:.1f} hours"


def _pearson(coins: tuple[int, ...], progress=None) -> int:
    """Pearson's test, in slices of rows: the smallest counterexample, or -1.

    Row i (1 <= i < n) holds the n - i candidates (i, j), i <= j < n: progress is
    reported in candidates, n (n - 1) / 2 in all.
    """
    arr = np.asarray(coins, dtype=np.int64)
    n = arr.size
    rows = max(1, _OPS_PER_SLICE // (n * n))
    best = -1
    with reporter(progress, n * (n - 1) // 2, f"testing {n} coins (Pearson)", " candidates") as report:
        for lo in range(1, n, rows):  # Python between slices: Ctrl-C stops the test there
            hi = min(n, lo + rows)
            w = _pearson_kernel(arr, lo, hi)
            if w >= 0 and (best < 0 or w < best):
                best = w
            if report is not None:
                report((hi - 1) * n - (hi - 1) * hi // 2)  # candidates of rows 1 .. hi - 1
    return best


def expected_seconds(coins) -> float:
    """About how long ``smallest_counterexample(coins)`` takes (the measured models above)."""
    coins = check_coins(coins)
    g = gcd(*coins)
    scaled = tuple(c // g for c in coins)
    if len(scaled) == 1:
        return 0.0
    if scaled[-1] == 1:
        return _SECONDS_PER_N3 * len(scaled) ** 3
    return SECONDS_PER_STEP * (scaled[0] + scaled[1]) * len(scaled)


def smallest_counterexample(coins, *, progress=None, max_coins: int = MAX_COINS,
                            max_steps: int = MAX_STEPS) -> int | None:
    """The least amount where greedy change is not optimal, or None if there is none.

    Parameters
    ----------
    coins : iterable of int
        The coin system: distinct positive integers, in any order.
    progress : None, True or callable, optional
        True draws a ``tqdm`` bar on stderr; a callable is called as
        ``progress(done, total)``: in candidates checked by Pearson's method
        (systems with a 1-coin), in amounts tabulated otherwise.
    max_coins : int, default 1000
        Pearson's test (systems with a 1-coin) takes time O(n^3): about 2 s
        for 1,000 coins, 19 s for 2,000, 5 minutes for 5,000 on a 2-core
        machine. Larger systems are refused, with the expected time in the
        message, unless ``max_coins`` is raised.
    max_steps : int, default 4 * 10**9
        Without a 1-coin the test fills an exact table of (c_1 + c_2) amounts
        x n coins "steps", about 0.6 ns each (within 2x): 4 * 10**9 take about
        2 s, like 1,000 coins of Pearson's test; 1,000 coins near 2 * 10**7,
        4 * 10**10 steps, about 24 s. Larger tests are refused, with the
        expected time in the message, unless ``max_steps`` is raised. A table
        of more than 2**29 amounts (4 GiB with greedy's counts beside it) is
        refused whatever the limit.

    Both tests run in slices of about 0.1 s, so Ctrl-C stops them.

    Returns
    -------
    int or None
        The least payable amount that greedy pays with more coins than the
        optimum (or cannot pay); None for a canonical system.

    Raises
    ------
    TypeError, ValueError
        For coins that are not positive integers, or limits that are not
        positive integers; a ValueError (``TooMuchWork``) for more than
        ``max_coins`` coins (after merging duplicates) in Pearson's test, or
        more than ``max_steps`` steps of the exact table.

    Notes
    -----
    With a 1-coin: Pearson's algorithm (Pearson 1994, Oper. Res. Lett. 33, 2005).
    Write coins c_1 > ... > c_n = 1. The smallest counterexample w has an optimal
    representation equal to the greedy representation of c_{i-1} - 1 on coins
    1..j-1, plus one on coin j, and zero below, for some 2 <= i <= j <= n. Each of
    those O(n^2) candidates is checked against greedy in O(n): time O(n^3), memory
    O(n), whatever the size of the coins.

    Without a 1-coin: every amount below c_1 + c_2 (Kozen and Zaks 1994) is
    checked with the exact table of ``optimal_change``, filled in chunks that
    stop at the first counterexample: time O((c_1 + c_2) n) at most, memory
    8 bytes per amount.

    Both first divide the coins by their gcd g (only multiples of g can be
    paid, and g a with coins c behaves as a with coins c / g), so e.g.
    {2, 4, 6} is tested as {1, 2, 3} by Pearson's method.

    Examples
    --------
    >>> smallest_counterexample({1, 3, 4})
    6
    >>> smallest_counterexample({1, 5, 10, 25}) is None
    True
    """
    coins = check_coins(coins)
    check_progress(progress)
    max_coins = check_limit("max_coins", max_coins)
    max_steps = check_limit("max_steps", max_steps)
    if len(coins) == 1:
        return None
    # Only multiples of g = gcd(coins) can be paid, and greedy and the optimum
    # treat g * a with coins c exactly as a with coins c / g: solve the smaller system.
    g = gcd(*coins)
    scaled = tuple(c // g for c in coins)
    if scaled[-1] == 1:
        if scaled[0] >= _INT64_SAFE:
            by = "" if g == 1 else f" divided by their gcd {g}"
            raise ValueError(f"coins{by} must be below 2**61 for the exact test, got {scaled[0]}")
        n = len(scaled)
        if n > max_coins:
            raise TooMuchWork(
                f"the canonical test of {n} coins would take {_about(_SECONDS_PER_N3 * n**3)} "
                f"(Pearson's method is O(n^3); {max_coins} coins, the limit, take "
                f"{_about(_SECONDS_PER_N3 * max_coins**3)})",
                "max_coins", n,
            )
        w = _pearson(scaled, progress)
        return None if w < 0 else int(w) * g
    w = _scan_below_bound(scaled, coins, progress, max_steps)
    return None if w is None else w * g


def is_canonical(coins, *, progress=None, max_coins: int = MAX_COINS, max_steps: int = MAX_STEPS) -> bool:
    """True when greedy change is optimal for every amount the coins can pay.

    See ``smallest_counterexample`` for the method, the definition used for
    systems without a 1-coin, ``progress`` and the limits: systems of more than
    1,000 coins (Pearson's test is O(n^3)) and, without a 1-coin, tables of
    more than 4 * 10**9 steps (about 2 s each) are refused, with the expected
    time, unless ``max_coins`` or ``max_steps`` is raised.

    Examples
    --------
    >>> is_canonical({10, 50, 100, 500})
    True
    >>> is_canonical({1, 10, 25})   # 30 = 10 + 10 + 10, greedy gives 25 + 5 x 1
    False
    """
    return smallest_counterexample(coins, progress=progress, max_coins=max_coins, max_steps=max_steps) is None
