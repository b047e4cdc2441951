# pbanalysis: `make report` builds everything, `make test` runs the tests, `make help` lists targets.
# How the report is built, the lock, and the variables SOURCE, JOBS, NO_WAIT, REPORTS: docs/running.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
SOURCE ?= ../shared/data
REPORTS ?= reports
export PBANALYSIS_REPORTS := $(abspath $(REPORTS))

RAW := $(wildcard data/raw/*.csv data/reference/*.csv data/reference/*.yaml) data/datapackage.json
PROCESSED := $(addprefix data/processed/,council_year.csv national_series.csv england_reconciliation.csv)
DATA_CODE := $(addprefix src/pbanalysis/,dataset/data.py core/keys.py core/paths.py core/atomic.py \
             sources/pssex1.py sources/pssex1_rules.py sources/lookup.py)
RUNS_MK := $(REPORTS)/.make/runs.mk
QUESTION := $(findstring q,$(firstword -$(MAKEFLAGS)))

.PHONY: help install raw data report lab explore lint test test-fast bench briefings chart clean lock

help: ## Show this help: every target and what it does
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | awk -F'\t' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock
	@echo "Creating $(VENV) and installing pinned dependencies (about a minute)..."
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -c requirements.lock -e .
	$(PY) -m ipykernel install --prefix $(abspath $(VENV)) --name pbanalysis --display-name "Python (pbanalysis)" >/dev/null
	@touch $@

$(TEST_STAMP): $(STAMP)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[test]'
	@touch $@

install: $(STAMP) ## Create .venv and install pbanalysis with its pinned dependencies

$(PROCESSED) &: $(RAW) $(DATA_CODE) $(STAMP)
	$(PY) -m pbanalysis data

# Targets that write are made twice: first here, which takes the project's lock and makes the target
# again under it (LOCKED=1). `report` and `data` first ask Make alone (`make -q`) whether there is
# anything to do, so a no-op starts no Python.
ifeq ($(LOCKED)$(QUESTION),)
-include $(if $(filter report,$(MAKECMDGOALS)),$(RUNS_MK))
WITH_LOCK = $(PY) -m pbanalysis with-lock $(if $(NO_WAIT),--no-wait) -- $(MAKE) --no-print-directory LOCKED=1 $@
report: $(STAMP) ## Build the whole report: data, every stale notebook run (all cores), HTML, the data-tables workbook and CSVs, index, run.json
data: $(STAMP) ## Build the analysis-ready tables in data/processed/
raw: $(STAMP) ## Re-extract data/raw from the official files (SOURCE=../shared/data)
briefings: $(STAMP) ## Build a briefing pack for every council in reports/briefings/ (SVG=1 adds SVG charts; ARGS="--council Somerset")
chart: $(STAMP) ## Regenerate one chart: make chart NAME=variance_rank [ARGS="--year 2010-11 --format png"]
clean: ## Remove built outputs (data/processed, reports); keeps .venv and data/raw
report data:
	+@if $(MAKE) --no-print-directory -q $@ 2>/dev/null; then $(if $(filter report,$@),$(NOOP),:); else $(WITH_LOCK); fi
raw briefings chart:
	+@$(WITH_LOCK)
clean: # without .venv nothing can be running: no lock
	+@$(if $(wildcard $(STAMP)),$(WITH_LOCK),$(MAKE) --no-print-directory LOCKED=1 $@)
NOOP = echo "report: 0 runs executed, $(words $(RUNS)) already up to date" >&2

else
# Each run's outputs are the targets of its notebook, its parameter file and RUN_DEPS, in rules
# written by pipeline/catalogue.py; such a rule only marks its run stale. `pbanalysis report` then
# executes the stale runs in one process (pipeline/report.py) and says when there was nothing to do.
SRC := $(shell find src -name '*.py' -not -path '*/__pycache__/*')
RUN_DEPS := $(PROCESSED) $(SRC) $(STAMP) $(wildcard templates/notebook/*)
REPORT_FILES := $(REPORTS)/index.html $(REPORTS)/pbanalysis-data-tables.xlsx
include $(if $(filter report,$(MAKECMDGOALS)),$(RUNS_MK))
$(RUNS_MK): $(STAMP) $(wildcard notebooks/*.ipynb notebooks/params/*.yaml) $(SRC)
	@$(if $(QUESTION),exit 1,$(PY) -m pbanalysis runs --make --out $@)

# Under `make -q` the report has no recipe: it is up to date when every output is, no run is still
# marked stale (a failed run stays so) and its own files exist.
report: $(PROCESSED) $(RUN_OUTPUTS) $(REPORT_FILES) $(if $(wildcard $(REPORTS)/.stale/*),FORCE)
ifndef QUESTION
	@MALLOC_ARENA_MAX=2 $(PY) -m pbanalysis report $(if $(JOBS),--jobs $(JOBS))
endif
$(REPORT_FILES) FORCE: ; @:
data: $(PROCESSED)
raw:
	$(PY) -m pbanalysis raw --source $(SOURCE)
briefings: $(PROCESSED)
	$(PY) -m pbanalysis briefings $(if $(SVG),--svg) $(ARGS)
chart: $(PROCESSED)
	$(PY) -m pbanalysis chart $(NAME) $(ARGS)
clean: # data/processed is the project's, and locked as such, even when REPORTS is a scratch folder
	rm -rf $(REPORTS)
	$(if $(wildcard $(STAMP)),$(PY) -m pbanalysis with-lock --dir data/processed --) rm -f data/processed/*.csv
endif

lab: $(STAMP) $(PROCESSED) ## Open JupyterLab on notebooks/ with the project's kernel (no news pop-up)
	@mkdir -p $(VENV)/share/jupyter/lab/settings && cp jupyter/overrides.json $(VENV)/share/jupyter/lab/settings/
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root) \
	  --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate

PORT ?= 8866
explore: $(STAMP) $(PROCESSED) ## Serve the council explorer as a web app on http://127.0.0.1:8866 (PORT=...); Ctrl-C stops it
	@echo "The council explorer: http://127.0.0.1:$(PORT)/  (this machine only; Ctrl-C stops it)"
	JUPYTER_PATH=$(abspath jupyter) JUPYTER_CONFIG_PATH=$(abspath jupyter) $(VENV)/bin/voila notebooks/explore.ipynb --port=$(PORT)

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
