"""tracking/ui.py: the browser view, through Flask's test client and in a real browser.

Every page and its 404s, escaping, artifact traversal refused, bad filters answered
with their message and status 400, charts that are SVG holding the run's points.
The last tests start ``python -m tracking ui`` and load pages in headless chromium
(Debian's ``chromium``; skipped with a reason when it is absent, installed by
``.ci/run`` in CI).
"""

import html
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

import tracking
from tracking import start_run, ui
from tracking.__main__ import main as cli_main
from tests.tracking.helpers import three_runs

REPO = Path(__file__).resolve().parents[2]
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def client():
    return ui.create_app().test_client()


def _text(page: str) -> str:
    """The page's text, tags dropped and whitespace squeezed (what a reader sees)."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


# -- pages -----------------------------------------------------------------------------------------


def test_experiments_page_counts_runs_and_links_each_experiment(client):
    three_runs()
    running = start_run(experiment="live", run_name="still going")
    running.log_metric("x", 1.0)
    page = client.get("/")
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = _text(page.text)
    assert re.search(r"tsp 2 ", text) and re.search(r"other 1 ", text) and re.search(r"live 1 1 ", text)
    for eid in re.findall(r'href="/experiments/(\d+)"', page.text):
        assert client.get(f"/experiments/{eid}").status_code == 200
    running.end()


def test_a_store_that_does_not_exist_yet(client, temp_store):
    page = client.get("/")
    assert page.status_code == 200 and "does not exist yet" in page.text
    assert client.get("/experiments/1").status_code == 404
    assert client.get("/runs/0123456789abcdef0123456789abcdef").status_code == 404
    assert not temp_store.exists()  # looking never creates a store
    three_runs()  # the app picks the store up once it exists
    assert "tsp" in client.get("/").text


def _experiment_id(client, name: str) -> int:
    page = client.get("/").text
    return int(re.search(rf'href="/experiments/(\d+)">{re.escape(name)}<', page).group(1))


def _row_names(page: str) -> list:
    return re.findall(r'<td><a href="/runs/[0-9a-f]{32}">([^<]*)</a>', page)


def test_runs_page_columns_sorting_and_filter(client):
    three_runs()
    eid = _experiment_id(client, "tsp")
    page = client.get(f"/experiments/{eid}")
    assert page.status_code == 200
    assert _row_names(page.text) == ["tsp-15", "tsp-10"]  # newest first
    assert ">best<" in page.text and ">n<" in page.text and ">seed<" in page.text  # default columns
    assert "125" in page.text and "FINISHED" in page.text
    # sorting by a metric, both ways; by a param (numbers sort as numbers)
    up = client.get(f"/experiments/{eid}?sort=metrics.best&desc=0").text
    assert _row_names(up) == ["tsp-10", "tsp-15"]
    down = client.get(f"/experiments/{eid}?sort=metrics.best&desc=1").text
    assert _row_names(down) == ["tsp-15", "tsp-10"]
    assert _row_names(client.get(f"/experiments/{eid}?sort=params.n&desc=0").text) == ["tsp-10", "tsp-15"]
    # the user's columns: only those
    picked = client.get(f"/experiments/{eid}?picked=1&col=params.seed").text
    assert ">seed<" in picked and ">best<" not in picked
    # the filter language of search_runs
    only = client.get(f"/experiments/{eid}", query_string={"filter": "metrics.best < 110 and params.n = '10'"})
    assert only.status_code == 200 and _row_names(only.text) == ["tsp-10"]
    none = client.get(f"/experiments/{eid}", query_string={"filter": "status = 'FAILED'"})
    assert none.status_code == 200 and "No runs match the filter" in _text(none.text)


@pytest.mark.parametrize("bad, message", [
    ("metrics.best <", "bad filter at position 14"),
    ("params.n > '3'", "params.n is text"),
    ("nonsense = 1", "unknown identifier"),
    ("metrics.best < 1 or status = 'X'", "only AND joins comparisons"),
    ("run_name = '<script>alert(1)</script>' and", "expected a comparison after AND"),
])
def test_a_bad_filter_is_answered_400_with_its_message(client, bad, message):
    three_runs()
    eid = _experiment_id(client, "tsp")
    page = client.get(f"/experiments/{eid}", query_string={"filter": bad})
    assert page.status_code == 400
    assert message in _text(page.text) and 'role="alert"' in page.text
    assert "<script>alert" not in page.text  # the message quotes the filter: escaped


@pytest.mark.parametrize("query, message", [
    ("sort=bogus", "cannot sort by 'bogus'"),
    ("sort=params.", "cannot sort by"),
    ("page=0", "page must be a positive integer"),
    ("page=x", "page must be a positive integer"),
])
def test_bad_sort_or_page_is_400(client, query, message):
    three_runs()
    page = client.get(f"/experiments/{_experiment_id(client, 'tsp')}?{query}")
    assert page.status_code == 400 and message in _text(page.text)


@pytest.mark.parametrize("query", ["experiment_id=2", "endpoint=x", "_anchor=x", "_method=POST",
                                   "_scheme=javascript&_external=1", "_external=1", "bogus=1&bogus=2"])
def test_unknown_query_parameters_are_left_out_of_the_links(client, monkeypatch, query):
    # they were forwarded into url_for: a clash with its own arguments (500), or links made
    # absolute with the request's Host, or a javascript: scheme
    monkeypatch.setattr(ui, "PAGE_SIZE", 1)
    three_runs()
    eid = _experiment_id(client, "tsp")
    page = client.get(f"/experiments/{eid}?sort=metrics.best&filter=params.seed+%3D+%271%27&{query}",
                      headers={"Host": "localhost:5000"})
    assert page.status_code == 200, query
    links = [html.unescape(h) for h in re.findall(r'href="([^"]*)"', page.text)]
    own = [h for h in links if h.startswith(f"/experiments/{eid}?")]
    assert len(own) >= 5  # sort links on each column, clear, next
    for href in links:
        assert href.startswith("/") and "#" not in href, href
        assert not any(key in href for key in ("experiment_id", "endpoint", "_anchor", "_method", "_scheme",
                                               "_external", "bogus")), href
    assert any("page=2" in h and "sort=metrics.best" in h and "filter=params.seed" in h for h in own)


@pytest.mark.parametrize("value", ["99999999999999999", str(2**63), "4"])
def test_a_page_out_of_range_is_400(client, value):
    three_runs()  # two runs in tsp: one page
    eid = _experiment_id(client, "tsp")
    page = client.get(f"/experiments/{eid}?page={value}")
    assert page.status_code == 400 and "out of range" in _text(page.text), value
    assert client.get(f"/experiments/{eid}?page=1").status_code == 200


def test_runs_page_pages_through_many_runs(client, monkeypatch):
    monkeypatch.setattr(ui, "PAGE_SIZE", 4)
    for i in range(10):
        with start_run(experiment="many", run_name=f"r{i:02d}") as run:
            run.log_param("i", i)
    eid = _experiment_id(client, "many")
    seen = []
    for page in (1, 2, 3):
        text = client.get(f"/experiments/{eid}?sort=params.i&desc=0&page={page}").text
        seen += _row_names(text)
        assert ("next" in text) == (page < 3) and ("previous" in text) == (page > 1)
    assert seen == [f"r{i:02d}" for i in range(10)]
    assert "Runs 9–10 of 10" in _text(client.get(f"/experiments/{eid}?sort=params.i&desc=0&page=3").text)


def test_run_page_shows_everything_about_a_run(client, tmp_path):
    with start_run(experiment="gd", run_name="sweep") as parent:
        with start_run(experiment="gd", run_name="lr=0.1") as child:
            child.log_params({"lr": 0.1, "steps": 3})
            child.set_tag("kind", "demo")
            for k, loss in enumerate([4.0, 1.0, 0.25]):
                child.log_metric("loss", loss, step=k)
            child.log_metric("final", 0.25)
            (tmp_path / "notes.txt").write_text("hello")
            child.log_artifact(tmp_path / "notes.txt")
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
            fig, ax = plt.subplots()
            ax.plot([0, 1])
            child.log_figure(fig, "curve")
            plt.close(fig)
    page = client.get(f"/runs/{child.run_id}")
    assert page.status_code == 200
    text = _text(page.text)
    for expected in ("lr=0.1", "FINISHED", child.run_id, "lr 0.1", "steps 3", "kind demo",
                     "loss 0.25 3", "final 0.25 1", "notes.txt", "curve.png"):
        assert expected in text, expected
    assert f'href="/runs/{parent.run_id}">sweep<' in page.text           # parent linked
    assert f'<img src="/runs/{child.run_id}/chart/loss"' in page.text      # a chart per history
    assert f"/chart/final" not in page.text                                # one point: the table says it
    assert f'<img src="/runs/{child.run_id}/artifacts/curve.png"' in page.text  # images inline
    assert f'href="/runs/{child.run_id}/artifacts/notes.txt?download=1"' in page.text
    assert 'http-equiv="refresh"' not in page.text
    parent_page = client.get(f"/runs/{parent.run_id[:8]}")  # a prefix is enough
    assert parent_page.status_code == 200 and f'href="/runs/{child.run_id}">lr=0.1<' in parent_page.text
    download = client.get(f"/runs/{child.run_id}/artifacts/notes.txt?download=1")
    assert download.status_code == 200 and download.data == b"hello"
    assert download.headers["Content-Disposition"].startswith("attachment")
    image = client.get(f"/runs/{child.run_id}/artifacts/curve.png")
    assert image.mimetype == "image/png" and image.data[:4] == b"\x89PNG"
    assert "sandbox" in image.headers["Content-Security-Policy"]


def test_a_running_run_page_refreshes_itself(client):
    run = start_run(experiment="live", run_name="going")
    run.log_metric("x", 1.0)
    page = client.get(f"/runs/{run.run_id}").text
    assert f'<meta http-equiv="refresh" content="{ui.REFRESH_S}">' in page and "running for" in page
    run.end()
    assert 'http-equiv="refresh"' not in client.get(f"/runs/{run.run_id}").text


def test_compare_page_marks_differences_and_overlays_histories(client):
    ids = three_runs()
    page = client.get(f"/compare?run={ids[10]}&run={ids[15][:8]}&run={ids[20]}")
    assert page.status_code == 200
    rows = {m.group(2).strip(): m.group(1) is not None
            for m in re.finditer(r'<tr( class="diff")?><td class="key">(?:≠ )?([^<]*)</td>', page.text)}
    assert rows == {"n": True, "seed": False, "best": True, "kind": True}
    assert "≠ n" in page.text and "≠ seed" not in page.text
    chart = re.search(r'<img src="(/compare/chart\?[^"]+)"', page.text).group(1).replace("&amp;", "&")
    svg = client.get(chart)
    assert svg.mimetype == "image/svg+xml"
    assert len(_series(svg.data)) == 3  # one line per run
    assert "tsp-10" in svg.text and "tsp-20" in svg.text  # the legend names them


@pytest.mark.parametrize("query, code", [("", 400), ("?run=RUN", 400), ("?run=RUN&run=RUN", 400),
                                         ("?run=RUN&run=" + "f" * 32, 404)])
def test_compare_needs_two_known_runs(client, query, code):
    ids = three_runs()
    page = client.get("/compare" + query.replace("RUN", ids[10]))
    assert page.status_code == code
    if code == 400:
        assert "at least two runs" in _text(page.text)


@pytest.mark.parametrize("path", [
    "/experiments/999", "/experiments/abc", "/runs/" + "f" * 32, "/runs/nothex",
    "/runs/RUN/chart/nope", "/runs/" + "f" * 32 + "/chart/best", "/runs/RUN/artifacts/missing.txt",
    "/compare/chart?run=RUN&run=OTHER&metric=nope", "/no/such/page",
])
def test_unknown_things_are_404_pages(client, path):
    ids = three_runs()
    page = client.get(path.replace("RUN", ids[10]).replace("OTHER", ids[15]))
    assert page.status_code == 404
    assert page.mimetype == "text/html" and "404" in page.text and "Experiments" in page.text


def test_a_metric_chart_names_the_missing_metric(client):
    ids = three_runs()
    page = client.get(f"/runs/{ids[10]}/chart/nope")
    assert "has no metric 'nope'; its metrics: best" in _text(page.text)


# -- safety ----------------------------------------------------------------------------------------


def test_html_in_names_params_and_tags_is_shown_as_text(client):
    evil = "<script>alert(1)</script>"
    with start_run(experiment=f"exp {evil}", run_name=f"run {evil} $x$", tags={"t": evil}) as run:
        run.log_param("p", '<img src=x onerror="alert(2)">')
        run.log_metric("m", 1.0)
        run.log_metric("m", 2.0)
    other = start_run(experiment=f"exp {evil}", run_name="plain")
    other.log_metric("m", 3.0)
    other.end()
    eid = _experiment_id(client, f"exp &lt;script&gt;alert(1)&lt;/script&gt;")
    pages = [client.get("/"), client.get(f"/experiments/{eid}"), client.get(f"/runs/{run.run_id}"),
             client.get(f"/compare?run={run.run_id}&run={other.run_id}"),
             client.get(f"/experiments/{eid}", query_string={"filter": f"run_name = '{evil}' and"})]
    for page in pages:
        assert "<script>" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    assert "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in pages[2].text
    chart = client.get(f"/compare/chart?run={run.run_id}&run={other.run_id}&metric=m")
    assert "<script>" not in chart.text and "&lt;script&gt;" in chart.text  # the legend
    assert "run &lt;script&gt;alert(1)&lt;/script&gt; $x$" in chart.text  # $...$ is not mathtext


def test_pages_allow_no_script_and_no_route_writes(client, temp_store):
    ids = three_runs()
    page = client.get("/")
    assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    methods = {m for rule in client.application.url_map.iter_rules() for m in rule.methods}
    assert methods <= {"GET", "HEAD", "OPTIONS"}
    assert client.post("/").status_code == 405
    # PRAGMA data_version changes when any other connection commits (the commit may sit in
    # -wal: the database file alone says nothing)
    watcher = sqlite3.connect(temp_store)
    before = watcher.execute("PRAGMA data_version").fetchone()[0]
    for path in ("/", "/experiments/1", f"/runs/{ids[10]}", f"/runs/{ids[10]}/chart/best",
                 f"/compare?run={ids[10]}&run={ids[15]}", f"/runs/{ids[10]}/artifacts/none"):
        assert client.get(path).status_code in (200, 404)
    assert watcher.execute("PRAGMA data_version").fetchone()[0] == before
    watcher.close()


def test_the_store_is_opened_read_only(temp_store):
    three_runs()
    store = tracking.store.Store(temp_store, readonly=True)
    run_id = tracking.search_runs()["run_id"][0]
    assert store.read_run(run_id)[0] == run_id
    with pytest.raises(Exception, match="readonly|read-only|query_only"):
        store.set_tags(1, {"k": "v"})
    assert store.checkpoint() is False
    store.close()
    with pytest.raises(ValueError, match="does not exist"):
        tracking.store.Store(temp_store.parent / "none.db", readonly=True)


@pytest.mark.parametrize("host, served, ok", [
    ("localhost", "127.0.0.1", True), ("localhost:5000", "127.0.0.1", True), ("127.0.0.1:8080", "127.0.0.1", True),
    ("[::1]:5000", "127.0.0.1", True), ("LOCALHOST:5000", "127.0.0.1", True), ("[::1]", "::1", True),
    ("attacker.example", "127.0.0.1", False), ("attacker.example:5000", "127.0.0.1", False),
    ("localhost.attacker.example", "127.0.0.1", False), ("127.0.0.1.nip.io:5000", "127.0.0.1", False),
    ("localhost:5000:6000", "127.0.0.1", False), ("localhost:x", "127.0.0.1", False), ("", "127.0.0.1", False),
    ("myhost.lan:5000", "myhost.lan", True), ("myhost.lan:5000", "127.0.0.1", False),
    ("192.168.1.20:5000", "192.168.1.20", True), ("192.168.1.20:5000", "127.0.0.1", False),
    ("192.168.1.20:5000", "0.0.0.0", True), ("[fe80::1]:5000", "::", True), ("attacker.example", "0.0.0.0", False),
])
def test_a_request_naming_another_host_is_refused(temp_store, host, served, ok):
    # DNS rebinding: a page of attacker.example whose name now resolves to 127.0.0.1 would
    # read the runs and artifacts; its requests carry "Host: attacker.example"
    ids = three_runs()
    client = ui.create_app(host=served).test_client()
    for path in ("/", f"/runs/{ids[10]}", f"/runs/{ids[10]}/chart/best"):
        page = client.get(path, headers={"Host": host})
        assert page.status_code == (200 if ok else 400), (path, host)
        if not ok:
            assert "Host" in _text(page.text) and "tsp-10" not in page.text and b"<svg" not in page.data


def _evil_artifacts(run_id: str, store_dir: Path, tmp_path: Path) -> Path:
    """A run's artifact folder with a nested file, symlinks leading out and one leading in."""
    adir = store_dir / "artifacts" / run_id
    (adir / "sub").mkdir(parents=True)
    (adir / "sub" / "ok.txt").write_text("inside")
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET")
    (adir / "out_file").symlink_to(secret)
    (adir / "out_dir").symlink_to(tmp_path)
    (adir / "in_link.txt").symlink_to(adir / "sub" / "ok.txt")
    return secret


