"""Tutorial 01: when is greedy coin change optimal?

The cashier's rule -- hand out the largest coin that fits, repeat -- gives the
fewest coins for the coin systems we use every day (they are *canonical*), but
not for every system. This script shows both, finds the smallest amount where
greedy fails for a few systems, and plots greedy against the exact optimum over
a range of amounts.

Run:  python tutorials/01_greedy_coin_change.py [--quick]
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

import _common as tut
from greedy import greedy_change, is_canonical, optimal_change, smallest_counterexample

KRW = (10, 50, 100, 500)
US = (1, 5, 10, 25)
SIXTY = (10, 60, 100)  # the classroom's non-canonical system

# A few systems to test; whether each is canonical is computed, not assumed.
SYSTEMS = {
    "KRW 10/50/100/500": KRW,
    "US 1/5/10/25": US,
    "euro cents 1/2/5/10/20/50": (1, 2, 5, 10, 20, 50),
    "10/60/100": SIXTY,
    "1/3/4": (1, 3, 4),
    "1/7/10": (1, 7, 10),
    "US + 20-cent coin": (1, 5, 10, 20, 25),
    "UK pre-1971 pence 1/3/6/12/24/30": (1, 3, 6, 12, 24, 30),
}


def spelled(change) -> str:
    """'100 + 10 + 10' for a Change."""
    parts = [str(c) for c, k in change.counts.items() for _ in range(k)]
    return " + ".join(parts) if parts else "nothing"


def counts_over(amounts, coins):
    """Greedy and optimal coin counts for every amount (both exact-payable here)."""
    g = np.array([greedy_change(int(a), coins).n_coins for a in amounts])
    o = np.array([optimal_change(int(a), coins).n_coins for a in amounts])
    return g, o


def main() -> None:
    args = tut.parse_args(__doc__)
    top = 1000 if args.quick else 3000  # largest amount in the range scans

    with tut.start_run("01_greedy_coin_change", args) as run:
        run.log_params({"quick": args.quick, "max_amount": top})

        tut.section("1. Greedy on a canonical system")
        seed_amount = 4290
        g = greedy_change(seed_amount, KRW)
        o = optimal_change(seed_amount, KRW)
        tut.say(f"Paying {seed_amount} won with coins {KRW}: greedy hands out "
                f"{g.n_coins} coins ({', '.join(f'{k} x {c}' for c, k in g.counts.items())}); "
                f"the exact dynamic programme also needs {o.n_coins}.")
        for label, coins in (("KRW", KRW), ("US", US)):
            step = min(coins)  # every amount the smallest coin can reach
            amounts = np.arange(step, top + 1, step)
            gk, ok = counts_over(amounts, coins)
            worse = int(np.sum(gk > ok))
            tut.say(f"{label} coins {coins}: over all {amounts.size} amounts up to {top}, "
                    f"greedy uses more coins than the optimum {worse} times; "
                    f"is_canonical says {is_canonical(coins)}.")
            run.log_metric(f"greedy_worse.{label}", worse)

        tut.section("2. The 60-coin example")
        amount = 120
        g = greedy_change(amount, SIXTY)
        o = optimal_change(amount, SIXTY)
        tut.say(f"Add a 60 coin: with coins {SIXTY}, greedy pays {amount} as {spelled(g)} "
                f"({g.n_coins} coins), the optimum is {spelled(o)} ({o.n_coins} coins). "
                f"Taking the 100 first looks best now and costs a coin later: greedy never "
                f"reconsiders a choice.")
        run.log_metrics({"sixty.greedy_coins": g.n_coins, "sixty.optimal_coins": o.n_coins})

        tut.section("3. Smallest counterexamples")
        tut.say("smallest_counterexample(coins) finds the least amount where greedy is not "
                "optimal (Pearson's O(n^3) test for systems with a 1-coin), or None:")
        width = max(map(len, SYSTEMS))
        for label, coins in SYSTEMS.items():
            w = smallest_counterexample(coins)
            if w is None:
                print(f"  {label:<{width}}  canonical: greedy is always optimal")
                continue
            g, o = greedy_change(w, coins), optimal_change(w, coins)
            print(f"  {label:<{width}}  {w:>4}: greedy {spelled(g)} ({g.n_coins}), "
                  f"optimal {spelled(o)} ({o.n_coins})")
            run.log_metric("counterexample." + label.split()[0].replace("/", "-"), w)
        w_us, w_us20 = smallest_counterexample(US), smallest_counterexample(SYSTEMS["US + 20-cent coin"])
        if w_us is None and w_us20 is not None:
            tut.say(f"Adding a coin can break a canonical system: US coins are canonical, "
                    f"but with a 20-cent coin greedy already fails at {w_us20}. Canonicity "
                    f"is a property of the whole set, not of each coin.")

        tut.section("4. Greedy against the optimum over a range of amounts")
        amounts = np.arange(10, top + 1, 10)
        g_krw, o_krw = counts_over(amounts, KRW)
        g_60, o_60 = counts_over(amounts, SIXTY)
        excess = g_60 - o_60
        bad = excess > 0
        first = int(amounts[bad][0]) if bad.any() else None
        worst = int(excess.max())
        worst_at = int(amounts[np.argmax(excess)])
        tut.say(f"With coins {SIXTY}, greedy is worse than optimal for {int(bad.sum())} of the "
                f"{amounts.size} amounts from 10 to {top} ({100 * bad.mean():.0f}%), first at "
                f"{first}, by at most {worst} coin(s) (first at {worst_at}); it spends "
                f"{int(g_60.sum())} coins in total where {int(o_60.sum())} would do. "
                f"With KRW coins the two curves are identical "
                f"({int(np.sum(g_krw != o_krw))} differences).")
        run.log_metrics({"sixty.fraction_worse": float(bad.mean()),
                         "sixty.max_excess": worst,
                         "sixty.total_excess": int(excess.sum())})

        # Plot a shorter range than the scans so single amounts stay readable.
        shown = amounts <= (500 if args.quick else 1000)
        fig, axes = plt.subplots(2, 2, figsize=(12, 6.5), sharex=True, sharey="row",
                                 gridspec_kw={"height_ratios": [3, 1.3]})
        for col, coins, gk, ok in ((0, KRW, g_krw, o_krw), (1, SIXTY, g_60, o_60)):
            x, gk, ok = amounts[shown], gk[shown], ok[shown]
            ax, ax_ex = axes[0, col], axes[1, col]
            ax.plot(x, ok, "o-", color="tab:blue", lw=1.5, ms=3.5, label="optimal (DP)")
            ax.plot(x, gk, "x--", color="tab:orange", lw=1, ms=4, label="greedy")
            ax_ex.bar(x, gk - ok, width=7, color="tab:red")
            w = smallest_counterexample(coins)
            verdict = "canonical" if w is None else f"not canonical, first failure at {w}"
            if w is not None and w <= x[-1]:
                for a in (ax, ax_ex):
                    a.axvline(w, color="tab:red", lw=0.8, ls=":")
            ax.set_title(f"coins {', '.join(map(str, sorted(coins)))} ({verdict})")
            ax.legend(loc="upper left", fontsize=9)
            ax.grid(alpha=0.3)
            ax_ex.set_xlabel("amount")
            ax_ex.grid(alpha=0.3)
        axes[0, 0].set_ylabel("number of coins")
        axes[1, 0].set_ylabel("greedy's extra\ncoins")
        axes[1, 0].yaxis.get_major_locator().set_params(integer=True)
        fig.suptitle("Greedy vs optimal coin counts, amounts in steps of 10")
        fig.tight_layout()
        tut.save(fig, "01_greedy_vs_optimal.png", args, run)

    tut.try_next(
        "Find a system where greedy gets stuck although the amount is payable: "
        "greedy_change(9, {3, 5}) raises NoExactChange, optimal_change(9, {3, 5}) pays 3+3+3.",
        "Design your own coin system and test it with is_canonical; which coin could you add "
        "to KRW coins and keep it canonical?",
        "Compare: python -m greedy 4290 --coins 10,50,100,500 and --coins 10,60,100.",
    )


if __name__ == "__main__":
    main()
