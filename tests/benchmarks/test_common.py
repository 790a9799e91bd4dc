"""benchmarks.common: the printed tables are for people (the CSV files keep every digit).

The docstring Examples of ``number``, ``seconds``, ``times``, ``percent`` and
``format_table`` run as doctests (benchmarks/ is in pytest's testpaths); the cases
here are the ones those Examples do not show.
"""

import math

import numpy as np
import pandas as pd
import pytest

from benchmarks.common import format_table, number, percent, seconds, times


@pytest.mark.parametrize("x, text", [
    (900.950741, "901"), (0.0, "0"), (3, "3"),
    (10**6, "1,000,000"), (np.int64(7), "7"), (True, "yes"), (np.bool_(False), "no"),
    (math.nan, "-"), (None, "-"), (-2.5, "-2.5"),
])
def test_number(x, text):
    assert number(x) == text


@pytest.mark.parametrize("x, text", [
    (3e-8, "30 ns"), (90.0, "1.5 min"), (0.9996, "1 s"), (0.9994, "999 ms"), (math.nan, "-"),
])
def test_seconds(x, text):
    assert seconds(x) == text


def test_times_and_percent():
    assert times(900.950741) == "901x" and times(math.nan) == "-"
    assert percent(math.nan) == "-"


def test_format_table_formats_renames_and_aligns():
    t = pd.DataFrame({"case": ["a", "bb"], "dp_s": [1.4e-05, 0.004467], "dp/greedy": [2.348108, 900.950741],
                      "fewest": [4.0, math.nan]})
    lines = format_table(t, {"dp_s": ("dp", seconds), "dp/greedy": times}).splitlines()
    assert lines == ["case       dp  dp/greedy  fewest",
                     "   a    14 µs      2.35x       4",
                     "  bb  4.47 ms       901x       -"]


@pytest.mark.parametrize("terminal", [True, False])
def test_progress_bar_is_drawn_on_stderr_only_on_a_terminal(monkeypatch, terminal):
    import io
    import sys

    from benchmarks.common import progress_bar

    class Stderr(io.StringIO):
        def isatty(self):
            return terminal

    err = Stderr()
    monkeypatch.setattr(sys, "stderr", err)
    with progress_bar(3, "demo") as bar:
        for _ in range(3):
            bar.update()
    assert ("demo" in err.getvalue()) == terminal
