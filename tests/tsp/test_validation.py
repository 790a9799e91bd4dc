"""tsp._validation: the small checks every constructor and function uses.

Their messages are tested through the public functions that call them (test_instance,
construct/, test_tour, exact/); here, what holds for the module itself and for the
checks shared by several callers.
"""

import ast
from pathlib import Path

import numpy as np
import pytest

from tsp import _validation

SOURCE = Path(_validation.__file__)


def test_depends_on_numpy_only():
    """Every module of tsp imports it; it imports nothing of tsp (no cycle, no Instance)."""
    imported = set()
    for node in ast.walk(ast.parse(SOURCE.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            imported |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"relative import from {node.module!r}"
            imported.add(node.module.split(".")[0])
    assert imported <= {"__future__", "numbers", "numpy"}, imported


@pytest.mark.parametrize("value, error", [(0, ValueError), (-3, ValueError), (2.0, TypeError), (True, TypeError),
                                          (np.bool_(True), TypeError), ("3", TypeError), (None, TypeError)])
def test_check_int_refuses(value, error):
    with pytest.raises(error, match=r"count must be a positive integer, got"):
        _validation.check_int("count", value, 1, "a positive integer")


@pytest.mark.parametrize("value", [1, np.int64(7), np.uint8(3), 2**70])
def test_check_int_accepts_integers(value):
    got = _validation.check_int("count", value, 1, "a positive integer")
    assert got == value and type(got) is int


def test_readonly_and_as_array():
    a = np.arange(4).reshape(2, 2)
    frozen = _validation.readonly(a)
    assert frozen.dtype == np.float64 and not frozen.flags.writeable and frozen.flags.c_contiguous
    assert a.flags.writeable  # an int array is converted, not frozen in place
    copy = _validation.as_array(frozen, "dist")
    assert not np.shares_memory(copy, frozen)
    with pytest.raises(ValueError, match="dist must be a rectangular array of numbers"):
        _validation.as_array([[0, 1], [1]], "dist")
