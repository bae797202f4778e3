# Two entry points: `make demo` and `make test`. Both build the virtualenv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test serve clean

$(BIN)/eventhub: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

demo: $(BIN)/eventhub
	$(BIN)/eventhub demo

serve: $(BIN)/eventhub
	$(BIN)/eventhub serve

test: $(BIN)/eventhub
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) eventhub.db eventhub.db-wal eventhub.db-shm
