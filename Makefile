# Dos órdenes hacen todo (ver README.md):
#   make book   → crea .venv si hace falta, instala requirements.txt y construye _build/html
#   make test   → lo mismo y luego ejecuta toda la batería de pruebas
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.instalado

.PHONY: book test sync clean

$(STAMP): requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going

test: $(STAMP)
	$(BIN)/python -m pytest

sync: $(STAMP)
	$(BIN)/python -m utils.notebooks sync

clean:
	rm -rf _build
