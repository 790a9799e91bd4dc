"""Shared test set-up: hypothesis profiles, chosen by HYPOTHESIS_PROFILE.

- ``dev`` (default): few examples, for a quick local loop.
- ``ci``: more examples, derandomized so a CI run is repeatable; ``make test`` uses it.

Both have ``deadline=None``: the first example of a property pays the Numba
compile, which says nothing about the code's speed.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=20, deadline=None)
settings.register_profile(
    "ci",
    max_examples=80,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))
