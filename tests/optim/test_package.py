"""The optim package as a whole: import cost, and every module teaches by example.

The Examples themselves run as doctests, collected by pytest from the package
(``--doctest-modules``); this file only checks that every module has some.
"""

import doctest
import importlib
import pkgutil
import subprocess
import sys

import pytest

import optim


def _modules():
    return ["optim"] + [f"optim.{m.name}" for m in pkgutil.iter_modules(optim.__path__) if not m.name.startswith("_")]


@pytest.mark.parametrize("name", _modules())
def test_every_module_has_examples(name):
    module = importlib.import_module(name)
    examples = sum(len(t.examples) for t in doctest.DocTestFinder().find(module))
    assert examples > 0, f"{name} has no examples"


def test_import_is_light():
    code = "import sys, optim; print(sorted(m for m in ('pandas', 'matplotlib', 'numba') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
