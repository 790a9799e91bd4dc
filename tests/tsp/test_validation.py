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
    assert imported <= {"__future__", "numbers", "os", "numpy"}, imported


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


# ---------------------------------------------------------------------------
# memory: one rule for every "this needs X GiB" refusal of the package
# ---------------------------------------------------------------------------


def test_available_memory_is_a_positive_byte_count():
    have = _validation.available_memory()
    assert have is None or (isinstance(have, int) and have > 0)


def test_check_memory_refuses_beyond_its_share_of_the_available_memory(monkeypatch):
    monkeypatch.setattr(_validation, "available_memory", lambda: 10 * 2**30)
    _validation.check_memory(8 * 2**30, "count", 1, "the counts")  # 80 %: fits
    with pytest.raises(ValueError) as info:
        _validation.check_memory(8 * 2**30 + 1, "count", 12345, "the counts (8 bytes each)")
    assert str(info.value) == ("count=12345 needs 8.0 GiB for the counts (8 bytes each), more than this "
                               "machine can spare (80% of the 10.0 GiB of memory available now)")


def test_check_memory_without_a_figure_from_the_platform_lets_it_through(monkeypatch):
    monkeypatch.setattr(_validation, "available_memory", lambda: None)
    _validation.check_memory(2**70, "count", 1, "the counts")


def test_check_matrix_memory_counts_8_n_squared_bytes(monkeypatch):
    monkeypatch.setattr(_validation, "available_memory", lambda: 2**30)  # 1 GiB: n = 10362 fits, 10363 not
    _validation.check_matrix_memory(10362)
    with pytest.raises(ValueError, match=r"^n=10363 needs 819\.3 MiB for its dense 10363 x 10363 distance matrix "
                                         r"\(8 n\^2 bytes\), more than this machine can spare \(80% of the 1\.0 GiB"):
        _validation.check_matrix_memory(10363)


def test_check_memory_lets_small_requests_through_without_asking(monkeypatch):
    def asked():
        raise AssertionError("available_memory() read for a small request")

    monkeypatch.setattr(_validation, "available_memory", asked)
    _validation.check_memory(_validation.MEMORY_CHECK_FROM - 1, "count", 1, "the counts")
    with pytest.raises(AssertionError, match="small request"):
        _validation.check_memory(_validation.MEMORY_CHECK_FROM, "count", 1, "the counts")
