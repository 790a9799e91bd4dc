"""Tutorial 04: keep track of experiments.

A learning-rate sweep is a dozen runs; a week of sweeps is hundreds. ``tracking``
stores each run's parameters, metrics (with their history, step by step), tags
and figures in one SQLite file, and finds them again as a pandas DataFrame. This
script logs a small sweep (gradient descent and momentum over learning rates),
finds the best run with ``search_runs`` and a filter, plots a metric history,
and shows the ``python -m tracking`` commands that do the same from a shell.

Run:  python tutorials/04_tracking_experiments.py [--quick]
"""

from __future__ import annotations

import shlex
import subprocess
import sys

import matplotlib.pyplot as plt
import numpy as np

import _common as tut
import optim
import tracking

SWEEP_EXPERIMENT = "tutorial-04-sweep"
TOL = 1e-6  # a run has converged when |grad f| <= TOL


def log_sweep(problem, x0, fractions, steps, sweep_id):
    """One tracked run per (optimizer, learning rate); the loss is logged at every step."""
    bound = optim.stable_lr_bound(problem)
    factories = {"gd": lambda lr: optim.gd(lr),
                 "momentum": lambda lr: optim.momentum(lr, 0.9)}
    for name, factory in factories.items():
        for frac in fractions:
            lr = float(f"{frac * bound:.4g}")  # a readable parameter
            with tracking.start_run(experiment=SWEEP_EXPERIMENT,
                                    run_name=f"{name} lr={lr:.3g}",
                                    tags={"sweep": sweep_id, "problem": repr(problem)}) as run:
                run.log_params({"optimizer": name, "lr": lr, "lr_over_2_L": frac,
                                "beta": 0.9 if name == "momentum" else 0.0, "steps": steps})
                tr = optim.minimize(problem, factory(lr), x0=x0, steps=steps, tol=TOL)
                for k, loss in enumerate(tr.loss):
                    run.log_metric("loss", float(loss), step=k)
                run.log_metrics({
                    "final_loss": tr.final_loss,
                    # a run that never converged counts as the whole budget
                    "steps_to_converge": tr.converged_at if tr.converged_at is not None
                    else steps,
                    "converged": float(tr.converged_at is not None),
                    "diverged": float(tr.diverged),
                })


def run_cli(*argv: str) -> str:
    """Run ``python -m tracking ARGV`` (same interpreter, same store) and return its output."""
    proc = subprocess.run([sys.executable, "-m", "tracking", *argv], capture_output=True,
                          text=True, check=True)
    return proc.stdout


def shell(*argv: str) -> str:
    """The command line a learner would type (filters in double quotes, as in the docs)."""
    def quote(a: str) -> str:
        if "'" in a and not any(c in a for c in '"$`\\!'):
            return f'"{a}"'
        return shlex.quote(a)

    return "python -m tracking " + " ".join(quote(a) for a in argv)


