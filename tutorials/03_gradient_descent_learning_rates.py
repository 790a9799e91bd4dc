"""Tutorial 03: gradient descent and the learning rate.

Too small a learning rate crawls, a good one converges, one above 2/L diverges.
We see it on a quadratic (loss curves, paths on the contours, a sweep), on a real
regression (height against weight, raw against standardized features), on
functions with several minima (the start decides where you end), and on the
Rosenbrock valley, where momentum and Adam beat plain gradient descent.

Run:  python tutorials/03_gradient_descent_learning_rates.py [--quick]
"""

from __future__ import annotations

import math
from dataclasses import replace

import matplotlib.pyplot as plt
import numpy as np

import _common as tut
import optim
from optim import plots


def steps_to_shrink(factor: float, by: float = 1e6) -> float:
    """Steps for an error contracting by ``factor`` per step to shrink ``by`` times."""
    if factor >= 1.0:
        return math.inf
    return math.log(by) / -math.log(factor)


def part1_learning_rates(args, run) -> None:
    tut.section("1. Too small, right, too large")
    q = optim.Quadratic([[1.0, 0.0], [0.0, 10.0]], [1.0, 10.0])
    x0 = np.array([-4.0, 3.0])
    bound, best = optim.stable_lr_bound(q), optim.optimal_lr(q)
    tut.say(f"f(x) = 1/2 x^T A x - b^T x with eigenvalues mu = {q.mu:g} and L = {q.L:g}. "
            f"Theory: gradient descent converges iff the rate is below 2/L = {bound:g}; "
            f"the best constant rate is 2/(mu + L) = {best:.4g}.")
    steps = 1000  # cheap on a 2-D quadratic; --quick shrinks the sweep instead
    lrs = {"too small": 0.1 * best, "right": best, "just below 2/L": 0.975 * bound,
           "above 2/L": 1.05 * bound}
    traces = {}
    for what, lr in lrs.items():
        tr = optim.minimize(q, optim.gd(lr), x0=x0, steps=steps, tol=1e-6)
        factor = optim.contraction_factor(q, lr)
        traces[f"{what}: lr={lr:.3g}"] = tr
        if tr.diverged:
            outcome = f"diverged after {tr.steps_run} steps (loss {tr.final_loss:.3g})"
        elif tr.converged_at is not None:
            outcome = f"converged (|grad| <= 1e-6) in {tr.converged_at} steps"
        else:
            outcome = (f"had not converged after {steps} steps "
                       f"(|grad| still {tr.grad_norm[-1]:.2g})")
        print(f"  {what:>15} lr = {lr:.4g}: contraction factor |1 - lr*lambda|max = "
              f"{factor:.3f}, predicts {steps_to_shrink(factor):.0f} steps per 1e6; {outcome}")
        key = what.replace(" ", "_").replace("/", "")
        run.log_metrics({f"quadratic.{key}.steps": tr.steps_run,
                         f"quadratic.{key}.diverged": float(tr.diverged)})
    edge = traces[next(k for k in traces if k.startswith("just below"))]
    tut.say("The factor max|1 - lr*lambda| over the eigenvalues is the whole story: below 1 "
            "the error shrinks geometrically, at 1 it stalls, above 1 it grows. Just below "
            "2/L the steep direction overshoots and zigzags"
            + (" but still converges." if edge.converged_at is not None else "."))

    n = 20 if args.quick else 60
    sweep = optim.lr_sweep(q, np.geomspace(0.05 * best, 1.2 * bound, n), x0=x0,
                           steps=steps, tol=1e-6)
    ok = sweep[~sweep["diverged"]]
    fastest = ok.loc[ok["converged_at"].astype(float).idxmin()]
    first_div = sweep.loc[sweep["diverged"], "lr"].min()
    last_ok = ok["lr"].max()
    tut.say(f"A sweep over {n} rates: the fastest converged in {int(fastest['converged_at'])} "
            f"steps at lr = {fastest['lr']:.3g} (theory's best {best:.3g}); the largest "
            f"rate that did not diverge was {last_ok:.3g} and the smallest that did "
            f"{first_div:.3g}, on either side of 2/L = {bound:g}.")
    run.log_metrics({"quadratic.sweep.best_lr": float(fastest["lr"]),
                     "quadratic.sweep.first_diverged_lr": float(first_div)})
    # The good run's loss curve, step by step: tutorial 04 shows how to read it back.
    good = traces[next(k for k in traces if k.startswith("right"))]
    for k, v in enumerate(good.loss - q.value(q.solution())):
        run.log_metric("quadratic.right.excess_loss", float(v), step=k)

    fig, axes = plt.subplots(1, 3, figsize=(17, 5))
    plots.plot_loss_curves(traces, problem=q, ax=axes[0], title="Loss curves: excess f(x_k) - f*")
    # Show only the first steps of a diverging run: after that it leaves the picture.
    shown = {k: replace(tr, path=tr.path[:8]) if tr.diverged else tr for k, tr in traces.items()}
    plots.plot_contour(q, shown, ax=axes[1], bounds=(-5, 4, -2.5, 4.5),
                       title="Paths on the contours (square = start)")
    axes[1].legend(fontsize=8, loc="lower right")
    plots.plot_sweep(sweep, problem=q, y="steps", ax=axes[2],
                     title=f"Steps to converge over {n} rates")
    fig.suptitle(f"Gradient descent on a quadratic with L = {q.L:g}: the rate must stay below "
                 f"2/L = {bound:g}")
    fig.tight_layout()
    tut.save(fig, "03_learning_rates.png", args, run)


