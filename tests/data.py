"""Hypothesis strategies shared by the tests, one section per package.

Build inputs by construction (``.map``, ``hypothesis.extra.numpy``) rather than
``.filter``. Each strategy's name says what it draws (no two strategies share a name).
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

INF = float("inf")

# ---------------------------------------------------------------------------
# greedy
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# tsp
# ---------------------------------------------------------------------------


@st.composite
def tie_heavy_matrices(draw, min_n=2, max_n=9, max_d=3, missing=True, symmetric=None):
    """n x n float matrices of small integers 0..max_d (ties everywhere), some ``inf``.

    With ``missing``, about a third of the entries are ``inf`` (no edge);
    ``symmetric`` None draws either kind. The diagonal is 0.
    """
    n = draw(st.integers(min_n, max_n))
    top = max_d + (2 if missing else 0)  # values above max_d become inf
    vals = draw(arrays(np.int64, (n, n), elements=st.integers(0, top))).astype(np.float64)
    vals[vals > max_d] = INF
    if symmetric if symmetric is not None else draw(st.booleans()):
        vals = np.triu(vals) + np.triu(vals, 1).T
    np.fill_diagonal(vals, 0.0)
    return vals


@st.composite
def holed_integer_matrices(draw, symmetric: bool, max_n: int = 8):
    """Integer matrices 0..60, n in 2..max_n; in about half the cases a quarter of the
    entries are ``inf`` (holes), so some have no Hamiltonian path or tour. Diagonal 0."""
    n = draw(st.integers(2, max_n))
    m = draw(arrays(np.int64, (n, n), elements=st.integers(0, 60))).astype(np.float64)
    if draw(st.booleans()):
        holes = draw(arrays(np.bool_, (n, n), elements=st.sampled_from([False, False, False, True])))
        m[holes] = INF
    if symmetric:
        m = np.triu(m, 1) + np.triu(m, 1).T
    np.fill_diagonal(m, 0.0)
    return m


#: plane coordinates as TSPLIB files write them: |v| <= 1e5, three decimals
planar_coordinates = st.floats(-1e5, 1e5, allow_nan=False, allow_infinity=False).map(lambda v: round(v, 3))

#: TSPLIB GEO points: (latitude, longitude) in DDD.MM, two decimals
geo_points = st.tuples(st.floats(-90, 90), st.floats(-180, 180)).map(lambda p: (round(p[0], 2), round(p[1], 2)))


def planar_point_lists(min_n: int = 2, max_n: int = 12):
    """Lists of (x, y) points with ``planar_coordinates``, duplicates allowed."""
    return arrays(np.float64, st.tuples(st.integers(min_n, max_n), st.just(2)),
                  elements=planar_coordinates).map(lambda a: a.tolist())


def geo_point_lists(min_n: int = 2, max_n: int = 12):
    """Lists of GEO points (``geo_points``)."""
    return st.lists(geo_points, min_size=min_n, max_size=max_n)


def points_for(kind: str, min_n: int = 2, max_n: int = 12):
    """Point lists for a coordinate metric: GEO points for ``"GEO"``, plane points otherwise."""
    return geo_point_lists(min_n, max_n) if kind == "GEO" else planar_point_lists(min_n, max_n)


# ---------------------------------------------------------------------------
# optim
# ---------------------------------------------------------------------------


# ---------------------------------------------------------------------------
# tracking
# ---------------------------------------------------------------------------
