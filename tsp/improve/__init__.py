"""Improvement heuristics: make a complete tour shorter.

- ``local_search.py`` — ``local_search(tour)`` (2-opt and Or-opt until neither
  helps: the one to pick), ``two_opt(tour)``, ``or_opt(tour)``, and the descent
  they share (a queue of cities with don't-look bits);
- ``two_opt.py``, ``or_opt.py`` — the two moves, each searched from one city;
- ``three_opt.py`` — the sequential 3-opt move that ``solve``'s repairs use;
- ``solve.py`` — ``solve(instance, seconds)``: iterated local search, kicks and
  repairs until the budget is spent, the best tour kept;
- ``_tour_ops.py`` — the array tour every kernel edits (flips, the virtual depot
  of open paths, the queue, the undo log).

``tsp`` re-exports the public functions; import them from there.
"""
