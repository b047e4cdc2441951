# pbanalysis: `make report` builds everything; `make test` runs the tests; `make help` lists targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
SOURCE ?= ../shared/data
# Where report outputs go (the benchmark uses a scratch folder).
REPORTS ?= reports
export PBANALYSIS_REPORTS := $(abspath $(REPORTS))

SRC := $(shell find src -name '*.py' -not -path '*/__pycache__/*')
RAW := $(wildcard data/raw/*.csv) $(wildcard data/raw/*.yaml) data/raw/datapackage.json
PROCESSED := data/processed/council_year.csv data/processed/national_series.csv \
             data/processed/england_reconciliation.csv
# Every notebook run (<notebook>--<set>, one per named set in notebooks/params/<nb>.yaml) and
# its declared outputs come from the CLI (`python -m pbanalysis runs --make`), cached in
# $(RUNS_MK) and regenerated when a notebook, a params file or the code changes. Each run's
# outputs are targets of its inputs; their rule only marks the run stale, and `make report`
# then executes every stale run in one process on all cores (src/pbanalysis/pipeline/runner.py).
RUN_DEPS := $(PROCESSED) $(SRC) $(STAMP)
RUNS_MK := $(REPORTS)/.make/runs.mk
ifneq ($(filter report $(REPORTS)/%,$(MAKECMDGOALS)),)
include $(RUNS_MK)
endif

.PHONY: help install raw data report lab lint test test-fast bench briefings chart clean lock

help: ## Show this help: every target and what it does
	@echo "pbanalysis - personal budgets in English adult social care"
	@echo
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | awk -F'\t' '{printf "  make %-12s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: SOURCE=folder of official files for 'make raw' (default ../shared/data);"
	@echo "           JOBS=notebook runs at once in 'make report' (default: one per core)"

$(STAMP): pyproject.toml requirements.lock
	@echo "Creating $(VENV) and installing pinned dependencies (about a minute)..."
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -c requirements.lock -e .
	$(PY) -m ipykernel install --prefix $(abspath $(VENV)) --name pbanalysis --display-name "Python (pbanalysis)" >/dev/null
	@touch $@

$(TEST_STAMP): $(STAMP)
	@echo "Installing the test tools (pytest, nbval, ruff, ...)..."
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	@touch $@

install: $(STAMP) ## Create .venv and install pbanalysis with its pinned dependencies

raw: $(STAMP) ## Re-extract data/raw from the official files (SOURCE=../shared/data)
	$(PY) -m pbanalysis raw --source $(SOURCE)

data: $(PROCESSED) ## Build the analysis-ready tables in data/processed/

$(PROCESSED) &: $(RAW) src/pbanalysis/build/data.py src/pbanalysis/core/keys.py src/pbanalysis/sources/pssex1.py src/pbanalysis/sources/pssex1_rules.py src/pbanalysis/sources/lookup.py src/pbanalysis/core/paths.py src/pbanalysis/core/atomic.py $(STAMP)
	$(PY) -m pbanalysis data

report: $(PROCESSED) $(RUN_OUTPUTS) ## Build the whole report: data, every stale notebook run (all cores), HTML, the data-tables workbook and CSVs, index, run.json
	@if [ -n "$$(ls -A $(REPORTS)/.stale 2>/dev/null)" ] || [ ! -e $(REPORTS)/index.html ]; then \
	  $(PY) -m pbanalysis report $(if $(JOBS),--jobs $(JOBS)); fi

$(RUNS_MK): $(STAMP) $(wildcard notebooks/*.ipynb notebooks/params/*.yaml) $(SRC)
	@mkdir -p $(@D)
	@$(PY) -m pbanalysis runs --make > $@.tmp && mv $@.tmp $@

briefings: $(PROCESSED) ## Build a briefing pack for every council in reports/briefings/ (SVG=1 adds SVG charts)
	$(PY) -m pbanalysis briefings $(if $(SVG),--svg)

chart: $(PROCESSED) ## Regenerate one chart: make chart NAME=variance_rank [ARGS="--year 2010-11 --format png"]
	$(PY) -m pbanalysis chart $(NAME) $(ARGS)

lab: $(STAMP) $(PROCESSED) ## Open JupyterLab on notebooks/ with the project's kernel
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

lint: $(TEST_STAMP) ## Check the coding standard (ruff lint and format)
	$(VENV)/bin/ruff check src tests scripts notebooks
	$(VENV)/bin/ruff format --check src tests scripts notebooks

test: $(TEST_STAMP) $(PROCESSED) lint ## Run the lint, then the whole test suite on all cores (unit, data, notebooks via nbval)
	@start=$$(date +%s); $(PY) -m pytest -p no:cacheprovider; rc=$$?; \
	  echo "make test: wall time $$(( $$(date +%s) - start )) s"; exit $$rc

test-fast: $(TEST_STAMP) $(PROCESSED) ## The edit-test loop: every test not marked slow (no notebook runs, no full builds)
	$(PY) -m pytest -p no:cacheprovider -m "not slow"

bench: $(STAMP) $(PROCESSED) ## Benchmark: cold report vs one process, briefings batch vs naive, peak memory, no-op report
	$(PY) scripts/bench.py

lock: ## Regenerate requirements.lock from the current .venv
	(echo "# Exact versions of every package in .venv, used as pip constraints (make install)."; \
	 echo "# Regenerate: make lock"; $(VENV)/bin/pip freeze | grep -v -E "^(-e|pbanalysis)") > requirements.lock

clean: ## Remove built outputs (data/processed, reports); keeps .venv and data/raw
	rm -rf $(REPORTS) data/processed/*.csv


