"""Input checks for the ``tsp`` package, in one place.

Small checks, each naming the parameter, the value and the rule when it is wrong,
and returning what the code after it needs (a read-only float64 array, a tuple of
names, an int index): the matrix, coordinates and names of an instance, a start
city, a number of simulations, explicit starts, a seed, a visiting order; and the
one rule for memory (``check_memory``): a request that cannot fit is refused up
front, naming the parameter and the memory it needs, never a raw MemoryError.

This module depends on numpy (and os) only. It never imports ``Instance``: checks
that take an instance use only its ``n`` and ``names`` (``tsp.instance.check_instance``
does the type check), so every module of the package can import it without a cycle.
"""

from __future__ import annotations

import numbers
import os

import numpy as np

__all__ = [
    "MEMORY_SHARE",
    "as_array",
    "available_memory",
    "check_coords",
    "check_dist",
    "check_flag",
    "check_indices",
    "check_int",
    "check_matrix_memory",
    "check_memory",
    "check_names",
    "check_order",
    "check_seed",
    "check_square",
    "check_start",
    "check_starts",
    "check_type",
    "readonly",
]


def _is_integer(value) -> bool:
    # bool is an int subclass, but True is not a city; 3.0 is refused, not rounded.
    return isinstance(value, (numbers.Integral, np.integer)) and not isinstance(value, (bool, np.bool_))


def check_type(name: str, value, cls, what: str):
    """Return ``value`` if it is a ``cls``, else TypeError: ``{name} must be a {what}``."""
    if not isinstance(value, cls):
        raise TypeError(f"{name} must be a {what}, got {type(value).__name__}")
    return value


def check_int(name: str, value, minimum: int, rule: str) -> int:
    """An integer (not a bool, not 3.0) of at least ``minimum``, as an int.

    ``rule`` words the requirement in both errors: ``{name} must be {rule}, got ...``.
    """
    if not _is_integer(value):
        raise TypeError(f"{name} must be {rule}, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be {rule}, got {value}")
    return int(value)


def check_flag(name: str, value) -> bool:
    """A plain boolean option such as ``closed``."""
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(f"{name} must be True or False, got {value!r}")
    return bool(value)


def check_seed(seed) -> np.random.Generator:
    """``None``, a non-negative int or a Generator, as a Generator."""
    if seed is None or isinstance(seed, np.random.Generator):
        return np.random.default_rng(seed)
    if not _is_integer(seed):
        raise TypeError(f"seed must be an int, a numpy.random.Generator or None, got {seed!r}")
    if seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed}")
    return np.random.default_rng(int(seed))


# ---------------------------------------------------------------------------
# memory: refuse up front what cannot fit
# ---------------------------------------------------------------------------

#: The share of the available memory one request may take. The rest is headroom for
#: the temporaries that come with it (the validation masks of a dense matrix, one
#: byte per entry, are 1/8 of the matrix; the masks over a simulation's lengths, 2
#: bytes per simulation, 1/8 of its 16) and for whatever else the process holds.
MEMORY_SHARE = 0.8

#: Requests smaller than this (64 MiB) are never refused: no machine that runs numba lacks it,
#: and reading /proc/meminfo would cost small calls (simulate on 15 cities) a fifth of their time.
MEMORY_CHECK_FROM = 64 * 2**20


