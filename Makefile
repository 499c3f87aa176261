# Two commands on a fresh machine:  `make run` (main job)  and  `make test` (whole test suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# The address server of the geocoding tests (addok, the engine of the national address service),
# in its own environment: it is a service the platform talks to, not a library it imports.
ADDOK_VENV := .venv-addok
ADDOK_STAMP := $(ADDOK_VENV)/.installed

.PHONY: run test install system-deps address-server build init serve lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

$(ADDOK_STAMP): tests/address_server/requirements.txt
	$(PYTHON) -m venv $(ADDOK_VENV)
	$(ADDOK_VENV)/bin/pip install -q -r tests/address_server/requirements.txt
	touch $(ADDOK_STAMP)

address-server: $(ADDOK_STAMP)

## Main job: install, build the warehouse from the bundled data, prepare the database (migrations,
## static files, roles, pages, the two programmes), serve on http://127.0.0.1:8000 with a worker
run: install build init serve

build: install
	$(BIN)/quartiers build

init: install
	$(BIN)/quartiers init

serve: install
	$(BIN)/quartiers serve

## Debian packages the tests need: Chromium (browser tests), PostgreSQL (production path) and
## Redis (the address server of the geocoding tests)
system-deps:
	@command -v chromium >/dev/null && command -v pg_lsclusters >/dev/null && \
	  command -v redis-server >/dev/null || (apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium postgresql redis-server)

lint: install
	$(BIN)/ruff check src tests bench

## Whole suite: lint, engine + web + API + browser tests on SQLite, then the Django suite on PostgreSQL
## The real warehouse is built once, from the bundled data only (no user imports), for both runs
TEST_WAREHOUSE := var/tests/warehouse.duckdb
test: install system-deps address-server lint
	QUARTIERS_IMPORTS=var/tests/sans-imports $(BIN)/quartiers --warehouse $(TEST_WAREHOUSE) build
	QUARTIERS_TEST_WAREHOUSE=$(TEST_WAREHOUSE) $(BIN)/python -m pytest
	QUARTIERS_TEST_WAREHOUSE=$(TEST_WAREHOUSE) DATABASE_URL=$$(./scripts/postgres-for-tests.sh) \
	  $(BIN)/python -m pytest tests/web -m "not browser"

bench: install
	@command -v wrk >/dev/null || (apt-get update -q && apt-get install -y -q wrk)
	$(BIN)/python bench/run.py
	$(BIN)/python bench/locator.py
	$(BIN)/python bench/worker.py
	$(BIN)/python bench/site.py
	$(BIN)/python bench/analyses.py
	$(BIN)/python bench/events.py
	$(BIN)/python bench/mail.py
	$(BIN)/python bench/secrecy.py
	$(BIN)/python bench/deposit.py
	$(BIN)/python bench/contracts.py
	$(BIN)/python bench/report.py

clean:
	rm -rf $(VENV) $(ADDOK_VENV) var
