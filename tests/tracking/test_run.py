"""tracking/run.py: start_run, Run (status, nesting, params, artifacts), active_run, end_run.

Metric buffering is tested in test_buffer.py, input checks in test_validation.py,
Ctrl-C and SIGTERM handling in test_signals.py.
"""

import json
import signal
import time

import numpy as np
import pytest

import tracking
from tracking import get_run, metric_history, start_run


# -- lifecycle and status ------------------------------------------------------------------


def test_run_lifecycle_and_record(temp_store):
    with start_run(experiment="tsp", run_name="tsp-15", tags={"who": "test"}) as run:
        assert run.status == "RUNNING"
        assert len(run.run_id) == 32 and int(run.run_id, 16) >= 0
        assert tracking.active_run() is run
        run.log_params({"n": 15, "closed": False})
        run.log_param("n", 15)  # the same value again is fine
        run.log_metric("best", 140.0)
        run.log_metric("best", 130.5)
        run.set_tags({"stage": "a"})
        run.set_tag("stage", "b")  # tags may change
    assert run.status == "FINISHED"
    assert tracking.active_run() is None
    rec = get_run(run.run_id)
    assert (rec.experiment, rec.run_name, rec.status) == ("tsp", "tsp-15", "FINISHED")
    assert rec.params == {"closed": "False", "n": "15"}
    assert rec.metrics == {"best": 130.5}
    assert rec.tags == {"stage": "b", "who": "test"}
    assert rec.end_time >= rec.start_time and rec.duration_s >= 0
    assert rec.parent_run_id is None
    assert temp_store.exists()


def test_failed_on_exception_and_points_kept():
    with pytest.raises(ZeroDivisionError):
        with start_run(experiment="e") as run:
            for i in range(10):
                run.log_metric("x", float(i))
            1 / 0
    assert get_run(run.run_id).status == "FAILED"
    assert metric_history(run.run_id, "x")["value"].tolist() == [float(i) for i in range(10)]


def test_killed_on_keyboard_interrupt():
    with pytest.raises(KeyboardInterrupt):
        with start_run(experiment="e") as run:
            run.log_metric("x", 1.0)
            raise KeyboardInterrupt
    assert get_run(run.run_id).status == "KILLED"
    assert len(metric_history(run.run_id, "x")) == 1


@pytest.mark.parametrize("code, status", [(None, "FINISHED"), (0, "FINISHED"), (False, "FINISHED"),
                                          (3, "FAILED"), (True, "FAILED"), ("bad input", "FAILED")])
def test_sys_exit_ends_the_run_as_the_exit_status_says(code, status):
    """sys.exit() and sys.exit(0) are a program's success: FINISHED (MLflow's ActiveRun.__exit__
    marks any exception FAILED, sys.exit(0) too; we follow the exit status instead). Any
    other code (a message string exits 1) is FAILED."""
    import sys

    with pytest.raises(SystemExit):
        with start_run() as run:
            sys.exit(code)
    assert get_run(run.run_id).status == status


def test_without_with_and_end_run():
    run = start_run(experiment="e", run_name="manual")
    run.log_metric("x", 2.0)
    tracking.end_run("KILLED")
    assert run.status == "KILLED" and get_run(run.run_id).status == "KILLED"
    run.end()  # a second end does nothing
    assert get_run(run.run_id).status == "KILLED"
    tracking.end_run()  # no active run: nothing to do


def test_default_run_name_and_experiment():
    with start_run() as run:
        pass
    rec = get_run(run.run_id)
    assert rec.experiment == "default" and rec.run_name == f"run-{run.run_id[:8]}"


def test_logging_to_an_ended_run_is_an_error():
    with start_run() as run:
        run.log_metric("x", 1.0)
    for call in (lambda: run.log_metric("x", 2.0), lambda: run.log_param("a", 1),
                 lambda: run.set_tag("a", 1), lambda: run.log_metrics({"y": 1.0})):
        with pytest.raises(RuntimeError, match="has ended"):
            call()


# -- nesting and threads -------------------------------------------------------------------


def test_nested_runs_record_their_parent():
    with start_run(run_name="outer") as outer:
        with start_run(run_name="inner") as inner:
            assert tracking.active_run() is inner
        with start_run(run_name="apart", nested=False) as apart:
            pass
        assert tracking.active_run() is outer
    assert get_run(inner.run_id).parent_run_id == outer.run_id
    assert get_run(apart.run_id).parent_run_id is None
    assert inner.parent_run_id == outer.run_id


