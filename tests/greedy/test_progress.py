"""greedy._progress: ``progress=None | True | callable`` for the exact tables."""

import re

import pytest

from greedy import is_canonical, optimal_change, smallest_counterexample


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
    assert seen == [(1001, 1001)]  # one chunk: CHUNK_STEPS amount-coin steps (~0.1 s)


@pytest.mark.parametrize("bad", [3, "yes", [1]])
def test_anything_else_is_refused_before_any_work(bad):
    with pytest.raises(TypeError, match=f"progress must be None, True or callable.*got {re.escape(repr(bad))}"):
        optimal_change(0, {10, 60, 100}, progress=bad)  # refused even where no table is needed
    with pytest.raises(TypeError, match="progress must be"):
        smallest_counterexample({1, 3, 4}, progress=bad)


def test_pearsons_test_reports_the_candidates_it_checked(monkeypatch):
    # Was: only the table (systems without a 1-coin) reported; Pearson's test said nothing.
    import greedy.canonical as canonical

    monkeypatch.setattr(canonical, "_OPS_PER_SLICE", 1)  # one row per kernel call
    seen = []
    coins = (97, 61, 60, 33, 25, 10, 7, 3, 1)  # row i holds the 9 - i candidates (i, j), j >= i
    assert smallest_counterexample(coins, progress=lambda d, t: seen.append((d, t))) == 14  # 7 + 7
    assert seen == [(sum(9 - i for i in range(1, hi)), 36) for hi in range(2, 10)]


def test_is_canonical_takes_progress_as_smallest_counterexample_does(capsys):
    assert is_canonical({3, 5}, progress=True) is False
    assert "tabulating the test of coins [5, 3]" in capsys.readouterr().err
    assert is_canonical({1, 5, 10, 25}, progress=True) is True
    assert "testing 4 coins (Pearson)" in capsys.readouterr().err
    with pytest.raises(TypeError, match="progress must be"):
        is_canonical({1, 3, 4}, progress="yes")
