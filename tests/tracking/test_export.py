"""tracking/export.py: export_mlflow and ``python -m tracking export-mlflow``.

These tests replay through a stand-in MLflow client that records the calls and
keeps MLflow's rules that matter here (batch limits, run names, params that
cannot change); test_mlflow_server.py exports into a real MLflow server.
"""

import math
import warnings
from pathlib import Path
from types import SimpleNamespace

import pytest

from tracking import start_run
from tracking.__main__ import main as cli
from tracking.export import DIGEST_TAG, RUN_ID_TAG, ExportWarning, _batches, export_mlflow


def test_export_mlflow_without_mlflow_says_how_to_get_it(capsys):
    try:
        import mlflow  # noqa: F401
        pytest.skip("mlflow is installed")
    except ImportError:
        pass
    with pytest.raises(SystemExit) as info:
        cli(["export-mlflow", "--to", "sqlite:///mlflow.db"])
    assert info.value.code == 2
    assert "make mlflow" in capsys.readouterr().err


class _Page(list):
    token = None


class _FakeMlflowClient:
    """Records what export_mlflow asks of MLflow's client (a stand-in, not MLflow)."""

    instances: list = []
    store: dict = {}  # tracking uri -> (experiments, runs): one "server" per uri

    def __init__(self, tracking_uri):
        self.uri = tracking_uri
        self.experiments, self.runs = _FakeMlflowClient.store.setdefault(tracking_uri, ({}, {}))
        self.calls = []
        _FakeMlflowClient.instances.append(self)

    def _exp(self, name):
        eid, stage = self.experiments[name]
        return SimpleNamespace(experiment_id=eid, name=name, lifecycle_stage=stage)

    def get_experiment_by_name(self, name):
        return self._exp(name) if name in self.experiments else None

    def get_experiment(self, eid):
        return next(self._exp(n) for n, (e, _) in self.experiments.items() if e == eid)

    def create_experiment(self, name):
        self.calls.append("create_experiment")
        self.experiments[name] = (f"e{len(self.experiments)}", "active")
        return self.experiments[name][0]

    def search_runs(self, experiment_ids, run_view_type=None, max_results=None, page_token=None):
        page = _Page(SimpleNamespace(info=SimpleNamespace(run_id=rid),
                                     data=SimpleNamespace(tags=dict(r["tags"]), params=dict(r["params"])))
                     for rid, r in self.runs.items() if r["experiment_id"] in experiment_ids)
        return page

    def create_run(self, experiment_id, start_time=None, tags=None, run_name=None):
        self.calls.append("create_run")
        if (tags or {}).get("mlflow.runName", run_name) != run_name:
            raise RuntimeError("Both 'run_name' argument and 'mlflow.runName' tag are specified")
        run_id = f"m{len(self.runs)}"
        self.runs[run_id] = dict(experiment_id=experiment_id, start_time=start_time, tags=dict(tags or {}),
                                 run_name=run_name, params={}, metrics=[], artifacts=None, status="RUNNING",
                                 batches=[])
        return SimpleNamespace(info=SimpleNamespace(run_id=run_id))

    def log_batch(self, run_id, metrics=(), params=(), tags=()):
        self.calls.append("log_batch")
        assert len(metrics) + len(params) + len(tags) <= 1000 and len(params) <= 100 and len(tags) <= 100
        run = self.runs[run_id]
        run["batches"].append((len(metrics), len(params), len(tags)))
        for p in params:
            assert run["params"].get(p.key, p.value) == p.value, "MLflow params cannot change"
            run["params"][p.key] = p.value
        run["tags"].update((t.key, t.value) for t in tags)
        run["metrics"] += list(metrics)

    def set_tag(self, run_id, key, value):
        self.calls.append("set_tag")
        self.runs[run_id]["tags"][key] = value

    def log_artifacts(self, run_id, local_dir):
        self.calls.append("log_artifacts")
        self.runs[run_id]["artifacts"] = sorted(p.name for p in Path(local_dir).iterdir())

    def set_terminated(self, run_id, status=None, end_time=None):
        self.calls.append("set_terminated")
        self.runs[run_id].update(status=status, end_time=end_time)


