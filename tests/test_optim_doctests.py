"""Run the Examples of every optim module as doctests (pytest does not collect them)."""

import doctest
import importlib

import pytest

MODULES = [
    "optim",
    "optim.datasets",
    "optim.minimize",
    "optim.optimizers",
    "optim.plots",
    "optim.problems",
    "optim.range_test",
    "optim.schedules",
    "optim.sweep",
    "optim.theory",
]


@pytest.fixture(autouse=True)
def _agg_backend():
    import matplotlib

    matplotlib.use("Agg")
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


@pytest.mark.filterwarnings("error::RuntimeWarning")
@pytest.mark.parametrize("name", MODULES)
def test_module_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0, f"{name} has no examples"
    assert result.failed == 0


def test_every_module_is_listed():
    import pkgutil

    import optim

    found = {f"optim.{m.name}" for m in pkgutil.iter_modules(optim.__path__) if not m.name.startswith("_")}
    assert found <= set(MODULES), found - set(MODULES)


def test_import_is_light():
    import subprocess
    import sys

    code = "import sys, optim; print(sorted(m for m in ('pandas', 'matplotlib', 'numba') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
