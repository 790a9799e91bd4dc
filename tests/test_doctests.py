"""The docstring Examples stay collected and no module silently loses them.

pytest itself runs the Examples (``--doctest-modules`` over the packages, set up by
the root ``conftest.py``); these tests check that it is configured to, and that
every module below still has Examples for it to run.
"""

from __future__ import annotations

import doctest
import importlib

import pytest

PACKAGES = ("greedy", "tsp", "optim", "tracking", "benchmarks")

#: modules whose docstrings teach by example (a module that moves is renamed here);
#: optim's are all of its public modules, checked in tests/optim/test_package.py
MODULES_WITH_EXAMPLES = [
    "benchmarks.common",
    "greedy.canonical",
    "greedy.change",
    "greedy.dynamic",
    "greedy.largest_first",
    "tsp._metric",
    "tsp.construct.nearest",
    "tsp.construct.simulate",
    "tsp.exact.brute_force",
    "tsp.exact.held_karp",
    "tsp.improve.local_search",
    "tsp.improve.solve",
    "tsp.instance",
    "tsp.neighbors",
    "tsp.plot",
    "tsp.sources",
    "tsp.tour",
    "tsp.tsplib",
    "tracking",
    "tracking.charts",
    "tracking.run",
    "tracking.search",
    "tracking.ui",
]


def test_pytest_collects_the_examples_of_every_package(pytestconfig):
    assert pytestconfig.getoption("doctestmodules")
    assert set(PACKAGES) <= set(pytestconfig.getini("testpaths"))


@pytest.mark.parametrize("name", MODULES_WITH_EXAMPLES)
def test_module_has_examples(name):
    module = importlib.import_module(name)
    examples = sum(len(test.examples) for test in doctest.DocTestFinder().find(module))
    assert examples > 0, f"{name} has no Examples left"

