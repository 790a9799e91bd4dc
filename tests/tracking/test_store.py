"""tracking/store.py: where the store is (URIs, the default), what a store holds and how."""

import math
import re
import shutil
import sqlite3
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tracking
from tests.profiles import slow
from tests.tracking.helpers import three_runs
from tracking import RunNotFound, get_run, metric_history, search_runs, start_run
from tracking import store as _store
from tracking._filter import parse_filter


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


def test_metric_chunks_are_the_documented_little_endian_arrays(temp_store):
    # the layout of the module docstring, read with a plain connection: schema version 2,
    # one metrics row per key and flush, seq = the number of the chunk's first point,
    # steps and ts int64, vals float64, all little-endian; latest_metrics as columns
    points = [(0, 0.5), (1, -0.0), (2, float("nan")), (7, float("inf")), (5, 1.0)]
    with start_run() as run:
        for step, value in points[:3]:
            run.log_metric("x", value, step=step)
        run.flush()
        for step, value in points[3:]:
            run.log_metric("x", value, step=step)
    con = sqlite3.connect(temp_store)
    try:
        assert con.execute("PRAGMA user_version").fetchone()[0] == 2
        chunks = con.execute(
            "SELECT m.seq, m.n, m.steps, m.vals, m.ts FROM metrics m JOIN runs r ON r.id = m.run "
            "JOIN metric_keys k ON k.id = m.key WHERE r.run_id = ? AND k.key = 'x' ORDER BY m.seq",
            (run.run_id,)).fetchall()
        latest = con.execute(
            "SELECT l.step, l.seq, l.value FROM latest_metrics l JOIN runs r ON r.id = l.run "
            "WHERE r.run_id = ?", (run.run_id,)).fetchall()
    finally:
        con.close()
    assert len(chunks) >= 2  # the explicit flush split them at least once
    steps, values, seq = [], [], 0
    for first, n, steps_blob, vals_blob, ts_blob in chunks:
        assert first == seq and len(steps_blob) == len(vals_blob) == len(ts_blob) == 8 * n
        steps += struct.unpack(f"<{n}q", steps_blob)
        values += struct.unpack(f"<{n}d", vals_blob)
        assert all(abs(t / 1000 - run.start_ms / 1000) < 3600 for t in struct.unpack(f"<{n}q", ts_blob))
        seq += n
    assert steps == [s for s, _ in points]
    assert struct.pack("<5d", *values) == struct.pack("<5d", *(v for _, v in points))  # bit for bit
    assert latest == [(7, 3, math.inf)]


def test_a_store_written_by_hand_in_the_documented_layout_reads_back(temp_store):
    # what another writer of the same format (an older version, say) left is read as it is
    with start_run(run_name="old") as run:
        pass
    con = sqlite3.connect(temp_store)
    try:
        with con:
            rid = con.execute("SELECT id FROM runs WHERE run_id = ?", (run.run_id,)).fetchone()[0]
            kid = con.execute("INSERT INTO metric_keys(key) VALUES ('h')").lastrowid
            con.executemany(
                "INSERT INTO metrics(run, key, seq, n, steps, vals, ts) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(rid, kid, 0, 2, struct.pack("<2q", 0, 1), struct.pack("<2d", 2.5, float("nan")),
                  struct.pack("<2q", 1000, 2000)),
                 (rid, kid, 2, 1, struct.pack("<q", -4), struct.pack("<d", -0.0), struct.pack("<q", 3000))])
            con.execute("INSERT INTO latest_metrics(run, key, step, seq, value, ts) VALUES (?, ?, 1, 1, NULL, 2000)",
                        (rid, kid))
    finally:
        con.close()
    hist = metric_history(run.run_id, "h")
    assert hist["step"].tolist() == [0, 1, -4]
    assert hist["timestamp"].tolist() == [1000, 2000, 3000]
    assert struct.pack("<3d", *hist["value"]) == struct.pack("<3d", 2.5, float("nan"), -0.0)
    assert math.isnan(get_run(run.run_id).metrics["h"])  # NULL in latest_metrics is NaN
    assert math.isnan(search_runs(filter="run_name = 'old'")["metrics.h"].iloc[0])


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


# -- damaged stores -----------------------------------------------------------------------


