"""tsp._jit: a kernel's loading timed apart from its run, once per argument types."""

import numpy as np
from numba import njit

from tsp import _jit, seed_routes, simulate


def test_the_first_call_per_argument_types_loads_and_is_counted_later_calls_are_not():
    @njit  # a new dispatcher, nothing compiled yet
    def twice(x):
        return 2 * x

    before = _jit.loading_seconds()
    assert _jit.call(twice, 3) == 6
    assert len(twice.overloads) == 1
    after_int = _jit.loading_seconds()
    assert after_int > before
    assert _jit.call(twice, 4) == 8
    assert _jit.loading_seconds() == after_int  # same types: nothing loaded, nothing counted
    assert _jit.call(twice, 1.5) == 3.0  # new types: loaded again
    assert len(twice.overloads) == 2 and _jit.loading_seconds() > after_int


def test_plain_python_is_just_called():
    before = _jit.loading_seconds()
    assert _jit.call(np.add, 2, 3) == 5
    assert _jit.loading_seconds() == before


def test_a_simulation_loads_nothing_the_second_time():
    simulate(seed_routes(), 10, seed=0)  # whatever this process had loaded before
    before = _jit.loading_seconds()
    simulate(seed_routes(), 10, seed=1)
    simulate(seed_routes(), starts="all", closed=True)  # closed: same types (a bool)
    assert _jit.loading_seconds() == before
