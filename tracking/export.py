"""Replay runs into an MLflow tracking server or database, for users who outgrow one machine.

``mlflow`` is not a dependency: it is imported inside ``export_mlflow``, only
when an export is asked for. ``make mlflow`` builds ``.venv-mlflow`` (MLflow
3.17.2 and this project), the environment our own round-trip test runs it from.

An export has two phases. **Plan**: every selected run (and the parent of a
selected child that the selection leaves out, so the link survives) is read,
looked up in the target by its ``optsandbox.run_id`` tag, and checked against
what MLflow would refuse; one refusal stops the export before anything is
written. **Write**: runs are created (parents first) or brought up to date,
in ``log_batch`` calls filled to MLflow's limits.

Re-export is idempotent and incremental. Each exported run carries
``optsandbox.run_id`` and, written once everything else is in,
``optsandbox.export_state`` (how many points of each metric key and which
artifacts that export had sent) and last ``optsandbox.export_digest`` (a hash of
everything exported: name, status, times, params, tags, parent, every metric
point, artifact names and sizes). A run found in the target with the same
digest is skipped; one with another digest or none (changed since, still
running then, or an export that stopped half way) is brought up to date with
only what the target lacks: the params it does not have, the tags that
differ, each key's points after those its state counts (a metric history only
grows), the artifacts when they changed, and the status and end time when
they differ. A state is always a lower bound of what the target holds (it is
written after its points), so an export that stopped half way resends at most
what it had sent since; MLflow keeps a resent point once (its primary key is
the whole point). A run with so many metric keys that its state would pass
MLflow's 8000-character tag limit gets none: its re-exports send every point
again. Nothing is ever deleted from the target.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

from ._artifacts import artifact_files, run_folder
from .search import get_run, metric_history, search_runs

__all__ = ["DIGEST_TAG", "ExportResult", "ExportWarning", "MLFLOW_MISSING", "RUN_ID_TAG", "STATE_TAG",
           "export_mlflow"]

MLFLOW_MISSING = (
    "export-mlflow needs the mlflow package, which optsandbox does not install: "
    "run `make mlflow` (a .venv-mlflow of its own) or `pip install mlflow` and try again"
)
RUN_ID_TAG = "optsandbox.run_id"
DIGEST_TAG = "optsandbox.export_digest"
STATE_TAG = "optsandbox.export_state"
_PARENT_TAG = "mlflow.parentRunId"
_NAME_TAG = "mlflow.runName"

# MLflow 3's limits on one log_batch request (mlflow.utils.validation)
_ENTITIES_PER_BATCH = 1000   # metrics + params + tags
_PARAMS_PER_BATCH = 100
_TAGS_PER_BATCH = 100
_BATCH_BYTES = 900_000       # MLflow refuses a request body over 1e6 bytes; this leaves room
_TAG_VALUE_MAX = 8000        # longer tag values are cut to this length by MLflow
_IN_FLIGHT = 2               # concurrent log_batch requests to a server
_SEARCH_PAGE = 50_000        # MLflow's largest search_runs page
_PROBE_ENV = {"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "0", "MLFLOW_HTTP_REQUEST_TIMEOUT": "5"}
_FLOAT_MAX = 1.7976931348623157e308


class ExportWarning(UserWarning):
    """Something the export did that the user should know: values MLflow changes, parents brought."""


@dataclass(frozen=True)
class ExportResult:
    """What ``export_mlflow`` did.

    Attributes
    ----------
    runs : dict
        Our run id -> MLflow run id, for every run planned (skipped ones too),
        parents before their children.
    created, updated, skipped : tuple of str
        Our run ids by what happened: new in the target, brought up to date,
        already there with the same digest.
    points : int
        Metric points sent (a re-export sends only those the target lacks).
    seconds : float
        Wall time of the whole export.
    """

    runs: dict
    created: tuple
    updated: tuple
    skipped: tuple
    points: int
    seconds: float


@dataclass
class _Plan:
    rec: object                # RunRecord
    target: str | None         # the MLflow run found by its tag, or None
    digest: str
    brought: bool              # a parent the selection left out
    skip: bool = False         # found with the same digest and parent: nothing to send
    there: object = None       # the MLflow run found (its tags, params, status, end time)
    sent: dict | None = None   # its export state: {"points": {key: n}, "artifacts": hash}


def _check_target(to) -> str:
    if not isinstance(to, str):
        raise TypeError(f"to must be an MLflow tracking URI (str), got {type(to).__name__} {to!r}")
    scheme = to.split("://", 1)[0].lower() if "://" in to else to.lower()
    if "://" not in to and not scheme.startswith("databricks") or scheme == "file":
        raise ValueError(
            f"to must be an MLflow 3 tracking URI: http(s)://host:port (a tracking server), "
            f"sqlite:///path/mlflow.db, postgresql://, mysql:// or mssql:// (a database), or "
            f"databricks; got {to!r} (MLflow 3 no longer writes to a plain directory)"
        )
    return scheme


@contextmanager
def _fail_fast():
    """MLflow retries a refused connection 7 times with backoff (about 4 minutes): one
    quick try instead for the first request, unless the user has set these variables."""
    added = [name for name in _PROBE_ENV if name not in os.environ]
    for name in added:
        os.environ[name] = _PROBE_ENV[name]
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


def _mlflow_identity(values):
    """The values as MLflow's SQL store keeps them: +-inf clamped to +-max float, -0.0 as
    0.0, every NaN alike (as bits, so a point compares with itself)."""
    import numpy as np

    v = np.clip(values, -_FLOAT_MAX, _FLOAT_MAX) + 0.0  # + 0.0 turns -0.0 into 0.0
    v[np.isnan(v)] = np.nan
    return v.view(np.int64)


def _read_histories(rec, uri):
    """``{key: (steps, values, timestamps)}`` of one run, as numpy arrays."""
    out = {}
    for key in rec.metrics:
        hist = metric_history(rec.run_id, key, uri=uri)
        out[key] = (hist["step"].to_numpy(), hist["value"].to_numpy(), hist["timestamp"].to_numpy())
    return out


def _artifacts_of(rec) -> list:
    """``(name, size, mtime_ns)`` of each of the run's artifact files."""
    out = []
    for name in rec.artifacts:
        st = (rec.artifact_dir / name).stat()
        out.append((name, st.st_size, st.st_mtime_ns))
    return out


