"""Input checks for the ``greedy`` package, in one place.

Every public function of the package calls these first, so a bad amount or coin
system is reported with the offending value before any kernel runs.
"""

from __future__ import annotations

import numbers

__all__ = ["NoExactChange", "TooMuchWork", "check_amount", "check_coins", "check_limit"]


class NoExactChange(ValueError):
    """The amount cannot be paid exactly with the given coins."""


class TooMuchWork(ValueError):
    """Work refused up front: it would take longer than a limit allows.

    The message is ``reason`` (what would take how long) and the advice to raise the
    keyword ``limit`` to ``needed``; a command line can give the same advice its own
    way (``--max-coins 5000``) from these three attributes.
    """

    def __init__(self, reason: str, limit: str, needed: int):
        super().__init__(f"{reason}: pass {limit}={needed} to wait for it (Ctrl-C stops it)")
        self.reason, self.limit, self.needed = reason, limit, needed

    def __reduce__(self):  # pickles (e.g. across processes) with its three parts
        return type(self), (self.reason, self.limit, self.needed)


def _is_integer(value) -> bool:
    # bool is an int subclass, but True is not a coin; floats are never accepted,
    # even 5.0, so a unit mistake (dollars for cents) is caught, not rounded.
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def check_amount(amount) -> int:
    """Return ``amount`` as a Python int, or raise naming the value."""
    if not _is_integer(amount):
        raise TypeError(f"amount must be a non-negative integer, got {amount!r}")
    amount = int(amount)
    if amount < 0:
        raise ValueError(f"amount must be a non-negative integer, got {amount}")
    return amount


def check_limit(name: str, value) -> int:
    """A positive integer limit (``max_coins``, ``max_steps``), or raise naming it."""
    if not _is_integer(value) or value < 1:
        raise (ValueError if _is_integer(value) else TypeError)(
            f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_coins(coins) -> tuple[int, ...]:
    """Return the distinct coin values, largest first, or raise naming the offenders.

    ``coins`` is any iterable of positive integers (a set, a list, a numpy array);
    duplicates are merged. A string is refused rather than read digit by digit.
    """
    if isinstance(coins, (str, bytes)) or not hasattr(coins, "__iter__"):
        raise TypeError(f"coins must be an iterable of positive integers, got {coins!r}")
    values = list(coins)
    if not values:
        raise ValueError("coins must not be empty")
    not_int = [v for v in values if not _is_integer(v)]
    if not_int:
        raise TypeError(f"coins must be positive integers, got non-integers {not_int!r}")
    values = [int(v) for v in values]
    bad = sorted({v for v in values if v <= 0})
    if bad:
        raise ValueError(f"coins must be positive integers, got {bad!r} in {sorted(set(values))!r}")
    return tuple(sorted(set(values), reverse=True))
