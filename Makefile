# Two commands on a fresh machine:
#   make run    set up and start the app on SQLite with demo data (URL printed)
#   make test   set up and run every check: lint, types, content, unit, web, browser
# Everything they need (virtualenv, packages, Chromium) is installed by them.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
export FLASK_APP := training_app

.PHONY: run test lint typecheck content unit e2e setup clean audit audit-offline audit-data bench wrk haproxy poppler

# Reinstall only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

setup: $(VENV)/.installed

run: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask demo seed
	@echo ""
	@echo "  Safeguarding training is running at http://$(HOST):$(PORT)/"
	@echo "  Sign in with one of the demo accounts above. Stop with Ctrl+C."
	@echo ""
	$(BIN)/flask run --host $(HOST) --port $(PORT)

# Debian's Chromium for the browser tests (Playwright cannot download its own here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

# Debian's poppler-utils: the certificate tests render the PDF to PNG and extract its text.
poppler:
	@command -v pdftoppm >/dev/null 2>&1 || { \
	  echo "Installing Debian's poppler-utils for the certificate tests..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq poppler-utils >/dev/null; }

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

content: setup
	$(BIN)/flask content check
	$(BIN)/flask content coverage

test: setup chromium haproxy poppler lint typecheck content
	$(BIN)/python -m pytest -n 2 tests e2e


# Debian's wrk, the load generator of `make bench`.
wrk:
	@command -v wrk >/dev/null 2>&1 || { \
	  echo "Installing Debian's wrk for the load benchmark..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq wrk >/dev/null; }

# Debian's HAProxy, the load balancer of bench/balancer.py and tests/faults/test_balancer.py
# (ops/haproxy.cfg). Only installed: nothing starts it but those two.
haproxy:
	@command -v haproxy >/dev/null 2>&1 || { \
	  echo "Installing Debian's haproxy for the load-balancer run..."; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq haproxy >/dev/null; }

# Every benchmark (bench/README.md): the training-day load (gunicorn on SQLite and on
# PostgreSQL at BENCH_DATABASE_URL, default postgresql://postgres@127.0.0.1:5432/test), then
# the reports and the class lessons (each on SQLite and PostgreSQL), then two app servers
# behind HAProxy with one killed mid-quiz (PostgreSQL and Redis at BENCH_REDIS_URL, default
# redis://127.0.0.1:6379/12). All run and print their figures; fails if any target is missed.
bench: setup wrk haproxy
	@rc=0; \
	$(BIN)/python -m bench.load || rc=1; \
	$(BIN)/python -m bench.reports || rc=1; \
	$(BIN)/python -m bench.lessons || rc=1; \
	$(BIN)/python -m bench.lessons --postgresql || rc=1; \
	$(BIN)/python -m bench.balancer || rc=1; \
	if [ $$rc = 0 ]; then echo "make bench: every target met"; \
	else echo "make bench: SOME TARGETS MISSED (see above)"; fi; \
	exit $$rc

# Known vulnerabilities in the installed packages (docs/deployment.md, "Dependency audit").
# audit: pip-audit against PyPI's advisory service. A run that could not audit every package
# says "NOT A PASS" and fails (exit 3 from the script), unless AUDIT_ALLOW_UNAUDITED=1, which
# records it without failing. Fails on any finding.
audit: setup
	$(BIN)/python -m training_app.ops.dependency_audit online

# audit-offline: the same packages against the advisory data set installed from PyPI
# (safety-db), for a machine that cannot reach the service. Fails on any finding.
audit-offline: setup
	@$(BIN)/python -m pip show --quiet safety-db >/dev/null 2>&1 || $(MAKE) --no-print-directory audit-data
	$(BIN)/python -m training_app.ops.dependency_audit offline

# Install or refresh the offline advisory data (the newest safety-db on PyPI).
audit-data: setup
	$(BIN)/python -m pip install --quiet --upgrade safety-db

clean:
	rm -rf $(VENV) .venv-lrs .venv-lrs.lock .pytest_cache .mypy_cache .ruff_cache
