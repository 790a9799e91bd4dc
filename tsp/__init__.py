"""Travelling salesperson: instances, greedy nearest neighbour with restarts, local search, exact solvers.

Which function to pick:

- ``nearest_neighbor(instance, start)`` — one greedy walk (ties to the lowest index).
- ``simulate(instance, n, seed=...)`` — the classroom experiment: many walks from
  random starts (or ``starts="all"``), the best kept; parallel and reproducible.
- ``local_search(tour)`` — 2-opt and Or-opt moves until neither helps (a local
  optimum); ``two_opt(tour)`` and ``or_opt(tour)`` use one kind of move alone.
  ``simulate(..., local_search=True)`` improves every walk before keeping the best.
- ``solve(instance, seconds)`` — iterated local search: near-optimal tours in a
  time (or ``kicks``) budget, a ``Solution`` with the improvement history.
- ``tsp.exact.held_karp`` / ``tsp.exact.brute_force`` — proven optima for small n.
- Instances: ``seed_routes()`` (the classroom table), ``Instance.from_edges``,
  ``from_matrix``, ``from_points``, ``random_uniform``, ``read_tsplib(path)``. A
  matrix instance holds its n x n distances; a geometric one (``from_points``,
  ``random_uniform``, TSPLIB coordinate files) holds points and a metric and
  computes distances from them — O(n) memory, a million cities run in seconds —
  with the same results as the matrix of its points. ``instance.distance(i, j)``
  on either.
- A given order: ``Tour.from_order(instance, order)``, ``tour_length(dist, order)``;
  ``read_tour(path)`` reads a TSPLIB ``.opt.tour`` file.

Modules loaded on first use (``import tsp`` stays lean): ``tsp.exact``, ``tsp.tsplib``
(the reader, ``BUNDLED_DIR``, ``published_optimum``), ``tsp.sources``
(``instance_from_spec``: what ``--instance`` takes) and ``tsp.plot`` (imports matplotlib).

``python -m tsp`` runs it from the command line (``python -m tsp --help``).
"""

from .construct.nearest import nearest_neighbor
from .construct.simulate import Simulation, simulate
from .improve.local_search import local_search, or_opt, two_opt
from .improve.solve import Solution, solve
from .instance import Instance, seed_routes
from .tour import Tour, tour_length

__all__ = [
    "Instance",
    "Simulation",
    "Solution",
    "Tour",
    "local_search",
    "nearest_neighbor",
    "or_opt",
    "read_tour",
    "read_tsplib",
    "seed_routes",
    "simulate",
    "solve",
    "tour_length",
    "two_opt",
]


#: Loaded on first use, keeping ``import tsp`` lean: name -> (module, attribute or None
#: for the module itself). ``tsp.plot`` imports matplotlib, ``tsp.exact`` compiles on
#: first call, ``tsp.tsplib`` reads files.
_LAZY = {
    "read_tsplib": ("tsplib", "read_tsplib"),
    "read_tour": ("tsplib", "read_tour"),
    "exact": ("exact", None),
    "plot": ("plot", None),
    "sources": ("sources", None),
    "tsplib": ("tsplib", None),
}


def __getattr__(name):
    if name not in _LAZY:
        raise AttributeError(f"module 'tsp' has no attribute {name!r}")
    import importlib

    module_name, attribute = _LAZY[name]
    module = importlib.import_module(f".{module_name}", __name__)
    return module if attribute is None else getattr(module, attribute)


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
