"""A TSP instance: city names, and their distances as a matrix or from coordinates.

Two kinds of instance, one type:

- a *matrix instance* (``from_matrix``, ``from_edges``, ``seed_routes``, TSPLIB
  EXPLICIT) holds its dense n x n ``dist`` (any distances: asymmetric, missing
  edges);
- a *geometric instance* (``from_points``, ``random_uniform``, TSPLIB EUC_2D,
  CEIL_2D, ATT, GEO) holds its coordinates and the name of its ``metric``, and
  computes distances from them: memory O(n), a million cities fit. Its ``dist`` is
  built on first use, when it fits (see ``Instance.dist``).

Every constructor ends in ``Instance.__init__``, which validates with the small
checks of ``tsp._validation`` (``check_dist``, ``check_names``, ``check_coords``),
so every algorithm can rely on a square, non-negative, NaN-free, read-only float64
matrix or finite read-only coordinates, and on unique names.
"""

from __future__ import annotations

import csv
import math
from dataclasses import FrozenInstanceError
from importlib import resources

import numpy as np

from . import _metric
from ._validation import (as_array, check_coords, check_dist, check_int, check_memory, check_matrix_memory,
                          check_names, check_seed, check_start, check_type)

__all__ = ["BYTES_PER_CITY", "Instance", "check_instance", "seed_routes"]

#: Memory a geometric instance takes per city: 16 bytes of coordinates, about 63 of
#: its default name ("123456": a 55-byte str and its slot in the tuple). Its candidate
#: lists take 12 bytes per city and neighbour more, its k-d tree about 40.
BYTES_PER_CITY = 80


class _Owned:
    """A freshly computed array handed to ``Instance`` without a defensive copy.

    Every other ``dist`` (or ``coords``) is copied: an instance must never share
    memory with an array its caller can still write to (its candidate lists are
    cached per instance and would go stale).
    """

    __slots__ = ("array",)

    def __init__(self, array: np.ndarray):
        self.array = array


def _owned_or_copy(value, what: str) -> np.ndarray:
    return value.array if isinstance(value, _Owned) else as_array(value, what)


def _default_names(n: int, first: int = 0) -> tuple:
    return tuple(map(str, range(first, first + n)))


