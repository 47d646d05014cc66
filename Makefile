# OCOP storefront — `make run` serves the shop, `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV ?= .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN{FS=":.*?## "}{printf "  %-16s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP) ## Create the virtualenv and install the app with its dev tools

translations: $(STAMP) ## Compile the translation catalogs (.po → .mo)
	$(PY) -m babel.messages.frontend compile -d storefront/translations --use-fuzzy -f >/dev/null

i18n-update: $(STAMP) ## Re-extract strings and update the vi/en catalogs
	$(PY) tools/i18n.py update

setup: install translations ## Install, compile translations, migrate, load demo catalog, build search index
	$(FLASK) db upgrade
	$(FLASK) catalog load-demo
	$(FLASK) search reindex --if-needed

run: setup ## Set everything up and serve the shop on http://$(HOST):$(PORT) (PORT=5101 to change)
	PUBLIC_BASE_URL="$${PUBLIC_BASE_URL:-http://$(HOST):$(PORT)}" $(FLASK) run --host $(HOST) --port $(PORT)

SERVE_PORT ?= 8000

serve: setup ## Serve the shop with gunicorn (gunicorn.conf.py) on http://127.0.0.1:8000, as in production
	GUNICORN_BIND=$${GUNICORN_BIND:-$(HOST):$(SERVE_PORT)} $(VENV)/bin/gunicorn -c gunicorn.conf.py

browser: ## Install Debian's chromium (and zbar for QR tests) when missing
	@if [ ! -x /usr/bin/chromium ] || ! command -v zbarimg >/dev/null; then \
	  echo "installing chromium and zbar-tools (apt)"; \
	  (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium zbar-tools libzbar0 >/dev/null; \
	fi

AXE_VERSION := 4.14.1
AXE := .cache/axe-core/node_modules/axe-core/axe.min.js

$(AXE):
	npm install --silent --no-audit --no-fund --prefix .cache/axe-core axe-core@$(AXE_VERSION) >/dev/null

axe: $(AXE) ## Install axe-core (npm registry) for the browser accessibility checks

wrk: ## Install wrk (Debian's package, the load benchmark's client) when missing
	@if ! command -v wrk >/dev/null; then \
	  echo "installing wrk (apt)"; \
	  (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; \
	fi

nginx: ## Install Debian's nginx (the deployment sample's tests) when missing
	@if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then \
	  echo "installing nginx (apt)"; \
	  (apt-get update -qq || true) && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null || \
	  echo "nginx could not be installed: its tests will be skipped"; \
	fi

lint: $(STAMP) ## ruff check
	$(VENV)/bin/ruff check .

test: install translations browser wrk axe nginx ## Run the whole suite (SQLite; again on PostgreSQL when TEST_DATABASE_URL is set)
	env -u TEST_DATABASE_URL REQUIRE_BROWSER=$${REQUIRE_BROWSER:-1} $(VENV)/bin/pytest -q
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== again on PostgreSQL ($$TEST_DATABASE_URL) =="; \
	  $(VENV)/bin/pytest -q -m "not browser" --only-database-tests; \
	fi

bench: install translations wrk ## Run the benchmarks (prints tables; see docs/benchmarks.md)
	$(PY) bench/load.py
	PYTHONPATH=. $(PY) bench/origin_bench.py
	PYTHONPATH=. $(PY) bench/photos.py
	$(PY) bench/search_bench.py

bench-load: install translations wrk ## wrk load benchmark, 20,000 products (LOAD_ARGS="--db postgresql", "--quick")
	$(PY) bench/load.py $(LOAD_ARGS)

clean: ## Remove the virtualenv and local data
	rm -rf $(VENV) instance .pytest_cache

.PHONY: help install translations i18n-update setup run serve nginx browser wrk axe lint test bench bench-load clean
