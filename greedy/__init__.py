"""Coin change: greedy, exact, and when greedy is good enough.

Which function to pick:

- ``greedy_change(amount, coins)``: the cashier's rule, largest coin first. Fast,
  and optimal exactly for canonical systems.
- ``optimal_change(amount, coins)``: the fewest coins, by dynamic programming.
- ``is_canonical(coins)`` / ``smallest_counterexample(coins)``: whether greedy is
  always optimal for a system, and the least amount where it is not.
- ``change.Algorithm``: the classroom script's class, kept for its users.

``python -m greedy AMOUNT --coins 10,50,100,500`` compares both on the command line.
"""

from . import change
from ._validation import NoExactChange
from .canonical import is_canonical, smallest_counterexample
from .dynamic import optimal_change
from .largest_first import greedy_change
from .result import Change

__all__ = [
    "Change",
    "NoExactChange",
    "change",
    "greedy_change",
    "is_canonical",
    "optimal_change",
    "smallest_counterexample",
]
