"""tracking/export.py: export_mlflow and ``python -m tracking export-mlflow``.

These tests replay through a stand-in MLflow client that records the calls and
keeps MLflow's rules that matter here (batch limits, run names, params that
cannot change); the tests at the end of this file export into a real MLflow
server and database (from .venv-mlflow, `make mlflow`).
"""

import json
import math
import warnings
from pathlib import Path
from types import SimpleNamespace

import pytest

import benchmarks.common
from benchmarks.common import MLFLOW_BIN, mlflow_env
from tracking import start_run
from tracking.__main__ import main as cli
from tracking.export import DIGEST_TAG, RUN_ID_TAG, STATE_TAG, ExportWarning, _batches, export_mlflow


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
        page = _Page(SimpleNamespace(info=SimpleNamespace(run_id=rid, status=r["status"],
                                                          end_time=r.get("end_time")),
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
        """Upload every file under ``local_dir`` as MLflow's local store copies it (shutil.copytree:
        symlinked files and folders followed): ``artifacts`` the top-level names, ``files`` the bytes."""
        import os

        self.calls.append("log_artifacts")
        self.runs[run_id]["artifacts"] = sorted(p.name for p in Path(local_dir).iterdir())
        files = self.runs[run_id]["files"] = {}
        for folder, _, names in os.walk(local_dir, followlinks=True):
            for name in names:
                path = Path(folder, name)
                if path.is_file():
                    files[path.relative_to(local_dir).as_posix()] = path.read_bytes()

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
    run = start_run(experiment="live", run_name="still-running", tags={"stage": "warm-up"})
    run.log_param("lr", 0.1)
    run.log_metric("loss", 2.0)
    run.log_metric("acc", 0.5)
    first = export_mlflow("sqlite:///m.db")
    (mid,) = first.runs.values()
    assert fake_mlflow.instances[0].runs[mid]["status"] == "RUNNING" and first.points == 2
    assert json.loads(fake_mlflow.instances[0].runs[mid]["tags"][STATE_TAG])["points"] == {"acc": 1, "loss": 1}
    run.log_metric("loss", 1.0)
    run.log_metric("other", 7.0)
    run.log_param("seed", 3)
    run.set_tag("stage", "done")
    run.end()
    second = export_mlflow("sqlite:///m.db")
    assert second.updated == (run.run_id,) and second.runs == first.runs
    got = fake_mlflow.instances[1].runs[mid]
    assert got["status"] == "FINISHED" and got["params"] == {"lr": "0.1", "seed": "3"}
    assert got["tags"]["stage"] == "done" and got["end_time"] == round(run.end_ms)
    # only the points the target lacked were sent, and only the param and tag it lacked
    assert second.points == 2 and sorted((m.key, m.value) for m in got["metrics"]) == [
        ("acc", 0.5), ("loss", 1.0), ("loss", 2.0), ("other", 7.0)]  # each once
    assert got["batches"][-1] == (2, 1, 1)
    assert json.loads(got["tags"][STATE_TAG])["points"] == {"acc": 1, "loss": 2, "other": 1}
    third = export_mlflow("sqlite:///m.db")
    assert third.skipped == (run.run_id,) and third.points == 0


def test_a_reexport_that_only_ends_the_run_sends_no_point(fake_mlflow):
    run = start_run(experiment="live", run_name="r")
    for i in range(1500):
        run.log_metric("loss", 1.0 / (i + 1))
    run.log_dict({"a": 1}, "cfg")
    run.flush()
    export_mlflow("sqlite:///m.db")
    run.end("FAILED")
    second = export_mlflow("sqlite:///m.db")
    client = fake_mlflow.instances[1]
    assert second.updated == (run.run_id,) and second.points == 0
    assert "log_batch" not in client.calls and "log_artifacts" not in client.calls  # nothing new to send
    (got,) = client.runs.values()
    assert got["status"] == "FAILED" and len(got["metrics"]) == 1500


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


def test_only_files_inside_the_run_folder_are_uploaded(fake_mlflow, tmp_path):
    from tests.tracking.helpers import evil_folder

    with start_run(run_name="evil") as run:
        pass
    evil_folder(run, tmp_path)
    result = export_mlflow("sqlite:///m.db")
    files = fake_mlflow.instances[0].runs[result.runs[run.run_id]]["files"]
    assert files == {"in_link.txt": b"inside", "sub/ok.txt": b"inside", "top.txt": b"top"}


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


# -- against a real MLflow ------------------------------------------------------------
#
# MLflow lives in .venv-mlflow (`make mlflow`), apart from .venv: it pulls in scipy and
# scikit-learn, which would slow our Numba kernels' first call. These tests start a real
# `mlflow server` from there on a free 127.0.0.1 port, export with that venv's Python
# (`python -m tracking export-mlflow`) and read everything back with mlflow_dump.py.

REPO = Path(__file__).resolve().parents[2]
MLFLOW_MISSING_VENV = (".venv-mlflow is missing, so the export is not checked against a real MLflow: "
                       "`make mlflow` creates it (MLflow 3.17.2 in a venv of its own, about a minute)")


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def mlflow_venv():
    """.venv-mlflow's bin folder; skipped with the way to make it when missing (failed on CI)."""
    import os

    if not (MLFLOW_BIN / "python").exists():
        if os.environ.get("CI"):
            pytest.fail(MLFLOW_MISSING_VENV + " (.ci/run makes it first)")
        pytest.skip(MLFLOW_MISSING_VENV)
    return MLFLOW_BIN


@pytest.fixture(scope="module")
def mlflow_server(mlflow_venv, tmp_path_factory):
    """A real `mlflow server` (sqlite backend, proxied artifacts) on a free port: its URL."""
    try:
        with benchmarks.common.mlflow_server(tmp_path_factory.mktemp("mlflow-server")) as url:
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc))


