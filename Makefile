# CinemaOS: `make run` for a first look (embedded default), `make test` for the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: install run serve migrate seed test fuzz testdb lint worker scheduler bench clean web web-test realtime

# Installs with uv (from PyPI, several times faster than pip on a fresh clone); pip when uv
# cannot be had. `make run` installs what running needs; `make test` adds the test tools.
UV_VERSION := 0.9.9
define pip_install
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	($(BIN)/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION) && \
	  $(BIN)/uv pip install --quiet --python $(BIN)/python -r $(1)) || \
	  $(BIN)/pip install --quiet --disable-pip-version-check -r $(1)
endef

$(VENV)/.run-deps: requirements.txt
	$(call pip_install,requirements.txt)
	touch $@

$(VENV)/.deps: $(VENV)/.run-deps requirements-dev.txt
	$(call pip_install,requirements-dev.txt)
	touch $@

install: $(VENV)/.deps

migrate: $(VENV)/.run-deps
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask seed-demo

# The web client (web/): its node modules from the committed lockfile, and its static export
# (web/out, served at /) rebuilt when a source file is newer than the last build.
WEB_SOURCES := $(shell find web/src web/scripts -type f 2>/dev/null) web/package.json \
	web/next.config.mjs web/tsconfig.json

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

web/out/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && npm run build
	touch $@

## make web: build the web client's static export if it is missing or stale
web: web/out/index.html

## make run: migrate, seed demo data and serve on 127.0.0.1:$${PORT:-8000} (Swagger UI at /docs);
## the site at / is built in the background if missing or stale (log: instance/web-build.log)
run: seed
	@mkdir -p instance
	@($(MAKE) --no-print-directory web > instance/web-build.log 2>&1 && echo "web: the site is up to date" \
	  || echo "web: the build failed, see instance/web-build.log") &
	$(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

## make realtime: live seat maps over WebSockets on $${REALTIME_HOST:-127.0.0.1}:$${REALTIME_PORT:-8001}
## (needs REDIS_URL, the API's Redis; `make run`'s in-process Redis cannot be shared: pages poll)
realtime: $(VENV)/.run-deps
	$(BIN)/python -m realtime

serve: $(VENV)/.run-deps
	$(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

testdb: install
	$(BIN)/python -c "from tests.conftest import TEST_DATABASE_URL, ensure_database; ensure_database(TEST_DATABASE_URL)"

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

## make web-test: the web client's unit tests (vitest)
web-test: web
	cd web && npm test

## make test: lint, create the test database if missing, build the site, run every test layer
test: lint testdb web-test
	$(BIN)/python -m pytest

## make fuzz: the OpenAPI fuzzer of `make test` (every operation, anonymous and as each role) with a
## larger budget: FUZZ_EXAMPLES generated cases per operation, 100 unless set
fuzz: testdb
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-100} $(BIN)/python -m pytest tests/e2e/test_fuzz_openapi.py

worker: $(VENV)/.run-deps
	$(BIN)/python -m workers

scheduler: $(VENV)/.run-deps
	$(BIN)/rq cron workers/periodic.py --url "$${REDIS_URL:?set REDIS_URL}"

## make bench: schedule optimiser, dynamic pricing and seat-hold throughput (each prints a JSON line last)
bench: install
	$(BIN)/python bench/optimizer.py
	$(BIN)/python bench/pricing.py
	$(BIN)/python bench/holds.py

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache web/node_modules web/.next web/out
