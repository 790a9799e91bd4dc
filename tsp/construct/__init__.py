"""Construction heuristics: build a tour from nothing.

- ``nearest.py`` — ``nearest_neighbor(instance, start)``: one greedy walk, and the
  Numba kernels that walk (one start, or many in parallel);
- ``simulate.py`` — ``simulate(instance, n, seed=...)``: the classroom experiment,
  many walks from random starts, the best kept.

``tsp`` re-exports both functions; import them from there.
"""
