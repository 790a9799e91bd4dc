"""Read TSPLIB95 instances (``.tsp``) and tours (``.opt.tour``).

TSPLIB (Reinelt, 1991) publishes proven optimal tour lengths, computed with
*integer* distances defined per ``EDGE_WEIGHT_TYPE``. ``read_tsplib`` reproduces
those integers exactly, so a tour's length compares with the published optimum.

Supported:

- coordinate types ``EUC_2D``, ``CEIL_2D``, ``ATT``, ``GEO`` (``NODE_COORD_SECTION``);
- ``EXPLICIT`` weights in the formats of ``EDGE_WEIGHT_FORMATS`` (``FULL_MATRIX``,
  ``UPPER_ROW``, ``LOWER_ROW``, ``UPPER_DIAG_ROW``, ``LOWER_DIAG_ROW`` and their
  column-wise twins).

A malformed file raises ``TSPLIBFormatError`` (a ``ValueError``) whose message
starts with ``<path>, line <k>:``. ``published_optimum(instance)`` gives TSPLIB95's
published optimum of an instance read here, from ``optima.csv`` (41 instances).
"""

from __future__ import annotations

import csv
import math
import os
from typing import NamedTuple

import numpy as np

from ._metric import geo_degrees
from ._progress import check_progress, reporter
from ._validation import check_matrix_memory
from .instance import Instance, _default_names

__all__ = ["BUNDLED_DIR", "EDGE_WEIGHT_FORMATS", "EDGE_WEIGHT_TYPES", "OPTIMA_CSV", "PublishedOptimum",
           "TSPLIB95_URL", "TSPLIBFormatError", "bundled_names", "published_optima", "published_optimum",
           "read_tour", "read_tsplib"]

#: A few TSPLIB95 instances and optimal tours shipped with the package (see its README),
#: with ``optima.csv``; ``python -m tsp --instance tsplib:NAME`` reads ``NAME.tsp`` here.
BUNDLED_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", "tsplib")

#: The published optimal closed-tour lengths of 41 symmetric TSPLIB95 instances
#: (n = 14 .. 2392), 11 of them shipped in ``BUNDLED_DIR``: columns name, n,
#: edge_weight_type, edge_weight_format, optimum.
OPTIMA_CSV = os.path.join(BUNDLED_DIR, "optima.csv")

#: TSPLIB95's public site: every instance of ``OPTIMA_CSV`` is there (``tsp/ALL_tsp.tar.gz``).
TSPLIB95_URL = "http://comopt.ifi.uni-heidelberg.de/software/TSPLIB95/"


class PublishedOptimum(NamedTuple):
    """One row of ``optima.csv``: an instance and its published optimal tour length."""

    name: str
    n: int
    edge_weight_type: str
    optimum: int


def published_optima(path=None) -> dict:
    """TSPLIB95's published optima: NAME -> ``PublishedOptimum``, read from ``path``
    (an ``optima.csv``; default ``OPTIMA_CSV``, the 41 symmetric instances).

    The optima are closed-tour lengths under TSPLIB's integer distances, the ones
    ``read_tsplib`` reproduces.

    Examples
    --------
    >>> optima = published_optima()
    >>> len(optima), optima["berlin52"].optimum, optima["berlin52"].n
    (41, 7542, 52)
    """
    with open(OPTIMA_CSV if path is None else path, newline="") as f:
        return {row["name"]: PublishedOptimum(row["name"], int(row["n"]), row["edge_weight_type"],
                                              int(row["optimum"]))
                for row in csv.DictReader(f)}


def published_optimum(instance) -> int | None:
    """The published optimal closed-tour length of ``instance``, or None.

    Known when the instance's ``name`` (a ``.tsp`` file's NAME line; a trailing
    ``.tsp``, as in TSPLIB's own ulysses16, is ignored) is one of the 41 of
    ``optima.csv`` and its number of cities matches. The value holds for
    that TSPLIB instance only: a file that reuses a NAME with other coordinates
    gets a value that is not its optimum (a tour shorter than it gives that away).

    Examples
    --------
    >>> published_optimum(read_tsplib(os.path.join(BUNDLED_DIR, "berlin52.tsp")))
    7542
    >>> from tsp import seed_routes
    >>> published_optimum(seed_routes()) is None
    True
    """
    name = instance.name[:-4] if instance.name.endswith(".tsp") else instance.name
    row = published_optima().get(name)
    return row.optimum if row is not None and row.n == instance.n else None


