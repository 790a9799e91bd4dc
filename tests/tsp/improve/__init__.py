"""Tests of tsp.improve: local search and iterated local search."""