def _mlflow(*args, timeout=300):
    """Run the Python of .venv-mlflow; the store is the test's (OPTSANDBOX_TRACKING_URI)."""
    import subprocess

    return subprocess.run([MLFLOW_BIN / "python", *map(str, args)], capture_output=True, text=True,
                          env=mlflow_env(), timeout=timeout)


def _export(to, *extra, timeout=300):
    return _mlflow("-m", "tracking", "export-mlflow", "--to", to, *extra, timeout=timeout)


def _dump(to, *experiments) -> list:
    import json

    done = _mlflow(REPO / "tests" / "tracking" / "mlflow_dump.py", to, *experiments)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)["runs"]


def _as_mlflow_holds(value: float) -> str:
    """float.hex of a value as MLflow's SQL store gives it back (inf clamped, -0.0 as 0.0)."""
    if math.isnan(value):
        return "nan"
    return (min(max(value, -1.7976931348623157e308), 1.7976931348623157e308) + 0.0).hex()


def _assert_same_runs(dumped: list, ours: list):
    """Every one of our runs is in ``dumped`` once, field by field; returns ours -> MLflow id."""
    import base64

    from tracking import get_run, metric_history

    by_ours = {}
    for run in dumped:
        by_ours.setdefault(run["tags"].get(RUN_ID_TAG), []).append(run)
    mapping = {rid: runs[0]["run_id"] for rid, runs in by_ours.items() if rid}
    for run_id in ours:
        rec = get_run(run_id)
        (got,) = by_ours[run_id]
        assert got["lifecycle"] == "active"
        assert (got["experiment"], got["run_name"], got["status"]) == (rec.experiment, rec.run_name, rec.status)
        assert got["start_time"] == round(rec.start_time.timestamp() * 1000)
        assert got["end_time"] == (None if rec.end_time is None else round(rec.end_time.timestamp() * 1000))
        assert got["params"] == rec.params
        extra = {k: v for k, v in got["tags"].items() if k not in rec.tags}
        assert {k: v for k, v in got["tags"].items() if k in rec.tags} == rec.tags
        expected_extra = {RUN_ID_TAG: run_id, "mlflow.runName": rec.run_name}
        if rec.parent_run_id is not None:
            expected_extra["mlflow.parentRunId"] = mapping[rec.parent_run_id]
        assert {k: extra.pop(k) for k in list(extra) if k in expected_extra} == expected_extra
        assert set(extra) <= {DIGEST_TAG, STATE_TAG, "mlflow.user"}, extra
        assert sorted(got["metrics"]) == sorted(rec.metrics)
        for key, points in got["metrics"].items():
            hist = metric_history(run_id, key)
            want = {(int(s), _as_mlflow_holds(v), int(t))
                    for s, v, t in zip(hist["step"], hist["value"], hist["timestamp"])}
            assert sorted(want) == sorted((s, "nan" if v == "nan" else v, t) for s, v, t in points), key
            assert len(points) == len(want)
        files = {name: (rec.artifact_dir / name).read_bytes() for name in rec.artifacts}
        assert {k: base64.b64decode(v) for k, v in got["artifacts"].items()} == files
        assert not any(b"SECRET" in data for data in files.values())  # no link leading out followed
    return mapping


