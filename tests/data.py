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


# ---------------------------------------------------------------------------
# optim
# ---------------------------------------------------------------------------


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
