"""tsp.tsplib: TSPLIB instances (coordinate types, EXPLICIT formats), tours, malformed files.

Known answers come from the files shipped in tsp/data/tsplib (published optima);
when ../shared/tsplib sits beside the repository, every instance and every
known-optimal tour there is checked too.
"""

import csv
import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests import reference as ref
from tests.data import points_for
from tsp import Instance, Tour, _validation, seed_routes
from tsp.tsplib import BUNDLED_DIR, bundled_names, published_optima, published_optimum
from tsp.tsplib import EDGE_WEIGHT_FORMATS, EDGE_WEIGHT_TYPES, TSPLIBFormatError, read_tour, read_tsplib

DATA = Path(BUNDLED_DIR)
SHARED = Path(__file__).resolve().parents[3] / "shared" / "tsplib"


def optima(folder: Path) -> dict:
    with open(folder / "optima.csv", newline="") as f:
        return {row["name"]: row for row in csv.DictReader(f)}


PUBLISHED = optima(DATA)  # the 41 instances' published optima; 11 of them are shipped
SHIPPED = {name: row for name, row in PUBLISHED.items() if (DATA / f"{name}.tsp").exists()}
SHIPPED_TOURS = sorted(p.name.split(".")[0] for p in DATA.glob("*.opt.tour"))


def write(tmp_path, text: str, name: str = "x.tsp") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


# ---------------------------------------------------------------------------
# Known answers from the shipped files
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_shipped_instance_matches_its_header(name):
    row = SHIPPED[name]
    inst = read_tsplib(DATA / f"{name}.tsp")
    assert inst.n == int(row["n"])
    assert inst.names == tuple(str(i) for i in range(1, inst.n + 1))
    assert inst.name.startswith(name)  # NAME as written: ulysses16 says "ulysses16.tsp"
    assert np.array_equal(inst.dist, inst.dist.T)
    assert np.array_equal(inst.dist, np.round(inst.dist))  # TSPLIB distances are integers
    assert (np.diag(inst.dist) == 0).all()


@pytest.mark.parametrize("name", SHIPPED_TOURS)
def test_shipped_optimal_tour_scores_the_published_optimum(name):
    inst = read_tsplib(DATA / f"{name}.tsp")
    order = read_tour(DATA / f"{name}.opt.tour")
    assert sorted(order.tolist()) == list(range(inst.n))
    tour = Tour.from_order(inst, order, closed=True)
    assert tour.complete
    assert tour.length == float(SHIPPED[name]["optimum"])


def test_ulysses16_name_is_kept_as_written():
    assert read_tsplib(DATA / "ulysses16.tsp").name == "ulysses16.tsp"
    assert read_tsplib(DATA / "berlin52.tsp").name == "berlin52"


@pytest.mark.parametrize(
    "name, kind",
    [("berlin52", "EUC_2D"), ("eil51", "EUC_2D"), ("att48", "ATT"), ("burma14", "GEO"), ("ulysses22", "GEO")],
)
def test_coordinate_instances_equal_the_pairwise_twin(name, kind):
    inst = read_tsplib(DATA / f"{name}.tsp")
    assert inst.coords is not None and inst.coords.shape == (inst.n, 2)
    assert np.array_equal(inst.dist, ref.tsplib_matrix(kind, inst.coords.tolist()))


def test_known_distances():
    # berlin52: nodes 1 (565, 575) and 2 (25, 185): sqrt(540^2 + 390^2) = 666.1 -> 666.
    assert read_tsplib(DATA / "berlin52.tsp").dist[0, 1] == 666
    # att48: nodes 1 (6734, 1453), 2 (2233, 10): r = sqrt((4501^2 + 1443^2) / 10) = 1494.7
    # -> nint 1495 (not below r), so 1495.
    assert read_tsplib(DATA / "att48.tsp").dist[0, 1] == 1495
    # gr17: LOWER_DIAG_ROW "0 633 0 257 390 0 ...": d(2,1) = 633, d(3,1) = 257, d(3,2) = 390.
    gr17 = read_tsplib(DATA / "gr17.tsp")
    assert (gr17.dist[1, 0], gr17.dist[0, 2], gr17.dist[2, 1]) == (633, 257, 390)
    assert gr17.coords is None


