"""Tests of ``tsp.construct``: one file per construction heuristic."""
