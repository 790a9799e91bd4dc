"""First-order optimizers as pairs of pure functions (optax's shape).

Each optimizer is a small frozen object with two methods:

- ``init(x0) -> state``: the starting state (an immutable NamedTuple);
- ``update(grad, state) -> (step, state)``: given the gradient at the current
  point, the step to *add* to it and the next state: ``x_new = x + step``.

Nothing is mutated: state arrays are fresh, read-only arrays each call, so a
state can be kept, compared or replayed. The learning rate ``lr`` is a float or
a schedule (callable ``k -> lr``, see ``optim.schedules``), evaluated at
``k = state.count``, the number of updates made before this one.

``OPTIMIZERS`` maps a name to its factory; every factory takes ``lr`` first.
``resolve_optimizer`` turns what a caller passed (a name or a factory) into one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, NamedTuple

import numpy as np

from ._validation import check_interval, check_lr, check_lr_value, check_positive

__all__ = [
    "OPTIMIZERS",
    "Adam",
    "AdamState",
    "GDState",
    "GradientDescent",
    "Momentum",
    "MomentumState",
    "Nesterov",
    "adam",
    "gd",
    "momentum",
    "nesterov",
    "resolve_optimizer",
]


class GDState(NamedTuple):
    """State of plain gradient descent: only the update count."""

    count: int


class MomentumState(NamedTuple):
    """Update count and velocity (the running sum of past gradients)."""

    count: int
    velocity: np.ndarray


class AdamState(NamedTuple):
    """Update count and the moving averages of the gradient and its square."""

    count: int
    m: np.ndarray
    v: np.ndarray


def _frozen(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


def _lr_at(lr, count: int) -> float:
    return check_lr_value(lr, lr(count), count) if callable(lr) else lr


@dataclass(frozen=True)
class GradientDescent:
    """x_{k+1} = x_k - eta_k grad f(x_k). Built by ``gd``."""

    lr: Any
    name: ClassVar[str] = "gd"

    def __post_init__(self):
        object.__setattr__(self, "lr", check_lr(self.lr))

    def init(self, x0) -> GDState:
        return GDState(0)

    def update(self, grad, state: GDState):
        return -_lr_at(self.lr, state.count) * np.asarray(grad), GDState(state.count + 1)


@dataclass(frozen=True)
class _Velocity:
    """What Momentum and Nesterov share: ``lr``, ``beta`` in [0, 1) and a zero velocity to start."""

    lr: Any
    beta: float

    def __post_init__(self):
        object.__setattr__(self, "lr", check_lr(self.lr))
        object.__setattr__(self, "beta", check_interval("beta", self.beta, 0.0, 1.0))

    def init(self, x0) -> MomentumState:
        return MomentumState(0, _frozen(np.zeros_like(np.asarray(x0, dtype=np.float64))))


@dataclass(frozen=True)
class Momentum(_Velocity):
    """Heavy ball: v_{k+1} = beta v_k + g_k, x_{k+1} = x_k - eta_k v_{k+1}. Built by ``momentum``."""

    name: ClassVar[str] = "momentum"

    def update(self, grad, state: MomentumState):
        v = _frozen(self.beta * state.velocity + grad)
        return -_lr_at(self.lr, state.count) * v, MomentumState(state.count + 1, v)


@dataclass(frozen=True)
class Nesterov(_Velocity):
    """Nesterov's accelerated gradient in the form of Sutskever et al. (2013).

    v_{k+1} = beta v_k + g_k, x_{k+1} = x_k - eta_k (g_k + beta v_{k+1}).
    Built by ``nesterov``.
    """

    name: ClassVar[str] = "nesterov"

    def update(self, grad, state: MomentumState):
        v = _frozen(self.beta * state.velocity + grad)
        return -_lr_at(self.lr, state.count) * (grad + self.beta * v), MomentumState(state.count + 1, v)


@dataclass(frozen=True)
class Adam:
    """Adam (Kingma and Ba 2015) with bias correction. Built by ``adam``."""

    lr: Any
    b1: float
    b2: float
    eps: float
    name: ClassVar[str] = "adam"

    def __post_init__(self):
        object.__setattr__(self, "lr", check_lr(self.lr))
        object.__setattr__(self, "b1", check_interval("b1", self.b1, 0.0, 1.0))
        object.__setattr__(self, "b2", check_interval("b2", self.b2, 0.0, 1.0))
        object.__setattr__(self, "eps", check_positive("eps", self.eps))

    def init(self, x0) -> AdamState:
        zeros = np.zeros_like(np.asarray(x0, dtype=np.float64))
        return AdamState(0, _frozen(zeros.copy()), _frozen(zeros))

    def update(self, grad, state: AdamState):
        t = state.count + 1
        m = _frozen(self.b1 * state.m + (1.0 - self.b1) * grad)
        v = _frozen(self.b2 * state.v + (1.0 - self.b2) * np.square(grad))
        m_hat = m / (1.0 - self.b1**t)
        v_hat = v / (1.0 - self.b2**t)
        step = -_lr_at(self.lr, state.count) * m_hat / (np.sqrt(v_hat) + self.eps)
        return step, AdamState(t, m, v)


def gd(lr) -> GradientDescent:
    """Plain gradient descent.

    Parameters
    ----------
    lr : float or callable
        Learning rate eta > 0, or a schedule ``k -> eta_k``.

    Returns
    -------
    GradientDescent
        ``init(x0)`` and ``update(grad, state) -> (step, state)``.

    Raises
    ------
    TypeError, ValueError
        When ``lr`` is not a positive number or a schedule.

    Notes
    -----
    Update: x_{k+1} = x_k - eta_k grad f(x_k). On a quadratic with Hessian A it
    converges iff eta < 2 / lambda_max(A); eta = 2 / (mu + L) has the smallest
    worst-case contraction factor (from a given start another rate may stop sooner).
    Time O(d) per step, memory O(1) beyond x.

    Examples
    --------
    >>> import numpy as np
    >>> opt = gd(0.1)
    >>> step, state = opt.update(np.array([1.0, -2.0]), opt.init(np.zeros(2)))
    >>> step, state.count
    (array([-0.1,  0.2]), 1)
    """
    return GradientDescent(lr)


def momentum(lr, beta=0.9) -> Momentum:
    """Polyak's heavy-ball method.

    Parameters
    ----------
    lr : float or callable
        Learning rate eta > 0, or a schedule.
    beta : float, default 0.9
        Momentum coefficient in [0, 1); 0 is plain gradient descent.

    Returns
    -------
    Momentum

    Raises
    ------
    TypeError, ValueError
        For a bad ``lr`` or ``beta`` outside [0, 1).

    Notes
    -----
    v_{k+1} = beta v_k + grad f(x_k); x_{k+1} = x_k - eta v_{k+1}, that is
    x_{k+1} = x_k - eta grad f(x_k) + beta (x_k - x_{k-1}). On a quadratic
    with eigenvalues in [mu, L], the tuned choice (Polyak 1964)
    eta = 4 / (sqrt(L) + sqrt(mu))^2, beta = ((sqrt(kappa) - 1) / (sqrt(kappa) + 1))^2
    contracts by about (sqrt(kappa) - 1) / (sqrt(kappa) + 1) per step instead of
    gd's (kappa - 1) / (kappa + 1). Time O(d) per step, memory O(d).

    Examples
    --------
    >>> import numpy as np
    >>> opt = momentum(0.1, beta=0.5)
    >>> g = np.array([1.0])
    >>> step1, s = opt.update(g, opt.init(np.zeros(1)))
    >>> step2, s = opt.update(g, s)
    >>> step1, step2    # v = 1, then 0.5 * 1 + 1
    (array([-0.1]), array([-0.15]))
    """
    return Momentum(lr, beta)


def nesterov(lr, beta=0.9) -> Nesterov:
    """Nesterov's accelerated gradient.

    Parameters
    ----------
    lr : float or callable
        Learning rate eta > 0, or a schedule.
    beta : float, default 0.9
        Momentum coefficient in [0, 1).

    Returns
    -------
    Nesterov

    Raises
    ------
    TypeError, ValueError
        For a bad ``lr`` or ``beta`` outside [0, 1).

    Notes
    -----
    The look-ahead form x_{k+1} = y_k - eta grad f(y_k), y_k = x_k + beta (x_k - x_{k-1})
    written, as in Sutskever et al. (2013) and optax, in terms of the gradient
    at the point held: v_{k+1} = beta v_k + g_k, x_{k+1} = x_k - eta (g_k + beta v_{k+1}).
    For an L-smooth, mu-strongly convex f, eta = 1/L and
    beta = (sqrt(kappa) - 1) / (sqrt(kappa) + 1) converge like (1 - 1/sqrt(kappa))^k
    (Nesterov 2004, sec. 2.2). Time O(d) per step, memory O(d).

    Examples
    --------
    >>> import numpy as np
    >>> opt = nesterov(0.1, beta=0.5)
    >>> step, s = opt.update(np.array([1.0]), opt.init(np.zeros(1)))
    >>> step    # -0.1 * (1 + 0.5 * 1)
    array([-0.15])
    """
    return Nesterov(lr, beta)


def adam(lr=1e-3, b1=0.9, b2=0.999, eps=1e-8) -> Adam:
    """Adam: per-coordinate steps scaled by running gradient moments.

    Parameters
    ----------
    lr : float or callable, default 1e-3
        Learning rate, or a schedule.
    b1, b2 : float, default 0.9, 0.999
        Decay rates of the first and second moment averages, in [0, 1).
    eps : float, default 1e-8
        Added to the denominator, > 0.

    Returns
    -------
    Adam

    Raises
    ------
    TypeError, ValueError
        For a bad ``lr``, ``b1``/``b2`` outside [0, 1) or ``eps`` <= 0.

    Notes
    -----
    m_{k+1} = b1 m_k + (1 - b1) g_k, v_{k+1} = b2 v_k + (1 - b2) g_k^2,
    x_{k+1} = x_k - eta m_hat / (sqrt(v_hat) + eps) with the bias corrections
    m_hat = m_{k+1} / (1 - b1^{k+1}), v_hat = v_{k+1} / (1 - b2^{k+1})
    (Kingma and Ba 2015, Algorithm 1). The first step has length ~eta in every
    coordinate, whatever the gradient's scale. Time O(d) per step, memory O(d).

    Examples
    --------
    >>> import numpy as np
    >>> opt = adam(0.1)
    >>> step, s = opt.update(np.array([0.5, -50.0]), opt.init(np.zeros(2)))
    >>> np.round(step, 6)
    array([-0.1,  0.1])
    """
    return Adam(lr, b1, b2, eps)


OPTIMIZERS = {
    "gd": gd,
    "momentum": momentum,
    "nesterov": nesterov,
    "adam": adam,
}


def resolve_optimizer(optimizer):
    """``(name, factory)`` for a registry name or a factory ``lr -> optimizer``.

    How ``lr_sweep``, ``compare_lrs`` and ``lr_range_test`` read their ``optimizer``
    argument: they build one optimizer per rate, so they need the factory, not an
    optimizer already built.

    Parameters
    ----------
    optimizer : str or callable
        A name in ``OPTIMIZERS``, or a factory called as ``factory(lr, **hyper)``.

    Returns
    -------
    name : str
        The registry name (also for a registered factory passed itself), else the
        factory's ``__name__``.
    factory : callable

    Raises
    ------
    ValueError
        For an unknown name.
    TypeError
        For anything else, e.g. an optimizer already built (``gd(0.1)``).

    Examples
    --------
    >>> resolve_optimizer("momentum")[0], resolve_optimizer(nesterov)[0]
    ('momentum', 'nesterov')
    """
    if isinstance(optimizer, str):
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {sorted(OPTIMIZERS)}, got {optimizer!r}")
        return optimizer, OPTIMIZERS[optimizer]
    if callable(optimizer) and not hasattr(optimizer, "update"):
        name = next((k for k, f in OPTIMIZERS.items() if f is optimizer), getattr(optimizer, "__name__", "custom"))
        return name, optimizer
    raise TypeError(
        f"optimizer must be a name in {sorted(OPTIMIZERS)} or a factory lr -> optimizer, got {optimizer!r}"
    )
