"""tracking/search.py: search_runs (columns, values, order_by), get_run, metric_history.

The filter language is tested in test_filter.py.
"""

import numpy as np
import pandas as pd
import pytest

from tracking import RunNotFound, get_run, metric_history, search_runs, start_run
from tests.tracking.helpers import evil_folder, three_runs


# -- search_runs ---------------------------------------------------------------------------


def test_search_columns_values_and_order():
    ids = three_runs()
    with start_run(experiment="tsp", run_name="running") as live:
        live.log_metric("zeta", 1.0)
        df = search_runs()
    assert list(df.columns) == ["run_id", "experiment", "run_name", "status", "start_time", "end_time",
                                "duration_s", "params.n", "params.seed", "metrics.best", "metrics.zeta",
                                "tags.kind"]
    assert df["run_id"].tolist() == [live.run_id, ids[20], ids[15], ids[10]]  # newest first
    assert pd.isna(df["end_time"].iloc[0]) and pd.isna(df["duration_s"].iloc[0])
    assert df["status"].iloc[0] == "RUNNING"
    assert str(df["start_time"].dt.tz) == "UTC"
    assert df["metrics.best"].tolist()[1:] == [150.0, 125.0, 100.0]
    assert df["params.n"].tolist()[1:] == ["20", "15", "10"]
    assert df["metrics.best"].dtype == np.float64
    by_best = search_runs(order_by="metrics.best DESC")
    assert by_best["run_id"].tolist()[:3] == [ids[20], ids[15], ids[10]]
    by_name = search_runs(order_by=["experiment ASC", "run_name DESC"])
    assert by_name["run_name"].tolist() == ["tsp-20", "tsp-15", "tsp-10", "running"]
    assert search_runs(experiment="other")["run_id"].tolist() == [ids[20]]
    assert set(search_runs(experiment=["tsp", "other"])["run_id"]) == set(ids.values()) | {live.run_id}
    assert search_runs(experiment="nope").empty
    with pytest.raises(ValueError, match="order_by item"):
        search_runs(order_by="best; DROP TABLE runs")


def test_order_by_typos_and_quoted_keys():
    ids = three_runs()
    with start_run(run_name="spaced") as run:
        run.log_metric("a b", -1.0)
    for bad in ("metrics.best DSC", "metrics.best DESC NULLS LAST", "metrics.a b"):
        with pytest.raises(ValueError, match="order_by item"):
            search_runs(order_by=bad)
    got = search_runs(order_by="metrics.`a b` ASC")
    assert got["run_name"].iloc[0] == "spaced"
    got = search_runs(order_by="metrics.`best` desc")
    assert got["run_id"].tolist()[:3] == [ids[20], ids[15], ids[10]]


def test_columns_the_query_names_are_present_even_when_nothing_matches():
    # MLflow drops params.*/metrics.* when no run matches, and callers then hit KeyError;
    # here every key the filter or order_by names is a column (NaN/None where missing)
    assert list(search_runs(filter="metrics.best < 0").columns)[-1:] == ["metrics.best"]
    three_runs()
    df = search_runs(filter="metrics.best < 0 and params.n = '15' and tags.kind = 'big'",
                     order_by="metrics.steps ASC")
    assert df.empty
    assert list(df.columns)[7:] == ["params.n", "metrics.best", "metrics.steps", "tags.kind"]
    assert df["metrics.best"].dtype == np.float64
    df = search_runs(order_by=["metrics.steps", "params.zz DESC"])
    assert len(df) == 3 and df["metrics.steps"].isna().all() and df["params.zz"].isna().all()
    assert list(df.columns)[7:] == ["params.n", "params.seed", "params.zz", "metrics.best",
                                    "metrics.steps", "tags.kind"]


def test_search_runs_argument_types():
    with pytest.raises(TypeError, match="order_by must be a str or a list of str, got int 3"):
        search_runs(order_by=3)
    with pytest.raises(TypeError, match="experiment must be a str or a list of str, got int 3"):
        search_runs(experiment=3)


# -- get_run and metric_history ------------------------------------------------------------


def test_unknown_run_and_unknown_metric():
    with pytest.raises(RunNotFound, match="no run with id"):
        get_run("0" * 32)  # no store yet
    with start_run() as run:
        run.log_metric("loss", 1.0)
    with pytest.raises(RunNotFound):
        get_run("f" * 32)
    with pytest.raises(ValueError, match="no run"):
        metric_history("f" * 32, "loss")
    with pytest.raises(ValueError, match="has no metric 'los'; its metrics: loss"):
        metric_history(run.run_id, "los")
    assert get_run(run.run_id[:8]).run_id == run.run_id  # a unique prefix is enough


def test_metric_history_key_must_be_a_str():
    with start_run() as run:
        run.log_metric("x", 1.0)
    with pytest.raises(TypeError, match="metric key must be a str, got int 3"):
        metric_history(run.run_id, 3)


def test_get_run_lists_only_files_inside_the_run_folder(tmp_path):
    with start_run(run_name="evil") as run:
        pass
    evil_folder(run, tmp_path)
    assert get_run(run.run_id).artifacts == ("in_link.txt", "sub/ok.txt", "top.txt")
