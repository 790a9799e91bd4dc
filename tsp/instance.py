"""A TSP instance: city names, a distance matrix, and optional coordinates.

Every constructor ends in ``Instance.__post_init__``, which validates with the
small checks of ``tsp._validation`` (``check_dist``, ``check_names``,
``check_coords``), so every algorithm can rely on a square, non-negative,
NaN-free, read-only float64 matrix with unique names.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

import numpy as np

from ._metric import build_matrix
from ._validation import (as_array, check_coords, check_dist, check_int, check_matrix_memory, check_names,
                          check_seed, check_type)

__all__ = ["Instance", "check_instance", "seed_routes"]


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
    return tuple(str(i) for i in range(first, first + n))


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
        dist = check_dist(_owned_or_copy(self.dist, "dist"))
        n = dist.shape[0]
        names = check_names(self.names, n)
        coords = self.coords
        if coords is not None:
            coords = check_coords(_owned_or_copy(coords, "coords"), "coords", n)
        object.__setattr__(self, "dist", dist)
        object.__setattr__(self, "names", names)
        object.__setattr__(self, "coords", coords)
        object.__setattr__(self, "name", str(self.name))

    @classmethod
    def _from_owned(cls, names, dist: np.ndarray, coords: np.ndarray | None = None, name: str = "") -> "Instance":
        """An instance that takes ``dist`` (and ``coords``) over without a copy.

        For arrays a constructor or reader has just computed and nobody else holds;
        validated like any other.
        """
        return cls(names=names, dist=_Owned(dist), coords=None if coords is None else _Owned(coords), name=name)

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
        m = as_array(m, "dist")
        if names is None:
            names = _default_names(m.shape[0] if m.ndim else 0)
        return cls._from_owned(names, m, name=name)

    @classmethod
    def from_points(cls, xy, names=None, name: str = "points") -> "Instance":
        """A symmetric instance with Euclidean distances between 2-D points.

        Its dense n x n matrix (8 n^2 bytes) must fit: when it needs more than 80%
        of the memory available now, a ValueError names n and the memory it needs
        (``tsp._validation.check_memory``), before anything is allocated.
        """
        xy = check_coords(as_array(xy, "xy", "an (n, 2) array of numbers", dtype=np.float64), "xy")
        if names is None:
            names = _default_names(xy.shape[0])
        dist = build_matrix("euclidean", xy)
        if np.isinf(dist).any():
            # inf means "no edge": an overflowing distance must not turn into one.
            i, j = np.argwhere(np.isinf(dist))[0]
            raise ValueError(f"xy too large: the distance between points {i} and {j} "
                             f"overflows float64 ({xy[i].tolist()} to {xy[j].tolist()})")
        return cls._from_owned(names, dist, xy, name=name)

    @classmethod
    def random_uniform(cls, n: int, seed=None) -> "Instance":
        """``n`` cities drawn uniformly in the unit square, Euclidean distances.

        The matrix must fit, as for ``from_points`` (checked before drawing the points).

        Examples
        --------
        >>> Instance.random_uniform(5, seed=0).n
        5
        """
        n = check_int("n", n, 2, "an integer, at least 2")
        rng = check_seed(seed)
        check_matrix_memory(n)
        xy = rng.random((n, 2))
        return cls.from_points(xy, name=f"random:{n}")

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
