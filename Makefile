# One command runs Hireloop, one runs its tests; both create the virtualenv themselves.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
# pytest-xdist workers; the suite is I/O bound, so a couple per core pays off.
WORKERS ?= 4

.PHONY: run test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

run: $(STAMP)  ## migrate, seed demo jobs on first run, serve on http://127.0.0.1:8000
	$(BIN)/hireloop serve

# SQLite by default; HIRELOOP_TEST_DATABASE_URL=postgresql+asyncpg://... runs it on PostgreSQL.
test: $(STAMP)
	$(BIN)/pytest -n $(WORKERS) -q

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
