# Two commands do all set-up: `make run` and `make test`. Both create .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DB ?= $(CURDIR)/.upperback-demo.sqlite3

.PHONY: run test install install-dev lint typecheck contracts pytest test-unit test-integration test-e2e demo serve bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/upperback serve --db $(DB) --seed-demo

demo: install
	$(BIN)/upperback demo --db $(CURDIR)/.upperback-cli-demo.sqlite3 --fresh

lint: install-dev
	$(BIN)/ruff check src tests benchmarks

typecheck: install-dev
	$(BIN)/mypy

# Layer rules (pyproject [tool.importlinter]): pure packages import no adapter, loading does
# not import feedback, web/cli reach store only through services, no import cycle anywhere.
contracts: install-dev
	$(BIN)/lint-imports --no-cache

pytest: install-dev
	$(BIN)/pytest -q -n 2 --dist worksteal

# One tier at a time (markers applied by folder in tests/conftest.py).
test-unit: install-dev
	$(BIN)/pytest -q -n 2 -m unit

test-integration: install-dev
	$(BIN)/pytest -q -n 2 -m integration

test-e2e: install-dev
	$(BIN)/pytest -q -n 2 -m e2e

test: lint typecheck contracts pytest

bench: install-dev
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