def test_explicit_with_display_data_keeps_coords_and_uses_the_matrix():
    bays = read_tsplib(DATA / "bays29.tsp")  # FULL_MATRIX + DISPLAY_DATA_SECTION
    assert bays.coords.shape == (29, 2)
    assert tuple(bays.coords[0]) == (1150.0, 1760.0)
    assert bays.dist[0, 1] == 107 and bays.dist[1, 0] == 107
    bayg = read_tsplib(DATA / "bayg29.tsp")  # UPPER_ROW: first row starts "97 205 139"
    assert (bayg.dist[0, 1], bayg.dist[0, 2], bayg.dist[3, 0]) == (97, 205, 139)


# ---------------------------------------------------------------------------
# Every format, on tiny synthetic files
# ---------------------------------------------------------------------------

M4 = np.array([[0, 1, 2, 3], [1, 0, 4, 5], [2, 4, 0, 6], [3, 5, 6, 0]], dtype=float)
# The weights of M4 written by hand in each format's order (TSPLIB95 section 1.4).
M4_TEXT = {
    "FULL_MATRIX": "0 1 2 3\n1 0 4 5\n2 4 0 6\n3 5 6 0",
    "UPPER_ROW": "1 2 3\n4 5\n6",
    "LOWER_ROW": "1\n2 4\n3 5 6",
    "UPPER_DIAG_ROW": "0 1 2 3\n0 4 5\n0 6\n0",
    "LOWER_DIAG_ROW": "0\n1 0\n2 4 0\n3 5 6 0",
    "UPPER_COL": "1\n2 4\n3 5 6",
    "LOWER_COL": "1 2 3\n4 5\n6",
    "UPPER_DIAG_COL": "0\n1 0\n2 4 0\n3 5 6 0",
    "LOWER_DIAG_COL": "0 1 2 3\n0 4 5\n0 6\n0",
}


def explicit_text(fmt: str, body: str, n: int = 4, extra: str = "") -> str:
    return (
        f"NAME : tiny\nTYPE : TSP\nDIMENSION : {n}\nEDGE_WEIGHT_TYPE : EXPLICIT\n"
        f"EDGE_WEIGHT_FORMAT : {fmt}\nEDGE_WEIGHT_SECTION\n{body}\n{extra}EOF\n"
    )


def test_every_registered_format_has_a_hand_written_case():
    assert set(EDGE_WEIGHT_FORMATS) == set(M4_TEXT)


@pytest.mark.parametrize("fmt", sorted(EDGE_WEIGHT_FORMATS))
def test_explicit_format_fills_the_known_matrix(tmp_path, fmt):
    inst = read_tsplib(write(tmp_path, explicit_text(fmt, M4_TEXT[fmt])))
    assert np.array_equal(inst.dist, M4)
    assert inst.coords is None and inst.name == "tiny"


@pytest.mark.parametrize("fmt", sorted(EDGE_WEIGHT_FORMATS))
def test_explicit_format_round_trips_a_random_matrix(tmp_path, fmt):
    rng = np.random.default_rng(sum(map(ord, fmt)))
    n = 7
    m = rng.integers(1, 1000, (n, n)).astype(float)
    m = np.triu(m, 1) + np.triu(m, 1).T
    cells = ref.tsplib_explicit_cells(fmt, n)
    numbers = [str(int(m[i, j])) for i, j in cells]
    body = "\n".join(" ".join(numbers[k : k + 5]) for k in range(0, len(numbers), 5))  # 5 per line
    assert np.array_equal(read_tsplib(write(tmp_path, explicit_text(fmt, body, n=n))).dist, m)


