# Two commands on a fresh machine: `make demo` runs Amparo, `make test` runs the tests.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: demo test bench clean messages

# The demo needs only Amparo itself; tests and benchmarks add the development tools.
$(BIN)/.runtime: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(BIN)/.dev: $(BIN)/.runtime
	$(BIN)/pip install --quiet -e '.[dev,postgres]'
	touch $@

demo: $(BIN)/.runtime
	$(BIN)/amparo demo

# Lint and layout first (ruff, configured in pyproject.toml); the whole suite on the embedded SQLite
# database; then, where a PostgreSQL server is given (AMPARO_TEST_POSTGRES_URL, as .ci/run does),
# everything but the browser tests on it.
test: $(BIN)/.dev
	$(BIN)/ruff check
	$(BIN)/ruff format --check
	$(BIN)/pytest
	@if [ -n "$${AMPARO_TEST_POSTGRES_URL:-}" ]; then \
		echo "== the same suite on PostgreSQL"; \
		AMPARO_DATABASE_URL="$$AMPARO_TEST_POSTGRES_URL" $(BIN)/pytest -m "not browser"; \
	fi

bench: $(BIN)/.dev
	$(BIN)/python -m benchmarks

messages: $(BIN)/.dev
	scripts/messages

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
