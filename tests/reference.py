"""Slow, obvious twins of the fast code, for tests to compare against.

Plain Python and NumPy only; nothing here imports from the project's packages,
so a bug in a package cannot hide by being copied into its own oracle.
Each section belongs to one package; add a twin beside its siblings.
"""

from __future__ import annotations



# ---------------------------------------------------------------------------
# greedy: coin change
# ---------------------------------------------------------------------------


def greedy_coin_count(amount: int, coins) -> int | None:
    """Coins greedy uses for ``amount`` (None when it is left with a remainder)."""
    n = 0
    for c in sorted(coins, reverse=True):
        while amount >= c:
            amount -= c
            n += 1
    return n if amount == 0 else None


def min_coin_count(amount: int, coins) -> int | None:
    """Fewest coins paying ``amount``, by trying every combination (None if none)."""
    coins = sorted(set(coins), reverse=True)
    best = None

    def search(i, rest, used):
        nonlocal best
        if rest == 0:
            best = used if best is None else min(best, used)
            return
        if i == len(coins):
            return
        for k in range(rest // coins[i], -1, -1):
            search(i + 1, rest - k * coins[i], used + k)

    search(0, amount, 0)
    return best


def smallest_counterexample_scan(coins, limit: int) -> int | None:
    """First amount in 1..limit that is payable and where greedy is not optimal."""
    coins = sorted(set(coins))
    best = [0] + [None] * limit
    for a in range(1, limit + 1):
        options = [best[a - c] for c in coins if c <= a and best[a - c] is not None]
        best[a] = min(options) + 1 if options else None
        if best[a] is not None:
            g = greedy_coin_count(a, coins)
            if g is None or g > best[a]:
                return a
    return None
