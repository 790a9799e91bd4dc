"""tracking/__init__.py: the package's public names and a light import.

The Examples in the docstrings run as doctests (pytest --doctest-modules tracking).
"""

import subprocess
import sys

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
