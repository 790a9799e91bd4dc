"""tracking/__init__.py: the package's public names and a light import.

The Examples in the docstrings of every tracking module run here as doctests.
"""

import doctest
import importlib
import pkgutil
import subprocess
import sys

import pytest

import tracking


def test_package_docstring_names_every_function():
    for name in tracking.__all__:
        if name[0].islower():
            assert name in tracking.__doc__, name


def test_import_is_light():
    code = ("import sys, tracking; "
            "print(sorted(m for m in ('pandas', 'matplotlib', 'numpy', 'flask') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stderr


# every module but the CLI's, which is tested through its commands
_MODULES = ["tracking", *(f"tracking.{m.name}" for m in pkgutil.iter_modules(tracking.__path__)
                          if m.name != "__main__")]


@pytest.mark.parametrize("name", _MODULES)
def test_docstring_examples_run(name, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # examples that use the default store leave it here
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
