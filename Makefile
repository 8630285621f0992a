# Two commands: `make run` and `make test`. Both set everything up on a fresh machine.
PYTHON ?= python3
PIP_VERSION := 26.3
PIP := python -m pip --quiet --disable-pip-version-check
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
CATALOGS := $(wildcard locales/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: run test bench setup lock locales compile-locales check lint demo clean

run: setup
	$(BIN)/python -m bot run

test: setup
	$(BIN)/python -m pytest -q

# The benchmark (not part of `make test`, about 4 minutes): writes bench/results.json.
N ?= 300
bench: setup
	$(BIN)/python -m bench.run --candidates $(N)

setup: $(STAMP) $(COMPILED)

# Exactly the versions of requirements.lock (every dependency, direct or not, and the dev
# tools), then the project itself without resolving anything again.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/$(PIP) install pip==$(PIP_VERSION)
	$(BIN)/$(PIP) install -r requirements.lock
	$(BIN)/$(PIP) install --no-deps -e .
	touch $(STAMP)

# After changing a dependency in pyproject.toml: resolve it again in a fresh environment and
# write every version that gets installed to requirements.lock.
lock:
	rm -rf .lock-venv build
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/$(PIP) install pip==$(PIP_VERSION)
	.lock-venv/bin/$(PIP) install '.[dev]'
	{ echo "# Every package \`make setup\` installs, at the version tested. Written by \`make lock\`"; \
	  echo "# from pyproject.toml: do not edit by hand."; \
	  .lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^tremplin'; } > requirements.lock
	rm -rf .lock-venv build

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

# What CI checks besides the tests: lint, formatting (line length 100), types of bot/.
lint: setup
	$(BIN)/ruff check bot tests
	$(BIN)/ruff format --check bot tests
	$(BIN)/mypy

demo: setup
	$(BIN)/python -m bot demo

clean:
	rm -rf $(VENV) .lock-venv var .pytest_cache .ruff_cache .mypy_cache
