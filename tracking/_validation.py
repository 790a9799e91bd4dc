"""Input checks for the ``tracking`` package, in one place.

Every public entry point calls these first, so a bad key, value, step, name or
store location is reported with the offending value before anything is written.
"""

from __future__ import annotations

import math
import numbers
import os
import posixpath
import re
from pathlib import Path

__all__ = [
    "RunNotFound",
    "check_artifact_name",
    "check_key",
    "check_mapping",
    "check_metric_value",
    "check_name",
    "check_param_value",
    "check_status",
    "check_step",
    "check_tags",
    "db_path_from_uri",
]

#: Keys: letters, digits, underscore, dash, period, space and slash (MLflow's rule),
#: at most 250 characters, not empty.
_KEY_RE = re.compile(r"[\w\-. /]+")
MAX_KEY_LEN = 250
MAX_PARAM_LEN = 6000
TERMINAL_STATUSES = ("FINISHED", "FAILED", "KILLED")
STATUSES = ("RUNNING",) + TERMINAL_STATUSES
INT64_MAX = 2**63 - 1


class RunNotFound(ValueError, LookupError):
    """No run with this id (or id prefix) exists in the store."""


def check_key(key, what: str = "key") -> str:
    """Return ``key`` if it is a usable param, metric or tag key, else raise."""
    if not isinstance(key, str):
        raise TypeError(f"{what} must be a str, got {type(key).__name__} {key!r}")
    if not key:
        raise ValueError(f"{what} must be a non-empty string, got ''")
    if len(key) > MAX_KEY_LEN:
        raise ValueError(f"{what} must be at most {MAX_KEY_LEN} characters, got {len(key)}: {key[:40]!r}...")
    if not _KEY_RE.fullmatch(key) or key != key.strip():
        raise ValueError(
            f"{what} may contain only letters, digits, '_', '-', '.', ' ' and '/' "
            f"(no leading or trailing space), got {key!r}"
        )
    norm = posixpath.normpath(key)
    if norm != key or norm == "." or norm.startswith(("..", "/")):
        # MLflow's rule too (keys may become file paths there): export-mlflow needs it
        raise ValueError(
            f"{what} must be a normalised relative path (no leading '/', no '//', '.' or '..' "
            f"parts, no trailing '/'), got {key!r}"
        )
    return key


def check_metric_value(key: str, value) -> float:
    """Return ``value`` as a float; NaN and +-inf are accepted as they are.

    bool (Python's or numpy's) is refused: True is not a measurement, and
    ``float(flag)`` says that 0/1 is meant.
    """
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        try:
            result = float(value)
        except OverflowError:
            raise ValueError(f"metric {key!r} must fit in a float64, got {value!r}") from None
        if math.isinf(result) and value == value and value != result:
            # a finite long double beyond float64 would silently become +-inf
            raise ValueError(f"metric {key!r} must fit in a float64, got {value!r}")
        return result
    if isinstance(value, bool) or type(value).__name__ in ("bool", "bool_"):  # numpy's too
        raise TypeError(
            f"metric {key!r} must be a real number, got bool {value!r}: log float(value) for 0/1"
        )
    # numpy 0-d arrays and other objects with __float__ are refused on purpose:
    # a length-1 array is often a bug (a whole vector was meant).
    raise TypeError(f"metric {key!r} must be a real number, got {type(value).__name__} {value!r}")


def check_step(step) -> int:
    """Return ``step`` as a Python int in the int64 range."""
    if not isinstance(step, numbers.Integral) or isinstance(step, bool):
        raise TypeError(f"step must be an integer, got {type(step).__name__} {step!r}")
    step = int(step)
    if not -INT64_MAX <= step <= INT64_MAX:
        raise ValueError(f"step must fit in 64 bits, got {step}")
    return step


def check_param_value(key: str, value) -> str:
    """Params are stored as text: ``str(value)``, at most 6000 characters."""
    text = value if isinstance(value, str) else str(value)
    if len(text) > MAX_PARAM_LEN:
        raise ValueError(f"param {key!r} must be at most {MAX_PARAM_LEN} characters as text, got {len(text)}")
    return text


def check_name(value, what: str) -> str:
    """An experiment or run name: a non-empty str without surrounding whitespace."""
    if not isinstance(value, str):
        raise TypeError(f"{what} must be a str, got {type(value).__name__} {value!r}")
    if not value.strip():
        raise ValueError(f"{what} must be a non-empty string, got {value!r}")
    if value != value.strip():
        raise ValueError(f"{what} must not start or end with whitespace, got {value!r}")
    if len(value) > MAX_KEY_LEN:
        raise ValueError(f"{what} must be at most {MAX_KEY_LEN} characters, got {len(value)}")
    return value


def check_status(status, terminal: bool = True) -> str:
    """One of FINISHED, FAILED, KILLED (and RUNNING when ``terminal`` is False)."""
    allowed = TERMINAL_STATUSES if terminal else STATUSES
    if status not in allowed:
        raise ValueError(f"status must be one of {', '.join(allowed)}, got {status!r}")
    return status


def check_artifact_name(name, what: str = "name") -> str:
    """A plain file name (no directory part), not '.' or '..'."""
    if not isinstance(name, str):
        raise TypeError(f"{what} must be a str, got {type(name).__name__} {name!r}")
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\x00" in name:
        raise ValueError(f"{what} must be a plain file name without directories, got {name!r}")
    return name


def check_mapping(values, what: str) -> dict:
    """``values`` must be a dict-like mapping (``log_params``, ``set_tags``...)."""
    if not hasattr(values, "items"):
        raise TypeError(f"{what} must be a dict, got {type(values).__name__} {values!r}")
    return dict(values.items())


def check_tags(tags) -> dict:
    """``tags`` as a dict of checked tag keys to text (``str(value)``); tags have no
    length limit and may change later."""
    return {check_key(k, "tag key"): v if isinstance(v, str) else str(v)
            for k, v in check_mapping(tags, "tags").items()}


def db_path_from_uri(uri) -> Path:
    """The database file of a tracking URI.

    ``sqlite:///relative/path.db`` is relative to the working directory and
    ``sqlite:////abs/path.db`` absolute (SQLAlchemy's and MLflow's convention); a
    plain path (str or ``os.PathLike``) is accepted too. A leading ``~`` is the
    home directory; query strings (``?mode=ro``) are refused.
    """
    if isinstance(uri, os.PathLike):
        uri = os.fspath(uri)
    if not isinstance(uri, str):
        raise TypeError(f"tracking uri must be a str or path, got {type(uri).__name__} {uri!r}")
    if uri.startswith("sqlite:///"):
        path = uri[len("sqlite:///"):]
        if "?" in path:
            raise ValueError(f"tracking uri must not carry a query string ('?...'), got {uri!r}")
    elif "://" in uri or uri.startswith("sqlite:"):
        raise ValueError(f"tracking uri must look like 'sqlite:///path/to.db' (or be a plain path), got {uri!r}")
    else:
        path = uri
    if not path or path.endswith(("/", os.sep)):
        raise ValueError(f"tracking uri must name a database file, got {uri!r}")
    return Path(path).expanduser()

