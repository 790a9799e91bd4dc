"""greedy._validation: bad amounts and coin systems get errors that name the value.

Every public function validates through it; the forms a coin system may take
(generators, dicts, numpy arrays) are accepted in one place.
"""

import pytest

from greedy import greedy_change, optimal_change, smallest_counterexample


@pytest.mark.parametrize(
    "amount, coins, exc, words",
    [
        (10, set(), ValueError, "must not be empty"),
        (10, {1, 2.5}, TypeError, "2.5"),
        (10, {1.0, 5}, TypeError, "1.0"),
        (10, {True, 5}, TypeError, "True"),
        (10, {0, 5}, ValueError, "[0]"),
        (10, {-1, 5}, ValueError, "[-1]"),
        (10, "125", TypeError, "'125'"),
        (10, 5, TypeError, "5"),
        (-1, {1, 5}, ValueError, "-1"),
        (2.0, {1, 5}, TypeError, "2.0"),
        (True, {1, 5}, TypeError, "True"),
        ("10", {1, 5}, TypeError, "'10'"),
    ],
)
def test_bad_input_names_the_value(amount, coins, exc, words):
    for fn in (greedy_change, optimal_change):
        with pytest.raises(exc) as info:
            fn(amount, coins)
        assert words in str(info.value)
    if amount == 10:
        with pytest.raises(exc):
            smallest_counterexample(coins)


def test_generators_dicts_and_frozensets_are_coin_systems():
    assert optimal_change(30, (c for c in [1, 10, 25])).counts == {25: 0, 10: 3, 1: 0}
    assert optimal_change(30, {1: "a", 10: "b", 25: "c"}).n_coins == 3
    assert smallest_counterexample(frozenset({1, 10, 25})) == 30
