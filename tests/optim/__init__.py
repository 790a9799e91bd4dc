"""Tests of ``optim``, one file per module: ``test_<module>.py`` tests ``optim/<module>.py``."""
