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


def why_smaller_stops_sooner(q, x0, lr: float, best: float, tol: float) -> str:
    """Why ``lr`` < 2/(mu + L) can reach ``|grad| <= tol`` first from ``x0``, computed.

    In the eigenvectors of the Hessian, gradient descent multiplies each component of
    the gradient by 1 - lr lambda per step (optim.theory), so the steps to the stop
    follow from the start's gradient alone: the closed form, not a run.
    """
    H, c, _, _ = q.quadratic_form()
    lam, vecs = np.linalg.eigh(H)  # ascending: the flat direction first, then the steep one
    g0 = np.abs(vecs.T @ (H @ x0 - c))

    def stop(rate):  # first k with |grad_k| <= tol, |grad_k|^2 = sum g0^2 (1 - rate lambda)^(2k)
        factors = np.abs(1 - rate * lam)
        k = 0
        while np.sqrt(np.sum((g0 * factors**k) ** 2)) > tol:
            k += 1
        return k, factors

    (k_lr, (q_flat, q_steep)), (k_best, (q_best, _)) = stop(lr), stop(best)
    e = f"{tol:g}".replace("e-0", "e-")
    return (f"Why a slightly smaller rate can stop sooner: the runs stop on |grad| <= {e}, and "
            f"from this start the gradient is {g0[0]:g} along the flat direction (lambda = "
            f"{lam[0]:g}) but {g0[1]:g} along the steep one (lambda = {lam[1]:g}); at lr = {lr:.3g} "
            f"the large steep part shrinks faster than at 2/(mu + L) ({q_steep:.3f} per step "
            f"against {q_best:.3f}) while the small flat part shrinks only a little slower "
            f"({q_flat:.3f}), so |grad_k|^2 = {g0[0]:g}^2 x {q_flat:.3f}^(2k) + {g0[1]:g}^2 x "
            f"{q_steep:.3f}^(2k) falls below ({e})^2 at k = {k_lr}, against {k_best} at "
            "2/(mu + L): the best worst case, not the best in every case.")


