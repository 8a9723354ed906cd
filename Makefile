# Two commands set everything up on a fresh machine: `make all` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: all test venv clean bench

all: $(BIN)/publish
	$(BIN)/publish all

$(BIN)/publish: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/publish

venv: $(BIN)/publish

test: $(BIN)/publish
	$(BIN)/python -m pytest -q

clean:
	rm -rf dist/*.pdf dist/*.epub .cache
