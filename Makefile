# The README's commands. Everything installs into .venv; torch only for the tests' extras (CPU build).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
CONSTRAINTS := constraints.txt
HOST ?= 127.0.0.1
PORT ?= 7860
CLIENTS ?= 20
DURATION ?= 60

.PHONY: run install install-test ingest serve test lint bench load clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip

$(VENV)/.installed: pyproject.toml $(CONSTRAINTS) | $(PY)
	$(PIP) install -q -c $(CONSTRAINTS) -e .
	touch $@

# torch first and pinned: pip takes the CPU build from this machine's disk, never a CUDA build.
$(VENV)/.installed-test: $(VENV)/.installed
	$(PIP) install -q -c $(CONSTRAINTS) torch==2.13.0
	$(PIP) install -q -c $(CONSTRAINTS) -e '.[st,test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

ingest: install
	$(VENV)/bin/policykb ingest

serve: install
	$(VENV)/bin/policykb serve --host $(HOST) --port $(PORT)

run: install
	$(VENV)/bin/policykb ingest
	$(VENV)/bin/policykb serve --host $(HOST) --port $(PORT)

test: install-test
	bash scripts/ensure-chromium.sh
	$(PY) -m pytest

lint: install-test
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: install
	$(PY) -m bench

# CLIENTS gradio_client users for DURATION seconds against a real policykb serve on loopback.
load: install
	$(PY) -m bench.load --clients $(CLIENTS) --seconds $(DURATION)

clean:
	rm -rf data .pytest_cache test-output bench-output
