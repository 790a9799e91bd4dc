"""Learning-rate sweeps on the 25,000-row height-weight least squares.

Target: a sweep of 100 learning rates x 1,000 steps of gd on the
25,000-row least squares in <= 1 s. Compared side by side in one process:

- ``lr_sweep`` vectorized: all rates as columns of one 2 x 100 matrix;
- a plain per-rate numpy loop doing the same O(d^2) step (precomputed X^T X / m);
- ``lr_sweep(method="loop")``: ``minimize`` per rate, whose loss is the residual
  sum over all 25,000 rows each step (timed on a subset of rates, scaled up).

Then what the rates do: raw features (kappa ~ 6e6) against standardized ones
(kappa = 1), final loss and steps to converge against lr, with 2/L marked, and
whether the sweep flagged exactly the rates above 2/L.

``python -m benchmarks.lr [--full] [--no-track]``
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from benchmarks.common import BenchResult, best_time, format_table, seconds, times
from optim import LeastSquares, condition_number, lr_sweep, optimal_lr, stable_lr_bound
from optim.minimize import divergence_threshold

N_LRS = 100
STEPS = 1000
TARGET_S = 1.0


def _plain_loop(problem, lrs, steps):
    """Same step and stopping rule as the sweep, one rate at a time (no vectorization)."""
    H, c, x_star, f_star = problem.quadratic_form()
    threshold = divergence_threshold(float(problem.value(problem.start)))
    out = []
    with np.errstate(all="ignore"):
        for lr in lrs:
            x = problem.start.copy()
            g = H @ x - c
            k = 0
            for k in range(1, steps + 1):
                x = x - lr * g
                g = H @ x - c
                e = x - x_star
                f = f_star + 0.5 * e @ (H @ e)
                if not (f <= threshold):
                    break
            out.append(k)
    return out


def run(quick: bool = True, smoke: bool = False) -> BenchResult:
    raw = LeastSquares.from_height_weight()
    std = LeastSquares.from_height_weight(standardize=True)
    bound_raw = stable_lr_bound(raw)

    # --- timing: 100 stable rates x 1,000 steps (tol=None: every column runs every step)
    lrs = np.geomspace(1e-3, 0.99, N_LRS) * bound_raw
    lr_sweep(raw, lrs[:2], steps=10)  # warm imports (pandas) outside the timings
    t_vec = best_time(lambda: lr_sweep(raw, lrs, steps=STEPS, tol=None), repeat=1 if smoke else 5, budget=5.0)
    n_plain = 2 if smoke else 20 if quick else N_LRS
    t_plain = (
        best_time(lambda: _plain_loop(raw, lrs[:n_plain], STEPS), repeat=1 if smoke else 2, budget=10.0)
        * N_LRS / n_plain
    )
    n_loop = 1 if smoke else 5 if quick else 25
    t_loop = (
        best_time(lambda: lr_sweep(raw, lrs[:n_loop], steps=STEPS, tol=None, method="loop"), repeat=1)
        * N_LRS / n_loop
    )
    timing = pd.DataFrame(
        [
            {"implementation": "lr_sweep vectorized", "rates_timed": N_LRS, "seconds_100x1000": t_vec, "ratio": 1.0},
            {"implementation": "plain numpy loop per rate", "rates_timed": n_plain,
             "seconds_100x1000": t_plain, "ratio": t_plain / t_vec},
            {"implementation": "lr_sweep loop (minimize)", "rates_timed": n_loop,
             "seconds_100x1000": t_loop, "ratio": t_loop / t_vec},
        ]
    )

    # --- behaviour: rates from 1e-3 to 1.5 x 2/L, raw and standardized
    fracs = np.geomspace(1e-3, 1.5, N_LRS)
    rows, sweeps = [], {}
    for label, problem, steps in (("raw", raw, STEPS), ("standardized", std, STEPS)):
        bound = stable_lr_bound(problem)
        df = lr_sweep(problem, fracs * bound, steps=steps, tol=1e-6)
        sweeps[label] = (problem, df)
        above = df["lr"].to_numpy() > bound
        conv = df["converged_at"].dropna()
        best = df.loc[conv.astype(float).idxmin()] if len(conv) else None
        f_star = float(problem.value(problem.solution()))
        # f is a sum of m squared residuals: below m * eps * f* an excess is round-off, not progress
        roundoff = problem.X.shape[0] * np.finfo(float).eps * f_star
        ok = ~df["diverged"]
        excess = float((df.loc[ok, "final_loss"] - f_star).min())
        rows.append(
            {
                "features": label,
                "kappa": condition_number(problem),
                "2/L": bound,
                "2/(mu+L)": optimal_lr(problem),
                "diverged": int(df["diverged"].sum()),
                "flag_mismatches_vs_2/L": int((df["diverged"].to_numpy() != above).sum()),
                "converged": int(len(conv)),
                "fewest_steps": None if best is None else int(best["converged_at"]),
                "lr_fewest_steps": None if best is None else float(best["lr"]),
                "best_final_excess": 0.0 if abs(excess) <= roundoff else excess,
            }
        )
    behaviour = pd.DataFrame(rows)

    import matplotlib.pyplot as plt

    from optim.plots import plot_sweep

    fig, axes = plt.subplots(1, 3, figsize=(17, 4.5))
    problem, df = sweeps["raw"]
    plot_sweep(df, problem=problem, y="final_loss", ax=axes[0],
               title=f"raw features (kappa {condition_number(problem):.1e}): excess after {STEPS} steps")
    # below the axes: inside, "best" put it over the falling curve
    axes[0].legend(fontsize="small", loc="upper center", bbox_to_anchor=(0.5, -0.15))
    problem, df = sweeps["standardized"]
    plot_sweep(df, problem=problem, y="steps", ax=axes[1], title="standardized features (kappa 1): steps to |grad| <= 1e-6")
    axes[2].barh(timing["implementation"], timing["seconds_100x1000"])
    axes[2].axvline(TARGET_S, color="r", ls="--", lw=1, label="target 1 s")
    axes[2].set_xscale("log")
    axes[2].set(xlabel="seconds for 100 rates x 1,000 steps (25,000 rows)", title="Sweep time")
    axes[2].legend()
    fig.tight_layout()

    met = t_vec <= TARGET_S
    notes = [
        "",
        format_table(behaviour, {"kappa": lambda x: f"{x:.2g}", "2/L": lambda x: f"{x:.6g}",
                                 "2/(mu+L)": lambda x: f"{x:.6g}"}),
        f"best_final_excess: the lowest f - f* after {STEPS} steps among the rates that did not diverge; "
        f"0 when within the round-off of summing {raw.X.shape[0]:,} squared residuals (m * eps * f* = "
        f"{roundoff:.1e})",
        "",
        f"vectorized sweep, 100 rates x 1,000 steps on 25,000 rows: {t_vec:.3f} s "
        f"(target <= {TARGET_S:g} s: {'met' if met else 'MISSED'}); "
        f"{t_plain / t_vec:.0f}x faster than a plain per-rate loop, {t_loop / t_vec:.0f}x than minimize per rate",
        f"loop timings scaled from {n_plain} and {n_loop} rates to {N_LRS}" if n_plain < N_LRS or n_loop < N_LRS else "",
    ]
    metrics = {
        "sweep_vectorized_s": t_vec,
        "sweep_plain_loop_s": t_plain,
        "sweep_minimize_loop_s": t_loop,
        "ratio_plain_over_vectorized": t_plain / t_vec,
        "ratio_minimize_over_vectorized": t_loop / t_vec,
        "target_met": float(met),
        "kappa_raw": rows[0]["kappa"],
        "kappa_standardized": rows[1]["kappa"],
        "flag_mismatches": rows[0]["flag_mismatches_vs_2/L"] + rows[1]["flag_mismatches_vs_2/L"],
    }
    if rows[1]["fewest_steps"] is not None:
        metrics["standardized_fewest_steps"] = rows[1]["fewest_steps"]
    params = {"quick": quick, "smoke": smoke, "rates": N_LRS, "steps": STEPS, "rows": raw.X.shape[0],
              "loop_rates_timed": n_loop, "plain_rates_timed": n_plain}
    columns = {"seconds_100x1000": ("100 rates x 1,000 steps", seconds), "ratio": ("time / vectorized", times)}
    return BenchResult("lr", timing, params, metrics, fig, notes, columns)


if __name__ == "__main__":
    # Same flags as `python -m benchmarks` (--quick by default, --full, --out, --no-track).
    from benchmarks.__main__ import main

    sys.exit(main(["--only", "lr", *sys.argv[1:]]))
