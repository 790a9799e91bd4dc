# The two commands of the README: `make run` and `make test`.
# Both create .venv when missing and (re)install the project only when
# pyproject.toml changed since the last install (the .venv/.installed stamp).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# MLflow in a venv of its own (it pulls in scipy and scikit-learn, which would slow our
# Numba kernels' first call in .venv): `make mlflow`; the export tests run from it.
MLFLOW_VERSION := 3.17.2
MLFLOW_VENV    := .venv-mlflow
MLFLOW_STAMP   := $(MLFLOW_VENV)/.installed-$(MLFLOW_VERSION)

.PHONY: run test bench tutorials clean mlflow

run: $(STAMP)
	$(PY) -m tsp 1000

test: $(STAMP)
	@test -x $(MLFLOW_VENV)/bin/python || echo "note: no $(MLFLOW_VENV), so the tests against a real MLflow are skipped; \`make mlflow\` creates it"
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

mlflow: $(MLFLOW_STAMP)

$(MLFLOW_STAMP): pyproject.toml
	test -x $(MLFLOW_VENV)/bin/python || $(PYTHON) -m venv $(MLFLOW_VENV)
	$(MLFLOW_VENV)/bin/python -m pip install --quiet --upgrade pip
	PYTHONWARNINGS='ignore:Editable installation' $(MLFLOW_VENV)/bin/python -m pip install --quiet -e . mlflow==$(MLFLOW_VERSION)
	rm -f $(MLFLOW_VENV)/.installed-*
	touch $(MLFLOW_STAMP)

clean:
	rm -rf $(VENV) $(MLFLOW_VENV) runs tutorials/output benchmarks/output *.egg-info build dist .pytest_cache .hypothesis
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
