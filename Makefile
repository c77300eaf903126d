# One command runs Hireloop, one runs its tests; both create the virtualenv themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
# pytest-xdist workers; the suite is I/O bound, so a couple per core pays off.
WORKERS ?= 4

AXE := .ci/npm/node_modules/axe-core/axe.min.js

.PHONY: run test lint bench clean axe

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

run: $(STAMP)  ## migrate, seed demo jobs on first run, serve on http://127.0.0.1:8000
	$(BIN)/hireloop serve

# SQLite by default; HIRELOOP_TEST_DATABASE_URL=postgresql+asyncpg://... runs it on PostgreSQL.
test: $(STAMP) axe
	$(BIN)/pytest -n $(WORKERS) -q

# The browser tests check pages with axe-core (npm); fetch it when Chromium is there to use it.
axe:
	@if [ -x /usr/bin/chromium ] && [ ! -f $(AXE) ] && command -v npm >/dev/null; then \
		npm install --silent --no-audit --no-fund --prefix .ci/npm axe-core@4; fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
