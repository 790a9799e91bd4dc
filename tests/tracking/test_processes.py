"""tracking across processes: SIGKILL, SIGTERM, concurrent writers, concurrent store creation.

Children are plain ``python -c`` scripts pointed at the test's temporary store
(conftest's ``temp_store``) through ``OPTSANDBOX_TRACKING_URI``. Waits are polls
with generous deadlines: they check that something happens, never how fast.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import tracking
from tracking import get_run, metric_history, search_runs
from tracking import store as _store

REPO = Path(__file__).resolve().parents[2]
POSIX = pytest.mark.skipif(os.name != "posix", reason="POSIX signals")


def _env() -> dict:
    """The environment for a child Python: this one (the store's URI included), the repo importable."""
    return dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def _spawn(code: str, *args) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", code, *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_env())


def _wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


_BARRIER = """
import os, sys, time
go = sys.argv[1]
print("ready", flush=True)
while not os.path.exists(go):
    time.sleep(0.002)
"""


@POSIX
def test_sigkill_keeps_earlier_points_and_run_is_not_finished(temp_store):
    child = _spawn("""
import time, tracking
run = tracking.start_run("kill", "victim")
for i in range(1000):
    run.log_metric("x", float(i))
print(run.run_id, flush=True)
i = 1000
while True:                      # keep logging slowly, never reaching the size threshold
    time.sleep(0.002)
    run.log_metric("x", float(i))
    i += 1
""")
    try:
        run_id = child.stdout.readline().strip()
        assert len(run_id) == 32, child.stderr.read()

        def flushed():
            try:
                return len(metric_history(run_id, "x")) >= 1000
            except ValueError:
                return False

        assert _wait_for(flushed), "points never reached the store"
    finally:
        child.kill()
        child.wait(30)
    assert child.returncode == -signal.SIGKILL
    values = metric_history(run_id, "x")["value"].tolist()
    assert len(values) >= 1000
    assert values == [float(i) for i in range(len(values))]  # a prefix, in order, no gap
    assert get_run(run_id).status == "RUNNING"  # never marked FINISHED


# The children below never flush on their own (no timer, no size threshold), so the
# points can only reach the store through the path each test is about.
_NO_AUTO_FLUSH = """
import tracking.buffer
tracking.buffer.FLUSH_SECONDS = 3600.0
tracking.buffer.FLUSH_POINTS = 10**9
"""


def _points_in_store(db, run_id) -> int:
    import sqlite3

    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT coalesce(sum(m.n), 0) FROM metrics m JOIN runs r ON r.id = m.run "
                           "WHERE r.run_id = ?", (run_id,)).fetchone()[0]
    finally:
        con.close()


@POSIX
@pytest.mark.parametrize("inside_with", [True, False])
def test_sigterm_marks_killed_and_flushes(temp_store, inside_with):
    if inside_with:
        body = """
import time, tracking
with tracking.start_run("term", "victim") as run:
    for i in range(500):
        run.log_metric("x", float(i))
    print(run.run_id, flush=True)
    while True:
        time.sleep(0.01)
"""
    else:  # no with block: the interpreter's exit ends the run
        body = """
import time, tracking
run = tracking.start_run("term", "victim")
for i in range(500):
    run.log_metric("x", float(i))
print(run.run_id, flush=True)
while True:
    time.sleep(0.01)
"""
    child = _spawn(_NO_AUTO_FLUSH + body)
    run_id = child.stdout.readline().strip()
    assert len(run_id) == 32, child.stderr.read()
    assert _points_in_store(temp_store, run_id) == 0  # still buffered: only the SIGTERM path can write them
    child.send_signal(signal.SIGTERM)
    child.wait(30)
    assert child.returncode == 143, child.stderr.read()
    assert get_run(run_id).status == "KILLED"
    assert metric_history(run_id, "x")["value"].tolist() == [float(i) for i in range(500)]


@POSIX
def test_unended_runs_are_closed_at_exit(temp_store):
    code = _NO_AUTO_FLUSH + """
import sys, tracking
run = tracking.start_run("exit", sys.argv[1])
for i in range(300):
    run.log_metric("n", float(i))
run.log_metric("x", 1.0)
if sys.argv[1] == "fail":
    raise ValueError("boom")
if sys.argv[1] == "interrupt":
    raise KeyboardInterrupt
"""
    for how in ("ok", "fail", "interrupt"):
        child = _spawn(code, how)
        child.communicate(timeout=60)
    df = search_runs(experiment="exit").set_index("run_name")
    assert df.loc["ok", "status"] == "FINISHED"
    assert df.loc["fail", "status"] == "FAILED"
    assert df.loc["interrupt", "status"] == "KILLED"
    assert (df["metrics.x"] == 1.0).all()
    for run_id in df["run_id"]:  # buffered points are flushed at exit, whatever the way out
        assert len(metric_history(run_id, "n")) == 300