def bundled_names() -> list:
    """Names of the TSPLIB instances shipped in ``BUNDLED_DIR`` (``tsplib:NAME``), sorted."""
    return sorted(f[:-4] for f in os.listdir(BUNDLED_DIR) if f.endswith(".tsp"))


class TSPLIBFormatError(ValueError):
    """A TSPLIB file that cannot be read; ``path`` and ``line`` say where."""

    def __init__(self, path: str, line: int, message: str):
        self.path = path
        self.line = line
        super().__init__(f"{path}, line {line}: {message}")


#: The coordinate EDGE_WEIGHT_TYPEs: distances from the (n, 2) NODE_COORD_SECTION by
#: TSPLIB's integer formulas (``tsp._metric``). ``EXPLICIT`` is handled by
#: ``EDGE_WEIGHT_FORMATS`` instead.
EDGE_WEIGHT_TYPES = ("EUC_2D", "CEIL_2D", "ATT", "GEO")


# ---------------------------------------------------------------------------
# EXPLICIT formats: where the k-th number of EDGE_WEIGHT_SECTION goes
# ---------------------------------------------------------------------------


def _full(n):
    i, j = np.divmod(np.arange(n * n), n)
    return i, j


def _upper_row(n):
    return np.triu_indices(n, 1)


def _lower_row(n):
    return np.tril_indices(n, -1)


def _upper_diag_row(n):
    return np.triu_indices(n, 0)


def _lower_diag_row(n):
    return np.tril_indices(n, 0)


#: EDGE_WEIGHT_FORMAT -> function n -> (rows, cols) of the cells the numbers fill, in order.
#: Every format but FULL_MATRIX gives one triangle, mirrored to make the matrix symmetric.
EDGE_WEIGHT_FORMATS = {
    "FULL_MATRIX": _full,
    "UPPER_ROW": _upper_row,
    "LOWER_ROW": _lower_row,
    "UPPER_DIAG_ROW": _upper_diag_row,
    "LOWER_DIAG_ROW": _lower_diag_row,
    # Column by column, one triangle is read in the row-by-row order of the other
    # (UPPER_COL's (i, j) is LOWER_ROW's (j, i)); mirrored, the matrix is the same.
    "UPPER_COL": _lower_row,
    "LOWER_COL": _upper_row,
    "UPPER_DIAG_COL": _lower_diag_row,
    "LOWER_DIAG_COL": _upper_diag_row,
}


# ---------------------------------------------------------------------------
# Scanning: header lines and sections, with line numbers
# ---------------------------------------------------------------------------


class _Scan:
    """A TSPLIB file cut into header entries and sections, each with its line number."""

    def __init__(self, path: str):
        self.path = path
        self.header = {}  # KEY -> (value, line)
        self.sections = {}  # NAME -> (line, [(line, tokens), ...])
        self.last_line = 0

    def error(self, line: int, message: str):
        return TSPLIBFormatError(self.path, line, message)

    def value(self, key: str, required: bool = False):
        """(value, line) of a header key; (None, None) when absent and not required."""
        if key in self.header:
            return self.header[key]
        if required:
            raise self.error(self.last_line, f"missing header line '{key}: ...'")
        return None, None


def _is_number(token: str) -> bool:
    try:
        float(token)
    except ValueError:
        return False
    return True


#: Lines (or rows) read between two progress reports.
_REPORT_EVERY = 20_000


