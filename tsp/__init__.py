"""Travelling salesperson: instances, greedy nearest neighbour with restarts, exact solvers.

(Being built: see issue 4. Public names follow ../shared/DESIGN.md.)
"""

from .instance import Instance, seed_routes
from .tour import Tour, tour_length

__all__ = ["Instance", "Tour", "seed_routes", "tour_length"]