def test_two_processes_logging_at_once_lose_nothing(temp_store, tmp_path):
    go = tmp_path / "go"
    code = _BARRIER + """
import tracking, tracking.buffer
tracking.buffer.FLUSH_POINTS = 500          # many small transactions, to interleave the writers
with tracking.start_run("concurrent", sys.argv[2]) as run:
    for i in range(20000):
        run.log_metric("x", float(i))
"""
    # the store exists first, so this test is about concurrent writers
    with tracking.start_run("setup"):
        pass
    children = [_spawn(code, go, f"writer-{k}") for k in range(2)]
    for child in children:
        assert child.stdout.readline().strip() == "ready"
    go.touch()
    for child in children:
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
    df = search_runs(experiment="concurrent")
    assert sorted(df["run_name"]) == ["writer-0", "writer-1"]
    assert (df["status"] == "FINISHED").all()
    total = 0
    for run_id in df["run_id"]:
        values = metric_history(run_id, "x")["value"].tolist()
        assert values == [float(i) for i in range(20000)]
        total += len(values)
    assert total == 40000


def test_processes_creating_the_same_new_store_at_once(tmp_path, monkeypatch):
    path = tmp_path / "fresh" / "deeper" / "tracking.db"
    monkeypatch.setenv("OPTSANDBOX_TRACKING_URI", f"sqlite:///{path}")
    go = tmp_path / "go"
    code = _BARRIER + """
import tracking
with tracking.start_run("race", sys.argv[2]) as run:
    run.log_param("who", sys.argv[2])
    run.log_metric("x", 1.0)
"""
    children = [_spawn(code, go, f"p{k}") for k in range(4)]
    for child in children:
        assert child.stdout.readline().strip() == "ready"
    assert not path.exists()
    go.touch()
    for child in children:
        _, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        assert err == ""
    df = search_runs(uri=path)
    assert sorted(df["run_name"]) == ["p0", "p1", "p2", "p3"]
    assert (df["metrics.x"] == 1.0).all() and (df["status"] == "FINISHED").all()
    _store.close_all()


def test_cli_in_a_subprocess(temp_store):
    with tracking.start_run("cli", "one") as run:
        run.log_metric("x", 1.0)

    def cli(*argv):
        return subprocess.run([sys.executable, "-m", "tracking", *argv],
                              capture_output=True, text=True, env=_env(), timeout=60)

    ok = cli("show", run.run_id)
    assert ok.returncode == 0 and run.run_id in ok.stdout
    bad = cli("show", "deadbeef")
    assert bad.returncode == 2
    assert bad.stderr.strip().count("\n") == 0 and "no run with id 'deadbeef'" in bad.stderr


_SIGNAL_STORM = """
import random, signal, sys, threading, time
import tracking, tracking.buffer
tracking.buffer.FLUSH_POINTS = 3          # a transaction every few points: signals land inside them
sig = getattr(signal, sys.argv[1])
expected = KeyboardInterrupt if sig == signal.SIGINT else SystemExit
rng = random.Random(int(sys.argv[3]))
main = threading.main_thread().ident
for trial in range(int(sys.argv[2])):
    delay = rng.uniform(0.0, 0.004)
    timer = threading.Thread(target=lambda: (time.sleep(delay), signal.pthread_kill(main, sig)))
    try:
        with tracking.start_run("storm", f"t{trial}") as run:
            timer.start()
            i = 0
            while True:
                run.log_metric("x", float(i))
                i += 1
    except expected:
        pass
    except BaseException as exc:
        print("unexpected", type(exc).__name__, str(exc).splitlines()[0] if str(exc) else "", flush=True)
        sys.exit(1)
    timer.join()
print("done", flush=True)
"""


