"""Runs: start, log, end — the run lifecycle (status, nesting, params, tags, artifacts).

Metric points go to the run's ``MetricBuffer`` (``tracking.buffer``: when it is
written, and why a clean exit, an exception, KeyboardInterrupt or SIGTERM lose
nothing); the run writes params and tags at once, and ends by flushing its
buffer. When the last open run of the process on a store ends, the store is
checkpointed (``Store.checkpoint``), by the background thread a moment later
(``buffer.checkpoint_later``: a sweep of short runs never waits for one fsync
per run) and at the latest at exit: a copy of the database file alone then
holds every ended run. Runs still open when the interpreter exits are ended
then: FINISHED, FAILED after an uncaught exception, KILLED after Ctrl-C or SIGTERM.

While a run is active in the main thread, SIGTERM goes to the handler installed
before (a program's own is called; SIG_IGN ignores it) and, where that was the
default, is turned into ``Terminated`` (a ``SystemExit`` with code 143): the
run is marked KILLED, its buffer flushed, and the process exits as it would
have. A ``with`` block left by ``sys.exit(0)`` (or ``sys.exit()``) ends its run
FINISHED, by any other code FAILED. The previous handler is put
back when the last such run ends. SIGTERM and Ctrl-C that arrive while the
store is being written wait until the transaction has ended (``_signals``).
"""

from __future__ import annotations

import atexit
import json
import math
import os
import shutil
import sys
import threading
import time
import uuid
from pathlib import Path

from . import _signals
from ._signals import Terminated, critical
from ._validation import (
    RunNotFound,
    check_artifact_name,
    check_key,
    check_mapping,
    check_name,
    check_param_value,
    check_status,
    check_tags,
)
from .buffer import MetricBuffer, checkpoint_later, checkpoint_now, flush_pending, stop_flusher
from .store import Store, get_store

__all__ = ["Run", "Terminated", "active_run", "end_run", "end_stale_run", "start_run"]

_time = time.time
_local = threading.local()          # .stack: this thread's active runs, innermost last
_open_runs: dict["Run", None] = {}  # every RUNNING run of this process, in start order
_open_lock = threading.Lock()


