"""Greedy change: hand out the largest coin that still fits, repeat."""

from __future__ import annotations

from ._validation import NoExactChange, check_amount, check_coins
from .result import Change

__all__ = ["greedy_change"]


def greedy_change(amount, coins) -> Change:
    """Pay ``amount`` largest coin first.

    Parameters
    ----------
    amount : int
        Non-negative amount to pay.
    coins : iterable of int
        The coin system: distinct positive integers, in any order.

    Returns
    -------
    Change
        Counts per coin, largest coin first.

    Raises
    ------
    TypeError, ValueError
        For an amount or coins that are not non-negative / positive integers.
    NoExactChange
        When the greedy walk is left with a remainder smaller than every coin
        (the amount may still be payable another way: see ``optimal_change``).

    Notes
    -----
    For each coin c, largest first: take ``amount // c`` coins, keep the
    remainder. Time O(n) for n coins, memory O(n). Optimal exactly when the
    system is canonical (``is_canonical``); US, euro and KRW coins are.

    Examples
    --------
    >>> greedy_change(4290, {10, 50, 100, 500}).counts
    {500: 8, 100: 2, 50: 1, 10: 4}
    >>> greedy_change(120, {10, 60, 100}).n_coins   # 100 + 10 + 10, optimal is 60 + 60
    3
    """
    amount = check_amount(amount)
    coins = check_coins(coins)
    counts = {}
    rest = amount
    for c in coins:
        counts[c], rest = divmod(rest, c)
    if rest:
        raise NoExactChange(
            f"greedy cannot pay {amount} with coins {list(coins)}: "
            f"{rest} is left over after {amount - rest}"
        )
    return Change(amount, counts)