@POSIX
@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM"])
def test_signals_landing_inside_a_transaction_lose_nothing(temp_store, signame):
    # Ctrl-C or SIGTERM used to land between BEGIN and COMMIT (connection left inside a
    # transaction: every later write failed) or just after COMMIT (points put back and
    # written twice: IntegrityError); the run then stayed RUNNING. Now they wait for the
    # transaction to end.
    trials = 150
    child = _spawn(_SIGNAL_STORM, signame, trials, 7)
    out, err = child.communicate(timeout=240)
    assert child.returncode == 0 and out.strip().endswith("done"), out + err
    df = search_runs(experiment="storm")
    assert len(df) == trials and (df["status"] == "KILLED").all(), df["status"].value_counts()
    for run_id in df["run_id"]:
        try:
            values = metric_history(run_id, "x")["value"].tolist()
        except ValueError:  # interrupted before its first point
            continue
        assert values == [float(i) for i in range(len(values))]


_VICTIM = """
import time, tracking
run = tracking.start_run("stale", "victim")
run.log_metric("x", 1.0)
run.log_metric("x", 2.0)
run.flush()
print(run.run_id, flush=True)
while True:
    time.sleep(0.05)
"""  # a run left RUNNING by a process that logs no more (then killed)


@POSIX
def test_end_marks_a_sigkilled_run_and_refuses_a_live_one(temp_store, capsys):
    from tracking.__main__ import main as cli

    child = _spawn(_VICTIM)
    try:
        run_id = child.stdout.readline().strip()
        assert len(run_id) == 32, child.stderr.read()
        with pytest.raises(SystemExit) as info:
            cli(["end", run_id])
        assert info.value.code == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f"process {child.pid}" in err and "still" in err
        assert get_run(run_id).status == "RUNNING"
    finally:
        child.kill()
        child.wait(30)
    assert cli(["end", run_id[:8]]) == 0
    assert f"run {run_id} marked KILLED" in capsys.readouterr().out
    rec = get_run(run_id)
    last = int(metric_history(run_id, "x")["timestamp"].max())
    assert rec.status == "KILLED" and round(rec.end_time.timestamp() * 1000) == last
    with pytest.raises(SystemExit) as info:
        cli(["end", run_id])
    assert info.value.code == 2 and "already ended (KILLED)" in capsys.readouterr().err


@POSIX
def test_end_leaves_the_database_file_alone_whole(temp_store, tmp_path):
    """`python -m tracking end` checkpoints: a copy of tracking.db alone shows the run ended,
    though another connection (a reader here) stays open, so closing ours does not checkpoint."""
    import sqlite3

    child = _spawn(_VICTIM)
    try:
        run_id = child.stdout.readline().strip()
        assert len(run_id) == 32, child.stderr.read()
    finally:
        child.kill()
        child.wait(30)
    reader = sqlite3.connect(temp_store)
    assert reader.execute("SELECT status FROM runs").fetchall() == [("RUNNING",)]
    done = subprocess.run([sys.executable, "-m", "tracking", "end", run_id], capture_output=True, text=True,
                          env=_env(), timeout=60)
    assert done.returncode == 0, done.stderr
    copy = tmp_path / "alone" / "tracking.db"
    copy.parent.mkdir()
    copy.write_bytes(temp_store.read_bytes())  # no -wal, no -shm
    reader.close()
    df = search_runs(uri=copy)
    assert df["run_id"].tolist() == [run_id] and df["status"].tolist() == ["KILLED"]


def test_end_knows_a_reused_pid_and_another_host(temp_store, capsys):
    import sqlite3

    from tracking.__main__ import main as cli

    run = tracking.start_run("stale", "mine")  # this very process: alive
    with pytest.raises(SystemExit):
        cli(["end", run.run_id])
    assert f"process {os.getpid()}" in capsys.readouterr().err

    def record(**fields):
        con = sqlite3.connect(temp_store)
        with con:
            for name, value in fields.items():
                con.execute(f"UPDATE run_processes SET {name} = ?", (value,))
        con.close()

    record(host="elsewhere")
    with pytest.raises(SystemExit):
        cli(["end", run.run_id])
    err = capsys.readouterr().err
    assert "on host 'elsewhere'" in err and "--force" in err
    record(host=__import__("socket").gethostname(), started=1)  # same pid, another process's start
    assert cli(["end", run.run_id, "--status", "FAILED"]) == 0
    assert get_run(run.run_id).status == "FAILED"


def test_end_force_and_bad_status(temp_store, capsys):
    from tracking.__main__ import main as cli

    run = tracking.start_run("stale", "forced")
    with pytest.raises(SystemExit) as info:
        cli(["end", run.run_id, "--status", "RUNNING"])
    assert info.value.code == 2
    assert cli(["end", run.run_id, "--force"]) == 0
    assert get_run(run.run_id).status == "KILLED"


