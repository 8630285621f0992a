# Two commands: `make run` and `make test`. Both set everything up on a fresh machine.
PYTHON ?= python3
PIP_VERSION := 26.3
# The tool that writes the two lock files (`make lock`), at a fixed version.
UV_VERSION := 0.13.8
PIP := python -m pip --quiet --disable-pip-version-check
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
DEV_STAMP := $(VENV)/.dev-installed-stamp
CATALOGS := $(wildcard locales/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: run test bench setup dev lock locales compile-locales check lint demo clean

run: setup
	$(BIN)/python -m bot run

test: dev
	$(BIN)/python -m pytest -q

# The benchmark (not part of `make test`, about 4 minutes): writes bench/results.json.
N ?= 300
bench: dev
	$(BIN)/python -m bench.run --candidates $(N)

# What the bot needs to run, and no more (no test or lint tool).
setup: $(STAMP) $(COMPILED)

# `setup`, then the test and lint tools: what `make test`, `make lint` and `make bench` need.
dev: setup $(DEV_STAMP)

# Exactly the versions of requirements.lock (every dependency, direct or not, pip itself
# among them), each checked against its hashes, then the project without resolving anything
# again.
$(STAMP): pyproject.toml setup.py requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/$(PIP) install --require-hashes -r requirements.lock
	$(BIN)/$(PIP) install --no-deps -e .
	touch $(STAMP)

# The dev tools of requirements-dev.lock, hash-checked too (with the runtime lock, whose
# packages they share).
$(DEV_STAMP): $(STAMP) requirements-dev.lock
	$(BIN)/$(PIP) install --require-hashes -r requirements.lock -r requirements-dev.lock
	touch $(DEV_STAMP)

# After changing a dependency in pyproject.toml: resolve again (keeping every locked version
# that still fits) and write requirements.lock (what runs) and requirements-dev.lock (the test
# and lint tools, without what requirements.lock already has), with the hashes of every file
# of each version, for every Python from 3.11 (Debian 12 has 3.11, Debian 13 3.13).
LOCK := .lock-venv/bin/uv pip compile pyproject.toml --universal --python-version 3.11 \
	--generate-hashes --custom-compile-command 'make lock' --quiet
lock:
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/$(PIP) install pip==$(PIP_VERSION) uv==$(UV_VERSION)
	$(LOCK) -o requirements.lock
	$(LOCK) --extra dev -c requirements.lock -o requirements-dev.lock \
		$$(sed -n 's/^\([A-Za-z0-9._-]*\)==.*/--no-emit-package \1/p' requirements.lock)
	rm -rf .lock-venv

# Compile each catalog when its .po changes (the bot can also compile in memory).
locales/%/LC_MESSAGES/messages.mo: locales/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d locales -D messages -l $* >/dev/null

# After changing a text in bot/ or dialogs/: extract, update the catalogs, compile.
locales: $(STAMP)
	$(BIN)/pybabel extract --no-location --sort-output -F babel.cfg \
		--project=Tremplin --copyright-holder="Initiatives Solidaires" \
		-o locales/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching --ignore-obsolete \
		-i locales/messages.pot -d locales -D messages
	$(BIN)/pybabel compile --use-fuzzy -d locales -D messages

check: setup
	$(BIN)/python -m bot check

# What CI checks besides the tests: lint, formatting (line length 100), types of bot/ and
# localapi/ (the local Bot API of the demo and the tests).
lint: dev
	$(BIN)/ruff check bot localapi tests
	$(BIN)/ruff format --check bot localapi tests
	$(BIN)/mypy

demo: setup
	$(BIN)/python -m bot demo

clean:
	rm -rf $(VENV) .lock-venv var .pytest_cache .ruff_cache .mypy_cache
