# Ecoute — one file to install, train, run, test and measure. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PY310 ?= $(shell p=$$(ls -d $$(pyenv root 2>/dev/null)/versions/3.10.*/bin/python3 2>/dev/null | tail -1); \
	[ -n "$$p" ] && echo $$p || command -v python3.10)
VENV := .venv
RASA_VENV := .venv-rasa
RASA := $(RASA_VENV)/bin/rasa
PYTHON := $(VENV)/bin/python
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PIP_DISABLE_PIP_VERSION_CHECK := 1

RASA_DATA := domain.yml config.yml $(shell find nlu stories -name '*.yml' 2>/dev/null | sort)

.PHONY: help install train run test test-fast eval bench lint chromium validate clean

help:
	@echo "make run    - install, train, migrate, load demo data and start everything (http://localhost:8000)"
	@echo "make test   - the whole suite (installs what it needs, trains the model if needed)"
	@echo "make eval   - Rasa cross-validation and a held-out set, per-intent and macro-F1 per language"
	@echo "make bench  - gateway vs bare Rasa latency and throughput"
	@echo "make lint   - ruff and mypy"

install: $(VENV)/.installed $(RASA_VENV)/.installed

$(RASA_VENV)/.installed:
	@test -n "$(PY310)" || { echo "Python 3.10 not found (pyenv install 3.10 or set PY310=...)"; exit 1; }
	@echo ">> creating $(RASA_VENV) with rasa==3.6.21 (about 90 s)"
	$(PY310) -m venv $(RASA_VENV)
	$(RASA_VENV)/bin/pip install -q --upgrade "pip<25"
	$(RASA_VENV)/bin/pip install -q rasa==3.6.21
	touch $@

$(VENV)/.installed: pyproject.toml
	@test -n "$(PY310)" || { echo "Python 3.10 not found (pyenv install 3.10 or set PY310=...)"; exit 1; }
	@echo ">> creating $(VENV) with Ecoute and its tools"
	test -x $(PYTHON) || $(PY310) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e ".[dev]"
	touch $@

# Always compares a hash of the data and config with the one the model was trained on, so an
# edit made while a training ran is never mistaken for "up to date" (timestamps would be).
train: $(RASA_VENV)/.installed
	@mkdir -p models
	@new=$$(cat $(RASA_DATA) | sha256sum | cut -c1-16); \
	if [ -f models/.fingerprint ] && [ "$$(cat models/.fingerprint)" = "$$new" ] && ls models/*.tar.gz >/dev/null 2>&1; then \
		echo ">> Rasa model is up to date ($$new)"; \
	else \
		echo ">> training the Rasa model (NLU + rules), about 10 min on 2 cores"; \
		rm -f models/*.tar.gz models/.fingerprint; \
		time $(RASA) train --data nlu stories --domain domain.yml --config config.yml --out models --fixed-model-name ecoute --quiet && \
		echo $$new > models/.fingerprint; \
	fi

validate: $(RASA_VENV)/.installed
	$(RASA) data validate --data nlu stories --domain domain.yml --config config.yml --fail-on-warnings
	$(RASA_VENV)/bin/python scripts/check_nlu.py

run: install train
	$(VENV)/bin/ecoute migrate
	$(VENV)/bin/ecoute load-demo
	bash scripts/run.sh

chromium:
	@test -x /usr/bin/chromium || { echo ">> installing Debian's chromium for browser tests"; \
		(apt-get update -qq && apt-get install -y -qq chromium >/dev/null) || \
		{ echo "could not install chromium (need root and Debian's repositories)"; exit 1; }; }

test: install train chromium
	$(VENV)/bin/ruff check bot actions tests scripts migrations
	$(VENV)/bin/mypy
	$(MAKE) --no-print-directory validate
	$(VENV)/bin/pytest -q
	bash scripts/rasa-test-stories.sh

test-fast: install
	$(VENV)/bin/pytest -q -m "not e2e and not browser"

lint: install
	$(VENV)/bin/ruff check bot actions tests scripts migrations
	$(VENV)/bin/mypy

eval: install train
	bash scripts/eval.sh

bench: install train
	$(PYTHON) scripts/bench.py
	$(PYTHON) scripts/simulate_followups.py

clean:
	rm -rf var models results .pytest_cache .mypy_cache .ruff_cache
