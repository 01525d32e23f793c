# Advocato — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Exactly what CI installs: every dependency (the test extra included) at one version, with
# the hashes of its files. pyproject.toml keeps the ranges; `make lock` resolves them into this.
LOCK := requirements.lock
UV_VERSION := 0.13.9
UV := $(VENV)/uv-$(UV_VERSION)/bin/uv

.PHONY: demo test install lint format bench bench-smoke clean messages lock pds

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The locked versions, each file checked against its hash; then Advocato itself, editable and
# without dependencies (the lock has them all).
$(STAMP): $(BIN)/python $(LOCK) pyproject.toml
	$(BIN)/pip install --quiet --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)
	$(BIN)/advocato compiletranslations

demo: install
	$(BIN)/advocato demo --port $(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Developers only: resolve pyproject.toml into the lock again, for every platform, on Python
# 3.11 and later. Pins that still fit are kept; `make lock LOCK_ARGS=--upgrade` takes the newest.
$(UV): $(BIN)/python
	$(BIN)/python -m pip install --quiet --target $(VENV)/uv-$(UV_VERSION) uv==$(UV_VERSION)

lock: $(UV)
	UV_CUSTOM_COMPILE_COMMAND="make lock" $(UV) pip compile pyproject.toml --extra test \
		--universal --python-version 3.11 --generate-hashes --quiet $(LOCK_ARGS) -o $(LOCK)

# The AT Protocol reference PDS and a PLC directory (exact versions: ci/pds/package-lock.json)
# for the Bluesky tests against a real server (pytest -m pds). Needs Node 20+ and npm; without
# them `make test` skips those tests and says so. node_modules stays in ci/pds (gitignored).
PDS_DIR := ci/pds
PDS_STAMP := $(PDS_DIR)/node_modules/.advocato-installed

$(PDS_STAMP): $(PDS_DIR)/package.json $(PDS_DIR)/package-lock.json
	cd $(PDS_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $(PDS_STAMP)

pds: $(PDS_STAMP)

# Developers only: extract new strings (needs GNU gettext's xgettext).
messages: install
	cd advocato && ../$(BIN)/advocato makemessages -l da -l nb --no-obsolete --add-location file

BENCHES := $(patsubst bench/%.py,%,$(filter-out bench/_%.py,$(wildcard bench/*.py)))

bench: $(addprefix bench-,$(BENCHES))

# Every benchmark at a tiny size, in seconds (CI runs it): proves each one still works; the
# figures mean nothing. Runs them all, then fails if any failed.
bench-smoke: install
	@failed=""; for name in $(BENCHES); do \
		echo "== bench $$name --smoke"; start=$$(date +%s); \
		(cd bench && ../$(BIN)/python $$name.py --smoke) || failed="$$failed $$name"; \
		echo "== $$name: $$(( $$(date +%s) - start )) s"; \
	done; \
	if [ -n "$$failed" ]; then echo "bench-smoke: failed:$$failed"; exit 1; fi

# `make bench-<name> BENCH_ARGS=--smoke` runs one benchmark at its smoke size.
bench-%: install
	@echo "== bench $*"
	cd bench && ../$(BIN)/python $*.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .advocato-demo .pytest_cache $(PDS_DIR)/node_modules
