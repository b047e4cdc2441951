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

RAW := $(wildcard data/raw/*.csv) $(wildcard data/reference/*.csv) $(wildcard data/reference/*.yaml) data/datapackage.json
PROCESSED := data/processed/council_year.csv data/processed/national_series.csv \
             data/processed/england_reconciliation.csv
RUNS_MK := $(REPORTS)/.make/runs.mk

# The project's lock (src/pbanalysis/pipeline/lock.py). Every target that writes under reports/ or
# data/ makes itself again inside `python -m pbanalysis with-lock`, with UNDER_LOCK=1: two runs never
# write at once, and the second decides what to do only once the first has finished. It waits and
# says so (NO_WAIT=1: stops at once instead). `make report` and `make data` first ask Make, with no
# lock and no Python (`make -q` with CHECK_ONLY=1), whether anything is to do, so a no-op is instant.
WITH_LOCK = $(PY) -m pbanalysis with-lock $(if $(NO_WAIT),--no-wait) --
UNDER_LOCK_MAKE = $(MAKE) --no-print-directory UNDER_LOCK=1
LOCKED = +@$(WITH_LOCK) $(UNDER_LOCK_MAKE) $@
CHECKED_THEN_LOCKED = +@if $(UNDER_LOCK_MAKE) CHECK_ONLY=1 -q $@ >/dev/null 2>&1; then \
	  $(if $(filter report,$@),echo "$(NOOP_LINE)" >&2,:); else $(WITH_LOCK) $(UNDER_LOCK_MAKE) $@; fi
NOOP_LINE = report: 0 runs executed, $(word 2,$(RUNS_MK_TEXT)) already up to date
# The generated fragment is read only when whole: its last word is its own word count (read
# without a fork); its second word is the number of runs.
RUNS_MK_TEXT := $(if $(wildcard $(RUNS_MK)),$(file <$(RUNS_MK)))
RUNS_MK_WHOLE := $(and $(RUNS_MK_TEXT),$(filter $(words $(RUNS_MK_TEXT)),$(lastword $(RUNS_MK_TEXT))))

.PHONY: help install raw data report lab explore lint test test-fast bench briefings chart clean lock

help: ## Show this help: every target and what it does
	@echo "pbanalysis - personal budgets in English adult social care"
	@echo
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/' | awk -F'\t' '{printf "  make %-12s %s\n", $$1, $$2}'
	@echo
	@echo "Variables: SOURCE=folder of official files for 'make raw' (default ../shared/data);"
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

# Other targets that need the processed tables (test, lab, bench) build them with the CLI, which
# holds the lock while it writes.
$(PROCESSED) &: $(RAW) src/pbanalysis/dataset/data.py src/pbanalysis/core/keys.py src/pbanalysis/sources/pssex1.py src/pbanalysis/sources/pssex1_rules.py src/pbanalysis/sources/lookup.py src/pbanalysis/core/paths.py src/pbanalysis/core/atomic.py $(STAMP)
	$(PY) -m pbanalysis data

ifeq ($(UNDER_LOCK),)
raw: $(STAMP) ## Re-extract data/raw from the official files (SOURCE=../shared/data)
	$(LOCKED)

data: $(STAMP) ## Build the analysis-ready tables in data/processed/
	$(CHECKED_THEN_LOCKED)

report: $(STAMP) ## Build the whole report: data, every stale notebook run (all cores), HTML, the data-tables workbook and CSVs, index, run.json
	$(CHECKED_THEN_LOCKED)

briefings: $(STAMP) ## Build a briefing pack for every council in reports/briefings/ (SVG=1 adds SVG charts; ARGS="--council Somerset")
	$(LOCKED)

chart: $(STAMP) ## Regenerate one chart: make chart NAME=variance_rank [ARGS="--year 2010-11 --format png"]
	$(LOCKED)

clean: ## Remove built outputs (data/processed, reports); keeps .venv and data/raw
	$(if $(wildcard $(STAMP)),$(LOCKED),@$(MAKE) --no-print-directory UNDER_LOCK=1 $@)

else
# Under the lock (UNDER_LOCK=1), or checking without it whether anything is to do (CHECK_ONLY=1).
SRC := $(shell find src -name '*.py' -not -path '*/__pycache__/*')
# Every notebook run (<notebook>--<set>, one per named set in notebooks/params/<nb>.yaml) and
# its declared outputs come from the CLI (`python -m pbanalysis runs --make`), cached in
# $(RUNS_MK) and regenerated when a notebook, a params file or the code changes. Each run's
# outputs are targets of its inputs; their rule only marks the run stale, and `make report`
# then executes every stale run in one process on all cores (src/pbanalysis/pipeline/runner.py).
RUN_DEPS := $(PROCESSED) $(SRC) $(STAMP)
ifneq ($(filter report,$(MAKECMDGOALS)),)
ifeq ($(RUNS_MK_WHOLE),)
ifneq ($(CHECK_ONLY),)
$(RUNS_MK): FORCE
else ifneq ($(RUNS_MK_TEXT),)
# Cut short or changed by hand: never read, made again (this make holds the lock).
$(shell rm -f $(RUNS_MK))
endif
endif
include $(RUNS_MK)
endif

$(RUNS_MK): $(STAMP) $(wildcard notebooks/*.ipynb notebooks/params/*.yaml) $(SRC)
ifneq ($(CHECK_ONLY),)
	@exit 1
else
	@$(PY) -m pbanalysis runs --make --out $@
endif

ifneq ($(CHECK_ONLY),)
.PHONY: FORCE
FORCE: ; @:
report: $(PROCESSED) $(RUN_OUTPUTS) $(REPORTS)/index.html $(REPORTS)/pbanalysis-data-tables.xlsx $(if $(wildcard $(REPORTS)/.stale/*),FORCE)
else
report: $(PROCESSED) $(RUN_OUTPUTS)
	@if [ -n "$$(ls -A $(REPORTS)/.stale 2>/dev/null)" ] || [ ! -e $(REPORTS)/index.html ] || \
	  [ ! -e $(REPORTS)/pbanalysis-data-tables.xlsx ]; then \
	  $(PY) -m pbanalysis report $(if $(JOBS),--jobs $(JOBS)); \
	else echo "report: 0 runs executed, $(words $(RUNS)) already up to date" >&2; fi
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

# JupyterLab refuses to start as root (as in a container) unless told; passed only when root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)
# The project's JupyterLab settings (news and update checks off), copied into the venv's Lab.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
PORT ?= 8866

$(LAB_OVERRIDES): jupyter/overrides.json $(STAMP)
	@mkdir -p $(@D)
	cp jupyter/overrides.json $@

lab: $(STAMP) $(PROCESSED) $(LAB_OVERRIDES) ## Open JupyterLab on notebooks/ with the project's kernel (no news pop-up)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(ALLOW_ROOT) \
	  --LabApp.news_url=None --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate

# One kernel per open page; a kernel whose page is gone is ended after 15 idle minutes. The page
# template (jupyter/voila/templates/pbanalysis) is Voila's own without its request to a CDN.
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


