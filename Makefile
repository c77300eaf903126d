# One command runs Hireloop, one runs its tests; both create the virtualenv themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
# pytest-xdist workers; the suite is I/O bound, so a couple per core pays off.
WORKERS ?= 4

AXE := .ci/npm/node_modules/axe-core/axe.min.js

.PHONY: run test lint bench clean axe calibrate docs

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

# make run HOST=0.0.0.0 PORT=8080 (PORT=0: any free port; the address bound is printed)
HOST ?= 127.0.0.1
PORT ?= 8000

run: $(STAMP)  ## migrate, seed demo jobs on first run, serve on http://$(HOST):$(PORT)
	$(BIN)/hireloop serve --host '$(HOST)' --port '$(PORT)'

# SQLite by default; HIRELOOP_TEST_DATABASE_URL=postgresql+asyncpg://... runs it on PostgreSQL.
test: $(STAMP) axe
	$(BIN)/pytest -n $(WORKERS) -q

# The browser tests check pages with axe-core (npm); fetch it when Chromium is there to use it.
axe:
	@if [ -x /usr/bin/chromium ] && [ ! -f $(AXE) ] && command -v npm >/dev/null; then \
		npm install --silent --no-audit --no-fund --prefix .ci/npm axe-core@4; fi

# The judge's calibration tables (pass / strong per kind and per role, dev and holdout).
calibrate: $(STAMP)
	$(BIN)/python -m tests.calibration.calibrate --roles

# The README's settings tables, generated from src/hireloop/config.py (a test compares them).
docs: $(STAMP)
	$(BIN)/python -m hireloop.settings_doc README.md

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