def _survey(rec, histories, counts: dict, start: dict) -> str:
    """Count what MLflow cannot hold exactly, among the points to be sent (each key's from
    ``start[key]`` on), into ``counts`` (kind -> [count, first place]); return the run's digest."""
    import numpy as np

    h = hashlib.sha256()
    fields = [rec.run_id, rec.experiment, rec.run_name, rec.status, rec.start_time.isoformat(),
              rec.end_time.isoformat() if rec.end_time else None, rec.parent_run_id,
              sorted(rec.params.items()), sorted(rec.tags.items())]
    h.update(json.dumps([fields, _artifacts_of(rec)], default=str).encode())
    for key, (steps, values, stamps) in histories.items():
        h.update(key.encode() + b"\0")
        for arr in (steps, values, stamps):
            h.update(np.ascontiguousarray(arr).tobytes())
        where = f"run {rec.run_id[:8]} metric {key!r}"
        first = start.get(key, 0)
        new = values[first:]
        for label, n in (("+inf", int(np.isposinf(new).sum())),
                         ("-inf", int(np.isneginf(new).sum())),
                         ("-0.0", int(((new == 0) & np.signbit(new)).sum()))):
            if n:
                counts.setdefault(label, [0, where])[0] += n
        ident = np.stack([steps, stamps, _mlflow_identity(values)], axis=1)
        dups = (len(ident) - len(np.unique(ident, axis=0))) - (first - len(np.unique(ident[:first], axis=0)))
        if dups:
            counts.setdefault("duplicate", [0, where])[0] += dups
    for key, value in rec.tags.items():
        if len(value) > _TAG_VALUE_MAX:
            counts.setdefault("long tag", [0, f"run {rec.run_id[:8]} tag {key!r}"])[0] += 1
    return h.hexdigest()


def _sent_before(run) -> dict:
    """The export state an MLflow run carries (empty when it has none, or an unreadable one)."""
    try:
        state = json.loads(run.data.tags.get(STATE_TAG, "{}"))
        points = state.get("points", {})
        if isinstance(points, dict) and all(isinstance(n, int) and n >= 0 for n in points.values()):
            return {"points": points, "artifacts": state.get("artifacts")}
    except (ValueError, AttributeError):
        pass
    return {"points": {}, "artifacts": None}


def _artifacts_hash(rec) -> str:
    return hashlib.sha256(json.dumps(_artifacts_of(rec)).encode()).hexdigest()[:16]