def test_full_matrix_may_be_asymmetric_and_keeps_display_coords(tmp_path):
    text = explicit_text(
        "FULL_MATRIX", "0 1 9\n2 0 1\n1 7 0", n=3, extra="DISPLAY_DATA_SECTION\n1 0 0\n2 1 0\n3 1 1\n"
    ).replace("TYPE : TSP", "TYPE : ATSP")
    inst = read_tsplib(write(tmp_path, text))
    assert np.array_equal(inst.dist, [[0, 1, 9], [2, 0, 1], [1, 7, 0]])
    assert np.array_equal(inst.coords, [[0, 0], [1, 0], [1, 1]])


def coord_text(kind: str, xy, header_sep: str = ": ") -> str:
    nodes = "\n".join(f"{i} {x} {y}" for i, (x, y) in enumerate(xy, 1))
    return (
        f"NAME{header_sep}pts\nTYPE{header_sep}TSP\nDIMENSION{header_sep}{len(xy)}\n"
        f"EDGE_WEIGHT_TYPE{header_sep}{kind}\nNODE_COORD_SECTION\n{nodes}\nEOF\n"
    )


@pytest.mark.parametrize(
    "kind, expected",
    [
        # (0,0)-(3,4) = 5 exactly; (0,0)-(1,1) = 1.414; (3,4)-(1,1) = sqrt(13) = 3.606.
        ("EUC_2D", [[0, 5, 1], [5, 0, 4], [1, 4, 0]]),
        ("CEIL_2D", [[0, 5, 2], [5, 0, 4], [2, 4, 0]]),
        # ATT: r = sqrt(25/10) = 1.58 -> 2; sqrt(0.2) = 0.447 -> nint 0 < r -> 1; sqrt(1.3) = 1.14 -> 1 < r -> 2.
        ("ATT", [[0, 2, 1], [2, 0, 2], [1, 2, 0]]),
    ],
)
def test_planar_types_on_a_tiny_file(tmp_path, kind, expected):
    xy = [(0, 0), (3, 4), (1, 1)]
    for sep in (": ", " : ", ":"):
        inst = read_tsplib(write(tmp_path, coord_text(kind, xy, sep)))
        assert np.array_equal(inst.dist, expected), sep
        assert np.array_equal(inst.coords, xy)


def test_geo_truncates_degrees(tmp_path):
    # 16.47 means 16 degrees 47 minutes; nint would make it 17 degrees. burma14 nodes 1, 2
    # are 16.47 96.10 and 16.47 94.44: the published table gives 153.
    inst = read_tsplib(write(tmp_path, coord_text("GEO", [(16.47, 96.10), (16.47, 94.44)])))
    assert inst.dist[0, 1] == 153


# Every GEO value of the ten published GEO instances (burma14, ulysses16/22, gr96, gr137,
# gr202, gr229, gr431, gr666, ali535) lies within these: gr666 has both poles (90.00,
# -90.00) and longitudes -175.12 .. 178.25; ali535 writes three values with "minutes"
# of 60 or more (node 187: 45.80, node 429: -24.80, node 501: 40.62), so minutes are
# not required to be below 60: TSPLIB's conversion carries them into the degrees.
GEO_EDGES = [(90.00, 0.00), (-90.00, 180.00), (0.00, -180.00), (89.60, 179.60), (40.62, 45.80), (-24.80, -0.59)]


def test_geo_accepts_the_poles_the_date_line_and_minutes_past_60(tmp_path):
    inst = read_tsplib(write(tmp_path, coord_text("GEO", GEO_EDGES)))
    assert np.array_equal(inst.dist, ref.tsplib_matrix("GEO", GEO_EDGES))


