"""Gradient descent and learning-rate experiments.

Which piece to pick:

- Problems (``optim.problems``): ``Quadratic(A, b)`` and ``LeastSquares(X, y)``
  (theory applies: ``L``, ``mu``, ``solution()``), ``Rosenbrock()``,
  ``Himmelblau()`` (four minima), ``DoubleWell()`` (a local and a global minimum).
  Real data: ``LeastSquares.from_height_weight(standardize=...)``.
- Optimizers (``optim.optimizers``, registry ``OPTIMIZERS``): ``gd``, ``momentum``,
  ``nesterov``, ``adam``; optax-style ``init``/``update`` pairs. A learning rate
  is a float or a schedule (``optim.schedules``, registry ``SCHEDULES``).
- ``minimize(problem, optimizer, x0, steps, tol)`` runs one and returns a ``Trace``.
"""

from . import schedules
from .minimize import Trace, minimize
from .optimizers import OPTIMIZERS, adam, gd, momentum, nesterov
from .problems import DoubleWell, Himmelblau, LeastSquares, Problem, Quadratic, Rosenbrock
from .schedules import SCHEDULES, constant, cosine, exponential_decay, inverse_time, step_decay

__all__ = [
    "DoubleWell",
    "Himmelblau",
    "LeastSquares",
    "OPTIMIZERS",
    "Problem",
    "Quadratic",
    "Rosenbrock",
    "SCHEDULES",
    "Trace",
    "adam",
    "constant",
    "cosine",
    "exponential_decay",
    "gd",
    "inverse_time",
    "minimize",
    "momentum",
    "nesterov",
    "schedules",
    "step_decay",
]
