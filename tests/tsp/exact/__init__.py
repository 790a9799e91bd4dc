"""Tests of ``tsp.exact``: one file per solver, plus the contract both share."""
