"""tsp._kdtree: the k-d tree of a geometric instance, its two queries against brute force.

The oracles are plain scans of the distance matrix computed pair by pair by the
published formulas (``reference.coordinate_matrix``): ``reference.candidate_lists``
for the k nearest, ``reference.nearest_unvisited`` for the walk's fallback after
random removals. Points are random or tie-heavy (integer grids, duplicates, GEO's
whole degrees, poles and antipodes), for every coordinate metric.
"""

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from tests import reference as ref
from tests.data import any_points_for
from tests.profiles import slow
from tsp import _kdtree, _metric
from tsp.neighbors import tree_candidates

COORDINATE_KINDS = sorted(set(_metric.KINDS) - {"matrix"})


def tree_lists(kind, xy, k):
    m = _metric.coords_metric(kind, np.array(xy, dtype=np.float64))
    return m, tree_candidates(m, k)


@pytest.mark.parametrize("n", [2, 3, 8, 9, 17, 100, 1000])
def test_the_tree_is_a_permutation_with_leaves_of_at_most_leaf_size_and_boxes_around_their_points(n):
    xy = np.random.default_rng(n).random((n, 2)) * [10, 1]  # wider than tall: splits on x first
    m, lists = tree_lists("euclidean", xy, 1)
    perm, pos, pts, geom, lo, hi, depth = lists[4:]
    assert sorted(perm.tolist()) == list(range(n)) and (pos[perm] == np.arange(n)).all()
    np.testing.assert_array_equal(pts, xy[perm])
    assert geom is pts  # the plane kinds bound their own coordinates
    leaves = 1 << depth
    sizes = [((p + 1) * n >> depth) - (p * n >> depth) for p in range(leaves)]
    assert max(sizes) <= _kdtree.LEAF_SIZE and (depth == 0 or min(sizes) >= _kdtree.LEAF_SIZE // 2)
    for d in range(depth + 1):
        for p in range(1 << d):
            v, a, b = (1 << d) - 1 + p, p * n >> d, (p + 1) * n >> d
            np.testing.assert_array_equal(lo[v], pts[a:b].min(axis=0))
            np.testing.assert_array_equal(hi[v], pts[a:b].max(axis=0))
    if depth:
        assert hi[1, 0] <= lo[2, 0]  # the root split the widest side at its median


def test_geo_boxes_bound_unit_vectors():
    xy = [[16.47, 96.10], [-45.80, 170.0], [0.0, 0.0], [90.0, 0.0], [-90.0, 180.0]] * 3
    m, lists = tree_lists("GEO", xy, 2)
    geom = lists.geom
    assert geom.shape == (15, 3)
    np.testing.assert_allclose(np.linalg.norm(geom, axis=1), 1.0)
    np.testing.assert_array_equal(lists.pts, m.coords[lists.perm])  # radians, tree order


@pytest.mark.parametrize("kind", COORDINATE_KINDS)
@given(data=st.data(), k=st.integers(1, 20))
@example(data=None, k=3)
def test_knn_rows_equal_a_sort_of_the_published_distances(kind, data, k):
    xy = [(0.0, 0.0)] * 4 + [(1.0, 1.0)] * 5 if data is None else data.draw(any_points_for(kind, 2, 40))
    k = min(k, len(xy) - 1)
    _, lists = tree_lists(kind, xy, k)
    for got, want in zip(lists[:4], ref.candidate_lists(ref.coordinate_matrix(kind, xy), k)):
        np.testing.assert_array_equal(got, want)


def nearest_after_removals(kind, xy, removed, queries, every=1):
    """``nearest_alive`` for each query city as the cities of ``removed`` are visited one
    by one (checked after every ``every``-th), against the scan of the published distances."""
    m, lists = tree_lists(kind, xy, 1)
    n = len(xy)
    dist = ref.coordinate_matrix(kind, xy)
    visited = np.zeros(n, dtype=np.bool_)
    alive = _kdtree.alive_counts(lists)
    assert alive[0] == n
    stack, gaps = np.empty(_kdtree.STACK_SIZE, dtype=np.int64), np.empty(_kdtree.STACK_SIZE)
    for r, c in enumerate(removed):
        visited[c] = True
        _kdtree.remove(lists, alive, c)
        assert alive[0] == n - r - 1
        if r % every:
            continue
        for i in queries:
            got = _kdtree.nearest_alive(m, lists, i, visited, alive, stack, gaps)
            want = ref.nearest_unvisited(dist, i, visited | (np.arange(n) == i))
            assert (int(got[0]), float(got[1])) == want, (i, visited.nonzero())


@pytest.mark.parametrize("kind", COORDINATE_KINDS)
@given(data=st.data())
def test_the_nearest_unvisited_city_equals_a_scan_after_random_removals(kind, data):
    xy = data.draw(any_points_for(kind, 2, 60))
    n = len(xy)
    removed = data.draw(st.permutations(range(n)))
    queries = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=4))
    nearest_after_removals(kind, xy, removed, queries)


