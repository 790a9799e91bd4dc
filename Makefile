# The two commands of the README: `make run` and `make test`.
# Both create .venv when missing and (re)install the project only when
# pyproject.toml changed since the last install (the .venv/.installed stamp).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test bench tutorials clean

run: $(STAMP)
	$(PY) -m tsp 1000

test: $(STAMP)
	HYPOTHESIS_PROFILE=$${HYPOTHESIS_PROFILE:-ci} $(PY) -m pytest

bench: $(STAMP)
	$(PY) -m benchmarks

tutorials: $(STAMP)
	for t in tutorials/[0-9][0-9]_*.py; do $(PY) $$t || exit 1; done

$(PY):
	$(PYTHON) -m venv $(VENV)

# PYTHONWARNINGS reaches setuptools in pip's build process: it silences the one notice
# every editable install prints ("Editable installation ... be careful with folders"),
# a setuptools InformationOnly message, not a problem with this project.
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	PYTHONWARNINGS='ignore:Editable installation' $(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) runs tutorials/output benchmarks/output *.egg-info build dist .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