_WHAT_MLFLOW_DOES = {
    "+inf": "+inf stored as 1.7976931348623157e+308",
    "-inf": "-inf stored as -1.7976931348623157e+308",
    "-0.0": "-0.0 stored as 0.0",
    "duplicate": "duplicate points (same key, step, timestamp and value) kept once",
    "long tag": f"tag values over {_TAG_VALUE_MAX} characters cut to {_TAG_VALUE_MAX}",
}


def _select(experiment, filter, uri) -> list[_Plan]:
    """The selected runs plus the ancestors they leave out, parents before children."""
    runs = search_runs(experiment, filter, order_by="start_time ASC", uri=uri)
    recs = {rid: get_run(rid, uri=uri) for rid in runs["run_id"]}
    brought = {}
    for rec in list(recs.values()):
        parent = rec.parent_run_id
        while parent is not None and parent not in recs and parent not in brought:
            brought[parent] = get_run(parent, uri=uri)
            parent = brought[parent].parent_run_id
    everything = {**recs, **brought}

    def depth(rec):
        d = 0
        while rec.parent_run_id is not None:
            rec, d = everything[rec.parent_run_id], d + 1
        return d

    ordered = sorted(everything.values(), key=lambda r: (depth(r), r.start_time, r.run_id))
    return [_Plan(rec, None, "", rec.run_id in brought) for rec in ordered]


def _find_existing(client, experiment_ids) -> dict:
    """Our run id -> the active MLflow runs carrying it as ``optsandbox.run_id``."""
    from mlflow.entities import ViewType

    found: dict[str, list] = {}
    if not experiment_ids:
        return found
    token = None
    while True:
        page = client.search_runs(list(experiment_ids), run_view_type=ViewType.ACTIVE_ONLY,
                                  max_results=_SEARCH_PAGE, page_token=token)
        for run in page:
            ours = run.data.tags.get(RUN_ID_TAG)
            if ours is not None:
                found.setdefault(ours, []).append(run)
        token = page.token
        if not token:
            return found


def _batches(params: list, tags: list, metrics: list):
    """Split entities into ``(metrics, params, tags)`` requests within MLflow's limits."""
    batch, size = ([], [], []), 0
    limits = (_ENTITIES_PER_BATCH, _PARAMS_PER_BATCH, _TAGS_PER_BATCH)
    for slot, items in ((1, params), (2, tags), (0, metrics)):
        for item in items:
            cost = len(item.key) + (len(item.value) if slot else 24) + 64
            n = sum(map(len, batch))
            if n and (n + 1 > _ENTITIES_PER_BATCH or len(batch[slot]) + 1 > limits[slot]
                      or size + cost > _BATCH_BYTES):
                yield batch
                batch, size = ([], [], []), 0
            batch[slot].append(item)
            size += cost
    if any(batch):
        yield batch


