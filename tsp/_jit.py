"""Calling compiled kernels with their loading timed apart: what a cold process pays once.

The first call of a ``@njit(cache=True)`` kernel in a process loads its machine code
from Numba's cache (or compiles it), and the first one also sets up Numba's typing and
code generation: in all about 0.12 s, against under 1 ms for 1000 walks on the
classroom table. On a kernel's first call ``call`` loads the code, timed, then runs
it, so ``loading_seconds()`` tells start-up apart from work. Used where ``tsp``
reports a time (``simulate`` and the candidate lists it builds).
"""

from __future__ import annotations

import threading
import time

__all__ = ["call", "loading_seconds"]

_lock = threading.Lock()
_loading = 0.0
_loaded: set = set()  # (kernel, Python types of its arguments) loaded through call


def call(kernel, *args):
    """``kernel(*args)``; on the kernel's first call in the process with arguments of
    these Python types, its code is loaded first, timed apart (``loading_seconds``).

    Loading is what that call would do anyway: Numba types the arguments (the first
    typing in a process imports Numba's typing modules, about 35 ms), finds the code
    in its cache on disk, else compiles. Later calls go straight to the kernel:
    typing the arguments in Python would cost 50 us a call (a walk on berlin52 takes
    22 us), so calls are told apart by the Python types of their arguments (about
    1 us): the kernels of ``tsp`` compile one signature per such combination (a walk
    on ``Candidates`` or on ``TreeCandidates``). Without Numba (``NUMBA_DISABLE_JIT=1``)
    the kernel is plain Python and is simply called.
    """
    global _loading
    key = (kernel, tuple(map(type, args)))
    if key not in _loaded and hasattr(kernel, "compile"):  # a dispatcher, these types not loaded yet
        t0 = time.perf_counter()
        kernel.compile(tuple(kernel.typeof_pyval(a) for a in args))
        with _lock:
            _loading += time.perf_counter() - t0
            _loaded.add(key)
    return kernel(*args)


def loading_seconds() -> float:
    """Seconds this process has spent loading (or compiling) kernels through ``call``."""
    return _loading
