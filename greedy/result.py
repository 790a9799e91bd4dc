"""The result type shared by greedy and optimal change."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Change"]


@dataclass(frozen=True)
class Change:
    """How an amount is paid.

    Attributes
    ----------
    amount : int
        The amount paid.
    counts : dict[int, int]
        Coin value -> number of such coins, largest coin first, with a zero for
        every coin of the system that is not used.
    """

    amount: int
    counts: dict

    @property
    def n_coins(self) -> int:
        """Total number of coins handed out."""
        return sum(self.counts.values())

    def __str__(self) -> str:
        used = [f"{k}x{c}" for c, k in self.counts.items() if k]
        return f"{self.amount} = {' + '.join(used) or '0'} ({self.n_coins} coins)"
