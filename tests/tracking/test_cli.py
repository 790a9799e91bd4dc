"""tracking/__main__.py: ``python -m tracking runs|show|compare|plot`` and its one-line errors.

``export-mlflow`` is tested in test_export.py, the CLI in a real subprocess in
test_processes.py.
"""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

import tracking.__main__ as cli_module
from tests.tracking.helpers import three_runs
from tracking import search_runs, start_run
from tracking.__main__ import main as cli

REPO = Path(__file__).resolve().parents[2]


def _env() -> dict:
    return dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def test_cli_runs_show_compare_plot(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")  # a terminal with room for the metric
    ids = three_runs()
    assert cli(["runs"]) == 0
    out = capsys.readouterr().out
    assert "tsp-15" in out and "metrics.best" in out and "3 of 3 runs" in out
    assert cli(["runs", "--filter", "params.n = '15'", "--wide"]) == 0
    out = capsys.readouterr().out
    assert "tsp-15" in out and "tsp-10" not in out and "params.n" in out
    assert cli(["show", ids[15][:8]]) == 0
    out = capsys.readouterr().out
    assert ids[15] in out and "best" in out and "125.0" in out and "kind" in out
    assert cli(["compare", ids[10], ids[15]]) == 0
    out = capsys.readouterr().out
    assert "* metrics.best" in out and "  params.seed" in out
    png = tmp_path / "best.png"
    assert cli(["plot", ids[10], "best", "-o", str(png)]) == 0
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_cli_plot_output_problems(tmp_path, capsys):
    ids = three_runs()
    with pytest.raises(SystemExit) as info:
        cli(["plot", ids[10], "best", "-o", str(tmp_path / "no" / "such" / "dir.png")])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "dir.png" in err
    assert cli(["plot", ids[10], "best", "-o", str(tmp_path / "noext")]) == 0
    out = capsys.readouterr().out
    assert f"saved {tmp_path / 'noext.png'} " in out and (tmp_path / "noext.png").exists()


def test_cli_plot_into_a_directory_writes_a_file_inside_it(tmp_path, capsys):
    ids = three_runs()
    folder = tmp_path / "plots"
    folder.mkdir()
    for out in (str(folder), str(folder) + "/"):
        assert cli(["plot", ids[10], "best", "-o", out]) == 0
        inside = folder / f"{ids[10][:8]}_best.png"
        assert f"saved {inside} " in capsys.readouterr().out
        assert inside.read_bytes()[:4] == b"\x89PNG"
    assert not (tmp_path / "plots.png").exists()


@pytest.mark.parametrize("argv, message", [
    (["show", "f" * 32], "no run with id"),
    (["compare", "0123456789"], "no run with id"),
    (["plot", "EXISTING", "nope"], "has no metric 'nope'"),
    (["runs", "--filter", "metrics.best <"], "bad filter at position 14"),
    (["runs", "--order-by", "nonsense"], "order_by item"),
])
def test_cli_errors_are_one_line_exit_2(argv, message, capsys):
    ids = three_runs()
    argv = [ids[10] if a == "EXISTING" else a for a in argv]
    with pytest.raises(SystemExit) as info:
        cli(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err and "Traceback" not in err


@pytest.mark.parametrize("argv, where", [(["bogus"], "python -m tracking"),
                                         (["runs", "--limit", "0"], "python -m tracking runs"),
                                         (["plot", "abc"], "python -m tracking plot"),
                                         ([], "python -m tracking"),
                                         (["--uri", "mysql://x", "runs"], "python -m tracking"),
                                         (["end"], "python -m tracking end")])
def test_cli_bad_arguments_are_one_line_with_a_help_hint(argv, where, capsys):
    with pytest.raises(SystemExit) as info:
        cli(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"{where}: error: ") and "usage:" not in err
    assert err.rstrip().endswith(f"(`{where} --help` for usage)")


def test_cli_help_still_prints_usage(capsys):
    with pytest.raises(SystemExit) as info:
        cli(["runs", "--help"])
    assert info.value.code == 0 and "usage: python -m tracking runs" in capsys.readouterr().out


def test_cli_uri_that_is_a_directory(tmp_path, capsys):
    with pytest.raises(SystemExit) as info:
        cli(["--uri", str(tmp_path), "runs"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is a directory" in err


def test_cli_empty_store(capsys):
    assert cli(["runs"]) == 0
    assert "no runs" in capsys.readouterr().out


def _lines(capsys) -> list:
    return capsys.readouterr().out.rstrip("\n").split("\n")


def test_runs_fits_the_terminal_and_says_what_it_left_out(capsys, monkeypatch):
    for i in range(3):
        with start_run(experiment="wide", run_name=f"r{i}") as run:
            run.log_params({f"param_{k}": "v" * 30 for k in range(8)})
            run.log_metrics({f"metric_{k}": 1.0 / (k + 1) for k in range(8)})
    for columns in (80, 120):
        monkeypatch.setenv("COLUMNS", str(columns))
        assert cli(["runs"]) == 0
        lines = _lines(capsys)
        assert max(len(line) for line in lines[:-1]) <= columns
        assert lines[0].split()[:5] == ["run_id", "run_name", "status", "start_time", "duration_s"]
        assert "metrics.metric_0" in lines[0]  # metrics first, as many as fit
        assert re.fullmatch(r"3 of 3 runs; times in UTC; \d+ more columns: --wide shows all, --columns picks",
                            lines[-1])
    monkeypatch.setenv("COLUMNS", "80")
    assert cli(["runs", "--wide"]) == 0
    header = _lines(capsys)[0]
    assert "params.param_7" in header and "end_time" in header and "experiment" in header
    assert cli(["runs", "--columns", "run_name,metrics.metric_3,params.param_0"]) == 0
    lines = _lines(capsys)
    assert lines[0].split() == ["run_name", "metrics.metric_3", "params.param_0"]
    assert lines[1].split() == ["r2", "0.25", "v" * 30] and lines[-1] == "3 of 3 runs"


def test_runs_columns_that_do_not_exist_are_one_line_errors(capsys):
    three_runs()
    with pytest.raises(SystemExit) as info:
        cli(["runs", "--columns", "run_name,metrics.nope"])
    err = capsys.readouterr().err
    assert info.value.code == 2 and err.count("\n") == 1 and "no column 'metrics.nope'" in err
    with pytest.raises(SystemExit):
        cli(["runs", "--columns", ","])


def test_show_prints_both_times_with_their_zone(capsys):
    ids = three_runs()
    running = start_run(experiment="live", run_name="going")
    assert cli(["show", ids[10]]) == 0
    out = capsys.readouterr().out
    assert re.search(r"^start +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$", out, re.M)
    assert re.search(r"^end +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$", out, re.M)
    assert cli(["show", running.run_id]) == 0
    assert re.search(r"^end +- \(running\)$", capsys.readouterr().out, re.M)
    running.end()


def test_help_carries_the_docstring(capsys):
    with pytest.raises(SystemExit):
        cli(["--help"])
    out = capsys.readouterr().out
    assert "prefix of at least 6 hex digits" in out and "sqlite:///runs/tracking.db" in out
    assert "OPTSANDBOX_TRACKING_URI" in out and "python -m tracking ui" in out
    with pytest.raises(SystemExit):
        cli(["runs", "--help"])
    out = capsys.readouterr().out
    assert "--columns" in out and "--wide" in out and "metrics.gap > 0" in out


def test_help_filter_examples_use_keys_our_commands_log(capsys, temp_store):
    """Each example runs, and each key it names is one that `python -m tsp --track` logs."""
    for instance in ("seed", "tsplib:berlin52"):
        done = subprocess.run([sys.executable, "-m", "tsp", "20", "--instance", instance, "--seed", "1", "--track"],
                              capture_output=True, text=True, timeout=300, env=_env())
        assert done.returncode == 0, done.stderr
    logged = search_runs(experiment="tsp").dropna(axis="columns", how="all").columns
    examples = re.findall(r"^ +python -m tracking (runs .*)$", cli_module._FILTER_HELP, re.M)
    assert len(examples) >= 3
    for example in examples:
        argv = shlex.split(example)
        for key in re.findall(r"(?:params|metrics)\.\w+", example):
            if "--experiment benchmarks" not in example:
                assert key in logged, (key, example)
        assert cli(argv) == 0
        capsys.readouterr()
    assert "berlin52-20" in str(search_runs(filter="run_name LIKE 'berlin52-%' and metrics.best_length < 9000")
                                ["run_name"].tolist())


def test_the_ui_command_checks_its_port(capsys):
    with pytest.raises(SystemExit) as info:
        cli(["ui", "--port", "70000"])
    assert info.value.code == 2 and "port number from 0 to 65535" in capsys.readouterr().err


def test_runs_shows_a_dash_for_a_missing_param_or_tag(capsys, monkeypatch):
    # pandas 3 stores a text column's missing values as NaN, not None: they used to print as "nan"
    monkeypatch.setenv("COLUMNS", "200")
    with start_run(experiment="gaps", run_name="has") as run:
        run.log_param("lr", 0.1)
        run.set_tag("kind", "k")
    with start_run(experiment="gaps", run_name="lacks"):
        pass
    assert cli(["runs", "--columns", "run_name,params.lr,tags.kind"]) == 0
    lines = _lines(capsys)
    assert lines[1].split() == ["lacks", "-", "-"] and lines[2].split() == ["has", "0.1", "k"]
    assert cli(["runs", "--wide"]) == 0
    assert "nan" not in capsys.readouterr().out


def test_end_says_where_the_end_time_came_from(capsys):
    from tracking import get_run

    silent = start_run(experiment="stale", run_name="no points")
    assert cli(["end", silent.run_id, "--force"]) == 0
    out = capsys.readouterr().out
    assert "(its start time: it logged no metric points)" in out and "last logged point" not in out
    assert get_run(silent.run_id).end_time == get_run(silent.run_id).start_time
    talker = start_run(experiment="stale", run_name="points")
    talker.log_metric("x", 1.0)
    talker.flush()
    assert cli(["end", talker.run_id, "--force"]) == 0
    assert "(its last logged point)" in capsys.readouterr().out


def test_ui_on_a_busy_port_or_an_unknown_host_is_one_line_exit_2(capsys):
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(SystemExit) as info:
            cli(["ui", "--port", str(port)])
        assert info.value.code == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f"127.0.0.1:{port}" in err and "in use" in err, err
    with pytest.raises(SystemExit) as info:
        cli(["ui", "--host", "no-such-host.invalid", "--port", "0"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no-such-host.invalid" in err, err


def test_read_only_commands_open_the_store_read_only(capsys, tmp_path, monkeypatch):
    """runs, show, compare and plot (a fresh process's store, as from a shell) write nothing."""
    from tracking import store as _store

    ids = three_runs()
    _store.close_all()  # as in a new process: no store of ours is open
    opened = []
    real = _store.Store.__init__

    def spy(self, path, readonly=False):
        opened.append(readonly)
        real(self, path, readonly)

    monkeypatch.setattr(_store.Store, "__init__", spy)
    for argv in (["runs"], ["show", ids[10]], ["compare", ids[10], ids[15]],
                 ["plot", ids[10], "best", "-o", str(tmp_path / "best.png")]):
        assert cli(argv) == 0, argv
    assert opened == [True] and not _store._stores  # one read-only store, opened once
    capsys.readouterr()


def test_a_database_that_is_not_a_tracking_store_is_read_not_changed(tmp_path, capsys):
    import sqlite3

    other = tmp_path / "notes.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE notes(text)")
    con.execute("INSERT INTO notes VALUES ('mine')")
    con.commit()
    con.close()
    before = other.read_bytes()
    for argv in (["--uri", str(other), "runs"], ["--uri", str(other), "show", "abcdef12"]):
        with pytest.raises(SystemExit) as info:
            cli(argv)
        assert info.value.code == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "notes.db" in err and "is it a tracking store?" in err, err
    assert other.read_bytes() == before  # no tables of ours written into someone else's database
    con = sqlite3.connect(other)
    assert con.execute("SELECT name FROM sqlite_master").fetchall() == [("notes",)]
    con.close()
