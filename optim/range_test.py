"""The learning-rate range test (Smith 2017, "Cyclical learning rates", sec. 3.3).

One run whose learning rate grows geometrically each step, from ``lr_min`` to
``lr_max``; record the loss against the rate; stop once the loss blows up.
Where the loss falls fastest is a good rate; where it blows up is too much.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._validation import (
    check_int,
    check_interval,
    check_positive,
    check_problem,
    check_x0,
    keywords_after_positional,
    readonly,
)
from .minimize import descend, point_evaluator
from .optimizers import resolve_optimizer
from .schedules import geometric_ramp

__all__ = ["RangeTest", "lr_range_test"]


@dataclass(frozen=True, eq=False)
class RangeTest:
    """Outcome of ``lr_range_test``.

    Attributes
    ----------
    lr : numpy.ndarray
        Rate used at each step made.
    loss : numpy.ndarray
        f after that step.
    smoothed : numpy.ndarray
        Bias-corrected exponential moving average of ``loss``.
    suggested_lr : float
        ``lr_min_loss / 10`` (see Notes of ``lr_range_test``).
    lr_steepest : float
        Rate where the smoothed loss falls fastest against log(lr), among the
        points up to its minimum.
    lr_min_loss : float
        Rate at the lowest smoothed loss.
    blew_up : bool
        The run stopped because the loss blew up (not because the rates ran out).
    """

    lr: np.ndarray
    loss: np.ndarray
    smoothed: np.ndarray
    suggested_lr: float
    lr_steepest: float
    lr_min_loss: float
    blew_up: bool

    def to_frame(self):
        """The curve as a pandas DataFrame: columns ``lr, loss, smoothed``."""
        import pandas as pd

        return pd.DataFrame({"lr": self.lr, "loss": self.loss, "smoothed": self.smoothed})

    def __repr__(self):
        return (
            f"RangeTest(steps={self.lr.size}, suggested_lr={self.suggested_lr:.4g}, "
            f"lr_min_loss={self.lr_min_loss:.4g}, blew_up={self.blew_up})"
        )


@keywords_after_positional
def lr_range_test(
    problem,
    optimizer="gd",
    *,
    x0=None,
    lr_min=1e-6,
    lr_max=10.0,
    steps=100,
    smoothing=0.0,
    stop_factor=4.0,
    **hyper,
) -> RangeTest:
    """Smith's learning-rate range test on ``problem``.

    Parameters
    ----------
    problem : Problem
    optimizer : str or callable, default "gd"
        A name in ``OPTIMIZERS`` or a factory ``factory(lr, **hyper)``.
    x0 : array_like, optional
        Start; default ``problem.start``. Keyword-only, as are the arguments
        after it.
    lr_min, lr_max : float
        First and last rate, 0 < lr_min < lr_max.
    steps : int, default 100
        Number of steps (rates) at most, >= 3. Keep it short: a run long
        enough to converge exactly leaves nothing for a large rate to amplify.
    smoothing : float, default 0.0
        EMA coefficient in [0, 1) for the smoothed loss. Our losses are exact
        (full batch), so none is needed; with noisy losses use ~0.9 to 0.98
        (the smoothed curve lags the rate by about 1 / (1 - smoothing) steps).
    stop_factor : float, default 4
        Stop once smoothed - best > (stop_factor - 1) * max(|best|, 1e-12), best
        being the lowest smoothed loss so far; > 1.
    **hyper
        Other optimizer arguments.

    Returns
    -------
    RangeTest

    Raises
    ------
    TypeError, ValueError
        For bad rates, steps, smoothing, stop_factor, x0 or optimizer.

    Notes
    -----
    Step k = 0, 1, ... uses eta_k = lr_min (lr_max / lr_min)^(k / (steps - 1))
    (``optim.schedules.geometric_ramp``) and records (eta_k, f(x_{k+1})).
    Smoothed loss: a_k = s a_{k-1} + (1 - s) f_k, smoothed_k = a_k / (1 - s^(k+1)). The stop rule is Smith's "loss above 4x
    the best", written to make sense for losses of any sign; a non-finite loss
    stops too. Suggested rate: a tenth of the rate at the lowest smoothed
    loss (the rule of thumb of fastai's ``lr_find``). Smith's other reading,
    the steepest descent of the smoothed loss against log(lr), is
    ``lr_steepest``; with exact losses it lands early, where the loss is still
    large, and is far more cautious (both shown on the raw height-weight
    problem in tests/optim/test_range_test.py). On a quadratic, gd cannot
    blow up before eta passes 2/L, so ``lr_min_loss`` is at or just past 2/L
    and the suggestion near 2/(10 L).
    Time O(steps * cost of grad), memory O(steps).

    Examples
    --------
    >>> from optim import Quadratic
    >>> q = Quadratic([[1.0, 0.0], [0.0, 10.0]], [1.0, 1.0])     # 2/L = 0.2
    >>> rt = lr_range_test(q, lr_min=1e-4, lr_max=10.0, steps=100)
    >>> rt.blew_up, bool(rt.lr[-1] > 0.2), rt.suggested_lr < 0.2
    (True, True, True)
    """
    check_problem(problem)
    x = check_x0(problem, x0)
    steps = check_int("steps", steps, 3)
    ramp = geometric_ramp(lr_min, lr_max, steps)
    smoothing = check_interval("smoothing", smoothing, 0.0, 1.0)
    stop_factor = check_positive("stop_factor", stop_factor)
    if not stop_factor > 1:
        raise ValueError(f"stop_factor must be > 1, got {stop_factor!r}")
    _, factory = resolve_optimizer(optimizer)
    opt = factory(ramp, **hyper)

    lrs, losses, smooth = [], [], []
    avg, best, blew_up = 0.0, math.inf, False
    with np.errstate(all="ignore"):
        g = np.asarray(problem.grad(x), dtype=np.float64)
        for k, x, f, g in descend(point_evaluator(problem), opt, x, g, steps):
            if not (math.isfinite(f) and np.all(np.isfinite(g))):
                blew_up = True
                break
            avg = smoothing * avg + (1.0 - smoothing) * f
            s = avg / (1.0 - smoothing**k)
            lrs.append(ramp(k - 1))  # update k used the rate of step k - 1
            losses.append(f)
            smooth.append(s)
            best = min(best, s)
            if s - best > (stop_factor - 1.0) * max(abs(best), 1e-12):
                blew_up = True
                break

    lr_arr, sm = np.array(lrs), np.array(smooth)
    if lr_arr.size == 0:
        raise ValueError(f"the first step already blew up at lr_min={ramp.lr_min!r} on {problem!r}; lower lr_min")
    i_min = int(np.argmin(sm))
    lr_min_loss = float(lr_arr[i_min])
    if i_min >= 1:
        slope = np.gradient(sm[: i_min + 1], np.log(lr_arr[: i_min + 1]))
        lr_steepest = float(lr_arr[int(np.argmin(slope))])
    else:
        lr_steepest = lr_min_loss
    return RangeTest(
        lr=readonly(lr_arr),
        loss=readonly(np.array(losses)),
        smoothed=readonly(sm),
        suggested_lr=lr_min_loss / 10.0,
        lr_steepest=lr_steepest,
        lr_min_loss=lr_min_loss,
        blew_up=blew_up,
    )


