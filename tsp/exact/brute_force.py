"""Brute force: try every order of the cities (n <= 10), the plainest exact solver."""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from .. import _metric
from .._metric import dist, size
from ..tour import Tour
from ._common import check_problem, no_route

__all__ = ["MAX_CITIES", "brute_force"]

#: Largest instance brute_force accepts: 10! = 3,628,800 orders.
MAX_CITIES = 10


@njit(cache=True)
def _best_order(m, closed):
    """Enumerate orders in lexicographic order (city 0 fixed first when closed).

    Returns (best length, first order reaching it) under metric ``m``. A length is
    abandoned as soon as its running sum reaches the best so far.
    """
    n = size(m)
    fixed = 1 if closed else 0
    perm = np.arange(n)
    best_perm = perm.copy()
    best = np.inf
    while True:
        length = 0.0
        for i in range(n - 1):
            length += dist(m, perm[i], perm[i + 1])
            if length >= best:
                break
        if closed:
            length += dist(m, perm[n - 1], perm[0])
        if length < best:
            best = length
            best_perm[:] = perm
        # Next permutation of perm[fixed:]: the classic in-place step.
        i = n - 2
        while i >= fixed and perm[i] >= perm[i + 1]:
            i -= 1
        if i < fixed:
            break
        j = n - 1
        while perm[j] <= perm[i]:
            j -= 1
        perm[i], perm[j] = perm[j], perm[i]
        perm[i + 1 :] = perm[i + 1 :][::-1].copy()
    return best, best_perm


def brute_force(instance, closed: bool = False) -> Tour:
    """The shortest open path or closed tour, by trying every order (n <= 10).

    Parameters
    ----------
    instance : Instance
        At most ``MAX_CITIES`` (10) cities; asymmetric and ``inf`` edges are fine.
    closed : bool, default False
        False: shortest path with any start and end. True: shortest tour back
        to the start (city 0 is kept first; rotations are the same tour).

    Returns
    -------
    Tour
        A proven optimal, complete ``Tour``: the lexicographically first order
        among the shortest.

    Raises
    ------
    TypeError
        When ``instance`` is not a ``tsp.Instance`` or ``closed`` not a bool.
    ValueError
        When n > 10 (use ``held_karp``), or when missing edges leave no
        Hamiltonian path or tour.

    Notes
    -----
    Open: all n! orders; closed: the (n-1)! orders starting at city 0. Each is
    summed leg by leg, stopping early once the sum reaches the best so far.
    Time O(n! n), memory O(n).

    Examples
    --------
    >>> from tsp import Instance
    >>> m = [[0, 1, 9, 9], [1, 0, 1, 9], [9, 1, 0, 1], [9, 9, 1, 0]]
    >>> tour = brute_force(Instance.from_matrix(m))
    >>> tour.order, tour.length
    (array([0, 1, 2, 3]), 3.0)
    """
    instance, closed = check_problem(instance, closed)
    n = instance.n
    if n > MAX_CITIES:
        m = n - 1 if closed else n
        # (m)! in full while it is short; 2000! has 5736 digits, more than str(int) writes
        count = f"{math.factorial(m):,}" if m <= 25 else f"about 10^{math.lgamma(m + 1) / math.log(10):.0f}"
        raise ValueError(
            f"brute_force handles n <= {MAX_CITIES}, got n={n} ({count} orders to try); "
            f"use tsp.exact.held_karp"
        )
    length, order = _best_order(_metric.of(instance), closed)
    if not np.isfinite(length):
        raise no_route(instance, closed)
    return Tour.from_order(instance, order, closed=closed)
