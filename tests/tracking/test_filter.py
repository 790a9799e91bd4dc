"""tracking/_filter.py: the filter language of search_runs (parsing, errors, LIKE/ILIKE)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracking import search_runs, start_run
from tracking._filter import parse_filter
from tests import reference as ref
from tests.profiles import slow
from tests.tracking.helpers import three_runs


@pytest.mark.parametrize("flt, expected", [
    ("metrics.best < 130 and params.n = '15'", [15]),
    ("metrics.best < 130 AND params.n = \"15\"", [15]),
    ("run_name LIKE 'tsp-1%'", [10, 15]),
    ("run_name LIKE 'TSP-1%'", []),
    ("run_name ILIKE 'TSP-1%'", [10, 15]),
    ("run_name like 'tsp-_0'", [10, 20]),
    ("status = 'FINISHED'", [10, 15]),
    ("status != 'FINISHED'", [20]),
    ("experiment = 'other'", [20]),
    ("metrics.best >= 125", [15, 20]),
    ("metrics.best != 125", [10, 20]),
    ("metrics.best > -1e3 and metrics.best <= 1.25e2", [10, 15]),
    ("metrics.missing > 0", []),
    ("params.n != '10' and tags.kind = 'big'", [15, 20]),
    ("params.seed = '1'", [10, 15, 20]),
    ("tags.`kind` = 'small'", [10]),
    ("duration_s >= 0", [10, 15, 20]),
    ("start_time > 0 and end_time > '2000-01-01'", [10, 15, 20]),
    ("start_time < '2000-01-01T00:00'", []),
    ("run_name = 'x'' OR 1=1 --'", []),
    ("", [10, 15, 20]),
])
def test_filters(flt, expected):
    ids = three_runs()
    got = set(search_runs(filter=flt)["run_id"])
    assert got == {ids[n] for n in expected}


@pytest.mark.parametrize("flt, pos, token", [
    ("metrics.best <", 14, ""),
    ("metrics.best < 130 or params.n = '1'", 19, "or"),
    ("metrics.best < 'abc'", 15, "'abc'"),
    ("params.n = 15", 11, "15"),
    ("bogus = 1", 0, "bogus"),
    ("metrics.best ~ 3", 13, "~"),
    ("metrics. < 3", 9, "<"),
    ("run_name = 'unterminated", 11, "'"),
    ("status = 'FINISHED' and", 23, ""),
    ("metrics.best 3", 13, "3"),
    ("metrics.best LIKE 3", 13, "LIKE"),
    ("end_time like '2026%'", 9, "like"),
    ("start_time > 'yesterday'", 13, "'yesterday'"),
    ("params.n > '9'", 9, ">"),        # text order would put '10' before '9': refused, as in MLflow
    ("tags.kind <= 'small'", 10, "<="),
])
def test_bad_filters_point_at_the_token(flt, pos, token):
    with pytest.raises(ValueError, match="bad filter") as info:
        search_runs(filter=flt)
    message = str(info.value)
    assert f"at position {pos}, token {token!r}" in message


def test_filter_parses_dotted_and_quoted_keys():
    assert parse_filter("metrics.train.loss < 1") == [("metrics", "train.loss", "<", 1.0)]
    assert parse_filter("params.`a b` = 'x'") == [("params", "a b", "=", "x")]
    assert parse_filter("tags.'it''s' = 'y'") == [("tags", "it's", "=", "y")]
    with pytest.raises(TypeError, match="filter must be a str"):
        parse_filter(3)


# LIKE and ILIKE against the SQL twin, over one module-wide store of oddly named runs
_NAMES = ["tsp-10", "tsp_1", "TSP-2", "a%b", "a*b", "a?b", "[x]", "it's", "", "ab", "b"]
_like_ids: dict = {}
_like_store = None


@pytest.fixture(autouse=True, scope="module")
def _like_store_dir(tmp_path_factory):
    global _like_store
    _like_store = tmp_path_factory.mktemp("like") / "like.db"
    yield


@slow
@given(pattern=st.text(alphabet="ab%_*?[]'tsTS-x", max_size=6), case=st.booleans())
def test_like_matches_the_sql_twin(pattern, case):
    if not _like_ids:
        for name in _NAMES:
            with start_run(run_name=name or "empty", uri=_like_store) as run:
                run.set_tag("name", name)
            _like_ids[run.run_id] = name
    op = "LIKE" if case else "ILIKE"
    quoted = pattern.replace("'", "''")
    got = set(search_runs(filter=f"tags.name {op} '{quoted}'", uri=_like_store)["run_id"])
    want = {rid for rid, name in _like_ids.items() if ref.sql_like(pattern, name, case)}
    assert got == want
