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
