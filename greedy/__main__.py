"""``python -m greedy AMOUNT [--coins 10,50,100,500]``: greedy against optimal change."""

from __future__ import annotations

import argparse
import math
import sys

from . import NoExactChange, greedy_change, optimal_change, smallest_counterexample
from ._validation import TooMuchWork, check_coins
from .canonical import MAX_COINS, MAX_STEPS, expected_seconds
from .dynamic import table_seconds

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


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {text!r}")
    return value


# A tqdm bar (stderr, terminals only) for work expected to take at least this long
# (greedy.dynamic.SECONDS_PER_STEP, measured: about 1.7 * 10**9 amount-coin steps of
# the exact table a second; 10**8 steps, the old threshold, take 0.03 to 0.13 s).
_PROGRESS_SECONDS = 1.0


def _bar(seconds: float) -> bool:
    return sys.stderr.isatty() and seconds >= _PROGRESS_SECONDS


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
    parser.add_argument("--max-coins", type=_positive, default=MAX_COINS, metavar="N",
                        help=f"the canonical test of a system with a 1-coin takes time O(n^3): refuse it "
                             f"beyond N coins (default {MAX_COINS}, about 2 s)")
    parser.add_argument("--max-steps", type=_positive, default=MAX_STEPS, metavar="N",
                        help=f"without a 1-coin the test fills an exact table: refuse it beyond N "
                             f"amount-coin steps (default {MAX_STEPS}, about 2 s)")
    args = parser.parse_args(argv)
    try:
        check_coins(args.coins)
    except (TypeError, ValueError) as exc:
        parser.error(str(exc))
    try:
        counter, why_not = smallest_counterexample(args.coins, progress=_bar(expected_seconds(args.coins)),
                                                   max_coins=args.max_coins, max_steps=args.max_steps), None
    except TooMuchWork as exc:  # the same advice, in this command line's words
        flag = "--" + exc.limit.replace("_", "-")
        counter, why_not = None, f"{exc.reason}: pass {flag} {exc.needed} to wait for it (Ctrl-C stops it)"
    except ValueError as exc:  # coins too large for the exact test; change still works
        counter, why_not = None, str(exc)
    if args.amount < 0:
        parser.error(f"amount must be a non-negative integer, got {args.amount}")

    g_text, g = _describe(greedy_change, args.amount, args.coins)
    o_text, o = _describe(optimal_change, args.amount, args.coins,
                          progress=_bar(table_seconds(args.amount // math.gcd(*args.coins), len(args.coins))))
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


def _run(argv=None) -> int:
    try:
        return main(argv)
    except KeyboardInterrupt:  # Ctrl-C: one line, the shell's code for SIGINT
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(_run())