def part1_learning_rates(args, run) -> None:
    tut.section("1. Too small, right, too large")
    q = optim.Quadratic([[1.0, 0.0], [0.0, 10.0]], [1.0, 10.0])
    x0 = np.array([-4.0, 3.0])
    bound, best = optim.stable_lr_bound(q), optim.optimal_lr(q)
    tut.say(f"f(x) = 1/2 x^T A x - b^T x with eigenvalues mu = {q.mu:g} and L = {q.L:g}. "
            f"Theory: gradient descent converges iff the rate is below 2/L = {bound:g}; "
            f"2/(mu + L) = {best:.4g} is the rate with the best worst-case contraction factor "
            f"(kappa - 1)/(kappa + 1) = {optim.contraction_factor(q, best):.3f}: no constant rate "
            "shrinks the slowest direction faster, so none has a better guarantee from every start.")
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
    good = traces[next(k for k in traces if k.startswith("right"))]
    tut.say(f"A sweep over {n} rates: the fastest converged in {int(fastest['converged_at'])} "
            f"steps at lr = {fastest['lr']:.3g} (2/(mu + L) = {best:.3g} itself took "
            f"{good.converged_at}); the largest rate that did not diverge was {last_ok:.3g} and "
            f"the smallest that did {first_div:.3g}, on either side of 2/L = {bound:g}.")
    if fastest["lr"] < best and fastest["converged_at"] < good.converged_at:
        tut.say(why_smaller_stops_sooner(q, x0, float(fastest["lr"]), best, tol=1e-6))
    run.log_metrics({"quadratic.sweep.best_lr": float(fastest["lr"]),
                     "quadratic.sweep.first_diverged_lr": float(first_div)})
    # The good run's loss curve, step by step: tutorial 04 shows how to read it back.
    for k, v in enumerate(good.loss - q.value(q.solution())):
        run.log_metric("quadratic.right.excess_loss", float(v), step=k)

    fig, axes = plt.subplots(1, 3, figsize=(17, 5))
    plots.plot_loss_curves(traces, problem=q, ax=axes[0], title="Loss curves: excess f(x_k) - f*")
    # Show only the first steps of a diverging run: after that it leaves the picture.
    shown = {k: replace(tr, path=tr.path[:8]) if tr.diverged else tr for k, tr in traces.items()}
    plots.plot_contour(q, shown, ax=axes[1], bounds=(-5, 4, -2.5, 4.5),
                       title="Paths on the contours (colours as on the left; square = start)")
    axes[1].get_legend().remove()  # the colours are the left panel's, whose legend is clear of the paths
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
    # The same relative rate for both: half of each problem's 2/(mu + L) (best worst-case factor).
    share = 0.5
    lr_raw, lr_std = share * optim.optimal_lr(raw), share * optim.optimal_lr(std)
    tr_raw = optim.minimize(raw, optim.gd(lr_raw), steps=steps, tol=1e-6)
    tr_std = optim.minimize(std, optim.gd(lr_std), steps=steps, tol=1e-6)
    tr_edge = optim.minimize(raw, optim.gd(optim.optimal_lr(raw)), steps=steps, tol=1e-6)
    f_star = float(raw.value(raw.solution()))
    b_raw, w_raw = raw.solution()
    h = raw.X[:, 1]
    h_mean, h_std = float(h.mean()), float(h.std())
    kappa = optim.condition_number(raw)
    tut.say(f"Least squares on {raw.X.shape[0]:,} people, weight = intercept + slope * height. "
            f"The exact fit (lstsq): intercept {b_raw:.1f} lb, slope {w_raw:.2f} lb/in, mean "
            f"squared error/2 = {f_star:.2f}.")
    tut.say(f"Raw heights (mean {h_mean:.1f} in, between {h.min():.0f} and {h.max():.0f}: "
            f"far from 0) make the Hessian ill-conditioned: kappa = L/mu = {raw.L:.0f}/"
            f"{raw.mu:.2g} = {kappa:.2g}; standardized heights (mean 0, std 1) give kappa = "
            f"{optim.condition_number(std):.3g}. Both runs start at w = 0 and use half of their "
            f"2/(mu + L): lr = {lr_raw:.3g} on raw heights, {lr_std:.3g} on "
            f"standardized ones, at most {steps} steps.")

    conv = tr_std.converged_at
    slope_std = tr_std.x[1] / h_std  # back in lb/in
    tut.say("Standardized: gradient descent "
            + (f"converges (|grad| <= 1e-6) in {conv} steps" if conv is not None
               else f"has not converged after {tr_std.steps_run} steps")
            + f", slope {slope_std:.2f} lb/in, loss {tr_std.final_loss / f_star:.4f} times "
              "the optimum.")
    ratio = tr_raw.final_loss / f_star
    b_gd, w_gd = (float(v) for v in tr_raw.x)
    tut.say(f"Raw: after {tr_raw.steps_run} steps the loss is {tr_raw.final_loss:.2f}, "
            f"{ratio:.2f} times the optimal loss: it looks almost converged. The line is not: "
            f"slope {w_gd:.2f} lb/in instead of {w_raw:.2f}, intercept {round(b_gd, 1) + 0.0:.1f} lb instead "
            f"of {b_raw:.1f}.")

    # Why: the error w_k - w* in the eigenvectors of H, each shrinking by |1 - lr lambda|.
    _, vecs = np.linalg.eigh(raw.H)
    flat, steep = vecs[:, 0], vecs[:, 1]
    err0, err = -raw.solution() @ vecs, (tr_raw.x - raw.solution()) @ vecs
    q_steep, q_flat = abs(1 - lr_raw * raw.L), 1 - lr_raw * raw.mu
    gone = 1 - abs(err[0] / err0[0])
    tut.say(f"Why: H has a steep direction (L = {raw.L:.0f}, mostly the slope, "
            f"({steep[0]:.3f}, {steep[1]:.3f}): it moves the whole line up or down) and a flat "
            f"one (mu = {raw.mu:.2g}, mostly the intercept, ({flat[0]:.3f}, {flat[1]:.3f}): "
            f"one lb of intercept against 1/{-flat[0] / flat[1]:.0f} lb/in of slope, which "
            f"turns the line about the height {-flat[0] / flat[1]:.0f} in, next to the mean). "
            f"Per step the error along the steep direction "
            f"shrinks by |1 - lr L| = {q_steep:.2g}: gone after the first step, so the line "
            f"already passes through the average person ({b_gd + w_gd * h_mean:.1f} lb at "
            f"{h_mean:.1f} in; exact {b_raw + w_raw * h_mean:.1f}). Along the flat direction it "
            f"shrinks by 1 - lr mu = 1 - 1/(kappa + 1) = {q_flat:.8f}: {tr_raw.steps_run} "
            f"steps removed {100 * gone:.3f}% of it, and halving it takes "
            f"{math.log(2) / -math.log(q_flat):.2g} steps. That error costs little loss "
            f"(mu/2 times its square: {tr_raw.final_loss - f_star:.2f}), so the loss says "
            f"'almost done' while the slope is {100 * abs(w_gd / w_raw - 1):.0f}% off.")
    edge_ratio = tr_edge.final_loss / f_star
    bound = optim.stable_lr_bound(raw)
    tut.say(f"At 2/(mu + L) = {optim.optimal_lr(raw):.6g} itself, which is "
            f"2/L = {bound:.6g} times kappa/(kappa + 1) (they differ by "
            f"{1 - optim.optimal_lr(raw) / bound:.2g} relative), the steep direction only "
            f"flips sign each step (factor (kappa - 1)/(kappa + 1) = "
            f"{optim.contraction_factor(raw, optim.optimal_lr(raw)):.8f}): after "
            f"{tr_edge.steps_run} steps the loss is still {edge_ratio:.0f} times the optimum. "
            "A run on the stability edge hides the real lesson of ill-conditioning: at a "
            "safe rate the loss gets small while the parameters stay wrong.")
    run.log_params({"height_weight.lr_share_of_optimal": share})
    run.log_metrics({"height_weight.raw.kappa": kappa,
                     "height_weight.raw.lr": lr_raw,
                     "height_weight.std.lr": lr_std,
                     "height_weight.raw.loss_ratio": ratio,
                     "height_weight.raw.slope": float(w_gd),
                     "height_weight.raw.intercept": float(b_gd),
                     "height_weight.raw.flat_factor": q_flat,
                     "height_weight.raw.steep_factor": q_steep,
                     "height_weight.edge.loss_ratio": edge_ratio,
                     "height_weight.std.slope": float(slope_std),
                     "height_weight.std.loss_ratio": tr_std.final_loss / f_star,
                     "height_weight.std.converged_at": -1 if conv is None else conv})

    fig, axes = plt.subplots(1, 3, figsize=(18, 4.8))
    k_raw, k_std, k_edge = (np.arange(tr.loss.size) for tr in (tr_raw, tr_std, tr_edge))
    axes[0].plot(k_edge, tr_edge.loss / f_star, color="0.6", ls="--",
                 label=f"raw, lr = 2/(mu+L), within {1 - optim.optimal_lr(raw) / bound:.1e} of 2/L: "
                       f"{edge_ratio:.0f} x f*")
    axes[0].plot(k_raw, tr_raw.loss / f_star, color="tab:red", lw=2,
                 label=f"raw, lr = half of 2/(mu+L): {ratio:.3f} x f*")
    axes[0].plot(k_std, tr_std.loss / f_star, color="tab:green", lw=2,
                 label=f"standardized, lr = half of 2/(mu+L): {tr_std.final_loss / f_star:.3f} x f*")
    axes[0].set_yscale("log")
    axes[0].set_ylabel("loss f(w_k) / f*")
    axes[0].set_title("Loss: both runs at half of 2/(mu+L) look done")
    axes[1].axhline(w_raw, color="k", lw=3, label=f"exact slope {w_raw:.2f} (lstsq)")
    axes[1].plot(k_raw, tr_raw.path[:, 1], color="tab:red", lw=2,
                 label=f"raw: stuck at {w_gd:.2f}")
    axes[1].plot(k_std, tr_std.path[:, 1] / h_std, color="tab:green", lw=2, ls="--",
                 label=f"standardized: {slope_std:.2f} after {tr_std.steps_run} steps")
    axes[1].set_ylabel("slope w_k[1] (lb per inch)")
    axes[1].set_title("Slope: raw features leave it far off")
    for ax in axes[:2]:
        ax.set_xscale("symlog", linthresh=1)
        ax.set_xlim(0, steps)
        ax.set_xlabel("step k (log scale after 1)")
        ax.legend(fontsize=9)
        ax.grid(alpha=0.3)
    wt = raw.y
    pick = np.random.default_rng(0).choice(h.size, 1500, replace=False)
    axes[2].scatter(h[pick], wt[pick], s=4, alpha=0.3, color="gray", label="1,500 of the people")
    ends = np.array([h.min(), h.max()])
    axes[2].plot(ends, b_raw + w_raw * ends, "k-", lw=3, label="exact fit (lstsq)")
    axes[2].plot(ends, b_gd + w_gd * ends, color="tab:red", lw=2,
                 label=f"gd, raw, after {tr_raw.steps_run} steps")
    axes[2].axvline(h_mean, color="tab:blue", ls=":", lw=1.5,
                    label=f"mean height {h_mean:.1f} in: the lines cross here")
    axes[2].set_xlabel("height (in)")
    axes[2].set_ylabel("weight (lb)")
    axes[2].set_title("Fitted lines: right level, wrong tilt")
    axes[2].legend(fontsize=9, loc="upper left")
    axes[2].grid(alpha=0.3)
    fig.suptitle(f"Raw heights (kappa = {kappa:.1e}) against standardized ones (kappa = 1), both at half "
                 f"of 2/(mu + L):\nraw heights reach almost the optimal loss ({ratio:.2f} x f*) but not "
                 f"the optimal line (slope {w_gd:.2f}, not {w_raw:.2f}); standardized ones reach both")
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
    mark = 1000  # where each one is after this many steps: the paths alone hide the speed
    # The three paths share the valley floor: plot_contour draws the first widest, so
    # gd (widest, first) stays visible under momentum and Adam.
    opts = {"gd lr=1e-3": optim.gd(1e-3),
            "momentum lr=1e-3, beta=0.9": optim.momentum(1e-3, 0.9),
            "adam lr=0.02": optim.adam(0.02)}
    traces = {name: optim.minimize(r, opt, steps=steps, tol=1e-6) for name, opt in opts.items()}
    x_star = r.solution()
    tut.say(f"Rosenbrock's banana valley, from ({r.start[0]:g}, {r.start[1]:g}) to the "
            f"minimum at ({x_star[0]:g}, {x_star[1]:g}), at most {steps} steps each:")
    for name, tr in traces.items():
        dist = float(np.linalg.norm(tr.x - x_star))
        status = (f"converged in {tr.converged_at} steps" if tr.converged_at is not None
                  else "diverged" if tr.diverged else f"not converged after {tr.steps_run}")
        at = float(np.linalg.norm(tr.path[min(mark, tr.steps_run)] - x_star))
        print(f"  {name:<27} {status}; distance to the minimum {dist:.2g} "
              f"(after {mark} steps {at:.2g}), f = {tr.final_loss:.2g}")
        run.log_metrics({f"rosenbrock.{name.split()[0]}.distance": dist,
                         f"rosenbrock.{name.split()[0]}.steps": tr.steps_run})
    tut.say("Plain gradient descent must keep its rate small for the steep walls, so it "
            "creeps along the flat valley floor. Momentum accumulates the small consistent "
            "downhill component; Adam rescales each coordinate by its recent gradient size.")

    fig, axes = plt.subplots(1, 2, figsize=(14, 5.2))
    plots.plot_contour(r, traces, ax=axes[0], bounds=(-1.6, 1.6, -0.6, 1.8), levels=25,
                       title=f"Paths in the valley (square = start, diamond = step {mark}, "
                             "star = minimum)")
    colors = {line.get_label(): line.get_color() for line in axes[0].get_lines()}
    for name, tr in traces.items():
        at = tr.path[min(mark, tr.steps_run)]
        axes[0].plot(*at, "D", color=colors[name], ms=9, mec="black", zorder=4)  # under the star (5)
    axes[0].legend(fontsize=9, loc="upper center")
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
