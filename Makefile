# Two commands for a fresh machine (each installs what it needs into .venv first):
#   make demo   run the three embedded demo years (2022-2024) → outputs/<year>/report.html, outputs/index.html,
#               then the annual cycle on 2024: collect the returned workbooks → validate → run
#               (→ outputs/2024-collected/)
#   make test   run the whole test suite (unit, property, golden year, CLI, notebooks, browser)
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin

.PHONY: install demo demo-year test lint bench clean lock check-lock

# Everything comes from requirements-test.lock (every transitive package of the runtime and of the
# test and dev extras, pinned, with hashes); the project itself is installed on top without
# dependencies. requirements.lock is the runtime subset at the same pins (what an office PC and
# `landassess bundle` install). `make lock` regenerates both; `make check-lock` checks that they
# resolve to binary wheels on Windows x64, Linux x64 and macOS for Python 3.11, 3.12 and 3.13.
$(BIN)/landassess: pyproject.toml requirements-test.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements-test.lock
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

# uv in a virtual environment of its own (never in .venv: it is not in the lock). Both locks keep
# their current pins (uv reads the output file as preferences); the runtime lock is constrained by
# the test lock, so a package has one version in both.
UV_VENV ?= build/uv
UV       = $(UV_VENV)/bin/uv

$(UV):
	$(PYTHON) -m venv $(UV_VENV)
	$(UV_VENV)/bin/python -m pip install --quiet uv

lock: $(UV)
	$(UV) pip compile pyproject.toml --extra lab --extra test --extra dev --universal --generate-hashes \
		--python-version 3.11 --custom-compile-command "make lock" -c constraints.txt -o requirements-test.lock
	$(UV) pip compile pyproject.toml --universal --generate-hashes --python-version 3.11 \
		--custom-compile-command "make lock" -c requirements-test.lock -o requirements.lock
	$(UV) pip compile pyproject.toml --extra lab --universal --generate-hashes --python-version 3.11 \
		--custom-compile-command "make lock" -c requirements-test.lock -o requirements-lab.lock

# Offline (uv cannot be installed, or PyPI is unreachable) the check says SKIPPED and passes.
check-lock:
	@[ -x $(UV) ] || { $(PYTHON) -m venv $(UV_VENV) && $(UV_VENV)/bin/python -m pip install --quiet uv; } || true
	@if [ -x $(UV) ]; then $(PYTHON) scripts/check_lock.py --uv $(UV) requirements.lock requirements-lab.lock requirements-test.lock; \
	else echo "check-lock: SKIPPED — uv could not be installed (no package index?); the locks were not checked"; fi

clean:
	rm -rf $(VENV) $(UV_VENV) outputs/[0-9]* outputs/index.html .pytest_cache build/demo-collected
