# Tandem — the two commands a newcomer needs:
#   make demo   set up, load the demo organisation, serve http://127.0.0.1:$(PORT)
#   make test   set up, run the whole suite on SQLite, then on PostgreSQL when one answers
PYTHON ?= python3
PORT ?= 8000
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/tandem_test_run
export PYTHONDONTWRITEBYTECODE = 1

.PHONY: demo test install install-dev serve worker lint messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install -q -r requirements.txt
	touch $@

# tandem itself, editable (src layout): `from tandem.matching import stable_match` works in .venv
# from any directory; dependencies come pinned from requirements.txt above, hence --no-deps.
$(VENV)/.package: pyproject.toml $(VENV)/.runtime
	$(BIN)/pip install -q -e . --no-deps
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime $(VENV)/.package
install-dev: $(VENV)/.dev $(VENV)/.package

demo: install
	bash scripts/ensure-pdf
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py seed_demo
	@echo "Tandem is at http://127.0.0.1:$(PORT)/  (API docs: http://127.0.0.1:$(PORT)/api/docs)"
	$(BIN)/python manage.py tandem_worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/python manage.py runserver 127.0.0.1:$(PORT) --noreload

test: install-dev
	bash scripts/ensure-chromium
	bash scripts/ensure-pdf
	$(BIN)/python manage.py makemigrations --check --dry-run -v0 --settings=tandem.config.settings.test
	cd src && ../$(BIN)/mypy --strict --ignore-missing-imports tandem/matching/engine tandem/insights/stats
	bash scripts/run-tests

lint: install-dev
	$(BIN)/ruff check src tests bench --select F,E9,B
	cd src && ../$(BIN)/mypy --strict --ignore-missing-imports tandem/matching/engine tandem/insights/stats
	$(BIN)/python manage.py makemigrations --check --dry-run

bench: install-dev
	for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done
	$(BIN)/python bench/write_docs.py

messages:
	cd src/tandem && ../../$(BIN)/python ../../manage.py makemessages -l zh_Hans -l ru --no-obsolete -i "matching/engine/*"
	cd src/tandem && ../../$(BIN)/python ../../manage.py compilemessages

clean:
	rm -rf $(VENV) var
