"""Print, as JSON, everything an MLflow tracking store holds about some experiments.

Run with the Python of ``.venv-mlflow`` (MLflow is not installed in ``.venv``)::

    .venv-mlflow/bin/python tests/tracking/mlflow_dump.py URI EXPERIMENT [EXPERIMENT ...]

One object per run: MLflow's run id, experiment name, run name, status, start and
end times (ms), params, tags, every point of every metric as ``[step,
float.hex(value), timestamp]`` (exact: NaN, -0.0 and the largest float survive
JSON), and every artifact file as base64. A missing experiment gives no runs.
The real-MLflow tests at the end of test_export.py compare this with our own store.
"""

import base64
import json
import sys
import tempfile
from pathlib import Path


def dump(uri: str, experiments: list) -> dict:
    from mlflow.entities import ViewType
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=uri)
    runs = []
    for name in experiments:
        exp = client.get_experiment_by_name(name)
        if exp is None:
            continue
        for run in client.search_runs([exp.experiment_id], run_view_type=ViewType.ALL, max_results=50_000):
            info, data = run.info, run.data
            metrics = {key: [[m.step, float(m.value).hex(), m.timestamp]
                             for m in client.get_metric_history(info.run_id, key)]
                       for key in data.metrics}
            artifacts = {}
            with tempfile.TemporaryDirectory() as tmp:
                local = Path(client.download_artifacts(info.run_id, "", tmp))
                for path in sorted(local.rglob("*")):
                    if path.is_file():
                        artifacts[path.relative_to(local).as_posix()] = base64.b64encode(path.read_bytes()).decode()
            runs.append({
                "run_id": info.run_id, "experiment": name, "run_name": info.run_name,
                "status": info.status, "lifecycle": info.lifecycle_stage,
                "start_time": info.start_time, "end_time": info.end_time,
                "params": data.params, "tags": data.tags, "metrics": metrics, "artifacts": artifacts,
            })
    return {"runs": runs}


if __name__ == "__main__":
    json.dump(dump(sys.argv[1], sys.argv[2:]), sys.stdout)
