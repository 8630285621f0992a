# Two commands: `make run` and `make test`. Both set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
CATALOGS := $(wildcard locales/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: run test bench setup locales compile-locales check lint demo clean

run: setup
	$(BIN)/python -m bot run

test: setup
	$(BIN)/python -m pytest -q

# The benchmark (not part of `make test`): writes bench/results.json.
N ?= 2000
bench: setup
	$(BIN)/python -m bench.run --candidates $(N)

setup: $(STAMP) $(COMPILED)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

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

lint: setup
	$(BIN)/ruff check bot tests

demo: setup
	$(BIN)/python -m bot demo

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
