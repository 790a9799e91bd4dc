"""A TSP instance: city names, a distance matrix, and optional coordinates.

All validation of instances lives here (``Instance.__post_init__``), so every
constructor and every algorithm can rely on a square, non-negative, NaN-free
float64 matrix with unique names.
"""

from __future__ import annotations

import csv
import numbers
from dataclasses import dataclass
from importlib import resources

import numpy as np

__all__ = ["Instance", "seed_routes"]


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a, dtype=np.float64)
    a.setflags(write=False)
    return a


class _Owned:
    """A freshly computed matrix handed to ``Instance`` without a defensive copy.

    Every other ``dist`` (or ``coords``) is copied: an instance must never share
    memory with an array its caller can still write to (its candidate lists are
    cached per instance and would go stale).
    """

    __slots__ = ("array",)

    def __init__(self, array: np.ndarray):
        self.array = array


def _owned_or_copy(value, what: str) -> np.ndarray:
    if isinstance(value, _Owned):
        return value.array
    try:
        arr = np.array(value)  # always a copy, never the caller's memory
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{what} must be a rectangular array of numbers: {exc}") from None
    return arr


@dataclass(frozen=True, eq=False)
class Instance:
    """A travelling-salesperson instance.

    Attributes
    ----------
    names : tuple of str
        One unique name per city.
    dist : numpy.ndarray
        n x n float64, read-only. ``dist[i, j]`` is the cost of going from i to
        j; ``inf`` means there is no edge. It may be asymmetric. The diagonal is
        never used.
    coords : numpy.ndarray or None
        n x 2 float64 coordinates for drawing (and for Euclidean instances).
    name : str
        A label for tables and plots.
    """

    names: tuple
    dist: np.ndarray
    coords: np.ndarray | None = None
    name: str = ""

    def __post_init__(self):
        dist = _owned_or_copy(self.dist, "dist")
        if dist.ndim != 2 or dist.shape[0] != dist.shape[1]:
            raise ValueError(f"dist must be square, got shape {dist.shape}")
        n = dist.shape[0]
        if n < 2:
            raise ValueError(f"an instance needs at least 2 cities, got {n}")
        if not (np.issubdtype(dist.dtype, np.number) and not np.issubdtype(dist.dtype, np.complexfloating)):
            raise TypeError(f"dist must hold real numbers, got dtype {dist.dtype}")
        dist = _readonly(dist)
        if np.isnan(dist).any():
            i, j = np.argwhere(np.isnan(dist))[0]
            raise ValueError(f"dist must not contain NaN, got NaN at [{i}, {j}]")
        if (dist < 0).any():
            i, j = np.argwhere(dist < 0)[0]
            raise ValueError(f"dist must be non-negative, got {dist[i, j]} at [{i}, {j}]")
        top = float(np.max(dist, where=np.isfinite(dist), initial=0.0))
        if top * n > np.finfo(np.float64).max:  # a closed tour has n legs
            raise ValueError(f"dist too large: a route of {n} legs of up to {top:g} could overflow "
                             f"float64 (lengths would read as inf, i.e. no route)")
        if isinstance(self.names, (str, bytes)) or not hasattr(self.names, "__iter__"):
            raise TypeError(f"names must be a sequence of strings, got {self.names!r}")
        names = tuple(self.names)
        if len(names) != n:
            raise ValueError(f"names must have one entry per city ({n}), got {len(names)}")
        if not all(isinstance(s, str) for s in names):
            raise TypeError(f"names must be strings, got {[s for s in names if not isinstance(s, str)][:3]!r}")
        if len(set(names)) != n:
            dup = sorted({s for s in names if names.count(s) > 1})
            raise ValueError(f"names must be unique, got duplicates {dup!r}")
        coords = self.coords
        if coords is not None:
            coords = _owned_or_copy(coords, "coords")
            if not (np.issubdtype(coords.dtype, np.number) and not np.issubdtype(coords.dtype, np.complexfloating)):
                raise TypeError(f"coords must hold real numbers, got dtype {coords.dtype}")
            if coords.shape != (n, 2):
                raise ValueError(f"coords must have shape ({n}, 2), got {coords.shape}")
            if not np.isfinite(coords).all():
                i = int(np.flatnonzero(~np.isfinite(coords).all(axis=1))[0])
                raise ValueError(f"coords must be finite, got {coords[i].tolist()} at row {i}")
            coords = _readonly(coords)
        object.__setattr__(self, "dist", dist)
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "coords", coords)
        object.__setattr__(self, "name", str(self.name))

    @property
    def n(self) -> int:
        """Number of cities."""
        return self.dist.shape[0]

    def __len__(self) -> int:
        return self.n

    def __repr__(self) -> str:
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
        m = _owned_or_copy(m, "dist")
        if names is None:
            names = tuple(str(i) for i in range(m.shape[0] if m.ndim else 0))
        return cls(names=names, dist=_Owned(m), name=name)

    @classmethod
    def from_points(cls, xy, names=None, name: str = "points") -> "Instance":
        """A symmetric instance with Euclidean distances between 2-D points."""
        try:
            xy = np.array(xy, dtype=np.float64)  # a copy: the instance keeps it
        except (TypeError, ValueError) as exc:
            raise ValueError(f"xy must be an (n, 2) array of numbers: {exc}") from None
        if xy.ndim != 2 or xy.shape[1] != 2:
            raise ValueError(f"xy must have shape (n, 2), got {xy.shape}")
        if not np.isfinite(xy).all():
            i = int(np.flatnonzero(~np.isfinite(xy).all(axis=1))[0])
            raise ValueError(f"xy must be finite, got {xy[i].tolist()} at row {i}")
        from .geometry import euclidean_matrix

        if names is None:
            names = tuple(str(i) for i in range(xy.shape[0]))
        dist = euclidean_matrix(xy)
        if np.isinf(dist).any():
            # inf means "no edge": an overflowing distance must not turn into one.
            i, j = np.argwhere(np.isinf(dist))[0]
            raise ValueError(f"xy too large: the distance between points {i} and {j} "
                             f"overflows float64 ({xy[i].tolist()} to {xy[j].tolist()})")
        return cls(names=names, dist=_Owned(dist), coords=_Owned(xy), name=name)

    @classmethod
    def random_uniform(cls, n: int, seed=None) -> "Instance":
        """``n`` cities drawn uniformly in the unit square, Euclidean distances.

        Examples
        --------
        >>> Instance.random_uniform(5, seed=0).n
        5
        """
        if not isinstance(n, numbers.Integral) or isinstance(n, bool):
            raise TypeError(f"n must be an integer, got {n!r}")
        if n < 2:
            raise ValueError(f"n must be at least 2, got {n}")
        from ._validation import check_seed

        xy = check_seed(seed).random((int(n), 2))
        return cls.from_points(xy, name=f"random:{n}")

    @classmethod
    def from_edges(cls, rows, name: str = "edges") -> "Instance":
        """An instance from ``(start, end, distance)`` rows, as in the classroom table.

        Cities are named by the strings in the rows and sorted alphabetically, so
        index order is alphabetical order. Pairs with no row get ``inf`` (no edge).
        A pair given twice with different distances, a row from a city to itself,
        and a NaN, negative or boolean distance are errors naming the row.
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
        m = np.full((len(names), len(names)), np.inf)
        np.fill_diagonal(m, 0.0)
        for (a, b), d in edges.items():
            m[index[a], index[b]] = d
        return cls(names=tuple(names), dist=_Owned(m), name=name)


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
