"""The result type shared by greedy and optimal change."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Change"]


class _Counts(dict):
    """A dict that cannot change: prints and compares as a dict, and hashes."""

    def _refuse(self, *args, **kwargs):
        raise TypeError("Change.counts is read-only")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse
    __ior__ = _refuse

    def __hash__(self):
        return hash(tuple(self.items()))


@dataclass(frozen=True)
class Change:
    """How an amount is paid.

    Attributes
    ----------
    amount : int
        The amount paid.
    counts : dict[int, int]
        Coin value -> number of such coins, largest coin first, with a zero for
        every coin of the system that is not used. Read-only, like the rest.
    """

    amount: int
    counts: dict

    def __post_init__(self):
        object.__setattr__(self, "counts", _Counts(self.counts))

    @property
    def n_coins(self) -> int:
        """Total number of coins handed out."""
        return sum(self.counts.values())

    def __str__(self) -> str:
        used = [f"{k}x{c}" for c, k in self.counts.items() if k]
        return f"{self.amount} = {' + '.join(used) or '0'} ({self.n_coins} coins)"
