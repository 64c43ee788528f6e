# Two commands do all the set-up: `make demo` (main job on bundled data) and `make test`.
# Each creates .venv from the lock file when it is missing or out of date.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPARK_STAMP := $(VENV)/.installed-spark

.PHONY: demo test lint bench lock clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

# The Spark extra (pyspark, ~300 MB) for the tests; `make demo` and a plain install do without it.
$(SPARK_STAMP): $(STAMP) requirements-spark.lock
	$(BIN)/pip install --quiet --require-hashes -r requirements-spark.lock
	touch $(SPARK_STAMP)

demo: $(STAMP)
	$(BIN)/keepwise demo

test: $(SPARK_STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/assess.py
	$(BIN)/python benchmarks/clv.py

# Re-pin every dependency (needs uv: `pip install uv`).
lock:
	uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock
	cp requirements.lock requirements-spark.lock
	uv pip compile pyproject.toml --extra dev --extra spark --python-version 3.11 --generate-hashes -o requirements-spark.lock

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-output