def _round_trip_runs(prefix: str) -> dict:
    """Runs covering what an export must carry; returns name -> run (the "live" one RUNNING)."""
    runs = {}
    with start_run(experiment=f"{prefix}-tsp", run_name="outer", tags={"note": "δ → ∞", "kind": "sweep"}) as outer:
        outer.log_params({"n": 15, "lr": 0.1, "long": "x" * 6000})
        for i in range(2500):
            outer.log_metric("loss", 1.0 / (i + 1), step=2 * i)
        for step, value in ((0, float("nan")), (5, 1.5), (-3, -2.0), (7, 1e-300), (9, float("nan"))):
            outer.log_metric("odd", value, step=step)
        outer.log_dict({"a": 1, "b": [1, 2]}, "cfg")
        blob = Path("blob.bin")
        blob.write_bytes(bytes(range(256)) * 3)
        outer.log_artifact(blob)
        folder = Path("folder")
        (folder / "sub").mkdir(parents=True)
        (folder / "sub" / "deep.txt").write_text("deep\n")
        outer.log_artifact(folder)
        secret = Path("secret.txt")  # outside the run's folder: a link to it is no artifact
        secret.write_text("SECRET")
        (outer.artifact_dir / "leak").symlink_to(secret.absolute())
        (outer.artifact_dir / "folder" / "leak_dir").symlink_to(Path(".").absolute())
        with pytest.raises(ZeroDivisionError):
            with start_run(experiment=f"{prefix}-tsp", run_name="inner") as inner:
                inner.log_metric("x", float("nan"))
                with start_run(experiment=f"{prefix}-tsp", run_name="leaf") as leaf:
                    leaf.log_metrics({"a": 1.0, "b": 2.0}, step=3)
                    leaf.end("KILLED")
                1 / 0
        runs.update(outer=outer, inner=inner, leaf=leaf)
    with start_run(experiment=f"{prefix}-gd", run_name="extremes") as odd:
        for value in (float("inf"), float("-inf"), -0.0, 0.0, 1.7976931348623157e308, -5e-324):
            odd.log_metric("v", value)
    runs["extremes"] = odd
    live = start_run(experiment=f"{prefix}-gd", run_name="live")
    live.log_param("lr", 0.5)
    live.log_metric("loss", 3.0)
    live.flush()
    runs["live"] = live
    return runs


