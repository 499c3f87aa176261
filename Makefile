# Two commands on a fresh machine:  `make run` (main job)  and  `make test` (whole test suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install system-deps build serve lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## Main job: install, build the warehouse from the bundled data, serve on http://127.0.0.1:8000
run: install build serve

build: install
	$(BIN)/quartiers build

serve: install
	$(BIN)/quartiers serve

## Debian packages the tests need: Chromium (browser tests) and PostgreSQL (production path)
system-deps:
	@command -v chromium >/dev/null && command -v pg_lsclusters >/dev/null || \
	  (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium postgresql)

lint: install
	$(BIN)/ruff check src tests bench

## Whole suite: lint, engine + web + API + browser tests on SQLite, then the Django suite on PostgreSQL
test: install system-deps lint
	$(BIN)/python -m pytest
	DATABASE_URL=$$(./scripts/postgres-for-tests.sh) $(BIN)/python -m pytest tests/web -m "not browser"

bench: install
	@command -v wrk >/dev/null || (apt-get update -q && apt-get install -y -q wrk)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) var
