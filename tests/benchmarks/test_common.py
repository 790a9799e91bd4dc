"""benchmarks.common: the printed tables are for people (the CSV files keep every digit)."""

import math

import numpy as np
import pandas as pd
import pytest

from benchmarks.common import format_table, number, percent, seconds, times


@pytest.mark.parametrize("x, text", [
    (1258185.709, "1,258,186"), (26.782, "26.78"), (0.114, "0.114"), (40.5, "40.5"),
    (900.950741, "901"), (7.426140e-05, "7.4e-05"), (0, "0"), (0.0, "0"), (3, "3"),
    (10**6, "1,000,000"), (np.int64(7), "7"), (True, "yes"), (np.bool_(False), "no"),
    (math.nan, "-"), (None, "-"), (-2.5, "-2.5"),
])
def test_number(x, text):
    assert number(x) == text


@pytest.mark.parametrize("x, text", [
    (7.426140e-05, "74.3 µs"), (0.004467, "4.47 ms"), (2.2, "2.2 s"), (15957.9, "4.43 h"),
    (3e-8, "30 ns"), (90.0, "1.5 min"), (0.9996, "1 s"), (0.9994, "999 ms"), (math.nan, "-"),
])
def test_seconds(x, text):
    assert seconds(x) == text


def test_times_and_percent():
    assert [times(v) for v in (900.950741, 7.0772, 1.0, 15425.9)] == ["901x", "7.08x", "1x", "15,426x"]
    assert percent(24.354069) == "24.4 %" and percent(math.nan) == "-"


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
