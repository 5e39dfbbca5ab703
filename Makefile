# The one entry point for people and CI. Each target bootstraps .venv itself.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck check bench openapi backup restore clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)  ## serve the demo at http://127.0.0.1:8080 (embedded PostgreSQL unless DATABASE_URL)
	$(BIN)/kvn run

test: $(STAMP)  ## the whole suite on real PostgreSQL (TEST_DATABASE_URL, else embedded)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy shared services tests bench

check: lint typecheck test

clean:
	rm -rf $(VENV) var/pgtest .pytest_cache .mypy_cache .ruff_cache
