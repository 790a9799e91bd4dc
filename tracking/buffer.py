"""The metric buffer: points held in memory, written to the store in batches.

``Run.log_metric`` and ``Run.log_metrics`` append to their run's ``MetricBuffer``
(per key: three lists of steps, values and timestamps), which is written in one
transaction, one row per key holding the new points as packed arrays, when it
holds ``FLUSH_POINTS`` points, when ``FLUSH_SECONDS`` have passed (checked on
every append, and by a daemon thread for a process that stops logging), when the
run ends, and at interpreter exit (``tracking.run`` ends the open runs). So a
normal exit, an exception, KeyboardInterrupt or SIGTERM lose nothing, and SIGKILL
loses at most the last ``FLUSH_SECONDS`` of points.

A flush runs with Ctrl-C and SIGTERM held back (``_signals.critical``): a signal
landing between taking the points out of the buffer and the commit would lose
them. A flush that fails (store busy, disk full) puts its points back, ahead of
any logged since, and raises; a later flush writes them.

Readers call ``flush_pending(store)`` first, so what a process logged is what it
reads back.

The same daemon thread checkpoints the stores (``Store.checkpoint``: the WAL copied
into the database file, about one fsync): when the last open run of the process
on a store ends, ``Run.end`` calls ``checkpoint_later(store)``, and the thread
checkpoints it ``FLUSH_SECONDS`` to twice that later, unless a run has been
opened on it since (its end asks again). So a sweep of many short runs never
waits for a checkpoint per run, and ``checkpoint_now`` (the exit hook's) does
the ones still due, so that after the process exits the file alone is whole.
"""

from __future__ import annotations

import os
import threading
import time

from ._signals import critical
from ._validation import INT64_MAX, check_key, check_metric_value, check_step
from .store import Store

__all__ = ["FLUSH_POINTS", "FLUSH_SECONDS", "MetricBuffer", "checkpoint_later", "checkpoint_now",
           "flush_pending", "stop_flusher"]

FLUSH_POINTS = 20_000
FLUSH_SECONDS = 0.5

_time = time.time
_LOWEST_STEP = -INT64_MAX - 1  # below every step check_step lets through


class _Series:
    """One metric key of one run: the points not yet written, and its history so far."""

    __slots__ = ("kid", "count", "steps", "values", "stamps",
                 "last_step", "last_seq", "last_value", "last_ts", "dirty")

    def __init__(self, kid: int):
        self.kid = kid
        self.count = 0                   # points logged so far: the next point's seq
        self.steps: list = []            # the points not yet written, oldest first
        self.values: list = []
        self.stamps: list = []
        self.last_step = _LOWEST_STEP    # the key's last point (largest step; later on a tie)
        self.last_seq = -1
        self.last_value = 0.0
        self.last_ts = 0
        self.dirty = False               # the last point has changed since the last flush

    def add(self, step: int, value: float, ts: int) -> None:
        """Append one checked point (the caller holds the buffer's lock)."""
        seq = self.count
        self.count = seq + 1
        self.steps.append(step)
        self.values.append(value)
        self.stamps.append(ts)
        if step >= self.last_step:
            self.last_step = step
            self.last_seq = seq
            self.last_value = value
            self.last_ts = ts
            self.dirty = True


