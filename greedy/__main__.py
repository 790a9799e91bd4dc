"""``python -m greedy AMOUNT [--coins 10,50,100,500]``: greedy against optimal change."""

from __future__ import annotations

import argparse
import sys

from . import NoExactChange, greedy_change, optimal_change, smallest_counterexample


def _coins(text: str) -> list[int]:
    try:
        return [int(t) for t in text.split(",") if t.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"coins must be integers separated by commas, got {text!r}")


def _describe(fn, amount, coins) -> tuple[str, object]:
    try:
        change = fn(amount, coins)
    except NoExactChange as exc:
        return str(exc), None
    return str(change), change


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m greedy", description=__doc__)
    parser.add_argument("amount", type=int, help="amount to pay")
    parser.add_argument("--coins", type=_coins, default=[10, 50, 100, 500],
                        help="coin values, comma-separated (default: 10,50,100,500)")
    args = parser.parse_args(argv)
    try:
        counter = smallest_counterexample(args.coins)
    except (TypeError, ValueError) as exc:
        parser.error(str(exc))
    if args.amount < 0:
        parser.error(f"amount must be a non-negative integer, got {args.amount}")

    g_text, g = _describe(greedy_change, args.amount, args.coins)
    o_text, o = _describe(optimal_change, args.amount, args.coins)
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
    if counter is None:
        print("\nthe system is canonical: greedy is optimal for every amount")
    else:
        print(f"\nthe system is not canonical: smallest counterexample {counter} "
              f"(greedy {_count(counter, coins)}, optimal {optimal_change(counter, coins).n_coins} coins)")
    return 0


def _count(amount, coins) -> str:
    try:
        return f"{greedy_change(amount, coins).n_coins} coins"
    except NoExactChange:
        return "gets stuck"


if __name__ == "__main__":
    sys.exit(main())
