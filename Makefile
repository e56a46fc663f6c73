# BorderWatch: two commands matter.
#   make run   set up (first time) and start the app on http://127.0.0.1:8501
#   make test  set up (first time) and run lint, unit, page and real-browser tests
VENV ?= .venv
PY := $(VENV)/bin/python
PYTHON ?= python3
ADDRESS ?= 127.0.0.1
PORT ?= 8501

.PHONY: run test setup setup-dev chromium lint geodata vendor docs bench clean

$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed

setup-dev: $(VENV)/.installed-dev

run: setup
	$(PY) -m borderwatch.ui.launcher --server.address $(ADDRESS) --server.port $(PORT)

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
