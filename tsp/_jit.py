"""Calling compiled kernels with their loading timed apart: what a cold process pays once.

The first call of a ``@njit(cache=True)`` kernel with new argument types loads its
machine code from Numba's cache (or compiles it), and the first kernel of a process
also starts Numba's code generator: about 0.12 s, against 0.2 ms for 1000 walks on
the classroom table. ``call`` loads the code first, timed, then runs the kernel, so
``loading_seconds()`` tells start-up apart from work. Used where ``tsp`` reports a
time (``simulate`` and the candidate lists it builds).
"""

from __future__ import annotations

import threading
import time

__all__ = ["call", "loading_seconds"]

_lock = threading.Lock()
_loading = 0.0


def call(kernel, *args):
    """``kernel(*args)``, with its code for these argument types loaded (timed) first.

    Loading is what the call would do anyway: Numba types the arguments and looks
    for a compiled version, then its cache on disk, then compiles. Typing the
    arguments is timed with the loading when it leads to a load (the first typing
    in a process imports Numba's typing modules: about 35 ms). Without Numba
    (``NUMBA_DISABLE_JIT=1``) the kernel is plain Python and is simply called.
    """
    global _loading
    if hasattr(kernel, "overloads"):
        t0 = time.perf_counter()
        signature = tuple(kernel.typeof_pyval(a) for a in args)  # the first typing imports Numba's typing
        if signature not in kernel.overloads:
            kernel.compile(signature)
            with _lock:
                _loading += time.perf_counter() - t0
    return kernel(*args)


def loading_seconds() -> float:
    """Seconds this process has spent loading (or compiling) kernels through ``call``."""
    return _loading
