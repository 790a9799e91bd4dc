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
    be paid), from best[0 .. lo - 1], already filled.

    Returns nothing: returning the array would box it through a Python call
    (numba's ``_numba_unpickle``), where a pending Ctrl-C is raised inside numba's
    dispatcher and surfaces as a SystemError instead of a KeyboardInterrupt.
    """
    unreachable = np.iinfo(np.int32).max
    for a in range(lo, hi):
        b = unreachable
        for c in coins:
            if c <= a:
                prev = best[a - c]
                if prev < b - 1:
                    b = prev + 1
        best[a] = b


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


#: Seconds per amount-coin step of the table (one amount a, one coin c, a look-up of
#: best[a - c]), measured on a 2-core AMD EPYC over tables of 10**5 to 3 * 10**8 amounts:
#: from 0.26 ns (1,000 coins near 2 * 10**6, most above the amount) to 1.3 ns (50 random
#: coins below 10**7, whose look-ups miss the cache); the middle, 0.6 ns, estimates a
#: table's time to within about 2x either way.
SECONDS_PER_STEP = 0.6e-9
#: The table is filled by kernel calls of about this many amount-coin steps (0.13 s at
#: the slowest rate measured): between two calls Python runs, so Ctrl-C stops the work
#: at once, and progress is reported.
CHUNK_STEPS = 10**8


def table_seconds(amounts: int, n_coins: int) -> float:
    """About how long a table of ``amounts`` amounts and ``n_coins`` coins takes to fill."""
    return SECONDS_PER_STEP * amounts * n_coins


def check_table_size(limit: int, what: str, note: str = "", bytes_per_amount: int = 4) -> None:
    """Refuse a table of more than MAX_TABLE amounts (0..limit) with a ValueError that
    starts with ``what`` (the caller's words for what it tabulates), ``note`` after the size;
    the memory it names is ``bytes_per_amount`` (4: the table alone) per amount."""
    if limit > MAX_TABLE:
        raise ValueError(
            f"{what} is too large for the exact table: it would need "
            f"{bytes_per_amount * (limit + 1) / 2**30:.1f} GiB for {limit + 1} amounts{note}; "
            f"the limit is {MAX_TABLE + 1} amounts"
        )


def min_coins_table(limit: int, coins: tuple[int, ...], what: str, note: str = "",
                    progress=None, stop=None) -> np.ndarray:
    """Fewest coins for every amount 0..limit (int32; ``int32 max`` = cannot be paid).

    ``coins`` must already be validated (distinct positive ints, largest first).
    A table over MAX_TABLE amounts is refused (``check_table_size``). The table is
    filled in chunks of about CHUNK_STEPS amount-coin steps, so Ctrl-C stops it.
    ``progress``: None, True (a tqdm bar) or ``progress(done, total)`` in amounts.
    ``stop``: called as ``stop(best, lo, hi)`` after each chunk (amounts lo .. hi - 1
    filled); when it returns True the filling stops there, the rest left unfilled.
    """
    check_table_size(limit, what, note)
    best = np.full(limit + 1, _UNREACHABLE, dtype=np.int32)
    best[0] = 0
    coins = np.asarray(coins, dtype=np.int64)
    chunk = max(1, CHUNK_STEPS // coins.size)
    with reporter(progress, limit + 1, f"tabulating {what}", " amounts") as report:
        for lo in range(1, limit + 1, chunk):  # Python between chunks: Ctrl-C stops the table there
            hi = min(lo + chunk, limit + 1)
            _min_coins_kernel(best, lo, hi, coins)
            if report is not None:
                report(hi)
            if stop is not None and stop(best, lo, hi):
                break
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

    and the coins are read back from the table. Time O(amount * n) (about
    0.6 ns per amount and coin: ``SECONDS_PER_STEP``), memory O(amount) (one
    int32 per amount). The table fills in chunks of about 0.1 s, so Ctrl-C
    stops it.

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