def part2_height_weight(args, run) -> None:
    tut.section("2. Real data: height -> weight, raw against standardized features")
    raw = optim.LeastSquares.from_height_weight()
    std = optim.LeastSquares.from_height_weight(standardize=True)
    steps = 500 if args.quick else 2000
    tr_raw = optim.minimize(raw, optim.gd(optim.optimal_lr(raw)), steps=steps, tol=1e-6)
    tr_std = optim.minimize(std, optim.gd(0.5 * optim.optimal_lr(std)), steps=steps, tol=1e-6)
    f_star = float(raw.value(raw.solution()))
    b_raw, w_raw = raw.solution()
    f_raw = optim.contraction_factor(raw, optim.optimal_lr(raw))
    tut.say(f"Least squares on {raw.X.shape[0]:,} people, weight = intercept + slope * height. "
            f"The exact fit (lstsq): intercept {b_raw:.1f} lb, slope {w_raw:.2f} lb/in, mean "
            f"squared error/2 = {f_star:.2f}.")
    h = raw.X[:, 1]
    tut.say(f"Raw heights (mean {h.mean():.1f} in, between {h.min():.0f} and {h.max():.0f}: "
            f"far from 0) make the Hessian ill-conditioned: "
            f"kappa = {optim.condition_number(raw):.2g}. Even at the best rate the factor is "
            f"{f_raw:.8f}, about {steps_to_shrink(f_raw):.2g} steps to shrink the error a "
            f"million times. After {tr_raw.steps_run} steps gradient descent has intercept "
            f"{tr_raw.x[0]:.2f} and slope {tr_raw.x[1]:.3f}: loss {tr_raw.final_loss:.1f}, "
            f"{tr_raw.final_loss / f_star:.0f} times the optimum.")
    conv = tr_std.converged_at
    tut.say(f"Standardized heights (mean 0, std 1): kappa = {optim.condition_number(std):.3g}, "
            f"and even at half the best rate gradient descent "
            + (f"converges in {conv} steps" if conv is not None else "does not converge")
            + f" to loss {tr_std.final_loss:.2f}. Same model, same optimum, another "
              "coordinate system.")
    run.log_metrics({"height_weight.raw.kappa": optim.condition_number(raw),
                     "height_weight.raw.final_loss": tr_raw.final_loss,
                     "height_weight.std.final_loss": tr_std.final_loss,
                     "height_weight.std.converged_at": -1 if conv is None else conv})

    fig, axes = plt.subplots(1, 2, figsize=(13, 4.8))
    for tr, label, color in ((tr_raw, "raw heights", "tab:red"),
                             (tr_std, "standardized heights", "tab:green")):
        excess = np.maximum(tr.loss - f_star, np.finfo(float).tiny)
        axes[0].semilogy(excess, color=color, label=label)
    axes[0].set_xlabel("step k")
    axes[0].set_ylabel("f(w_k) - f*")
    axes[0].set_title("Loss: same data, different features")
    axes[0].legend()
    axes[0].grid(alpha=0.3)
    h, wt = raw.X[:, 1], raw.y
    pick = np.random.default_rng(0).choice(h.size, 1500, replace=False)
    axes[1].scatter(h[pick], wt[pick], s=4, alpha=0.3, color="gray", label="1,500 of the people")
    grid = np.argsort(h)[[0, -1]]  # the shortest and the tallest person
    axes[1].plot(h[grid], raw.X[grid] @ raw.solution(), "k-", lw=3, label="exact fit (lstsq)")
    axes[1].plot(h[grid], raw.X[grid] @ tr_raw.x, "--", color="tab:red",
                 label=f"gd, raw, after {tr_raw.steps_run} steps")
    axes[1].plot(h[grid], std.X[grid] @ tr_std.x, ":", color="tab:green", lw=2,
                 label=f"gd, standardized, after {tr_std.steps_run} steps")
    axes[1].set_xlabel("height (in)")
    axes[1].set_ylabel("weight (lb)")
    axes[1].set_title("Fitted lines")
    axes[1].legend(fontsize=9)
    axes[1].grid(alpha=0.3)
    fig.suptitle("Standardizing a feature turns kappa = "
                 f"{optim.condition_number(raw):.1e} into {optim.condition_number(std):.0f}")
    fig.tight_layout()
    tut.save(fig, "03_height_weight.png", args, run)