class Instance:
    """A travelling-salesperson instance (immutable).

    Parameters
    ----------
    names : sequence of str or None
        One unique name per city; None names them "0" .. "n-1".
    dist : array_like, optional
        n x n distances of a matrix instance (``metric="matrix"``).
    coords : array_like, optional
        (n, 2) coordinates: the points of a geometric instance, or where to draw
        the cities of a matrix instance.
    name : str
        A label for tables and plots.
    metric : str, default "matrix"
        "matrix", or the rule a geometric instance computes distances by:
        "euclidean" (float), or TSPLIB95's "EUC_2D", "CEIL_2D", "ATT", "GEO"
        (integers; GEO coordinates are latitude, longitude in DDD.MM).

    Attributes
    ----------
    names : tuple of str
        One unique name per city.
    dist : numpy.ndarray
        n x n float64, read-only. ``dist[i, j]`` is the cost of going from i to
        j; ``inf`` means there is no edge. It may be asymmetric. The diagonal is
        never used. A geometric instance builds it on first use from its
        coordinates (0 on the diagonal) and keeps it, when it needs at most 80%
        of the memory available then; otherwise reading it is a ValueError naming
        n, the memory it would need, and what to use instead (``distance``,
        ``tour_length``, ``Tour.from_order``: none of them needs the matrix).
    coords : numpy.ndarray or None
        n x 2 float64 coordinates, read-only (as given: GEO in DDD.MM).
    metric : str
        "matrix" or the geometric instance's rule (see Parameters).
    name : str
        A label for tables and plots.
    """

    def __init__(self, names=None, dist=None, coords=None, name: str = "", metric: str = "matrix"):
        if not isinstance(metric, str) or metric not in _metric.KINDS:
            raise ValueError(f"metric must be one of {', '.join(map(repr, _metric.KINDS))}, got {metric!r}")
        if metric == "matrix":
            if dist is None:
                raise TypeError("a matrix instance needs dist (or give coords and a coordinate metric)")
            dist = check_dist(_owned_or_copy(dist, "dist"))
            n = dist.shape[0]
            if coords is not None:
                coords = check_coords(_owned_or_copy(coords, "coords"), "coords", n)
            seam = _metric.matrix_metric(dist)
        else:
            if dist is not None:
                raise ValueError(f"a geometric instance ({metric!r}) computes dist from its coords; "
                                 f"give coords only (or metric='matrix' with dist)")
            if coords is None:
                raise TypeError(f"a geometric instance ({metric!r}) needs coords")
            coords = check_coords(_owned_or_copy(coords, "coords"), "coords")
            n = coords.shape[0]
            if n < 2:
                raise ValueError(f"an instance needs at least 2 cities, got {n}")
            _check_span(coords, metric)
            seam = _metric.coords_metric(metric, coords)
        names = _default_names(n) if names is None else check_names(names, n)
        for attr, value in (("names", names), ("_dist", dist), ("coords", coords), ("name", str(name)),
                            ("metric", metric), ("_seam", seam)):
            object.__setattr__(self, attr, value)

    def __setattr__(self, attr, value):
        raise FrozenInstanceError(f"cannot assign to field {attr!r}: an Instance is immutable")

    def __delattr__(self, attr):
        raise FrozenInstanceError(f"cannot delete field {attr!r}: an Instance is immutable")

    def __reduce__(self):  # pickled by its constructor: the copy is validated and frozen again
        return _rebuild, (self.names, self._dist, self.coords, self.name, self.metric)

    @classmethod
    def _from_owned(cls, names, dist: np.ndarray | None, coords: np.ndarray | None = None, name: str = "",
                    metric: str = "matrix") -> "Instance":
        """An instance that takes ``dist`` (and ``coords``) over without a copy.

        For arrays a constructor or reader has just computed and nobody else holds;
        validated like any other.
        """
        return cls(names=names, dist=None if dist is None else _Owned(dist),
                   coords=None if coords is None else _Owned(coords), name=name, metric=metric)

    @property
    def dist(self) -> np.ndarray:
        """The n x n distance matrix (read-only); a geometric instance builds it on first use."""
        if self._dist is None:
            try:
                matrix = _metric.metric_matrix(self._seam)
            except ValueError as exc:
                raise ValueError(f"instance {self.name!r} is geometric ({self.metric}): its distances come from "
                                 f"its coordinates, and its dense matrix cannot be built: {exc}. Use "
                                 f"instance.distance(i, j), tsp.tour_length(instance, order) or "
                                 f"tsp.Tour.from_order, which need no matrix") from None
            matrix.setflags(write=False)
            object.__setattr__(self, "_dist", matrix)
        return self._dist

    @property
    def geometric(self) -> bool:
        """Whether distances come from coordinates (``metric`` is not "matrix")."""
        return self.metric != "matrix"

    def distance(self, i, j) -> float:
        """The distance from city ``i`` to city ``j`` (indices or names): ``dist[i, j]``,
        without building a matrix.

        About 1 us (validation included); 0 from a city to itself on a geometric
        instance, as on its matrix.

        Examples
        --------
        >>> Instance.from_points([[0, 0], [3, 4]]).distance(0, 1)
        5.0
        """
        i, j = check_start(self, i, "i"), check_start(self, j, "j")
        if self._dist is not None:
            return float(self._dist[i, j])
        return 0.0 if i == j else float(_metric.dist(self._seam, i, j))

    @property
    def n(self) -> int:
        """Number of cities."""
        return len(self.names)

    def __len__(self) -> int:
        return self.n

    def __repr__(self) -> str:
        if self.geometric:
            kind = self.metric
        else:
            kind = "symmetric" if np.array_equal(self.dist, self.dist.T) else "asymmetric"
        return f"Instance(name={self.name!r}, n={self.n}, {kind})"

    @classmethod
    def from_matrix(cls, m, names=None, name: str = "matrix") -> "Instance":
        """An instance from an n x n distance matrix (``inf`` = no edge).

        Examples
        --------
        >>> Instance.from_matrix([[0, 2], [3, 0]]).names
        ('0', '1')
        """
        m = as_array(m, "dist")
        if names is None:
            names = _default_names(m.shape[0] if m.ndim else 0)
        return cls._from_owned(names, m, name=name)

    @classmethod
    def from_points(cls, xy, names=None, name: str = "points", metric: str = "euclidean") -> "Instance":
        """A geometric instance: distances between 2-D points by ``metric``, no matrix held.

        ``metric`` is "euclidean" (float distances) or one of TSPLIB95's integer rules
        "EUC_2D", "CEIL_2D", "ATT", "GEO" (then ``xy`` holds latitude, longitude in
        DDD.MM). Memory O(n); points so far apart that their distances would
        overflow float64 are refused.

        Examples
        --------
        >>> inst = Instance.from_points([[0, 0], [3, 4], [0, 4]])
        >>> inst.metric, inst.distance(0, 1), float(inst.dist[1, 2])
        ('euclidean', 5.0, 3.0)
        """
        xy = check_coords(as_array(xy, "xy", "an (n, 2) array of numbers", dtype=np.float64), "xy")
        return cls(names=names, coords=_Owned(xy), name=name, metric=metric)

    @classmethod
    def random_uniform(cls, n: int, seed=None) -> "Instance":
        """``n`` cities drawn uniformly in the unit square, Euclidean distances (geometric).

        About ``BYTES_PER_CITY`` bytes per city (a million cities: 80 MB), refused
        up front when that cannot fit, naming n and the memory.

        Examples
        --------
        >>> inst = Instance.random_uniform(5, seed=0)
        >>> inst.n, inst.metric
        (5, 'euclidean')
        """
        n = check_int("n", n, 2, "an integer, at least 2")
        rng = check_seed(seed)
        check_memory(BYTES_PER_CITY * n, "n", n,
                     f"its coordinates and names (about {BYTES_PER_CITY} bytes per city)")
        xy = rng.random((n, 2))
        return cls._from_owned(None, None, xy, name=f"random:{n}", metric="euclidean")

    @classmethod
    def from_edges(cls, rows, name: str = "edges") -> "Instance":
        """An instance from ``(start, end, distance)`` rows, as in the classroom table.

        Cities are named by the strings in the rows and sorted alphabetically, so
        index order is alphabetical order. Pairs with no row get ``inf`` (no edge).
        A pair given twice with different distances, a row from a city to itself,
        and a NaN, negative or boolean distance are errors naming the row. The
        dense matrix must fit, as for ``from_points``.
        """
        edges = {}
        for k, row in enumerate(rows):
            if isinstance(row, (str, bytes)):
                raise TypeError(f"row {k} must be a (start, end, distance) sequence, got {row!r}")
            try:
                a, b, d = row
            except (TypeError, ValueError):
                raise ValueError(f"row {k} must be (start, end, distance), got {row!r}") from None
            given = d
            if isinstance(d, (bool, np.bool_)):
                raise TypeError(f"row {k}: distance must be a number, got {d!r}")
            try:
                d = float(d)
            except (TypeError, ValueError):
                raise ValueError(f"row {k}: distance must be a number, got {d!r}") from None
            a, b = str(a), str(b)
            if d != d:
                raise ValueError(f"row {k}: distance must not be NaN, got {given!r} for {a}->{b}")
            if d < 0:
                raise ValueError(f"row {k}: distance must be non-negative, got {given!r} for {a}->{b}")
            if a == b:
                raise ValueError(f"row {k}: {a}->{b} goes from a city to itself; rows must join two cities")
            if edges.get((a, b), d) != d:
                raise ValueError(f"row {k}: {a}->{b} given twice, {edges[(a, b)]} and {d}")
            edges[(a, b)] = d
        names = sorted({c for pair in edges for c in pair})
        index = {c: i for i, c in enumerate(names)}
        check_matrix_memory(len(names))
        m = np.full((len(names), len(names)), np.inf)
        np.fill_diagonal(m, 0.0)
        for (a, b), d in edges.items():
            m[index[a], index[b]] = d
        return cls._from_owned(tuple(names), m, name=name)


