# Two commands a learner or CI needs, each setting itself up first:
#   make lab    open the course in JupyterLab (installs only what a learner needs)
#   make test   run every test: engine, graders' proofs, notebooks, browser, lint and types
PYTHON ?= python3
VENV ?= .venv
BIN := $(abspath $(VENV))/bin
LAB_READY := $(VENV)/.ready-lab
TEST_READY := $(VENV)/.ready-test

.PHONY: lab test check benchmark clean system-packages

$(LAB_READY): pyproject.toml
	@$(PYTHON) scripts/bootstrap.py $(VENV) lab
	@touch $@

$(TEST_READY): pyproject.toml
	@$(PYTHON) scripts/bootstrap.py $(VENV) test
	@touch $(LAB_READY) $@

# JupyterLab reads the course's own settings from lab/ (top folder, welcome notebook,
# terminals, saved widget state): see lab/jupyter_server_config.py. It refuses to run as
# root unless told; containers and our machines run as root.
lab: $(LAB_READY)
	JUPYTER_CONFIG_DIR="$(CURDIR)/lab" PATH="$(BIN):$$PATH" $(BIN)/jupyter lab \
	  $$([ "$$(id -u)" = 0 ] && echo --allow-root) $(LAB_OPTIONS)

# ZENDO_REQUIRE_POSTGRES=1: the transactions graders' PostgreSQL half must run here; a
# missing server is a failure, not a skip (tests/postgres_cluster.py).
# Two workers, a test file each (module fixtures such as kernels and course copies are
# built once): grading mostly waits on its child processes, so one worker leaves a core
# idle. `make test PYTEST_WORKERS=0` runs in one process.
PYTEST_WORKERS ?= 2
test: $(TEST_READY) system-packages
	ZENDO_REQUIRE_POSTGRES=1 PATH="$(BIN):$$PATH" $(BIN)/python -m pytest \
	  -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_OPTIONS)

# Debian packages the tests need: Chromium for the browser test, bubblewrap for the
# learner sandbox, PostgreSQL's server for the transactions graders (a throwaway cluster
# per test session). As root (CI, our machines) they are installed here; elsewhere the
# tests that need them fail with the command to run.
system-packages:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v bwrap >/dev/null 2>&1 || missing="$$missing bubblewrap"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else \
	    echo "Note: some tests need Debian packages: sudo apt-get install$$missing"; \
	  fi; \
	fi

# Lint and types alone, quicker than the whole suite.
check: $(TEST_READY)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

benchmark: $(TEST_READY)
	PATH="$(BIN):$$PATH" $(BIN)/python benchmarks/bench_check.py
	PATH="$(BIN):$$PATH" $(BIN)/python benchmarks/bench_notebook_check.py

# Zendo against nbgrader and otter-grader on one assignment, interleaved (about 15 minutes;
# installs them in a venv of their own under ~/.cache/zendo-bench, never in .venv).
.PHONY: benchmark-anchor
benchmark-anchor: $(TEST_READY)
	PATH="$(BIN):$$PATH" $(BIN)/python benchmarks/bench_anchor.py

# The environment and JupyterLab's layout only: progress and backups in .zendo/ are the
# learner's and stay.
clean:
	rm -rf $(VENV) .zendo/lab
