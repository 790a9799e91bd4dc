"""The SQLite store: location, schema, and short write transactions.

One file holds everything but the artifacts::

    experiments(id, name, created_ms)
    runs(id, run_id, experiment_id, run_name, status, start_ms, end_ms, parent_id)
    params(run, key, value)                 -- text, WITHOUT ROWID
    tags(run, key, value)                   -- text, WITHOUT ROWID
    metric_keys(id, key)                    -- a small integer per metric name
    metrics(run, key, seq, n, steps, vals, ts)  -- WITHOUT ROWID, key (run, key, seq)
    latest_metrics(run, key, step, seq, value, ts)

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
may create or open the same new store at once.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from ._signals import critical
from ._validation import db_path_from_uri

__all__ = ["DEFAULT_URI", "Store", "get_store", "get_tracking_uri", "set_tracking_uri"]

DEFAULT_URI = "sqlite:///runs/tracking.db"
ENV_VAR = "OPTSANDBOX_TRACKING_URI"
SCHEMA_VERSION = 2  # 1: a development layout with one row per point, never released
BUSY_TIMEOUT_S = 60.0

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

_uri: str | None = None
_stores: dict[Path, "Store"] = {}
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


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


class Store:
    """One SQLite tracking database, opened once per process.

    All access goes through one connection guarded by a re-entrant lock, so the
    background flusher thread and the caller's thread can share it.
    """

    def __init__(self, path: Path):
        self.path = Path(path)
        self.artifact_root = self.path.parent / "artifacts"
        self.pid = os.getpid()
        self.lock = threading.RLock()
        self._key_ids: dict[str, int] = {}
        self._exp_ids: dict[str, int] = {}
        if self.path.is_dir():
            raise ValueError(f"tracking store {str(self.path)!r} is a directory, not a database file")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(
                str(self.path), timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
        except (OSError, sqlite3.DatabaseError) as exc:
            raise ValueError(f"tracking store {str(self.path)!r} cannot be opened: {exc}") from None
        try:
            self._init_schema()
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            raise ValueError(f"tracking store {str(self.path)!r} cannot be opened: {exc}") from None

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

    # -- transactions -------------------------------------------------------

    @contextmanager
    def write(self):
        """A ``BEGIN IMMEDIATE`` transaction: committed on success, rolled back on any
        exception, which then propagates. Ctrl-C and SIGTERM (with a run active) are
        held until it has ended, so they never leave it half open or half believed."""
        with self.lock, critical:  # Ctrl-C/SIGTERM wait until the transaction has ended
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
        """A read transaction: every query inside sees the same snapshot."""
        with self.lock:
            conn = self.conn
            try:
                conn.execute("BEGIN")
                yield conn
            finally:
                if conn.in_transaction:
                    conn.execute("COMMIT")

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

    def experiment_id(self, conn, name: str, now_ms: int) -> int:
        """Id of experiment ``name``, created when missing (inside a write transaction).

        The caller remembers it (``remember_experiment``) only once the transaction has
        committed: an id cached from a rolled-back one would point at nothing.
        """
        eid = self._exp_ids.get(name)
        if eid is None:
            conn.execute(
                "INSERT OR IGNORE INTO experiments(name, created_ms) VALUES (?, ?)", (name, now_ms)
            )
            eid = conn.execute("SELECT id FROM experiments WHERE name = ?", (name,)).fetchone()[0]
        return eid

    def remember_experiment(self, name: str, eid: int) -> None:
        self._exp_ids[name] = eid

    def close(self) -> None:
        with self.lock:
            self.conn.close()


def _resolve(uri) -> Path:
    path = db_path_from_uri(get_tracking_uri() if uri is None else uri)
    return Path(os.path.abspath(path))


def get_store(uri=None, create: bool = True) -> Store | None:
    """The process's ``Store`` for ``uri`` (default: ``get_tracking_uri()``).

    With ``create=False`` a missing database file gives ``None`` instead of a new,
    empty store: reading never leaves a ``runs/`` directory behind.
    """
    path = _resolve(uri)
    with _stores_lock:
        store = _stores.get(path)
        if store is not None and store.pid == os.getpid():
            return store
        if not create and not path.exists():
            return None
        # a store inherited through fork() is abandoned, never used or closed
        store = Store(path)
        _stores[path] = store
        return store


def close_all() -> None:
    """Close every store this process opened (tests use it between temporary stores)."""
    with _stores_lock:
        for store in _stores.values():
            if store.pid == os.getpid():
                store.close()
        _stores.clear()
