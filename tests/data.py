"""Hypothesis strategies shared by the tests, one section per package.

Build inputs by construction (``.map``, ``hypothesis.extra.numpy``) rather than
``.filter``. Each strategy's name says what it draws (no two strategies share a name).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from optim import Quadratic
from tests import reference as ref

INF = float("inf")

# ---------------------------------------------------------------------------
# greedy
# ---------------------------------------------------------------------------

#: the classroom's coins (Korean won): canonical, 4290 = 8x500 + 2x100 + 1x50 + 4x10
KRW = frozenset({10, 50, 100, 500})

#: a coin system with a 1-coin (every amount is payable): distinct values in 2..40, plus 1
coin_systems_with_one = st.sets(st.integers(2, 40), max_size=5).map(lambda s: frozenset(s | {1}))

#: any coin system, 1 to 4 distinct values in 1..30 (some amounts are not payable)
coin_systems = st.sets(st.integers(1, 30), min_size=1, max_size=4).map(frozenset)


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
def holed_integer_matrices(draw, symmetric: bool, max_n: int = 8, sparse: bool = False):
    """Integer matrices 0..60, n in 2..max_n; in about half the cases a quarter of the
    entries are ``inf`` (holes), so some have no Hamiltonian path or tour. With
    ``sparse``, always holes: a quarter, a half or two thirds of the entries (few
    routes left, as in /tmp/review-11's counterexamples). Diagonal 0."""
    n = draw(st.integers(2, max_n))
    m = draw(arrays(np.int64, (n, n), elements=st.integers(0, 60))).astype(np.float64)
    if sparse or draw(st.booleans()):
        odds = draw(st.sampled_from([(1, 3), (1, 1), (2, 1)])) if sparse else (1, 3)  # holes : edges
        holes = draw(arrays(np.bool_, (n, n), elements=st.sampled_from([True] * odds[0] + [False] * odds[1])))
        m[holes] = INF
    if symmetric:
        m = np.triu(m, 1) + np.triu(m, 1).T
    np.fill_diagonal(m, 0.0)
    return m


@st.composite
def matrices_with_a_tour(draw, max_n: int = 9, symmetric=None, closed=None):
    """``(dist, order, closed)``: a tie-heavy, integer or sparse integer matrix with missing
    edges (``inf``) and a random visiting order that is complete by construction (its legs, and the way
    back when ``closed``, are given finite lengths). ``symmetric`` / ``closed`` None draw
    either kind."""
    kind = draw(st.sampled_from(["tie-heavy", "holed", "sparse"]))
    if kind == "tie-heavy":
        dist = draw(tie_heavy_matrices(min_n=2, max_n=max_n, max_d=9, symmetric=symmetric))
    else:
        sym = draw(st.booleans()) if symmetric is None else symmetric
        dist = draw(holed_integer_matrices(sym, max_n, sparse=kind == "sparse"))
    sym = bool(np.array_equal(dist, dist.T))
    n = len(dist)
    closed = draw(st.booleans()) if closed is None else closed
    order = draw(st.permutations(range(n)))
    legs = list(zip(order, order[1:])) + ([(order[-1], order[0])] if closed and n > 1 else [])
    for a, b in legs:
        if dist[a, b] == INF:
            dist[a, b] = draw(st.integers(0, 60))
            if sym:
                dist[b, a] = dist[a, b]
    return dist, list(order), closed


#: plane coordinates as TSPLIB files write them: |v| <= 1e5, three decimals
planar_coordinates = st.floats(-1e5, 1e5, allow_nan=False, allow_infinity=False).map(lambda v: round(v, 3))


def _ddd_mm(limit: int):
    """TSPLIB DDD.MM values (two decimals) of angles within -limit..limit degrees, by
    construction: minutes 0..59, or 60..99 (ali535 writes some) a degree or two inside."""
    whole = st.tuples(st.integers(0, limit - 1), st.integers(0, 59)) | st.just((limit, 0))
    carried = st.tuples(st.integers(0, limit - 2), st.integers(60, 99))
    return st.tuples(whole | carried, st.sampled_from((1, -1))).map(
        lambda t: round(t[1] * (t[0][0] + t[0][1] / 100), 2))


#: TSPLIB GEO points on the globe: (latitude, longitude) in DDD.MM, two decimals
geo_points = st.tuples(_ddd_mm(90), _ddd_mm(180))


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


@st.composite
def _integer_grid_points(draw, min_n, max_n):
    side = draw(st.integers(0, 8))
    return draw(st.lists(st.tuples(st.integers(0, side), st.integers(0, side)), min_size=min_n, max_size=max_n))


#: GEO points where TSPLIB's kilometres tie: whole degrees a few apart (duplicates
#: included), or the poles, the equator and antipodes
_tie_heavy_geo_points = (st.tuples(st.integers(-3, 3), st.integers(-3, 3))
                         | st.tuples(st.sampled_from([-90, -45, 0, 45, 90]), st.sampled_from([-180, -90, 0, 90, 180])))


def tie_heavy_points_for(kind: str, min_n: int = 2, max_n: int = 12):
    """Point lists with ties everywhere: plane points on an integer grid of side 0..8
    (many equal distances, duplicate points), GEO points on whole degrees."""
    points = st.lists(_tie_heavy_geo_points, min_size=min_n, max_size=max_n) if kind == "GEO" \
        else _integer_grid_points(min_n, max_n)
    return points.map(lambda p: [(float(x), float(y)) for x, y in p])


def any_points_for(kind: str, min_n: int = 2, max_n: int = 12):
    """``points_for`` or ``tie_heavy_points_for``: random points or ties everywhere."""
    return points_for(kind, min_n, max_n) | tie_heavy_points_for(kind, min_n, max_n)


# ---------------------------------------------------------------------------
# optim
# ---------------------------------------------------------------------------

#: any seed of ``numpy.random.default_rng``
seeds = st.integers(0, 2**32 - 1)


class QuadraticCase(NamedTuple):
    """A random ``Quadratic`` with what built it: A = Q diag(eigenvalues) Q^T, and a start."""

    problem: Quadratic
    Q: np.ndarray
    eigenvalues: np.ndarray
    x0: np.ndarray


def quadratic_case(seed: int, d: int = 3) -> QuadraticCase:
    """A d-dimensional ``Quadratic`` built by construction from ``seed``.

    Eigenvalues uniform in [0.1, 10] (kappa <= 100), a Haar-random rotation Q, b normal;
    the start x0 = x* + Q z has a top-eigenvector part |z[-1]| >= 1, so a rate above 2/L
    visibly diverges from it.
    """
    rng = np.random.default_rng(seed)
    A, Q, ev = ref.random_spd(rng, d, 0.1, 10.0)
    q = Quadratic(A, rng.normal(size=d))
    z = rng.normal(size=d)
    z[-1] = 1.0 if abs(z[-1]) < 1.0 else z[-1]  # eigenvalues ascending: the last is the top one
    return QuadraticCase(q, Q, ev, q.solution() + Q @ z)


def quadratic_cases(dims=st.integers(1, 6)):
    """``QuadraticCase`` of a drawn seed and dimension."""
    return st.builds(quadratic_case, seeds, dims)


# ---------------------------------------------------------------------------
# tracking
# ---------------------------------------------------------------------------

#: metric (and tag) keys: a few, so runs share them; nested names included
metric_keys = st.sampled_from(["lr", "n", "loss", "train/acc", "a.b"])

#: values a run may log: any float64 (NaN, +-inf and -0.0 included) and integers exact in one
metric_values = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.integers(-(2**53), 2**53),
    st.sampled_from([float("nan"), float("inf"), -float("inf")]),
)

#: the step argument of log_metric: None (the key's point count) or a small int, repeats and
#: steps that go back included
metric_steps = st.one_of(st.none(), st.integers(-3, 5))