@pytest.mark.parametrize(
    "point, fragment",
    [
        ((500.00, 10.00), r"GEO latitude must be within -90\.\.90 degrees, got '500\.00' for node 2 "
                          r"\(DDD\.MM: 500\.00 degrees\)"),
        ((-90.01, 10.00), r"GEO latitude must be within -90\.\.90 degrees, got '-90\.01' for node 2 \(DDD\.MM: -90\.02"),
        ((89.61, 10.00), r"latitude .* got '89\.61' for node 2 \(DDD\.MM: 90\.02 degrees\)"),  # 89 deg 61 min
        ((10.00, 180.01), r"GEO longitude must be within -180\.\.180 degrees, got '180\.01' for node 2"),
        ((10.00, -179.99), r"longitude .* got '-179\.99' for node 2 \(DDD\.MM: -180\.65 degrees\)"),
    ],
)
def test_geo_coordinates_off_the_globe_name_the_line(tmp_path, point, fragment):
    # review (issue 15): a latitude of 500 degrees was read without a word.
    path = write(tmp_path, coord_text("GEO", [(16.47, 96.10), tuple(f"{v:.2f}" for v in point)]), "bad.tsp")
    with pytest.raises(TSPLIBFormatError, match=fragment) as info:
        read_tsplib(path)
    assert str(info.value).startswith(f"{path}, line 7: ")


def test_a_coordinate_file_is_read_without_a_matrix_and_refuses_one_that_cannot_fit(tmp_path, monkeypatch):
    monkeypatch.setattr(_validation, "available_memory", lambda: 2**20)  # 1 MiB: n <= 323
    monkeypatch.setattr(_validation, "MEMORY_CHECK_FROM", 0)  # every size checked
    xy = [(i, 0) for i in range(400)]
    inst = read_tsplib(write(tmp_path, coord_text("EUC_2D", xy)))
    assert (inst.n, inst.metric, inst.distance(0, 399)) == (400, "EUC_2D", 399.0)
    with pytest.raises(ValueError, match=r"geometric \(EUC_2D\).*n=400 needs 1\.2 MiB for its dense 400 x 400 "
                                         r"distance matrix.*instance\.distance\(i, j\)"):
        inst.dist
    assert read_tsplib(write(tmp_path, coord_text("EUC_2D", xy[:300]))).dist.shape == (300, 300)


