"""Hypothesis profiles and example budgets, in one place.

``HYPOTHESIS_PROFILE`` picks a profile (``dev`` by default; ``make test`` uses ``ci``).
A profile fixes how many examples a property gets, by its cost tier:

- ``default`` — cheap properties (most of them): the profile's ``max_examples``;
- ``slow`` — each example runs a costly solver or many kernel calls;
- ``slowest`` — each example is a subprocess, an exponential solver or a whole machine run.

Tests never set ``max_examples`` themselves: a costly property is decorated with
``@slow`` or ``@slowest`` from here, so a profile change reaches every test.
Every profile has ``deadline=None``: the first example of a property pays the Numba
compile, which says nothing about the code's speed.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

#: examples per cost tier, per profile
BUDGETS = {
    "dev": {"default": 20, "slow": 10, "slowest": 5},
    "ci": {"default": 80, "slow": 30, "slowest": 10},
}

settings.register_profile("dev", max_examples=BUDGETS["dev"]["default"], deadline=None)
settings.register_profile(
    "ci",
    max_examples=BUDGETS["ci"]["default"],
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "dev")
if PROFILE not in BUDGETS:
    raise ValueError(f"HYPOTHESIS_PROFILE must be one of {sorted(BUDGETS)}, got {PROFILE!r}")
settings.load_profile(PROFILE)

#: decorators for costly properties (they keep every other setting of the profile)
slow = settings(max_examples=BUDGETS[PROFILE]["slow"])
slowest = settings(max_examples=BUDGETS[PROFILE]["slowest"])