@pytest.mark.parametrize("ending", ["left open", "ended just before exit"])
def test_the_database_file_alone_is_whole_after_a_process_exits(temp_store, tmp_path, ending):
    """A run left open is ended at exit, and checkpointed; so is one that ended just before
    (sooner than the background thread's checkpoint): a copy of tracking.db alone shows it."""
    import sqlite3

    _store.get_store()  # the store exists, and this process holds a connection to it, so the
    reader = sqlite3.connect(temp_store)  # child's is not the last one (whose close would checkpoint)
    assert reader.execute("SELECT COUNT(*) FROM runs").fetchone() == (0,)
    child = _spawn("""
import sys
import tracking
run = tracking.start_run("exit", sys.argv[1])
run.log_params({"lr": 0.5})
for i in range(3000):
    run.log_metric("loss", 1.0 / (i + 1))
if sys.argv[1] != "left open":
    run.end()
""", ending)
    child.communicate(timeout=60)
    assert child.returncode == 0
    copy = tmp_path / "alone" / "tracking.db"
    copy.parent.mkdir()
    copy.write_bytes(temp_store.read_bytes())  # no -wal, no -shm
    reader.close()
    df = search_runs(uri=copy)
    assert df["run_name"].tolist() == [ending] and df["status"].tolist() == ["FINISHED"]
    assert len(metric_history(df["run_id"][0], "loss", uri=copy)) == 3000


def test_runs_piped_into_head_ends_quietly(temp_store):
    for i in range(200):
        with tracking.start_run("many", f"r{i}") as run:
            run.log_metric("x", float(i))
    # head reads one line and exits: our later writes meet a closed pipe
    shell = f"set -o pipefail; {sys.executable} -m tracking runs | head -1"
    done = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, env=_env(), timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("run_id") and done.stdout.count("\n") == 1
    assert done.stderr == ""


def test_sys_exit_in_a_process_sets_the_status_and_the_exit_code():
    code = ("import sys, tracking\n"
            "with tracking.start_run(run_name=sys.argv[1]):\n"
            "    sys.exit(int(sys.argv[1]))\n")
    for exit_code, status in ((0, "FINISHED"), (4, "FAILED")):
        done = subprocess.run([sys.executable, "-c", code, str(exit_code)], capture_output=True, text=True,
                              timeout=60, env=_env())
        assert done.returncode == exit_code, done.stderr
        df = search_runs(filter=f"run_name = '{exit_code}'")
        assert df["status"].tolist() == [status]


_READ_ONLY_CLI = """
import os, sys
import pandas  # noqa: F401  (imported before the user changes: root's Python may be in /root)
import tracking.__main__ as cli
if os.geteuid() == 0:  # root writes anywhere: read as nobody, who cannot write the folder
    os.setgid(65534)
    os.setuid(65534)
db = sys.argv[1]
assert not os.access(os.path.dirname(db), os.W_OK)
for argv in (["--uri", db, "runs"], ["--uri", db, "show", sys.argv[2]]):
    assert cli.main(argv) == 0
"""


def test_read_only_commands_read_a_store_in_a_folder_they_cannot_write():
    import tempfile

    with tempfile.TemporaryDirectory(prefix="tracking-ro-") as tmp:  # not under pytest's private tmp
        os.chmod(tmp, 0o755)  # nobody may walk to it (root's test runs the reader as nobody)
        folder = Path(tmp) / "store"
        db = folder / "tracking.db"
        with tracking.start_run("ro", "kept", uri=db) as run:
            run.log_params({"lr": 0.5})
            run.log_metric("loss", 0.25)
        _store.close_all()  # the last connection checkpoints and removes -wal and -shm
        assert sorted(p.name for p in folder.iterdir()) == ["tracking.db"]
        folder.chmod(0o555)
        db.chmod(0o444)
        try:
            done = subprocess.run([sys.executable, "-c", _READ_ONLY_CLI, str(db), run.run_id],
                                  capture_output=True, text=True, env=_env(), timeout=60, cwd="/")
            listed = sorted(p.name for p in folder.iterdir())
        finally:
            folder.chmod(0o755)
            db.chmod(0o644)
    assert done.returncode == 0, done.stderr
    assert "kept" in done.stdout and "FINISHED" in done.stdout and "lr" in done.stdout
    assert listed == ["tracking.db"]  # nothing written beside it
