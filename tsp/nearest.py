"""Nearest neighbour: from a start, always go to the nearest unvisited city.

The classroom's greedy rule, made exact: ties go to the lowest city index (for the
classroom table, whose cities are sorted by name, the alphabetically first), and
a walk stranded by missing edges (``inf``) stops and says so (``complete=False``).
"""

from __future__ import annotations

import weakref

import numpy as np

from . import _kernels
from ._validation import check_flag, check_start
from .instance import check_instance
from .tour import Tour

__all__ = ["nearest_neighbor", "K_CANDIDATES"]

#: How many nearest neighbours per city the walk looks at before scanning the rest.
#: Measured on random uniform cities (2 threads, all starts): at n=5000 a walk falls
#: back to a full scan about 196 / 103 / 51 / 26 times with K = 16 / 32 / 64 / 128, and
#: each fallback pulls a whole matrix row from memory; K=64 was fastest at n=1000
#: and n=5000 (32 -> 64: about -10 % and -50 %), 96 no better.
K_CANDIDATES = 64

#: From this many cities on, candidate lists are built in parallel (rows shared out).
PARALLEL_MIN_N = 500

# instance -> candidate lists. Instances are immutable (read-only dist), so the lists
# never go stale; the entry goes when the instance does. The kernels never see this.
_candidates_cache: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def candidates(instance, k: int = K_CANDIDATES):
    """Candidate lists of ``instance`` (``cand``, ``cdist``, ``count``, ``cut``), computed once.

    See ``tsp._kernels.candidate_lists``. Time O(n^2) on the first call per
    instance (about 10 ms at n=1000 on one thread), then a dictionary look-up.
    For n <= k + 1 the lists hold whole rows; walking them still beats scanning
    the cities left (measured 4x at n=52: a sequential, predictable loop).
    """
    per_instance = _candidates_cache.setdefault(instance, {})
    if k not in per_instance:
        n = instance.n
        k_eff = max(1, min(int(k), n - 1))
        build = _kernels.candidate_lists_parallel if n >= PARALLEL_MIN_N else _kernels.candidate_lists
        per_instance[k] = build(instance.dist, k_eff)
    return per_instance[k]


def nearest_neighbor(instance, start, closed: bool = False) -> Tour:
    """Walk from ``start`` to the nearest unvisited city until none is left.

    Parameters
    ----------
    instance : Instance
        Any instance: asymmetric distances and missing edges (``inf``) are fine.
    start : int or str
        The first city, by index (0..n-1) or by name.
    closed : bool, default False
        Return to the start at the end (a tour) instead of stopping at the last
        city (an open path, as the classroom script walked).

    Returns
    -------
    Tour
        The walk. ``complete`` is False when missing edges stranded it before
        every city was visited (or, when closed, left no way back); its
        ``length`` then covers the legs actually walked.

    Raises
    ------
    TypeError
        If ``instance`` is not an Instance, ``start`` is neither int nor str, or
        ``closed`` is not a bool.
    ValueError
        If ``start`` is out of range or not a city name.

    Notes
    -----
    At city c the next city is argmin over unvisited j of (dist[c, j], j), the
    lexicographic minimum, so ties go to the lowest index. The kernel looks at the
    ``K_CANDIDATES`` nearest neighbours of c first and scans the remaining cities
    only when all of them are visited. Time O(n K + scans) per walk after an
    O(n^2) candidate pre-computation cached per instance; memory O(n K).

    Examples
    --------
    >>> from tsp import seed_routes
    >>> tour = nearest_neighbor(seed_routes(), "GPS")
    >>> tour.length, tour.names[:4]
    (128.0, ('GPS', 'PCG', 'URS', 'WFC'))
    >>> nearest_neighbor(seed_routes(), "SWY").length
    180.0
    """
    instance = check_instance(instance)
    start = check_start(instance, start)
    closed = check_flag("closed", closed)
    order = np.empty(instance.n, dtype=np.int64)
    _, steps, _ = _kernels.walk(instance.dist, *candidates(instance), start, closed, order)
    return Tour.from_order(instance, order[:steps], closed=closed)