def main() -> None:
    args = tut.parse_args(__doc__)
    fractions = [0.05, 0.5, 0.95, 1.1] if args.quick else [0.02, 0.1, 0.3, 0.6, 0.95, 1.05, 1.5]
    steps = 600 if args.quick else 1000
    # b = 0 puts the minimum at 0 with f* = 0: the loss itself is the error, > 0.
    problem = optim.Quadratic(np.diag([1.0, 50.0]), [0.0, 0.0])
    x0 = np.array([-3.0, 2.0])

    with tut.start_run("04_tracking_experiments", args) as parent:
        sweep_id = parent.run_id[:8]
        parent.log_params({"quick": args.quick, "steps": steps, "n_rates": len(fractions)})

        tut.section("1. Log a sweep")
        log_sweep(problem, x0, fractions, steps, sweep_id)
        mine = f"tags.sweep = '{sweep_id}'"
        df = tracking.search_runs(experiment=SWEEP_EXPERIMENT, filter=mine)
        n_points = sum(len(tracking.metric_history(r, "loss")) for r in df["run_id"])
        tut.say(f"Logged {len(df)} runs to the experiment {SWEEP_EXPERIMENT!r} in "
                f"{tracking.get_tracking_uri()}: gd and momentum (beta 0.9) on a quadratic with "
                f"L = {problem.L:g}, each at {len(fractions)} learning rates from "
                f"{min(fractions):g} to {max(fractions):g} times 2/L, {n_points} loss values "
                f"in all. Every run carries the tag sweep={sweep_id}, so this sweep can be told "
                f"apart from earlier ones.")
        parent.log_metric("sweep_runs", len(df))

        tut.section("2. Find the best run with search_runs and a filter")
        good = f"{mine} and metrics.converged = 1"
        ranked = tracking.search_runs(experiment=SWEEP_EXPERIMENT, filter=good,
                                      order_by="metrics.steps_to_converge ASC")
        cols = ["run_name", "params.optimizer", "params.lr", "metrics.steps_to_converge"]
        print(f'search_runs(experiment="{SWEEP_EXPERIMENT}",\n'
              f'            filter="{good}",\n'
              f'            order_by="metrics.steps_to_converge ASC")')
        if ranked.empty:
            raise SystemExit(f"no run of sweep {sweep_id} converged in {steps} steps: "
                             "raise the step budget")
        print(ranked[cols].head(5).to_string(index=False))
        best = ranked.iloc[0]
        best_of = {}
        for name in ("gd", "momentum"):
            rows = tracking.search_runs(experiment=SWEEP_EXPERIMENT,
                                        filter=f"{good} and params.optimizer = '{name}'",
                                        order_by="metrics.steps_to_converge ASC")
            if len(rows):
                best_of[name] = rows.iloc[0]
        diverged = tracking.search_runs(experiment=SWEEP_EXPERIMENT,
                                        filter=f"{mine} and metrics.diverged = 1")
        tut.say(f"{len(ranked)} of {len(df)} runs converged (|grad| <= {TOL:g} within {steps} "
                f"steps). The best is {best['run_name']!r}: "
                f"{int(best['metrics.steps_to_converge'])} steps."
                + "".join(f" The best {n} run needed {int(r['metrics.steps_to_converge'])} "
                          f"steps (lr {float(r['params.lr']):.3g})." for n, r in best_of.items()))
        if len(diverged):
            lrs = sorted(float(v) for v in diverged["params.lr"])
            tut.say(f"The filter \"metrics.diverged = 1\" finds the run(s) that blew up: "
                    f"{', '.join(diverged['run_name'])}, from lr = {lrs[0]:.3g}; gd's bound is 2/L = {optim.stable_lr_bound(problem):.3g}, "
                    f"momentum with beta 0.9 tolerates up to 2(1 + beta)/L = "
                    f"{2 * 1.9 / problem.L:.3g}.")
        tut.say("Params come back as text (as in MLflow): compare them as strings in a filter "
                "(params.optimizer = 'gd') and convert them with astype(float) in pandas.")
        parent.log_metrics({"best_steps": float(best["metrics.steps_to_converge"]),
                            "best_lr": float(best["params.lr"])})
        parent.set_tags({"best_run": best["run_id"]})

        tut.section("3. Plot a metric history")
        fig, axes = plt.subplots(1, 2, figsize=(13, 4.8))
        colors = {"gd": "tab:blue", "momentum": "tab:orange"}
        for _, row in df.iterrows():  # every run, faint
            h = tracking.metric_history(row["run_id"], "loss")
            axes[0].plot(h["step"], h["value"], color=colors[row["params.optimizer"]],
                         alpha=0.2, lw=0.8)
        for name, row in best_of.items():  # each optimizer's best run, bold
            h = tracking.metric_history(row["run_id"], "loss")
            axes[0].plot(h["step"], h["value"], color=colors[name], lw=2.2,
                         label=f"best {name}: {row['run_name']} "
                               f"({int(row['metrics.steps_to_converge'])} steps)")
        axes[0].set_yscale("log")
        axes[0].set_xlabel("step")
        axes[0].set_ylabel("metric 'loss' = f(x_k), f* = 0")
        axes[0].set_title("metric_history(run_id, 'loss'): best runs bold, all runs faint")
        axes[0].legend(fontsize=9)
        axes[0].grid(alpha=0.3)
        # Both optimizers share the rates, so their markers can land on one spot (e.g. two
        # runs that did not converge): gd's markers are drawn larger, momentum's inside them.
        size = {"gd": 11, "momentum": 6}
        for name, rows in df.groupby("params.optimizer"):
            rows = rows.assign(lr=rows["params.lr"].astype(float)).sort_values("lr")
            conv = rows["metrics.converged"] == 1
            div = rows["metrics.diverged"] == 1
            slow = ~conv & ~div
            axes[1].plot(rows["lr"][conv], rows["metrics.steps_to_converge"][conv], "o-",
                         ms=size[name], color=colors[name], label=f"{name}: steps to converge")
            if slow.any():
                axes[1].plot(rows["lr"][slow], np.full(slow.sum(), steps), "o", mfc="none",
                             mew=1.5, ms=size[name], color=colors[name],
                             label=f"{name}: not converged in budget")
            if div.any():
                axes[1].plot(rows["lr"][div], np.full(div.sum(), steps), "x", mew=1.5,
                             ms=size[name], color=colors[name], label=f"{name}: diverged")
        axes[1].axvline(optim.stable_lr_bound(problem), color="r", ls="--", lw=1, label="2/L")
        axes[1].set_xscale("log")
        axes[1].set_xlabel("learning rate (params.lr)")
        axes[1].set_ylabel("metrics.steps_to_converge")
        axes[1].set_title(f"search_runs: the whole sweep as one DataFrame (budget {steps})")
        axes[1].legend(fontsize=9)
        axes[1].grid(alpha=0.3)
        fig.suptitle(f"A tracked sweep: gd and momentum on a quadratic with kappa = "
                     f"{problem.kappa:g}")
        fig.tight_layout()
        tut.save(fig, "04_metric_history.png", args, parent)
        h = tracking.metric_history(best["run_id"], "loss")
        tut.say(f"metric_history({best['run_id'][:8]!r}, 'loss') returned {len(h)} points "
                f"(columns {', '.join(h.columns)}); the loss fell from {h['value'].iloc[0]:.3g} "
                f"to {h['value'].iloc[-1]:.2g}.")

        tut.section("4. The same from a shell")
        cli_png = args.out / "04_cli_loss.png"
        commands = [
            ("list this sweep's converged runs, best first",
             ["runs", "--experiment", SWEEP_EXPERIMENT, "--filter", good,
              "--order-by", "metrics.steps_to_converge ASC", "--limit", "3"]),
            ("everything about the best run", ["show", best["run_id"][:8]]),
            ("the best gd and momentum runs side by side",
             ["compare", *(r["run_id"][:8] for r in best_of.values())]),
            ("plot its loss history to a PNG",
             ["plot", best["run_id"][:8], "loss", "--logy", "-o", str(cli_png)]),
        ]
        for what, argv in commands:
            print(f"\n# {what}\n$ {shell(*argv)}")
            print(run_cli(*argv).rstrip())
        parent.log_artifact(cli_png)
        print(f"  [figure] {cli_png}")
        tut.say("The store is $OPTSANDBOX_TRACKING_URI, or runs/tracking.db under the working "
                "directory; put --uri sqlite:///path/to/tracking.db before the command to read "
                "another one.")

    tut.try_next(
        "Add nesterov to the sweep and ask search_runs for the fastest run of each optimizer "
        "with order_by=['params.optimizer ASC', 'metrics.steps_to_converge ASC'].",
        "Run the tutorial twice and list both sweeps: "
        f"{shell('runs', '--experiment', SWEEP_EXPERIMENT, '--all')} (see tags.sweep).",
        "Track your own script: wrap it in `with tracking.start_run(experiment='mine') as run:` "
        "and log what you would otherwise print.",
    )


if __name__ == "__main__":
    main()
