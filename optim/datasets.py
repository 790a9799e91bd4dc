"""Data sets shipped with the package.

``height_weight()``: 25,000 heights (in) and weights (lb) of 18-year-olds, from
SOCR Data Dinov 020108 HeightsWeights (UCLA); see ``optim/data/README.md``.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["height_weight", "DATA_DIR"]

DATA_DIR = Path(__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def _load_height_weight() -> np.ndarray:
    with open(DATA_DIR / "height-weight-25k.csv", encoding="utf-8-sig") as f:
        header = f.readline().strip().split(",")
        if header != ["Index", "Height-Inches", "Weight-Pounds"]:
            raise ValueError(f"unexpected header in height-weight-25k.csv: {header}")
        table = np.loadtxt(f, delimiter=",", dtype=np.float64)
    table.flags.writeable = False
    return table


def height_weight() -> tuple[np.ndarray, np.ndarray]:
    """Heights (inches) and weights (pounds) of 25,000 18-year-olds.

    Returns
    -------
    height, weight : numpy.ndarray
        Two read-only float arrays of length 25,000, in file order.

    Notes
    -----
    Source: SOCR Data Dinov 020108 HeightsWeights, UCLA (1993 Hong Kong growth
    survey). The file is read once per process and cached.

    Examples
    --------
    >>> h, w = height_weight()
    >>> h.shape, round(float(h.mean()), 2), round(float(w.mean()), 2)
    ((25000,), 67.99, 127.08)
    """
    table = _load_height_weight()
    return table[:, 1], table[:, 2]
