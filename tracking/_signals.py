"""Ctrl-C and SIGTERM held back while the store is being written.

Python runs a signal handler in the main thread between two bytecodes, so
KeyboardInterrupt (or ``Terminated`` for SIGTERM) can be raised anywhere: after
``BEGIN`` but before ``COMMIT`` (the connection stays inside a transaction and
every later write fails), or just after ``COMMIT`` (a flush believes it failed,
puts its points back and writes them twice). While a run is active in the main
thread, ``tracking.run`` installs the handlers below; inside ``critical`` they
only note the signal, which is raised when the outermost critical section ends,
with the store consistent. Other threads never receive Python signals, so
sections entered there need nothing.

SIGTERM goes on to the handler installed before ours: a program's own Python
handler is called (and whatever it raises propagates, the runs it leaves
marked KILLED); SIG_IGN keeps it ignored; the default (SIG_DFL, or a handler
not installed from Python) becomes ``Terminated``, so the runs end KILLED and
the process exits with code 143, as the shell reports a process SIGTERM killed.
"""

from __future__ import annotations

import signal
import threading

__all__ = ["Terminated", "critical", "from_sigterm", "install", "uninstall"]


class Terminated(SystemExit):
    """Raised in the main thread by SIGTERM while a run is active (exit code 143)."""


_depth = 0            # critical sections the main thread is inside
_pending: list = []   # signals that arrived inside one, in order
_installed = 0        # active runs that asked for the handlers
_previous: dict = {}  # signal number -> the handler to put back
terminated = False    # a SIGTERM was turned into Terminated


def _raise_for(signum, frame, previous):
    """What a signal does once it may: ``previous`` is the handler before ours when it came."""
    global terminated
    if signum == signal.SIGTERM:
        if previous is signal.SIG_IGN:
            return
        if callable(previous):  # the program's own handler
            try:
                previous(signum, frame)
            except BaseException as exc:
                terminated = True
                exc._tracking_sigterm = True  # the runs it unwinds through end KILLED
                raise
            return
        terminated = True
        raise Terminated(128 + signum)
    raise KeyboardInterrupt


def from_sigterm(exc) -> bool:
    """Whether ``exc`` was raised for SIGTERM: ``Terminated``, or raised by the program's
    own SIGTERM handler, which ours called."""
    return isinstance(exc, Terminated) or getattr(exc, "_tracking_sigterm", False)


def _handler(signum, frame):
    if _depth > 0:
        _pending.append((signum, frame, _previous.get(signum)))  # put back maybe before it is raised
        return
    _raise_for(signum, frame, _previous.get(signum))


class _Critical:
    """``with critical:`` holds back Ctrl-C and SIGTERM (main thread; re-entrant)."""

    __slots__ = ()

    def __enter__(self):
        global _depth
        if threading.current_thread() is threading.main_thread():
            _depth += 1

    def __exit__(self, exc_type, exc, tb):
        global _depth
        if threading.current_thread() is threading.main_thread():
            _depth -= 1
            if _depth == 0 and _pending:
                held = list(_pending)
                _pending.clear()
                # SIGTERM first; every held one goes on (a program's handler may return)
                for signum, frame, previous in sorted(held, key=lambda sig: sig[0] != signal.SIGTERM):
                    _raise_for(signum, frame, previous)
        return False


critical = _Critical()


def install() -> bool:
    """Install the handlers (main thread only); True when this call counted."""
    global _installed
    if threading.current_thread() is not threading.main_thread():
        return False
    if _installed == 0:
        try:
            previous = signal.signal(signal.SIGTERM, _handler)
        except (ValueError, OSError):  # not the main interpreter: leave signals alone
            return False
        if previous is not _handler:  # else left in place by a run ended in another thread
            _previous[signal.SIGTERM] = previous
        # Ctrl-C only when Python's own handler is in place: a program's handler stays
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            _previous[signal.SIGINT] = signal.signal(signal.SIGINT, _handler)
    _installed += 1
    return True


def uninstall() -> None:
    """Undo one ``install``; the last one puts the previous handlers back."""
    global _installed
    _installed -= 1
    if _installed > 0:
        return
    for signum, previous in list(_previous.items()):
        if signal.getsignal(signum) is _handler:
            try:
                signal.signal(signum, previous if previous is not None else signal.SIG_DFL)
            except ValueError:  # ended from another thread: left in place, still raises
                continue
        del _previous[signum]
