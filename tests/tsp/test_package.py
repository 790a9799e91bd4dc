"""The tsp package as a whole (``tsp/__init__.py``): its names, its docstring, a lean import."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import tsp

ROOT = Path(__file__).resolve().parents[2]


def test_every_public_name_resolves_and_the_docstring_names_the_functions():
    for name in tsp.__all__:
        assert getattr(tsp, name) is not None
        if name[0].islower():
            assert name in tsp.__doc__


def test_import_tsp_loads_no_reader_solver_plot_or_tracker():
    """The TSPLIB reader, the exact solvers, matplotlib and tracking load on first use."""
    code = "import json, sys, tsp; print(json.dumps(sorted(sys.modules)))"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True)
    loaded = set(json.loads(out.stdout))
    assert {"tsp.tsplib", "tsp.exact", "tsp._report", "matplotlib", "tracking", "pandas"}.isdisjoint(loaded)
    assert {"tsp._metric", "tsp.neighbors", "tsp.construct.nearest", "tsp.construct.simulate"} <= loaded


def test_lazy_names_resolve_right_after_import_and_are_listed_by_dir():
    """The names tsp/data/tsplib/README.md tells users to write (tsp.tsplib, tsp.sources,
    tsp.plot) work in a fresh process, and dir(tsp) lists every lazy name."""
    code = ("import json, tsp\n"
            "out = {name: getattr(getattr(tsp, name), '__name__', '?') for name in tsp._LAZY}\n"
            "out['dir'] = sorted(set(tsp._LAZY) - set(dir(tsp)))\n"
            "print(json.dumps(out))")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True,
                         capture_output=True, text=True)
    got = json.loads(out.stdout)
    assert got.pop("dir") == []
    assert got == {"read_tsplib": "read_tsplib", "read_tour": "read_tour", "exact": "tsp.exact",
                   "plot": "tsp.plot", "sources": "tsp.sources", "tsplib": "tsp.tsplib"}
    assert {"read_tsplib", "exact", "tsplib", "sources", "plot"} <= set(dir(tsp))


def test_an_unknown_name_is_an_attribute_error_naming_it():
    with pytest.raises(AttributeError, match="module 'tsp' has no attribute 'tsplibb'"):
        tsp.tsplibb