@pytest.mark.parametrize("name", [
    "../../tracking.db", "..%2F..%2Ftracking.db", "%2e%2e/%2e%2e/tracking.db", "sub/../../other/x",
    "/etc/passwd", "%2Fetc%2Fpasswd", "//etc/passwd", "out_file", "out_dir/secret.txt", "sub/",
    "sub", ".", "./sub/ok.txt", "sub//ok.txt", "..\\..\\tracking.db", "sub%00ok.txt", "OTHER/ok.txt",
])
def test_artifact_traversal_is_refused(client, temp_store, tmp_path, name):
    ids = three_runs()
    _evil_artifacts(ids[10], temp_store.parent, tmp_path)
    other = temp_store.parent / "artifacts" / ids[15]
    other.mkdir(parents=True)
    (other / "ok.txt").write_text("another run's")
    # (werkzeug first redirects a doubled slash to the single one: followed, it still ends in 404)
    page = client.get(f"/runs/{ids[10]}/artifacts/" + name.replace("OTHER", "../" + ids[15]), follow_redirects=True)
    assert page.status_code == 404, name
    assert b"SECRET" not in page.data and b"SQLite" not in page.data and b"root:" not in page.data


def test_artifacts_inside_the_folder_are_served_and_listed(client, temp_store, tmp_path):
    ids = three_runs()
    _evil_artifacts(ids[10], temp_store.parent, tmp_path)
    assert client.get(f"/runs/{ids[10]}/artifacts/sub/ok.txt").data == b"inside"
    assert client.get(f"/runs/{ids[10]}/artifacts/in_link.txt").data == b"inside"  # a link leading in
    page = client.get(f"/runs/{ids[10]}").text
    assert "sub/ok.txt" in page and "in_link.txt" in page
    assert "out_file" not in page and "secret" not in page  # what would be refused is not listed


