# Dos órdenes hacen todo (ver README.md):
#   make book   → crea .venv si hace falta, instala requirements.txt y construye _build/html
#   make test   → lo mismo y luego ejecuta toda la batería de pruebas
#   make auditoria → mide con Lighthouse la velocidad de cada página de _build/html (no es una prueba)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.instalado
# Segundo entorno con la pila más antigua admitida (la de Colab): tests/test_pila_minima.py.
VENV_MIN  := .venv-minimo
STAMP_MIN := $(VENV_MIN)/.instalado

.PHONY: book test sync clean auditoria pila-minima pdf

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

$(STAMP_MIN): requirements-minimo.txt
	$(PYTHON) -m venv $(VENV_MIN)
	$(VENV_MIN)/bin/python -m pip install --quiet --upgrade pip
	$(VENV_MIN)/bin/python -m pip install --quiet -r requirements-minimo.txt
	touch $(STAMP_MIN)

pila-minima: $(STAMP_MIN)

# El libro entero en un PDF (LaTeX con XeLaTeX y TeX Live de Debian; ver README).
# Usa el mismo caché de ejecución que el sitio: después de `make book` no ejecuta nada.
pdf: $(STAMP)
	$(BIN)/jupyter-book build . --builder pdflatex --keep-going
