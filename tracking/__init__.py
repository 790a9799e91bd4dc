"""A small, fast experiment tracker on embedded SQLite, shaped like MLflow Tracking.

Which function to pick:

- ``start_run(experiment=..., run_name=...)``: open a run (a context manager), then
  ``run.log_param(s)``, ``run.log_metric(s)``, ``run.set_tag(s)``,
  ``run.log_artifact``, ``run.log_figure``, ``run.log_dict``. Without ``with``:
  ``run.end()`` or ``end_run()``; ``active_run()`` is this thread's innermost run.
  Status: FINISHED, FAILED when the block raises, KILLED on KeyboardInterrupt/SIGTERM.
- ``search_runs(experiment, filter, order_by)``: runs as a pandas DataFrame, one row
  per run, with ``params.*``, ``metrics.*`` (last value) and ``tags.*`` columns.
- ``metric_history(run_id, key)``: every point of one metric; ``get_run(run_id)``:
  everything about one run.
- ``set_tracking_uri(uri)`` / ``get_tracking_uri()``: which store. The default is
  ``$OPTSANDBOX_TRACKING_URI``, else ``sqlite:///runs/tracking.db`` under the
  working directory; artifacts go to ``artifacts/<run_id>/`` beside the database.

``python -m tracking runs|show|compare|plot|export-mlflow`` does the same from a shell,
and ``python -m tracking ui`` in a browser (``tracking.ui``; Flask, imported only there).

Examples
--------
>>> import tracking                      # the store: runs/tracking.db here (see above)
>>> with tracking.start_run(experiment="gd", run_name="lr=0.1") as run:
...     run.log_params({"lr": 0.1, "steps": 3})
...     run.log_metrics({"loss": 4.0, "grad_norm": 2.0}, step=0)
...     run.log_metric("loss", float("nan"))   # a diverging run logs NaN: kept
>>> row = tracking.search_runs(experiment="gd").iloc[0]
>>> row["status"], row["params.lr"], float(row["metrics.grad_norm"])
('FINISHED', '0.1', 2.0)
>>> tracking.metric_history(run.run_id, "loss")["value"].tolist()
[4.0, nan]
"""

from ._validation import RunNotFound
from .run import Run, active_run, end_run, start_run
from .search import RunRecord, get_run, metric_history, search_runs
from .store import get_tracking_uri, set_tracking_uri

__all__ = [
    "Run",
    "RunNotFound",
    "RunRecord",
    "active_run",
    "end_run",
    "get_run",
    "get_tracking_uri",
    "metric_history",
    "search_runs",
    "set_tracking_uri",
    "start_run",
]
