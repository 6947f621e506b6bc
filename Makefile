# Bangkom: two commands for a newcomer — `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA_DIR ?= $(CURDIR)/var
export BANGKOM_DATA_DIR ?= $(DATA_DIR)
export BANGKOM_DATABASE_URL ?= sqlite+aiosqlite:///$(DATA_DIR)/bangkom.db
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_ASN ?= 2000
PG_ADMIN ?= postgresql://postgres@127.0.0.1:5432/postgres

.PHONY: help install backend frontend run serve db demo test test-backend test-sqlite test-postgres test-contract \
        test-contract-sqlite test-contract-postgres \
        check-client check-ts-client test-frontend test-e2e chromium lint lint-frontend pg-up clean

help:
	@echo "make run    - install everything, build the SPA, migrate SQLite, load demo data, serve on http://$(HOST):$(PORT)"
	@echo "make test   - the whole suite: lint, backend on SQLite and PostgreSQL, generated clients, frontend unit"
	@echo "             tests, the SPA build (bundle budget) and the end-to-end tests in Chromium"

# --- installation ------------------------------------------------------------------------------

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

backend: $(VENV)/.installed

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js 20+) is required: apt-get install -y nodejs npm"; exit 1; }
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend/dist/index.html: frontend/node_modules/.installed $(shell find frontend/src frontend/scripts frontend/index.html frontend/vite.config.ts frontend/tsconfig*.json -type f 2>/dev/null)
	cd frontend && npm run build

frontend: frontend/dist/index.html

install: backend frontend

# --- running -----------------------------------------------------------------------------------

db: backend
	@mkdir -p $(DATA_DIR)
	$(BIN)/bangkom db upgrade

demo: db
	$(BIN)/bangkom demo load --asn $(DEMO_ASN)

run: install demo
	@echo "Serving Bangkom on http://$(HOST):$(PORT)  (API docs: http://$(HOST):$(PORT)/api/docs)"
	$(BIN)/bangkom serve --host $(HOST) --port $(PORT)

serve: install db
	$(BIN)/bangkom serve --host $(HOST) --port $(PORT)

# --- tests -------------------------------------------------------------------------------------

pg-up:
	@if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then \
	  echo "starting PostgreSQL"; \
	  pg_ctlcluster --skip-systemctl-redirect $$(ls /etc/postgresql) main start; \
	  for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done; \
	fi

lint: backend lint-frontend
	$(BIN)/ruff check app tests bench migrations
	$(BIN)/ruff format --check app tests bench migrations
	$(BIN)/mypy app tests bench

test-sqlite: backend
	BANGKOM_TEST_DB=sqlite $(BIN)/pytest -q -p no:cacheprovider

test-postgres: backend pg-up
	BANGKOM_TEST_DB=postgres BANGKOM_TEST_PG_ADMIN=$(PG_ADMIN) $(BIN)/pytest -q -p no:cacheprovider

# The two databases' suites side by side (each is mostly one busy process); output kept per suite.
test-backend: backend pg-up
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

# Schemathesis against the live API from its own OpenAPI document (tests/contract/): a BPSDM admin and
# an ASN, on a temporary SQLite file and a temporary PostgreSQL database (dropped after), time-boxed.
# Both databases side by side: each run's time box is wall-clock, so this halves the wait.
test-contract: backend pg-up
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-contract-sqlite test-contract-postgres

test-contract-sqlite: backend
	$(BIN)/python -m tests.contract.run_contract --db sqlite

test-contract-postgres: backend pg-up
	$(BIN)/python -m tests.contract.run_contract --db postgres --pg-admin $(PG_ADMIN)

# A Python client generated from the live OpenAPI document must work (tests/client/).
check-client: backend
	$(BIN)/python -m tests.client.check_generated_client

# The SPA's typed client (frontend/openapi.json, src/api/schema.d.ts) must match the API; regenerate
# with `cd frontend && npm run generate`.
check-ts-client: backend frontend/node_modules/.installed
	cd frontend && BANGKOM_BIN=$(CURDIR)/$(BIN)/bangkom node scripts/generate-client.mjs --check

# Biome over the SPA: lint and formatting, no writes (`cd frontend && npm run format` fixes the format).
lint-frontend: frontend/node_modules/.installed
	cd frontend && npm run lint

test-frontend: frontend/node_modules/.installed
	cd frontend && npm test

# Debian's Chromium drives the end-to-end tests (playwright-core downloads no browser).
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" != 0 ]; then echo "Chromium is missing: sudo apt-get install -y chromium"; exit 1; fi; \
	  echo "installing Chromium"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi

# The built SPA against `bangkom serve` on a fresh demo database; screenshots in frontend/e2e/screenshots/.
test-e2e: backend frontend chromium
	cd frontend && BANGKOM_BIN=$(CURDIR)/$(BIN)/bangkom node e2e/run.mjs

# `make test` on 2 cores: after the installs (pip and npm side by side), two lanes run side by side,
# each mostly one busy process, so that both cores stay busy until the end:
#   lane 1: the SQLite suite, then the SPA build and the end-to-end tests (Chromium and one server: about
#           0.7 of a core, mostly waiting on the browser);
#   lane 2: lint, the PostgreSQL suite (the longer one, with the server's own work), Schemathesis on both
#           databases (time-boxed by the clock, about one core for the two), the generated clients and
#           the SPA's unit tests.
# Lane 2's output is shown as it runs, lane 1's after it; each lane stops at its first failure.
test:
	@$(MAKE) --no-print-directory -j2 --output-sync=target backend frontend/node_modules/.installed
	@$(MAKE) --no-print-directory pg-up
	@lane=$$(mktemp); \
	( $(MAKE) --no-print-directory test-sqlite frontend test-e2e >$$lane 2>&1; echo $$? >$$lane.rc ) & \
	$(MAKE) --no-print-directory lint test-postgres test-contract check-client check-ts-client test-frontend; main=$$?; \
	wait; echo "--- SQLite suite, SPA build and end-to-end tests"; cat $$lane; lane_rc=$$(cat $$lane.rc); \
	rm -f $$lane $$lane.rc; \
	if [ $$main -ne 0 ] || [ $$lane_rc -ne 0 ]; then exit 1; fi

clean:
	rm -rf $(VENV) frontend/node_modules frontend/dist var .pytest_cache .ruff_cache
