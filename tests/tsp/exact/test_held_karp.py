"""tsp.exact.held_karp: known optima, reach beyond brute force, and its memory limits."""

from pathlib import Path

import numpy as np
import pytest

from tests.tsp.exact.checks import check_tour
from tsp import Instance, seed_routes
from tsp.exact import held_karp
from tsp.exact.held_karp import table_bytes
from tsp.tsplib import BUNDLED_DIR, read_tsplib

DATA = Path(BUNDLED_DIR)


# ---------------------------------------------------------------------------
# Known answers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("closed, optimum", [(False, 128.0), (True, 171.0)])
def test_classroom_table(closed, optimum):
    inst = seed_routes()
    tour = held_karp(inst, closed=closed)
    check_tour(tour, inst, closed)
    assert tour.length == optimum


@pytest.mark.parametrize("name, optimum", [("burma14", 3323), ("ulysses16", 6859), ("gr17", 2085)])
def test_tsplib_published_optima(name, optimum):
    inst = read_tsplib(DATA / f"{name}.tsp")
    tour = held_karp(inst, closed=True)
    check_tour(tour, inst, True)
    assert tour.length == optimum


def test_the_open_path_is_shorter_than_dropping_a_leg_of_the_optimal_tour():
    # burma14: an optimal tour minus its longest leg is an open path, so the optimal
    # open path can be no longer.
    inst = read_tsplib(DATA / "burma14.tsp")
    tour, path = held_karp(inst, closed=True), held_karp(inst)
    check_tour(path, inst, False)
    assert path.length <= tour.length - tour.legs.max()


def test_held_karp_beyond_brute_force_reach():
    # n = 12 is out of brute force's range; check Held-Karp against a hidden optimum:
    # cities on a line at 0, 1, ..., 11 in shuffled index order. The open path walks
    # the line (length 11), the tour goes out and back (length 22).
    rng = np.random.default_rng(12)
    x = rng.permutation(12).astype(float)
    inst = Instance.from_matrix(np.abs(x[:, None] - x[None, :]))
    assert held_karp(inst).length == 11
    assert held_karp(inst, closed=True).length == 22
    walked = x[held_karp(inst).order]
    assert (np.diff(walked) == 1).all() or (np.diff(walked) == -1).all()  # the only optimum


# ---------------------------------------------------------------------------
# Limits and bad input
# ---------------------------------------------------------------------------


def test_table_bytes():
    assert table_bytes(10, closed=False) == 8 * 10 * 2**9
    assert table_bytes(16, closed=True) == 8 * 15 * 2**14  # 1.9 MiB, as the docstring says


def test_held_karp_refuses_a_table_above_the_limit_and_says_how_much():
    inst = Instance.random_uniform(26, seed=0)
    with pytest.raises(ValueError, match=r"n=26 \(closed tour\) would need a 3\.1 GiB table"):
        held_karp(inst, closed=True)
    small = Instance.random_uniform(10, seed=0)  # open: 8 * 10 * 2^9 = 40960 bytes
    with pytest.raises(ValueError, match=r"above max_bytes=40000"):
        held_karp(small, max_bytes=40_000)
    assert held_karp(small, max_bytes=40_960).complete


def test_held_karp_refuses_subsets_beyond_int64_bitmasks_whatever_max_bytes():
    # With max_bytes raised far enough, n=70 reached the kernel, whose bitmasks
    # (1 << 69) overflow int64: it returned a garbage order instead of refusing.
    inst = Instance.random_uniform(70, seed=0)
    with pytest.raises(ValueError, match=r"held_karp handles at most .* n=70"):
        held_karp(inst, max_bytes=10**40)


@pytest.mark.parametrize("max_bytes, error", [(0, ValueError), (-5, ValueError), (1.5e9, TypeError), (True, TypeError)])
def test_held_karp_max_bytes_must_be_a_positive_integer(max_bytes, error):
    with pytest.raises(error, match="max_bytes must be a positive integer"):
        held_karp(Instance.random_uniform(4, seed=0), max_bytes=max_bytes)


def test_a_million_cities_are_refused_before_their_table_is_sized():
    # review (issue 12): 8 * n * 2^(n-1) bytes, as a float, overflowed (OverflowError).
    with pytest.raises(ValueError, match=r"held_karp handles at most 40 cities \(open\), got n=1000000"):
        held_karp(Instance.random_uniform(10**6, seed=0))
