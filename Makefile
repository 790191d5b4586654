# Two commands on a fresh machine: `make run` (set up + demo + server) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 8000

.PHONY: install migrate seed run worker beat test lint fmt check ci clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

install: $(VENV)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	@bin/run-server $(PORT)

worker: install
	$(BIN)/celery -A config worker -l info --concurrency 2

beat: install
	$(BIN)/celery -A config beat -l info

# One worker process per core (pytest-xdist), each with its own test database and Redis
# database (config/settings/test.py); whole files stay on one worker. `XDIST=` runs serially.
XDIST ?= -n auto --dist loadfile

test: install
	$(BIN)/pytest $(XDIST) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check: install
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

ci:
	bash .ci/run

clean:
	rm -rf $(VENV) var .pytest_cache
