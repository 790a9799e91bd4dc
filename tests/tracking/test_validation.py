"""tracking/_validation.py: keys, metric values, steps, names, statuses and URIs refused
with a message naming the offending value, before anything is written.
"""

import math

import numpy as np
import pytest

import tracking
from tracking import get_run, start_run


@pytest.mark.parametrize("key", ["", " x", "x ", "a;b", "é\n", "x" * 251])
def test_bad_keys_are_refused(key):
    with start_run() as run:
        with pytest.raises(ValueError, match="key"):
            run.log_metric(key, 1.0)
        with pytest.raises(ValueError, match="key"):
            run.log_param(key, 1)
        with pytest.raises(ValueError, match="key"):
            run.set_tag(key, 1)


@pytest.mark.parametrize("key", ["..", "a/../b", "/lead", "a//b", "./a", "a/.", "trail/", "."])
def test_keys_mlflow_would_read_as_other_paths_are_refused(key):
    # MLflow refuses these (they normalise to another path), so export-mlflow would fail on them
    with start_run() as run:
        for call in (lambda: run.log_metric(key, 1.0), lambda: run.log_param(key, 1),
                     lambda: run.set_tag(key, 1)):
            with pytest.raises(ValueError, match="path"):
                call()
        run.log_metric("a/b.c/d e", 1.0)  # ordinary nested names stay fine


@pytest.mark.parametrize("value", ["1.0", None, [1.0], np.array([1.0]), 1 + 2j])
def test_non_numeric_metric_values_are_refused(value):
    with start_run() as run:
        with pytest.raises(TypeError, match="'x' must be a real number"):
            run.log_metric("x", value)
        with pytest.raises(TypeError, match="real number"):
            run.log_metrics({"ok": 1.0, "x": value})
    assert "ok" not in get_run(run.run_id).metrics  # nothing of a bad batch was logged


@pytest.mark.parametrize("value", [True, False, np.bool_(True)])
def test_bool_metric_values_are_refused_alike(value):
    # Python bool used to be stored as 1.0 while numpy's bool was refused: both are refused now
    with start_run() as run:
        with pytest.raises(TypeError, match=r"metric 'x' must be a real number, got bool.*float\(value\)"):
            run.log_metric("x", value)
        with pytest.raises(TypeError, match="got bool"):
            run.log_metrics({"ok": 1.0, "x": value})
    assert get_run(run.run_id).metrics == {}


def test_integers_too_large_for_a_float_are_refused():
    with start_run() as run:
        with pytest.raises(ValueError, match="must fit in a float64"):
            run.log_metric("x", 10**400)
        with pytest.raises(ValueError, match="step must fit in 64 bits"):
            run.log_metric("x", 1.0, step=2**63)


def test_long_double_beyond_float64_is_refused_not_stored_as_inf():
    big = np.longdouble(10) ** 400
    if np.isinf(big):
        pytest.skip("long double is float64 here")
    with start_run() as run:
        with pytest.raises(ValueError, match="must fit in a float64"):
            run.log_metric("x", big)
        run.log_metric("y", np.longdouble("inf"))  # a real infinity is still fine
    assert get_run(run.run_id).metrics == {"y": math.inf}


@pytest.mark.parametrize("step", [1.5, "3", True])
def test_bad_steps_are_refused(step):
    with start_run() as run:
        with pytest.raises(TypeError, match="step must be an integer"):
            run.log_metric("x", 1.0, step=step)


def test_bad_names_status_and_uri():
    with pytest.raises(ValueError, match="experiment must be a non-empty string"):
        start_run(experiment=" ")
    with pytest.raises(TypeError, match="run_name must be a str"):
        start_run(run_name=3)
    with pytest.raises(ValueError, match="status must be one of"):
        tracking.end_run("DONE")
    with pytest.raises(ValueError, match="sqlite:///path/to.db"):
        tracking.set_tracking_uri("postgresql://host/db")
    with pytest.raises(TypeError, match="tracking uri"):
        tracking.set_tracking_uri(3)


@pytest.mark.parametrize("name", [" tsp", "tsp ", "tsp\n"])
def test_names_with_surrounding_whitespace_are_refused(name):
    # documented, not enforced: experiment = 'tsp' then never found a run named ' tsp'
    with pytest.raises(ValueError, match="experiment must not start or end with whitespace"):
        start_run(experiment=name)
    with pytest.raises(ValueError, match="run_name must not start or end with whitespace"):
        start_run(run_name=name)
    assert tracking.active_run() is None
