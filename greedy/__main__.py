"""``python -m greedy AMOUNT [--coins 10,50,100,500]``: greedy against optimal change."""

from __future__ import annotations

import argparse
import math
import sys

from . import NoExactChange, greedy_change, optimal_change, smallest_counterexample
from ._validation import check_coins

DESCRIPTION = """\
Pay AMOUNT with the coins two ways, side by side: greedily (the largest coin that
fits, again and again) and optimally (fewest coins, by dynamic programming). Then
say whether the coin system is canonical, i.e. greedy is optimal for every amount
the coins can pay, and if not, the smallest amount where it is not."""

EXAMPLES = """\
examples:
  python -m greedy 4290                    the classroom's coins 10, 50, 100, 500
  python -m greedy 120 --coins 10,60,100   greedy 100+10+10, optimal 60+60
  python -m greedy 6 --coins 1,3,4         6 is {1, 3, 4}'s smallest counterexample"""


def _coins(text: str) -> list[int]:
    items = text.split(",")
    if text.strip() and any(not t.strip() for t in items):
        raise argparse.ArgumentTypeError(f"coins must be integers separated by commas, got an empty item in {text!r}")
    try:
        return [int(t) for t in items if t.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"coins must be integers separated by commas, got {text!r}")


# A tqdm bar (stderr, terminals only) for exact tables of at least this many
# amount-coin steps: about a second of dynamic programming.
_PROGRESS_WORK = 10**8


def _bar(amounts: int, coins) -> bool:
    return sys.stderr.isatty() and amounts * len(coins) >= _PROGRESS_WORK


def _describe(fn, amount, coins, **kw) -> tuple[str, object]:
    try:
        change = fn(amount, coins, **kw)
    except NoExactChange as exc:
        return str(exc), None
    except ValueError as exc:  # the exact table would not fit in memory
        return f"not computed: {exc}", None
    return str(change), change


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m greedy", description=DESCRIPTION, epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("amount", type=int, metavar="AMOUNT", help="amount to pay (a non-negative integer)")
    parser.add_argument("--coins", type=_coins, default=[10, 50, 100, 500], metavar="C1,C2,...",
                        help="coin values, comma-separated (default: 10,50,100,500)")
    args = parser.parse_args(argv)
    try:
        check_coins(args.coins)
    except (TypeError, ValueError) as exc:
        parser.error(str(exc))
    try:
        top = sorted(set(args.coins))[-2:]  # without a 1-coin the test tabulates up to their sum
        bar = 1 not in args.coins and _bar(sum(top) // math.gcd(*args.coins), args.coins)
        counter, why_not = smallest_counterexample(args.coins, progress=bar), None
    except ValueError as exc:  # coins too large for the exact test; change still works
        counter, why_not = None, str(exc)
    if args.amount < 0:
        parser.error(f"amount must be a non-negative integer, got {args.amount}")

    g_text, g = _describe(greedy_change, args.amount, args.coins)
    o_text, o = _describe(optimal_change, args.amount, args.coins,
                          progress=_bar(args.amount // math.gcd(*args.coins), args.coins))
    coins = sorted(set(args.coins), reverse=True)
    print(f"amount {args.amount}, coins {coins}\n")
    print(f"{'coin':>10} {'greedy':>8} {'optimal':>8}")
    for c in coins:
        gc = g.counts[c] if g else "-"
        oc = o.counts[c] if o else "-"
        print(f"{c:>10} {gc:>8} {oc:>8}")
    print(f"{'coins':>10} {g.n_coins if g else '-':>8} {o.n_coins if o else '-':>8}\n")
    print(f"greedy:  {g_text}")
    print(f"optimal: {o_text}")
    if why_not is not None:
        print(f"\nnot known whether the system is canonical: {why_not}")
    elif counter is None and 1 in coins:
        print("\nthe system is canonical: greedy is optimal for every amount")
    elif counter is None:
        unpayable = f" ({args.amount} cannot be paid at all)" if o is None and g is None else ""
        print(f"\nthe system is canonical: greedy is optimal for every amount the coins can pay; "
              f"without a 1-coin not every amount can be paid{unpayable}")
    else:
        print(f"\nthe system is not canonical: smallest counterexample {counter} "
              f"(greedy {_count(greedy_change, counter, coins)}, optimal {_count(optimal_change, counter, coins)})")
    return 0


def _count(fn, amount, coins) -> str:
    try:
        return f"{fn(amount, coins).n_coins} coins"
    except NoExactChange:
        return "gets stuck"
    except ValueError:  # the exact table would not fit in memory
        return "too large to tabulate"


if __name__ == "__main__":
    sys.exit(main())