def test_a_store_with_a_corrupt_page_is_one_clear_error(temp_store, capsys):
    from tests.tracking.helpers import three_runs
    from tracking import store as _store
    from tracking.__main__ import main as cli

    ids = three_runs()
    with start_run(run_name="big") as run:
        for i in range(20_000):
            run.log_metric("x", float(i))
    _store.close_all()  # the last connection folds the WAL back into the file
    size = temp_store.stat().st_size
    page = 4096
    assert size >= 4 * page
    with open(temp_store, "r+b") as f:  # the header page intact, every later page garbage
        f.seek(page)
        f.write(b"\xa5" * (size - page))
    for call in (search_runs, lambda: get_run(ids[10]), lambda: metric_history(run.run_id, "x")):
        with pytest.raises(ValueError, match="is damaged") as info:
            call()
        assert not isinstance(info.value, sqlite3.DatabaseError)
        assert str(temp_store) in str(info.value)
    for argv in (["runs"], ["show", ids[10]], ["plot", ids[10], "best"]):
        with pytest.raises(SystemExit) as info:
            cli(argv)
        assert info.value.code == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "is damaged" in err and "Traceback" not in err


# -- the database file alone ---------------------------------------------------------------------


def _copy_alone(db, tmp_path):
    """A copy of the database file without its -wal and -shm files."""
    (tmp_path / "copy").mkdir(exist_ok=True)
    copy = tmp_path / "copy" / "tracking.db"
    shutil.copyfile(db, copy)
    return copy


@pytest.fixture
def checkpoints(monkeypatch):
    """The calls of ``Store.checkpoint`` (which still checkpoints); the background thread's
    rounds pushed out of reach (FLUSH_SECONDS an hour), so only ``buffer._tick`` runs them."""
    from tracking import buffer

    monkeypatch.setattr(buffer, "FLUSH_SECONDS", 3600.0)
    calls = []
    real = _store.Store.checkpoint

    def counted(self, tries=5):
        calls.append(self.path)
        return real(self, tries)

    monkeypatch.setattr(_store.Store, "checkpoint", counted)
    return calls


def test_a_copy_of_the_database_file_alone_holds_every_ended_run(temp_store, tmp_path, checkpoints):
    import time

    from tracking import buffer

    with start_run(experiment="a", run_name="parent") as parent:
        with start_run(experiment="a", run_name="child") as child:
            child.log_params({"lr": 0.1})
            for i in range(5000):
                child.log_metric("loss", 1.0 / (i + 1))
    # the process keeps its connection open: without a checkpoint the rows would sit in -wal
    assert Path(str(temp_store) + "-wal").exists()
    assert checkpoints == []  # not on the caller's path: the background thread's next round
    buffer._tick(now=time.time() + 3600.0)
    assert checkpoints == [temp_store]
    copy = _copy_alone(temp_store, tmp_path)
    df = search_runs(uri=copy).set_index("run_name")
    assert set(df.index) == {"parent", "child"} and (df["status"] == "FINISHED").all()
    assert df.loc["child", "params.lr"] == "0.1"
    assert len(metric_history(child.run_id, "loss", uri=copy)) == 5000
    assert get_run(parent.run_id, uri=copy).status == "FINISHED"


def test_a_sweep_of_short_runs_is_checkpointed_once_after_its_last_run(temp_store, checkpoints):
    import time

    from tracking import buffer

    for i in range(30):
        with start_run(experiment="sweep", run_name=f"r{i}") as run:
            run.log_metric("x", float(i))
        assert checkpoints == []  # no fsync per run
    buffer._tick(now=time.time() + 1800.0)
    assert checkpoints == []  # FLUSH_SECONDS have not passed since the last run ended
    again = start_run(experiment="sweep", run_name="again")
    buffer._tick(now=time.time() + 7200.0)
    assert checkpoints == []  # a run is open again: its end asks anew
    again.end()
    buffer._tick(now=time.time() + 7200.0)
    buffer._tick(now=time.time() + 9000.0)
    assert checkpoints == [temp_store]  # once
    buffer.checkpoint_now()
    assert checkpoints == [temp_store]  # nothing left due for the exit hook


def test_checkpoint_waits_for_no_reader_and_says_whether_it_finished(temp_store):
    with start_run(run_name="one") as run:
        run.log_metric("x", 1.0)
    writer = _store.get_store()
    reader = _store.Store(temp_store, readonly=True)
    with reader.read() as conn:  # a reader's snapshot from before the next write holds its pages back
        assert conn.execute("SELECT COUNT(*) FROM runs").fetchone() == (1,)
        with start_run(run_name="two", nested=False) as other:
            other.log_metric("x", 2.0)
        assert writer.checkpoint(tries=1) is False
    assert writer.checkpoint() is True
    reader.close()


# -- reading for the browser view ------------------------------------------------------------------


