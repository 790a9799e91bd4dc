"""What every doctest gets, wherever it lives (``pytest`` collects the Examples itself).

``pyproject.toml`` runs pytest over ``tests/``, the packages ``greedy``, ``tsp``,
``optim``, ``tracking`` and ``benchmarks`` with ``--doctest-modules``: each docstring
with an Examples block is one test item, named after its module and object (``greedy/dynamic.py::
greedy.dynamic.optimal_change``), so ``pytest greedy/dynamic.py`` runs that module's
Examples. ``__main__.py`` modules are never imported (pytest skips them); a module
imported by pytest is the one in ``sys.modules`` under its real name (checked below).

Each doctest runs

- in a fresh temporary working directory, with its own tracking store
  (``OPTSANDBOX_TRACKING_URI``), so an example never writes into the repository;
- with matplotlib's Agg backend (no window opens) and every figure closed afterwards;
- with ``RuntimeWarning`` as an error: an example a learner copies must not overflow,
  divide by zero or take the log of a negative number without saying so.

The tests themselves live in ``tests/`` (see ``tests/README.md`` for where each one is).
"""

from __future__ import annotations

import os
import sys

import pytest

# Before anything imports matplotlib: tests and examples never open a window.
os.environ["MPLBACKEND"] = "Agg"


def pytest_collection_modifyitems(items):
    for item in items:
        if isinstance(item, pytest.DoctestItem):
            item.add_marker(pytest.mark.filterwarnings("error::RuntimeWarning"))


@pytest.fixture(autouse=True)
def _doctest_sandbox(request):
    """A temporary working directory and tracking store for each doctest (tests: nothing)."""
    if not isinstance(request.node, pytest.DoctestItem):
        yield
        return
    _check_imported_once(request.node)
    tmp_path = request.getfixturevalue("tmp_path")
    monkeypatch = request.getfixturevalue("monkeypatch")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("OPTSANDBOX_TRACKING_URI", f"sqlite:///{tmp_path / 'tracking.db'}")
    yield
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
    if "tracking" in sys.modules:  # close the doctest's store before its folder goes
        import tracking
        from tracking import store

        tracking.set_tracking_uri(None)
        store.close_all()


def _check_imported_once(item):
    """The doctest runs in the module everyone else imports, not in a second copy.

    A module executed twice (once by ``import``, once by pytest from its path) has two
    of every class: ``isinstance`` across the copies fails and Numba caches twice.
    """
    name = item.dtest.globs["__name__"]
    module = sys.modules.get(name)
    assert module is not None and os.path.samefile(module.__file__, item.path), (
        f"{item.path} was imported by pytest but is not sys.modules[{name!r}]"
    )
    copies = [k for k, v in item.dtest.globs.items()
              if callable(v) and getattr(v, "__module__", None) == name and getattr(module, k, None) is not v]
    assert not copies, f"{name} was imported twice: {copies} differ from sys.modules[{name!r}]"
