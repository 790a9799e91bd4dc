"""The distribution ships every subpackage and data file the code uses.

An editable install reads the source tree, so a subpackage missing from the
packaging configuration only breaks a regular ``pip install``; these checks
catch that without building a wheel.
"""

import fnmatch
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
    package_data = _config()["package-data"]
    for pkg in ("tsp", "optim"):
        for f in (ROOT / pkg / "data").rglob("*"):
            if f.is_file():
                rel = f.relative_to(ROOT / pkg).as_posix()
                assert any(fnmatch.fnmatchcase(rel, pat) for pat in package_data[pkg]), rel


def test_the_browser_view_templates_are_package_data():
    patterns = _config()["package-data"]["tracking"]
    templates = [f.relative_to(ROOT / "tracking").as_posix() for f in (ROOT / "tracking" / "templates").iterdir()]
    assert templates and all(any(fnmatch.fnmatchcase(t, pat) for pat in patterns) for t in templates)
