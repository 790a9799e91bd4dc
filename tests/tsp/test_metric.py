"""tsp._metric: the distance seam (Metric, dist, size) and the matrix builders.

Every builder against its slow twin in tests/reference.py (``euclidean_matrix``,
``tsplib_matrix``), the seam reading the same numbers from a matrix as from
coordinates, and one Numba type for every metric (each kernel compiles once).
"""

import numba
import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests import reference as ref
from tests.data import points_for, tie_heavy_matrices
from tsp import Instance, _metric
from tsp.neighbors import candidate_lists, scan_rows, tree_candidates, tree_rows

COORDINATE_KINDS = sorted(set(_metric.KINDS) - {"matrix"})


@pytest.mark.parametrize("kind", COORDINATE_KINDS)
@given(data=st.data())
def test_every_builder_equals_its_pairwise_twin(kind, data):
    xy = data.draw(points_for(kind))
    got = _metric.build_matrix(kind, np.array(xy, dtype=np.float64))
    assert got.dtype == np.float64 and got.shape == (len(xy), len(xy))
    assert np.array_equal(got, ref.coordinate_matrix(kind, xy))


@given(st.lists(st.tuples(st.integers(-50, 50), st.integers(-50, 50)), min_size=2, max_size=12))
@example([(0, 0), (3, 4), (0, 0)])
def test_euclidean_matrix_is_exactly_symmetric_with_a_zero_diagonal(points):
    """Integer points: many equal distances and duplicates (distance 0)."""
    xy = np.array(points, dtype=np.float64)
    got = _metric.build_matrix("euclidean", xy)
    assert np.array_equal(got, got.T)
    assert (np.diag(got) == 0).all()
    assert np.array_equal(got, ref.euclidean_matrix(points))


def test_known_values():
    assert _metric.build_matrix("euclidean", [[0, 0], [3, 4]])[0, 1] == 5.0
    # (0,0)-(1,1) = 1.414: EUC_2D rounds to 1, CEIL_2D up to 2; ATT: sqrt(0.2) = 0.447, nint 0 < r -> 1
    xy = [[0.0, 0.0], [1.0, 1.0]]
    assert [_metric.build_matrix(k, xy)[0, 1] for k in ("EUC_2D", "CEIL_2D", "ATT")] == [1, 2, 1]
    # burma14 nodes 1 and 2 (GEO, DDD.MM): the published table gives 153
    assert _metric.build_matrix("GEO", [[16.47, 96.10], [16.47, 94.44]])[0, 1] == 153


def test_geo_diagonal_is_zero_although_dist_of_a_city_to_itself_is_one():
    # TSPLIB's GEO formula gives int(0 + 1) = 1 for a point and itself; the diagonal
    # is never used, and the builder writes 0 there as every other builder does.
    xy = [[16.47, 96.10], [16.47, 94.44]]
    assert _metric.dist(_metric.coords_metric("GEO", xy), 0, 0) == 1.0
    assert _metric.build_matrix("GEO", xy)[0, 0] == 0.0


@given(tie_heavy_matrices(max_n=8))
def test_a_matrix_metric_reads_the_matrix(dist):
    m = _metric.matrix_metric(dist)
    assert _metric.size(m) == len(dist)
    for i in range(len(dist)):
        for j in range(len(dist)):
            assert _metric.dist(m, i, j) == dist[i, j]


@pytest.mark.parametrize("kind", COORDINATE_KINDS)
@given(data=st.data())
def test_a_coordinate_metric_reads_what_its_matrix_holds(kind, data):
    xy = np.array(data.draw(points_for(kind)))
    m = _metric.coords_metric(kind, xy)
    matrix = _metric.build_matrix(kind, xy)
    assert _metric.size(m) == len(xy)
    for i in range(len(xy)):
        for j in range(len(xy)):
            if i != j:
                assert _metric.dist(m, i, j) == matrix[i, j]


def test_every_metric_has_one_numba_type_and_a_kernel_compiles_once():
    xy = np.random.default_rng(0).random((6, 2))
    inst = Instance.from_points(xy)
    writable = np.array(inst.dist)
    metrics = [_metric.of(inst), _metric.matrix_metric(writable), _metric.matrix_metric(writable.tolist())]
    metrics += [_metric.coords_metric(kind, xy) for kind in COORDINATE_KINDS]
    assert len({numba.typeof(m) for m in metrics}) == 1
    assert writable.flags.writeable and xy.flags.writeable  # the caller's arrays stay writable
    for m in metrics:
        candidate_lists(m, 2)
    assert len(scan_rows.signatures) == 1
    for kind in COORDINATE_KINDS:  # the k-d tree's lists too: one signature for every kind
        tree_candidates(_metric.coords_metric(kind, xy), 2)
    assert len(tree_rows.signatures) == 1


def test_a_metric_of_a_matrix_instance_is_its_matrix_without_a_copy():
    inst = Instance.from_matrix(np.ones((5, 5)))
    m = _metric.of(inst)
    assert m.kind == _metric.MATRIX and m.matrix is inst.dist


def test_a_metric_of_a_geometric_instance_is_its_coordinates_and_never_its_matrix():
    inst = Instance.random_uniform(50, seed=0)
    m = _metric.of(inst)
    assert m is _metric.of(inst) and m.kind == _metric.EUCLIDEAN and m.matrix.size == 0
    np.testing.assert_array_equal(m.coords, inst.coords)
    geo = Instance.from_points([[16.47, 96.10], [16.47, 94.44]], metric="GEO")
    np.testing.assert_array_equal(_metric.of(geo).coords, _metric.coords_metric("GEO", geo.coords).coords)
    assert inst._dist is None and geo._dist is None  # no matrix was built for them


def test_coords_metric_refuses_the_matrix_kind():
    with pytest.raises(ValueError, match="coordinate kind, got 'matrix'"):
        _metric.coords_metric("matrix", [[0.0, 0.0], [1.0, 1.0]])
