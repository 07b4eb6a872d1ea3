# mutuals — the two commands a newcomer needs are `make demo` and `make test`.
SHELL := /bin/sh
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo run worker test test-fast lint format bench install browser clean cluster test-cluster

# The virtualenv is rebuilt whenever the declared dependencies change.
$(BIN)/.installed: pyproject.toml
	@PY=$$(scripts/find-python) || exit 1; \
	if [ ! -x "$(BIN)/python" ]; then echo "creating $(VENV) with $$PY"; "$$PY" -m venv "$(VENV)"; fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

install: $(BIN)/.installed

## make demo: install, migrate the embedded SQLite database, seed the demo chapter, serve on 127.0.0.1:8000
## with the graph builder (`mutuals graph`) beside it
demo: install
	$(BIN)/mutuals migrate --noinput
	$(BIN)/mutuals demo
	export MUTUALS_LOG_FORMAT=$${MUTUALS_LOG_FORMAT:-text}; \
	$(BIN)/mutuals graph & builder=$$!; trap "kill $$builder" EXIT INT TERM; \
	$(BIN)/mutuals serve --host $(HOST) --port $(PORT)

## make run: Django's development server with autoreload (DEBUG on), with the graph builder beside it
run: install
	$(BIN)/mutuals migrate --noinput
	export MUTUALS_LOG_FORMAT=$${MUTUALS_LOG_FORMAT:-text}; \
	$(BIN)/mutuals graph & builder=$$!; trap "kill $$builder" EXIT INT TERM; \
	MUTUALS_DEBUG=1 $(BIN)/mutuals runserver $(HOST):$(PORT)

## make worker: run background tasks (nudges, deliveries, imports)
worker: install
	$(BIN)/mutuals worker

## make browser: the headless Chromium the browser tests drive (Debian packages)
browser:
	@scripts/ensure-chromium

## make test: every test, including the browser journeys (DATABASE_URL selects the database)
test: install browser
	$(BIN)/pytest -n auto

## make cluster: the local cluster (scripts/cluster up): PostgreSQL primary and streaming replica,
## Redis, two servers, two workers and nginx, each in its own network namespace (root); stop it
## with `scripts/cluster down`
cluster: install
	scripts/ensure-cluster-packages
	scripts/cluster up

## make test-cluster: start the cluster, drive a mixed load through the proxy for 60 s while
## killing a server and a worker, restarting the replica, blocking, backing up; then stop it.
## When it fails (or the cluster does not come up) the members' logs are kept in
## var/cluster-logs/<UTC time>/ before the cluster is removed
CLUSTER_LOGS ?= var/cluster-logs
test-cluster: install
	scripts/ensure-cluster-packages
	scripts/cluster down >/dev/null
	scripts/cluster up && \
	MUTUALS_CLUSTER=1 $(BIN)/pytest -p no:randomly -p no:xdist -s -q tests/cluster; \
	status=$$?; \
	if [ $$status != 0 ]; then scripts/cluster keep-logs "$(CLUSTER_LOGS)/$$(date -u +%Y%m%dT%H%M%SZ)"; fi; \
	scripts/cluster down; exit $$status

## make lint: ruff, mypy (strict, django-stubs), template indentation, migrations up to date
## and safe while the old version serves (`mutuals lintmigrations`, docs/operations.md "Upgrades"),
## nothing reads the folder beside the checkout (scripts/check-standalone), and the layers
## (import-linter contracts in pyproject.toml; docs/architecture.md "Layers"), thin views and
## one-subject services modules (scripts/check_architecture.py)
lint: install
	scripts/check-standalone
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/djhtml --check $$(find mutuals -name '*.html' -path '*templates*')
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/mutuals makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(BIN)/mutuals lintmigrations
	$(BIN)/lint-imports
	$(BIN)/python scripts/check_architecture.py

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djhtml $$(find mutuals -name '*.html' -path '*templates*')

bench: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[bench]"
	@for script in benchmarks/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
