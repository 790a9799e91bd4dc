"""tracking/__main__.py: ``python -m tracking runs|show|compare|plot`` and its one-line errors.

``export-mlflow`` is tested in test_export.py, the CLI in a real subprocess in
test_processes.py.
"""

import pytest

from tracking.__main__ import main as cli
from tests.tracking.helpers import three_runs


def test_cli_runs_show_compare_plot(capsys, tmp_path):
    ids = three_runs()
    assert cli(["runs"]) == 0
    out = capsys.readouterr().out
    assert "tsp-15" in out and "metrics.best" in out and "3 of 3 runs" in out
    assert cli(["runs", "--filter", "params.n = '15'", "--all"]) == 0
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