# -- charts ----------------------------------------------------------------------------------------


def _series(svg_bytes: bytes, gid: str | None = None) -> list:
    """The vertices of each line (``series-*`` group, or the group ``gid``) of a matplotlib SVG."""
    root = ET.fromstring(svg_bytes)
    out = []
    for group in root.iter(f"{SVG}g"):
        ident = group.get("id", "")
        if (gid is None and ident.startswith("series-")) or ident == gid:
            path = group.find(f"{SVG}path")
            numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?(?:e-?\d+)?", path.get("d"))]
            out.append(np.array(numbers).reshape(-1, 2))
    return out


def _marks(svg_bytes: bytes, gid: str) -> int:
    """How many marks (``<use>`` of one marker) the group ``gid`` holds."""
    for group in ET.fromstring(svg_bytes).iter(f"{SVG}g"):
        if group.get("id") == gid:
            return len(list(group.iter(f"{SVG}use")))
    return 0


def test_a_chart_is_svg_holding_the_runs_points(client):
    steps = [0, 1, 2, 5, 9]
    values = [3.0, -1.0, 2.5, 0.0, 7.0]
    with start_run(experiment="c", run_name="r") as run:
        for s, v in zip(steps, values):
            run.log_metric("loss", v, step=s)
    page = client.get(f"/runs/{run.run_id}/chart/loss")
    assert page.status_code == 200 and page.mimetype == "image/svg+xml"
    assert page.data.startswith(b"<?xml") and b"<svg" in page.data
    (xy,) = _series(page.data)
    assert len(xy) == len(steps)
    # the drawing is an affine image of the points: x grows with the step, y falls as the value grows
    fx = np.polyfit(steps, xy[:, 0], 1)
    fy = np.polyfit(values, xy[:, 1], 1)
    assert fx[0] > 0 and fy[0] < 0
    assert np.allclose(np.polyval(fx, steps), xy[:, 0], atol=0.05)
    assert np.allclose(np.polyval(fy, values), xy[:, 1], atol=0.05)
    assert ">loss<" in page.text  # text stays text


