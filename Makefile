# Hirebridge — `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HB := $(BIN)/hirebridge
# What `make run` needs, and what `make test`/`make lint` add (pytest, Schemathesis, Playwright,
# mypy, ...): a first `make run` installs only the first.
RUNTIME := $(VENV)/.runtime-installed
DEV := $(VENV)/.dev-installed
NODE_TOOLS := node_modules/.installed
# The documents exactly as they are served, written for the linters that read files.
SERVED := build/openapi
PIP := $(BIN)/pip install --quiet --disable-pip-version-check -c constraints.txt
BIND ?= 127.0.0.1:8000
# The benchmark scripts (bench/ also holds their shared modules, which are not run).
BENCHMARKS := bench/search.py bench/webhooks.py bench/api.py bench/api_cpu.py bench/list_statements.py \
	bench/faults.py

.PHONY: help install run serve worker migrate test contract breaking lint format bench clean constraints
.PHONY: clients

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

$(RUNTIME): pyproject.toml setup.py constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -e .
	touch $(RUNTIME)

$(DEV): $(RUNTIME)
	$(PIP) -e '.[dev]'
	touch $(DEV)

install: $(DEV) ## Create .venv and install the pinned dependencies, test and lint tools included

run: $(RUNTIME) ## Migrate, seed the demo (first start) and start the API and a worker on the embedded defaults
	$(HB) demo run --bind $(BIND)

serve: $(RUNTIME) ## Start the API only (gunicorn + uvicorn workers) with the configured services
	$(HB) serve --bind $(BIND)

worker: $(RUNTIME) ## Run a queue worker (RQ, with the scheduler)
	$(HB) worker

migrate: $(RUNTIME) ## Apply database migrations (DATABASE_URL, or the SQLite file)
	$(HB) db upgrade

test: $(DEV) ## Run every test (needs PostgreSQL and Redis, see README)
	$(BIN)/pytest

contract: $(DEV) $(NODE_TOOLS) ## Contract tests (documents, linters, Schemathesis, snapshots), then `st` against a live server
	$(BIN)/pytest contract_tests
	$(BIN)/python contract_tests/live_schemathesis.py

breaking: $(RUNTIME) ## Compare openapi/v1.yaml with its frozen baseline (breaking changes fail)
	$(BIN)/python -m hirebridge.contract.breaking openapi/frozen/v1.yaml openapi/v1.yaml

lint: $(DEV) $(NODE_TOOLS) ## ruff, mypy --strict, OpenAPI validation, Spectral (+OWASP) and Redocly on the served documents
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	for doc in openapi/*.yaml; do $(BIN)/python -m openapi_spec_validator $$doc || exit 1; done
	$(BIN)/python -m hirebridge.contract.served $(SERVED) >/dev/null
	node_modules/.bin/spectral lint --ruleset .spectral.yaml --fail-severity warn $(SERVED)/*.json
	REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true \
		node_modules/.bin/redocly lint --max-problems 50 $(SERVED)/*.json

# The outside linters (Spectral, its OWASP ruleset, Redocly CLI), exactly as package-lock.json pins them.
$(NODE_TOOLS): package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $(NODE_TOOLS)

format: $(DEV) ## Apply ruff's formatting and safe fixes
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clients: $(DEV) ## Regenerate the SDKs' generated layers (clients/) from the served documents
	$(BIN)/python clients/generate.py

bench: $(DEV) ## Run the benchmarks (slow; never part of `make test`)
	@for script in $(BENCHMARKS); do echo "== $$script"; $(BIN)/python $$script || exit 1; done

constraints: ## Re-pin every transitive dependency into constraints.txt (after changing pyproject.toml)
	rm -rf /tmp/hirebridge-pin && $(PYTHON) -m venv /tmp/hirebridge-pin
	/tmp/hirebridge-pin/bin/pip install --quiet --disable-pip-version-check -e '.[dev]'
	/tmp/hirebridge-pin/bin/pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt
	rm -rf /tmp/hirebridge-pin

clean: ## Remove the virtual environment, caches and local data (var/)
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache test-artifacts