def test_round_trip_through_a_real_mlflow_server(mlflow_server):
    runs = _round_trip_runs("rt")
    ids = [r.run_id for r in runs.values()]
    exps = ["rt-tsp", "rt-gd"]
    done = _export(mlflow_server)
    assert done.returncode == 0, done.stderr
    assert "5 created, 0 updated" in done.stdout
    warning = next(line for line in done.stderr.splitlines() if "warning:" in line)
    assert "1 × +inf" in warning and "1 × -inf" in warning and "1 × -0.0" in warning
    mapping = _assert_same_runs(_dump(mlflow_server, *exps), ids)

    again = _export(mlflow_server)
    assert again.returncode == 0, again.stderr
    assert "0 created, 0 updated, 5 already up to date" in again.stdout and "warning" not in again.stderr
    assert _assert_same_runs(_dump(mlflow_server, *exps), ids) == mapping

    live = runs["live"]
    live.log_metric("loss", 2.0)
    live.end()
    third = _export(mlflow_server, "--filter", "run_name = 'live'")
    assert third.returncode == 0, third.stderr
    assert f"{live.run_id} -> {mapping[live.run_id]} (updated)" in third.stdout
    dumped = _dump(mlflow_server, *exps)
    assert _assert_same_runs(dumped, ids) == mapping and len(dumped) == 5
    (got,) = [r for r in dumped if r["run_name"] == "live"]
    assert got["status"] == "FINISHED" and len(got["metrics"]["loss"]) == 2  # the resent point kept once


def test_round_trip_into_an_mlflow_sqlite_database(mlflow_venv, tmp_path):
    runs = _round_trip_runs("db")
    runs["live"].end()
    to = f"sqlite:///{tmp_path / 'mlflow.db'}"
    done = _export(to)
    assert done.returncode == 0, done.stderr
    _assert_same_runs(_dump(to, "db-tsp", "db-gd"), [r.run_id for r in runs.values()])


def test_a_run_mlflow_would_refuse_leaves_the_real_server_untouched(mlflow_server):
    with start_run(experiment="refuse-a", run_name="fine") as run:
        run.log_metric("x", 1.0)
    with start_run(experiment="refuse-b", run_name="named") as bad:
        bad.set_tag("mlflow.runName", "another name")
    done = _export(mlflow_server)
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "nothing exported" in done.stderr and bad.run_id in done.stderr
    assert _dump(mlflow_server, "refuse-a", "refuse-b") == []


def test_an_unreachable_server_fails_in_seconds(mlflow_venv):
    with start_run(experiment="nowhere", run_name="r"):
        pass
    port = _free_port()  # nothing listens there
    done = _export(f"http://127.0.0.1:{port}", timeout=60)  # MLflow's default retries take ~4 min
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and f"MLflow at http://127.0.0.1:{port} did not answer" in done.stderr


def test_a_run_exported_while_running_gets_only_its_new_points_after_it_ends(mlflow_server):
    run = start_run(experiment="grow", run_name="grow", tags={"stage": "warm-up"})
    run.log_param("lr", 0.1)
    for i in range(3000):
        run.log_metric("loss", 1.0 / (i + 1))
    run.flush()
    first = _export(mlflow_server, "--experiment", "grow")
    assert first.returncode == 0, first.stderr
    assert "3,000 metric points" in first.stdout
    for i in range(3000, 5000):
        run.log_metric("loss", 1.0 / (i + 1))
    for i in range(10):
        run.log_metric("late", float(i))
    run.log_param("seed", 7)
    run.set_tag("stage", "done")
    run.end()
    second = _export(mlflow_server, "--experiment", "grow")
    assert second.returncode == 0, second.stderr
    assert "1 updated" in second.stdout and "2,010 metric points" in second.stdout  # the new ones only
    (got,) = _dump(mlflow_server, "grow")
    _assert_same_runs([got], [run.run_id])  # every point once, status FINISHED, end time, params, tags
    assert len(got["metrics"]["loss"]) == 5000 and got["tags"]["stage"] == "done"
    third = _export(mlflow_server, "--experiment", "grow")
    assert "1 already up to date" in third.stdout and "0 metric points" in third.stdout
