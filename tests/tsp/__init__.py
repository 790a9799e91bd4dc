"""Tests of the ``tsp`` package, one file per module (``tsp/construct/nearest.py`` is
tested in ``test_nearest.py``, ``tsp/exact/held_karp.py`` in ``exact/test_held_karp.py``)."""
