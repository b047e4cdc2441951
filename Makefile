# pbanalysis: `make report` builds everything; `make test` runs the tests; `make help` lists targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
SOURCE ?= ../shared/data
# Where report outputs go (the tests and the benchmark use scratch folders).
REPORTS ?= reports
export PBANALYSIS_REPORTS := $(abspath $(REPORTS))

RAW := $(wildcard data/raw/*.csv data/reference/*.csv data/reference/*.yaml) data/datapackage.json
PROCESSED := $(addprefix data/processed/,council_year.csv national_series.csv england_reconciliation.csv)
DATA_CODE := $(addprefix src/pbanalysis/,dataset/data.py core/keys.py core/paths.py core/atomic.py \
             sources/pssex1.py sources/pssex1_rules.py sources/lookup.py)
# Every notebook run and the outputs it declares, as Make rules (pipeline/catalogue.py).
RUNS_MK := $(REPORTS)/.make/runs.mk
NOOP = echo "report: 0 runs executed, $(words $(RUNS)) already up to date" >&2

.PHONY: help install raw data report lab explore lint test test-fast bench briefings chart clean lock

help: ## Show this help: every target and what it does
	@echo "pbanalysis - personal budgets in English adult social care"; echo
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | awk -F'\t' '{printf "  make %-12s %s\n", $$1, $$2}'
	@echo; echo "Variables: SOURCE=folder of official files for 'make raw' (default ../shared/data);"
	@echo "           JOBS=notebook runs at once in 'make report' (default: one per core);"
	@echo "           NO_WAIT=1: stop at once if another pbanalysis run is writing (default: wait for it)"

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

# The CLI holds the project's lock while it writes the tables.
$(PROCESSED) &: $(RAW) $(DATA_CODE) $(STAMP)
	$(PY) -m pbanalysis data

# One writer at a time. Each target that writes makes itself again, with LOCKED=1, inside
# `python -m pbanalysis with-lock` (src/pbanalysis/pipeline/lock.py), which waits for another run
# and says so (NO_WAIT=1: stops at once). `report` and `data` first ask Make alone, with no lock and
# no Python (`make -q` with QUESTION=1), whether anything is to do, so a no-op takes milliseconds.
ifndef LOCKED
AGAIN = $(MAKE) --no-print-directory LOCKED=1
WITH_LOCK = $(PY) -m pbanalysis with-lock $(if $(NO_WAIT),--no-wait) -- $(AGAIN) $@
-include $(if $(filter report,$(MAKECMDGOALS)),$(RUNS_MK))

report: $(STAMP) ## Build the whole report: data, every stale notebook run (all cores), HTML, the data-tables workbook and CSVs, index, run.json
	+@if $(AGAIN) QUESTION=1 -q $@ 2>/dev/null; then $(NOOP); else $(WITH_LOCK); fi
data: $(STAMP) ## Build the analysis-ready tables in data/processed/
	+@$(AGAIN) QUESTION=1 -q $@ 2>/dev/null || $(WITH_LOCK)
raw: $(STAMP) ## Re-extract data/raw from the official files (SOURCE=../shared/data)
	+@$(WITH_LOCK)
briefings: $(STAMP) ## Build a briefing pack for every council in reports/briefings/ (SVG=1 adds SVG charts; ARGS="--council Somerset")
	+@$(WITH_LOCK)
chart: $(STAMP) ## Regenerate one chart: make chart NAME=variance_rank [ARGS="--year 2010-11 --format png"]
	+@$(WITH_LOCK)
clean: ## Remove built outputs (data/processed, reports); keeps .venv and data/raw
	+@$(if $(wildcard $(STAMP)),$(WITH_LOCK),$(AGAIN) $@)

else
# A run's outputs are targets of its notebook, its params file and RUN_DEPS; their rule only marks
# the run stale (reports/.stale/<run>). One `python -m pbanalysis report` then executes every stale
# run (pipeline/report.py). The rules are made again, whole, when a notebook, params file or module changes.
SRC := $(shell find src -name '*.py' -not -path '*/__pycache__/*')
# templates/notebook/ is the HTML export's page (title, link back, print rules).
RUN_DEPS := $(PROCESSED) $(SRC) $(STAMP) $(wildcard templates/notebook/*)
include $(if $(filter report,$(MAKECMDGOALS)),$(RUNS_MK))
$(RUNS_MK): $(STAMP) $(wildcard notebooks/*.ipynb notebooks/params/*.yaml) $(SRC)
	@$(if $(QUESTION),exit 1,$(PY) -m pbanalysis runs --make --out $@)

ifdef QUESTION # Up to date: every run's outputs, no run marked stale, the index and the workbook.
report: $(PROCESSED) $(RUN_OUTPUTS) $(REPORTS)/index.html $(REPORTS)/pbanalysis-data-tables.xlsx \
        $(if $(wildcard $(REPORTS)/.stale/*),FORCE)
FORCE: ; @:
else # MALLOC_ARENA_MAX=2: the runner's threads share two memory arenas (peak 352 -> 345 MiB)
report: $(PROCESSED) $(RUN_OUTPUTS)
	@if [ -n "$$(ls -A $(REPORTS)/.stale 2>/dev/null)" ] || [ ! -e $(REPORTS)/index.html ] || \
	  [ ! -e $(REPORTS)/pbanalysis-data-tables.xlsx ]; then MALLOC_ARENA_MAX=2 $(PY) -m pbanalysis report $(if $(JOBS),--jobs $(JOBS)); \
	else $(NOOP); fi
endif
data: $(PROCESSED)
raw:
	$(PY) -m pbanalysis raw --source $(SOURCE)
briefings: $(PROCESSED)
	$(PY) -m pbanalysis briefings $(if $(SVG),--svg) $(ARGS)
chart: $(PROCESSED)
	$(PY) -m pbanalysis chart $(NAME) $(ARGS)
# data/processed is the project's even when REPORTS is a scratch folder (which has its own lock).
clean:
	rm -rf $(REPORTS)
	$(if $(wildcard $(STAMP)),$(PY) -m pbanalysis with-lock --dir data/processed --) rm -f data/processed/*.csv
endif

# JupyterLab refuses to start as root (as in a container) unless told: --allow-root only when root.
# The project's Lab settings (news and update checks off) are copied into the venv's Lab.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
$(LAB_OVERRIDES): jupyter/overrides.json $(STAMP)
	@mkdir -p $(@D) && cp jupyter/overrides.json $@

lab: $(STAMP) $(PROCESSED) $(LAB_OVERRIDES) ## Open JupyterLab on notebooks/ with the project's kernel (no news pop-up)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root) \
	  --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate

# One kernel per open page, ended after 15 idle minutes once its page is gone. The page template
# (jupyter/voila/templates/pbanalysis) is Voila's own without its request to a CDN.
PORT ?= 8866
explore: $(STAMP) $(PROCESSED) ## Serve the council explorer as a web app on http://127.0.0.1:8866 (PORT=...); Ctrl-C stops it
	@echo "The council explorer: http://127.0.0.1:$(PORT)/  (this machine only; Ctrl-C stops it)"
	JUPYTER_PATH=$(abspath jupyter) JUPYTER_CONFIG_PATH=$(abspath jupyter) \
	  $(VENV)/bin/voila notebooks/explore.ipynb --port=$(PORT)  # the rest: jupyter/voila.json

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
