"""A run's artifacts: which files of its folder may be listed, served and exported.

One rule for ``get_run`` (and so ``python -m tracking show``), the browser view's run
page and artifact route, and ``export_mlflow``: an artifact is a **regular file
whose real path (every symlink resolved) is inside the run's artifact folder**,
itself a folder directly inside the store's ``artifacts/`` (after resolving
symlinks too). A symlink leading out of the folder, a dangling one, a FIFO or a
device is not an artifact: nothing outside the run's folder is ever read through it.
A symlink leading to a file inside the folder is listed under its own name.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["artifact_file", "artifact_files", "run_folder"]


def run_folder(artifact_root: Path, run_id: str) -> str | None:
    """The real path of run ``run_id``'s artifact folder, or None when there is no such
    folder directly inside (the real path of) ``artifact_root``."""
    base = os.path.realpath(artifact_root)
    root = os.path.realpath(os.path.join(artifact_root, run_id))
    return root if os.path.dirname(root) == base and os.path.isdir(root) else None


def _inside(root: str, path: str) -> str | None:
    """The real path of ``path`` when it is a regular file inside ``root`` (symlinks resolved)."""
    real = os.path.realpath(path)
    if real != root and os.path.commonpath([root, real]) == root and os.path.isfile(real):
        return real
    return None


def artifact_file(root: str, name: str) -> str | None:
    """The real path of the artifact ``name`` (``/``-separated, relative) under the run
    folder ``root``, or None: ``..``, ``.``, empty parts, backslashes, NUL, absolute
    names and anything that is not an artifact (see the module docstring)."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/"):
        return None
    parts = name.split("/")
    if any(part in ("", ".", "..") for part in parts):
        return None
    return _inside(root, os.path.join(root, *parts))


def artifact_files(root: str | None) -> list[tuple[str, str]]:
    """Every artifact under the run folder ``root`` (None: none), sorted by name:
    ``(name relative to root, /-separated; its real path)``.

    Symlinked folders are not walked into (a link leading in names files that are
    listed anyway, under their own names). Time O(files in the folder).
    """
    if root is None:
        return []
    found = []
    for folder, dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(folder, name)
            real = _inside(root, path)
            if real is not None:
                found.append((os.path.relpath(path, root).replace(os.sep, "/"), real))
    return sorted(found)
