"""A tour (or open path) through an instance, with its length and legs."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validation import as_array, check_dist, check_indices, check_order
from .instance import Instance

__all__ = ["Tour", "tour_length"]


def tour_length(dist, order, closed: bool = False) -> float:
    """Sum of ``dist`` along ``order`` (back to the start when ``closed``).

    ``dist`` is an ``Instance`` or a matrix, checked (on a copy) exactly as an
    ``Instance`` checks one: square, at least 2 x 2, real, no NaN, no negative
    entry (``inf`` is a missing edge). ``order`` holds city indices in 0..n-1
    (TypeError for non-integers, ValueError when out of range). The legs are
    added left to right, as the kernels add them; a missing edge makes it inf.

    Examples
    --------
    >>> tour_length([[0, 1, 2], [1, 0, 3], [2, 3, 0]], [0, 1, 2], closed=True)
    6.0
    """
    dist = dist.dist if isinstance(dist, Instance) else check_dist(as_array(dist, "dist"))
    order = check_indices(np.array(order), dist.shape[0])
    if order.size < 2:
        return 0.0
    legs = dist[order[:-1], order[1:]]
    if closed:
        legs = np.append(legs, dist[order[-1], order[0]])
    return _sum_in_order(legs)


def length_text(x: float) -> str:
    """A length for people: an integer in full (TSPLIB's 18660188, not 1.86602e+07),
    anything else to 6 significant digits."""
    return f"{x:.0f}" if np.isfinite(x) and x == np.round(x) and abs(x) < 2**53 else f"{x:.6g}"


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
    instance : Instance or None
        The instance the tour belongs to (set by ``from_order`` and every
        function that returns a Tour), so ``local_search(tour)`` needs no more.
    """

    order: np.ndarray
    length: float
    closed: bool
    complete: bool
    names: tuple
    legs: np.ndarray
    instance: object = field(default=None, repr=False)

    @classmethod
    def from_order(cls, instance, order, closed: bool = False) -> "Tour":
        """Build a Tour from a visiting order, computing legs, length and completeness.

        ``order`` holds distinct city indices (0..n-1), at least one; fewer than n
        make an incomplete walk. Raises TypeError for non-integer indices and
        ValueError for an empty, multi-dimensional, out-of-range or repeating order.
        """
        order = check_order(order, instance.n)
        d = instance.dist
        legs = d[order[:-1], order[1:]] if order.size > 1 else np.empty(0)
        complete = order.size == instance.n and bool(np.isfinite(legs).all())
        if closed and order.size == instance.n:
            back = d[order[-1], order[0]]
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
            instance=instance,
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
            parts.append(f"-({length_text(leg)})-> {name}")
        kind = "closed tour" if self.closed else "open path"
        status = "" if self.complete else " (incomplete: stuck on missing edges)"
        return f"{kind} of length {length_text(self.length)}{status}: " + " ".join(parts)

    def render(self) -> str:
        """Leg-by-leg table: step, from, to, leg length, running total.

        Every column is as wide as its widest entry. Integer lengths are written in
        full; otherwise legs and totals share one number of decimals (6 significant
        digits of the largest total), so their decimal points line up.

        Examples
        --------
        >>> from tsp import Instance
        >>> inst = Instance.from_points([[0, 0], [0.5, 0], [0.5, 10]], names=("A", "B", "Cove"))
        >>> print(Tour.from_order(inst, [0, 1, 2]).render())
        step  from  to        leg    total
           1  A     B      0.5000   0.5000
           2  B     Cove  10.0000  10.5000
        """
        stops = self._stops()
        legs = np.asarray(self.legs, dtype=np.float64)
        totals = np.cumsum(legs)
        finite = np.abs(totals[np.isfinite(totals)])
        if np.all(legs[np.isfinite(legs)] == np.round(legs[np.isfinite(legs)])):
            decimals = 0
        else:
            top = finite.max() if finite.size else 0.0
            decimals = max(0, 6 - (len(str(int(top))) if top >= 1 else 1))
        columns = {
            "step": [str(k) for k in range(1, legs.size + 1)],
            "from": stops[:legs.size],
            "to": stops[1:legs.size + 1],
            "leg": [f"{x:.{decimals}f}" for x in legs],
            "total": [f"{x:.{decimals}f}" for x in totals],
        }
        width = {h: max([len(h)] + [len(v) for v in col]) for h, col in columns.items()}
        text = {"from": str.ljust, "to": str.ljust}  # names to the left, numbers to the right
        rows = [columns.keys()] + [[columns[h][i] for h in columns] for i in range(legs.size)]
        return "\n".join(
            "  ".join(text.get(h, str.rjust)(v, width[h]) for h, v in zip(columns, row)) for row in rows
        )
