"""tracking/store.py: where the store is (URIs, the default), what a store holds and how."""

import math

import numpy as np
import pytest

import tracking
from tracking import RunNotFound, get_run, metric_history, search_runs, start_run


# -- location ------------------------------------------------------------------------------


def test_default_store_is_runs_under_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.delenv("OPTSANDBOX_TRACKING_URI")
    assert tracking.get_tracking_uri() == "sqlite:///runs/tracking.db"
    with start_run() as run:
        path = run.log_dict({"a": 1}, "cfg")
    assert (tmp_path / "runs" / "tracking.db").exists()
    assert path == tmp_path / "runs" / "artifacts" / run.run_id / "cfg.json"


def test_set_tracking_uri_wins_over_the_environment(tmp_path):
    tracking.set_tracking_uri(f"sqlite:///{tmp_path}/other/x.db")  # absolute: sqlite:////...
    with start_run() as run:
        pass
    assert (tmp_path / "other" / "x.db").exists()
    assert get_run(run.run_id).run_id == run.run_id
    tracking.set_tracking_uri(None)
    with pytest.raises(RunNotFound):
        get_run(run.run_id)  # the environment's store does not have it
    assert get_run(run.run_id, uri=tmp_path / "other" / "x.db").status == "FINISHED"


def test_reading_does_not_create_a_store(temp_store):
    df = search_runs()
    assert df.empty and list(df.columns) == ["run_id", "experiment", "run_name", "status",
                                             "start_time", "end_time", "duration_s"]
    assert not temp_store.exists()


def test_store_uri_forms(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    tracking.set_tracking_uri("sqlite:///~/t.db")
    with start_run() as run:
        pass
    assert (tmp_path / "home" / "t.db").exists() and not (tmp_path / "~").exists()
    tracking.set_tracking_uri("~/u.db")
    with start_run():
        pass
    assert (tmp_path / "home" / "u.db").exists()
    tracking.set_tracking_uri(tmp_path)  # a directory, not a database file
    with pytest.raises(ValueError, match="is a directory"):
        start_run()
    with pytest.raises(ValueError, match="is a directory"):
        search_runs()
    with pytest.raises(ValueError, match="query"):
        tracking.set_tracking_uri("sqlite:///x.db?mode=ro")
    tracking.set_tracking_uri(None)
    assert get_run(run.run_id, uri="~/t.db").status == "FINISHED"


# -- what is stored ------------------------------------------------------------------------


def test_nan_and_inf_round_trip():
    values = [float("nan"), float("inf"), -float("inf"), 0.0, -0.0, -1.5, 1e308, 5e-324, 3]
    with start_run() as run:
        for v in values:
            run.log_metric("v", v)
        run.log_metrics({"last_nan": float("nan"), "last_inf": -math.inf})
    got = metric_history(run.run_id, "v")["value"].to_numpy()
    want = np.array(values, dtype=float)
    assert np.array_equal(got, want, equal_nan=True)
    assert got.view(np.int64).tolist() == want.view(np.int64).tolist()  # bit for bit: -0.0, NaN
    rec = get_run(run.run_id)
    assert math.isnan(rec.metrics["last_nan"]) and rec.metrics["last_inf"] == -math.inf
    row = search_runs().iloc[0]
    assert math.isnan(row["metrics.last_nan"]) and row["metrics.last_inf"] == -math.inf
    assert row["metrics.v"] == 3.0


def test_a_failed_start_leaves_no_dangling_experiment():
    # the new experiment's id was cached inside a transaction that then rolled back:
    # later runs of that experiment pointed at no experiment and vanished from searches
    class NoText:
        def __str__(self):
            raise RuntimeError("no text")

    with pytest.raises(RuntimeError, match="no text"):
        start_run(experiment="fresh", tags={"a": NoText()})
    assert tracking.active_run() is None
    with start_run(experiment="fresh", run_name="after") as run:
        run.log_metric("x", 1.0)
    assert search_runs()["run_name"].tolist() == ["after"]
    assert get_run(run.run_id).experiment == "fresh"