def part3_local_minima(args, run) -> None:
    tut.section("3. Several minima: the start decides")
    dw, hb = optim.DoubleWell(), optim.Himmelblau()
    n_dw = 7 if args.quick else 11
    starts = np.linspace(-2.2, 2.2, n_dw)
    dw_traces = {float(s): optim.minimize(dw, optim.gd(0.01), x0=[s], steps=3000, tol=1e-8)
                 for s in starts}
    glob, loc = dw.minima()[:, 0]
    ends = np.array([tr.x[0] for tr in dw_traces.values()])
    to_global = int(np.sum(np.abs(ends - glob) < 1e-3))
    to_local = int(np.sum(np.abs(ends - loc) < 1e-3))
    hump = float(dw.critical_points()[1])
    right = starts > hump
    same_side = bool(np.all(np.abs(ends[right] - loc) < 1e-3)
                     and np.all(np.abs(ends[~right] - glob) < 1e-3))
    formula = f"x^4 - 4x^2 + {dw.tilt:g}x"
    tut.say(f"The double well {formula} has a global minimum at x = {glob:.3f} "
            f"(f = {float(dw.value(np.array([glob]))):.3f}) and a local one at x = {loc:.3f} "
            f"(f = {float(dw.value(np.array([loc]))):.3f}). From {n_dw} starts in "
            f"[{starts[0]:g}, {starts[-1]:g}], gradient descent ends in the global minimum "
            f"{to_global} times and in the local one {to_local} times"
            + (f": exactly the starts right of the hump at x = {hump:.3f} roll into the "
               "shallower well. Gradients only see downhill." if same_side else "."))

    n_hb = 6 if args.quick else 12
    angles = np.linspace(0, 2 * np.pi, n_hb, endpoint=False)
    hb_traces = {}
    for a in angles:
        s = 5.0 * np.array([np.cos(a), np.sin(a)])
        hb_traces[f"start ({s[0]:.1f}, {s[1]:.1f})"] = optim.minimize(hb, optim.gd(0.01), x0=s,
                                                                       steps=2000, tol=1e-6)
    minima = hb.minima()
    reached = {int(np.argmin(np.linalg.norm(minima - tr.x, axis=1)))
               for tr in hb_traces.values() if not tr.diverged}
    tut.say(f"Himmelblau's function has {len(minima)} minima, all with f = 0. From {n_hb} starts "
            f"on a circle of radius 5, gradient descent (lr 0.01) found {len(reached)} of them: "
            f"every minimum is equally good here, but which one you get depends on where you "
            f"start.")
    run.log_metrics({"double_well.to_global": to_global, "double_well.to_local": to_local,
                     "himmelblau.minima_found": len(reached)})

    fig, axes = plt.subplots(1, 2, figsize=(14, 5.5))
    xs = np.linspace(-2.4, 2.4, 400)
    axes[0].plot(xs, dw.value(xs[None, :]), "k-", lw=1.5, label=f"f(x) = {formula}")
    for s, tr in dw_traces.items():
        end = tr.x[0]
        color = "tab:blue" if abs(end - glob) < 1e-3 else "tab:orange"
        axes[0].annotate("", xy=(end, float(dw.value(np.array([end])))),
                         xytext=(s, float(dw.value(np.array([s])))),
                         arrowprops=dict(arrowstyle="->", color=color, lw=1,
                                         connectionstyle="arc3,rad=0.25"))
        axes[0].plot(s, dw.value(np.array([s])), "s", color=color, ms=5)
    axes[0].plot([], [], "s", color="tab:blue", label="start -> global minimum")
    axes[0].plot([], [], "s", color="tab:orange", label="start -> local minimum")
    axes[0].axvline(hump, color="gray", ls=":", lw=1, label="the hump (local maximum)")
    axes[0].set_xlabel("x")
    axes[0].set_ylabel("f(x)")
    axes[0].set_title(f"Double well: {n_dw} starts, gradient descent (lr 0.01)")
    axes[0].legend(fontsize=9, loc="upper center")
    axes[0].grid(alpha=0.3)
    plots.plot_contour(hb, hb_traces, ax=axes[1], bounds=(-5.5, 5.5, -5.5, 5.5),
                       title=f"Himmelblau: {n_hb} starts (squares) find {len(reached)} "
                             f"of the {len(minima)} minima (stars)")
    axes[1].get_legend().remove()
    axes[1].set_aspect("equal")
    fig.tight_layout()
    tut.save(fig, "03_local_minima.png", args, run)