class MetricBuffer:
    """The metric points of one run not yet in the store.

    Parameters
    ----------
    store : Store
        Where the points go.
    rid : int
        The run's row id in ``store``.
    run_id : str
        The run's id, for messages.
    check_open : callable
        Called before a new key is accepted; raises when the run can take no more
        points. Known keys skip it: ``close`` forgets them all.

    Notes
    -----
    A new buffer counts as open (``flush_pending`` and the background flusher
    see it) until ``close``. One thread appends at a time (the run's owner); the
    background flusher only writes what is already buffered. Appending a point
    costs time O(1); a flush, time O(points + keys) and one transaction.
    """

    def __init__(self, store: Store, rid: int, run_id: str, check_open):
        self.store = store
        self.rid = rid
        self.run_id = run_id
        self._check_open = check_open
        self._lock = threading.Lock()
        self._series: dict[str, _Series] = {}  # metric key -> its series (emptied by close)
        self._n = 0                            # points buffered, all keys together
        self._flush_at = _time() + FLUSH_SECONDS
        with _open_lock:
            _open[self] = None
        _ensure_flusher()

    def _new_series(self, key) -> _Series:
        self._check_open()
        check_key(key, "metric key")
        series = _Series(self.store.metric_key_id(key))
        with self._lock:  # a flush in another thread may be walking the series
            self._series[key] = series
        return series

    def append(self, key: str, value, step: int | None = None) -> None:
        """Buffer one point of ``key`` (checked first; ``step`` defaults to the key's point count).

        The per-point path of ``Run.log_metric``: it builds no container for the
        point, and runs the checks only for a value that is not already a float
        or a step that is not already an int in the int64 range.
        """
        series = self._series.get(key)
        if series is None:
            series = self._new_series(key)
        if type(value) is not float:
            value = check_metric_value(key, value)
        if step is None:
            step = series.count
        elif type(step) is not int or not -INT64_MAX <= step <= INT64_MAX:
            step = check_step(step)
        now = _time()
        with self._lock:
            series.add(step, value, int(now * 1000))
            n = self._n = self._n + 1
        if n >= FLUSH_POINTS or now >= self._flush_at:
            self.flush()

    def append_many(self, metrics: dict, step: int | None = None) -> None:
        """Buffer one point of each key of ``metrics`` at one timestamp; all are checked first.

        Without ``step``, each key gets its own next step, as with ``append``.
        """
        series_of = self._series
        items = []
        for key, value in metrics.items():
            series = series_of.get(key)
            if series is None:
                series = self._new_series(key)
            if type(value) is not float:
                value = check_metric_value(key, value)
            items.append((series, value))
        if step is not None:
            step = check_step(step)
        now = _time()
        ts = int(now * 1000)
        with self._lock:
            for series, value in items:
                series.add(series.count if step is None else step, value, ts)
            n = self._n = self._n + len(items)
        if n >= FLUSH_POINTS or now >= self._flush_at:
            self.flush()

    @property
    def pending(self) -> int:
        """Points buffered and not yet written."""
        return self._n

    def _take(self) -> tuple[list, list, list]:
        """Empty the buffer (lock held): (chunks for the store, latest rows, what was taken).

        A series is dirty only while it holds points (the point that made it so),
        so the series without points are skipped whole.
        """
        chunks, latest, taken = [], [], []
        for series in self._series.values():
            steps = series.steps
            if not steps:
                continue
            chunks.append((series.kid, series.count - len(steps), steps, series.values, series.stamps))
            taken.append((series, steps, series.values, series.stamps, series.dirty))
            if series.dirty:
                latest.append((series.kid, series.last_step, series.last_seq, series.last_value, series.last_ts))
            series.steps, series.values, series.stamps, series.dirty = [], [], [], False
        self._n = 0
        return chunks, latest, taken

    def _put_back(self, taken: list) -> None:
        """Undo ``_take`` after a failed write (lock held): the points go back before any newer ones.

        A series' last point is never older than the one whose write failed, so
        marking it dirty again writes the newest of the two.
        """
        for series, steps, values, stamps, dirty in taken:
            self._n += len(steps)
            series.steps = steps + series.steps
            series.values = values + series.values
            series.stamps = stamps + series.stamps
            series.dirty = series.dirty or dirty

    def flush(self) -> None:
        """Write the buffered points now (normally automatic)."""
        store = self.store
        if store.pid != os.getpid():
            raise RuntimeError(
                f"run {self.run_id} belongs to process {store.pid}, not this forked one; "
                "start a new run here"
            )
        with store.lock, critical:  # a signal here would lose the points taken out
            with self._lock:
                chunks, latest, taken = self._take()
                self._flush_at = _time() + FLUSH_SECONDS
            if not chunks:
                return
            try:
                store.write_metrics(self.rid, chunks, latest)
            except BaseException:
                with self._lock:
                    self._put_back(taken)
                raise

    def close(self) -> None:
        """Forget the keys (a new point then asks ``check_open``) and stop background flushes.

        Flush first: points still buffered are dropped.
        """
        with self._lock:
            self._series = {}
        with _open_lock:
            _open.pop(self, None)


