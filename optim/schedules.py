"""Learning-rate schedules: callables ``step -> lr``.

Wherever the package accepts a learning rate it accepts one of these (or any
callable of the step count giving a positive number at step 0). ``step`` is
the number of updates made so far: 0 for the first update. Each schedule also
accepts an integer numpy array of steps and returns an array of rates.

``SCHEDULES`` maps a name to its factory, so tests and tools can loop over them.
The classes validate their fields themselves, so ``ExponentialDecay(...)`` built
directly refuses what ``exponential_decay(...)`` refuses, with the same message.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ._validation import check_int, check_interval, check_positive, check_rate_factor

__all__ = [
    "SCHEDULES",
    "Constant",
    "Cosine",
    "ExponentialDecay",
    "GeometricRamp",
    "InverseTime",
    "StepDecay",
    "constant",
    "cosine",
    "exponential_decay",
    "geometric_ramp",
    "inverse_time",
    "step_decay",
]


def _steps(step):
    """``step`` as float (scalar) or float array, refusing negative steps."""
    if isinstance(step, (bool, np.bool_)) or (isinstance(step, np.ndarray) and step.dtype == bool):
        raise TypeError(f"step must be an integer >= 0 (an update count), got {step!r}")
    k = np.asarray(step, dtype=np.float64)
    if not np.all(k >= 0):  # nan fails too
        raise ValueError(f"step must be >= 0, got {step!r}")
    return k


def _out(value):
    return float(value) if np.ndim(value) == 0 else value


def _set_fields(schedule, **values):
    """Store the checked ``values`` on a frozen schedule (from its ``__post_init__``)."""
    for name, value in values.items():
        object.__setattr__(schedule, name, value)


@dataclass(frozen=True)
class Constant:
    """eta_k = value."""

    value: float

    def __post_init__(self):
        _set_fields(self, value=check_positive("value", self.value))

    def __call__(self, step):
        k = _steps(step)
        return _out(np.full(k.shape, self.value))


@dataclass(frozen=True)
class ExponentialDecay:
    """eta_k = init_value * decay_rate ** (k / decay_steps)."""

    init_value: float
    decay_rate: float
    decay_steps: int

    def __post_init__(self):
        _set_fields(
            self,
            init_value=check_positive("init_value", self.init_value),
            decay_rate=check_rate_factor("decay_rate", self.decay_rate),
            decay_steps=check_int("decay_steps", self.decay_steps, 1),
        )

    def __call__(self, step):
        k = _steps(step)
        return _out(self.init_value * self.decay_rate ** (k / self.decay_steps))


@dataclass(frozen=True)
class InverseTime:
    """eta_k = init_value / (1 + decay_rate * k / decay_steps)."""

    init_value: float
    decay_rate: float
    decay_steps: int

    def __post_init__(self):
        _set_fields(
            self,
            init_value=check_positive("init_value", self.init_value),
            decay_rate=check_interval("decay_rate", self.decay_rate, 0.0, math.inf),
            decay_steps=check_int("decay_steps", self.decay_steps, 1),
        )

    def __call__(self, step):
        k = _steps(step)
        return _out(self.init_value / (1.0 + self.decay_rate * k / self.decay_steps))


@dataclass(frozen=True)
class StepDecay:
    """eta_k = init_value * factor ** floor(k / every)."""

    init_value: float
    factor: float
    every: int

    def __post_init__(self):
        _set_fields(
            self,
            init_value=check_positive("init_value", self.init_value),
            factor=check_rate_factor("factor", self.factor),
            every=check_int("every", self.every, 1),
        )

    def __call__(self, step):
        k = _steps(step)
        return _out(self.init_value * self.factor ** np.floor(k / self.every))


@dataclass(frozen=True)
class Cosine:
    """eta_k = init_value * ((1 - alpha) * (1 + cos(pi * min(k, T) / T)) / 2 + alpha)."""

    init_value: float
    decay_steps: int
    alpha: float

    def __post_init__(self):
        _set_fields(
            self,
            init_value=check_positive("init_value", self.init_value),
            decay_steps=check_int("decay_steps", self.decay_steps, 1),
            alpha=check_interval("alpha", self.alpha, 0.0, 1.0),
        )

    def __call__(self, step):
        k = np.minimum(_steps(step), self.decay_steps)
        cos = 0.5 * (1.0 + np.cos(math.pi * k / self.decay_steps))
        return _out(self.init_value * ((1.0 - self.alpha) * cos + self.alpha))


@dataclass(frozen=True)
class GeometricRamp:
    """eta_k = lr_min * (lr_max / lr_min) ** (k / (steps - 1)): growing, for the range test."""

    lr_min: float
    lr_max: float
    steps: int

    def __post_init__(self):
        lr_min = check_positive("lr_min", self.lr_min)
        lr_max = check_positive("lr_max", self.lr_max)
        if not lr_max > lr_min:
            raise ValueError(f"lr_max must be > lr_min, got lr_min={lr_min!r}, lr_max={lr_max!r}")
        _set_fields(self, lr_min=lr_min, lr_max=lr_max, steps=check_int("steps", self.steps, 2))

    def __call__(self, step):
        t = _steps(step) / (self.steps - 1)
        # in logs: lr_max / lr_min overflows for a wide span (1e-300 .. 1e300)
        return _out(np.exp((1.0 - t) * math.log(self.lr_min) + t * math.log(self.lr_max)))


def constant(value) -> Constant:
    """The same learning rate at every step.

    Parameters
    ----------
    value : float
        The rate, > 0.

    Returns
    -------
    Constant
        Callable ``step -> lr`` with ``eta_k = value``.

    Raises
    ------
    TypeError, ValueError
        When ``value`` is not a positive finite number.

    Examples
    --------
    >>> constant(0.1)(0), constant(0.1)(1000)
    (0.1, 0.1)
    """
    return Constant(value)


def exponential_decay(init_value, decay_rate, decay_steps=1) -> ExponentialDecay:
    """Smooth geometric decay.

    Parameters
    ----------
    init_value : float
        eta_0 > 0.
    decay_rate : float
        Factor per ``decay_steps`` steps, in (0, 1].
    decay_steps : int, default 1
        Steps over which the rate is multiplied by ``decay_rate``, >= 1.

    Returns
    -------
    ExponentialDecay
        ``eta_k = init_value * decay_rate ** (k / decay_steps)``.

    Raises
    ------
    TypeError, ValueError
        For a non-positive ``init_value``, ``decay_rate`` outside (0, 1] or
        ``decay_steps`` < 1.

    Examples
    --------
    >>> s = exponential_decay(1.0, 0.5, decay_steps=10)
    >>> s(0), s(10), s(20)
    (1.0, 0.5, 0.25)
    """
    return ExponentialDecay(init_value, decay_rate, decay_steps)


def inverse_time(init_value, decay_rate, decay_steps=1) -> InverseTime:
    """Decay as 1/k, the classic Robbins-Monro rate.

    Parameters
    ----------
    init_value : float
        eta_0 > 0.
    decay_rate : float
        >= 0; 0 gives a constant rate.
    decay_steps : int, default 1
        Time unit of the decay, >= 1.

    Returns
    -------
    InverseTime
        ``eta_k = init_value / (1 + decay_rate * k / decay_steps)``.

    Raises
    ------
    TypeError, ValueError
        For a non-positive ``init_value``, a negative ``decay_rate`` or
        ``decay_steps`` < 1.

    Examples
    --------
    >>> s = inverse_time(1.0, 1.0)
    >>> s(0), s(1), s(3)
    (1.0, 0.5, 0.25)
    """
    return InverseTime(init_value, decay_rate, decay_steps)


def step_decay(init_value, factor=0.5, every=100) -> StepDecay:
    """Piecewise constant: multiply by ``factor`` every ``every`` steps.

    Parameters
    ----------
    init_value : float
        eta_0 > 0.
    factor : float, default 0.5
        Multiplier per stage, in (0, 1].
    every : int, default 100
        Length of a stage in steps, >= 1.

    Returns
    -------
    StepDecay
        ``eta_k = init_value * factor ** floor(k / every)``.

    Raises
    ------
    TypeError, ValueError
        For a non-positive ``init_value``, ``factor`` outside (0, 1] or
        ``every`` < 1.

    Examples
    --------
    >>> s = step_decay(1.0, factor=0.1, every=10)
    >>> s(9), s(10), round(s(25), 12)
    (1.0, 0.1, 0.01)
    """
    return StepDecay(init_value, factor, every)


def cosine(init_value, decay_steps, alpha=0.0) -> Cosine:
    """Cosine annealing (Loshchilov and Hutter 2017, without restarts).

    Parameters
    ----------
    init_value : float
        eta_0 > 0.
    decay_steps : int
        T >= 1: steps to reach the final rate ``alpha * init_value``, which is
        then kept.
    alpha : float, default 0.0
        Final rate as a fraction of ``init_value``, in [0, 1).

    Returns
    -------
    Cosine
        ``eta_k = init_value * ((1 - alpha) * (1 + cos(pi * min(k, T) / T)) / 2 + alpha)``.

    Raises
    ------
    TypeError, ValueError
        For a non-positive ``init_value``, ``decay_steps`` < 1 or ``alpha``
        outside [0, 1).

    Examples
    --------
    >>> s = cosine(1.0, decay_steps=100, alpha=0.1)
    >>> s(0), round(s(50), 12), round(s(100), 12), round(s(500), 12)
    (1.0, 0.55, 0.1, 0.1)
    """
    return Cosine(init_value, decay_steps, alpha)


def geometric_ramp(lr_min, lr_max, steps) -> GeometricRamp:
    """A rate growing geometrically from ``lr_min`` to ``lr_max``: the range test's sweep.

    Parameters
    ----------
    lr_min : float
        eta_0 > 0.
    lr_max : float
        eta at step ``steps - 1``, > ``lr_min``.
    steps : int
        Number of steps from ``lr_min`` to ``lr_max`` inclusive, >= 2; past them the
        rate keeps growing by the same ratio per step.

    Returns
    -------
    GeometricRamp
        ``eta_k = lr_min * (lr_max / lr_min) ** (k / (steps - 1))``, computed in logs
        so that a span as wide as 1e-300 .. 1e300 does not overflow.

    Raises
    ------
    TypeError, ValueError
        For a non-positive ``lr_min`` or ``lr_max``, ``lr_max <= lr_min`` or
        ``steps`` < 2.

    Examples
    --------
    >>> s = geometric_ramp(1e-3, 10.0, steps=5)
    >>> [round(s(k), 9) for k in range(5)]
    [0.001, 0.01, 0.1, 1.0, 10.0]
    """
    return GeometricRamp(lr_min, lr_max, steps)


SCHEDULES = {
    "constant": constant,
    "exponential_decay": exponential_decay,
    "inverse_time": inverse_time,
    "step_decay": step_decay,
    "cosine": cosine,
    "geometric_ramp": geometric_ramp,
}