def part4_rosenbrock(args, run) -> None:
    tut.section("4. The Rosenbrock valley: momentum and Adam")
    r = optim.Rosenbrock()
    steps = 5000 if args.quick else 10000
    # gd last, so its path (which stops short of the minimum) is drawn on top.
    opts = {"adam lr=0.02": optim.adam(0.02),
            "momentum lr=1e-3, beta=0.9": optim.momentum(1e-3, 0.9),
            "gd lr=1e-3": optim.gd(1e-3)}
    traces = {name: optim.minimize(r, opt, steps=steps, tol=1e-6) for name, opt in opts.items()}
    x_star = r.solution()
    tut.say(f"Rosenbrock's banana valley, from ({r.start[0]:g}, {r.start[1]:g}) to the "
            f"minimum at ({x_star[0]:g}, {x_star[1]:g}), at most {steps} steps each:")
    for name, tr in traces.items():
        dist = float(np.linalg.norm(tr.x - x_star))
        status = (f"converged in {tr.converged_at} steps" if tr.converged_at is not None
                  else "diverged" if tr.diverged else f"not converged after {tr.steps_run}")
        print(f"  {name:<27} {status}; distance to the minimum {dist:.2g}, "
              f"f = {tr.final_loss:.2g}")
        run.log_metrics({f"rosenbrock.{name.split()[0]}.distance": dist,
                         f"rosenbrock.{name.split()[0]}.steps": tr.steps_run})
    tut.say("Plain gradient descent must keep its rate small for the steep walls, so it "
            "creeps along the flat valley floor. Momentum accumulates the small consistent "
            "downhill component; Adam rescales each coordinate by its recent gradient size.")

    fig, axes = plt.subplots(1, 2, figsize=(14, 5.2))
    plots.plot_contour(r, traces, ax=axes[0], bounds=(-1.6, 1.6, -0.6, 1.8), levels=25,
                       title="Paths in the valley (square = start, star = minimum)")
    plots.plot_loss_curves(traces, problem=r, ax=axes[1], title="f(x_k) - f* against step")
    fig.suptitle("Rosenbrock: momentum and Adam against plain gradient descent")
    fig.tight_layout()
    tut.save(fig, "03_rosenbrock.png", args, run)


def main() -> None:
    args = tut.parse_args(__doc__)
    with tut.start_run("03_gradient_descent_learning_rates", args) as run:
        run.log_params({"quick": args.quick})
        part1_learning_rates(args, run)
        part2_height_weight(args, run)
        part3_local_minima(args, run)
        part4_rosenbrock(args, run)
    tut.try_next(
        "Add optim.nesterov(1e-3, 0.9) to the Rosenbrock race, or give Adam a schedule: "
        "optim.adam(optim.cosine(0.05, 3000)).",
        "Run optim.lr_range_test on the raw height-weight problem and compare its suggested "
        "rate with optim.stable_lr_bound.",
        "Tilt the double well the other way (optim.DoubleWell(tilt=-1)) and predict which "
        "starts now reach the global minimum before you run it.",
    )


if __name__ == "__main__":
    main()
