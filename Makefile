# BorderWatch: two commands matter.
#   make run   set up (first time) and start the app on http://127.0.0.1:8501
#   make test  set up (first time) and run lint, unit, page and real-browser tests
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
ADDRESS ?= 127.0.0.1
PORT ?= 8501

.PHONY: run test setup setup-dev chromium lint geodata vendor docs bench clean team team-stop team-check

# pip's own output is long; show one line per package so a first install (a minute or
# two) visibly progresses. pipefail keeps a failed install a failure.
SHELL := /bin/bash
PIP_PROGRESS := 2>&1 | sed -un -e 's/^Collecting \([^ ]*\).*/  fetching \1/p' \
	-e 's/^Successfully installed.*/  installed./p' -e '/ERROR\|error:/p'

$(VENV)/.installed: requirements.txt pyproject.toml
	@echo "Setting up BorderWatch in $(VENV) (first time: about 60 packages)…"
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	@set -o pipefail; $(PY) -m pip install --progress-bar off -r requirements.txt -e . $(PIP_PROGRESS)
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	@echo "Installing the test and lint tools…"
	@set -o pipefail; $(PY) -m pip install --progress-bar off -r requirements-dev.txt $(PIP_PROGRESS)
	touch $@

setup: $(VENV)/.installed

setup-dev: $(VENV)/.installed-dev

run: setup
	$(PY) -m borderwatch.ui.launcher --server.address $(ADDRESS) --server.port $(PORT) $(ARGS)

# Team mode on this machine: PostgreSQL + PostGIS in .pg/, schema migrated, curated layer
# loaded, the dev sign-in provider, the app on 127.0.0.1 (docs/team-server.md).
team: setup-dev
	PY=$(PY) PORT=$(PORT) scripts/team_server.sh

# Stop the local team database (its data stays in .pg/ for the next `make team`).
team-stop:
	scripts/pg.sh stop

# Health of the team database the app would use (exit status 0 when ready).
team-check: setup
	BORDERWATCH_DATABASE_URL=$${BORDERWATCH_DATABASE_URL:-postgresql+psycopg://borderwatch_app@127.0.0.1:55432/borderwatch} \
		$(PY) -m borderwatch.team.db check

chromium:
	@scripts/ensure_chromium.sh

lint: setup-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

test: setup-dev chromium lint
	$(PY) -m pytest

geodata: setup-dev
	$(PY) scripts/build_geodata.py

vendor: setup-dev
	$(PY) scripts/vendor_assets.py

# The importer sections of docs/dataset-layouts.md, from the importers' declarations.
docs: setup
	$(PY) scripts/build_docs.py

bench: setup-dev chromium
	$(PY) benchmarks/bench_map.py
	taskset -c 0 $(PY) benchmarks/bench_proximity.py || $(PY) benchmarks/bench_proximity.py
	$(PY) benchmarks/bench_snapshot.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts benchmarks/results
