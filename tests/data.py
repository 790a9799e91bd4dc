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


# ---------------------------------------------------------------------------
# tracking
# ---------------------------------------------------------------------------
