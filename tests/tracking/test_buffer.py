"""tracking/buffer.py: MetricBuffer (default steps, last values, flush thresholds, failed
flushes, the background flusher) and flush_pending.
"""

import sqlite3
import time

import numpy as np
import pytest

from tracking import get_run, metric_history, start_run
from tests import reference as ref


def test_steps_default_to_count_and_last_value_is_largest_step():
    with start_run() as run:
        run.log_metric("a", 1.0)           # step 0
        run.log_metric("a", 2.0, step=10)
        run.log_metric("a", 3.0)           # step 2 (the third point)
        run.log_metric("a", 4.0, step=10)  # tie on step 10: the later point wins
        run.log_metrics({"a": 5.0, "b": np.float32(0.5)}, step=7)
    hist = metric_history(run.run_id, "a")
    assert hist["step"].tolist() == [0, 10, 2, 10, 7]
    assert hist["value"].tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert list(hist.columns) == ["step", "value", "timestamp"]
    assert hist["timestamp"].dtype == np.int64
    assert abs(hist["timestamp"].iloc[0] / 1000 - time.time()) < 3600
    points = list(zip(hist["step"], hist["value"]))
    assert get_run(run.run_id).metrics == {"a": ref.tracking_last_value(points), "b": 0.5}
    assert get_run(run.run_id).metrics["a"] == 4.0


def test_many_points_cross_flush_thresholds(monkeypatch):
    from tracking import buffer as buffer_mod

    monkeypatch.setattr(buffer_mod, "FLUSH_POINTS", 97)
    with start_run() as run:
        for i in range(1000):
            run.log_metric("x", i * 0.25)
        run.log_metrics({f"k{j}": float(j) for j in range(300)}, step=3)
    assert metric_history(run.run_id, "x")["value"].tolist() == [i * 0.25 for i in range(1000)]
    metrics = get_run(run.run_id).metrics
    assert len(metrics) == 301 and metrics["k299"] == 299.0


def test_a_failed_flush_keeps_its_points_in_order():
    with start_run() as run:
        for i in range(5):
            run.log_metric("x", float(i))

        def locked():
            raise sqlite3.OperationalError("database is locked")

        run._store.write = locked  # an instance attribute hides the method
        try:
            with pytest.raises(sqlite3.OperationalError):
                run.flush()
            run.log_metric("x", 5.0)
        finally:
            del run._store.write
        run.log_metric("x", 6.0, step=100)
    hist = metric_history(run.run_id, "x")
    assert hist["value"].tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0]
    assert hist["step"].tolist() == [0, 1, 2, 3, 4, 5, 100]
    assert get_run(run.run_id).metrics == {"x": 6.0}


def test_background_flush_makes_points_visible_to_other_readers(temp_store):
    run = start_run()
    run.log_metric("x", 42.0)
    deadline = time.monotonic() + 15
    count = 0
    while time.monotonic() < deadline:  # read with a plain connection: no flush from us
        con = sqlite3.connect(temp_store)
        count = con.execute("SELECT coalesce(sum(n), 0) FROM metrics").fetchone()[0]
        con.close()
        if count:
            break
        time.sleep(0.05)
    run.end()
    assert count == 1
