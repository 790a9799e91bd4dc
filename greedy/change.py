"""The classroom coin changer, kept working.

The project began with a script whose ``Algorithm`` class paid an amount with
KRW coins, largest first. Its interface is kept exactly; the work is done by
``greedy_change``, so bad input and unpayable amounts raise the package's
errors instead of returning a silently short answer.
"""

from __future__ import annotations

from .largest_first import greedy_change

__all__ = ["Algorithm"]


class Algorithm:
    """Greedy change as in the classroom script.

    Examples
    --------
    >>> Algorithm(4290, coin_types={10, 50, 100, 500}).calculate()
    (8, 2, 1, 4)
    """

    def __init__(self, amount, coin_types=frozenset({10, 50, 100, 500})):
        self.amount = amount
        self.coin_types = coin_types

    def calculate(self) -> tuple[int, ...]:
        """The number of each coin, largest coin first."""
        return tuple(greedy_change(self.amount, self.coin_types).counts.values())
