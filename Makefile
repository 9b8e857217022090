# The README's quick start is `make serve` and `make test`; each sets up .venv on its own.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: install serve test unit contract lint typecheck bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip==26.3"
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

serve: install
	$(BIN)/mockserver serve

# Every test (unit, behaviour, plugin, contract kit in process), then the contract kit again
# against the fake served by uvicorn on a free 127.0.0.1 port.
# The fake's own tests run on two workers (CI has 2 cores); the contract kit runs in one process.
test: install lint typecheck
	$(BIN)/pytest tests -n 2 $(PYTEST_ARGS)
	$(BIN)/pytest contract_tests $(PYTEST_ARGS)
	$(BIN)/pytest contract_tests --contract-target=uvicorn $(PYTEST_ARGS)

unit: install
	$(BIN)/pytest tests $(PYTEST_ARGS)

contract: install
	$(BIN)/pytest contract_tests $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

# The benchmark suite: measures, then writes bench/RESULTS.md (`make bench BENCH_ARGS=--quick`).
# It compiles the package's bytecode first, as pip does for an installed package (see
# bench/machine.py: under PYTHONDONTWRITEBYTECODE every measured start would compile ~150 modules).
bench: install
	$(BIN)/python bench/suite.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis
