# Gonghui — the two commands a new machine needs are `make demo` and `make test`.
# Everything is installed into .venv from pyproject.toml, pinned by constraints.txt.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
PIP    := $(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt
PYTEST_ARGS ?=
TEST_WORKERS ?= auto

.PHONY: demo serve test e2e lint bench constraints vendor clean help

help:
	@echo "make demo    set up the demo city (SQLite) and serve it on http://127.0.0.1:$(PORT)"
	@echo "make test    run the tests (no browser); DATABASE_URL=postgres://... runs them on PostgreSQL"
	@echo "make e2e     run the browser tests (needs Debian's chromium and a CJK font: see README)"
	@echo "make lint    ruff and the layering contracts (import-linter, pyproject.toml)"
	@echo "make bench   the city-sized workload, measured against raw baselines (see README, Performance)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-base: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed-base
	$(PIP) -e '.[test]'
	@touch $@

$(VENV)/.installed-e2e: $(VENV)/.installed-test
	$(PIP) -e '.[test,e2e]'
	@touch $@

demo: $(VENV)/.installed-base
	$(BIN)/python -m gonghui demo --port $(PORT)

serve: $(VENV)/.installed-base
	$(BIN)/python -m gonghui serve --port $(PORT)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest --ignore=tests/e2e -q -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

e2e: $(VENV)/.installed-e2e
	$(BIN)/python -m pytest tests/e2e -q $(PYTEST_ARGS)

# The city-sized workload (700,000 workers, 1.5 million cases) in a database of its own; BENCH_ARGS="--scale
# 0.1 --only search,queue" narrows it. DATABASE_URL=postgres://… runs it on PostgreSQL (<name>_bench).
bench: $(VENV)/.installed-base
	$(BIN)/python -m gonghui bench $(BENCH_ARGS)

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests
	$(BIN)/lint-imports --no-cache

# Re-pin after changing a dependency in pyproject.toml.
constraints: $(VENV)/.installed-e2e
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^gonghui' > constraints.txt

# Refresh the vendored front-end assets from npm (package.json pins the versions).
vendor:
	npm install --no-audit --no-fund
	mkdir -p src/gonghui/static/vendor/bootstrap src/gonghui/static/vendor/htmx src/gonghui/static/vendor/weui
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js node_modules/bootstrap/LICENSE src/gonghui/static/vendor/bootstrap/
	cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/LICENSE src/gonghui/static/vendor/htmx/
	cp node_modules/weui/dist/style/weui.min.css node_modules/weui/LICENSE.txt src/gonghui/static/vendor/weui/

clean:
	rm -rf $(VENV) staticfiles artifacts .pytest_cache .ruff_cache
