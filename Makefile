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

.PHONY: run test lint typecheck content unit e2e setup clean

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

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

content: setup
	$(BIN)/flask content check

test: setup chromium lint typecheck content
	$(BIN)/python -m pytest -n 2 tests e2e


clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
