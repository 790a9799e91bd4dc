"""Tests of benchmarks/: ``python -m benchmarks`` runs every registered benchmark end to end."""
