# FairRecruit — the two commands a newcomer needs:
#   make demo   install and start the system with demo data on SQLite at http://127.0.0.1:8000
#   make test   install and run the whole test suite (lint, type checks, tests on SQLite, and on PostgreSQL
#               too when FAIRRECRUIT_TEST_DATABASE_URL is set, as .ci/run does)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint typecheck pytest bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

demo: $(VENV)/.installed
	$(BIN)/fairrecruit demo

test: $(VENV)/.installed
	sh scripts/system-deps.sh
	$(MAKE) lint typecheck pytest

lint:
	$(BIN)/ruff check .

typecheck:
	$(BIN)/mypy fairrecruit

pytest:
	$(BIN)/python -m pytest -p no:cacheprovider --durations=10 -n 2 --dist loadfile
	@if [ -n "$$FAIRRECRUIT_TEST_DATABASE_URL" ]; then \
	  echo "== database tests again on PostgreSQL =="; \
	  FAIRRECRUIT_DATABASE_URL="$$FAIRRECRUIT_TEST_DATABASE_URL" $(BIN)/python -m pytest -p no:cacheprovider --durations=10 -n 2 --dist loadfile -m "django_db and not sqlite_only"; \
	fi

bench: $(VENV)/.installed
	for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) fairrecruit.sqlite3 staticfiles
