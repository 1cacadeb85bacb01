# Binôme — the two commands of the README, and a few helpers.
.PHONY: demo test setup serve worker lint format messages clean

HOST ?= 127.0.0.1
PORT ?= 8000
# Links in e-mails point at the address the demo is served at (any port).
DEMO_ENV = DEBUG=1 SITE_URL=$${SITE_URL:-http://$(HOST):$(PORT)}

## make demo: set up .venv, migrate a SQLite database, load the demo, then
## serve with the background worker (emails print in this terminal).
demo:
	@scripts/bootstrap
	$(DEMO_ENV) .venv/bin/python manage.py migrate --no-input
	$(DEMO_ENV) .venv/bin/python manage.py demo
	$(DEMO_ENV) .venv/bin/python manage.py send_reminders
	@echo "Binôme : http://$(HOST):$(PORT)/"
	@$(DEMO_ENV) .venv/bin/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) .venv/bin/python manage.py runserver $(HOST):$(PORT)

## make test: lint and run the whole suite on SQLite, then on PostgreSQL.
test:
	@scripts/test

setup:
	@scripts/bootstrap --dev

lint: setup
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	DEBUG=1 .venv/bin/mypy binome pairmaker

format: setup
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

## make messages: extract new msgids into the French catalogue.
messages: setup
	DEBUG=1 .venv/bin/python manage.py makemessages -l fr --no-obsolete
	@scripts/bootstrap

clean:
	rm -rf .venv staticfiles .pytest_cache .mypy_cache .ruff_cache
