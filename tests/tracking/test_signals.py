"""tracking/_signals.py: the SIGTERM/Ctrl-C handlers while a run is active, and ``critical``.

Signals landing inside real transactions, in a child process, are tested in
test_processes.py.
"""

import os
import signal
import time

import pytest

from tracking import get_run, start_run


def test_sigterm_handler_only_while_a_run_is_active():
    before = signal.getsignal(signal.SIGTERM)
    before_int = signal.getsignal(signal.SIGINT)
    assert before_int is signal.default_int_handler
    with start_run():
        inside = signal.getsignal(signal.SIGTERM)
        assert signal.getsignal(signal.SIGINT) is not before_int  # Ctrl-C held during writes
        with start_run():
            pass
        assert signal.getsignal(signal.SIGTERM) is inside
    assert inside is not before
    assert signal.getsignal(signal.SIGTERM) is before
    assert signal.getsignal(signal.SIGINT) is before_int


def test_a_programs_own_sigint_handler_is_left_alone():
    def mine(signum, frame):
        pass

    before = signal.signal(signal.SIGINT, mine)
    try:
        with start_run():
            assert signal.getsignal(signal.SIGINT) is mine
        assert signal.getsignal(signal.SIGINT) is mine
    finally:
        signal.signal(signal.SIGINT, before)


def test_keyboard_interrupt_inside_a_write_waits_for_the_commit():
    import os

    with pytest.raises(KeyboardInterrupt):
        with start_run() as run:
            run.log_metric("x", 1.0)
            with run._store.write() as conn:  # Ctrl-C in the middle of a transaction
                os.kill(os.getpid(), signal.SIGINT)
                time.sleep(0.05)  # the handler has run by now: it only took note
                conn.execute("UPDATE runs SET run_name = 'renamed' WHERE id = ?", (run._rid,))
            pytest.fail("the interrupt must be raised when the transaction ends")
    rec = get_run(run.run_id)
    assert (rec.run_name, rec.status, rec.metrics) == ("renamed", "KILLED", {"x": 1.0})


@pytest.fixture(autouse=True)
def _terminated_flag_put_back(monkeypatch):
    from tracking import _signals

    monkeypatch.setattr(_signals, "terminated", False)  # a SIGTERM here says nothing of pytest's exit


def _sigterm_with(handler):
    """Install ``handler`` for SIGTERM; returns the one to put back."""
    return signal.signal(signal.SIGTERM, handler)


def _deliver_sigterm():
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(0.05)  # the handler runs between two bytecodes of the main thread


def test_sigterm_goes_on_to_a_programs_own_handler_and_the_run_goes_on():
    calls = []
    before = _sigterm_with(lambda signum, frame: calls.append(signum))
    try:
        with start_run() as run:
            _deliver_sigterm()
            assert calls == [signal.SIGTERM]
            run.log_metric("x", 1.0)  # the program decided to carry on
            with run._store.write():  # held during a transaction, then handed on
                _deliver_sigterm()
                assert calls == [signal.SIGTERM]
            assert calls == [signal.SIGTERM, signal.SIGTERM]
        assert get_run(run.run_id).status == "FINISHED"
    finally:
        signal.signal(signal.SIGTERM, before)


def test_a_programs_sigterm_handler_that_exits_ends_the_run_killed():
    import sys

    def graceful(signum, frame):
        sys.exit(0)

    before = _sigterm_with(graceful)
    try:
        with pytest.raises(SystemExit) as info:
            with start_run() as run:
                _deliver_sigterm()
                pytest.fail("the program's handler exits")
        assert info.value.code == 0  # its exception, as it raised it
        assert get_run(run.run_id).status == "KILLED"  # stopped by SIGTERM, not finished
    finally:
        signal.signal(signal.SIGTERM, before)


def test_an_ignored_sigterm_stays_ignored():
    before = _sigterm_with(signal.SIG_IGN)
    try:
        with start_run() as run:
            _deliver_sigterm()
            run.log_metric("x", 1.0)
        assert get_run(run.run_id).status == "FINISHED"
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGTERM, before)


def test_the_default_sigterm_ends_the_run_killed_with_exit_code_143():
    from tracking.run import Terminated

    before = _sigterm_with(signal.SIG_DFL)
    try:
        with pytest.raises(Terminated) as info:
            with start_run() as run:
                _deliver_sigterm()
                pytest.fail("SIGTERM must stop the block")
        assert info.value.code == 143 and get_run(run.run_id).status == "KILLED"
        assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL
    finally:
        signal.signal(signal.SIGTERM, before)
