"""tsp._jit: a kernel's loading timed apart from its run, on its first call in the process."""

import numpy as np
from numba import njit

from tsp import _jit, seed_routes, simulate


def test_the_first_call_loads_timed_apart_later_calls_go_straight_to_the_kernel():
    @njit  # a new dispatcher, nothing compiled yet
    def twice(x):
        return 2 * x

    before = _jit.loading_seconds()
    assert _jit.call(twice, 3) == 6
    assert len(twice.overloads) == 1
    after = _jit.loading_seconds()
    assert after > before
    assert _jit.call(twice, 4) == 8
    assert _jit.loading_seconds() == after  # loaded: nothing more counted
    # Arguments of other Python types: another signature, timed apart too (a walk on
    # Candidates, then on TreeCandidates).
    assert _jit.call(twice, 1.5) == 3.0
    assert len(twice.overloads) == 2 and _jit.loading_seconds() > after


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