def available_memory() -> int | None:
    """Bytes of memory a new array can count on now; None where the platform does not say.

    Linux: ``MemAvailable`` of ``/proc/meminfo`` (free memory plus the caches the
    kernel can reclaim). Elsewhere the physical memory, an upper bound.
    """
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024  # given in kB
    except (OSError, ValueError, IndexError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def _size(nbytes: float) -> str:
    return f"{nbytes / 2**30:,.1f} GiB" if nbytes >= 2**30 else f"{nbytes / 2**20:,.1f} MiB"


def check_memory(need: int, name: str, value, what: str) -> None:
    """Refuse (ValueError) a request for ``need`` bytes of arrays that cannot fit.

    Refused when ``need`` exceeds ``MEMORY_SHARE`` of ``available_memory()``; the
    message names the parameter (``{name}={value}``), what the bytes are for
    (``what``) and both sizes. Call it before allocating: a numpy allocation past
    the memory raises a MemoryError naming nothing, or, with Linux's overcommit,
    succeeds and gets the process killed when it is filled. A request below
    ``MEMORY_CHECK_FROM`` bytes passes without asking; a larger one costs one read
    of ``/proc/meminfo`` (about 15 us).
    """
    if need < MEMORY_CHECK_FROM:
        return
    have = available_memory()
    if have is not None and need > MEMORY_SHARE * have:
        raise ValueError(f"{name}={value} needs {_size(need)} for {what}, more than this machine can spare "
                         f"({MEMORY_SHARE:.0%} of the {_size(have)} of memory available now)")


def check_matrix_memory(n: int) -> None:
    """Refuse up front a dense n x n float64 distance matrix that cannot fit (``check_memory``)."""
    check_memory(8 * n * n, "n", n, f"its dense {n} x {n} distance matrix (8 n^2 bytes)")


# ---------------------------------------------------------------------------
# arrays: an instance's matrix, coordinates and names
# ---------------------------------------------------------------------------


def readonly(a) -> np.ndarray:
    """``a`` as a C-contiguous float64 array that cannot be written to.

    Copies only when the dtype or layout must change; otherwise ``a`` itself is
    frozen, so pass only an array nobody else writes to.
    """
    a = np.ascontiguousarray(a, dtype=np.float64)
    a.setflags(write=False)
    return a


def as_array(value, name: str, rule: str = "a rectangular array of numbers", dtype=None) -> np.ndarray:
    """``np.array(value, dtype)``: always a copy, never the caller's memory.

    A ragged or non-numeric ``value`` is a ValueError: ``{name} must be {rule}: ...``.
    """
    try:
        return np.array(value, dtype=dtype)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be {rule}: {exc}") from None


def _check_real(a: np.ndarray, name: str) -> None:
    if not (np.issubdtype(a.dtype, np.number) and not np.issubdtype(a.dtype, np.complexfloating)):
        raise TypeError(f"{name} must hold real numbers, got dtype {a.dtype}")


def check_square(a: np.ndarray, name: str = "dist") -> np.ndarray:
    """``a`` if it is a square 2-D array, else ValueError naming its shape."""
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError(f"{name} must be square, got shape {a.shape}")
    return a


def check_dist(dist: np.ndarray) -> np.ndarray:
    """An instance's distance matrix, as a read-only float64 array.

    Square, at least 2 x 2, real numbers, no NaN, no negative entry (``inf`` is
    fine: no edge), and small enough that no route of n legs overflows float64.
    ``dist`` must be an array nobody else writes to (see ``readonly``).
    """
    check_square(dist)
    n = dist.shape[0]
    if n < 2:
        raise ValueError(f"an instance needs at least 2 cities, got {n}")
    _check_real(dist, "dist")
    dist = readonly(dist)
    if np.isnan(dist).any():
        i, j = np.argwhere(np.isnan(dist))[0]
        raise ValueError(f"dist must not contain NaN, got NaN at [{i}, {j}]")
    if (dist < 0).any():
        i, j = np.argwhere(dist < 0)[0]
        raise ValueError(f"dist must be non-negative, got {dist[i, j]} at [{i}, {j}]")
    top = float(np.max(dist, where=np.isfinite(dist), initial=0.0))
    if top * n > np.finfo(np.float64).max:  # a closed tour has n legs
        raise ValueError(f"dist too large: a route of {n} legs of up to {top:g} could overflow "
                         f"float64 (lengths would read as inf, i.e. no route)")
    return dist


def check_coords(coords: np.ndarray, name: str = "coords", n: int | None = None) -> np.ndarray:
    """(n, 2) finite real coordinates as a read-only float64 array.

    ``n`` None accepts any number of rows. ``coords`` must be an array nobody
    else writes to (see ``readonly``).
    """
    _check_real(coords, name)
    if coords.ndim != 2 or coords.shape[1] != 2 or (n is not None and coords.shape[0] != n):
        raise ValueError(f"{name} must have shape ({'n' if n is None else n}, 2), got {coords.shape}")
    if not np.isfinite(coords).all():
        i = int(np.flatnonzero(~np.isfinite(coords).all(axis=1))[0])
        raise ValueError(f"{name} must be finite, got {coords[i].tolist()} at row {i}")
    return readonly(coords)


def check_names(names, n: int) -> tuple:
    """One unique string per city, as a tuple."""
    if isinstance(names, (str, bytes)) or not hasattr(names, "__iter__"):
        raise TypeError(f"names must be a sequence of strings, got {names!r}")
    names = tuple(names)
    if len(names) != n:
        raise ValueError(f"names must have one entry per city ({n}), got {len(names)}")
    if not all(isinstance(s, str) for s in names):
        raise TypeError(f"names must be strings, got {[s for s in names if not isinstance(s, str)][:3]!r}")
    if len(set(names)) != n:
        dup = sorted({s for s in names if names.count(s) > 1})
        raise ValueError(f"names must be unique, got duplicates {dup!r}")
    return names


# ---------------------------------------------------------------------------
# cities: a start, explicit starts, a visiting order
# ---------------------------------------------------------------------------


def check_start(instance, start, name: str = "start") -> int:
    """A city given by index (0..n-1) or by name, as an int index; ``name`` is the
    parameter the messages name ("start", or "i" and "j" of ``Instance.distance``)."""
    n = instance.n
    if isinstance(start, str):
        try:
            return instance.names.index(start)
        except ValueError:
            shown = ", ".join(instance.names[:8]) + (", ..." if n > 8 else "")
            raise ValueError(f"{name} must be a city name of the instance ({shown}), got {start!r}") from None
    if not _is_integer(start):
        raise TypeError(f"{name} must be a city index (int) or name (str), got {start!r}")
    if not 0 <= start < n:
        raise ValueError(f"{name} must be a city index in 0..{n - 1}, got {start}")
    return int(start)


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


def check_indices(order: np.ndarray, n: int) -> np.ndarray:
    """A 1-D integer array of city indices in 0..n-1, as int64 (empty allowed)."""
    if order.ndim != 1:
        raise ValueError(f"order must be one-dimensional, got shape {order.shape}")
    if order.size and not np.issubdtype(order.dtype, np.integer):
        raise TypeError(f"order must hold city indices (integers), got dtype {order.dtype}")
    bad = (order < 0) | (order >= n)
    if bad.any():
        raise ValueError(f"order must hold city indices in 0..{n - 1}, got {order[bad][0]}")
    return order.astype(np.int64)


def check_order(order, n: int) -> np.ndarray:
    """A walk's visiting order: a fresh int64 array of distinct city indices, at least one."""
    arr = np.array(order)
    if arr.ndim == 1 and arr.size == 0:
        raise ValueError("order must not be empty")
    arr = check_indices(arr, n)
    counts = np.bincount(arr, minlength=n)
    if (counts > 1).any():
        raise ValueError(f"order must visit each city at most once, got city {int(np.argmax(counts > 1))} twice")
    return arr
