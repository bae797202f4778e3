# Two entry points: `make demo` and `make test`. Both build the virtualenv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
LOCALES := src/eventhub/i18n/locale
CATALOGS := $(wildcard $(LOCALES)/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: demo test serve clean messages messages-compile

$(BIN)/eventhub: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Interface texts: gettext catalogs. `make messages` after adding or changing a text
# (extracts every _()/ngettext()/{% trans %} into messages.pot, updates each language's
# .po, compiles); translate the new empty entries in the .po files, then `make messages` again.
$(COMPILED): %.mo: %.po | $(BIN)/eventhub
	$(BIN)/python -m eventhub.i18n.build

messages-compile: $(COMPILED)

messages: $(BIN)/eventhub
	$(BIN)/pybabel -q extract -F babel.cfg --no-wrap --add-location=file --add-comments=Translators: \
	  --project=eventhub --copyright-holder="eventhub contributors" -o $(LOCALES)/messages.pot .
	$(BIN)/pybabel -q update -i $(LOCALES)/messages.pot -d $(LOCALES) --no-wrap --no-fuzzy-matching --ignore-obsolete
	$(BIN)/python -m eventhub.i18n.build

demo: $(BIN)/eventhub $(COMPILED)
	$(BIN)/eventhub demo

serve: $(BIN)/eventhub $(COMPILED)
	$(BIN)/eventhub serve

test: $(BIN)/eventhub $(COMPILED)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) eventhub.db eventhub.db-wal eventhub.db-shm $(COMPILED)
