"""Tests of the ``tsp`` package; the test of ``tsp/<path>/<module>.py`` is
``tests/tsp/<path>/test_<module>.py`` (``tsp/construct/nearest.py`` ->
``construct/test_nearest.py``, ``tsp/_metric.py`` -> ``test_metric.py``)."""
