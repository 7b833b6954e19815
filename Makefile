# CoachHub developer commands. Everything installs into .venv; nothing global.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run test test-pg test-e2e screenshots lint fmt setup assets db clean plant-bugs mutate test-fast bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the pinned dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# Bootstrap, Bootstrap Icons, the Inter font, Chart.js, Cytoscape (the network map) and Swagger UI
# (the API reference page) come from npm and are served from static/vendor (no CDN).
# axe-core (a dev dependency) goes to tests/e2e/vendor: read by the browser tests, never served.
static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	mkdir -p static/vendor/bootstrap static/vendor/bootstrap-icons static/vendor/inter/files static/vendor/chartjs static/vendor/cytoscape static/vendor/swagger-ui tests/e2e/vendor
	cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js static/vendor/bootstrap/
	cp -r node_modules/bootstrap-icons/font/bootstrap-icons.min.css node_modules/bootstrap-icons/font/fonts static/vendor/bootstrap-icons/
	cat $(foreach w,400 500 600 700,node_modules/@fontsource/inter/latin-$(w).css) > static/vendor/inter/inter.css
	cp $(foreach w,400 500 600 700,node_modules/@fontsource/inter/files/inter-latin-$(w)-normal.woff2 node_modules/@fontsource/inter/files/inter-latin-$(w)-normal.woff) static/vendor/inter/files/
	cp node_modules/chart.js/dist/chart.umd.min.js static/vendor/chartjs/
	cp node_modules/cytoscape/dist/cytoscape.min.js static/vendor/cytoscape/
	cp node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/swagger-ui-bundle.js static/vendor/swagger-ui/
	cp node_modules/axe-core/axe.min.js tests/e2e/vendor/
	touch $@

setup: $(VENV)/.installed static/vendor/.installed

# The app runs as production unless told otherwise; the local commands say development.
run db: export COACHHUB_ENV ?= development

assets: static/vendor/.installed

db: setup
	$(BIN)/flask db upgrade
	$(BIN)/flask seed-demo --if-empty

# `make run PORT=5001 HOST=0.0.0.0` serves elsewhere; emailed links follow unless APP_BASE_URL is set.
HOST ?= 127.0.0.1
PORT ?= 5000
run: db
	@echo ""
	@echo "CoachHub on http://$(HOST):$(PORT)  — demo practice at /p/demo/"
	@$(BIN)/flask seed-demo --logins
	@echo ""
	APP_BASE_URL=$${APP_BASE_URL:-http://$(HOST):$(PORT)} $(BIN)/flask run --host $(HOST) --port $(PORT)

test: setup
	$(BIN)/pytest $(PYTEST_ARGS)

# The suite in parallel, one worker per core (pytest-xdist); `make test-pg PYTEST_ARGS=-n auto`
# does the same on PostgreSQL, a database per worker.
test-fast: setup
	$(BIN)/pytest -n auto $(PYTEST_ARGS)

# Only the browser journeys (needs Debian's chromium: apt-get install chromium).
test-e2e: setup
	$(BIN)/pytest -m e2e tests/e2e $(PYTEST_ARGS)

# Regenerate docs/screenshots/*.png from the demo data (throwaway database, real server).
screenshots: setup
	$(BIN)/python -m tests.e2e.screenshots

# The same suite on PostgreSQL (see .ci/run for the database it expects).
test-pg: setup
	TEST_DATABASE_URL=$${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test} $(BIN)/pytest $(PYTEST_ARGS)

# Plants each known bug in turn and checks its test catches it (docs/testing.md).
plant-bugs: setup
	$(BIN)/python tools/plant_bugs.py

# Mutation testing of the domain rules (mutmut), a module at a time against its fast tests
# (tools/mutate.py lists them). Slow, low priority, not in CI; results in .mutate/.
# `make mutate MODULES="pulse access"` for some of them.
mutate: setup
	$(BIN)/python tools/mutate.py $(MODULES)
	$(BIN)/python tools/mutation_score.py

# The benchmark: 1x, 10x and 100x data on PostgreSQL behind gunicorn, written to
# docs/performance.md (docs/performance.md says how). `make bench BENCH_ARGS=--quick`: 1x and 10x.
# BENCH_DATABASE (dropped and re-created) and BENCH_PORT say where.
bench: setup
	$(BIN)/python tools/bench.py $(BENCH_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf .mutate mutants $(VENV) node_modules static/vendor tests/e2e/vendor .pytest_cache .ruff_cache