# -- the open buffers and the background flusher --------------------------------

_open: dict[MetricBuffer, None] = {}  # every buffer of this process not yet closed
_open_lock = threading.Lock()
_flusher: threading.Thread | None = None
_flusher_pid = None
_stop = threading.Event()


def flush_pending(store: Store) -> None:
    """Write every point that this process's open runs still buffer for ``store``.

    Readers (``search_runs``, ``get_run``, ``metric_history``) call it before a
    query, so a process reads back all it has logged, without waiting for the
    next automatic flush.
    """
    with _open_lock:
        buffers = [b for b in _open if b.store is store]
    for buf in buffers:
        buf.flush()


_due: dict[Store, list] = {}  # store -> [when to checkpoint it, tries so far]
_CHECKPOINT_ATTEMPTS = 20        # ticks a checkpoint held back by readers is retried


def checkpoint_later(store: Store) -> None:
    """Have the background thread checkpoint ``store`` once ``FLUSH_SECONDS`` have passed
    with no run of this process open on it (``checkpoint_now`` does it at exit)."""
    with _open_lock:
        _due[store] = [_time() + FLUSH_SECONDS, 0]
    _ensure_flusher()


def _busy(store: Store) -> bool:
    """A run of this process is open on ``store`` (its buffer is; lock held)."""
    return any(buf.store is store for buf in _open)


def _tick(now: float | None = None) -> None:
    """One round of the background thread: write the buffers that hold points, and
    checkpoint the stores whose last run ended ``FLUSH_SECONDS`` ago or more."""
    with _open_lock:
        buffers = list(_open)
    for buf in buffers:
        if buf.pending and buf.store.pid == os.getpid():
            try:
                buf.flush()
            except Exception:  # store busy or closed: the owner's next flush retries
                pass
    now = _time() if now is None else now
    with _open_lock:
        due = []
        for store, (when, _) in list(_due.items()):
            if store.pid != os.getpid() or store.closed or _busy(store):
                del _due[store]  # a fork's inheritance, closed; or a run is open again: its end asks anew
            elif when <= now:
                due.append(store)
    for store in due:
        try:
            whole = store.checkpoint(tries=1)  # one try: never hold the store's lock long
        except Exception:  # closed meanwhile (close_all): nothing left to checkpoint here
            whole = True
        with _open_lock:
            entry = _due.get(store)
            if entry is None or entry[0] > now:  # a run ended meanwhile: its own time counts
                continue
            entry[1] += 1  # a reader's snapshot may hold pages back: tried again next round, a while
            if whole or entry[1] >= _CHECKPOINT_ATTEMPTS:
                del _due[store]


def checkpoint_now() -> None:
    """Checkpoint now every store of this process still due (the exit hook's last step)."""
    with _open_lock:
        due = [store for store in _due if store.pid == os.getpid() and not store.closed]
        _due.clear()
    for store in due:
        try:
            store.checkpoint()
        except Exception:  # closed, or the disk said no: the WAL still holds every commit
            pass


def _flush_loop() -> None:
    while not _stop.wait(FLUSH_SECONDS):
        _tick()


def _ensure_flusher() -> None:
    global _flusher, _flusher_pid
    if _flusher is None or _flusher_pid != os.getpid() or not _flusher.is_alive():
        _flusher_pid = os.getpid()
        _flusher = threading.Thread(target=_flush_loop, name="tracking-flusher", daemon=True)
        _flusher.start()


def stop_flusher() -> None:
    """Stop the background flusher for good (at interpreter exit, before the runs end)."""
    _stop.set()