def _rebuild(names, dist, coords, name, metric) -> Instance:
    """``Instance`` again from its pickled fields (a geometric one without its matrix)."""
    return Instance(names, dist if metric == "matrix" else None, coords, name, metric)


def _check_span(coords: np.ndarray, metric: str) -> None:
    """Refuse points so far apart that their distances overflow float64 (and would read
    as ``inf``, "no edge").

    No two points are farther apart than the corners of their bounding box, and every
    plane rule grows with the coordinate gaps, so the box's squared diagonal
    ``wx^2 + wy^2`` bounds every pair's; when it is finite, every distance is below
    1.4e154 and no route of fewer than 1e154 legs overflows either. GEO's distances
    are at most half the globe.
    """
    if metric == "GEO":
        return
    low, high = coords.argmin(axis=0), coords.argmax(axis=0)
    wx, wy = float(coords[high[0], 0] - coords[low[0], 0]), float(coords[high[1], 1] - coords[low[1], 1])
    if not math.isfinite(wx * wx + wy * wy):
        i, j = (low[0], high[0]) if wx >= wy else (low[1], high[1])
        raise ValueError(f"xy too large: the points span {wx:g} x {wy:g} (point {i} at {coords[i].tolist()} "
                         f"to point {j} at {coords[j].tolist()}): their distances overflow float64")


def check_instance(instance) -> Instance:
    """Return ``instance`` if it is a ``tsp.Instance``, else raise TypeError."""
    return check_type("instance", instance, Instance, "tsp.Instance")


def seed_routes() -> Instance:
    """The classroom table: 15 Bay Area companies, asymmetric in places.

    Examples
    --------
    >>> inst = seed_routes()
    >>> inst.n, inst.names[:3]
    (15, ('AAPL', 'CSCO', 'CVX'))
    """
    text = resources.files("tsp").joinpath("data/routes.csv").read_text(encoding="utf-8")
    reader = csv.reader(text.splitlines())
    next(reader)  # header: start,end,distance
    return Instance.from_edges(list(reader), name="seed")
