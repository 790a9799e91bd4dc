"""Input checks for the ``optim`` package, in one place.

Every public constructor and function of the package calls these first, so a bad
learning rate, shape or step count is reported with the offending value before
any iteration runs. TypeError for a wrong type, ValueError for a wrong value;
nothing is clamped silently.
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import os

import numpy as np

__all__ = [
    "allocate",
    "as_float_array",
    "check_int",
    "check_interval",
    "check_lr",
    "check_lr_value",
    "check_lrs",
    "check_optimizer",
    "check_positive",
    "check_problem",
    "check_real",
    "check_rate_factor",
    "check_tol",
    "check_x0",
    "keywords_after_positional",
    "readonly",
]


def _is_real(value) -> bool:
    # bool is an int subclass, but True is not a learning rate.
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_real(name: str, value) -> float:
    """Return ``value`` as a finite float, or raise naming it."""
    if not _is_real(value):
        raise TypeError(f"{name} must be a real number, got {value!r}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, got {value!r}")
    return value


def check_positive(name: str, value) -> float:
    """Return ``value`` as a float > 0, or raise naming it."""
    if not _is_real(value):
        raise TypeError(f"{name} must be a positive number, got {value!r}")
    value = float(value)
    if not (math.isfinite(value) and value > 0):
        raise ValueError(f"{name} must be a positive finite number, got {value!r}")
    return value


def check_interval(name: str, value, lo: float, hi: float, *, closed_lo: bool = True, closed_hi: bool = False) -> float:
    """Return ``value`` as a float in [lo, hi) (ends open or closed as asked), or raise naming it."""
    interval = f"{'[' if closed_lo else '('}{lo:g}, {hi:g}{']' if closed_hi else ')'}"
    if not _is_real(value):
        raise TypeError(f"{name} must be a number in {interval}, got {value!r}")
    value = float(value)
    above_lo = lo <= value if closed_lo else lo < value
    below_hi = value <= hi if closed_hi else value < hi
    if not (above_lo and below_hi):
        raise ValueError(f"{name} must be in {interval}, got {value!r}")
    return value


def check_rate_factor(name: str, value) -> float:
    """A multiplier of the learning rate in (0, 1]: 1 keeps it, 0 would stop learning."""
    return check_interval(name, value, 0.0, 1.0, closed_lo=False, closed_hi=True)


def check_int(name: str, value, minimum: int) -> int:
    """Return ``value`` as an int >= ``minimum``, or raise naming it."""
    if not isinstance(value, numbers.Integral) or isinstance(value, bool):
        raise TypeError(f"{name} must be an integer >= {minimum}, got {value!r}")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value}")
    return value


def allocate(shapes, name: str, value, what: str) -> list:
    """``numpy.empty`` arrays of float64 ``shapes``, or a ValueError naming the parameter
    ``name`` (= ``value``) that asked for them and the memory needed.

    Refused up front when they need more than the machine's physical memory, and
    when numpy cannot get the memory (a raw MemoryError names nothing).
    """
    need = 8 * sum(math.prod(shape) for shape in shapes)
    try:
        have = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # the platform does not say
        have = None
    message = f"{name}={value} needs {need / 2**30:,.1f} GiB for {what}"
    if have is not None and need > have:
        raise ValueError(f"{message}, more than this machine's {have / 2**30:.1f} GiB")
    try:
        return [np.empty(shape) for shape in shapes]
    except MemoryError:
        raise ValueError(f"{message}, more than is free now") from None


def _is_rate(value) -> bool:
    """What a schedule may return: a real number (not a bool) or a 0-d integer or float array."""
    return _is_real(value) or (isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf")


def check_lr(lr, name: str = "lr"):
    """A learning rate: a positive finite number, or a schedule (callable step -> lr).

    A schedule is probed at step 0 and must give a positive finite number there.
    """
    if callable(lr):
        try:
            first = lr(0)
        except Exception as exc:  # the schedule's own error, with our context
            raise TypeError(f"{name} schedule {lr!r} fails at step 0: {exc}") from exc
        if not _is_rate(first):
            raise TypeError(f"{name} schedule {lr!r} must return a number, got {first!r} at step 0")
        if not (math.isfinite(float(first)) and float(first) > 0):
            raise ValueError(f"{name} schedule {lr!r} must give a positive lr, got {first!r} at step 0")
        return lr
    if not _is_real(lr):
        raise TypeError(f"{name} must be a positive number or a schedule (callable step -> lr), got {lr!r}")
    return check_positive(name, lr)


def check_lr_value(lr, value, step: int) -> float:
    """The rate a schedule ``lr`` gave at ``step``: a finite number >= 0, or raise naming both.

    Step 0 was checked > 0 by ``check_lr``; later steps may reach 0 (a cosine
    schedule ends there), never go negative, nan or inf.
    """
    if not _is_rate(value):
        raise TypeError(f"lr schedule {lr!r} must return a number, got {value!r} at step {step}")
    value = float(value)
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"lr schedule {lr!r} must give a finite lr >= 0, gave {value!r} at step {step}")
    return value


def check_lrs(lrs) -> np.ndarray:
    """A non-empty 1-D array of positive finite learning rates."""
    if isinstance(lrs, (str, bytes)) or callable(lrs):
        raise TypeError(f"lrs must be a sequence of positive numbers, got {lrs!r}")
    if _is_real(lrs):
        lrs = [lrs]
    if isinstance(lrs, (bool, np.bool_)) or _has_bool(lrs):
        raise TypeError(f"lrs must be a sequence of positive numbers, not booleans, got {lrs!r}")
    arr = as_float_array("lrs", lrs, ndim=1)
    if arr.size == 0:
        raise ValueError("lrs must not be empty")
    bad = arr[~(arr > 0)]
    if bad.size:
        raise ValueError(f"lrs must be positive, got {bad.tolist()!r}")
    return arr


def check_tol(tol) -> float | None:
    """None (no convergence test) or a positive finite gradient-norm tolerance."""
    if tol is None:
        return None
    return check_positive("tol", tol)


def _has_bool(value) -> bool:
    """A bool anywhere in ``value`` (an array of dtype bool, or nested lists/tuples)."""
    if isinstance(value, (bool, np.bool_)):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype == bool or (value.dtype == object and any(_has_bool(v) for v in value.flat))
    if isinstance(value, (list, tuple)):
        return any(_has_bool(v) for v in value)
    return False


def _is_real_entry(v) -> bool:
    # numbers.Real, and Decimal (a Number that is not registered as Real); never complex.
    return isinstance(v, numbers.Number) and not isinstance(v, (complex, np.complexfloating))


def as_float_array(name: str, value, *, ndim: int | None = None) -> np.ndarray:
    """``value`` as a finite float64 array (a copy), optionally of a given ``ndim``.

    Booleans, None, strings and complex numbers are refused (TypeError), not
    read as 1.0 / nan.
    """
    if isinstance(value, (str, bytes)) or _has_bool(value):
        raise TypeError(f"{name} must be an array of numbers, got {value!r}")
    try:
        raw = np.asarray(value)
        if raw.dtype.kind not in "iuf":  # object (None, mixed), complex, strings
            raw = np.array(value, dtype=object)
            if not all(_is_real_entry(v) for v in raw.flat):
                raise TypeError("not real numbers")
        arr = np.array(value, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{name} must be an array of numbers, got {value!r}") from exc
    if ndim is not None and arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} must be finite, got non-finite entries in {value!r}")
    return arr


def check_problem(problem):
    """An object with ``value``, ``grad`` and ``dim`` (the problems of ``optim.problems``)."""
    missing = [a for a in ("value", "grad", "dim") if not hasattr(problem, a)]
    if missing:
        raise TypeError(f"problem must have value, grad and dim; {problem!r} lacks {missing}")
    return problem


def check_optimizer(optimizer):
    """An object with ``init`` and ``update`` (the optimizers of ``optim.optimizers``)."""
    if not (callable(getattr(optimizer, "init", None)) and callable(getattr(optimizer, "update", None))):
        raise TypeError(f"optimizer must have init and update methods, got {optimizer!r}")
    return optimizer


def check_x0(problem, x0) -> np.ndarray:
    """The start point as a float array of shape ``(problem.dim,)``; None -> ``problem.start``."""
    if x0 is None:
        return np.array(problem.start, dtype=np.float64)
    arr = as_float_array("x0", np.ravel(x0) if np.ndim(x0) == 0 else x0)
    if arr.shape != (problem.dim,):
        raise ValueError(f"x0 must have shape ({problem.dim},) for {problem!r}, got shape {arr.shape}")
    return arr


def readonly(a) -> np.ndarray:
    """A read-only float64 copy of ``a``, for the arrays that results and problems hold."""
    a = np.array(a, dtype=np.float64)
    a.flags.writeable = False
    return a


def keywords_after_positional(fn):
    """Decorate ``fn`` so that a surplus positional argument is refused by name.

    ``fn``'s signature marks its keyword-only parameters with ``*``. Python's own
    error for ``f(problem, lrs, "gd", 300)`` says only "takes from 2 to 3 positional
    arguments but 4 were given"; this one names the value and what to write instead.
    """
    params = inspect.signature(fn).parameters.values()
    positional = [p.name for p in params if p.kind is p.POSITIONAL_OR_KEYWORD]
    keywords = [p.name for p in params if p.kind is p.KEYWORD_ONLY]

    @functools.wraps(fn)
    def checked(*args, **kwargs):
        if len(args) > len(positional):
            extra = ", ".join(repr(a) for a in args[len(positional):])
            raise TypeError(
                f"{fn.__name__}() takes at most {len(positional)} positional arguments "
                f"({', '.join(positional)}); pass {', '.join(keywords)} by keyword, got {extra}"
            )
        return fn(*args, **kwargs)

    return checked