@slow
@pytest.mark.parametrize("kind", COORDINATE_KINDS)
@given(seed=st.integers(0, 2**32 - 1), side=st.sampled_from([3, 30, 10**4]))
def test_the_nearest_unvisited_city_among_many_equals_a_scan(kind, seed, side):
    """Several hundred cities: a deep tree, boxes pruned; a small side ties everything."""
    rng = np.random.default_rng(seed)
    n = 300
    if kind == "GEO":
        xy = np.column_stack((rng.integers(-side, side + 1, n) % 90, rng.integers(-side, side + 1, n) % 180))
    else:
        xy = rng.integers(0, side, (n, 2))
    xy = xy.astype(np.float64).tolist()
    nearest_after_removals(kind, xy, rng.permutation(n).tolist(), rng.integers(0, n, 3).tolist(), every=13)


def test_nothing_left_is_minus_one():
    m, lists = tree_lists("euclidean", [[0, 0], [1, 1], [2, 2]], 1)
    visited = np.ones(3, dtype=np.bool_)
    alive = _kdtree.alive_counts(lists)
    for c in range(3):
        _kdtree.remove(lists, alive, c)
    stack, gaps = np.empty(_kdtree.STACK_SIZE, dtype=np.int64), np.empty(_kdtree.STACK_SIZE)
    assert _kdtree.nearest_alive(m, lists, 0, visited, alive, stack, gaps) == (-1, np.inf)
    assert not alive.any()


@pytest.mark.parametrize("kind", COORDINATE_KINDS)
def test_a_tie_in_a_box_searched_later_still_goes_to_the_lower_index(kind):
    """City 8 of 17 on a line (GEO: degrees of longitude): its nearest are 7 and 9 (ATT:
    5 to 11 but 8, all at 1), tied. The leaf of 8 and 9 (tree positions 8..11) is
    searched first; the box of the leaf before it is exactly as far and must not be
    skipped."""
    xy = [(0.0, float(x)) if kind == "GEO" else (float(x), 0.0) for x in range(17)]
    m, lists = tree_lists(kind, xy, 1)
    assert lists.depth == 2 and (lists.pos == np.arange(17)).all()  # leaves 0..3, 4..7, 8..11, 12..16
    want = 5 if kind == "ATT" else 7
    assert ref.nearest_unvisited(ref.coordinate_matrix(kind, xy), 8, np.zeros(17, dtype=bool))[0] == want
    assert lists.cand[8, 0] == want
    stack, gaps = np.empty(_kdtree.STACK_SIZE, dtype=np.int64), np.empty(_kdtree.STACK_SIZE)
    visited = np.zeros(17, dtype=np.bool_)
    assert _kdtree.nearest_alive(m, lists, 8, visited, _kdtree.alive_counts(lists), stack, gaps)[0] == want
