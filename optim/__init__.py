"""Gradient descent and learning-rate experiments.

Which piece to pick:

- Problems (``optim.problems``): ``Quadratic(A, b)`` and ``LeastSquares(X, y)``
  (constant Hessian: ``L``, ``mu``, ``solution()``, the theory applies),
  ``Rosenbrock()``, ``Himmelblau()`` (four minima), ``DoubleWell()`` (a local and
  a global minimum). Real data: ``LeastSquares.from_height_weight(standardize=...)``.
- Optimizers (``optim.optimizers``, registry ``OPTIMIZERS``): ``gd``, ``momentum``,
  ``nesterov``, ``adam``: optax-style ``init``/``update`` pairs, ``x_new = x + step``.
  A learning rate is a float or a schedule (``optim.schedules``, registry
  ``SCHEDULES``).
- ``minimize(problem, optimizer, x0=..., steps=..., tol=...)``: one run, a
  ``Trace``. After the optimizer every argument is keyword-only, with the same
  names and defaults in ``compare_lrs`` and ``lr_sweep``.
- ``lr_sweep(problem, lrs, ...)``: one row per learning rate (vectorized across
  rates for gd/momentum/nesterov on quadratics); ``compare_lrs``: the traces.
- ``lr_range_test(problem, ...)``: Smith's one-run test with a growing rate.
- Theory (``optim.theory``): ``stable_lr_bound`` (2/L), ``optimal_lr`` (2/(mu+L)),
  ``contraction_factor``, ``condition_number``, ``tuned_momentum``, ``tuned_nesterov``.
- Figures: ``optim.plots`` (imports matplotlib only when called).

Example
-------
>>> import optim
>>> ls = optim.LeastSquares.from_height_weight(standardize=True)
>>> round(optim.condition_number(ls), 9)        # standardized: H = I
1.0
>>> tr = optim.minimize(ls, optim.gd(0.5), steps=100, tol=1e-8)
>>> tr.converged_at, bool(abs(tr.x - ls.solution()).max() < 1e-7)
(34, True)
"""

from . import plots, schedules, theory
from .minimize import Trace, minimize
from .optimizers import OPTIMIZERS, adam, gd, momentum, nesterov
from .problems import DoubleWell, Himmelblau, LeastSquares, Problem, Quadratic, Rosenbrock
from .range_test import RangeTest, lr_range_test
from .schedules import SCHEDULES, constant, cosine, exponential_decay, geometric_ramp, inverse_time, step_decay
from .sweep import compare_lrs, lr_sweep
from .theory import (
    condition_number,
    contraction_factor,
    optimal_lr,
    stable_lr_bound,
    tuned_momentum,
    tuned_nesterov,
)

__all__ = [
    "DoubleWell",
    "Himmelblau",
    "LeastSquares",
    "OPTIMIZERS",
    "Problem",
    "Quadratic",
    "RangeTest",
    "Rosenbrock",
    "SCHEDULES",
    "Trace",
    "adam",
    "compare_lrs",
    "condition_number",
    "constant",
    "contraction_factor",
    "cosine",
    "exponential_decay",
    "gd",
    "geometric_ramp",
    "inverse_time",
    "lr_range_test",
    "lr_sweep",
    "minimize",
    "momentum",
    "nesterov",
    "optimal_lr",
    "plots",
    "schedules",
    "stable_lr_bound",
    "step_decay",
    "theory",
    "tuned_momentum",
    "tuned_nesterov",
]