def test_experiments_keys_and_links(temp_store):
    ids = three_runs()
    with start_run(experiment="tsp", run_name="parent") as parent:
        with start_run(experiment="tsp", run_name="kid") as kid:
            kid.log_metrics({"best": 1.0, "gap": 0.0})
            kid.log_metric("gap", 2.0)
    store = _store.get_store()
    rows = store.experiments()
    assert [(name, n, running) for _, name, n, running, _ in rows] == [("tsp", 4, 0), ("other", 1, 0)]
    assert rows[0][4] >= rows[1][4] and rows[0][4] == get_run(parent.run_id).end_time.timestamp() * 1000
    tsp_id = rows[0][0]
    assert store.experiment_name(tsp_id) == "tsp" and store.experiment_name(10**6) is None
    assert store.experiment_keys(tsp_id) == (["n", "seed"], ["best", "gap"])
    eid, up, children, counts = store.run_links(kid.run_id)
    assert eid == tsp_id and up == (parent.run_id, "parent") and children == [] and counts == {"best": 1, "gap": 2}
    assert store.run_links(parent.run_id)[1:3] == (None, [(kid.run_id, "kid", "FINISHED")])
    assert store.run_links(ids[10])[3] == {"best": 2}
    with pytest.raises(RunNotFound):
        store.run_links("f" * 32)


_PARAM_TEXT = st.one_of(st.integers(-1000, 1000).map(str), st.sampled_from(
    ["0.1", "1e-05", "2.5", "-0.0", "abc", "007", "1.", "NaN", "True", "", "b", "1e3"]))


@st.composite
def _logged_runs(draw):
    """Runs of one experiment: (name, status, param p or None, metric m or None, tag t or None)."""
    n = draw(st.integers(0, 9))
    return [(f"r{i}", draw(st.sampled_from(["FINISHED", "FAILED"])), draw(st.none() | _PARAM_TEXT),
             draw(st.none() | st.sampled_from([0.0, 1.5, -2.0, 1.5, math.nan, math.inf])),
             draw(st.none() | st.sampled_from(["x", "y"]))) for i in range(n)]


def _model_order(df, column, ascending):
    """search_runs' rows (newest first) sorted as runs_page documents it."""
    numeric = re.compile(r"-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")

    def key(row):
        value = row[column]
        if column.startswith("params.") and numeric.fullmatch(value):
            return (0, float(value), "")
        return (1, 0.0, value) if isinstance(value, str) else (0, value, "")

    rows = df.to_dict("records")
    gone = [r[column] is None or (isinstance(r[column], float) and math.isnan(r[column])) for r in rows]
    present = [r for r, g in zip(rows, gone) if not g]
    missing = [r for r, g in zip(rows, gone) if g]  # NaN metrics too: SQLite keeps NaN as NULL
    return [r["run_id"] for r in sorted(present, key=key, reverse=not ascending) + missing]


@slow
@given(runs=_logged_runs(), column=st.sampled_from(["params.p", "metrics.m", "tags.t", "run_name", "status"]),
       ascending=st.booleans(), size=st.integers(1, 4), finished_only=st.booleans())
def test_runs_page_pages_through_search_runs_in_the_documented_order(tmp_path_factory, runs, column, ascending,
                                                                    size, finished_only):
    uri = tmp_path_factory.mktemp("page") / "t.db"
    for name, status, p, m, t in runs:
        run = start_run(experiment="e", run_name=name, uri=uri)
        if p is not None:
            run.log_param("p", p)
        if m is not None:
            run.log_metric("m", m)
        if t is not None:
            run.set_tag("t", t)
        run.end(status)
    start_run(experiment="other", run_name="elsewhere", uri=uri).end()
    flt = "status = 'FINISHED'" if finished_only else None
    df = search_runs("e", flt, uri=uri)
    store = _store.get_store(uri)
    eid = next(row[0] for row in store.experiments() if row[1] == "e") if runs else 10**6
    conditions = parse_filter(flt) if flt else []
    seen, offset = [], 0
    while True:
        total, rows, params, metrics = store.runs_page(eid, conditions, (column, ascending), size, offset,
                                                       ["p"], ["m"])
        assert total == len(df)
        if not rows:
            break
        seen += [r[1] for r in rows]
        page_ids = {r[0] for r in rows}
        assert {rid for rid, _, _ in params} <= page_ids and {rid for rid, _, _ in metrics} <= page_ids
        offset += size
    expected = _model_order(df, column, ascending) if column in df else list(df["run_id"])
    assert seen == expected
