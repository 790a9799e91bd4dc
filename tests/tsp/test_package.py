"""The tsp package as a whole (``tsp/__init__.py``): its names, its docstring, a lean import."""

import json
import os
import subprocess
import sys
from pathlib import Path

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
