"""The browser view of a store: ``python -m tracking ui`` (Flask and Jinja2), read-only.

Pages, laid out as MLflow's UI lays them out::

    /                                   experiments: runs, running runs, last activity
    /experiments/<id>                   its runs: a filter box (``search_runs``' language),
                                        columns you pick, sortable, 100 runs a page,
                                        tick runs to compare them
    /runs/<run_id>                      one run: details, parent and children, params,
                                        last metrics, tags, a chart per metric history,
                                        artifacts (images inline); a RUNNING run's page
                                        reloads itself every few seconds
    /runs/<run_id>/chart/<metric>       that metric's chart, SVG (``?logy=1``)
    /runs/<run_id>/artifacts/<path>     an artifact file (``?download=1``: as a download)
    /compare?run=ID&run=ID...           two or more runs side by side: differing params
                                        marked, metric histories overlaid
    /compare/chart?run=...&metric=M     the overlay, SVG

Nothing here writes: the store is opened read-only (SQLite ``mode=ro``), every
query is a ``Store`` method, and an artifact route serves only a regular file
inside that run's artifact folder (no ``..``, no absolute path, no symlink
leading out: ``tracking._artifacts``, the rule ``get_run`` and the export follow too). Templates are autoescaped, and pages carry a Content Security
Policy allowing no script at all. Flask is imported by this module only, so
``import tracking`` stays light; ``create_app`` is the factory.
"""

from __future__ import annotations

import ipaddress
import math
import mimetypes
import os
import re
import sqlite3
import sys
import threading
import time
from collections import namedtuple
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, Response, abort, render_template, request, send_file, url_for

from ._artifacts import artifact_file, artifact_files, run_folder
from ._filter import parse_filter
from ._validation import RunNotFound, db_path_from_uri
from .charts import metric_figure, svg
from .store import Store, StoreDamaged, get_tracking_uri

__all__ = ["create_app", "host_warning", "serve"]

