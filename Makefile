# Dos órdenes hacen todo (ver README.md):
#   make book   → crea .venv si hace falta, instala requirements.txt y construye _build/html
#   make test   → lo mismo y luego ejecuta toda la batería de pruebas
#   make auditoria → mide con Lighthouse la velocidad de cada página de _build/html (no es una prueba)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.instalado

.PHONY: book test sync clean auditoria

# Herramientas de medición (npm), fuera de git y con versión fija.
HERRAMIENTAS := .herramientas
LIGHTHOUSE_VERSION := 12.2.3
LIGHTHOUSE := $(HERRAMIENTAS)/node_modules/lighthouse/cli/index.js

$(STAMP): requirements.txt requirements-ci.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt -r requirements-ci.txt
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --warningiserror --nitpick --keep-going

test: $(STAMP)
	$(BIN)/python -m pytest

$(LIGHTHOUSE):
	mkdir -p $(HERRAMIENTAS)
	cd $(HERRAMIENTAS) && npm install --no-audit --no-fund --save-exact lighthouse@$(LIGHTHOUSE_VERSION)

auditoria: $(STAMP) $(LIGHTHOUSE)
	CHROME_PATH=$${CHROME_PATH:-/usr/bin/chromium} $(BIN)/python tests/auditoria.py

sync: $(STAMP)
	$(BIN)/python -m utils.notebooks sync

clean:
	rm -rf _build
