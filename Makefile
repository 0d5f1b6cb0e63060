# Two commands for a fresh machine (each installs what it needs into .venv first):
#   make demo   run the three embedded demo years (2022-2024) → outputs/<year>/report.html, outputs/index.html,
#               then the annual cycle on 2024: collect the returned workbooks → validate → run
#               (→ outputs/2024-collected/)
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
	$(BIN)/landassess setup-lab   # JupyterLab in Chinese, no news pop-up (never replaces a user's file)
	touch $(BIN)/landassess

install: $(BIN)/landassess

# The annual cycle on the demo year 2024 (docs/使用指南.md): the returned workbooks in
# demo/returned/2024 are collected into a scratch data folder (build/demo-collected/2024: never
# into demo/, and not under outputs/, whose root holds only folders landassess wrote as outputs),
# which starts from the province's own tables (demo/collect-2024: land_stats, verification); then
# validate (exit 1 = problems found, as designed in the demo: two cities over quota; the 补正通知
# go to outputs/2024-collected-补正通知) and run into outputs/2024-collected. Re-running is fine:
# collect replaces only the tables it wrote, and every output folder is one landassess wrote.
# `make demo OUT_ROOT=DIR SCRATCH=DIR` writes elsewhere than outputs/ and build/.
OUT_ROOT     ?= outputs
SCRATCH      ?= build
CYCLE_YEAR    = 2024
CYCLE_DATA    = $(SCRATCH)/demo-collected/$(CYCLE_YEAR)
CYCLE_OUT     = $(OUT_ROOT)/$(CYCLE_YEAR)-collected
CYCLE_NOTICES = $(OUT_ROOT)/$(CYCLE_YEAR)-collected-补正通知

demo: install
	$(BIN)/landassess batch --years 2022-2024 --data-root demo --out-root $(OUT_ROOT)
	mkdir -p $(CYCLE_DATA)
	cp demo/collect-$(CYCLE_YEAR)/* $(CYCLE_DATA)/
	$(BIN)/landassess collect --year $(CYCLE_YEAR) --from demo/returned/$(CYCLE_YEAR) --data $(CYCLE_DATA)
	$(BIN)/landassess validate --year $(CYCLE_YEAR) --data $(CYCLE_DATA) --notices $(CYCLE_NOTICES) \
		|| [ $$? -eq 1 ]
	$(BIN)/landassess run --year $(CYCLE_YEAR) --data $(CYCLE_DATA) --out $(CYCLE_OUT)

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
	rm -rf $(VENV) outputs/[0-9]* outputs/index.html .pytest_cache build/demo-collected