@pytest.fixture
def fake_mlflow(monkeypatch):
    import sys
    import types
    from collections import namedtuple

    mlflow = types.ModuleType("mlflow")
    entities = types.ModuleType("mlflow.entities")
    entities.Metric = namedtuple("Metric", "key value timestamp step")
    entities.Param = namedtuple("Param", "key value")
    entities.RunTag = namedtuple("RunTag", "key value")
    entities.ViewType = SimpleNamespace(ACTIVE_ONLY=1)
    client_mod = types.ModuleType("mlflow.tracking")
    client_mod.MlflowClient = _FakeMlflowClient
    mlflow.entities, mlflow.tracking = entities, client_mod
    for name, mod in (("mlflow", mlflow), ("mlflow.entities", entities), ("mlflow.tracking", client_mod)):
        monkeypatch.setitem(sys.modules, name, mod)
    _FakeMlflowClient.instances.clear()
    _FakeMlflowClient.store.clear()
    return _FakeMlflowClient


def _nested_runs():
    with start_run(experiment="tsp", run_name="outer") as outer:
        outer.log_params({"n": 15, "seed": 2})
        for i in range(2500):
            outer.log_metric("loss", 1.0 / (i + 1))
        outer.log_dict({"a": 1}, "cfg")
        with start_run(run_name="inner") as inner:
            inner.log_metric("x", float("nan"))
    return outer, inner


def test_export_mlflow_replays_runs_through_the_client(fake_mlflow, capsys):
    outer, inner = _nested_runs()
    with pytest.raises(ValueError):
        with start_run(experiment="gd", run_name="broken"):
            raise ValueError
    assert cli(["export-mlflow", "--to", "sqlite:///m.db"]) == 0
    assert "3 runs to sqlite:///m.db: 3 created" in capsys.readouterr().out
    (client,) = fake_mlflow.instances
    assert client.uri == "sqlite:///m.db" and set(client.experiments) == {"tsp", "default", "gd"}
    by_name = {r["run_name"]: r for r in client.runs.values()}
    o, i, b = by_name["outer"], by_name["inner"], by_name["broken"]
    assert o["params"] == {"n": "15", "seed": "2"}
    assert [m.value for m in o["metrics"]] == [1.0 / (k + 1) for k in range(2500)]
    assert [m.step for m in o["metrics"]] == list(range(2500))
    # params, tags and the first metrics share a request; then requests of 1000 points
    assert o["batches"] == [(997, 2, 1), (1000, 0, 0), (503, 0, 0)]
    assert o["artifacts"] == ["cfg.json"] and o["status"] == "FINISHED"
    assert o["tags"][RUN_ID_TAG] == outer.run_id and len(o["tags"][DIGEST_TAG]) == 64
    outer_new = next(k for k, r in client.runs.items() if r is o)
    assert i["tags"]["mlflow.parentRunId"] == outer_new
    assert math.isnan(i["metrics"][0].value)
    assert b["status"] == "FAILED" and b["end_time"] >= b["start_time"]
    assert client.calls.index("set_tag") > client.calls.index("set_terminated")  # the digest comes last


def test_batches_stay_within_mlflow_limits():
    from collections import namedtuple

    P = namedtuple("P", "key value")
    M = namedtuple("M", "key value timestamp step")
    params = [P(f"p{i}", "v" * 6000) for i in range(250)]
    tags = [P(f"t{i}", "w" * 8000) for i in range(150)]
    metrics = [M("m", 0.0, 0, i) for i in range(5000)]
    batches = list(_batches(params, tags, metrics))
    assert [x for b in batches for x in b[1]] == params and [x for b in batches for x in b[2]] == tags
    assert [x for b in batches for x in b[0]] == metrics
    for m, p, t in batches:
        assert len(m) + len(p) + len(t) <= 1000 and len(p) <= 100 and len(t) <= 100
        assert sum(len(x.key) + len(x.value) for x in p + t) < 1_000_000
    assert sum(len(b[0]) == 1000 for b in batches) >= 4  # metrics fill whole requests


