"""Replay runs into an MLflow tracking store, for users who outgrow one machine.

``mlflow`` is not a dependency: it is imported here, inside the function, and
only when an export is asked for.
"""

from __future__ import annotations

from .search import get_run, metric_history, search_runs

__all__ = ["MLFLOW_MISSING", "export_mlflow"]

MLFLOW_MISSING = (
    "export-mlflow needs the mlflow package, which optsandbox does not install: "
    "run `pip install mlflow` (in this environment) and try again"
)
_METRICS_PER_BATCH = 1000
_PARAMS_PER_BATCH = 100


def export_mlflow(to: str, *, experiment=None, filter: str | None = None, uri=None) -> dict:
    """Copy runs (params, full metric histories, tags, artifacts, status, times) into MLflow.

    Parameters
    ----------
    to : str
        An MLflow tracking URI: ``http://server:5000``, ``sqlite:///mlflow.db``, a directory.
    experiment, filter
        Which runs, as in ``search_runs`` (default: all).
    uri : str or path, optional
        Our store to read; default ``tracking.get_tracking_uri()``.

    Returns
    -------
    dict
        Our run id -> the new MLflow run id. Parents are exported before their
        children and linked with MLflow's ``mlflow.parentRunId`` tag; each MLflow
        run carries our id in the tag ``optsandbox.run_id``.

    Raises
    ------
    ImportError
        mlflow is not installed (the message says how to get it).
    """
    try:
        from mlflow.entities import Metric, Param
        from mlflow.tracking import MlflowClient
    except ImportError:
        raise ImportError(MLFLOW_MISSING) from None

    client = MlflowClient(tracking_uri=to)
    runs = search_runs(experiment, filter, order_by="start_time ASC", uri=uri)
    pending = [get_run(run_id, uri=uri) for run_id in runs["run_id"]]
    wanted = {rec.run_id for rec in pending}
    mapping: dict[str, str] = {}
    experiments: dict[str, str] = {}
    while pending:
        deferred = []
        for rec in pending:
            parent = rec.parent_run_id
            if parent in wanted and parent not in mapping:
                deferred.append(rec)  # export the parent first
                continue
            eid = experiments.get(rec.experiment)
            if eid is None:
                found = client.get_experiment_by_name(rec.experiment)
                eid = found.experiment_id if found is not None else client.create_experiment(rec.experiment)
                experiments[rec.experiment] = eid
            tags = dict(rec.tags)
            tags["optsandbox.run_id"] = rec.run_id
            if parent in mapping:
                tags["mlflow.parentRunId"] = mapping[parent]
            new = client.create_run(
                eid, start_time=round(rec.start_time.timestamp() * 1000), tags=tags, run_name=rec.run_name
            ).info.run_id
            params = [Param(k, v) for k, v in rec.params.items()]
            for i in range(0, len(params), _PARAMS_PER_BATCH):
                client.log_batch(new, params=params[i:i + _PARAMS_PER_BATCH])
            for key in rec.metrics:
                hist = metric_history(rec.run_id, key, uri=uri)
                points = [Metric(key, float(v), int(t), int(s))
                          for s, v, t in zip(hist["step"], hist["value"], hist["timestamp"])]
                for i in range(0, len(points), _METRICS_PER_BATCH):
                    client.log_batch(new, metrics=points[i:i + _METRICS_PER_BATCH])
            if rec.artifacts:
                client.log_artifacts(new, str(rec.artifact_dir))
            if rec.status != "RUNNING":
                client.set_terminated(new, status=rec.status,
                                      end_time=round(rec.end_time.timestamp() * 1000))
            mapping[rec.run_id] = new
        if len(deferred) == len(pending):  # cannot happen: parents start before children
            raise RuntimeError("cyclic parent links between runs")
        pending = deferred
    return mapping
