"""The greedy package as a whole (``greedy/__init__.py``): its docstring says which function to pick."""

import greedy


def test_package_docstring_names_every_function():
    for name in greedy.__all__:
        if name[0].islower() and name != "change":
            assert name in greedy.__doc__
