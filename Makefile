# Two commands set everything up on a fresh machine: `make all` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: all test lint venv clean bench bench-quick fuzz bytecode

all: $(BIN)/publish bytecode
	$(BIN)/publish all

# The package's compiled bytecode, as a regular install has it: the editable install leaves
# it to the first import, which writes nothing where PYTHONDONTWRITEBYTECODE is set (then
# every command compiled the whole package again, about 0.1 s). Only changed files recompile.
bytecode: $(BIN)/publish
	$(BIN)/python -m compileall -q publish

$(BIN)/publish: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/publish

venv: $(BIN)/publish

# Two test processes (the machine's cores), each test file kept in one of them so its
# module fixtures (a built book, a browser session) are made once.
# First the npm checkers (DAISY Ace, afterwriting) where Node is there: .ci/checkers.
test: $(BIN)/publish
	bash .ci/checkers
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

# The static checks alone (they also run in `make test`, tests/test_static_checks.py): ruff over
# publish/, tests/ and bench/, mypy over publish/, both configured in pyproject.toml.
lint: $(BIN)/publish
	$(BIN)/python -m ruff check
	$(BIN)/python -m mypy

# The benchmark against the hand-written pandoc + weasyprint pipeline; writes BENCHMARKS.md.
# `make bench` is issue 7's protocol: five paired runs of every scenario, the large book at
# 1x, 5x and 20x (about 100 minutes on 2 cores: a paired run at 20x takes 14). `make
# bench-quick` runs the large book once at 1x and 5x (about 10 minutes), for development.
BENCH_ARGS ?= --runs 5 --large-runs 5 --scales 1,5,20
bench: $(BIN)/publish bytecode
	$(BIN)/python bench/run.py $(BENCH_ARGS)

bench-quick: $(BIN)/publish bytecode
	$(BIN)/python bench/run.py --runs 5 --large-runs 1 --scales 1,5

clean:
	rm -rf dist/*.pdf dist/*.epub .cache

# A long random fuzz run (issue 8): thousands of generated and mutated manuscripts through
# decode, pandoc, normalize and fmt, and hostile project trees and cache damage through whole
# builds (issue 20); only the project's own errors may come out. Issue 22: Markdown from the
# whole CommonMark grammar, letters and brackets through `publish fmt`, which must keep the
# model and be idempotent (each failure found becomes a regression case).
fuzz: $(BIN)/publish
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_fuzz.py tests/test_fmt.py tests/test_hostile_fuzz.py tests/test_fmt_commonmark.py tests/test_letters.py tests/test_brackets.py -k "random or mutated or generated"