def test_reexport_skips_runs_already_there(fake_mlflow, capsys):
    outer, inner = _nested_runs()
    first = export_mlflow("sqlite:///m.db")
    assert set(first.created) == {outer.run_id, inner.run_id} and first.points == 2501
    second = export_mlflow("sqlite:///m.db")
    assert second.runs == first.runs and set(second.skipped) == set(first.created)
    assert second.created == second.updated == () and second.points == 0
    assert len(fake_mlflow.instances[1].runs) == 2
    assert "create_run" not in fake_mlflow.instances[1].calls
    assert "log_batch" not in fake_mlflow.instances[1].calls


def test_reexport_brings_a_changed_run_up_to_date(fake_mlflow):
    run = start_run(experiment="live", run_name="still-running")
    run.log_param("lr", 0.1)
    run.log_metric("loss", 2.0)
    first = export_mlflow("sqlite:///m.db")
    (mid,) = first.runs.values()
    assert fake_mlflow.instances[0].runs[mid]["status"] == "RUNNING"
    run.log_metric("loss", 1.0)
    run.end()
    second = export_mlflow("sqlite:///m.db")
    assert second.updated == (run.run_id,) and second.runs == first.runs
    got = fake_mlflow.instances[1].runs[mid]
    assert got["status"] == "FINISHED" and got["params"] == {"lr": "0.1"}
    # every point is sent again: MLflow keeps a resent point once (the stand-in keeps both;
    # test_mlflow_server.py checks the real thing)
    assert [m.value for m in got["metrics"]] == [2.0, 2.0, 1.0]
    assert export_mlflow("sqlite:///m.db").skipped == (run.run_id,)


def test_reexport_completes_an_export_that_stopped_half_way(fake_mlflow, monkeypatch):
    outer, _ = _nested_runs()

    def server_dies(self, run_id, local_dir):
        raise ConnectionError("server went away")

    with monkeypatch.context() as m:
        m.setattr(fake_mlflow, "log_artifacts", server_dies)
        with pytest.raises(ConnectionError):
            export_mlflow("sqlite:///m.db")
    result = export_mlflow("sqlite:///m.db")
    assert outer.run_id in result.updated
    runs = fake_mlflow.instances[1].runs
    assert len(runs) == 2 and runs[result.runs[outer.run_id]]["artifacts"] == ["cfg.json"]


