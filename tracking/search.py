"""Reading the store: ``search_runs``, ``metric_history``, ``get_run``.

pandas is imported inside the functions that return DataFrames, so
``import tracking`` stays light. The queries are the store's (``Store.find_runs``,
``read_run``, ``read_history``); this module shapes their answers into
DataFrames and records. Every query first writes the points that runs of this
process still buffer (``buffer.flush_pending``), so what a process logged is
what it reads back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ._artifacts import artifact_files, run_folder
from ._filter import parse_filter
from ._validation import RunNotFound
from .buffer import flush_pending
from .store import get_store

__all__ = ["RunRecord", "get_run", "metric_history", "search_runs"]

BASE_COLUMNS = ["run_id", "experiment", "run_name", "status", "start_time", "end_time", "duration_s"]


@dataclass(frozen=True)
class RunRecord:
    """One stored run, as ``get_run`` returns it.

    Attributes
    ----------
    run_id, experiment, run_name, status : str
    start_time, end_time : datetime (UTC); ``end_time`` is None while running
    parent_run_id : str or None
    params, tags : dict of str to str
    metrics : dict of str to float
        The last value of each metric (largest step; the later point on a tie).
    artifact_dir : pathlib.Path
    artifacts : tuple of str
        Artifact files, relative to ``artifact_dir`` (``/``-separated, sorted): its
        regular files whose real path is inside it (a symlink leading out is not one).
    """

    run_id: str
    experiment: str
    run_name: str
    status: str
    start_time: datetime
    end_time: datetime | None
    parent_run_id: str | None
    params: dict
    metrics: dict
    tags: dict
    artifact_dir: Path
    artifacts: tuple

    @property
    def duration_s(self) -> float | None:
        """Seconds from start to end (None while running)."""
        if self.end_time is None:
            return None
        return (self.end_time - self.start_time).total_seconds()


def _utc(ms):
    return None if ms is None else datetime.fromtimestamp(ms / 1000.0, tz=timezone.utc)


def _open_for_read(uri, run_id):
    store = get_store(uri, create=False, readonly=True)
    if store is None:
        raise RunNotFound(f"no run with id {run_id!r}: the tracking store does not exist yet")
    flush_pending(store)
    return store


def metric_history(run_id: str, key: str, *, uri=None):
    """Every point of metric ``key`` of a run, in logging order.

    Parameters
    ----------
    run_id : str
        The run's id (or a unique prefix of at least 6 hex digits).
    key : str
        The metric's name.
    uri : str or path, optional
        Store to read; default ``tracking.get_tracking_uri()``.

    Returns
    -------
    pandas.DataFrame
        Columns ``step`` (int64), ``value`` (float64; NaN and +-inf as logged) and
        ``timestamp`` (int64, Unix milliseconds).

    Raises
    ------
    RunNotFound
        Unknown run id (a ValueError).
    ValueError
        The run has no metric ``key`` (the message lists those it has).
    """
    import pandas as pd

    if not isinstance(key, str):
        raise TypeError(f"metric key must be a str, got {type(key).__name__} {key!r}")
    _, steps, values, stamps = _open_for_read(uri, run_id).read_history(run_id, key)
    return pd.DataFrame({"step": steps, "value": values, "timestamp": stamps})


def get_run(run_id: str, *, uri=None) -> RunRecord:
    """Everything stored about one run (params, last metrics, tags, artifacts).

    Raises
    ------
    RunNotFound
        Unknown run id (a ValueError).
    """
    store = _open_for_read(uri, run_id)
    (full_id, experiment, run_name, status, start_ms, end_ms, parent,
     params, metrics, tags) = store.read_run(run_id)
    adir = store.artifact_root / full_id
    artifacts = tuple(name for name, _ in artifact_files(run_folder(store.artifact_root, full_id)))
    return RunRecord(full_id, experiment, run_name, status, _utc(start_ms), _utc(end_ms), parent,
                     params, metrics, tags, adir, artifacts)


_ORDER_ITEM = re.compile(
    r"\s*(?:(?P<group>params|metrics|tags)\.(?:`(?P<quoted>[^`]+)`|(?P<bare>[^\s`]+))|(?P<base>\w+))"
    r"(?:\s+(?P<direction>\w+))?\s*"
)


def _order_keys(order_by) -> tuple[list, list]:
    """Column names and ascending flags of ``order_by`` (checked, nothing silently dropped)."""
    if order_by is None:
        return [], []
    if isinstance(order_by, str):
        items = [order_by]
    elif isinstance(order_by, (list, tuple)):
        items = list(order_by)
    else:
        raise TypeError(f"order_by must be a str or a list of str, got {type(order_by).__name__} {order_by!r}")
    by, ascending = [], []
    for item in items:
        if not isinstance(item, str):
            raise TypeError(f"order_by must be a str or a list of str, got {type(item).__name__} {item!r}")
        m = _ORDER_ITEM.fullmatch(item)
        direction = (m.group("direction") or "ASC").upper() if m else ""
        if m is None or direction not in ("ASC", "DESC") or (m.group("base") and m.group("base") not in BASE_COLUMNS):
            raise ValueError(
                f"order_by item {item!r} must name a column (run_name, start_time, metrics.<key>, ...; "
                "a key with spaces in backticks: metrics.`a b`) optionally followed by ASC or DESC"
            )
        name = m.group("base") or f"{m.group('group')}.{m.group('quoted') or m.group('bare')}"
        by.append(name)
        ascending.append(direction == "ASC")
    return by, ascending


def search_runs(experiment=None, filter: str | None = None, order_by=None, *, uri=None):
    """Runs as a DataFrame, one row per run, newest first unless ``order_by`` says otherwise.

    Parameters
    ----------
    experiment : str or list of str, optional
        Only runs of these experiments (default: all).
    filter : str, optional
        Comparisons joined by AND, e.g. ``"metrics.best < 130 and params.n = '15'"``,
        ``"run_name LIKE 'tsp-%'"``, ``"status = 'FINISHED'"``. See ``tracking._filter``.
    order_by : str or list of str, optional
        Column names, each optionally followed by ``ASC`` (default) or ``DESC``,
        e.g. ``["metrics.best ASC", "start_time DESC"]``; a key with spaces goes in
        backticks (``metrics.`a b` DESC``). Missing values go last.
    uri : str or path, optional
        Store to read; default ``tracking.get_tracking_uri()``.

    Returns
    -------
    pandas.DataFrame
        Columns ``run_id, experiment, run_name, status, start_time, end_time,
        duration_s``, then ``params.*``, ``metrics.*`` (last value) and ``tags.*``,
        each group sorted by name: the keys of the runs returned, and every key
        that ``filter`` or ``order_by`` names even when no run has it (so
        ``df["metrics.best"]`` works on an empty result; MLflow drops such columns). Times are UTC timestamps; ``end_time`` and
        ``duration_s`` are missing while a run is running.

    Raises
    ------
    ValueError
        A malformed filter (the message gives the position and the token) or
        order_by.

    Examples
    --------
    >>> import tracking
    >>> for n in (10, 15):
    ...     with tracking.start_run(experiment="tsp", run_name=f"tsp-{n}") as run:
    ...         run.log_param("n", n)
    ...         run.log_metric("best", 10.0 * n)
    >>> df = tracking.search_runs(experiment="tsp", filter="metrics.best < 130 and params.n = '10'")
    >>> df[["run_name", "params.n", "metrics.best"]].to_string(index=False)
    'run_name params.n  metrics.best\\n  tsp-10       10         100.0'
    """
    import numpy as np
    import pandas as pd

    conditions = parse_filter(filter) if filter is not None else []
    by, ascending = _order_keys(order_by)
    if experiment is not None:
        if isinstance(experiment, str):
            names = [experiment]
        elif hasattr(experiment, "__iter__") and not isinstance(experiment, (bytes, dict)):
            names = list(experiment)
        else:
            names = [None]
        for name in names:
            if not isinstance(name, str):
                raise TypeError(
                    f"experiment must be a str or a list of str, got {type(experiment).__name__} {experiment!r}"
                )
    # every key the query names is a column, even when no run has it or nothing matches
    named = {"params.": set(), "metrics.": set(), "tags.": set()}
    for group, name, _, _ in conditions:
        if group != "run":
            named[group + "."].add(name)
    for column in by:
        for prefix in named:
            if column.startswith(prefix):
                named[prefix].add(column[len(prefix):])

    store = get_store(uri, create=False, readonly=True)
    rows, params, metrics, tags = [], [], [], []
    if store is not None:
        flush_pending(store)
        rows, params, metrics, tags = store.find_runs(conditions, None if experiment is None else names)

    index = {r[0]: i for i, r in enumerate(rows)}
    n = len(rows)
    start = np.array([r[5] for r in rows], dtype=np.float64)
    end = np.array([np.nan if r[6] is None else r[6] for r in rows], dtype=np.float64)
    data = {
        "run_id": [r[1] for r in rows],
        "experiment": [r[2] for r in rows],
        "run_name": [r[3] for r in rows],
        "status": [r[4] for r in rows],
        "start_time": pd.to_datetime(start, unit="ms", utc=True),
        "end_time": pd.to_datetime(end, unit="ms", utc=True),
        "duration_s": (end - start) / 1000.0,
    }
    for prefix, triples, numeric in (("params.", params, False), ("metrics.", metrics, True),
                                     ("tags.", tags, False)):
        columns: dict[str, list] = {key: [np.nan if numeric else None] * n for key in named[prefix]}
        for rid, key, value in triples:
            col = columns.get(key)
            if col is None:
                col = columns[key] = [np.nan if numeric else None] * n
            col[index[rid]] = value
        for key in sorted(columns):
            data[prefix + key] = np.array(columns[key], dtype=np.float64) if numeric else columns[key]
    df = pd.DataFrame(data)
    if by:
        df = df.sort_values(by, ascending=ascending, kind="stable", na_position="last", ignore_index=True)
    return df