class Run:
    """A run being logged. Get one from ``tracking.start_run``, never directly.

    Attributes
    ----------
    run_id : str
        32 hex digits (uuid4).
    experiment, run_name : str
    status : str
        RUNNING until the run ends, then FINISHED, FAILED or KILLED.
    parent_run_id : str or None
        The run this one is nested in.
    start_ms, end_ms : int
        Unix times in milliseconds (``end_ms`` is None while running).

    Notes
    -----
    A run is meant to be logged from one thread at a time; the background
    flusher only ever writes what is already buffered (``tracking.buffer``).
    """

    def __init__(self, store: Store, rid: int, run_id: str, experiment: str, run_name: str,
                 parent_run_id: str | None, start_ms: int):
        self._store = store
        self._rid = rid
        self.run_id = run_id
        self.experiment = experiment
        self.run_name = run_name
        self.parent_run_id = parent_run_id
        self.start_ms = start_ms
        self.end_ms = None
        self.status = "RUNNING"
        self._metrics = MetricBuffer(store, rid, run_id, self._check_running)
        self._params: dict[str, str] = {}
        self._watch_signal = False

    def __repr__(self) -> str:
        return f"<Run {self.run_id} {self.experiment}/{self.run_name} {self.status}>"

    @property
    def artifact_dir(self) -> Path:
        """Where this run's artifacts go: ``<store dir>/artifacts/<run_id>/``."""
        return self._store.artifact_root / self.run_id

    # -- context manager ----------------------------------------------------

    def __enter__(self) -> "Run":
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if self.status == "RUNNING":
            if exc_type is None:
                status = "FINISHED"
            elif issubclass(exc_type, KeyboardInterrupt) or _signals.from_sigterm(exc):
                status = "KILLED"
            elif issubclass(exc_type, SystemExit) and exc.code in (None, 0):
                status = "FINISHED"
            else:
                status = "FAILED"
            self.end(status)
        return False

    # -- metrics ------------------------------------------------------------

    def log_metric(self, key: str, value, step: int | None = None) -> None:
        """Log one point of metric ``key``.

        Parameters
        ----------
        key : str
            Letters, digits, ``_ - . /`` and spaces.
        value : real number
            Stored as float; NaN and +-inf are kept as they are.
        step : int, optional
            Defaults to the number of points already logged for ``key``.
        """
        self._metrics.append(key, value, step)

    def log_metrics(self, metrics: dict, step: int | None = None) -> None:
        """Log several metrics at one step (all are checked before any is logged).

        Without ``step``, each key gets its own next step, as with ``log_metric``.
        """
        self._check_running()
        self._metrics.append_many(check_mapping(metrics, "metrics"), step)

    def flush(self) -> None:
        """Write the buffered points now (normally automatic)."""
        self._metrics.flush()

    # -- params, tags, artifacts ----------------------------------------------

    def log_param(self, key: str, value) -> None:
        """Log a parameter (stored as ``str(value)``); it cannot change later."""
        self.log_params({key: value})

    def log_params(self, params: dict) -> None:
        """Log several parameters. Logging the same value again is fine; a different
        value for an existing key raises ValueError and logs nothing."""
        self._check_running()
        params = check_mapping(params, "params")
        new = {}
        for key, value in params.items():
            check_key(key, "param key")
            text = check_param_value(key, value)
            old = self._params.get(key)
            if old is not None and old != text:
                raise ValueError(
                    f"param {key!r} is already {old!r} in run {self.run_id}; params cannot change "
                    f"(got {text!r}): log it as a metric or a tag, or start a new run"
                )
            if old is None:
                new[key] = text
        if new:
            with critical:  # the rows and self._params agree even after a Ctrl-C
                self._store.add_params(self._rid, new)
                self._params.update(new)

    def set_tag(self, key: str, value) -> None:
        """Set a tag (stored as ``str(value)``); setting it again replaces the value."""
        self.set_tags({key: value})

    def set_tags(self, tags: dict) -> None:
        """Set several tags at once."""
        self._check_running()
        tags = check_tags(tags)
        if tags:
            self._store.set_tags(self._rid, tags)

    def _artifact_path(self, name: str, default_suffix: str = "", known_suffixes=None) -> Path:
        self._check_running()
        check_artifact_name(name)
        suffix = Path(name).suffix
        if default_suffix and (not suffix or (known_suffixes is not None
                                              and suffix[1:].lower() not in known_suffixes)):
            name += default_suffix
        folder = self.artifact_dir
        if folder.is_symlink():
            raise ValueError(f"the run's artifact folder {str(folder)!r} is a symlink: artifacts "
                             "are written only into a real folder")
        folder.mkdir(parents=True, exist_ok=True)
        return folder / name

    def _refuse_a_folder_holding_the_store(self, src: Path) -> None:
        """Copying a folder that holds the database or this run's artifacts would copy
        the live database, and the copy into itself, again and again."""
        folder = Path(os.path.realpath(src))
        for what, inside in (("the tracking store", self._store.path),
                             ("this run's artifact folder", self.artifact_dir)):
            real = Path(os.path.realpath(inside))
            if real == folder or folder in real.parents:
                raise ValueError(
                    f"cannot log the folder {str(src)!r} as an artifact: it holds {what} "
                    f"({str(inside)!r}), which would be copied into itself; log the files or "
                    "a folder inside it instead"
                )

    def log_artifact(self, path, name: str | None = None) -> Path:
        """Copy the file (or directory) ``path`` into the run's artifact directory.

        An artifact of the same name is replaced whole (a directory's old files do
        not linger). Returns the path of the copy. A folder that holds the tracking
        store or this run's artifacts (``"."`` with the default store) is refused.
        """
        self._check_running()
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"artifact path must be a str or path, got {type(path).__name__} {path!r}")
        src = Path(path)
        if not src.exists():
            raise ValueError(f"artifact path does not exist: {str(src)!r}")
        if src.is_dir():
            self._refuse_a_folder_holding_the_store(src)
        dest = self._artifact_path(Path(os.path.abspath(src)).name if name is None else name)
        if dest.exists() and not dest.is_symlink() and os.path.samefile(src, dest):
            return dest  # already this run's artifact
        if src.is_dir():
            return _put(dest, lambda tmp: shutil.copytree(src, tmp))
        return _put(dest, lambda tmp: shutil.copyfile(src, tmp))

    def log_figure(self, fig, name: str) -> Path:
        """Save a matplotlib Figure as an artifact: PNG unless ``name`` ends in another
        image format matplotlib writes (``curve.svg``); ``loss_lr0.1`` gives ``loss_lr0.1.png``."""
        if not hasattr(fig, "savefig"):
            raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
        formats = fig.canvas.get_supported_filetypes() if hasattr(fig, "canvas") else {"png": ""}
        dest = self._artifact_path(name, ".png", known_suffixes=formats)
        return _put(dest, lambda tmp: fig.savefig(tmp, dpi=110, bbox_inches="tight"))

    def log_dict(self, d: dict, name: str) -> Path:
        """Save a dict as a JSON artifact (``.json`` added when ``name`` has no suffix).

        numpy scalars and arrays are written as numbers and lists. The file is strict
        JSON (RFC 8259), which has no NaN or infinity: NaN and +-inf are written as
        ``null``, as JavaScript's ``JSON.stringify`` does. An artifact of the same
        name is replaced, even a directory.
        """
        d = check_mapping(d, "d")
        dest = self._artifact_path(name, ".json")
        text = json.dumps(_finite_or_null(d), indent=2, default=_json_default, allow_nan=False)
        return _put(dest, lambda tmp: tmp.write_text(text + "\n", encoding="utf-8"))

    # -- ending ---------------------------------------------------------------

    def _check_running(self) -> None:
        if self.status != "RUNNING":
            raise RuntimeError(f"run {self.run_id} has ended ({self.status}); start a new run to log more")

    def end(self, status: str = "FINISHED") -> None:
        """End the run: flush, store ``status`` and the end time. A second call does nothing."""
        check_status(status)
        if self.status != "RUNNING":
            return
        with critical:  # Ctrl-C or SIGTERM now would leave the run RUNNING: raised after
            end_ms = int(_time() * 1000)
            self.flush()
            self._store.end_run(self._rid, status, end_ms)
            self.status = status
            self.end_ms = end_ms
            self._metrics.close()
            _forget(self)
            if not _store_in_use(self._store):  # the process's last run: the file alone will be whole
                checkpoint_later(self._store)


