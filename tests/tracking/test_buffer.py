"""tracking/buffer.py: MetricBuffer (default steps, last values, flush thresholds, failed
flushes, the background flusher) and flush_pending.
"""

import math
import sqlite3
import time
from unittest import mock

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracking import buffer, get_run, get_tracking_uri, metric_history, start_run
from tracking.store import get_store
from tests import reference as ref
from tests.data import metric_keys, metric_steps, metric_values


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
    monkeypatch.setattr(buffer, "FLUSH_POINTS", 97)
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


def test_points_logged_while_a_flush_fails_stay_behind_the_points_put_back():
    with start_run() as run:
        for i in range(3):
            run.log_metric("x", float(i))

        def log_then_fail():  # as when the owner logs while the background flusher's write fails
            run.log_metric("x", 3.0)
            raise sqlite3.OperationalError("database is locked")

        with mock.patch.object(run._store, "write", side_effect=log_then_fail):
            with pytest.raises(sqlite3.OperationalError):
                run.flush()
    hist = metric_history(run.run_id, "x")
    assert hist["step"].tolist() == [0, 1, 2, 3]
    assert hist["value"].tolist() == [0.0, 1.0, 2.0, 3.0]
    assert get_run(run.run_id).metrics == {"x": 3.0}


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


def _stored_points(db) -> int:
    """Points in the store, read with a plain connection (which flushes nothing)."""
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT coalesce(sum(n), 0) FROM metrics").fetchone()[0]
    finally:
        con.close()


def test_flush_pending_writes_what_this_process_buffers_for_a_store(temp_store):
    with start_run() as run:
        for i in range(10):
            run.log_metric("x", float(i))
        run.log_metrics({"y": 1.0, "z": 2.0})
        buffer.flush_pending(get_store(get_tracking_uri()))
        assert _stored_points(temp_store) == 12  # written now, the run still open
        buffer.flush_pending(get_store(get_tracking_uri()))  # nothing left: nothing more
        assert _stored_points(temp_store) == 12
    assert _stored_points(temp_store) == 12


_OPS = st.one_of(
    st.tuples(st.just("log_metric"), metric_keys, metric_values, metric_steps),
    st.tuples(st.just("log_metrics"), st.dictionaries(metric_keys, metric_values, min_size=1, max_size=3),
              st.one_of(st.none(), st.integers(-3, 5))),
    st.tuples(st.just("flush")),
    st.tuples(st.just("failed flush")),
)


@given(ops=st.lists(_OPS, max_size=40), flush_points=st.integers(1, 8))
def test_any_mix_of_appends_and_flushes_stores_every_point_once_in_order(ops, flush_points):
    # log_metric and log_metrics share one append path; flushes (automatic at
    # flush_points, explicit, and failing ones that put their points back) must
    # neither lose, repeat nor reorder a point, and the last value must follow the
    # rule: the largest step, the later point on a tie
    model: dict[str, list] = {}  # key -> [(step, value)] in logging order

    def expect(key, value, step):
        points = model.setdefault(key, [])
        points.append((len(points) if step is None else step, float(value)))

    with mock.patch.object(buffer, "FLUSH_POINTS", flush_points), start_run() as run:
        for op, *args in ops:
            if op == "log_metric":
                run.log_metric(*args)
                expect(*args)
            elif op == "log_metrics":
                values, step = args
                run.log_metrics(values, step=step)
                for key, value in values.items():
                    expect(key, value, step)
            elif op == "flush":
                run.flush()
            else:
                with mock.patch.object(run._store, "write", side_effect=sqlite3.OperationalError("locked")):
                    try:
                        run.flush()
                    except sqlite3.OperationalError:
                        pass  # nothing was buffered: nothing to write, nothing to fail
    stored = get_run(run.run_id).metrics
    assert set(stored) == set(model)
    for key, points in model.items():
        hist = metric_history(run.run_id, key)
        assert hist["step"].tolist() == [s for s, _ in points]
        want = np.array([v for _, v in points], dtype=np.float64)
        assert hist["value"].to_numpy().view(np.int64).tolist() == want.view(np.int64).tolist()
        last = ref.tracking_last_value(points)
        assert (math.isnan(stored[key]) and math.isnan(last)) or stored[key] == last
