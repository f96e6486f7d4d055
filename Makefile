# Two commands a learner or CI needs, each setting itself up first:
#   make lab    open the course in JupyterLab
#   make test   run every test: engine, graders' proofs, notebooks, lint and types
PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: lab test check benchmark clean chromium

$(INSTALLED): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Zendo needs Python 3.11 or newer; this is " + sys.version.split()[0] + ". Run: make PYTHON=python3.11 ...")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[lab,dev]'
	touch $(INSTALLED)

# The venv's bin goes first on PATH so that `zendo` works in JupyterLab's terminals.
# JupyterLab refuses to run as root unless told; containers and our machines run as root.
lab: $(INSTALLED)
	PATH="$(BIN):$$PATH" $(BIN)/jupyter lab $$([ "$$(id -u)" = 0 ] && echo --allow-root) \
	  $(LAB_OPTIONS) notebooks/00_welcome.ipynb

test: $(INSTALLED) chromium
	PATH="$(BIN):$$PATH" $(BIN)/python -m pytest

# The browser test needs Debian's Chromium. As root (CI, our machines) it is installed
# here; elsewhere the test fails with the command to run.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
	  else \
	    echo "Note: the browser test needs Chromium: sudo apt-get install chromium"; \
	  fi; }

# Lint and types alone, quicker than the whole suite.
check: $(INSTALLED)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

benchmark: $(INSTALLED)
	PATH="$(BIN):$$PATH" $(BIN)/python benchmarks/bench_check.py
	PATH="$(BIN):$$PATH" $(BIN)/python benchmarks/bench_notebook_check.py

clean:
	rm -rf $(VENV) .zendo
