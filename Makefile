# The documented entry points: `make run` (demo on http://127.0.0.1:8000) and `make test`.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
# The embedded demo: SQLite under var/, Celery tasks run eagerly, emails on the console.
RUN_ENV := DJANGO_DEBUG=True REDIS_URL= EMAIL_URL=consolemail:// DATABASE_URL=sqlite:///$(CURDIR)/var/db.sqlite3
# Python may keep compiled modules (some machines set PYTHONDONTWRITEBYTECODE=1, which
# makes each of the suite's processes, workers and subprocesses alike, compile the
# project and rewrite the tests' asserts again: about 5 s a process).
TEST_ENV := DJANGO_SETTINGS_MODULE=config.test_settings PYTHONDONTWRITEBYTECODE=
# pytest-xdist workers (one database each). Three on the 2-core CI machine: when the
# browser journeys were twice as many, a third worker saved 15 %; on 5 Dec 2026 two and
# three took the same time (275 and 278 s), with both cores busy 99 % of the run.
TEST_WORKERS ?= 3

.PHONY: run test lint format migrations-check messages install install-dev clean bench

# The pinned requirements are installed by uv (from PyPI, into the venv): the same
# versions as pip would install, in 5 s instead of 40 s of a fresh clone's `make test`,
# compiled to bytecode as pip does (otherwise every process compiles Django again where
# PYTHONDONTWRITEBYTECODE is set). Where uv cannot be installed, pip does the same work.
UV_VERSION := 0.13.9
PIP_INSTALL = $(if $(wildcard $(VENV)/bin/uv),$(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(PY),$(PY) -m pip install --quiet)

$(PY):
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION) || echo "uv is not available here; pip installs the requirements"

$(VENV)/.installed-runtime: requirements.txt | $(PY)
	$(PIP_INSTALL) -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PIP_INSTALL) -r requirements-dev.txt
	@touch $@ $(VENV)/.installed-runtime

install: $(VENV)/.installed-runtime
install-dev: $(VENV)/.installed-dev

run: install
	$(RUN_ENV) $(PY) manage.py migrate --noinput
	$(RUN_ENV) $(PY) manage.py seed_demo
	@echo ""
	@echo "Jembatan UMKM is starting on http://127.0.0.1:8000  (stop with Ctrl+C)"
	$(RUN_ENV) $(PY) manage.py runserver 127.0.0.1:8000

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/bandit -q -c pyproject.toml -r accounts backoffice config core demo mentoring marketplace notifications outcomes pages umkm

migrations-check: install-dev
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run

test: lint migrations-check
	$(TEST_ENV) $(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal --cov --cov-report=term

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The benchmark (not part of make test): PostgreSQL and Redis on this machine, wrk if
# installed. Knobs: BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_PRODUCTS (100000),
# BENCH_DURATION (10 s per page), BENCH_LOADGEN (auto|wrk|python), BENCH_UPDATE_README=1
# (write the table into README.md), BENCH_ARGS (e.g. --reseed, --strict). See README.
BENCH_VARS := BENCH_DATABASE_URL BENCH_REDIS_URL BENCH_PRODUCTS BENCH_DURATION BENCH_LOADGEN BENCH_UPDATE_README BENCH_ONLY
bench: install-dev
	$(foreach v,$(BENCH_VARS),$(if $($(v)),$(v)='$($(v))')) $(PY) -m bench.run $(BENCH_ARGS)

# Refresh the translation catalogues (needs GNU gettext) and compile them.
messages: install-dev
	$(TEST_ENV) $(PY) manage.py makemessages -l id -l en --no-obsolete --ignore=.venv --ignore=var
	$(TEST_ENV) $(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var/static .pytest_cache .coverage htmlcov
