"""A tour (or open path) through an instance, with its length and legs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import _metric
from ._validation import as_array, check_dist, check_indices, check_order
from .instance import Instance

__all__ = ["Tour", "tour_length"]


def tour_length(dist, order, closed: bool = False) -> float:
    """Sum of ``dist`` along ``order`` (back to the start when ``closed``).

    ``dist`` is an ``Instance`` (a geometric one computes its legs from its
    coordinates, no matrix) or a matrix, checked (on a copy) exactly as an
    ``Instance`` checks one: square, at least 2 x 2, real, no NaN, no negative
    entry (``inf`` is a missing edge). ``order`` holds city indices in 0..n-1
    (TypeError for non-integers, ValueError when out of range). The legs are
    added left to right, as the kernels add them; a missing edge makes it inf.

    Examples
    --------
    >>> tour_length([[0, 1, 2], [1, 0, 3], [2, 3, 0]], [0, 1, 2], closed=True)
    6.0
    """
    if isinstance(dist, Instance):
        n = dist.n
    else:
        dist = check_dist(as_array(dist, "dist"))
        n = dist.shape[0]
    order = check_indices(np.array(order), n)
    if order.size < 2:
        return 0.0
    if closed:
        return _sum_in_order(_legs(dist, order, np.roll(order, -1)))
    return _sum_in_order(_legs(dist, order[:-1], order[1:]))


def _legs(dist, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The distances from ``a[t]`` to ``b[t]`` (int64 arrays) of an ``Instance`` or a
    matrix: entries of the matrix, or the seam's formula on the coordinates of a
    geometric instance (its ``dist`` exactly, without building it)."""
    if not isinstance(dist, Instance):
        return dist[a, b]
    if dist.geometric:
        return _metric.distances(_metric.of(dist), a, b)
    return dist.dist[a, b]


def _sum_in_order(legs: np.ndarray) -> float:
    # Left to right, one leg at a time, exactly as the Numba walk adds them up, so a
    # length reported by a kernel and its recomputation here agree to the last bit
    # (ndarray.sum uses pairwise summation, which may differ in the last place).
    return float(np.cumsum(legs)[-1]) if legs.size else 0.0


@dataclass(frozen=True, eq=False)
class Tour:
    """A walk through the cities of an instance.

    Attributes
    ----------
    order : numpy.ndarray
        City indices in visiting order (int64, read-only). For a closed tour the
        return to ``order[0]`` is implied, not repeated.
    length : float
        Total length, including the closing leg when ``closed``.
    closed : bool
        Whether the tour returns to its start.
    complete : bool
        False when the walk got stuck on missing edges before visiting every city
        (or could not close); ``length`` then covers the legs actually walked
        (the finite ones: the sum of ``legs`` for every walk ``nearest_neighbor``
        makes).
    names : tuple of str
        City names in visiting order, for display.
    legs : numpy.ndarray
        Length of each leg walked: ``len(order) - 1`` legs, then the closing leg
        when closed and it exists (a closed walk with no way back has none). An
        order given by hand may hold a missing edge, shown as ``inf``.
    """

    order: np.ndarray
    length: float
    closed: bool
    complete: bool
    names: tuple
    legs: np.ndarray

    @classmethod
    def from_order(cls, instance, order, closed: bool = False) -> "Tour":
        """Build a Tour from a visiting order, computing legs, length and completeness.

        ``order`` holds distinct city indices (0..n-1), at least one; fewer than n
        make an incomplete walk. Raises TypeError for non-integer indices and
        ValueError for an empty, multi-dimensional, out-of-range or repeating order.
        """
        order = check_order(order, instance.n)
        legs = _legs(instance, order[:-1], order[1:]) if order.size > 1 else np.empty(0)
        complete = order.size == instance.n and bool(np.isfinite(legs).all())
        if closed and order.size == instance.n:
            back = _legs(instance, order[-1:], order[:1])[0]
            if np.isfinite(back):
                legs = np.append(legs, back)
            else:  # no way back: the closing leg was never walked
                complete = False
        elif closed:
            complete = False
        walked = legs[np.isfinite(legs)]
        order.setflags(write=False)
        legs = np.ascontiguousarray(legs)
        legs.setflags(write=False)
        return cls(
            order=order,
            length=_sum_in_order(walked),
            closed=bool(closed),
            complete=complete,
            names=tuple(instance.names[i] for i in order),
            legs=legs,
        )

    def __len__(self) -> int:
        return int(self.order.size)

    def _stops(self) -> list:
        """City names in walking order, the start again at the end of a closed tour."""
        return list(self.names) + ([self.names[0]] if self.closed and self.complete else [])

    def __str__(self) -> str:
        stops = self._stops()
        parts = [stops[0]]
        for leg, name in zip(self.legs, stops[1:]):
            parts.append(f"-({leg:g})-> {name}")
        kind = "closed tour" if self.closed else "open path"
        status = "" if self.complete else " (incomplete: stuck on missing edges)"
        return f"{kind} of length {self.length:g}{status}: " + " ".join(parts)

    def render(self) -> str:
        """Leg-by-leg table: step, from, to, leg length, running total."""
        stops = self._stops()
        width = max(len(s) for s in stops)
        lines = [f"{'step':>4}  {'from':<{width}}  {'to':<{width}}  {'leg':>8}  {'total':>9}"]
        total = 0.0
        for k, (leg, a, b) in enumerate(zip(self.legs, stops, stops[1:]), 1):
            total += leg
            lines.append(f"{k:>4}  {a:<{width}}  {b:<{width}}  {leg:>8g}  {total:>9g}")
        return "\n".join(lines)
