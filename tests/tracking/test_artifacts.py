"""tracking/_artifacts.py: which files of a run's artifact folder are its artifacts.

One rule for listing (``get_run``, the run page), serving (the UI's artifact route) and
exporting (``export_mlflow``): a regular file whose real path is inside the run's folder.
"""

import os

import pytest

from tests.tracking.helpers import evil_folder
from tracking import _artifacts, start_run


def test_only_regular_files_inside_the_run_folder_are_artifacts(tmp_path):
    with start_run(run_name="evil") as run:
        pass
    evil_folder(run, tmp_path)
    root = _artifacts.run_folder(run._store.artifact_root, run.run_id)
    assert root == os.path.realpath(run.artifact_dir)
    found = _artifacts.artifact_files(root)
    assert [name for name, _ in found] == ["in_link.txt", "sub/ok.txt", "top.txt"]
    assert dict(found)["in_link.txt"] == os.path.join(root, "sub", "ok.txt")  # the real path
    for name in ("out_file", "out_dir/secret.txt", "dangling", "fifo", "sub"):
        assert _artifacts.artifact_file(root, name) is None, name
    assert _artifacts.artifact_file(root, "sub/ok.txt") == os.path.join(root, "sub", "ok.txt")


def test_a_run_folder_leading_out_of_the_store_has_no_artifacts(tmp_path):
    with start_run(run_name="moved") as run:
        pass
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "x.txt").write_text("x")
    run.artifact_dir.parent.mkdir(parents=True, exist_ok=True)
    run.artifact_dir.symlink_to(elsewhere)
    assert _artifacts.run_folder(run._store.artifact_root, run.run_id) is None
    assert _artifacts.artifact_files(None) == []
    assert _artifacts.run_folder(run._store.artifact_root, "f" * 32) is None  # no folder at all


@pytest.mark.parametrize("name", ["/etc/passwd", "a/../../x", "..", "", "a\\b", "a\x00b", "a//b", "./a"])
def test_artifact_names_refused_before_any_lookup(tmp_path, name):
    (tmp_path / "a").write_text("x")
    assert _artifacts.artifact_file(str(tmp_path), name) is None
    assert _artifacts.artifact_file(str(tmp_path), "a") == str(tmp_path / "a")
