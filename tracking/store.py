"""The SQLite store: location, schema, short write transactions, and every SQL statement.

The rest of the package never writes SQL: runs, buffers and searches call the
``Store`` methods below (``create_run``, ``end_run``, ``add_params``, ``set_tags``,
``write_metrics``, ``checkpoint``, ``find_runs``, ``read_run``, ``read_history``, and
for the browser view ``experiments``, ``runs_page``, ``run_links``...), which also own
the packed format of metric chunks, both ways. The filter language is turned
into an SQL condition by ``_filter.to_sql``, which only ``find_runs`` and
``runs_page`` call.

One file holds everything but the artifacts::

    experiments(id, name, created_ms)
    runs(id, run_id, experiment_id, run_name, status, start_ms, end_ms, parent_id)
    params(run, key, value)                 -- text, WITHOUT ROWID
    tags(run, key, value)                   -- text, WITHOUT ROWID
    metric_keys(id, key)                    -- a small integer per metric name
    metrics(run, key, seq, n, steps, vals, ts)  -- WITHOUT ROWID, key (run, key, seq)
    latest_metrics(run, key, step, seq, value, ts)
    run_processes(run, pid, host, started)  -- who writes a run (made on first use)

Metric points are written in chunks: one ``metrics`` row holds the ``n`` points
of one key that one flush wrote, as little-endian arrays (``steps`` and ``ts``
int64, ``vals`` float64), ``seq`` being the number of the chunk's first point in
that key's history. A point then costs 24 bytes plus a little per chunk, a
flush is one short ``executemany`` over keys rather than points, NaN and +-inf
(and -0.0) are stored bit for bit, and a history read is a few ``frombuffer``
calls. Small integer ids stand for the run and the key. ``latest_metrics``
keeps each key's last point (largest step, later on a tie) as plain columns for
``search_runs`` and its filters; SQLite stores NaN as NULL there, so ``value IS
NULL`` means NaN.

The journal is WAL (readers never block the writer, and a commit survives a
killed process), writes are ``BEGIN IMMEDIATE`` transactions with a busy timeout,
and the schema is created under that same lock with ``CREATE ... IF NOT
EXISTS`` and retried while another process holds it, so any number of processes
may create or open the same new store at once. When the last run of a process
ends, ``checkpoint`` copies the WAL into the database file, a moment later in
the background and at the latest at exit (``tracking.buffer``): the file alone
then holds every finished run, and can be copied or mailed as it is.
A ``Store(path, readonly=True)`` (the browser view's, and the readers' of a
process that writes nothing: every read-only command) can never write, and
opens a store in a folder it cannot write.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
import threading
import time
from array import array
from contextlib import contextmanager
from pathlib import Path

from ._filter import to_sql
from ._signals import critical
from ._validation import RunNotFound, db_path_from_uri

__all__ = ["DEFAULT_URI", "Store", "StoreDamaged", "get_store", "get_tracking_uri", "set_tracking_uri"]

DEFAULT_URI = "sqlite:///runs/tracking.db"
ENV_VAR = "OPTSANDBOX_TRACKING_URI"
SCHEMA_VERSION = 2  # 1: a development layout with one row per point, never released
BUSY_TIMEOUT_S = 60.0
MIN_PREFIX = 6  # hex digits of the shortest run id prefix that reads accept

_SCHEMA = """
CREATE TABLE IF NOT EXISTS experiments (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL UNIQUE,
    experiment_id INTEGER NOT NULL REFERENCES experiments(id),
    run_name TEXT NOT NULL,
    status TEXT NOT NULL,
    start_ms INTEGER NOT NULL,
    end_ms INTEGER,
    parent_id INTEGER REFERENCES runs(id)
);
CREATE INDEX IF NOT EXISTS runs_by_experiment ON runs(experiment_id, start_ms);
CREATE TABLE IF NOT EXISTS params (
    run INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (run, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS tags (
    run INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL,
    PRIMARY KEY (run, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS metric_keys (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS metrics (
    run INTEGER NOT NULL, key INTEGER NOT NULL, seq INTEGER NOT NULL, n INTEGER NOT NULL,
    steps BLOB NOT NULL, vals BLOB NOT NULL, ts BLOB NOT NULL,
    PRIMARY KEY (run, key, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS latest_metrics (
    run INTEGER NOT NULL, key INTEGER NOT NULL, step INTEGER NOT NULL,
    seq INTEGER NOT NULL, value REAL, ts INTEGER NOT NULL,
    PRIMARY KEY (run, key)
) WITHOUT ROWID;
"""

_UPSERT_TAG = (
    "INSERT INTO tags(run, key, value) VALUES (?, ?, ?) "
    "ON CONFLICT(run, key) DO UPDATE SET value = excluded.value"
)
_INSERT_CHUNK = "INSERT INTO metrics(run, key, seq, n, steps, vals, ts) VALUES (?, ?, ?, ?, ?, ?, ?)"
_UPSERT_LATEST = """
INSERT INTO latest_metrics(run, key, step, seq, value, ts) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT(run, key) DO UPDATE SET
    step = excluded.step, seq = excluded.seq, value = excluded.value, ts = excluded.ts
WHERE excluded.step > latest_metrics.step
   OR (excluded.step = latest_metrics.step AND excluded.seq >= latest_metrics.seq)
"""
_RUN_PROCESSES = """
CREATE TABLE IF NOT EXISTS run_processes (
    run INTEGER PRIMARY KEY, pid INTEGER NOT NULL, host TEXT NOT NULL, started INTEGER
)"""
_SWAP = sys.byteorder != "little"
# runs_page's sort keys: run columns, and a key's value (params reading as numbers sort as numbers)
_SORT_COLUMNS = {"run_name": "r.run_name", "status": "r.status", "start_time": "r.start_ms",
                 "duration_s": "(r.end_ms - r.start_ms)"}
_SORT_BY_KEY = {
    "params": "(SELECT CASE WHEN json_valid(x.value) THEN CASE WHEN json_type(x.value) IN ('integer', 'real') "
              "THEN CAST(x.value AS REAL) ELSE x.value END ELSE x.value END "
              "FROM params x WHERE x.run = r.id AND x.key = ?)",
    "metrics": "(SELECT l.value FROM latest_metrics l JOIN metric_keys k ON k.id = l.key "
               "WHERE l.run = r.id AND k.key = ?)",
    "tags": "(SELECT x.value FROM tags x WHERE x.run = r.id AND x.key = ?)",
}

_uri: str | None = None
_stores: dict[Path, "Store"] = {}   # the stores this process writes (and reads)
_readers: dict[Path, "Store"] = {}  # read-only stores of the files it only reads
_stores_lock = threading.Lock()


def set_tracking_uri(uri) -> None:
    """Use the store at ``uri`` from now on (``None``: back to the environment/default).

    Parameters
    ----------
    uri : str, os.PathLike or None
        ``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db`` or a plain
        file path. Runs already started keep logging to their own store.
    """
    global _uri
    if uri is not None:
        db_path_from_uri(uri)  # validate now, not at the first run
        uri = os.fspath(uri) if isinstance(uri, os.PathLike) else uri
    _uri = uri


def get_tracking_uri() -> str:
    """The store in use: ``set_tracking_uri``, else ``$OPTSANDBOX_TRACKING_URI``, else
    ``sqlite:///runs/tracking.db`` (relative to the working directory)."""
    return _uri or os.environ.get(ENV_VAR) or DEFAULT_URI


class StoreDamaged(ValueError):
    """The database file is damaged (a corrupt page): nothing can be read or written."""


def _is_damage(exc: sqlite3.DatabaseError) -> bool:
    name = getattr(exc, "sqlite_errorname", "")  # Python 3.11+
    return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in str(exc)


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class Store:
    """One SQLite tracking database, opened once per process.

    All access goes through one connection guarded by a re-entrant lock, so the
    background flusher thread and the caller's thread can share it.
    """

    def __init__(self, path: Path, readonly: bool = False):
        self.path = Path(path)
        self.readonly = readonly
        self.artifact_root = self.path.parent / "artifacts"
        self.pid = os.getpid()
        self.closed = False
        self.lock = threading.RLock()
        self._key_ids: dict[str, int] = {}
        self._exp_ids: dict[str, int] = {}
        if self.path.is_dir():
            raise ValueError(f"tracking store {str(self.path)!r} is a directory, not a database file")
        if readonly and not self.path.is_file():
            raise ValueError(f"tracking store {str(self.path)!r} does not exist")
        try:
            if not readonly:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(
                self.path.absolute().as_uri() + self._read_mode() if readonly else str(self.path),
                uri=readonly, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.DatabaseError) as exc:
            raise ValueError(f"tracking store {str(self.path)!r} cannot be opened: {exc}") from None
        try:
            self._check_schema() if readonly else self._init_schema()
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise ValueError(f"tracking store {str(self.path)!r} cannot be opened: {exc}") from None

    def _read_mode(self) -> str:
        """SQLite URI parameters of a read-only store.

        A reader of a WAL database needs its -shm file, which SQLite creates
        beside it; in a folder we cannot write (a read-only copy, a shared
        folder) it cannot, and ``mode=ro`` alone fails. There, when no -wal file
        is left (every commit is in the file itself), the file is opened
        ``immutable``: read as it is, with no locks and no -shm.
        """
        folder = self.path.parent
        if not os.access(folder, os.W_OK) and not Path(str(self.path) + "-wal").exists():
            return "?mode=ro&immutable=1"
        return "?mode=ro"

    def _init_schema(self) -> None:
        conn = self.conn  # connect(timeout=BUSY_TIMEOUT_S) has set SQLite's busy timeout
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        delay = 0.005
        while True:
            try:
                if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    conn.execute("PRAGMA journal_mode = WAL")
                version = conn.execute("PRAGMA user_version").fetchone()[0]
                if version == 0:
                    conn.execute("BEGIN IMMEDIATE")
                    try:
                        if conn.execute("PRAGMA user_version").fetchone()[0] == 0:
                            for statement in _SCHEMA.split(";"):
                                if statement.strip():
                                    conn.execute(statement)
                            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
                        conn.execute("COMMIT")
                    except BaseException:
                        if conn.in_transaction:
                            conn.execute("ROLLBACK")
                        raise
                    version = SCHEMA_VERSION
                break
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
        if version != SCHEMA_VERSION:
            raise sqlite3.DatabaseError(
                f"schema version {version}, but this tracking package reads version {SCHEMA_VERSION} "
                "(move the old store away and start a new one)"
            )
        conn.execute("PRAGMA synchronous = NORMAL")

    def _check_schema(self) -> None:
        """A read-only store: the layout must be ours (nothing is created or changed)."""
        self.conn.execute("PRAGMA query_only = 1")
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version != SCHEMA_VERSION:
            raise sqlite3.DatabaseError(
                f"schema version {version}, but this tracking package reads version {SCHEMA_VERSION}"
                + (" (is it a tracking store?)" if version == 0 else ""))

    # -- transactions -------------------------------------------------------

    @contextmanager
    def write(self):
        """A ``BEGIN IMMEDIATE`` transaction: committed on success, rolled back on any
        exception, which then propagates. Ctrl-C and SIGTERM (with a run active) are
        held until it has ended, so they never leave it half open or half believed.
        A damaged database file raises ``StoreDamaged``."""
        with self.lock, critical, self._damage_named():  # Ctrl-C/SIGTERM wait for the end
            conn = self.conn
            try:
                conn.execute("BEGIN IMMEDIATE")
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    @contextmanager
    def read(self):
        """A read transaction: every query inside sees the same snapshot. A damaged
        database file raises ``StoreDamaged``."""
        with self.lock, self._damage_named():
            conn = self.conn
            try:
                conn.execute("BEGIN")
                yield conn
            finally:
                if conn.in_transaction:
                    conn.execute("COMMIT")

    @contextmanager
    def _damage_named(self):
        """SQLite's "database disk image is malformed" as ``StoreDamaged`` naming the file."""
        try:
            yield
        except sqlite3.DatabaseError as exc:
            if not _is_damage(exc):
                raise
            raise StoreDamaged(
                f"tracking store {str(self.path)!r} is damaged ({exc}): move it away and start a "
                "new one, or try to rescue its data with the sqlite3 shell's .recover"
            ) from None

    # -- ids ----------------------------------------------------------------

    def metric_key_id(self, key: str) -> int:
        """The small integer standing for metric ``key`` (created on first use)."""
        kid = self._key_ids.get(key)
        if kid is None:
            with self.write() as conn:
                conn.execute("INSERT OR IGNORE INTO metric_keys(key) VALUES (?)", (key,))
                kid = conn.execute("SELECT id FROM metric_keys WHERE key = ?", (key,)).fetchone()[0]
            self._key_ids[key] = kid
        return kid

    def _experiment_id(self, conn, name: str, now_ms: int) -> int:
        """Id of experiment ``name``, created when missing (inside a write transaction)."""
        eid = self._exp_ids.get(name)
        if eid is None:
            conn.execute(
                "INSERT OR IGNORE INTO experiments(name, created_ms) VALUES (?, ?)", (name, now_ms)
            )
            eid = conn.execute("SELECT id FROM experiments WHERE name = ?", (name,)).fetchone()[0]
        return eid

    # -- writing runs -----------------------------------------------------------

    def create_run(self, run_id: str, experiment: str, run_name: str, start_ms: int,
                   parent: int | None, tags: dict, process: tuple | None = None) -> int:
        """Insert a RUNNING run (and its experiment, on first use) with its first tags.

        ``parent`` is the row id of the enclosing run, or None; ``process`` the
        writing process's ``(pid, host, start time or None)``, kept so that a run
        left RUNNING can be told from one still being written. Returns the new
        run's row id, which the other methods take as ``rid``.
        """
        with self.write() as conn:
            eid = self._experiment_id(conn, experiment, start_ms)
            rid = conn.execute(
                "INSERT INTO runs(run_id, experiment_id, run_name, status, start_ms, parent_id) "
                "VALUES (?, ?, ?, 'RUNNING', ?, ?)",
                (run_id, eid, run_name, start_ms, parent),
            ).lastrowid
            if tags:
                conn.executemany(_UPSERT_TAG, [(rid, k, v) for k, v in tags.items()])
            if process is not None:
                conn.execute(_RUN_PROCESSES)
                conn.execute("INSERT INTO run_processes(run, pid, host, started) VALUES (?, ?, ?, ?)",
                             (rid, *process))
        # cached only once committed: an id from a rolled-back transaction would point at nothing
        self._exp_ids[experiment] = eid
        return rid

    def end_run(self, rid: int, status: str, end_ms: int) -> None:
        """Store a run's final status and end time."""
        with self.write() as conn:
            conn.execute("UPDATE runs SET status = ?, end_ms = ? WHERE id = ?", (status, end_ms, rid))

    def run_process(self, run_id: str) -> tuple:
        """``(full run id, status, (pid, host, start time) or None)`` of a run: the process
        that started it, when the store knows it."""
        with self.read() as conn:
            rid, full_id = _find_run(conn, run_id)
            status = conn.execute("SELECT status FROM runs WHERE id = ?", (rid,)).fetchone()[0]
            try:
                process = conn.execute("SELECT pid, host, started FROM run_processes WHERE run = ?",
                                       (rid,)).fetchone()
            except sqlite3.OperationalError:  # a store older than the table, or no run wrote it yet
                process = None
        return full_id, status, process

    def end_stale_run(self, run_id: str, status: str) -> int | None:
        """End a run left RUNNING (its process died): ``status``, and as end time its last
        logged point (its start when it has none). Returns that end time, or None when
        the run was no longer RUNNING."""
        with self.write() as conn:
            rid, _ = _find_run(conn, run_id)
            start_ms = conn.execute("SELECT start_ms FROM runs WHERE id = ?", (rid,)).fetchone()[0]
            end_ms = start_ms
            for (stamps,) in conn.execute(  # each key's newest chunk: its last point is the key's last
                    "SELECT ts FROM metrics m WHERE run = ? AND seq = "
                    "(SELECT max(seq) FROM metrics WHERE run = m.run AND key = m.key)", (rid,)):
                end_ms = max(end_ms, _unpack_last(stamps))
            done = conn.execute("UPDATE runs SET status = ?, end_ms = ? WHERE id = ? AND status = 'RUNNING'",
                                (status, end_ms, rid)).rowcount
        return end_ms if done else None

    def add_params(self, rid: int, params: dict) -> None:
        """Insert params (text); a key the run already has keeps its stored value."""
        with self.write() as conn:
            conn.executemany(
                "INSERT OR IGNORE INTO params(run, key, value) VALUES (?, ?, ?)",
                [(rid, k, v) for k, v in params.items()],
            )

    def set_tags(self, rid: int, tags: dict) -> None:
        """Insert or replace tags (text)."""
        with self.write() as conn:
            conn.executemany(_UPSERT_TAG, [(rid, k, v) for k, v in tags.items()])

    def write_metrics(self, rid: int, chunks: list, latest: list) -> None:
        """Write metric points of run ``rid`` in one transaction.

        ``chunks``: ``(key id, seq of the first point, steps, values, timestamps)``,
        one per key, the three lists of equal length (int, float, int). ``latest``:
        ``(key id, step, seq, value, timestamp)`` of each key's newest last point;
        a stored one stays when its step is larger (or equal with a later seq).
        """
        rows = [(rid, kid, first, len(steps), _pack("q", steps), _pack("d", values), _pack("q", stamps))
                for kid, first, steps, values, stamps in chunks]
        with self.write() as conn:
            conn.executemany(_INSERT_CHUNK, rows)
            conn.executemany(_UPSERT_LATEST, [(rid, *row) for row in latest])

    def checkpoint(self, tries: int = 5) -> bool:
        """Copy the WAL's committed pages into the database file, so the file alone is whole.

        A passive checkpoint: it never waits for other connections, and retries a
        few times (10 ms apart) while a reader's open snapshot holds pages back.
        Returns True when the whole WAL is in the file. Costs about one fsync.
        """
        if self.readonly:
            return False
        with self.lock:
            for attempt in range(tries):
                if attempt:
                    time.sleep(0.01)
                try:
                    busy, log, done = self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                except sqlite3.OperationalError:  # another connection is checkpointing
                    continue
                if not busy and done == log:
                    return True
        return False

    # -- reading ------------------------------------------------------------------

    def read_history(self, run_id: str, key: str):
        """``(full run id, steps, values, timestamps)`` of metric ``key``, in logging order.

        Steps and timestamps are int64 arrays, values float64 (NaN, +-inf and -0.0
        bit for bit). Raises ``RunNotFound`` for an unknown run id, and ValueError,
        naming the metrics the run has, when it has no metric ``key``.
        """
        import numpy as np

        with self.read() as conn:
            rid, full_id = _find_run(conn, run_id)
            row = conn.execute("SELECT id FROM metric_keys WHERE key = ?", (key,)).fetchone()
            rows = []
            if row is not None:
                rows = conn.execute(
                    "SELECT steps, vals, ts FROM metrics WHERE run = ? AND key = ? ORDER BY seq", (rid, row[0])
                ).fetchall()
            if not rows:
                keys = [k for (k,) in conn.execute(
                    "SELECT k.key FROM latest_metrics l JOIN metric_keys k ON k.id = l.key "
                    "WHERE l.run = ? ORDER BY k.key", (rid,))]
                raise ValueError(
                    f"run {full_id} has no metric {key!r}; its metrics: {', '.join(keys) if keys else 'none'}"
                )

        def column(i, dtype):
            return np.concatenate([np.frombuffer(r[i], dtype=dtype) for r in rows]).astype(dtype[1:], copy=False)

        return full_id, column(0, "<i8"), column(1, "<f8"), column(2, "<i8")

    def read_run(self, run_id: str) -> tuple:
        """Everything stored about one run, in one snapshot.

        Returns ``(run_id, experiment, run_name, status, start_ms, end_ms,
        parent run id or None, params, metrics, tags)``: the full run id, then
        dicts sorted by key; ``metrics`` holds each key's last value. Raises
        ``RunNotFound`` for an unknown run id.
        """
        with self.read() as conn:
            rid, full_id = _find_run(conn, run_id)
            fields = conn.execute(
                "SELECT e.name, r.run_name, r.status, r.start_ms, r.end_ms, p.run_id FROM runs r "
                "JOIN experiments e ON e.id = r.experiment_id LEFT JOIN runs p ON p.id = r.parent_id "
                "WHERE r.id = ?", (rid,)).fetchone()
            params = dict(conn.execute("SELECT key, value FROM params WHERE run = ? ORDER BY key", (rid,)))
            tags = dict(conn.execute("SELECT key, value FROM tags WHERE run = ? ORDER BY key", (rid,)))
            metrics = {k: _nan(v) for k, v in conn.execute(
                "SELECT k.key, l.value FROM latest_metrics l JOIN metric_keys k ON k.id = l.key "
                "WHERE l.run = ? ORDER BY k.key", (rid,))}
        return (full_id, *fields, params, metrics, tags)

    def find_runs(self, conditions: list, experiments: list | None) -> tuple[list, list, list, list]:
        """The runs matching parsed filter ``conditions`` (``_filter.parse_filter``), newest first.

        ``experiments``: names to keep (None: all). Returns ``(runs, params,
        metrics, tags)``: ``runs`` rows ``(row id, run_id, experiment, run_name,
        status, start_ms, end_ms)``, the others ``(row id, key, value)`` triples
        of those runs, metric values being each key's last value.
        """
        where, args = to_sql(conditions)
        if experiments is not None:
            where += f" AND e.name IN ({', '.join('?' * len(experiments))})" if experiments else " AND 0"
            args += experiments
        params, metrics, tags = [], [], []
        with self.read() as conn:
            runs = conn.execute(
                "SELECT r.id, r.run_id, e.name, r.run_name, r.status, r.start_ms, r.end_ms "
                f"FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE {where} "
                "ORDER BY r.start_ms DESC, r.id DESC", args).fetchall()
            if runs:
                ids = ("[" + ",".join(str(r[0]) for r in runs) + "]",)
                params = conn.execute(
                    "SELECT run, key, value FROM params WHERE run IN (SELECT value FROM json_each(?))",
                    ids).fetchall()
                tags = conn.execute(
                    "SELECT run, key, value FROM tags WHERE run IN (SELECT value FROM json_each(?))",
                    ids).fetchall()
                metrics = [(run, key, _nan(value)) for run, key, value in conn.execute(
                    "SELECT l.run, k.key, l.value FROM latest_metrics l JOIN metric_keys k ON k.id = l.key "
                    "WHERE l.run IN (SELECT value FROM json_each(?))", ids)]
        return runs, params, metrics, tags

    # -- reading for the browser view (tracking.ui): one query per page, not one per run --------

    def experiments(self) -> list[tuple]:
        """Every experiment: ``(id, name, runs, running, last activity ms)``, latest activity first.

        Last activity is the latest start or end of its runs, or a running run's
        last metric point; an experiment without runs counts from its creation.
        """
        with self.read() as conn:
            rows = conn.execute(
                "SELECT e.id, e.name, COUNT(r.id), COALESCE(SUM(r.status = 'RUNNING'), 0), "
                "MAX(e.created_ms, COALESCE(MAX(MAX(r.start_ms, COALESCE(r.end_ms, 0))), 0)) "
                "FROM experiments e LEFT JOIN runs r ON r.experiment_id = e.id GROUP BY e.id").fetchall()
            live = dict(conn.execute(
                "SELECT r.experiment_id, MAX(l.ts) FROM runs r JOIN latest_metrics l ON l.run = r.id "
                "WHERE r.status = 'RUNNING' GROUP BY r.experiment_id"))
        rows = [(eid, name, n, running, max(last, live.get(eid) or 0)) for eid, name, n, running, last in rows]
        return sorted(rows, key=lambda row: (-row[4], row[1]))

    def experiment_name(self, experiment_id: int) -> str | None:
        """The name of experiment ``experiment_id``, or None when there is none."""
        with self.read() as conn:
            row = conn.execute("SELECT name FROM experiments WHERE id = ?", (experiment_id,)).fetchone()
        return None if row is None else row[0]

    def experiment_keys(self, experiment_id: int) -> tuple[list, list]:
        """The param keys and the metric keys the runs of an experiment have, each sorted."""
        with self.read() as conn:
            params = [k for (k,) in conn.execute(
                "SELECT DISTINCT p.key FROM runs r JOIN params p ON p.run = r.id "
                "WHERE r.experiment_id = ? ORDER BY p.key", (experiment_id,))]
            metrics = [k for (k,) in conn.execute(
                "SELECT k.key FROM metric_keys k WHERE k.id IN (SELECT l.key FROM runs r "
                "JOIN latest_metrics l ON l.run = r.id WHERE r.experiment_id = ?) ORDER BY k.key",
                (experiment_id,))]
        return params, metrics

    def runs_page(self, experiment_id: int, conditions: list, order: tuple, limit: int, offset: int,
                  param_keys: list, metric_keys: list) -> tuple[int, list, list, list]:
        """One page of an experiment's runs, filtered and sorted in SQL.

        ``conditions``: parsed filter (``_filter.parse_filter``). ``order``:
        ``(column, ascending)``, the column one of ``run_name``, ``status``,
        ``start_time``, ``duration_s``, ``params.<key>``, ``metrics.<key>`` or
        ``tags.<key>``; missing values go last, params that read as numbers sort
        as numbers (before text), and ties go newest first. Returns ``(total,
        runs, params, metrics)``: the number of matching runs; the page's rows
        ``(row id, run_id, run_name, status, start_ms, end_ms, parent run_id,
        parent run_name)``; and ``(row id, key, value)`` triples of the page's
        runs for ``param_keys`` and ``metric_keys`` (a metric's last value).
        """
        where, args = to_sql(conditions)
        where, args = f"r.experiment_id = ? AND ({where})", [experiment_id, *args]
        column, ascending = order
        sort_args: list = []
        if column in _SORT_COLUMNS:
            sort = _SORT_COLUMNS[column]
        else:
            group, _, key = column.partition(".")
            if group not in ("params", "metrics", "tags") or not key:
                raise ValueError(f"cannot sort by {column!r}: not a column of the runs table")
            sort_args = [key]
            sort = _SORT_BY_KEY[group]
        direction = "ASC" if ascending else "DESC"
        params, metrics = [], []
        with self.read() as conn:
            source = "FROM runs r JOIN experiments e ON e.id = r.experiment_id"
            total = conn.execute(f"SELECT COUNT(*) {source} WHERE {where}", args).fetchone()[0]
            runs = conn.execute(
                f"SELECT r.id, r.run_id, r.run_name, r.status, r.start_ms, r.end_ms, p.run_id, p.run_name, "
                f"{sort} AS sort_key {source} LEFT JOIN runs p ON p.id = r.parent_id WHERE {where} "
                f"ORDER BY sort_key IS NULL, sort_key {direction}, r.start_ms DESC, r.id DESC LIMIT ? OFFSET ?",
                [*sort_args, *args, limit, offset]).fetchall()
            runs = [row[:-1] for row in runs]
            if runs and (param_keys or metric_keys):
                ids = "[" + ",".join(str(row[0]) for row in runs) + "]"
                if param_keys:
                    params = conn.execute(
                        "SELECT run, key, value FROM params WHERE run IN (SELECT value FROM json_each(?)) "
                        "AND key IN (SELECT value FROM json_each(?))", (ids, json.dumps(param_keys))).fetchall()
                if metric_keys:
                    metrics = [(run, key, _nan(value)) for run, key, value in conn.execute(
                        "SELECT l.run, k.key, l.value FROM latest_metrics l JOIN metric_keys k ON k.id = l.key "
                        "WHERE l.run IN (SELECT value FROM json_each(?)) AND k.key IN (SELECT value FROM json_each(?))",
                        (ids, json.dumps(metric_keys)))]
        return total, runs, params, metrics

    def run_links(self, run_id: str) -> tuple:
        """What a run page links to: ``(experiment id, parent, children, point counts)``.

        ``parent`` is ``(run_id, run_name)`` or None; ``children`` rows ``(run_id,
        run_name, status)`` in start order; ``point counts`` maps each metric key
        to its number of points. Raises ``RunNotFound`` for an unknown run id.
        """
        with self.read() as conn:
            rid, _ = _find_run(conn, run_id)
            experiment_id, parent_id, parent_name = conn.execute(
                "SELECT r.experiment_id, p.run_id, p.run_name FROM runs r "
                "LEFT JOIN runs p ON p.id = r.parent_id WHERE r.id = ?", (rid,)).fetchone()
            children = conn.execute(
                "SELECT run_id, run_name, status FROM runs WHERE parent_id = ? ORDER BY start_ms, id",
                (rid,)).fetchall()
            counts = dict(conn.execute(
                "SELECT k.key, SUM(m.n) FROM metrics m JOIN metric_keys k ON k.id = m.key "
                "WHERE m.run = ? GROUP BY k.key ORDER BY k.key", (rid,)))
        return experiment_id, None if parent_id is None else (parent_id, parent_name), children, counts

    def close(self) -> None:
        with self.lock:
            self.closed = True
            self.conn.close()


def _pack(code: str, values: list) -> bytes:
    """A list of int64 (``q``) or float64 (``d``) as little-endian bytes; NaN bits kept."""
    arr = array(code, values)
    if _SWAP:
        arr.byteswap()
    return arr.tobytes()


def _unpack_last(stamps: bytes) -> int:
    """The last int64 of a packed little-endian array."""
    return int.from_bytes(stamps[-8:], "little", signed=True)


def _nan(value):
    """A ``latest_metrics`` value: SQLite stores NaN as NULL."""
    return float("nan") if value is None else value


def _find_run(conn, run_id) -> tuple[int, str]:
    """(row id, full run id) for a run id or a unique prefix of at least 6 hex digits."""
    if not isinstance(run_id, str):
        raise TypeError(f"run_id must be a str, got {type(run_id).__name__} {run_id!r}")
    row = conn.execute("SELECT id, run_id FROM runs WHERE run_id = ?", (run_id,)).fetchone()
    if row is not None:
        return row
    text = run_id.lower()
    if len(text) >= MIN_PREFIX and all(c in "0123456789abcdef" for c in text):
        rows = conn.execute(
            "SELECT id, run_id FROM runs WHERE run_id GLOB ? LIMIT 2", (text + "*",)
        ).fetchall()
        if len(rows) == 1:
            return rows[0]
        if len(rows) > 1:
            raise RunNotFound(f"run id prefix {run_id!r} is ambiguous: {rows[0][1]}, {rows[1][1]}, ...")
    raise RunNotFound(f"no run with id {run_id!r} in the tracking store")


def _resolve(uri) -> Path:
    path = db_path_from_uri(get_tracking_uri() if uri is None else uri)
    return Path(os.path.abspath(path))


def get_store(uri=None, create: bool = True, readonly: bool = False) -> Store | None:
    """The process's ``Store`` for ``uri`` (default: ``get_tracking_uri()``).

    With ``create=False`` a missing database file gives ``None`` instead of a new,
    empty store: reading never leaves a ``runs/`` directory behind. With
    ``readonly=True`` (the readers: ``search_runs``, ``get_run``, ``metric_history``,
    so every read-only command of ``python -m tracking``) the store this process
    writes is used when there is one (its buffered points are flushed and read
    back), else a read-only one (SQLite ``mode=ro``) that never writes, not even
    the schema into a database file that is not a tracking store.
    """
    path = _resolve(uri)
    with _stores_lock:
        store = _stores.get(path)
        if store is not None and store.pid == os.getpid():
            return store
        if not create and not path.exists():
            return None
        if readonly:
            reader = _readers.get(path)
            if reader is None or reader.pid != os.getpid():
                reader = _readers[path] = Store(path, readonly=True)
            return reader
        # a store inherited through fork() is abandoned, never used or closed
        store = Store(path)
        _stores[path] = store
        return store


def close_all() -> None:
    """Close every store this process opened (tests use it between temporary stores)."""
    with _stores_lock:
        for store in [*_stores.values(), *_readers.values()]:
            if store.pid == os.getpid():
                store.close()
        _stores.clear()
        _readers.clear()
