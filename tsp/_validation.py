"""Input checks for the algorithms of the ``tsp`` package, in one place.

Instances validate themselves (``Instance.__post_init__``); this module checks the
other arguments of the public functions — a start city, a number of simulations,
explicit starts, a seed — and turns them into what the kernels need, naming the
parameter, the value and the rule when they are wrong.
"""

from __future__ import annotations

import numbers

import numpy as np

from .instance import Instance

__all__ = [
    "check_instance",
    "check_start",
    "check_starts",
    "check_n_simulations",
    "check_seed",
    "check_flag",
]


def _is_integer(value) -> bool:
    # bool is an int subclass, but True is not a city; 3.0 is refused, not rounded.
    return isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_instance(instance):
    """Return ``instance`` if it is a ``tsp.Instance``, else raise TypeError."""
    if not isinstance(instance, Instance):
        raise TypeError(f"instance must be a tsp.Instance, got {type(instance).__name__}")
    return instance


def check_start(instance, start) -> int:
    """A start city given by index (0..n-1) or by name, as an int index."""
    n = instance.n
    if isinstance(start, str):
        try:
            return instance.names.index(start)
        except ValueError:
            shown = ", ".join(instance.names[:8]) + (", ..." if n > 8 else "")
            raise ValueError(f"start must be a city name of the instance ({shown}), got {start!r}") from None
    if not _is_integer(start):
        raise TypeError(f"start must be a city index (int) or name (str), got {start!r}")
    if not 0 <= start < n:
        raise ValueError(f"start must be a city index in 0..{n - 1}, got {start}")
    return int(start)


def check_n_simulations(n_simulations) -> int:
    """A positive integer number of simulations."""
    if not _is_integer(n_simulations):
        raise TypeError(f"n_simulations must be a positive integer, got {n_simulations!r}")
    if n_simulations <= 0:
        raise ValueError(f"n_simulations must be a positive integer, got {n_simulations}")
    return int(n_simulations)


def check_starts(instance, starts) -> np.ndarray:
    """Explicit start cities (indices or names) as a contiguous int64 array."""
    if isinstance(starts, str):
        raise TypeError(f'starts must be "all" or a sequence of city indices or names, got {starts!r}')
    if not isinstance(starts, np.ndarray):
        try:
            values = list(starts)
        except TypeError:
            raise TypeError(f'starts must be "all" or a sequence of city indices or names, got {starts!r}') from None
    else:
        if starts.ndim != 1:
            raise ValueError(f"starts must be one-dimensional, got shape {starts.shape}")
        # names (str or object arrays) go through check_start one by one, like a list
        values = starts.tolist() if starts.dtype.kind in "UO" else starts
    if len(values) == 0:
        raise ValueError("starts must not be empty")
    if isinstance(values, np.ndarray):
        if not np.issubdtype(values.dtype, np.integer):
            raise TypeError(f"starts must hold city indices (integers), got dtype {values.dtype}")
        bad = values[(values < 0) | (values >= instance.n)]  # before any cast: as given
        if bad.size:
            raise ValueError(f"starts must be city indices in 0..{instance.n - 1}, got {bad[0]}")
        return np.array(values, dtype=np.int64)  # a copy: Simulation freezes its starts
    return np.array([check_start(instance, s) for s in values], dtype=np.int64)


def check_seed(seed) -> np.random.Generator:
    """``None``, a non-negative int or a Generator, as a Generator."""
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if not _is_integer(seed):
        raise TypeError(f"seed must be an int, a numpy.random.Generator or None, got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    return np.random.default_rng(int(seed))


def check_flag(name: str, value) -> bool:
    """A plain boolean option such as ``closed``."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)
