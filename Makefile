# Two commands for a fresh machine (each installs what it needs into .venv first):
#   make demo   run the three embedded demo years (2022-2024) → outputs/<year>/report.html, outputs/index.html
#   make test   run the whole test suite (unit, property, golden year, CLI, notebooks, browser)
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: install demo demo-year test lint bench clean lock

# Everything comes from requirements.lock (every transitive package, pinned, with hashes); the
# project itself is installed on top without dependencies. `make lock` regenerates the lock.
$(BIN)/landassess: pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
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

lock:
	$(PYTHON) -m pip install --quiet uv
	$(PYTHON) -m uv pip compile pyproject.toml --extra test --extra dev --universal --generate-hashes \
		--python-version 3.11 --no-header -o requirements.lock

clean:
	rm -rf $(VENV) outputs/[0-9]* outputs/index.html .pytest_cache
