# `make serve` and `make test` build .venv themselves; `.ci/run` is `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP_QUIET := --quiet --disable-pip-version-check

.PHONY: serve test test-again lint bench bench-webhooks soak clean chromium

$(VENV)/run-installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install $(PIP_QUIET) -e . 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -c "import podium.cli"
	touch $@

$(VENV)/dev-installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install $(PIP_QUIET) -e '.[dev]' 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -c "import podium.cli, zoomus, pytest"
	touch $(VENV)/run-installed $@

serve: $(VENV)/run-installed
	$(BIN)/podium serve --demo

lint: $(VENV)/dev-installed
	$(BIN)/ruff check src tests tools
	$(BIN)/ruff format --check src tests tools
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint test-again

# Zoom's own Node client (npm zoomus@0.1.5), driven by tests/e2e/test_zoomus_node.py.
tests/node/node_modules/.installed: tests/node/package.json tests/node/package-lock.json
	cd tests/node && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# PyPI zoomus 1.x (v1 mode) cannot share a venv with zoomus 0.1.7: it gets its own.
.venv-zoomus1/installed:
	$(PYTHON) -m venv .venv-zoomus1
	.venv-zoomus1/bin/pip install $(PIP_QUIET) zoomus==1.1.6 2>&1 | grep -v "^WARNING: Location" || true
	.venv-zoomus1/bin/python -c "import zoomus"
	touch $@

# Debian's Chromium for the browser tests (Playwright drives it; its own download is blocked).
CHROMIUM := $(shell command -v chromium 2>/dev/null)
chromium:
ifeq ($(CHROMIUM),)
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
endif

# The suite alone (CI runs it a second time with PODIUM_TEST_DATABASE_URL on PostgreSQL).
test-again: $(VENV)/dev-installed tests/node/node_modules/.installed .venv-zoomus1/installed chromium
	rm -f .coverage .coverage.*
	$(BIN)/coverage run -m pytest $(PYTEST_ARGS)
	$(BIN)/coverage combine --quiet
	$(BIN)/coverage report

# Benchmarks (bounded: about 2 minutes); figures and their reading go to bench/README.md.
# BENCH_POSTGRES: the PostgreSQL server of the --workers comparison (a database of its own).
BENCH_POSTGRES ?= postgresql://postgres@127.0.0.1:5432/test
bench: $(VENV)/dev-installed
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)
	$(BIN)/python bench/run.py --workers-url $(BENCH_POSTGRES) $(BENCH_ARGS)

# The webhook targets (issue 17): burst delivery, throughput with a subscription, a dead endpoint.
bench-webhooks: $(VENV)/dev-installed
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)
	$(BIN)/python bench/webhooks.py $(BENCH_ARGS)

# Longer runs of the reliability tests: the full stateful profile (200 examples of 50 steps).
soak: $(VENV)/dev-installed
	PODIUM_STATEFUL=200x50 $(BIN)/pytest -q -p no:cacheprovider --timeout=3600 tests/fuzz

clean:
	rm -rf $(VENV) .venv-zoomus1 .pytest_cache .mypy_cache .ruff_cache .coverage
