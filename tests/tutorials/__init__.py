"""Tests of tutorials/: every numbered script runs in --quick mode and says what it computed."""
