"""Progress reports for long runs: ``progress=None | True | callable``, in one place.

``progress=True`` draws a ``tqdm`` bar on stderr; a callable is called as
``progress(done, total)`` after each chunk of work; None (or False) reports nothing.
``greedy._progress`` is this module's twin, line for line (the algorithm packages
never import each other): change both or neither. ``growing_reporter`` (work whose
total grows as it goes: local search) is tsp's alone.
"""

from __future__ import annotations

import contextlib
import sys

__all__ = ["check_progress", "growing_reporter", "reporter"]


def check_progress(progress):
    """Return ``progress`` if it is None, a bool or a callable; else raise a TypeError naming it."""
    if progress is None or isinstance(progress, bool) or callable(progress):
        return progress
    raise TypeError(f"progress must be None, True or callable as progress(done, total), got {progress!r}")


@contextlib.contextmanager
def reporter(progress, total: int, desc: str, unit: str):
    """Yield ``report(done)`` (or None when nothing is to be reported) for ``total`` ``unit``s."""
    check_progress(progress)
    if progress is None or progress is False:
        yield None
    elif progress is True:
        from tqdm import tqdm

        with tqdm(total=total, desc=desc, unit=unit, unit_scale=True, file=sys.stderr, leave=False) as bar:
            yield lambda done: bar.update(done - bar.n)
    else:
        yield lambda done: progress(done, total)


@contextlib.contextmanager
def growing_reporter(progress, total: int, desc: str, unit: str):
    """``reporter`` for work whose total is known only as it goes: yield ``report(done,
    total)``, ``total`` the best count so far (it may grow), ``total`` to start with."""
    check_progress(progress)
    if progress is None or progress is False:
        yield None
    elif progress is True:
        from tqdm import tqdm

        with tqdm(total=total, desc=desc, unit=unit, unit_scale=True, file=sys.stderr, leave=False) as bar:
            def report(done, now):
                bar.total = now
                bar.update(done - bar.n)

            yield report
    else:
        yield lambda done, now: progress(done, now)
