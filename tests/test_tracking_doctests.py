"""tracking: the Examples in the docstrings run (each writes into a temporary store)."""

import doctest
import importlib

import pytest

import tracking
from tracking import store as _store


@pytest.fixture(autouse=True)
def isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("OPTSANDBOX_TRACKING_URI", f"sqlite:///{tmp_path}/doctest.db")
    monkeypatch.chdir(tmp_path)
    yield
    tracking.set_tracking_uri(None)
    _store.close_all()


@pytest.mark.parametrize("module", ["tracking", "tracking.run", "tracking.search"])
def test_docstring_examples(module):
    result = doctest.testmod(importlib.import_module(module))
    assert result.attempted > 0 and result.failed == 0


def test_package_docstring_names_every_function():
    for name in tracking.__all__:
        if name[0].islower():
            assert name in tracking.__doc__, name


def test_import_is_light():
    import subprocess
    import sys

    code = "import sys, tracking; print(sorted(m for m in ('pandas', 'matplotlib', 'numpy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "[]", out.stderr
