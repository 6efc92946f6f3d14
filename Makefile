# homebody: every target creates .venv and installs into it when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test demo bench eval lint clean

$(STAMP): pyproject.toml examples/homebody-shopping-list/pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/homebody run

test: $(STAMP)
	$(BIN)/python -m pytest -q

demo: $(STAMP)
	$(BIN)/homebody ask "turn on the kitchen light and make it warm white"
	$(BIN)/homebody ask "what's the temperature in the living room"
	$(BIN)/homebody ask "unlock the front door"

bench: $(STAMP)
	$(BIN)/homebody bench --json bench.json

eval: $(STAMP)
	$(BIN)/homebody eval ../shared/eval/cases/dev.jsonl --home ../shared/eval/home.toml --no-llm --json eval-dev.json
	$(BIN)/homebody eval ../shared/eval/ha/cases.jsonl --home ../shared/eval/ha/home.toml --no-llm --json eval-ha.json

lint: $(STAMP)
	$(BIN)/ruff check agent devices skills tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build *.egg-info
