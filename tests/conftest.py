"""Shared test set-up: the hypothesis profiles of ``tests/profiles.py``, loaded here.

``HYPOTHESIS_PROFILE=dev`` (default) for a quick local loop, ``ci`` for more,
derandomized examples (``make test``). Costly properties use ``@slow`` / ``@slowest``
from ``tests.profiles`` instead of their own ``max_examples``.
"""

from tests import profiles  # noqa: F401  (registers and loads the profile)
