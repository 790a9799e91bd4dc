"""The distance seam: how every kernel reads the distance from city i to city j.

A kernel never indexes a matrix itself. It takes a ``Metric`` — a small NamedTuple
``(kind, matrix, coords)`` — and calls ``dist(m, i, j)``, which switches on the
integer ``kind``:

- ``MATRIX``: ``matrix[i, j]`` (n x n float64; ``inf`` = no edge; may be asymmetric);
- ``EUCLIDEAN``: ``sqrt(dx^2 + dy^2)`` on ``coords`` (n x 2);
- ``EUC_2D``, ``CEIL_2D``, ``ATT``, ``GEO``: TSPLIB95's integer conventions on
  ``coords`` (``nint(x) = floor(x + 0.5)``; for GEO, ``coords`` holds latitude and
  longitude already in radians, see ``coords_metric``).

Every Metric has the same Numba type — an int64 and two read-only C-contiguous
2-D float64 arrays, the unused one an empty placeholder — so a kernel taking a
Metric compiles once and caches once for every kind. (A jitclass per metric would
give the same single call site, but jitclasses cannot be cached.) The switch costs
one predictable branch per call.

``dist(m, i, i)`` is not defined (GEO gives 1 there, a matrix whatever its
diagonal holds): the diagonal is never used, and ``build_matrix`` writes 0 there.
The coordinate kinds need no n x n array: kernels that read distances only
through ``dist`` run on coordinates alone (a million cities fit). A geometric
``Instance`` (``from_points``, ``random_uniform``, TSPLIB coordinate types) has a
coordinate metric, a matrix instance kind ``MATRIX``: ``of(instance)``.

Every coordinate kind is one formula of two points, ``pair``; the plane kinds are a
non-decreasing function of the squared distance (``planar``), which lets the k-d
tree of a geometric instance (``tsp._kdtree``) bound the distance to a whole box of
points with the same arithmetic (``box_bound``), so its answers equal a scan's to
the last bit.

The matrix builders are generated from the same per-pair formulas: ``build_matrix``
calls ``dist`` once per pair i < j and mirrors it (every coordinate kind is
symmetric: ``(x_i - x_j)^2 == (x_j - x_i)^2`` exactly, and GEO's cosines are
even). Measured against filling whole rows: 6.5 / 12.6 ms on gr666 (GEO, half the
trigonometry), 22 / 26 ms on pr2392 (EUC_2D), 100 / 110 ms at n = 5000 (euclidean).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit

from ._validation import check_matrix_memory, readonly

__all__ = ["KINDS", "Metric", "box_bound", "build_matrix", "coords_metric", "dist", "distances", "geo_degrees",
           "matrix_metric", "metric_matrix", "of", "pair", "planar", "size", "unit_vectors"]

MATRIX, EUCLIDEAN, EUC_2D, CEIL_2D, ATT, GEO = range(6)

#: metric name -> integer kind (``dist`` switches on it).
KINDS = {"matrix": MATRIX, "euclidean": EUCLIDEAN, "EUC_2D": EUC_2D, "CEIL_2D": CEIL_2D, "ATT": ATT, "GEO": GEO}

#: TSPLIB's PI (GEO) and Earth radius in km: the published optima are computed with them.
GEO_PI = 3.141592
GEO_RADIUS = 6378.388


class Metric(NamedTuple):
    """What a kernel needs to read distances: ``dist(m, i, j)``.

    Build one with ``matrix_metric``, ``coords_metric`` or ``of(instance)``, never
    by hand: they make both arrays read-only float64, which keeps one Numba type.
    """

    kind: int
    matrix: np.ndarray
    coords: np.ndarray


def _frozen(a) -> np.ndarray:
    """A read-only C-contiguous float64 view of ``a``; ``a`` itself stays writable."""
    a = np.ascontiguousarray(a, dtype=np.float64)
    if a.flags.writeable:
        a = a.view()
        a.setflags(write=False)
    return a


_NO_MATRIX = readonly(np.empty((0, 0)))
_NO_COORDS = readonly(np.empty((0, 2)))


def matrix_metric(matrix) -> Metric:
    """A ``MATRIX`` metric reading ``matrix[i, j]`` (a square float64 array)."""
    return Metric(MATRIX, _frozen(matrix), _NO_COORDS)


def geo_degrees(ddd_mm):
    """TSPLIB's DDD.MM (degrees, then minutes as the fraction) in degrees: ``deg + 5 * min / 3``.

    ``deg`` is the truncation and ``min`` the rest (``5 * 0.30 / 3 = 0.5``: 30 minutes).
    Minutes of 60 or more carry into the degrees (ali535 writes some). A number or an
    array.

    Examples
    --------
    >>> float(geo_degrees(16.30)), float(geo_degrees(-45.80))
    (16.5, -46.33333333333333)
    """
    deg = np.trunc(ddd_mm)
    return deg + 5.0 * (ddd_mm - deg) / 3.0


def coords_metric(kind: str, coords) -> Metric:
    """A coordinate metric (``kind`` a name of ``KINDS`` other than "matrix") on (n, 2) ``coords``.

    GEO coordinates are TSPLIB's DDD.MM: they are converted once to radians,
    ``PI * geo_degrees(v) / 180`` with ``PI = 3.141592``, as TSPLIB95 defines.
    """
    code = KINDS[kind]
    if code == MATRIX:
        raise ValueError("coords_metric needs a coordinate kind, got 'matrix' (use matrix_metric)")
    xy = _frozen(coords)
    if code == GEO:
        xy = readonly(GEO_PI * geo_degrees(xy) / 180.0)
    return Metric(code, _NO_MATRIX, xy)


def of(instance) -> Metric:
    """The metric of an instance: kind ``MATRIX`` on its matrix, or its coordinate kind
    on its coordinates (built once, with the instance)."""
    return instance._seam


def unit_vectors(m: Metric) -> np.ndarray:
    """The points of a GEO metric as (n, 3) unit vectors on the sphere.

    The cosine of the angle between two of them (their dot product) is what GEO's
    formula computes from latitudes and longitudes (the spherical law of cosines),
    so straight-line (chord) distances between them bound GEO distances from below
    (``box_bound``).
    """
    lat, lon = m.coords[:, 0], m.coords[:, 1]
    return np.column_stack((np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)))


@njit(cache=True)
def size(m):
    """Number of cities of metric ``m``."""
    if m.kind == MATRIX:
        return m.matrix.shape[0]
    return m.coords.shape[0]


@njit(cache=True)
def planar(kind, d2):
    """The distance of a plane metric ``kind`` whose squared Euclidean distance is ``d2``.

    ``d2`` is computed as ``dx * dx + dy * dy`` with ``dx = x_i - x_j``, exactly as
    ``pair`` does; the result is non-decreasing in ``d2`` for every plane kind, so
    ``planar(kind, d2)`` of a smaller ``d2`` is never larger (the spatial index relies
    on it to bound the distances of a whole box of points).
    """
    if kind == EUCLIDEAN:
        return np.sqrt(d2)
    if kind == EUC_2D:
        return np.floor(np.sqrt(d2) + 0.5)
    if kind == CEIL_2D:
        return np.ceil(np.sqrt(d2))
    # ATT (pseudo-Euclidean): r = sqrt(d^2 / 10); nint(r), plus 1 if below r
    r = np.sqrt(d2 / 10.0)
    t = np.floor(r + 0.5)
    return t + 1.0 if t < r else t


@njit(cache=True)
def pair(kind, x1, y1, x2, y2):
    """Distance between the points (x1, y1) and (x2, y2) under the coordinate metric ``kind``.

    The one formula of every coordinate kind: ``dist`` and the spatial index
    (``tsp._kdtree``) call it, so both give the same number to the last bit.
    """
    if kind == GEO:  # great circle on TSPLIB's idealised sphere; coordinates in radians
        q1 = np.cos(y1 - y2)
        q2 = np.cos(x1 - x2)
        q3 = np.cos(x1 + x2)
        c = 0.5 * ((1.0 + q1) * q2 - (1.0 - q1) * q3)
        c = min(1.0, max(-1.0, c))  # a rounding step past 1 (identical points) would give NaN
        return np.floor(GEO_RADIUS * np.arccos(c) + 1.0)
    dx = x1 - x2
    dy = y1 - y2
    return planar(kind, dx * dx + dy * dy)


@njit(cache=True)
def dist(m, i, j):
    """Distance from city i to city j (i != j) under metric ``m``; ``inf`` = no edge."""
    if m.kind == MATRIX:
        return m.matrix[i, j]
    xy = m.coords
    return pair(m.kind, xy[i, 0], xy[i, 1], xy[j, 0], xy[j, 1])


@njit(cache=True)
def distances(m, a, b):
    """``dist(m, a[t], b[t])`` for every t (a, b: int64 arrays of one length), as float64."""
    out = np.empty(a.size)
    for t in range(a.size):
        out[t] = dist(m, a[t], b[t])
    return out


#: Radians taken off a GEO angle bound for rounding: the chord of two unit vectors
#: and GEO's arccos of a rounded cosine (at worst about 1e-7 rad off, near 0 and pi)
#: may each differ from the exact angle; 1e-5 rad (64 m) covers both with room.
GEO_ANGLE_SLACK = 1e-5


@njit(cache=True)
def box_bound(kind, lb2):
    """A lower bound on the distance from a point to every point of a box.

    ``lb2`` is the squared distance from the point to the box in the spatial
    index's geometry: for the plane kinds ``dx * dx + dy * dy`` with ``dx, dy`` the
    coordinate gaps to the box, computed as ``pair`` computes them, so by
    monotonicity of rounding no point of the box has a smaller ``pair`` distance
    (exact, no slack); for GEO the squared chord between unit vectors
    (``unit_vectors``), turned into an angle less ``GEO_ANGLE_SLACK``.
    """
    if kind == GEO:
        half = np.sqrt(lb2) * 0.5
        angle = 2.0 * np.arcsin(min(1.0, half)) - GEO_ANGLE_SLACK
        return np.floor(GEO_RADIUS * max(angle, 0.0) + 1.0)
    return planar(kind, lb2)


@njit(cache=True)
def _matrix(m):
    n = size(m)
    out = np.empty((n, n))
    for i in range(n):
        out[i, i] = 0.0
        for j in range(i + 1, n):
            d = dist(m, i, j)
            out[i, j] = d
            out[j, i] = d
    return out


def build_matrix(kind: str, coords) -> np.ndarray:
    """The n x n matrix of a coordinate metric: ``dist`` for every pair, 0 on the diagonal.

    ``coords``: validated (n, 2) finite float64 coordinates. A pair too far apart
    for float64 comes out ``inf``; callers refuse it (``inf`` means "no edge").
    A matrix that cannot fit is refused up front, naming n and the memory it
    needs (``_validation.check_matrix_memory``). Time O(n^2), memory O(n^2).

    Examples
    --------
    >>> build_matrix("euclidean", [[0.0, 0.0], [3.0, 4.0]])
    array([[0., 5.],
           [5., 0.]])
    """
    return metric_matrix(coords_metric(kind, coords))


def metric_matrix(m: Metric) -> np.ndarray:
    """``build_matrix`` of a coordinate metric already built (checked, then filled)."""
    check_matrix_memory(m.coords.shape[0])
    return _matrix(m)