def test_runs_in_threads_and_a_run_ended_from_another_thread():
    import threading

    before = signal.getsignal(signal.SIGTERM)
    run = start_run(run_name="main")
    worker = threading.Thread(target=run.end)
    worker.start()
    worker.join()
    assert run.status == "FINISHED" and tracking.active_run() is None
    with start_run(run_name="next"):  # the main thread's next run puts the old handler back
        pass
    assert signal.getsignal(signal.SIGTERM) is before
    ids = []

    def log_in_thread(k):
        with start_run(run_name=f"t{k}") as r:  # each thread has its own active-run stack
            for i in range(2000):
                r.log_metric("x", float(i))
            ids.append(r.run_id)

    threads = [threading.Thread(target=log_in_thread, args=(k,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(ids) == 3
    for run_id in ids:
        assert get_run(run_id).parent_run_id is None
        assert metric_history(run_id, "x")["value"].tolist() == [float(i) for i in range(2000)]


# -- params --------------------------------------------------------------------------------


def test_changed_param_value_is_an_error():
    with start_run() as run:
        run.log_param("lr", 0.1)
        with pytest.raises(ValueError, match=r"param 'lr' is already '0.1'.*got '0.2'"):
            run.log_param("lr", 0.2)
        with pytest.raises(ValueError, match="params cannot change"):
            run.log_params({"new": 1, "lr": 0.3})
    assert get_run(run.run_id).params == {"lr": "0.1"}  # the bad batch logged nothing


def test_params_stay_checked_after_a_ctrl_c_during_log_params():
    import os

    from contextlib import contextmanager

    with start_run() as run:
        real_write = run._store.write

        @contextmanager
        def write_then_ctrl_c():  # Ctrl-C arrives just before the commit
            with real_write() as conn:
                yield conn
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.05)

        run._store.write = write_then_ctrl_c
        try:
            with pytest.raises(KeyboardInterrupt):
                run.log_params({"lr": 0.1})
        finally:
            del run._store.write
        # the row was written, so the run knows the value: a change is still refused
        with pytest.raises(ValueError, match="params cannot change"):
            run.log_param("lr", 0.2)
    assert get_run(run.run_id).params == {"lr": "0.1"}


# -- artifacts -----------------------------------------------------------------------------


def test_artifacts(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    src = tmp_path / "table.csv"
    src.write_text("a,b\n1,2\n")
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    with start_run() as run:
        copied = run.log_artifact(src)
        png = run.log_figure(fig, "curve")
        js = run.log_dict({"x": np.float64(0.5), "v": np.arange(3), "nan": float("nan")}, "d.json")
        with pytest.raises(ValueError, match="plain file name"):
            run.log_dict({}, "../escape")
        with pytest.raises(ValueError, match="does not exist"):
            run.log_artifact(tmp_path / "missing.txt")
        with pytest.raises(TypeError, match="matplotlib Figure"):
            run.log_figure("not a figure", "x")
    plt.close(fig)
    assert copied.read_text() == "a,b\n1,2\n"
    assert png.name == "curve.png" and png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    data = json.loads(js.read_text())
    assert data["x"] == 0.5 and data["v"] == [0, 1, 2] and data["nan"] is None  # strict JSON
    rec = get_run(run.run_id)
    assert rec.artifacts == ("curve.png", "d.json", "table.csv")
    assert rec.artifact_dir == copied.parent


def test_log_figure_adds_png_unless_the_suffix_is_an_image_format(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([0, 1])
    with start_run() as run:
        assert run.log_figure(fig, "loss_lr0.1").name == "loss_lr0.1.png"
        assert run.log_figure(fig, "notes.txt").name == "notes.txt.png"
        assert run.log_figure(fig, "curve.svg").name == "curve.svg"
        assert run.log_figure(fig, "x.PNG").name == "x.PNG"
    plt.close(fig)
    assert (run.artifact_dir / "loss_lr0.1.png").read_bytes()[:4] == b"\x89PNG"


def test_log_artifact_bad_paths(tmp_path):
    (tmp_path / "here").mkdir()
    (tmp_path / "here" / "f.txt").write_text("x")
    with start_run() as run:
        with pytest.raises(TypeError, match="artifact path must be a str or path, got int 3"):
            run.log_artifact(3)
        with pytest.raises(TypeError, match="artifact path"):
            run.log_artifact(None)
        import os

        os.chdir(tmp_path / "here")
        dest = run.log_artifact(".")  # the working directory: copied under its own name
    assert dest.name == "here" and (dest / "f.txt").read_text() == "x"
    with pytest.raises(RuntimeError, match="has ended"):
        run.log_artifact(tmp_path / "missing")  # an ended run says so first


def test_an_artifact_logged_twice_is_replaced_whole(tmp_path):
    src = tmp_path / "out"
    src.mkdir()
    (src / "a.txt").write_text("1")
    (src / "b.txt").write_text("1")
    with start_run() as run:
        run.log_artifact(src)
        (src / "b.txt").unlink()  # the second version has no b.txt: it must not linger
        (src / "a.txt").write_text("2")
        run.log_artifact(src)
        assert get_run(run.run_id).artifacts == ("out/a.txt",)
        assert (run.artifact_dir / "out" / "a.txt").read_text() == "2"
        flat = tmp_path / "flat"
        flat.write_text("file")
        run.log_artifact(flat, name="out")  # a file replacing a directory of the same name
        assert get_run(run.run_id).artifacts == ("out",)
        run.log_artifact(src)  # and a directory replacing a file
        assert run.log_artifact(run.artifact_dir / "out") == run.artifact_dir / "out"  # itself: kept
    assert get_run(run.run_id).artifacts == ("out/a.txt",)


def test_a_folder_holding_the_store_is_refused(temp_store, tmp_path):
    import os

    os.chdir(tmp_path)  # the store is tmp_path/store/tracking.db: under the working directory
    with start_run() as run:
        for folder in (".", tmp_path, tmp_path / "store"):
            with pytest.raises(ValueError, match="holds the tracking store") as info:
                run.log_artifact(folder)
            assert repr(str(folder)) in str(info.value)
        run.log_dict({}, "made")  # the artifact folder now exists
        with pytest.raises(ValueError, match="holds this run's artifact folder"):
            run.log_artifact(run.artifact_dir.parent)
        assert [p.name for p in run.artifact_dir.iterdir()] == ["made.json"]  # nothing copied


@pytest.mark.parametrize("writer", ["log_dict", "log_artifact", "log_figure", "log_artifact_dir"])
@pytest.mark.parametrize("dangling", [False, True])
def test_artifact_writes_never_follow_a_planted_symlink(writer, dangling, tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    outside = tmp_path / "outside" / "victim.txt"
    outside.parent.mkdir()
    if not dangling:
        outside.write_text("precious")
    src = tmp_path / "src"
    src.mkdir()
    (src / "f.txt").write_text("artifact")
    fig, ax = plt.subplots()
    with start_run() as run:
        run.log_dict({}, "warm")  # makes the artifact folder
        names = {"log_dict": "a.json", "log_artifact": "f.txt", "log_figure": "a.png", "log_artifact_dir": "src"}
        planted = run.artifact_dir / names[writer]
        planted.symlink_to(outside)
        {"log_dict": lambda: run.log_dict({"a": 1}, "a.json"),
         "log_artifact": lambda: run.log_artifact(src / "f.txt"),
         "log_figure": lambda: run.log_figure(fig, "a.png"),
         "log_artifact_dir": lambda: run.log_artifact(src)}[writer]()
    plt.close(fig)
    assert not planted.is_symlink() and planted.exists()
    if dangling:
        assert not outside.exists()
    else:
        assert outside.read_text() == "precious"


def test_a_run_folder_that_is_a_symlink_is_refused(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with start_run() as run:
        run.artifact_dir.parent.mkdir(parents=True, exist_ok=True)
        run.artifact_dir.symlink_to(elsewhere)
        with pytest.raises(ValueError, match="is a symlink"):
            run.log_dict({"a": 1}, "a")
    assert not any(elsewhere.iterdir())


def test_log_dict_replaces_a_directory_artifact(tmp_path):
    folder = tmp_path / "cfg.json"
    folder.mkdir()
    (folder / "inner.txt").write_text("x")
    with start_run() as run:
        run.log_artifact(folder)
        path = run.log_dict({"a": 1}, "cfg")
    assert path.is_file() and json.loads(path.read_text()) == {"a": 1}
    assert get_run(run.run_id).artifacts == ("cfg.json",)


def test_log_dict_writes_strict_json_with_null_for_nan_and_inf():
    def refuse(token):
        raise AssertionError(f"not strict JSON: {token}")

    with start_run() as run:
        path = run.log_dict({"nan": float("nan"), "inf": [float("inf"), -np.inf, 1.5],
                             "deep": {"x": (np.float32("nan"),)}, "arr": np.array([1.0, np.nan])}, "d")
    data = json.loads(path.read_text(), parse_constant=refuse)
    assert data == {"nan": None, "inf": [None, None, 1.5], "deep": {"x": [None]}, "arr": [1.0, None]}