def test_a_chart_marks_nan_and_inf_and_thins_long_histories(client):
    n = 50_000
    values = np.sin(np.arange(n) / 500.0)
    values[[100, 30_000]] = np.nan
    values[40_000] = np.inf
    values[[10, 20, 49_999]] = -np.inf
    with start_run(experiment="c", run_name="long") as run:
        for v in values:
            run.log_metric("x", float(v))
    svg = client.get(f"/runs/{run.run_id}/chart/x").data
    (xy,) = _series(svg)
    assert len(xy) <= 4 * tracking.charts.BUCKETS
    assert _marks(svg, "nan-0") == 2 and _marks(svg, "posinf-0") == 1 and _marks(svg, "neginf-0") == 3
    assert "NaN (2 points)" in svg.decode() and "-inf (3 points)" in svg.decode()
    logy = client.get(f"/runs/{run.run_id}/chart/x?logy=1")
    assert logy.status_code == 200 and logy.data != svg


# -- the server, and a real browser ------------------------------------------------------------------


@pytest.mark.parametrize("host, warned", [("127.0.0.1", False), ("localhost", False), ("::1", False),
                                          ("0.0.0.0", True), ("192.168.1.20", True), ("::", True)])
def test_another_host_than_this_machine_gets_a_one_line_warning(host, warned):
    text = ui.host_warning(host, "/x/tracking.db")
    assert (text is not None) == warned
    if warned:
        assert "\n" not in text and "no authentication" in text and host in text


