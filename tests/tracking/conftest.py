"""Every tracking test logs into a temporary store, never into the repo's runs/.

The autouse fixture points the environment variable and the working directory
at the test's tmp_path; the tests read the store through the default URI.
"""

import pytest

import tracking
from tracking import store as _store


@pytest.fixture(autouse=True)
def temp_store(tmp_path, monkeypatch):
    """A fresh store per test, through the environment variable."""
    db = tmp_path / "store" / "tracking.db"
    monkeypatch.setenv("OPTSANDBOX_TRACKING_URI", f"sqlite:///{db}")
    monkeypatch.chdir(tmp_path)
    tracking.set_tracking_uri(None)
    yield db
    while tracking.active_run() is not None:
        tracking.end_run("KILLED")
    tracking.set_tracking_uri(None)
    _store.close_all()