PAGE_SIZE = 100
DEFAULT_COLUMNS = 4        # metrics, and as many params, shown until the user picks columns
MAX_CHILDREN = 200         # children listed on a run page
MAX_ARTIFACTS = 1000       # artifact files listed on a run page
REFRESH_S = 5              # a RUNNING run's page reloads this often
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp"}
RUN_COLUMNS = {"run_name": "Run name", "status": "Status", "start_time": "Started", "duration_s": "Duration"}
_PAGE_CSP = ("default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; "
             "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
_RUNS_QUERY_KEYS = ("filter", "picked", "col", "sort", "desc", "page")  # what a runs page's links carry
_INT64_MAX = 2**63 - 1
_ARTIFACT_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"


#: ``Store.read_run``'s answer, by name
_Run = namedtuple("_Run", "run_id experiment run_name status start_ms end_ms parent_id params metrics tags")


class _StoreHolder:
    """The app's read-only store: opened now when its file exists, else by the first
    request that finds it (so the page may be opened before the first run)."""

    def __init__(self, path: Path):
        if path.is_dir():
            raise ValueError(f"tracking store {str(path)!r} is a directory, not a database file")
        self.path = path
        self.lock = threading.Lock()
        self.store: Store | None = Store(path, readonly=True) if path.is_file() else None

    def get(self) -> Store | None:
        with self.lock:
            if self.store is None and self.path.is_file():
                try:
                    self.store = Store(self.path, readonly=True)
                except ValueError as exc:
                    abort(500, str(exc))
        return self.store

    def need(self) -> Store:
        store = self.get()
        if store is None:
            abort(404, f"the tracking store {self.path} does not exist yet")
        return store


# -- formatting (Jinja filters) -----------------------------------------------------------------

def _when(ms) -> str:
    if ms is None:
        return "—"
    return datetime.fromtimestamp(ms / 1000.0, tz=timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")


def _span(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.3g} s" if seconds < 10 else f"{seconds:.0f} s"
    minutes, s = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {s} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours < 48 else f"{hours // 24} d {hours % 24} h"


def _ago(ms) -> str:
    if ms is None:
        return ""
    seconds = time.time() - ms / 1000.0
    return "just now" if seconds < 1 else f"{_span(seconds)} ago"


def _duration(start_ms, end_ms) -> str:
    if end_ms is None:
        return f"running for {_span(max(time.time() - start_ms / 1000.0, 0.0))}"
    return _span((end_ms - start_ms) / 1000.0)


def _num(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return "NaN" if value != value else f"{value:.6g}"
    return str(value)


def _size(n: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024


# -- artifacts -------------------------------------------------------------------------------------

def _artifacts(root: str | None) -> tuple[list, int]:
    """``([(relative name, size, is image)], total)`` of the files the artifact route serves."""
    found = artifact_files(root)
    shown = [(name, os.path.getsize(real), Path(name).suffix.lower() in IMAGE_SUFFIXES)
             for name, real in found[:MAX_ARTIFACTS]]
    return shown, len(found)


# -- the app ---------------------------------------------------------------------------------------

def _svg_response(fig) -> Response:
    return Response(svg(fig), mimetype="image/svg+xml", headers={"Cache-Control": "no-store"})


def _filter_examples(rows: list, values: dict, metric_cols: list, param_cols: list) -> list:
    """Filters for the help line, made of this page's own keys and first run where it can."""
    def name(group, key):
        return f"{group}.{key}" if re.fullmatch(r"[\w\-./]+", key) else f"{group}.`{key}`"

    examples = []
    if rows:
        rid, run_name = rows[0][0], rows[0][2]
        metric = next(((k, values[(rid, "metrics." + k)]) for k in metric_cols
                       if math.isfinite(values.get((rid, "metrics." + k), math.nan))), None)
        param = next(((k, values[(rid, "params." + k)]) for k in param_cols
                      if (rid, "params." + k) in values and "'" not in values[(rid, "params." + k)]), None)
        parts = ([f"{name('metrics', metric[0])} <= {metric[1]:.4g}"] if metric else []) + \
                ([f"{name('params', param[0])} = '{param[1]}'"] if param else [])
        if parts:
            examples.append(" and ".join(parts))
        stem = re.match(r"[A-Za-z0-9_]+", run_name)
        if stem:
            examples.append(f"run_name LIKE '{stem.group()}%'")
    examples.append("status = 'FAILED'")
    return examples


def _sort_arg(text: str) -> str:
    """A runs-table sort column from the query string (checked; 400 otherwise)."""
    group, dot, key = text.partition(".")
    if text in RUN_COLUMNS or (dot and key and group in ("params", "metrics", "tags")):
        return text
    abort(400, f"cannot sort by {text!r}: use one of {', '.join(RUN_COLUMNS)}, params.<key>, metrics.<key>")


def _host_names(served: str):
    """The test of a request's Host header for an app served on address ``served``.

    Accepted, with or without a port: ``served`` itself, ``localhost``,
    ``127.0.0.1`` and ``[::1]``; when ``served`` is a wildcard address (``0.0.0.0``,
    ``::``), also any IP address and this machine's host name. Any other name is a
    page that reached us under a name it controls (DNS rebinding).
    """
    import socket

    served = served.lower()
    names = {"localhost", "127.0.0.1", "[::1]", f"[{served}]" if ":" in served else served}
    wildcard = served in ("0.0.0.0", "::", "")
    if wildcard:
        names.add(socket.gethostname().lower())

    def accepted(host: str) -> bool:
        host = host.lower()
        if host.startswith("["):
            name, _, port = host.partition("]")
            name += "]"
            if port and not port.startswith(":"):
                return False
            port = port[1:]
        else:
            name, _, port = host.partition(":")
        if port and not port.isdigit() or not name:
            return False
        if name in names:
            return True
        if wildcard:
            try:
                ipaddress.ip_address(name.strip("[]"))
                return True
            except ValueError:
                pass
        return False

    return accepted


def create_app(uri=None, host: str = "127.0.0.1") -> Flask:
    """The Flask app showing the store at ``uri`` (default ``tracking.get_tracking_uri()``).

    The store is opened read-only, now when its file exists, else at the first
    request that finds it: the app may start before the first run is logged.
    ``host`` is the address it is served on: a request whose ``Host`` header names
    another (DNS rebinding: a web page of ``attacker.example`` whose name now
    leads to 127.0.0.1) is refused with a 400 page. Accepted are ``host``,
    ``localhost``, ``127.0.0.1`` and ``[::1]`` (any port), and on a wildcard
    address (``0.0.0.0``, ``::``) any IP address and this machine's name.

    Raises
    ------
    TypeError, ValueError
        ``uri`` is not a tracking URI, or names a directory or a file that is
        not a tracking store.

    Examples
    --------
    >>> import tracking
    >>> with tracking.start_run(experiment="demo", run_name="<b>bold?</b>") as run:
    ...     run.log_metric("loss", 0.5)
    >>> client = create_app().test_client()   # the default store, where the run went
    >>> page = client.get(f"/runs/{run.run_id}")
    >>> page.status_code, "&lt;b&gt;bold?&lt;/b&gt;" in page.text
    (200, True)
    >>> client.get("/runs/0123456789abcdef").status_code
    404
    """
    path = Path(os.path.abspath(db_path_from_uri(get_tracking_uri() if uri is None else uri)))
    holder = _StoreHolder(path)
    app = Flask(__name__)
    app.config["TRACKING_DB"] = str(path)
    app.jinja_env.filters.update(when=_when, ago=_ago, num=_num, size=_size)
    app.jinja_env.globals.update(duration=_duration, store_path=str(path), REFRESH_S=REFRESH_S)

    host_accepted = _host_names(host)

    @app.before_request
    def _check_host():
        if not host_accepted(request.host):
            abort(400, f"this server does not answer to the Host {request.host!r} (it is served on {host}; "
                       "open it as http://localhost:PORT/ or http://127.0.0.1:PORT/): a page reaching it "
                       "under another name could be a DNS-rebinding attack")

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", _PAGE_CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.errorhandler(400)
    @app.errorhandler(404)
    @app.errorhandler(405)
    @app.errorhandler(500)
    def _error(err):
        return render_template("error.html", code=err.code, name=err.name, message=err.description), err.code

    @app.errorhandler(sqlite3.DatabaseError)
    def _unreadable(exc):
        message = f"the tracking store {path} cannot be read: {exc}"
        return render_template("error.html", code=500, name="Internal Server Error", message=message), 500

    @app.errorhandler(StoreDamaged)
    def _damaged(exc):  # its message names the store and what to do
        return render_template("error.html", code=500, name="Internal Server Error", message=str(exc)), 500

    def run_or_404(store: Store, run_id: str) -> _Run:
        try:
            return _Run(*store.read_run(run_id))
        except (RunNotFound, TypeError) as exc:
            abort(404, str(exc))

    @app.get("/")
    def experiments():
        store = holder.get()
        rows = [] if store is None else store.experiments()
        return render_template("experiments.html", experiments=rows, missing=store is None)

    @app.get("/experiments/<int:experiment_id>")
    def runs(experiment_id: int):
        store = holder.need()
        name = store.experiment_name(experiment_id)
        if name is None:
            abort(404, f"no experiment with id {experiment_id} in the tracking store")
        param_keys, metric_keys = store.experiment_keys(experiment_id)
        args = request.args
        if "picked" in args:  # the column form was sent: exactly what it ticked
            columns = [c for c in args.getlist("col") if c.startswith(("params.", "metrics."))]
        else:
            columns = ([f"metrics.{k}" for k in metric_keys[:DEFAULT_COLUMNS]]
                       + [f"params.{k}" for k in param_keys[:DEFAULT_COLUMNS]])
        metric_cols = [c[len("metrics."):] for c in columns if c.startswith("metrics.")]
        param_cols = [c[len("params."):] for c in columns if c.startswith("params.")]
        sort = _sort_arg(args.get("sort", "start_time"))
        descending = args.get("desc", "1" if sort == "start_time" else "0") == "1"
        try:
            page = int(args.get("page", "1"))
            if page < 1:
                raise ValueError
        except ValueError:
            abort(400, f"page must be a positive integer, got {args.get('page')!r}")
        if (page - 1) * PAGE_SIZE > _INT64_MAX:  # an offset SQLite cannot take
            abort(400, f"page {page} is out of range")
        filter_text = args.get("filter", "").strip()
        error, total, rows, values = None, 0, [], {}
        try:
            conditions = parse_filter(filter_text)
        except ValueError as exc:
            error = str(exc)
        else:
            total, rows, params, metrics = store.runs_page(
                experiment_id, conditions, (sort, not descending), PAGE_SIZE, (page - 1) * PAGE_SIZE,
                param_cols, metric_cols)
            for rid, key, value in params:
                values[(rid, "params." + key)] = value
            for rid, key, value in metrics:
                values[(rid, "metrics." + key)] = value

        pages = max(1, -(-total // PAGE_SIZE))
        if page > pages and not error:
            abort(400, f"page {page} is out of range: {pages} page{'s' if pages > 1 else ''} of runs here")

        def link(**changes) -> str:
            """This page's URL with ``changes`` (None: drop the key); only the page's own keys."""
            query = {k: args.getlist(k) for k in _RUNS_QUERY_KEYS if k in args}
            query.update({k: [str(v)] for k, v in changes.items() if v is not None})
            for k in [k for k, v in changes.items() if v is None]:
                query.pop(k, None)
            text = urlencode(query, doseq=True)
            return url_for("runs", experiment_id=experiment_id) + ("?" + text if text else "")

        html = render_template(
            "runs.html", experiment_id=experiment_id, experiment=name, rows=rows, values=values,
            total=total, page=page, pages=pages, page_size=PAGE_SIZE,
            metric_cols=metric_cols, param_cols=param_cols, metric_keys=metric_keys, param_keys=param_keys,
            chosen=columns, sort=sort, descending=descending, filter=filter_text, error=error,
            run_columns=RUN_COLUMNS, link=link, examples=_filter_examples(rows, values, metric_cols, param_cols))
        return html, 400 if error else 200

    @app.get("/runs/<run_id>")
    def run(run_id: str):
        store = holder.need()
        rec = run_or_404(store, run_id)
        experiment_id, parent, children, counts = store.run_links(rec.run_id)
        artifacts, n_artifacts = _artifacts(run_folder(store.artifact_root, rec.run_id))
        return render_template(
            "run.html", run=rec, experiment_id=experiment_id, parent=parent,
            children=children[:MAX_CHILDREN], n_children=len(children), counts=counts,
            charted=[k for k, n in counts.items() if n >= 2], logy=request.args.get("logy") == "1",
            artifacts=artifacts, n_artifacts=n_artifacts)

    @app.get("/runs/<run_id>/chart/<path:metric>")
    def run_chart(run_id: str, metric: str):
        store = holder.need()
        try:
            full_id, steps, values, _ = store.read_history(run_id, metric)
        except (RunNotFound, ValueError, TypeError) as exc:
            abort(404, str(exc))
        return _svg_response(metric_figure([(None, steps, values)], title=metric, ylabel=metric,
                                           logy=request.args.get("logy") == "1"))

    @app.get("/runs/<run_id>/artifacts/<path:name>")
    def artifact(run_id: str, name: str):
        store = holder.need()
        full_id = run_or_404(store, run_id).run_id
        root = run_folder(store.artifact_root, full_id)
        target = None if root is None else artifact_file(root, name)
        if target is None:
            abort(404, f"run {full_id} has no artifact {name!r}")
        mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
        response = send_file(target, mimetype=mimetype, as_attachment=request.args.get("download") == "1",
                             download_name=os.path.basename(name), max_age=0)
        response.headers["Content-Security-Policy"] = _ARTIFACT_CSP
        return response

    def compared(store: Store) -> list:
        ids = list(dict.fromkeys(request.args.getlist("run")))
        if len(ids) < 2:
            abort(400, "compare needs at least two runs: tick them in a runs table "
                       "(or give /compare?run=ID&run=ID)")
        return [run_or_404(store, run_id) for run_id in ids]

    @app.get("/compare")
    def compare():
        store = holder.need()
        recs = compared(store)
        rows = []  # (section, key, values, differ)
        for section, field in (("Parameters", "params"), ("Metrics (last value)", "metrics"), ("Tags", "tags")):
            for key in sorted({k for rec in recs for k in getattr(rec, field)}):
                shown = [_num(getattr(rec, field).get(key)) for rec in recs]
                rows.append((section, key, shown, len(set(shown)) > 1))
        counts = [store.run_links(rec.run_id)[3] for rec in recs]
        charted = sorted({key for c in counts for key, n in c.items() if n >= 2})
        return render_template("compare.html", runs=recs, rows=rows, charted=charted,
                               logy=request.args.get("logy") == "1")

    @app.get("/compare/chart")
    def compare_chart():
        store = holder.need()
        recs = compared(store)
        metric = request.args.get("metric", "")
        series = []
        for rec in recs:
            if metric in rec.metrics:
                _, steps, values, _ = store.read_history(rec.run_id, metric)
                series.append((f"{rec.run_name} ({rec.run_id[:8]})", steps, values))
        if not series:
            abort(404, f"none of these runs has a metric {metric!r}")
        return _svg_response(metric_figure(series, title=metric, ylabel=metric,
                                           logy=request.args.get("logy") == "1"))

    return app


def host_warning(host: str, db: str) -> str | None:
    """The one-line warning for serving on ``host`` (None for this machine's loopback)."""
    try:
        local = ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = host == "localhost"
    if local:
        return None
    return (f"warning: --host {host} shows every run in {db} to anyone who can reach this machine; "
            "the pages have no authentication")


def _listen(host: str, port: int):
    """A TCP socket listening on ``host``:``port``, as werkzeug would open it (IPv6 when
    ``host`` has a colon); OSError naming the address and the reason otherwise.

    werkzeug's ``make_server`` reports these itself, in two lines, and exits with
    status 1; a socket of our own lets ``python -m tracking ui`` give its one-line
    error and status 2.
    """
    import errno
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    shown = f"[{host}]" if ":" in host else host
    try:
        address = socket.getaddrinfo(host, port, family, socket.SOCK_STREAM, socket.IPPROTO_TCP)[0][4]
        return socket.create_server(address, family=family, backlog=128)
    except OSError as exc:
        hint = ""
        if exc.errno == errno.EADDRINUSE:
            hint = ": another program listens there (--port picks another, --port 0 a free one)"
        elif isinstance(exc, socket.gaierror):
            hint = ": not a host name or address this machine knows (--host 127.0.0.1 is this machine)"
        # create_server's own strerror repeats the address: the system's words alone
        reason = exc.strerror if isinstance(exc, socket.gaierror) or not exc.errno else os.strerror(exc.errno)
        raise OSError(f"cannot serve on {shown}:{port}: {reason}{hint}") from None


def serve(uri=None, host: str = "127.0.0.1", port: int = 5000, *, out=sys.stdout, err=sys.stderr) -> None:
    """Serve ``create_app(uri, host)`` until Ctrl-C (werkzeug's threaded server).

    Prints the address (``port=0`` picks a free port: the printed one); a host
    other than this machine gets a one-line warning, since the pages have no
    authentication.

    Raises
    ------
    OSError
        The address cannot be listened on (port in use, no permission, unknown
        host): one line naming it.
    """
    from werkzeug.serving import make_server

    app = create_app(uri, host=host)
    sock = _listen(host, port)
    try:
        port = sock.getsockname()[1]
        server = make_server(host, port, app, threaded=True, fd=sock.fileno())  # werkzeug dups it
    finally:
        sock.close()
    warning = host_warning(host, app.config["TRACKING_DB"])
    if warning:
        print(warning, file=err, flush=True)
    shown = f"[{host}]" if ":" in host else host
    print(f"tracking ui: http://{shown}:{port}/ (store {app.config['TRACKING_DB']}, "
          "read-only; Ctrl-C to stop)", file=out, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