def _put(dest: Path, write) -> Path:
    """Write an artifact under a temporary name beside ``dest`` (``write(tmp)``), then move
    it into place. What stood at ``dest`` is replaced whole — a file, a directory, or a
    symlink itself, never what the link points to. Returns ``dest``."""
    tmp = dest.with_name(f".tmp-{uuid.uuid4().hex[:12]}-{dest.name}")  # same suffix: savefig's format
    try:
        write(tmp)
        if dest.is_dir() and not dest.is_symlink():
            shutil.rmtree(dest)
        elif tmp.is_dir() and os.path.lexists(dest):
            dest.unlink()  # a directory cannot be renamed over a file or a link
        os.replace(tmp, dest)
    except BaseException:
        if tmp.is_dir() and not tmp.is_symlink():
            shutil.rmtree(tmp, ignore_errors=True)
        elif os.path.lexists(tmp):
            tmp.unlink()
        raise
    return dest


def _finite_or_null(obj):
    """``obj`` with every NaN and +-inf replaced by None (numpy values made plain first)."""
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite_or_null(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, set, frozenset)):
        return [_finite_or_null(v) for v in obj]
    if hasattr(obj, "tolist") and hasattr(obj, "dtype"):  # numpy scalars and arrays
        return _finite_or_null(obj.tolist())
    return obj


