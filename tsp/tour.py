"""A tour (or open path) through an instance, with its length and legs."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import _jit, _metric
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
        return _jit.call(_metric.distances, _metric.of(dist), a, b)
    return dist.dist[a, b]


def shown_rows(count: int, max_rows: int | None) -> np.ndarray:
    """Which of ``count`` rows a table of at most ``max_rows`` shows: all of them, or the
    first and last ``max_rows // 2`` (None: all)."""
    rows = np.arange(count)
    if max_rows is None or count <= max_rows:
        return rows
    half = max(1, max_rows // 2)
    return np.concatenate((rows[:half], rows[-half:]))


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

    def render(self, max_rows: int | None = None) -> str:
        """Leg-by-leg table: step, from, to, leg length, running total.

        Every column is as wide as its widest entry. Integer lengths are written in
        full; otherwise legs and totals share one number of decimals (6 significant
        digits of the largest total, and at least 3 of the median leg: a million
        cities' legs of 0.0009 are not written 0.000), so their decimal points line
        up. With ``max_rows``, a tour of more legs shows its first and last
        ``max_rows // 2`` with one line saying how many are left out between them
        (the running totals stay those of the whole tour).

        Examples
        --------
        >>> from tsp import Instance
        >>> inst = Instance.from_points([[0, 0], [0.5, 0], [0.5, 10]], names=("A", "B", "Cove"))
        >>> print(Tour.from_order(inst, [0, 1, 2]).render())
        step  from  to        leg    total
           1  A     B      0.5000   0.5000
           2  B     Cove  10.0000  10.5000
        >>> line = Instance.from_points([[x, 0] for x in range(9)])
        >>> print(Tour.from_order(line, range(9), closed=True).render(max_rows=4))
        step  from  to  leg  total
           1  0     1     1      1
           2  1     2     1      2
             ... 5 legs not shown (steps 3 to 7) ...
           8  7     8     1      8
           9  8     0     8     16
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
            typical = np.median(legs[np.isfinite(legs) & (legs > 0)]) if (legs > 0).any() else 1.0
            decimals = max(decimals, 2 - int(np.floor(np.log10(typical))))  # 3 digits of a typical leg
        shown = shown_rows(legs.size, max_rows)
        columns = {
            "step": [str(k + 1) for k in shown],
            "from": [stops[k] for k in shown],
            "to": [stops[k + 1] for k in shown],
            "leg": [f"{legs[k]:.{decimals}f}" for k in shown],
            "total": [f"{totals[k]:.{decimals}f}" for k in shown],
        }
        width = {h: max([len(h)] + [len(v) for v in col]) for h, col in columns.items()}
        text = {"from": str.ljust, "to": str.ljust}  # names to the left, numbers to the right
        rows = [columns.keys()] + [[columns[h][i] for h in columns] for i in range(shown.size)]
        lines = ["  ".join(text.get(h, str.rjust)(v, width[h]) for h, v in zip(columns, row)) for row in rows]
        if shown.size < legs.size:
            gap = legs.size - shown.size
            lines.insert(1 + shown.size // 2, f"{'':>{width['step']}}  ... {gap:,} legs not shown "
                                              f"(steps {shown[shown.size // 2 - 1] + 2:,} to "
                                              f"{shown[shown.size // 2] :,}) ...")
        return "\n".join(lines)