def _scan(path, bare_section: str | None = None, progress=None) -> _Scan:
    """Split a file into header and sections. ``bare_section`` names the section that
    numbers before any header or section belong to (tour files without a header).
    ``progress`` (``tsp._progress``) is told the lines scanned."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {type(path).__name__}")
    path = os.fspath(path)
    with open(path, encoding="latin-1") as f:  # FileNotFoundError names the path
        lines = f.read().splitlines()
    with reporter(progress, len(lines), f"reading {os.path.basename(path)}", " lines") as report:
        return _scan_lines(_Scan(path), lines, bare_section, report)


def _scan_lines(scan: _Scan, lines: list, bare_section: str | None, report) -> _Scan:
    current = None
    for k, raw in enumerate(lines, 1):
        scan.last_line = k
        if report is not None and k % _REPORT_EVERY == 0:
            report(k)
        line = raw.strip()
        if not line:
            continue
        if line == "EOF":
            break
        head, colon, rest = line.partition(":")
        key = head.strip().upper()
        words = key.split()
        if key.endswith("_SECTION") and len(words) == 1 and not rest.strip():
            if key in scan.sections:
                raise scan.error(k, f"{key} appears twice (first on line {scan.sections[key][0]})")
            current = []
            scan.sections[key] = (k, current)
        elif colon and len(words) == 1 and not _is_number(key):
            if key in scan.header:
                raise scan.error(k, f"header {key} appears twice (first on line {scan.header[key][1]})")
            scan.header[key] = (rest.strip(), k)
            current = None
        elif current is not None:
            current.append((k, line.split()))
        elif bare_section is not None and not scan.header and not scan.sections and _is_number(line.split()[0]):
            current = [(k, line.split())]
            scan.sections[bare_section] = (k, current)
        else:
            raise scan.error(k, f"expected 'KEY: value' or a section name, got {line[:40]!r}")
    return scan


def _number(scan: _Scan, line: int, token: str, what: str) -> float:
    try:
        x = float(token)
    except ValueError:
        raise scan.error(line, f"{what} must be a number, got {token!r}") from None
    if not math.isfinite(x):
        raise scan.error(line, f"{what} must be finite, got {token!r}")
    return x


def _integer(scan: _Scan, line: int, token: str, what: str) -> int:
    try:
        return int(token)
    except ValueError:
        raise scan.error(line, f"{what} must be an integer, got {token!r}") from None


def _dimension(scan: _Scan) -> int:
    value, line = scan.value("DIMENSION", required=True)
    n = _integer(scan, line, value, "DIMENSION")
    if n < 2:
        raise scan.error(line, f"DIMENSION must be at least 2, got {n}")
    return n


def _missing(seen, n: int) -> tuple:
    """(how many of the nodes 1..n are not in ``seen``, the first few as text); O(len(seen))."""
    count = n - len(seen)
    first = []
    node = 1
    while len(first) < 5 and node <= n:
        if node not in seen:
            first.append(node)
        node += 1
    shown = ", ".join(map(str, first)) + (", ..." if count > 5 else "")
    return count, shown


#: GEO (latitude, longitude) bounds in degrees, after TSPLIB's DDD.MM conversion
#: (``_metric.geo_degrees``), to within ``GEO_SLACK`` degrees of float rounding.
GEO_LIMITS = (("latitude", 90.0), ("longitude", 180.0))
GEO_SLACK = 1e-9


def _check_geo(scan: _Scan, line: int, node: int, tokens, point) -> None:
    """A GEO point must lie on the globe: latitude within -90..90, longitude -180..180 degrees.

    Minutes of 60 or more are not refused: TSPLIB's conversion carries them into
    the degrees, and the published ali535 writes three (45.80, -24.80, 40.62).
    """
    for (what, limit), token, value in zip(GEO_LIMITS, tokens, point):
        angle = float(geo_degrees(value))
        if abs(angle) > limit + GEO_SLACK:
            raise scan.error(line, f"GEO {what} must be within -{limit:g}..{limit:g} degrees, got {token!r} "
                                   f"for node {node} (DDD.MM: {angle:.2f} degrees)")


def _node_coords(scan: _Scan, section: str, n: int, geo: bool = False, progress=None) -> np.ndarray:
    """The (n, 2) coordinates of a NODE_COORD_SECTION or DISPLAY_DATA_SECTION.

    ``geo``: the points are GEO latitudes and longitudes, checked by ``_check_geo``.
    ``progress`` is told the rows read.
    """
    start, rows = scan.sections[section]
    with reporter(progress, len(rows), "coordinates", " nodes") as report:
        return _read_coords(scan, section, n, geo, start, rows, report)


def _read_coords(scan: _Scan, section: str, n: int, geo: bool, start: int, rows: list, report) -> np.ndarray:
    coords = {}  # node -> (x, y); nothing of size n before the nodes are all there
    for r, (line, tokens) in enumerate(rows, 1):
        if report is not None and r % _REPORT_EVERY == 0:
            report(r)
        if len(tokens) != 3:
            raise scan.error(line, f"{section} lines must be 'node x y', got {' '.join(tokens)!r}")
        node = _integer(scan, line, tokens[0], "node number")
        if not 1 <= node <= n:
            raise scan.error(line, f"node number must be in 1..{n} (DIMENSION), got {node}")
        if node in coords:
            raise scan.error(line, f"node {node} is given twice")
        coords[node] = (_number(scan, line, tokens[1], "x"), _number(scan, line, tokens[2], "y"))
        if geo:
            _check_geo(scan, line, node, tokens[1:], coords[node])
    if len(coords) < n:
        count, shown = _missing(coords, n)
        raise scan.error(start, f"{section} lacks {count} of the {n} nodes: {shown}")
    xy = np.empty((n, 2))
    for node, point in coords.items():
        xy[node - 1] = point
    return xy


def _explicit_matrix(scan: _Scan, n: int) -> np.ndarray:
    fmt, fmt_line = scan.value("EDGE_WEIGHT_FORMAT", required=True)
    fmt = fmt.upper()
    if fmt not in EDGE_WEIGHT_FORMATS:
        raise scan.error(fmt_line, f"EDGE_WEIGHT_FORMAT must be one of {sorted(EDGE_WEIGHT_FORMATS)}, got {fmt!r}")
    if "EDGE_WEIGHT_SECTION" not in scan.sections:
        raise scan.error(scan.last_line, "EDGE_WEIGHT_TYPE EXPLICIT needs an EDGE_WEIGHT_SECTION")
    # How many numbers the format takes, counted before anything of size n^2 exists.
    if fmt == "FULL_MATRIX":
        expected = n * n
    elif "DIAG" in fmt:
        expected = n * (n + 1) // 2
    else:
        expected = n * (n - 1) // 2
    start, lines = scan.sections["EDGE_WEIGHT_SECTION"]
    weights = []
    for line, tokens in lines:
        if len(weights) + len(tokens) > expected:
            raise scan.error(line, f"too many numbers in EDGE_WEIGHT_SECTION: {fmt} with DIMENSION {n} takes {expected}")
        for token in tokens:
            w = _number(scan, line, token, "edge weight")
            if w < 0:
                raise scan.error(line, f"edge weight must be non-negative, got {token!r}")
            weights.append(w)
    k = len(weights)
    if k < expected:
        end = lines[-1][0] if lines else start
        raise scan.error(end, f"EDGE_WEIGHT_SECTION has {k} numbers, {fmt} with DIMENSION {n} needs {expected}")
    check_matrix_memory(n)
    rows, cols = EDGE_WEIGHT_FORMATS[fmt](n)
    weights = np.array(weights)
    m = np.zeros((n, n))
    m[rows, cols] = weights
    if fmt != "FULL_MATRIX":
        m[cols, rows] = weights
    np.fill_diagonal(m, 0.0)
    return m


def read_tsplib(path, *, progress=None) -> Instance:
    """Read a TSPLIB ``.tsp`` file into an ``Instance`` with TSPLIB's integer distances.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.tsp`` file.
    progress : None, True or callable, optional
        Told the lines read, then the coordinates parsed (``True``: tqdm bars on
        stderr; a callable: ``progress(done, total)``). A file of 10^6 cities
        (20 MB) takes about 3 s.

    Returns
    -------
    Instance
        Cities named ``"1"`` .. ``"n"`` (TSPLIB's node numbers; index i is node i + 1),
        ``name`` from the NAME line (the file name when absent). A coordinate type
        (EUC_2D, CEIL_2D, ATT, GEO) gives a geometric instance: ``metric`` the type,
        ``coords`` the node coordinates as written in the file (for GEO: latitude,
        longitude in DDD.MM), distances computed from them, TSPLIB's integers as
        float64 (``dist`` built on first use). EXPLICIT gives a matrix instance
        whose ``dist`` holds the weights; ``coords`` the DISPLAY_DATA_SECTION (or
        NODE_COORD_SECTION) when present, else None.

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist (the message names it).
    TSPLIBFormatError
        A ``ValueError`` naming the file and line: missing DIMENSION or
        EDGE_WEIGHT_TYPE, an unknown type or format, a non-numeric token, the wrong
        number of weights, a node missing or given twice, a GEO point off the
        globe (latitude beyond -90..90 or longitude beyond -180..180 degrees).
    ValueError
        When the n x n matrix of an EXPLICIT file cannot fit in memory (the
        message names n and the memory it needs).

    Notes
    -----
    With ``nint(x) = floor(x + 0.5)`` and ``dx, dy`` the coordinate differences:

    - EUC_2D: ``nint(sqrt(dx^2 + dy^2))``; CEIL_2D: ``ceil(sqrt(dx^2 + dy^2))``;
    - ATT: ``r = sqrt((dx^2 + dy^2) / 10)``, ``t = nint(r)``, ``t + 1`` if ``t < r`` else ``t``;
    - GEO: each DDD.MM value becomes ``PI * (deg + 5 * min / 3) / 180`` with
      ``deg`` its truncation and ``PI = 3.141592`` (in degrees, ``deg + 5 * min / 3``
      must lie within -90..90 for a latitude, -180..180 for a longitude; minutes
      of 60 or more carry over, as in the published ali535); then
      ``int(6378.388 * acos(0.5 ((1 + q1) q2 - (1 - q1) q3)) + 1)`` with
      ``q1 = cos(dlon)``, ``q2 = cos(dlat)``, ``q3 = cos(lat_i + lat_j)``;
    - EXPLICIT: the numbers fill the matrix in the order of EDGE_WEIGHT_FORMAT; a
      triangle is mirrored. The diagonal is set to 0 (it is never used).

    Coordinate types are computed by the compiled per-pair formulas of the
    distance seam (``tsp._metric``), pair by pair when needed: reading is time
    and memory O(n) (EXPLICIT: O(n^2)).

    Examples
    --------
    >>> text = "NAME: tri\\nDIMENSION: 3\\nEDGE_WEIGHT_TYPE: EUC_2D\\n"
    >>> text += "NODE_COORD_SECTION\\n1 0 0\\n2 3 4\\n3 0 4.6\\nEOF\\n"
    >>> with open("tri.tsp", "w") as f:
    ...     _ = f.write(text)
    >>> inst = read_tsplib("tri.tsp")
    >>> inst.name, inst.names, inst.metric
    ('tri', ('1', '2', '3'), 'EUC_2D')
    >>> inst.dist
    array([[0., 5., 5.],
           [5., 0., 3.],
           [5., 3., 0.]])
    """
    check_progress(progress)
    scan = _scan(path, progress=progress)
    kind, kind_line = scan.value("TYPE")
    if kind is not None and kind.split()[:1] not in (["TSP"], ["ATSP"]):
        raise scan.error(kind_line, f"TYPE must be TSP or ATSP, got {kind!r}")
    n = _dimension(scan)
    wtype, wtype_line = scan.value("EDGE_WEIGHT_TYPE", required=True)
    wtype = wtype.upper()
    ctype, ctype_line = scan.value("NODE_COORD_TYPE")
    if ctype is not None and ctype.upper() not in ("TWOD_COORDS", "NO_COORDS"):
        raise scan.error(ctype_line, f"NODE_COORD_TYPE must be TWOD_COORDS or NO_COORDS, got {ctype!r}")
    if wtype == "EXPLICIT":
        dist = _explicit_matrix(scan, n)
        display = next((s for s in ("DISPLAY_DATA_SECTION", "NODE_COORD_SECTION") if s in scan.sections), None)
        coords = _node_coords(scan, display, n) if display else None
    elif wtype in EDGE_WEIGHT_TYPES:
        if "NODE_COORD_SECTION" not in scan.sections:
            raise scan.error(scan.last_line, f"EDGE_WEIGHT_TYPE {wtype} needs a NODE_COORD_SECTION")
        coords = _node_coords(scan, "NODE_COORD_SECTION", n, geo=wtype == "GEO", progress=progress)
        dist = None
    else:
        known = sorted(EDGE_WEIGHT_TYPES) + ["EXPLICIT"]
        raise scan.error(wtype_line, f"EDGE_WEIGHT_TYPE must be one of {known}, got {wtype!r}")
    name, _ = scan.value("NAME")
    if not name:
        name = os.path.splitext(os.path.basename(scan.path))[0]
    if dist is not None:
        return Instance._from_owned(_default_names(n, first=1), dist, coords, name=name)
    try:
        return Instance._from_owned(_default_names(n, first=1), None, coords, name=name, metric=wtype)
    except ValueError as exc:  # distances that overflow float64 would read as "no edge" (inf)
        raise scan.error(scan.sections["NODE_COORD_SECTION"][0], f"coordinates too large for {wtype}: {exc}") from None


def read_tour(path) -> np.ndarray:
    """Read a TSPLIB tour file (``.opt.tour``) as 0-based city indices.

    Parameters
    ----------
    path : str or os.PathLike
        The tour file: an optional header (``DIMENSION`` is checked when given),
        then ``TOUR_SECTION`` with the node numbers 1..n, ended by ``-1`` or the end
        of the file. A file holding only the node numbers is read too (some
        published tours come that way).

    Returns
    -------
    numpy.ndarray
        int64 indices (node number - 1), a permutation of 0..n-1. Pair it with its
        instance as a closed tour: ``Tour.from_order(instance, order, closed=True)``.

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist.
    TSPLIBFormatError
        A ``ValueError`` naming the file and line: a non-integer, a node out of
        range or repeated, numbers after the ``-1``, nodes missing.

    Examples
    --------
    >>> with open("tri.opt.tour", "w") as f:
    ...     _ = f.write("TYPE : TOUR\\nDIMENSION : 3\\nTOUR_SECTION\\n1\\n3\\n2\\n-1\\nEOF\\n")
    >>> read_tour("tri.opt.tour")
    array([0, 2, 1])
    """
    scan = _scan(path, bare_section="TOUR_SECTION")
    if "TOUR_SECTION" not in scan.sections:
        raise scan.error(scan.last_line, "no TOUR_SECTION")
    start, lines = scan.sections["TOUR_SECTION"]
    nodes, where = [], []
    ended = None
    for line, tokens in lines:
        for token in tokens:
            node = _integer(scan, line, token, "node number")
            if ended is not None:
                raise scan.error(line, f"numbers after the -1 that ended the tour on line {ended}")
            if node == -1:
                ended = line
                continue
            nodes.append(node)
            where.append(line)
    dim, dim_line = scan.value("DIMENSION")
    n = len(nodes) if dim is None else _integer(scan, dim_line, dim, "DIMENSION")
    seen = set()
    for node, line in zip(nodes, where):
        if not 1 <= node <= n:
            raise scan.error(line, f"node number must be in 1..{n}, got {node}")
        if node in seen:
            raise scan.error(line, f"node {node} is visited twice")
        seen.add(node)
    if n < 2 or len(seen) < n:
        _, shown = _missing(seen, n)
        raise scan.error(start, f"the tour visits {len(nodes)} of {n} nodes; missing: {shown or 'a tour needs 2 nodes'}")
    return np.array(nodes, dtype=np.int64) - 1