def _json_default(obj):
    if hasattr(obj, "tolist"):
        return obj.tolist()
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    if isinstance(obj, Path):
        return str(obj)
    raise TypeError(f"log_dict cannot write {type(obj).__name__} {obj!r} as JSON")


# -- the active-run stack, signals, exit -----------------------------------------

def _stack() -> list:
    stack = getattr(_local, "stack", None)
    if stack is None:
        stack = _local.stack = []
    return stack


def _forget(run: Run) -> None:
    with _open_lock:
        _open_runs.pop(run, None)
    stack = _stack()
    if run in stack:
        stack.remove(run)
    if run._watch_signal:
        run._watch_signal = False
        _signals.uninstall()


def _store_in_use(store: Store) -> bool:
    """Whether a run of this process is still open on ``store``."""
    with _open_lock:
        return any(run._store is store for run in _open_runs)


def _at_exit() -> None:
    """End the runs still open when the interpreter exits (flushing them), then checkpoint
    the stores the background thread has not yet: the database file alone is whole."""
    stop_flusher()
    with _open_lock:
        runs = list(_open_runs)
    if runs:
        _end_at_exit(runs)
    checkpoint_now()


def _end_at_exit(runs: list) -> None:
    last = getattr(sys, "last_value", None)
    if _signals.terminated or isinstance(last, KeyboardInterrupt):
        status = "KILLED"
    elif last is not None:
        status = "FAILED"
    else:
        status = "FINISHED"
    for run in reversed(runs):
        if run._store.pid != os.getpid():
            continue
        try:
            run.end(status)
        except Exception:
            pass


atexit.register(_at_exit)


def start_run(experiment: str = "default", run_name: str | None = None, *, tags: dict | None = None,
              nested: bool = True, uri=None) -> Run:
    """Start a run; use it as a context manager, or end it with ``run.end()``.

    Parameters
    ----------
    experiment : str
        Experiment name, created on first use.
    run_name : str, optional
        Defaults to ``run-`` and the first 8 hex digits of the run id.
    tags : dict, optional
        Tags set at the start.
    nested : bool
        When True (default) and this thread already has an active run in the
        same store, the new run records it as its parent.
    uri : str or path, optional
        Store to log to; default ``tracking.get_tracking_uri()``.

    Returns
    -------
    Run
        Status RUNNING. Leaving the ``with`` block sets FINISHED, FAILED when the
        block raises (the exception propagates), KILLED on KeyboardInterrupt or
        SIGTERM. ``sys.exit()`` / ``sys.exit(0)`` inside it is a program's
        success: FINISHED (MLflow's ``ActiveRun.__exit__`` marks any exception
        FAILED, ``sys.exit(0)`` too; we follow the exit status the shell sees, as
        for a run left open at exit); any other exit code FAILED.

    Examples
    --------
    >>> import tracking
    >>> with tracking.start_run(experiment="demo", run_name="first") as run:
    ...     run.log_param("lr", 0.1)
    ...     for step in range(3):
    ...         run.log_metric("loss", 1.0 / (step + 1))
    >>> run.status
    'FINISHED'
    >>> tracking.metric_history(run.run_id, "loss")["value"].round(3).tolist()
    [1.0, 0.5, 0.333]
    """
    experiment = check_name(experiment, "experiment")
    if run_name is not None:
        run_name = check_name(run_name, "run_name")
    tags = check_tags(tags) if tags is not None else {}
    store = get_store(uri)
    stack = _stack()
    parent = None
    if nested and stack and stack[-1]._store is store and stack[-1].status == "RUNNING":
        parent = stack[-1]
    run_id = uuid.uuid4().hex
    if run_name is None:
        run_name = f"run-{run_id[:8]}"
    start_ms = int(_time() * 1000)
    process = _this_process()
    watching = _signals.install()  # before the row exists: a signal then ends the run properly
    run = None
    try:
        with critical:  # the row, the Run and its registration: all or nothing
            rid = store.create_run(run_id, experiment, run_name, start_ms, parent._rid if parent else None,
                                   tags, process)
            run = Run(store, rid, run_id, experiment, run_name, parent.run_id if parent else None, start_ms)
            run._watch_signal = watching
            with _open_lock:
                _open_runs[run] = None
            stack.append(run)
    except BaseException:
        if run is None and watching:
            _signals.uninstall()
        raise
    return run


