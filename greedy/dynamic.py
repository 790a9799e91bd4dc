"""Exact change by dynamic programming: the fewest coins that pay an amount."""

from __future__ import annotations

from math import gcd

import numpy as np
from numba import njit

from ._progress import check_progress, reporter
from ._validation import NoExactChange, check_amount, check_coins
from .result import Change

__all__ = ["optimal_change", "min_coins_table"]

_UNREACHABLE = np.iinfo(np.int32).max
# Largest amount we tabulate: 4 bytes per amount, so 2**29 amounts is 2 GiB.
MAX_TABLE = 2**29


@njit(cache=True)
def _min_coins_kernel(best, lo, hi, coins):
    """Fill best[a] for a in [lo, hi): fewest coins paying a (int32 max when it cannot
    be paid), from best[0 .. lo - 1], already filled."""
    unreachable = np.iinfo(np.int32).max
    for a in range(lo, hi):
        b = unreachable
        for c in coins:
            if c <= a:
                prev = best[a - c]
                if prev < b - 1:
                    b = prev + 1
        best[a] = b
    return best


@njit(cache=True)
def _reconstruct_kernel(best, amount, coins):
    """Walk the table back: at each amount take the largest coin on an optimal path."""
    counts = np.zeros(coins.size, dtype=np.int64)
    a = amount
    while a > 0:
        for i in range(coins.size):
            c = coins[i]
            if c <= a and best[a - c] == best[a] - 1:
                counts[i] += 1
                a -= c
                break
    return counts


#: With progress reports, the table is filled in chunks of at least this many amounts.
PROGRESS_CHUNK = 2**20


def min_coins_table(limit: int, coins: tuple[int, ...], what: str, note: str = "",
                    progress=None) -> np.ndarray:
    """Fewest coins for every amount 0..limit (int32; ``int32 max`` = cannot be paid).

    ``coins`` must already be validated (distinct positive ints, largest first).
    A table over MAX_TABLE amounts is refused with a ValueError that starts with
    ``what`` (the caller's words for what it tabulates), ``note`` after the size.
    ``progress``: None, True (a tqdm bar) or ``progress(done, total)`` in amounts.
    """
    if limit > MAX_TABLE:
        raise ValueError(
            f"{what} is too large for the exact table: it would need {4 * (limit + 1) / 2**30:.1f} GiB "
            f"for {limit + 1} amounts{note}; the limit is {MAX_TABLE + 1} amounts"
        )
    best = np.full(limit + 1, _UNREACHABLE, dtype=np.int32)
    best[0] = 0
    coins = np.asarray(coins, dtype=np.int64)
    with reporter(progress, limit + 1, f"tabulating {what}", " amounts") as report:
        chunk = limit + 1 if report is None else max(PROGRESS_CHUNK, (limit + 1) // 100)
        for lo in range(1, limit + 1, chunk):
            hi = min(lo + chunk, limit + 1)
            _min_coins_kernel(best, lo, hi, coins)
            if report is not None:
                report(hi)
    return best


def optimal_change(amount, coins, *, progress=None) -> Change:
    """Pay ``amount`` with the fewest coins (exact, by dynamic programming).

    Parameters
    ----------
    amount : int
        Non-negative amount to pay (up to 2**29 times the coins' gcd).
    coins : iterable of int
        The coin system: distinct positive integers, in any order.
    progress : None, True or callable, optional
        Reports while the table fills: True draws a ``tqdm`` bar on stderr; a
        callable is called as ``progress(done, total)`` (in amounts tabulated).

    Returns
    -------
    Change
        An optimal payment; among optimal ones, the one that takes the largest
        coin possible at each step, so it equals the greedy answer whenever
        greedy is optimal.

    Raises
    ------
    TypeError, ValueError
        For bad amounts or coins, or an amount whose table would not fit in memory.
    NoExactChange
        When no combination of the coins pays the amount.

    Notes
    -----
    With g the gcd of the coins, only multiples of g can be paid; dividing
    everything by g shrinks the table. Then, for a = 1 .. amount,

        best[a] = 1 + min(best[a - c] for coins c <= a),   best[0] = 0,

    and the coins are read back from the table. Time O(amount * n),
    memory O(amount) (one int32 per amount).

    Examples
    --------
    >>> optimal_change(120, {10, 60, 100}).counts
    {100: 0, 60: 2, 10: 0}
    >>> optimal_change(6, [1, 3, 4]).n_coins
    2
    """
    amount = check_amount(amount)
    coins = check_coins(coins)
    check_progress(progress)
    g = gcd(*coins)
    if amount % g:
        raise NoExactChange(
            f"no combination of coins {list(coins)} pays {amount}: "
            f"every payable amount is a multiple of {g}"
        )
    target = amount // g
    # Coins above the amount are never used (and may not fit in int64): leave them out.
    usable = tuple(c // g for c in coins if c // g <= target)
    counts = dict.fromkeys(coins, 0)
    if target == 0:
        return Change(amount, counts)
    if not usable:
        raise NoExactChange(f"no combination of coins {list(coins)} pays {amount}: every coin is larger")
    note = "" if g == 1 else f" (divided by the coins' gcd {g}: {target})"
    best = min_coins_table(target, usable, f"amount {amount}", note, progress)
    if best[target] == _UNREACHABLE:
        raise NoExactChange(f"no combination of coins {list(coins)} pays {amount}")
    used = _reconstruct_kernel(best, target, np.asarray(usable, dtype=np.int64))
    for c, k in zip(usable, used):
        counts[c * g] = int(k)
    return Change(amount, counts)
