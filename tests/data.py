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
