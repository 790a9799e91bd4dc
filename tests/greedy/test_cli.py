"""greedy/__main__.py: ``python -m greedy AMOUNT [--coins ...]``.

One test runs the real ``python -m greedy`` in a subprocess; the others call
``main`` in this process through ``run_cli``, which gives what a subprocess would
(exit code, stdout, stderr with the traceback of an uncaught exception) without
paying an interpreter start and a Numba cache load per case.
"""

import contextlib
import io
import subprocess
import sys
import traceback

import pytest

from greedy.__main__ import main


def run_cli(*args):
    """``python -m greedy ARGS`` in this process, as a ``subprocess.CompletedProcess``."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's errors: exit 2 and a message on stderr
            code = exc.code
        except Exception:  # what the interpreter does with an uncaught exception
            traceback.print_exc()
            code = 1
    return subprocess.CompletedProcess(["python", "-m", "greedy", *args], code, out.getvalue(), err.getvalue())


def test_python_m_greedy_prints_both_and_verdict():
    out = subprocess.run([sys.executable, "-m", "greedy", "120", "--coins", "10,60,100"],
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "greedy:  120 = 1x100 + 2x10 (3 coins)" in out.stdout
    assert "optimal: 120 = 2x60 (2 coins)" in out.stdout
    assert "smallest counterexample 120" in out.stdout


def test_cli_default_coins_canonical():
    out = run_cli("4290")
    assert out.returncode == 0
    assert "(15 coins)" in out.stdout and "canonical" in out.stdout


@pytest.mark.parametrize("args", [["-5"], ["abc"], ["10", "--coins", "0,5"], ["10", "--coins", "a,b"]])
def test_cli_bad_input_is_one_line_exit_2(args):
    out = run_cli(*args)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines()[-1].startswith("python -m greedy: error:")


def test_cli_amount_beyond_the_table_prints_greedy_and_says_why():
    # Was: a traceback from the DP table check.
    out = run_cli("1000000000", "--coins", "1,5")
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    assert "greedy:  1000000000 = 200000000x5 (200000000 coins)" in out.stdout
    assert "optimal: not computed: amount 1000000000 is too large for the exact table" in out.stdout


def test_cli_counterexample_beyond_the_table_does_not_crash():
    big = 2**61 - 2
    out = run_cli("10", "--coins", f"1,{big},{big + 1}")
    assert out.returncode == 0, out.stderr
    assert f"smallest counterexample {2 * big}" in out.stdout
    assert "Traceback" not in out.stderr


@pytest.mark.parametrize("coins", ["1,,2", "1,2,", ",1", " , "])
def test_cli_refuses_empty_coin_items(coins):
    # Was: "1,,2" silently read as 1,2.
    out = run_cli("10", "--coins", coins)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    last = out.stderr.strip().splitlines()[-1]
    assert last.startswith("python -m greedy: error:") and "empty" in last


@pytest.mark.parametrize("coins", ["4000000000,4000000001", f"1,{2**70}"])
def test_cli_coins_too_large_for_the_canonical_test_still_give_change(coins):
    # Was: exit 2, as if the coins were bad input, and no change printed.
    out = run_cli("8000000001" if coins.startswith("4") else "12", "--coins", coins)
    assert out.returncode == 0, out.stderr
    assert "greedy:" in out.stdout and "optimal:" in out.stdout
    assert "not known whether the system is canonical" in out.stdout


def test_cli_help_is_plain_text_with_examples_that_run():
    out = run_cli("--help")
    assert out.returncode == 0
    assert "``" not in out.stdout and ":func:" not in out.stdout  # no reST markup
    examples = out.stdout.split("examples:\n", 1)[1].splitlines()
    assert len(examples) == 3
    for line in examples:  # each example runs
        args = line.split("python -m greedy ", 1)[1].split("  ", 1)[0].split()
        assert run_cli(*args).returncode == 0, line
    # ... and does what its comment says
    assert "greedy:  120 = 1x100 + 2x10 (3 coins)" in run_cli("120", "--coins", "10,60,100").stdout
    assert "smallest counterexample 6" in run_cli("6", "--coins", "1,3,4").stdout


@pytest.mark.parametrize("amount, unpayable", [("7", True), ("8", False)])
def test_cli_canonical_without_a_one_coin_says_every_payable_amount(amount, unpayable):
    # {2, 4}: greedy is optimal on every amount it can pay, but 7 cannot be paid at all.
    out = run_cli(amount, "--coins", "2,4")
    assert out.returncode == 0
    assert "greedy is optimal for every amount the coins can pay" in out.stdout
    assert ("7 cannot be paid at all" in out.stdout) == unpayable


@pytest.mark.parametrize("terminal", [True, False])
def test_cli_shows_a_tqdm_bar_for_a_long_table_only_on_a_terminal(monkeypatch, capsys, terminal):
    from greedy import __main__ as cli

    class Stderr(io.StringIO):
        def isatty(self):
            return terminal

    err = Stderr()
    monkeypatch.setattr(sys, "stderr", err)
    monkeypatch.setattr(cli, "_PROGRESS_SECONDS", 0.0)  # as if every table took a second
    assert cli.main(["4000", "--coins", "1,3,4"]) == 0
    assert ("tabulating amount 4000" in err.getvalue()) == terminal
    assert "tabulating" not in capsys.readouterr().out  # the bar never goes to stdout


def test_cli_defines_canonical_by_what_the_coins_can_pay_not_what_greedy_can():
    # Was: "greedy is optimal for every amount it can pay", read naturally as the amounts
    # greedy can pay, which would make {3, 5} canonical (greedy gets stuck on 6 = 3 + 3).
    import greedy

    wording = "every amount the coins can pay"
    assert wording in greedy.is_canonical.__doc__  # the library's definition
    help_text = " ".join(run_cli("--help").stdout.split())
    assert f"greedy is optimal for {wording}" in help_text and "it can pay" not in help_text
    for coins, canonical in (("2,4", True), ("3,5", False)):
        out = run_cli("8", "--coins", coins).stdout
        assert "it can pay" not in out
        assert (f"the system is canonical: greedy is optimal for {wording}" in out) == canonical
    assert "smallest counterexample 6 (greedy gets stuck, optimal 2 coins)" in run_cli("8", "--coins", "3,5").stdout


def test_cli_refusal_says_which_flag_allows_the_test_and_the_flag_works():
    # Was: "pass max_coins=1001 to wait for it", a keyword the command line cannot take.
    out = run_cli("10", "--coins", ",".join(map(str, range(1, 1002))))
    assert out.returncode == 0, out.stderr
    assert "not known whether the system is canonical: the canonical test of 1001 coins" in out.stdout
    assert "pass --max-coins 1001 to wait for it (Ctrl-C stops it)" in out.stdout
    assert "max_coins=" not in out.stdout
    # the flags, on small systems with their limits lowered (Pearson's test; the exact table)
    for flag, coins, enough, verdict in (("--max-coins", "1,2,3,4", 4, "the system is canonical: greedy"),
                                         ("--max-steps", "3,5", 16, "smallest counterexample 6")):
        low = run_cli("8", "--coins", coins, flag, str(enough - 1)).stdout
        assert f"pass {flag} {enough} to wait for it" in low and verdict not in low
        assert verdict in run_cli("8", "--coins", coins, flag, str(enough)).stdout


@pytest.mark.parametrize("flag", ["--max-coins", "--max-steps"])
@pytest.mark.parametrize("value", ["0", "-3", "2.5", "x"])
def test_cli_refuses_a_bad_limit_in_one_line(flag, value):
    out = run_cli("8", "--coins", "3,5", flag, value)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines()[-1] == (
        f"python -m greedy: error: argument {flag}: must be a positive integer, got {value!r}")


def test_cli_ctrl_c_is_one_line_and_exit_130(monkeypatch, capsys):
    from greedy import __main__ as cli

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "smallest_counterexample", interrupted)
    assert cli._run(["8", "--coins", "3,5"]) == 130
    assert capsys.readouterr().err == "interrupted\n"


def test_cli_draws_a_bar_for_about_a_second_of_work_not_a_tenth(monkeypatch):
    # Was: a bar from 10**8 amount-coin steps, "about a second", measured 0.03-0.13 s.
    from greedy import __main__ as cli
    from greedy.canonical import expected_seconds
    from greedy.dynamic import table_seconds

    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert not cli._bar(table_seconds(10**8, 1))
    assert cli._bar(table_seconds(10**8, 20))  # 2 * 10**9 steps: about 1.2 s
    assert not cli._bar(expected_seconds(range(1, 501))) and cli._bar(expected_seconds(range(1, 1001)))
