"""tracking against a plain dict model: a hypothesis state machine.

Rules start runs, log params (a changed value must be refused), log metrics
(NaN and +-inf included, default and explicit steps), set tags, end runs, and
read back through search_runs (with and without filters), get_run and
metric_history; after every step the store must agree with the model.
"""

import math
import shutil
import tempfile

import numpy as np
import pandas as pd
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, invariant, rule

import tracking
from tracking import store as _store
from tests import reference as ref
from tests.data import metric_keys, metric_steps, metric_values
from tests.profiles import slow

PARAM_KEYS = st.sampled_from(["lr", "n/k"])  # few keys, so changed values are tried often
EXPERIMENTS = st.sampled_from(["tsp", "gd"])
PARAM_VALUES = st.one_of(st.integers(0, 2), st.sampled_from(["x", "0.1", "it's"]), st.booleans())


def _same(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


class TrackingMachine(RuleBasedStateMachine):
    runs = Bundle("runs")

    def __init__(self):
        super().__init__()
        self.dir = tempfile.mkdtemp(prefix="tracking-state-")
        self.uri = f"sqlite:///{self.dir}/t.db"
        self.model = {}   # run_id -> {experiment, name, status, params, tags, metrics: key -> [(step, value)]}
        self.live = {}    # run_id -> Run

    def teardown(self):
        for run in self.live.values():
            run.end("KILLED")
        _store.close_all()
        shutil.rmtree(self.dir, ignore_errors=True)

    @rule(target=runs, experiment=EXPERIMENTS, name=st.sampled_from(["r1", "r2", "tsp-1"]))
    def start(self, experiment, name):
        run = tracking.start_run(experiment, name, uri=self.uri, nested=False)
        self.live[run.run_id] = run
        self.model[run.run_id] = dict(experiment=experiment, name=name, status="RUNNING",
                                      params={}, tags={}, metrics={})
        return run.run_id

    @rule(run_id=runs, key=PARAM_KEYS, value=PARAM_VALUES)
    def log_param(self, run_id, key, value):
        m, run = self.model[run_id], self.live[run_id]
        if m["status"] != "RUNNING":
            with_error(RuntimeError, run.log_param, key, value)
        elif key in m["params"] and m["params"][key] != str(value):
            with_error(ValueError, run.log_param, key, value)
        else:
            run.log_param(key, value)
            m["params"][key] = str(value)

    @rule(run_id=runs, key=metric_keys, value=metric_values, step=metric_steps)
    def log_metric(self, run_id, key, value, step):
        m, run = self.model[run_id], self.live[run_id]
        if m["status"] != "RUNNING":
            with_error(RuntimeError, run.log_metric, key, value, step)
            return
        run.log_metric(key, value, step)
        points = m["metrics"].setdefault(key, [])
        points.append((len(points) if step is None else step, float(value)))

    @rule(run_id=runs, values=st.dictionaries(metric_keys, metric_values, min_size=1, max_size=3),
          step=st.integers(0, 3))
    def log_metrics(self, run_id, values, step):
        m, run = self.model[run_id], self.live[run_id]
        if m["status"] != "RUNNING":
            with_error(RuntimeError, run.log_metrics, values, step)
            return
        run.log_metrics(values, step=step)
        for key, value in values.items():
            m["metrics"].setdefault(key, []).append((step, float(value)))

    @rule(run_id=runs, key=metric_keys, value=st.sampled_from(["a", "b", "7"]))
    def set_tag(self, run_id, key, value):
        m, run = self.model[run_id], self.live[run_id]
        if m["status"] != "RUNNING":
            with_error(RuntimeError, run.set_tag, key, value)
            return
        run.set_tag(key, value)
        m["tags"][key] = value

    @rule(run_id=runs, status=st.sampled_from(["FINISHED", "FAILED", "KILLED"]))
    def end(self, run_id, status):
        m = self.model[run_id]
        self.live[run_id].end(status)
        if m["status"] == "RUNNING":  # ending twice keeps the first status
            m["status"] = status

    @rule(experiment=st.one_of(st.none(), EXPERIMENTS))
    def search(self, experiment):
        df = tracking.search_runs(experiment, uri=self.uri)
        expected = {rid for rid, m in self.model.items() if experiment in (None, m["experiment"])}
        assert set(df["run_id"]) == expected
        for _, row in df.iterrows():
            m = self.model[row["run_id"]]
            assert (row["experiment"], row["run_name"], row["status"]) == (m["experiment"], m["name"], m["status"])
            assert pd.isna(row["end_time"]) == (m["status"] == "RUNNING")
            for group in ("params", "tags", "metrics"):
                cols = {c[len(group) + 1:] for c in df.columns if c.startswith(group + ".")}
                stored = {k: row[f"{group}.{k}"] for k in cols if not _missing(row[f"{group}.{k}"])}
                if group == "metrics":
                    want = {k: ref.tracking_last_value(p) for k, p in m["metrics"].items()}
                    assert set(cols) >= set(want)
                    for k in cols:
                        if k in want:
                            assert _same(row[f"metrics.{k}"], want[k]), (k, row[f"metrics.{k}"], want[k])
                        else:
                            assert math.isnan(row[f"metrics.{k}"])
                else:
                    assert stored == m[group]

    @rule(key=PARAM_KEYS, value=PARAM_VALUES)
    def search_param_filter(self, key, value):
        text = str(value).replace("'", "''")
        df = tracking.search_runs(filter=f"params.`{key}` = '{text}'", uri=self.uri)
        expected = {rid for rid, m in self.model.items() if m["params"].get(key) == str(value)}
        assert set(df["run_id"]) == expected

    @rule(key=metric_keys, threshold=st.floats(-1e6, 1e6), op=st.sampled_from(["<", ">=", "!="]))
    def search_metric_filter(self, key, threshold, op):
        df = tracking.search_runs(filter=f"metrics.`{key}` {op} {threshold!r}", uri=self.uri)
        compare = {"<": lambda a: a < threshold, ">=": lambda a: a >= threshold,
                   "!=": lambda a: math.isnan(a) or a != threshold}[op]
        expected = {rid for rid, m in self.model.items()
                    if key in m["metrics"] and compare(ref.tracking_last_value(m["metrics"][key]))}
        assert set(df["run_id"]) == expected

    @rule(run_id=runs, key=metric_keys)
    def history(self, run_id, key):
        points = self.model[run_id]["metrics"].get(key)
        if points is None:
            with_error(ValueError, tracking.metric_history, run_id, key, uri=self.uri)
            return
        df = tracking.metric_history(run_id, key, uri=self.uri)
        assert df["step"].tolist() == [s for s, _ in points]
        assert np.array_equal(df["value"].to_numpy(), np.array([v for _, v in points]), equal_nan=True)

    @rule(run_id=runs)
    def record(self, run_id):
        rec = tracking.get_run(run_id, uri=self.uri)
        m = self.model[run_id]
        assert (rec.status, rec.params, rec.tags) == (m["status"], m["params"], m["tags"])
        assert set(rec.metrics) == set(m["metrics"])

    @invariant()
    def active_runs_are_the_running_ones(self):
        running = {rid for rid, m in self.model.items() if m["status"] == "RUNNING"}
        assert {rid for rid, run in self.live.items() if run.status == "RUNNING"} == running


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def with_error(exc_type, fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except exc_type:
        return
    raise AssertionError(f"{fn.__name__}{args} did not raise {exc_type.__name__}")


TestTrackingMachine = TrackingMachine.TestCase
TestTrackingMachine.settings = settings(slow, stateful_step_count=30)  # examples: the profile's slow tier
