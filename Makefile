# Two commands for a fresh machine (each installs what it needs into .venv first):
#   make demo   run the three embedded demo years (2022-2024) → outputs/<year>/report.html, outputs/index.html
#   make test   run the whole test suite (unit, property, golden year, CLI, notebooks, browser)
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: install demo demo-year test lint bench clean

$(BIN)/landassess: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(BIN)/landassess

install: $(BIN)/landassess

demo: install
	$(BIN)/landassess batch --years 2022-2024 --data-root demo --out-root outputs

demo-year: install
	$(BIN)/landassess run --year 2024 --data demo/2024 --out outputs/2024

test: install
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check lib tests benchmarks scripts

bench: install
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) outputs/[0-9]* outputs/index.html .pytest_cache