_process: tuple | None = None


def _this_process() -> tuple:
    """(pid, host, start time or None) of this process, worked out once per process."""
    global _process
    if _process is None or _process[0] != os.getpid():
        import socket  # here, not at import: ``import tracking`` stays light

        stat = _proc_stat(os.getpid())
        _process = (os.getpid(), socket.gethostname(), stat[1] if stat else None)
    return _process


def _proc_stat(pid: int) -> tuple | None:
    """(state letter, start time in clock ticks since boot) of process ``pid`` from
    Linux's /proc, or None where there is no such file."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()  # after the command name: field 3 on
        return fields[0], int(fields[19])
    except (OSError, ValueError, IndexError):
        return None


def _alive(pid: int, started: int | None) -> bool:
    """Is the process ``pid`` of this host that started at ``started`` still running?
    (A zombie is not: it has stopped writing. Another start time: the pid was reused.)"""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        pass
    stat = _proc_stat(pid)
    if stat is None:  # no /proc to tell: the pid exists, so it may be the writer
        return True
    state, now = stat
    return state != b"Z" and (started is None or now == started)


def end_stale_run(run_id: str, status: str = "KILLED", *, force: bool = False, uri=None) -> tuple:
    """End a run left RUNNING by a process that died (SIGKILL, a crash, power loss).

    Parameters
    ----------
    run_id : str
        The run's id (or a unique prefix of at least 6 hex digits).
    status : str
        KILLED (default), FAILED or FINISHED.
    force : bool
        End it even when its process may still be writing it.
    uri : str or path, optional
        Store; default ``tracking.get_tracking_uri()``.

    Returns
    -------
    (str, int)
        The full run id and the end time stored (Unix ms): the run's last
        logged point, or its start when it logged none.

    Raises
    ------
    ValueError
        The run has already ended; or, without ``force``, the process that
        started it is still alive on this host (same pid and start time), or it
        was started on another host, where this cannot be checked.
    """
    import socket

    check_status(status)
    store = get_store(uri, create=False)
    if store is None:
        raise RunNotFound(f"no run with id {run_id!r}: the tracking store does not exist yet")
    flush_pending(store)
    full_id, state, process = store.run_process(run_id)
    if state != "RUNNING":
        raise ValueError(f"run {full_id} has already ended ({state})")
    if process is not None and not force:
        pid, host, started = process
        if host != socket.gethostname():
            raise ValueError(f"run {full_id} was started by process {pid} on host {host!r}: whether it "
                             "still runs cannot be checked from here (--force ends it anyway)")
        if _alive(pid, started):
            raise ValueError(f"run {full_id} is still being written by process {pid}, alive on this "
                             "host: stop that process first (or --force)")
    end_ms = store.end_stale_run(full_id, status)
    if end_ms is None:
        raise ValueError(f"run {full_id} has already ended ({store.run_process(full_id)[1]})")
    if not _store_in_use(store):
        store.checkpoint()  # now (one command, one fsync): the database file alone holds it ended
    return full_id, end_ms


def active_run() -> Run | None:
    """This thread's innermost running run, or None."""
    stack = _stack()
    while stack and stack[-1].status != "RUNNING":  # ended from another thread
        stack.pop()
    return stack[-1] if stack else None


def end_run(status: str = "FINISHED") -> None:
    """End this thread's innermost active run (nothing to do when there is none)."""
    check_status(status)
    run = active_run()
    if run is not None:
        run.end(status)