def export_mlflow(to: str, *, experiment=None, filter: str | None = None, uri=None) -> ExportResult:
    """Copy runs (params, full metric histories, tags, artifacts, status, times) into MLflow.

    Parameters
    ----------
    to : str
        An MLflow 3 tracking URI: ``http://host:5000`` or ``https://...`` (a
        tracking server, ``mlflow server``; artifacts go through it),
        ``sqlite:///path/mlflow.db``, ``postgresql://...``, ``mysql://...`` or
        ``mssql://...`` (a database MLflow writes directly; artifacts then go to
        the experiment's artifact location, ``./mlartifacts`` by default) or
        ``databricks``. Not a plain directory: MLflow 3 refuses to write that store.
    experiment, filter
        Which runs, as in ``search_runs`` (default: all). The parent of a
        selected run is exported too (with an ``ExportWarning``) so the link stays.
    uri : str or path, optional
        Our store to read; default ``tracking.get_tracking_uri()``.

    Returns
    -------
    ExportResult
        ``runs`` maps our run ids to MLflow's; ``created``, ``updated`` and
        ``skipped`` say what happened to each. Each MLflow run carries our id in
        the tag ``optsandbox.run_id`` and nested runs MLflow's
        ``mlflow.parentRunId``.

    Raises
    ------
    ImportError
        mlflow is not installed (the message says how to get it).
    ValueError
        ``to`` is not a URI MLflow 3 writes to, or a run would be refused by
        MLflow (its ``mlflow.runName`` tag differs from its name, a param
        differs from the one already in the target, its run was exported twice
        before, its experiment is deleted there). Nothing has been written then.
    ConnectionError
        The server did not answer (within about 5 seconds).

    Warns
    -----
    ExportWarning
        Values MLflow's SQL stores change, with their count: +-inf (clamped to
        +-1.7976931348623157e+308), -0.0 (0.0), duplicate points (kept once),
        tag values over 8000 characters (cut); parents brought in.

    Notes
    -----
    Points go in ``log_batch`` requests of up to 1000 entities (100 params, 100
    tags, < 1 MB), two requests in flight to a server. The first request gets one
    try with a 5 s timeout (``MLFLOW_HTTP_REQUEST_MAX_RETRIES=0``,
    ``MLFLOW_HTTP_REQUEST_TIMEOUT=5`` unless set), so a server that is down is
    reported at once; later ones keep MLflow's retries. MLflow's own server
    stores about 6,000-12,000 points/s on 2 cores, which bounds the export:
    ``benchmarks.tracking_speed`` measures it.
    """
    t0 = time.perf_counter()
    scheme = _check_target(to)
    try:
        from mlflow.entities import Metric, Param, RunTag
        from mlflow.tracking import MlflowClient
    except ImportError:
        raise ImportError(MLFLOW_MISSING) from None

    plans = _select(experiment, filter, uri)
    client = MlflowClient(tracking_uri=to)
    remote = scheme in ("http", "https")
    try:
        with _fail_fast():
            names = sorted({p.rec.experiment for p in plans})
            experiments = {name: client.get_experiment_by_name(name) for name in names}
    except Exception as exc:
        if not remote:
            raise
        first = (str(exc).splitlines() or [""])[0]
        raise ConnectionError(f"MLflow at {to} did not answer: {type(exc).__name__}: {first}") from None

    # -- plan: check every run before writing anything -----------------------------
    problems, counts = [], {}
    planned = {}
    for name, exp in experiments.items():
        if exp is not None and exp.lifecycle_stage != "active":
            problems.append(f"experiment {name!r} is deleted in the target (restore it, or delete it "
                            "for good with `mlflow gc`)")
    existing = _find_existing(client, [e.experiment_id for e in experiments.values()
                                       if e is not None and e.lifecycle_stage == "active"])
    for plan in plans:
        rec = plan.rec
        label = f"run {rec.run_id} ({rec.experiment}/{rec.run_name})"
        name_tag = rec.tags.get(_NAME_TAG)
        if name_tag is not None and name_tag != rec.run_name:
            problems.append(f"{label} has tag mlflow.runName = {name_tag!r}, which MLflow requires "
                            "to equal the run name")
        there = existing.get(rec.run_id, [])
        if len(there) > 1:
            problems.append(f"{label} is in the target {len(there)} times (MLflow runs "
                            f"{', '.join(r.info.run_id for r in there)}): delete all but one")
        elif there:
            plan.target = there[0].info.run_id
            for key, value in there[0].data.params.items():
                if key in rec.params and rec.params[key] != value:
                    problems.append(f"{label} has param {key} = {rec.params[key]!r} but the target "
                                    f"run {plan.target} has {value!r} (MLflow params cannot change)")
        if plan.target is not None:
            plan.there = there[0]
            plan.sent = _sent_before(there[0])
        mine = {}
        plan.digest = _survey(rec, _read_histories(rec, uri), mine,
                              plan.sent["points"] if plan.sent else {})
        if plan.target is not None:
            parent = planned.get(rec.parent_run_id)
            tags = there[0].data.tags
            plan.skip = (tags.get(DIGEST_TAG) == plan.digest
                         and tags.get(_PARENT_TAG) == (parent.target if parent is not None else None))
        if not plan.skip:
            for kind, (n, where) in mine.items():
                counts.setdefault(kind, [0, where])[0] += n
        planned[rec.run_id] = plan
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise ValueError(f"nothing exported to {to}: {len(problems)} problem(s) MLflow would refuse: "
                         + "; ".join(problems[:3]) + more)
    if counts:
        warnings.warn(
            "MLflow will not hold every value exactly: "
            + "; ".join(f"{n:,} × {_WHAT_MLFLOW_DOES[k]} (first in {where})" for k, (n, where) in counts.items()),
            ExportWarning, stacklevel=2)
    brought = [p.rec.run_id for p in plans if p.brought and not p.skip]
    if brought:
        warnings.warn(f"{len(brought)} parent run(s) outside the selection exported too, to keep their "
                      f"children's links: {', '.join(r[:8] for r in brought)}", ExportWarning, stacklevel=2)

    # -- write ----------------------------------------------------------------------
    mapping: dict[str, str] = {}
    created, updated, skipped = [], [], []
    points = 0
    for plan in plans:
        rec = plan.rec
        parent = mapping.get(rec.parent_run_id)
        if plan.skip:
            mapping[rec.run_id] = plan.target
            skipped.append(rec.run_id)
            continue
        exp = experiments.get(rec.experiment)
        if exp is None:
            eid = client.create_experiment(rec.experiment)
            exp = experiments[rec.experiment] = client.get_experiment(eid)
        tags = dict(rec.tags)
        tags[RUN_ID_TAG] = rec.run_id
        if parent is not None:
            tags[_PARENT_TAG] = parent
        params = dict(rec.params)
        sent = {"points": {}, "artifacts": None}
        if plan.target is None:
            new = client.create_run(exp.experiment_id, start_time=_ms(rec.start_time),
                                    tags={RUN_ID_TAG: rec.run_id}, run_name=rec.run_name).info.run_id
            created.append(rec.run_id)
        else:  # only what the target lacks
            new = plan.target
            updated.append(rec.run_id)
            sent = plan.sent
            have = plan.there.data
            params = {k: v for k, v in params.items() if k not in have.params}
            tags = {k: v for k, v in tags.items() if have.tags.get(k) != v}
        metrics, counted = [], {}
        for key, (steps, values, stamps) in _read_histories(rec, uri).items():
            first = min(sent["points"].get(key, 0), len(steps))
            metrics += [Metric(key, v, t, s) for s, v, t in
                        zip(steps[first:].tolist(), values[first:].tolist(), stamps[first:].tolist())]
            counted[key] = len(steps)
        points += len(metrics)
        batches = _batches([Param(k, v) for k, v in params.items()],
                           [RunTag(k, v) for k, v in tags.items()], metrics)

        def send(batch, run_id=new):
            client.log_batch(run_id, metrics=batch[0], params=batch[1], tags=batch[2])

        if remote:
            from concurrent.futures import ThreadPoolExecutor

            with ThreadPoolExecutor(_IN_FLIGHT) as pool:
                for _ in pool.map(send, batches):
                    pass
        else:
            for batch in batches:
                send(batch)
        artifacts = _artifacts_hash(rec)
        if rec.artifacts and artifacts != sent["artifacts"]:
            _log_artifacts(client, new, rec)
        if rec.status != "RUNNING":
            info = getattr(plan.there, "info", None)
            if info is None or (info.status, info.end_time) != (rec.status, _ms(rec.end_time)):
                client.set_terminated(new, status=rec.status, end_time=_ms(rec.end_time))
        state = json.dumps({"points": counted, "artifacts": artifacts}, separators=(",", ":"))
        if len(state) <= _TAG_VALUE_MAX:  # else none: the next re-export sends every point again
            client.set_tag(new, STATE_TAG, state)  # after the points it counts
        client.set_tag(new, DIGEST_TAG, plan.digest)  # last: the run is complete
        mapping[rec.run_id] = new
    return ExportResult(mapping, tuple(created), tuple(updated), tuple(skipped), points,
                        time.perf_counter() - t0)


def _log_artifacts(client, mlflow_run_id: str, rec) -> None:
    """Upload the run's artifacts (``tracking._artifacts``: regular files inside its folder).

    MLflow's ``log_artifacts`` uploads whatever a folder holds, following symlinks
    out of it, so the checked files are staged first: each copied from its real
    path, opened without following a symlink put there since the check.
    """
    import shutil
    import tempfile

    nofollow = getattr(os, "O_NOFOLLOW", 0)
    with tempfile.TemporaryDirectory(prefix="optsandbox-export-") as staging:
        for name, real in artifact_files(run_folder(rec.artifact_dir.parent, rec.run_id)):
            dest = os.path.join(staging, *name.split("/"))
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(real, "rb", opener=lambda path, flags: os.open(path, flags | nofollow)) as src, \
                    open(dest, "wb") as out:
                shutil.copyfileobj(src, out)
        client.log_artifacts(mlflow_run_id, staging)


def _ms(when) -> int:
    return round(when.timestamp() * 1000)
