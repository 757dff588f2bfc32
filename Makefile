# `make test` and `make demo` work on a fresh clone with python3 (3.11+) and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
RC := $(BIN)/restore-contracts
DEMO := demo-out

.PHONY: test lint types schemas-check pytest demo schemas bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

test: lint types schemas-check pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

types: $(STAMP)
	$(BIN)/mypy --strict src

schemas-check: $(STAMP)
	$(RC) schemas --check

pytest: $(STAMP)
	$(BIN)/pytest -q

schemas: $(STAMP)
	$(RC) schemas --out schemas

demo: $(STAMP)
	$(RC) schemas --out $(DEMO)/schemas
	$(RC) statuses
	$(RC) derivations
	$(RC) scenarios
	$(RC) generate --scenario coverage --seed 1 --format ndjson --out $(DEMO)/fixtures
	rm -f restore-contracts.db
	$(RC) db seed --scenario coverage --seed 1
	$(RC) validate sqlite:///restore-contracts.db
	$(RC) truth sqlite:///restore-contracts.db

bench: $(STAMP)
	$(BIN)/python bench/bench_generate.py
	$(BIN)/python bench/bench_validate.py
	$(BIN)/python bench/bench_real_shapes.py
	$(BIN)/python bench/bench_db.py
	$(BIN)/python bench/bench_readers.py

# The ajv harness of tests/compat/test_ajv.py (the test skips until it is installed).
.PHONY: compat-js
compat-js:
	cd tests/compat/js && npm ci --no-audit --no-fund --loglevel=error

clean:
	rm -rf $(VENV) $(DEMO) .pytest_cache .mypy_cache .ruff_cache restore-contracts.db
