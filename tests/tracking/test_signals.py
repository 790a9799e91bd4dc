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
