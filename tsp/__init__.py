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
  ``from_matrix``, ``from_points``, ``random_uniform``, ``read_tsplib(path)``.
- A given order: ``Tour.from_order(instance, order)``, ``tour_length(dist, order)``;
  ``read_tour(path)`` reads a TSPLIB ``.opt.tour`` file.

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


def __getattr__(name):
    # The TSPLIB reader and the exact solvers load on first use, keeping `import tsp` lean.
    if name in ("read_tsplib", "read_tour"):
        from . import tsplib

        return getattr(tsplib, name)
    if name == "exact":
        import importlib

        return importlib.import_module(".exact", __name__)
    raise AttributeError(f"module 'tsp' has no attribute {name!r}")
