"""tracking/export.py: export_mlflow and ``python -m tracking export-mlflow``.

Most tests replay through a stand-in MLflow client that records the calls; one
runs against a real MLflow when it is installed.
"""

import math
from pathlib import Path

import pytest

from tracking import start_run
from tracking.__main__ import main as cli


def test_export_mlflow_without_mlflow_says_how_to_get_it(capsys):
    try:
        import mlflow  # noqa: F401
        pytest.skip("mlflow is installed")
    except ImportError:
        pass
    with pytest.raises(SystemExit) as info:
        cli(["export-mlflow", "--to", "sqlite:///mlflow.db"])
    assert info.value.code == 2
    assert "pip install mlflow" in capsys.readouterr().err


class _FakeMlflowClient:
    """Records what export_mlflow asks of MLflow's client (a stand-in, not MLflow)."""

    instances: list = []

    def __init__(self, tracking_uri):
        self.uri, self.experiments, self.runs = tracking_uri, {}, {}
        _FakeMlflowClient.instances.append(self)

    def get_experiment_by_name(self, name):
        from types import SimpleNamespace

        return SimpleNamespace(experiment_id=self.experiments[name]) if name in self.experiments else None

    def create_experiment(self, name):
        self.experiments[name] = f"e{len(self.experiments)}"
        return self.experiments[name]

    def create_run(self, experiment_id, start_time=None, tags=None, run_name=None):
        from types import SimpleNamespace

        run_id = f"m{len(self.runs)}"
        self.runs[run_id] = dict(experiment_id=experiment_id, start_time=start_time, tags=tags,
                                 run_name=run_name, params=[], metrics=[], artifacts=None, status=None)
        return SimpleNamespace(info=SimpleNamespace(run_id=run_id))

    def log_batch(self, run_id, metrics=(), params=(), tags=()):
        assert len(metrics) <= 1000 and len(params) <= 100
        self.runs[run_id]["params"] += list(params)
        self.runs[run_id]["metrics"] += list(metrics)

    def log_artifacts(self, run_id, local_dir):
        self.runs[run_id]["artifacts"] = sorted(p.name for p in Path(local_dir).iterdir())

    def set_terminated(self, run_id, status=None, end_time=None):
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
    client_mod = types.ModuleType("mlflow.tracking")
    client_mod.MlflowClient = _FakeMlflowClient
    mlflow.entities, mlflow.tracking = entities, client_mod
    for name, mod in (("mlflow", mlflow), ("mlflow.entities", entities), ("mlflow.tracking", client_mod)):
        monkeypatch.setitem(sys.modules, name, mod)
    _FakeMlflowClient.instances.clear()
    return _FakeMlflowClient


def test_export_mlflow_replays_runs_through_the_client(fake_mlflow, capsys):
    with start_run(experiment="tsp", run_name="outer") as outer:
        outer.log_params({"n": 15, "seed": 2})
        for i in range(2500):
            outer.log_metric("loss", 1.0 / (i + 1))
        outer.log_dict({"a": 1}, "cfg")
        with start_run(run_name="inner") as inner:
            inner.log_metric("x", float("nan"))
    with pytest.raises(ValueError):
        with start_run(experiment="gd", run_name="broken"):
            raise ValueError
    assert cli(["export-mlflow", "--to", "sqlite:///m.db"]) == 0
    assert "exported 3 runs" in capsys.readouterr().out
    (client,) = fake_mlflow.instances
    assert client.uri == "sqlite:///m.db" and set(client.experiments) == {"tsp", "default", "gd"}
    by_name = {r["run_name"]: r for r in client.runs.values()}
    o, i, b = by_name["outer"], by_name["inner"], by_name["broken"]
    assert sorted(o["params"]) == [("n", "15"), ("seed", "2")]
    assert [m.value for m in o["metrics"]] == [1.0 / (k + 1) for k in range(2500)]
    assert [m.step for m in o["metrics"]] == list(range(2500))
    assert o["artifacts"] == ["cfg.json"] and o["status"] == "FINISHED"
    assert o["tags"]["optsandbox.run_id"] == outer.run_id
    outer_new = next(k for k, r in client.runs.items() if r is o)
    assert i["tags"]["mlflow.parentRunId"] == outer_new
    assert math.isnan(i["metrics"][0].value)
    assert b["status"] == "FAILED" and b["end_time"] >= b["start_time"]


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


def test_export_mlflow(tmp_path):
    mlflow = pytest.importorskip("mlflow")
    from tracking.export import export_mlflow

    with start_run(experiment="tsp", run_name="outer") as outer:
        outer.log_param("n", 15)
        for i in range(1500):
            outer.log_metric("loss", 1.0 / (i + 1))
        outer.log_dict({"a": 1}, "cfg")
        with start_run(run_name="inner") as inner:
            inner.log_metric("x", float("nan"))
    to = f"sqlite:///{tmp_path / 'mlflow.db'}"
    mapping = export_mlflow(to)
    client = mlflow.tracking.MlflowClient(tracking_uri=to)
    got = client.get_run(mapping[outer.run_id])
    assert got.data.params == {"n": "15"}
    assert got.info.status == "FINISHED"
    assert len(client.get_metric_history(got.info.run_id, "loss")) == 1500
    child = client.get_run(mapping[inner.run_id])
    assert child.data.tags["mlflow.parentRunId"] == got.info.run_id
