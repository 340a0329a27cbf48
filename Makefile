# CinemaOS: `make run` for a first look (embedded default), `make test` for the whole suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export FLASK_APP := wsgi

.PHONY: install run serve migrate seed test fuzz testdb lint worker scheduler bench clean

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

## make run: migrate, seed demo data and serve on 127.0.0.1:$${PORT:-8000} (Swagger UI at /docs)
run: seed
	$(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

serve: $(VENV)/.run-deps
	$(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

testdb: install
	$(BIN)/python -c "from tests.conftest import TEST_DATABASE_URL, ensure_database; ensure_database(TEST_DATABASE_URL)"

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

## make test: lint, create the test database if missing, run every test layer
test: lint testdb
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
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
