"""Distance matrices from coordinates."""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["euclidean_matrix"]


@njit(cache=True)
def _euclidean_kernel(xy):
    n = xy.shape[0]
    out = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1, n):
            dx = xy[i, 0] - xy[j, 0]
            dy = xy[i, 1] - xy[j, 1]
            d = np.sqrt(dx * dx + dy * dy)
            out[i, j] = d
            out[j, i] = d
    return out


def euclidean_matrix(xy: np.ndarray) -> np.ndarray:
    """n x n Euclidean distances between the rows of a validated (n, 2) float64 array."""
    return _euclidean_kernel(np.ascontiguousarray(xy, dtype=np.float64))