def _env() -> dict:
    return dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))


@pytest.fixture
def server(temp_store):
    """``python -m tracking ui --port 0`` on 127.0.0.1: yields its base URL."""
    proc = subprocess.Popen([sys.executable, "-m", "tracking", "ui", "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=_env())
    try:
        line = proc.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
        assert match, (line, proc.stderr.read() if proc.poll() is not None else "")
        yield match.group(0)
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_the_server_answers_over_http(server):
    ids = three_runs()
    with urllib.request.urlopen(server + f"runs/{ids[15]}", timeout=30) as page:
        assert page.status == 200 and "tsp-15" in page.read().decode()
    port = server.rsplit(":", 1)[1].strip("/")
    rebound = urllib.request.Request(server + f"runs/{ids[15]}", headers={"Host": f"attacker.example:{port}"})
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(rebound, timeout=30)
    assert info.value.code == 400 and "tsp-15" not in info.value.read().decode()


CHROMIUM = shutil.which("chromium")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="Debian's chromium is not installed (apt-get install -y chromium; .ci/run does it)")


def _chromium(tmp_path: Path, *args) -> subprocess.CompletedProcess:
    profile = tmp_path / "chromium-profile"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", "--hide-scrollbars", f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def _not_blank(png: Path) -> tuple[float, int]:
    """(share of pixels unlike the most common colour, number of distinct colours) of a PNG."""
    import matplotlib.image

    pixels = (matplotlib.image.imread(png)[:, :, :3] * 255).round().astype(np.uint8).reshape(-1, 3)
    colours, counts = np.unique(pixels, axis=0, return_counts=True)
    return 1.0 - counts.max() / counts.sum(), len(colours)


@needs_chromium
def test_headless_chromium_shows_the_runs_page_and_a_run_page(server, tmp_path):
    with start_run(experiment="browser", run_name="sweep"):
        for lr in (0.1, 0.5):
            with start_run(experiment="browser", run_name=f"lr={lr}") as run:
                run.log_param("lr", lr)
                for k in range(200):
                    run.log_metric("loss", float((1 - lr) ** k), step=k)
    page = urllib.request.urlopen(server, timeout=30).read().decode()
    runs_url = server + re.search(r'href="/(experiments/\d+)">browser<', page).group(1)
    run_url = server + f"runs/{run.run_id}"

    dom = _chromium(tmp_path, "--dump-dom", runs_url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "lr=0.1" in dom.stdout and "lr=0.5" in dom.stdout and "Metrics (last value)" in dom.stdout
    dom = _chromium(tmp_path, "--dump-dom", run_url)
    assert dom.returncode == 0 and "Parameters (1)" in dom.stdout and f"/runs/{run.run_id}/chart/loss" in dom.stdout

    for name, url in (("runs", runs_url), ("run", run_url)):
        png = tmp_path / f"{name}.png"
        shot = _chromium(tmp_path, f"--screenshot={png}", "--window-size=1280,900", url)
        assert shot.returncode == 0 and png.is_file(), shot.stderr[-2000:]
        inked, colours = _not_blank(png)
        assert inked > 0.02 and colours > 50, (name, inked, colours)


def test_a_store_that_cannot_be_read(tmp_path, capsys):
    with pytest.raises(ValueError, match="is a directory"):
        ui.create_app(tmp_path)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    with pytest.raises(ValueError, match="cannot be opened"):
        ui.create_app(junk)
    with pytest.raises(SystemExit) as info:
        cli_main(["--uri", str(junk), "ui", "--port", "0"])
    err = capsys.readouterr().err
    assert info.value.code == 2 and err.count("\n") == 1 and "cannot be opened" in err


def test_a_damaged_store_is_a_page_naming_it(temp_store):
    from tracking import store as _store

    ids = three_runs()
    _store.close_all()  # the WAL folded into the file
    size, page = temp_store.stat().st_size, 4096
    with open(temp_store, "r+b") as f:  # the header page intact, every later page garbage
        f.seek(page)
        f.write(b"\xa5" * (size - page))
    client = ui.create_app().test_client()
    for path in ("/", f"/runs/{ids[10]}", "/experiments/1"):
        answer = client.get(path)
        assert answer.status_code == 500 and answer.mimetype == "text/html", path
        text = _text(answer.text)
        assert f"tracking store '{temp_store}' is damaged" in text and "Internal Server Error" in text, path
