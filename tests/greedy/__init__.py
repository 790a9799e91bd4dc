"""Tests of greedy/, one file per module: test_<module>.py tests greedy/<module>.py."""
