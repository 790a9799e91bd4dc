"""The distribution ships every subpackage and data file the code uses.

An editable install reads the source tree, so a subpackage missing from the
packaging configuration only breaks a regular ``pip install``; these checks
catch that without building a wheel.
"""

import fnmatch
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TOP = ("greedy", "tsp", "optim", "tracking", "benchmarks")

tomllib = pytest.importorskip("tomllib") if sys.version_info >= (3, 11) else pytest.importorskip("tomli")


def _config():
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def _packages_on_disk():
    return sorted(
        ".".join(init.parent.relative_to(ROOT).parts)
        for top in TOP
        for init in (ROOT / top).rglob("__init__.py")
        if "__pycache__" not in init.parts
    )


def test_every_subpackage_is_included():
    include = _config()["packages"]["find"]["include"]
    packages = _packages_on_disk()
    assert "tsp.exact" in packages
    missing = [p for p in packages if not any(fnmatch.fnmatchcase(p, pat) for pat in include)]
    assert missing == []


def test_every_data_file_is_package_data():
    # A data folder (no __init__.py) is a namespace package to Python, so it is listed as
    # a package of its own (namespaces = true) with its files as that package's data;
    # otherwise setuptools warns "Package would be ignored" on every install.
    config = _config()
    assert config["packages"]["find"]["namespaces"] is True
    package_data = config["package-data"]
    for folder in ("tsp/data", "optim/data", "tracking/templates"):
        for f in (ROOT / folder).rglob("*"):
            if f.is_file():
                owner = ".".join(f.parent.relative_to(ROOT).parts)
                assert any(fnmatch.fnmatchcase(f.name, pat) for pat in package_data.get(owner, [])), (owner, f.name)
                assert any(fnmatch.fnmatchcase(owner, pat) for pat in config["packages"]["find"]["include"])


def test_make_clean_removes_what_the_commands_write():
    dry = subprocess.run(["make", "-n", "clean"], cwd=ROOT, capture_output=True, text=True)
    if dry.returncode != 0:
        pytest.skip(f"make unavailable: {dry.stderr.strip()}")
    for written in (".venv", "runs", "tutorials/output", "benchmarks/output", "*.egg-info",
                    ".pytest_cache", ".hypothesis", "__pycache__"):
        assert written in dry.stdout, written
