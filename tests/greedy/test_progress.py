"""greedy._progress: ``progress=None | True | callable`` for the exact tables."""

import re

import pytest

from greedy import optimal_change, smallest_counterexample


def test_progress_true_draws_a_bar_on_stderr(capsys):
    assert optimal_change(120, {10, 60, 100}, progress=True).n_coins == 2
    assert "tabulating amount 120" in capsys.readouterr().err
    assert smallest_counterexample({3, 5}, progress=True) == 6  # 3 + 3; greedy takes 5, stuck on 1
    assert "tabulating" in capsys.readouterr().err
    assert optimal_change(120, {10, 60, 100}, progress=False).n_coins == 2
    assert capsys.readouterr().err == ""


def test_a_callable_hears_every_amount_tabulated():
    seen = []
    assert optimal_change(1000, [1, 3, 4], progress=lambda done, total: seen.append((done, total))).n_coins == 250
    assert seen == [(1001, 1001)]  # one chunk: PROGRESS_CHUNK amounts at least


@pytest.mark.parametrize("bad", [3, "yes", [1]])
def test_anything_else_is_refused_before_any_work(bad):
    with pytest.raises(TypeError, match=f"progress must be None, True or callable.*got {re.escape(repr(bad))}"):
        optimal_change(0, {10, 60, 100}, progress=bad)  # refused even where no table is needed
    with pytest.raises(TypeError, match="progress must be"):
        smallest_counterexample({1, 3, 4}, progress=bad)
