"""tsp._progress, as simulate uses it: ``progress=None | True | callable``, counted in simulations."""

import numpy as np
import pytest

from tsp import Instance, seed_routes, simulate

CITIES = Instance.random_uniform(300, seed=5)


def test_a_callable_hears_the_simulations_asked_for_not_the_distinct_starts():
    # review: the CLI's bar used to count distinct starts (15 here), not the 1000 simulations
    calls = []
    sim = simulate(seed_routes(), 1000, seed=1, progress=lambda done, total: calls.append((done, total)))
    assert np.unique(sim.starts).size == 15
    assert calls == [(1000, 1000)]  # one chunk: 15 distinct starts


def test_chunks_report_every_simulation_whose_start_was_walked():
    calls = []
    sim = simulate(CITIES, 2000, seed=2, progress=lambda done, total: calls.append((done, total)))
    distinct = np.unique(sim.starts)
    chunk = max(64, distinct.size // 50)
    expected = [int(np.isin(sim.starts, distinct[:hi]).sum()) for hi in range(chunk, distinct.size + chunk, chunk)]
    assert calls == [(done, 2000) for done in expected]
    assert calls[-1] == (2000, 2000) and len(calls) > 1


def test_progress_changes_nothing_in_the_result():
    quiet = simulate(CITIES, 2000, seed=2, closed=True)
    loud = simulate(CITIES, 2000, seed=2, closed=True, progress=lambda done, total: None)
    np.testing.assert_array_equal(quiet.lengths, loud.lengths)
    np.testing.assert_array_equal(quiet.best.order, loud.best.order)


def test_progress_true_draws_a_tqdm_bar_on_stderr(capsys):
    simulate(CITIES, starts="all", progress=True)
    captured = capsys.readouterr()
    assert "nearest-neighbour walks:" in captured.err and "/300 " in captured.err and "simulations/s" in captured.err
    assert captured.out == ""
    simulate(CITIES, starts="all", progress=False)
    simulate(CITIES, starts="all", progress=None)
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("bad", [3, "yes", [1]])
def test_anything_else_is_refused_before_any_work(bad):
    with pytest.raises(TypeError, match="progress must be None, True or callable"):
        simulate(seed_routes(), 10, progress=bad)


def test_the_twin_of_greedy_progress_stays_line_for_line_the_same():
    import inspect

    from greedy import _progress as greedy_progress
    from tsp import _progress as tsp_progress

    for name in ("check_progress", "reporter"):
        assert inspect.getsource(getattr(tsp_progress, name)) == inspect.getsource(getattr(greedy_progress, name))
