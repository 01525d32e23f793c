# Advocato — the two commands a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test install lint format bench clean messages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e ".[test]"
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

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Developers only: extract new strings (needs GNU gettext's xgettext).
messages: install
	cd advocato && ../$(BIN)/advocato makemessages -l da -l nb --no-obsolete --add-location file

BENCHES := $(patsubst bench/%.py,%,$(filter-out bench/_%.py,$(wildcard bench/*.py)))

bench: $(addprefix bench-,$(BENCHES))

bench-%: install
	@echo "== bench $*"
	cd bench && ../$(BIN)/python $*.py

clean:
	rm -rf $(VENV) .advocato-demo .pytest_cache