def test_a_run_mlflow_would_refuse_stops_the_export_before_any_write(fake_mlflow, capsys):
    with start_run(experiment="a", run_name="fine") as run:
        run.log_metric("x", 1.0)
    with start_run(experiment="b", run_name="renamed") as bad:
        bad.set_tag("mlflow.runName", "something else")
    with pytest.raises(SystemExit) as info:
        cli(["export-mlflow", "--to", "http://127.0.0.1:5000"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nothing exported" in err and bad.run_id in err and "mlflow.runName" in err
    (client,) = fake_mlflow.instances
    assert client.calls == [] and client.runs == {} and client.experiments == {}


def test_a_param_changed_in_the_target_is_refused_before_any_write(fake_mlflow):
    with start_run(experiment="a", run_name="r") as run:
        run.log_param("lr", 0.1)
    result = export_mlflow("sqlite:///m.db")
    fake_mlflow.store["sqlite:///m.db"][1][result.runs[run.run_id]]["params"]["lr"] = "0.5"
    with start_run(experiment="a", run_name="later"):
        pass
    with pytest.raises(ValueError, match=r"param lr = '0.1' but the target run m0 has '0.5'"):
        export_mlflow("sqlite:///m.db")
    assert len(fake_mlflow.store["sqlite:///m.db"][1]) == 1


def test_a_child_without_its_parent_brings_the_parent(fake_mlflow, capsys):
    outer, inner = _nested_runs()
    assert cli(["export-mlflow", "--to", "sqlite:///m.db", "--filter", "run_name = 'inner'"]) == 0
    captured = capsys.readouterr()
    assert "1 parent run(s) outside the selection exported too" in captured.err
    assert outer.run_id[:8] in captured.err
    (client,) = fake_mlflow.instances
    by_name = {r["run_name"]: (k, r) for k, r in client.runs.items()}
    assert by_name["inner"][1]["tags"]["mlflow.parentRunId"] == by_name["outer"][0]


def test_values_mlflow_cannot_hold_are_counted_in_a_warning(fake_mlflow, monkeypatch):
    import tracking.buffer

    monkeypatch.setattr(tracking.buffer, "_time", lambda: 1_700_000_000.0)  # one millisecond for all
    with start_run(run_name="odd") as run:
        for v in (float("inf"), float("inf"), float("-inf"), -0.0, 0.0, float("nan")):
            run.log_metric("v", v)
        run.log_metric("same", 1.0, step=0)
        run.log_metric("same", 1.0, step=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        export_mlflow("sqlite:///m.db")
    (w,) = [w for w in caught if issubclass(w.category, ExportWarning)]
    text = str(w.message)
    assert "2 × +inf stored as 1.7976931348623157e+308" in text
    assert "1 × -inf stored as" in text and "1 × -0.0 stored as 0.0" in text
    assert f"run {run.run_id[:8]} metric 'v'" in text
    assert "1 × duplicate points (same key, step, timestamp and value) kept once" in text
    with warnings.catch_warnings(record=True) as caught:  # nothing sent, nothing to say
        warnings.simplefilter("always")
        export_mlflow("sqlite:///m.db")
    assert not [w for w in caught if issubclass(w.category, ExportWarning)]


@pytest.mark.parametrize("to", ["/tmp/mlruns", "./mlruns", "file:///tmp/mlruns", "mlruns"])
def test_a_directory_target_is_refused_with_the_targets_mlflow_3_takes(to, capsys):
    with pytest.raises(SystemExit) as info:
        cli(["export-mlflow", "--to", to])
    assert info.value.code == 2
    err = capsys.readouterr().err
    if "make mlflow" not in err:  # mlflow installed: our own check answers
        assert err.count("\n") == 1 and "sqlite:///" in err and "http" in err and repr(to) in err
    with pytest.raises(ValueError, match="plain directory"):
        export_mlflow(to)


def test_export_mlflow_failure_is_one_line_exit_2(fake_mlflow, capsys, monkeypatch):
    with start_run(run_name="r") as run:
        run.log_metric("x", 1.0)

    def refuse(self, run_id, metrics=(), params=(), tags=()):
        raise RuntimeError("INVALID_PARAMETER_VALUE: server said no\nsecond line")

    monkeypatch.setattr(fake_mlflow, "log_batch", refuse)
    with pytest.raises(SystemExit) as info:
        cli(["export-mlflow", "--to", "http://nowhere:5000"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "export to http://nowhere:5000 failed" in err and "server said no" in err


def test_unreachable_server_is_one_line_naming_it(fake_mlflow, capsys, monkeypatch):
    with start_run(run_name="r"):
        pass
    seen = {}

    def down(self, name):
        import os

        seen.update((k, os.environ.get(k)) for k in ("MLFLOW_HTTP_REQUEST_MAX_RETRIES", "MLFLOW_HTTP_REQUEST_TIMEOUT"))
        raise RuntimeError("Max retries exceeded: Connection refused")

    monkeypatch.delenv("MLFLOW_HTTP_REQUEST_MAX_RETRIES", raising=False)
    monkeypatch.delenv("MLFLOW_HTTP_REQUEST_TIMEOUT", raising=False)
    monkeypatch.setattr(fake_mlflow, "get_experiment_by_name", down)
    with pytest.raises(SystemExit) as info:
        cli(["export-mlflow", "--to", "http://127.0.0.1:9"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "MLflow at http://127.0.0.1:9 did not answer" in err
    assert seen == {"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0", "MLFLOW_HTTP_REQUEST_TIMEOUT": "5"}
    import os

    assert "MLFLOW_HTTP_REQUEST_MAX_RETRIES" not in os.environ  # put back after the first request
