"""tsp.sources: the instances a command line names (seed, random:N, tsplib:NAME, a path)."""

from pathlib import Path

import numpy as np
import pytest

from tsp import Instance
from tsp.sources import SOURCES, instance_from_spec
from tsp.tsplib import BUNDLED_DIR

DATA = Path(BUNDLED_DIR)

SOURCE_EXAMPLES = {"seed": ("seed", 15), "random": ("random:9", 9), "tsplib": ("tsplib:burma14", 14)}


def test_every_source_has_an_example():
    assert set(SOURCES) == set(SOURCE_EXAMPLES)


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_source_builds_an_instance(source):
    spec, n = SOURCE_EXAMPLES[source]
    inst = instance_from_spec(spec, seed=3)
    assert isinstance(inst, Instance) and inst.n == n


def test_random_source_follows_the_seed():
    a, b = instance_from_spec("random:20", seed=7), instance_from_spec("random:20", seed=7)
    assert np.array_equal(a.dist, b.dist)
    assert not np.array_equal(a.dist, instance_from_spec("random:20", seed=8).dist)


def test_path_source_reads_tsplib():
    assert instance_from_spec(str(DATA / "gr17.tsp")).n == 17
    assert instance_from_spec(DATA / "gr17.tsp").name == "gr17"


@pytest.mark.parametrize(
    "spec, error, fragment",
    [
        ("random:x", ValueError, "integer N >= 2"),
        ("random", ValueError, "integer N >= 2"),
        ("random:1", ValueError, "N=1"),
        ("random:100000000000", ValueError, "needs .* GiB"),  # was a MemoryError traceback
        ("seed:4", ValueError, "takes no argument"),
        ("tsplib:nope", ValueError, "needs one of .*berlin52.*, or pass the path of a downloaded .tsp file; "
                                    "got 'tsplib:nope'$"),
        ("tsplib:berlin53", ValueError, "got 'tsplib:berlin53'; did you mean 'tsplib:berlin52'\\?$"),
        ("tsplib:berlin52.tsp", ValueError, "did you mean 'tsplib:berlin52'\\?$"),
        # one of the 41 with a published optimum, not shipped: where to get it
        ("tsplib:kroA100", ValueError, "kroA100 is a TSPLIB95 instance not shipped with tsp: download "
                                       "kroA100.tsp from http://comopt.ifi.uni-heidelberg.de/software/TSPLIB95/ "
                                       "and pass its path$"),
        ("berlin52", FileNotFoundError, "neither a source .* nor an existing file; did you mean 'tsplib:berlin52'\\?$"),
        ("somewhere/eil51.tsp", FileNotFoundError, "did you mean 'tsplib:eil51'\\?$"),
        ("pr2392.tsp", FileNotFoundError, "nor an existing file; pr2392 is a TSPLIB95 instance not shipped"),
        ("zzz", FileNotFoundError, "nor an existing file$"),
        ("tsplib", ValueError, "needs one of"),
        ("nowhere.tsp", FileNotFoundError, "neither a source"),
        (17, TypeError, "spec must be a str"),
    ],
)
def test_bad_spec(spec, error, fragment):
    with pytest.raises(error, match=fragment):
        instance_from_spec(spec)