def test_an_explicit_file_too_large_for_its_matrix_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(_validation, "available_memory", lambda: 2**20)  # 1 MiB: n <= 323
    monkeypatch.setattr(_validation, "MEMORY_CHECK_FROM", 0)
    text = explicit_text("UPPER_ROW", " ".join(["1"] * (400 * 399 // 2)), n=400)
    with pytest.raises(ValueError, match=r"^n=400 needs 1\.2 MiB for its dense 400 x 400 distance matrix"):
        read_tsplib(write(tmp_path, text))


def test_nodes_may_come_in_any_order(tmp_path):
    text = coord_text("EUC_2D", [(0, 0), (3, 4), (1, 1)]).replace("1 0 0\n2 3 4\n3 1 1", "3 1 1\n1 0 0\n2 3 4")
    inst = read_tsplib(write(tmp_path, text))
    assert np.array_equal(inst.coords, [[0, 0], [3, 4], [1, 1]])


def test_name_defaults_to_the_file_stem(tmp_path):
    text = coord_text("EUC_2D", [(0, 0), (3, 4)]).replace("NAME: pts\n", "")
    assert read_tsplib(write(tmp_path, text, "noname.tsp")).name == "noname"


def coord_file_text(kind: str, xy) -> str:
    return coord_text(kind, [(repr(float(x)), repr(float(y))) for x, y in xy])


@pytest.mark.parametrize("kind", sorted(EDGE_WEIGHT_TYPES))
@given(data=st.data())
def test_coordinate_types_equal_the_pairwise_twin(tmp_path_factory, kind, data):
    """read_tsplib of a file of random points, every pair against ``tsplib_distance``."""
    xy = data.draw(points_for(kind))
    path = tmp_path_factory.mktemp("tsplib") / "x.tsp"
    path.write_text(coord_file_text(kind, xy))
    inst = read_tsplib(path)
    assert np.array_equal(inst.coords, xy)
    assert np.array_equal(inst.dist, ref.tsplib_matrix(kind, xy))


# ---------------------------------------------------------------------------
# Tours
# ---------------------------------------------------------------------------


def test_tour_without_header_or_terminator_is_read():
    order = read_tour(DATA / "att48.opt.tour")  # the published file is just 48 numbers
    assert order.dtype == np.int64 and order[0] == 0 and sorted(order) == list(range(48))


def test_tour_file(tmp_path):
    path = write(tmp_path, "NAME : t\nTYPE : TOUR\nDIMENSION : 4\nTOUR_SECTION\n1\n3 2\n4\n-1\nEOF\n", "t.tour")
    assert read_tour(path).tolist() == [0, 2, 1, 3]


@pytest.mark.parametrize(
    "body, line, fragment",
    [
        ("DIMENSION : 4\nTOUR_SECTION\n1\n3\n2\n3\n-1\n", 6, "node 3 is visited twice"),
        ("DIMENSION : 4\nTOUR_SECTION\n1\n3\n2\n5\n-1\n", 6, "must be in 1..4"),
        ("DIMENSION : 4\nTOUR_SECTION\n1\n3\n2\n-1\n", 2, "missing: 4"),
        ("DIMENSION : 3\nTOUR_SECTION\n1\n3\n2\n-1\n4\n", 7, "after the -1"),
        ("DIMENSION : 3\nTOUR_SECTION\n1\nx\n2\n-1\n", 4, "must be an integer, got 'x'"),
        ("DIMENSION : 3\n", 1, "no TOUR_SECTION"),
        # a DIMENSION far above the nodes given: an error, not a 931 GiB allocation
        ("DIMENSION : 1000000000000\nTOUR_SECTION\n1\n2\n-1\n", 2, "visits 2 of 1000000000000 nodes; missing: 3, 4, 5"),
    ],
)
def test_malformed_tour_names_the_line(tmp_path, body, line, fragment):
    path = write(tmp_path, body, "bad.tour")
    with pytest.raises(ValueError, match=fragment) as info:
        read_tour(path)
    assert f"{path}, line {line}:" in str(info.value)


# ---------------------------------------------------------------------------
# Malformed instances: ValueError naming the file and line
# ---------------------------------------------------------------------------

GOOD_EUC = "NAME: x\nDIMENSION: 3\nEDGE_WEIGHT_TYPE: EUC_2D\nNODE_COORD_SECTION\n1 0 0\n2 3 4\n3 1 1\nEOF\n"


@pytest.mark.parametrize(
    "text, line, fragment",
    [
        (GOOD_EUC.replace("DIMENSION: 3\n", ""), 7, "missing header line 'DIMENSION"),
        (GOOD_EUC.replace("DIMENSION: 3", "DIMENSION: three"), 2, "DIMENSION must be an integer"),
        (GOOD_EUC.replace("DIMENSION: 3", "DIMENSION: 1"), 2, "at least 2"),
        (GOOD_EUC.replace("EUC_2D", "EUC_3D"), 3, "EDGE_WEIGHT_TYPE must be one of"),
        (GOOD_EUC.replace("EDGE_WEIGHT_TYPE: EUC_2D\n", ""), 7, "missing header line 'EDGE_WEIGHT_TYPE"),
        (GOOD_EUC.replace("3 1 1", "3 1 zz"), 7, "y must be a number, got 'zz'"),
        (GOOD_EUC.replace("3 1 1", "3 1 nan"), 7, "must be finite"),
        (GOOD_EUC.replace("3 1 1\n", ""), 4, "lacks 1 of the 3 nodes: 3"),
        (GOOD_EUC.replace("3 1 1", "2 1 1"), 7, "node 2 is given twice"),
        (GOOD_EUC.replace("3 1 1", "4 1 1"), 7, "must be in 1..3"),
        (GOOD_EUC.replace("3 1 1", "3 1 1 7"), 7, "lines must be 'node x y'"),
        (GOOD_EUC.replace("NODE_COORD_SECTION\n", ""), 4, "expected 'KEY: value'"),
        (GOOD_EUC.replace("NAME: x\n", "NAME: x\nTYPE: HCP\n"), 2, "TYPE must be TSP or ATSP"),
        (GOOD_EUC.replace("NAME: x\n", "NAME: x\nNAME: y\n"), 2, "appears twice"),
        (explicit_text("UPPER_ROW", "1 2 3\n4 5"), 8, "has 5 numbers, UPPER_ROW with DIMENSION 4 needs 6"),
        (explicit_text("UPPER_ROW", "1 2 3\n4 5 6\n7"), 9, "too many numbers"),
        (explicit_text("UPPER_ROW", "1 2 3\n4 five 6"), 8, "edge weight must be a number, got 'five'"),
        (explicit_text("UPPER_ROW", "1 2 3\n4 -5 6"), 8, "must be non-negative"),
        (explicit_text("UPPER_ROWS", "1 2 3 4 5 6"), 5, "EDGE_WEIGHT_FORMAT must be one of"),
        (explicit_text("UPPER_ROW", "").replace("EDGE_WEIGHT_SECTION\n", ""), 7, "needs an EDGE_WEIGHT_SECTION"),
        (explicit_text("UPPER_ROW", "1 2 3 4 5 6").replace("EDGE_WEIGHT_FORMAT : UPPER_ROW\n", ""), 7, "FORMAT"),
        # DIMENSION far above the data: errors naming the line, not a MemoryError
        # (the index arrays or coordinates used to be allocated before counting)
        (GOOD_EUC.replace("DIMENSION: 3", "DIMENSION: 1000000000"), 4,
         "lacks 999999997 of the 1000000000 nodes: 4, 5, 6, 7, 8, ..."),
        (explicit_text("FULL_MATRIX", "0 1\n1 0").replace("DIMENSION : 4", "DIMENSION : 1000000"), 8,
         "has 4 numbers, FULL_MATRIX with DIMENSION 1000000 needs 1000000000000"),
        (explicit_text("UPPER_ROW", "1").replace("DIMENSION : 4", "DIMENSION : 100000"), 7,
         "has 1 numbers, UPPER_ROW with DIMENSION 100000 needs 4999950000"),
        # coordinates whose distance overflows float64 would read as "no edge" (inf)
        (GOOD_EUC.replace("3 1 1", "3 1e200 1e200"), 4, "overflow"),
    ],
)
def test_malformed_file_names_the_file_and_line(tmp_path, text, line, fragment):
    path = write(tmp_path, text, "bad.tsp")
    with pytest.raises(ValueError, match=fragment) as info:
        read_tsplib(path)
    assert isinstance(info.value, TSPLIBFormatError)
    assert str(info.value).startswith(f"{path}, line {line}: ")
    assert (info.value.path, info.value.line) == (str(path), line)


def test_missing_file_names_the_path(tmp_path):
    missing = tmp_path / "nowhere.tsp"
    with pytest.raises(FileNotFoundError, match="nowhere.tsp"):
        read_tsplib(missing)
    with pytest.raises(FileNotFoundError, match="nowhere.tour"):
        read_tour(tmp_path / "nowhere.tour")


def test_path_of_wrong_type():
    with pytest.raises(TypeError, match="path must be a str or os.PathLike"):
        read_tsplib(52)


# ---------------------------------------------------------------------------
# The whole TSPLIB subset in ../shared, when it is there
# ---------------------------------------------------------------------------

needs_shared = pytest.mark.skipif(not (SHARED / "optima.csv").exists(), reason="../shared/tsplib not present")
SHARED_OPTIMA = optima(SHARED) if (SHARED / "optima.csv").exists() else {}
SHARED_TOURS = sorted(p.name.split(".")[0] for p in (SHARED / "tours").glob("*.opt.tour")) if SHARED_OPTIMA else []


def test_published_optima_cover_every_shipped_file_and_the_well_known_values():
    assert len(PUBLISHED) == 41 and len(SHIPPED) == 11
    assert {p.stem for p in DATA.glob("*.tsp")} == set(SHIPPED)
    known = {"berlin52": 7542, "eil51": 426, "st70": 675, "kroA100": 21282, "att48": 10628,
             "pr1002": 259045, "a280": 2579, "pr2392": 378032}
    assert {name: int(PUBLISHED[name]["optimum"]) for name in known} == known


def test_published_optima_read_the_table_as_it_is_written():
    got = published_optima()
    assert list(got) == list(PUBLISHED)  # the file's order
    for name, row in PUBLISHED.items():
        assert tuple(got[name]) == (name, int(row["n"]), row["edge_weight_type"], int(row["optimum"]))


def test_bundled_names_are_the_shipped_files():
    assert bundled_names() == sorted(SHIPPED)


@pytest.mark.parametrize("name", sorted(SHIPPED))
def test_every_shipped_instance_knows_its_published_optimum(name):
    assert published_optimum(read_tsplib(DATA / f"{name}.tsp")) == int(PUBLISHED[name]["optimum"])


def test_a_file_whose_name_is_listed_gets_the_optimum_only_with_the_right_size(tmp_path):
    header = "NAME: berlin52\nTYPE: TSP\nEDGE_WEIGHT_TYPE: EUC_2D\n"
    rows = "".join(f"{i + 1} {i} {i * i}\n" for i in range(52))
    same_size = write(tmp_path, header + "DIMENSION: 52\nNODE_COORD_SECTION\n" + rows + "EOF\n")
    assert published_optimum(read_tsplib(same_size)) == 7542  # by NAME and DIMENSION, as documented
    smaller = write(tmp_path, header + "DIMENSION: 51\nNODE_COORD_SECTION\n" + rows.rsplit("52 ", 1)[0] + "EOF\n")
    assert published_optimum(read_tsplib(smaller)) is None
    assert published_optimum(seed_routes()) is None
    assert published_optimum(Instance.random_uniform(52, seed=0)) is None


@needs_shared
def test_published_optima_are_the_shared_folders():
    assert PUBLISHED == SHARED_OPTIMA


@needs_shared
def test_shared_folder_has_the_nineteen_tours():
    assert len(SHARED_TOURS) == 19


@needs_shared
@pytest.mark.parametrize("name", sorted(SHARED_OPTIMA))
def test_shared_instance_loads(name):
    row = SHARED_OPTIMA[name]
    inst = read_tsplib(SHARED / f"{name}.tsp")
    assert inst.n == int(row["n"])
    text = (SHARED / f"{name}.tsp").read_text()
    assert (inst.coords is None) == ("DISPLAY_DATA_SECTION" not in text and "NODE_COORD_SECTION" not in text)
    if row["edge_weight_type"] != "EXPLICIT":  # spot-check 50 pairs against the twin
        rng = np.random.default_rng(0)
        for i, j in rng.integers(0, inst.n, (50, 2)):
            if i != j:
                expected = ref.tsplib_distance(row["edge_weight_type"], inst.coords[i], inst.coords[j])
                assert inst.dist[i, j] == expected


@needs_shared
@pytest.mark.parametrize("name", SHARED_TOURS)
def test_shared_optimal_tour_scores_the_published_optimum(name):
    inst = read_tsplib(SHARED / f"{name}.tsp")
    tour = Tour.from_order(inst, read_tour(SHARED / "tours" / f"{name}.opt.tour"), closed=True)
    assert tour.complete and math.isclose(tour.length, float(SHARED_OPTIMA[name]["optimum"]), rel_tol=0, abs_tol=0)


def test_reading_reports_the_lines_then_the_coordinates(tmp_path, monkeypatch):
    from tsp import tsplib

    monkeypatch.setattr(tsplib, "_REPORT_EVERY", 2)
    path = write(tmp_path, coord_text("EUC_2D", [(i, 0) for i in range(5)]))
    calls = []
    inst = read_tsplib(path, progress=lambda done, total: calls.append((done, total)))
    assert inst.n == 5
    lines = len(path.read_text().splitlines())
    reading, coords = calls[:lines // 2], calls[lines // 2:]
    assert reading == [(k, lines) for k in range(2, lines + 1, 2)]
    assert coords == [(2, 5), (4, 5)]
    with pytest.raises(TypeError, match="progress must be None, True or callable"):
        read_tsplib(path, progress=3)
