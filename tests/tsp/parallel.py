"""Does a ``parallel=True`` kernel, loaded from a warm Numba cache, really run in parallel?

With ``cache=True``, Numba (0.68) files a Python function compiled twice — serial and
``parallel=True`` — under one cache entry, and the parallel dispatcher then loads the
serial code and runs on one thread, silently. ``probe`` runs a snippet in a fresh
process with ``NUMBA_NUM_THREADS=2`` and reports whether Numba's parallel runtime
was started (``numba.threading_layer()`` raises until a parallel region has been
loaded or run) and how many OS threads the process gained. Serial code starts
neither, which ``assert_parallel_from_warm_cache`` checks too, so the probe is
known to tell the two apart.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_PROBE = """
import json, os, sys
{setup}
tasks = lambda: len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else None
before = tasks()
{call}
import numba
try:
    layer = numba.threading_layer()
except ValueError:
    layer = None
after = tasks()
print(json.dumps({{"layer": layer, "new_threads": None if before is None else after - before}}))
"""


def _env() -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NUMBA_NUM_THREADS": "2"}
    env.pop("NUMBA_DISABLE_JIT", None)
    return env


def warm(setup: str, code: str) -> None:
    """Run ``setup`` then ``code`` in a fresh process: the kernels it calls fill the cache."""
    subprocess.run([sys.executable, "-c", f"{setup}\n{code}"], env=_env(), cwd=ROOT, check=True, timeout=300)


def probe(setup: str, call: str) -> dict:
    """Run ``setup`` then ``call`` in a fresh process with 2 Numba threads.

    Returns ``{"layer": name or None, "new_threads": int or None}``: the threading
    layer once ``call`` has run (None: the parallel runtime never started) and how
    many OS threads ``call`` added (None where /proc/self/task does not exist).
    """
    out = subprocess.run([sys.executable, "-c", _PROBE.format(setup=setup, call=call)], env=_env(), cwd=ROOT,
                         check=True, timeout=300, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def assert_parallel_from_warm_cache(setup: str, serial: str, parallel: str) -> None:
    """The cache warmed by the serial twin, then the parallel one (the order in which
    one body compiled twice goes wrong), a fresh process calling only ``parallel``
    starts Numba's threads, and one calling only ``serial`` does not."""
    warm(setup, f"{serial}\n{parallel}")
    seen = probe(setup, parallel)
    assert seen["layer"] is not None, f"{parallel} ran serial code from the cache: {seen}"
    assert seen["new_threads"] is None or seen["new_threads"] >= 1, seen
    control = probe(setup, serial)
    assert control["layer"] is None and control["new_threads"] in (None, 0), f"the probe cannot tell: {control}"
