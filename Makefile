# `make serve` and `make test` build .venv themselves; `.ci/run` is `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP_QUIET := --quiet --disable-pip-version-check

.PHONY: serve test test-again lint lock bench bench-webhooks bench-dashboard soak clean chromium nginx container-tools test-container wheels

# Installs come from the lock files (exact versions, hashes checked); `make lock` refreshes them.
RUN_LOCK := requirements/run.lock
DEV_LOCK := requirements/dev.lock
LOCK_OPTIONS := --quiet --generate-hashes --strip-extras --no-emit-index-url --no-emit-find-links --allow-unsafe

$(VENV)/run-installed: pyproject.toml $(RUN_LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install $(PIP_QUIET) --require-hashes -r $(RUN_LOCK) 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/pip install $(PIP_QUIET) --no-deps -e . 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -c "import podium.cli"
	touch $@

$(VENV)/dev-installed: pyproject.toml $(DEV_LOCK)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install $(PIP_QUIET) --require-hashes -r $(DEV_LOCK) 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/pip install $(PIP_QUIET) --no-deps -e . 2>&1 | grep -v "^WARNING: Location" || true
	$(BIN)/python -c "import podium.cli, zoomus, pytest"
	touch $(VENV)/run-installed $@

# The newest versions the bounds in pyproject.toml allow, pinned with their hashes.
lock: $(VENV)/dev-installed
	$(BIN)/pip-compile $(LOCK_OPTIONS) --upgrade --extra postgres --extra redis -o $(RUN_LOCK) pyproject.toml
	$(BIN)/pip-compile $(LOCK_OPTIONS) --upgrade --extra dev -o $(DEV_LOCK) pyproject.toml

serve: $(VENV)/run-installed
	$(BIN)/podium serve --demo

lint: $(VENV)/dev-installed
	$(BIN)/ruff check src tests tools
	$(BIN)/ruff format --check src tests tools
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint test-again

# The Node clients: npm zoomus@0.1.5 (v1, tests/e2e/test_zoomus_node.py) and Zoom's own SDK
# @zoom/rivet (v2, tests/e2e/test_v2_rivet.py).
tests/node/node_modules/.installed: tests/node/package.json tests/node/package-lock.json
	cd tests/node && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# PyPI zoomus 1.x (v1 mode) cannot share a venv with zoomus 0.1.7: it gets its own.
.venv-zoomus1/installed:
	$(PYTHON) -m venv .venv-zoomus1
	.venv-zoomus1/bin/pip install $(PIP_QUIET) zoomus==1.1.6 2>&1 | grep -v "^WARNING: Location" || true
	.venv-zoomus1/bin/python -c "import zoomus"
	touch $@

# PyPI zoomus 1.2.1 in v2 mode (Server-to-Server OAuth): a venv of its own as well.
.venv-zoomus2/installed:
	$(PYTHON) -m venv .venv-zoomus2
	.venv-zoomus2/bin/pip install $(PIP_QUIET) zoomus==1.2.1 2>&1 | grep -v "^WARNING: Location" || true
	.venv-zoomus2/bin/python -c "import zoomus"
	touch $@

# Debian's Chromium for the browser tests (Playwright drives it; its own download is blocked).
CHROMIUM := $(shell command -v chromium 2>/dev/null)
chromium:
ifeq ($(CHROMIUM),)
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
endif

# Debian's nginx for tests/e2e/test_nginx.py (deploy/nginx.conf in front of Podium), and
# systemd-analyze for tests/e2e/test_deploy_files.py (deploy/podium.service).
NGINX := $(shell command -v nginx 2>/dev/null)
SYSTEMD_ANALYZE := $(shell command -v systemd-analyze 2>/dev/null)
nginx:
ifeq ($(NGINX),)
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
endif
ifeq ($(SYSTEMD_ANALYZE),)
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd >/dev/null
endif

# The suite alone (CI runs it a second time with PODIUM_TEST_DATABASE_URL on PostgreSQL), on
# two pytest-xdist workers. --dist loadfile: a test file runs on one worker, so its module
# fixtures (a server, a built wheel) are made once. (Not loadgroup: pytest-xdist 3.8 marks a
# group by rewriting item._nodeid, which pytest 9.2 no longer reads.) coverage measures the
# workers (execnet starts them as subprocesses: `patch = ["subprocess"]`) and combines them.
# PYTEST_WORKERS="-p no:xdist" runs it in one process.
PYTEST_WORKERS ?= -n 2 --dist loadfile
# The schemathesis tests give every API operation the same node id: pytest-xdist would run one
# operation of each and drop the rest silently, so they run afterwards in one process.
SCHEMA_TESTS := tests/fuzz/test_openapi.py tests/fuzz/test_v2_openapi.py
test-again: $(VENV)/dev-installed tests/node/node_modules/.installed .venv-zoomus1/installed \
		.venv-zoomus2/installed chromium nginx
	rm -f .coverage .coverage.*
	$(BIN)/coverage run -m pytest $(PYTEST_WORKERS) $(addprefix --ignore=,$(SCHEMA_TESTS)) $(PYTEST_ARGS)
	$(BIN)/coverage run -m pytest -p no:xdist $(PYTEST_ARGS) $(SCHEMA_TESTS)
	$(BIN)/coverage combine --quiet
	$(BIN)/coverage report

# The container image (Containerfile), built and run with buildah on a Debian base made by
# debootstrap: outside `make test`, run by .ci/run (tests/container/, a few minutes).
BUILDAH := $(shell command -v buildah 2>/dev/null)
DEBOOTSTRAP := $(shell command -v debootstrap 2>/dev/null)
container-tools:
ifeq ($(and $(BUILDAH),$(DEBOOTSTRAP)),)
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq buildah debootstrap >/dev/null
endif

# The wheels the Containerfile installs (--no-index): the locked dependencies and Podium's own.
wheels: $(VENV)/dev-installed $(RUN_LOCK)
	rm -rf wheels && mkdir -p wheels
	$(BIN)/pip wheel $(PIP_QUIET) --no-deps --require-hashes -r $(RUN_LOCK) -w wheels
	$(BIN)/python -m build --wheel --outdir wheels . >/dev/null

test-container: $(VENV)/dev-installed container-tools
	PODIUM_TEST_CONTAINER=1 $(BIN)/pytest -q -p no:cacheprovider --timeout=900 tests/container

# Benchmarks (bounded: about 4 minutes: the HTTP figures, a live session of 200, the reports,
# exports and the registrants page); figures and their reading go to bench/README.md.
# BENCH_POSTGRES: the PostgreSQL server of the --workers comparison (a database of its own).
BENCH_POSTGRES ?= postgresql://postgres@127.0.0.1:5432/test
bench: $(VENV)/dev-installed
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)
	$(BIN)/python bench/run.py --workers-url $(BENCH_POSTGRES) $(BENCH_ARGS)
	$(BIN)/python bench/reports.py
	$(BIN)/python bench/dashboard.py

# The dashboard's registrants page alone (issue 18; `make bench` runs it too).
bench-dashboard: $(VENV)/dev-installed
	$(BIN)/python bench/dashboard.py $(BENCH_ARGS)

# The webhook targets (issue 17): burst delivery, throughput with a subscription, a dead endpoint.
bench-webhooks: $(VENV)/dev-installed
	command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk >/dev/null)
	$(BIN)/python bench/webhooks.py $(BENCH_ARGS)

# Longer runs of the reliability tests: the full stateful profile (200 examples of 50 steps).
soak: $(VENV)/dev-installed
	PODIUM_STATEFUL=200x50 $(BIN)/pytest -q -p no:cacheprovider --timeout=3600 tests/fuzz

clean:
	rm -rf $(VENV) .venv-zoomus1 .venv-zoomus2 .pytest_cache .mypy_cache .ruff_cache .coverage
