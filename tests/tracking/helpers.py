"""Runs (and artifact folders) that several tracking test files search, list, filter and serve."""

import os
import time

from tracking import start_run


def three_runs() -> dict:
    """Runs tsp-10, tsp-15 (experiment tsp, FINISHED) and tsp-20 (other, FAILED), started
    in that order: params n and seed, metric best (logged twice; the last is 100, 125,
    150), tag kind (small for n < 15, else big). Returns n -> run id."""
    ids = {}
    for n, best, status in ((10, 100.0, "FINISHED"), (15, 125.0, "FINISHED"), (20, 150.0, "FAILED")):
        run = start_run(experiment="tsp" if n != 20 else "other", run_name=f"tsp-{n}")
        run.log_params({"n": n, "seed": 1})
        run.log_metric("best", best + 10)
        run.log_metric("best", best)
        run.set_tag("kind", "small" if n < 15 else "big")
        run.end(status)
        ids[n] = run.run_id
        time.sleep(0.002)  # distinct start times
    return ids


def evil_folder(run, tmp_path):
    """``run``'s artifact folder with a nested file, symlinks leading out and one leading in;
    returns the secret file the links leading out point at."""
    adir = run.artifact_dir
    (adir / "sub").mkdir(parents=True)
    (adir / "sub" / "ok.txt").write_text("inside")
    (adir / "top.txt").write_text("top")
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("SECRET")
    (adir / "out_file").symlink_to(secret)
    (adir / "out_dir").symlink_to(secret.parent)
    (adir / "in_link.txt").symlink_to(adir / "sub" / "ok.txt")
    (adir / "dangling").symlink_to(tmp_path / "nothing here")
    os.mkfifo(adir / "fifo")
    return secret
