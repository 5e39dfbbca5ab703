# The one entry point for people and CI. Each target bootstraps .venv itself.
#   make run    serve the demo at http://127.0.0.1:8080 (embedded PostgreSQL unless DATABASE_URL)
#   make test   the whole suite on real PostgreSQL (TEST_DATABASE_URL, else embedded)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BACKUP ?= var/backup/kvalitetsnavet.dump

.PHONY: run test lint typecheck check bench openapi client apilint backup restore clean lock

# Installed from the lock file (every package pinned with its hashes), then the project itself
# without dependencies; `make lock` regenerates both lock files after pyproject.toml changes.
LOCK_FLAGS := --generate-hashes --python-version 3.11 --python-platform x86_64-manylinux_2_28 \
	--no-header --annotation-style line --quiet

$(STAMP): pyproject.toml requirements-dev.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is needed (found " + sys.version.split()[0] + "); run: make PYTHON=/path/to/python3.11")'
	@echo "Installing into $(VENV) (the first time takes a few minutes) …"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

lock: $(STAMP)  ## regenerate requirements.lock (production) and requirements-dev.lock (dev + embedded) from pyproject.toml
	$(BIN)/uv pip compile pyproject.toml $(LOCK_FLAGS) -o requirements.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra embedded $(LOCK_FLAGS) -o requirements-dev.lock

run: $(STAMP)  ## serve the demo at http://127.0.0.1:8080 (embedded PostgreSQL unless DATABASE_URL)
	exec $(BIN)/kvn run

test: $(STAMP)  ## the whole suite on real PostgreSQL (TEST_DATABASE_URL, else embedded)
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy shared services tests $(wildcard bench)

check: lint typecheck test

openapi: $(STAMP)  ## regenerate the committed OpenAPI documents in docs/openapi/ (one per service + combined)
	$(BIN)/python -m shared.cli openapi --out docs/openapi

client: $(STAMP)  ## generate the TypeScript client types from docs/openapi/kvalitetsnavet.json and type-check tests/clients/usage.ts
	npm ci --no-audit --no-fund
	npm run --silent client:generate && npm run --silent client:check

apilint:  ## lint docs/openapi/ with Spectral (.spectral.yaml: oas + DIGG REST API-profil) and Redocly's recommended rules; any error or warning fails
	[ -x node_modules/.bin/spectral ] || npm ci --no-audit --no-fund
	npm run --silent apilint:spectral
	mkdir -p var && REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true npm run --silent apilint:redocly >var/redocly-lint.txt 2>&1; \
		status=$$?; grep -v '[║╔╚]' var/redocly-lint.txt; [ $$status = 0 ] && ! grep -qE '[0-9]+ warnings?' var/redocly-lint.txt

backup: $(STAMP)  ## pg_dump (custom format) of DATABASE_URL, else of the embedded server, to $(BACKUP)
	$(BIN)/kvn backup --out $(BACKUP)

restore: $(STAMP)  ## pg_restore $(BACKUP) into DATABASE_URL (else the embedded server)
	$(BIN)/kvn restore --in $(BACKUP)

clean:
	rm -rf $(VENV) var/pgtest .pytest_cache .mypy_cache .ruff_cache
