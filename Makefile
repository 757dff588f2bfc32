# `make test` and `make demo` work on a fresh clone with python3 (3.11+) and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
RC := $(BIN)/restore-contracts
DEMO := demo-out

.PHONY: test lint types schemas-check pytest demo schemas bench clean

$(STAMP): pyproject.toml setup.py src/restore_contracts/_textscan.c
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

# `make demo` fits on a screen: each step prints its command and the file its whole output
# went to (with its summary line), and the truth report's verdicts, one line each.
DEMO_DB := restore-contracts.db
demo_step = @printf 'restore-contracts %s > %s\n' "$(1)" "$(2)" && $(RC) $(1) > $(2)
demo_line = @$(1) -n 1 $(2) | sed 's/^/    /'

demo: $(STAMP)
	@mkdir -p $(DEMO)
	$(call demo_step,schemas --out $(DEMO)/schemas,$(DEMO)/schemas.txt)
	$(call demo_step,statuses,$(DEMO)/statuses.txt)
	$(call demo_step,derivations,$(DEMO)/derivations.txt)
	$(call demo_step,scenarios,$(DEMO)/scenarios.txt)
	$(call demo_step,generate --scenario coverage --seed 1 --format ndjson --out $(DEMO)/fixtures,$(DEMO)/generate.txt)
	$(call demo_line,head,$(DEMO)/generate.txt)
	@rm -f $(DEMO_DB)
	$(call demo_step,db seed sqlite:///$(DEMO_DB) --scenario coverage --seed 1,$(DEMO)/seed.txt)
	$(call demo_line,tail,$(DEMO)/seed.txt)
	$(call demo_step,validate sqlite:///$(DEMO_DB),$(DEMO)/validate.txt)
	$(call demo_line,tail,$(DEMO)/validate.txt)
	$(call demo_step,truth sqlite:///$(DEMO_DB),$(DEMO)/truth.md)
	@awk '/^### /{n=$$2; k=$$NF; gsub(/[()`]/,"",k)} /^Verdict: /{split($$0,v,"[*][*]"); print "    " n " " k ": " v[2]}' $(DEMO)/truth.md

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
