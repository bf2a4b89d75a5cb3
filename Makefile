# Two commands on a fresh machine: `make demo` runs Amparo, `make test` runs the tests.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: demo test bench clean messages

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,postgres]'
	touch $@

demo: $(BIN)/.installed
	$(BIN)/amparo demo

test: $(BIN)/.installed
	$(BIN)/pytest

bench: $(BIN)/.installed
	$(BIN)/python -m benchmarks

messages: $(BIN)/.installed
	cd src/amparo && ../../$(BIN)/amparo makemessages -l es -l en --no-obsolete && ../../$(BIN)/amparo compilemessages

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
