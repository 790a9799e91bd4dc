"""Held–Karp: the exact shortest path or tour by dynamic programming over subsets."""

from __future__ import annotations

import numpy as np
from numba import njit

from ..tour import Tour
from ._common import check_max_bytes, check_problem, no_route

__all__ = ["MAX_SUBSET_CITIES", "MAX_TABLE_BYTES", "held_karp", "table_bytes"]

#: Default largest cost table held_karp builds (1 GiB): n = 24 closed, n = 23 open.
MAX_TABLE_BYTES = 2**30

#: Most cities in the subsets whatever ``max_bytes`` says: the kernels index subsets by
#: int64 bitmasks (and 2^40 subsets would take centuries anyway).
MAX_SUBSET_CITIES = 40


@njit(cache=True)
def _drop_bit(x, j):
    """``x`` with bit ``j`` removed and the higher bits shifted down by one."""
    return (x & ((1 << j) - 1)) | ((x >> (j + 1)) << j)


@njit(cache=True)
def _cost_table(first, inner):
    """The Held–Karp table over m cities: ``cost[j, _drop_bit(T, j)] = C(T + {j}, j)``.

    ``first[j]`` is the cost of reaching city j from the (implicit) start,
    ``inner[k, j]`` of going from k to j. The loop runs over T, the cities
    visited before the last one, as bitmasks in increasing order (every T - {k}
    comes before T). For one T it reads each C(T, k) once and extends it to every
    j outside T, so each table row is read and written in increasing order and
    the inner loop over j is a contiguous row of ``inner`` (vectorised).
    """
    m = first.size
    cost = np.empty((m, 1 << (m - 1)))
    for j in range(m):
        cost[j, 0] = first[j]
    members = np.empty(m, dtype=np.int64)
    best = np.empty(m)
    for t in range(1, (1 << m) - 1):
        p = 0
        for b in range(m):
            if (t >> b) & 1:
                members[p] = b
                p += 1
        best[:] = np.inf
        for c in range(p):
            k = members[c]
            ck = cost[k, _drop_bit(t ^ (1 << k), k)]
            for j in range(m):
                v = ck + inner[k, j]
                if v < best[j]:
                    best[j] = v
        for j in range(m):
            if not (t >> j) & 1:
                cost[j, _drop_bit(t, j)] = best[j]
    return cost


@njit(cache=True)
def _walk_back(cost, inner, last):
    """Best end city and the optimal order read back from the table (length, order).

    Going back from (S, j), the predecessor is the first k in S - {j} whose
    ``C(S - {j}, k) + inner[k, j]`` equals ``C(S, j)``: the same float expression
    the table took its minimum of, so the equality is exact.
    """
    m = inner.shape[0]
    full = (1 << m) - 1
    best = np.inf
    j = -1
    for e in range(m):
        v = cost[e, _drop_bit(full ^ (1 << e), e)] + last[e]
        if v < best:
            best = v
            j = e
    order = np.empty(m, dtype=np.int64)
    if j < 0:
        return best, order[:0]
    s = full
    for pos in range(m - 1, -1, -1):
        order[pos] = j
        r = s ^ (1 << j)
        if r == 0:
            break
        target = cost[j, _drop_bit(r, j)]
        for k in range(m):
            if (r >> k) & 1 and cost[k, _drop_bit(r ^ (1 << k), k)] + inner[k, j] == target:
                break
        s = r
        j = k
    return best, order


def table_bytes(n: int, closed: bool) -> int:
    """Bytes of the float64 cost table ``held_karp`` needs for n cities."""
    m = n - 1 if closed else n
    return 8 * m * (1 << (m - 1))


def held_karp(instance, closed: bool = False, *, max_bytes: int = MAX_TABLE_BYTES) -> Tour:
    """The shortest open path (any start, any end) or closed tour, by Held–Karp.

    Parameters
    ----------
    instance : Instance
        Any instance: asymmetric matrices and missing edges (``inf``) are fine.
    closed : bool, default False
        False: the shortest path through every city, free to start and end
        anywhere. True: the shortest tour back to its start (reported from city 0).
    max_bytes : int, default ``MAX_TABLE_BYTES`` (1 GiB)
        Refuse instances whose cost table would be larger.

    Returns
    -------
    Tour
        A proven optimal, complete ``Tour``. Among equally short ones: the first
        end city, then the first predecessor, by index.

    Raises
    ------
    TypeError
        When ``instance`` is not a ``tsp.Instance``, ``closed`` not a bool or
        ``max_bytes`` not an integer.
    ValueError
        When the table would exceed ``max_bytes`` (the message says how much it
        would need), when more than ``MAX_SUBSET_CITIES`` (40) cities would take
        part in the subsets whatever ``max_bytes``, or when missing edges leave no
        Hamiltonian path or tour.

    Notes
    -----
    Closed tour: fix city 0 as the start. For a set S of the other cities and
    j in S, let C(S, j) be the shortest path that leaves 0, visits exactly S and
    ends at j. Then

        C({j}, j) = d[0, j]
        C(S, j)   = min over k in S - {j} of  C(S - {j}, k) + d[k, j]

    and the optimum is ``min_j C(all, j) + d[j, 0]``. The open path adds a
    virtual start at distance 0 from every city and no return leg, so all n
    cities take part in the subsets. The order is read back from the table
    (no parent pointers to store).

    With m cities in the subsets (m = n - 1 closed, m = n open), time is
    O(2^m m^2). C(S, j) is stored only for j in S: a float64 table
    ``cost[j, S - {j}]`` of m x 2^(m-1) entries (bit j squeezed out), so memory
    is 8 m 2^(m-1) bytes: n = 16 closed 1.9 MiB, n = 22 closed 168 MiB, n = 24
    closed 736 MiB. Float64 keeps integer lengths exact (up to 2^53).

    Examples
    --------
    >>> from tsp import seed_routes
    >>> held_karp(seed_routes()).length, held_karp(seed_routes(), closed=True).length
    (128.0, 171.0)
    >>> from tsp import Instance
    >>> held_karp(Instance.from_matrix([[0, 1, 9], [9, 0, 1], [1, 9, 0]]), closed=True).order
    array([0, 1, 2])
    """
    instance, closed = check_problem(instance, closed)
    max_bytes = check_max_bytes(max_bytes)
    n = instance.n
    if n - closed > MAX_SUBSET_CITIES:  # first: the table of a million cities has 2^999999 entries
        raise ValueError(
            f"held_karp handles at most {MAX_SUBSET_CITIES + closed} cities "
            f"({'closed' if closed else 'open'}), got n={n}: its subsets are int64 bitmasks"
        )
    need = table_bytes(n, closed)
    if need > max_bytes:
        kind = "closed tour" if closed else "open path"
        raise ValueError(
            f"held_karp for n={n} ({kind}) would need a {need / 2**30:.1f} GiB table "
            f"(8 * {n - closed} * 2^{n - closed - 1} bytes), above max_bytes={max_bytes} "
            f"({max_bytes / 2**30:.2f} GiB)"
        )
    d = instance.dist  # read-only; the kernels get fresh copies (one compiled signature)
    if closed:
        first, inner, last = np.array(d[0, 1:]), np.array(d[1:, 1:]), np.array(d[1:, 0])
    else:
        first, inner, last = np.zeros(n), np.array(d), np.zeros(n)
    length, order = _walk_back(_cost_table(first, inner), inner, last)
    if not np.isfinite(length):
        raise no_route(instance, closed)
    if closed:
        order = np.concatenate(([0], order + 1))
    return Tour.from_order(instance, order, closed=closed)
