# The two commands: `make run` and `make test`. Both create .venv on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin

.PHONY: .venv run test test-fast lint format messages backup restore bench load

.venv: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

# The broker, the migrated database with the demo data, then the web server, the Celery worker
# and the beat; the logins and API token are printed once /healthz answers (scripts/run.py).
run: .venv
	$(BIN)/python scripts/run.py

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
