"""Arreglos del sitio que valen para todas las páginas, presentes y futuras.

- **Scripts una sola vez y nada de otros servidores.** Algunas extensiones
  registran dos veces sus scripts de configuración (Thebe, togglebutton,
  MathJax) y myst-nb añade ``require.js`` y el gestor de *widgets* desde CDN en
  cuanto un cuaderno usa ipywidgets. En el sitio los *widgets* se muestran con su
  equivalente estático (la celda del *widget* lleva ``remove-output``) y siguen
  siendo interactivos en Colab; aquí se quitan los duplicados, todo script u hoja
  de estilo de otro servidor y el estado de *widgets* que nadie lee; con Thebe
  apagado (``launch_buttons.thebe: false``) tampoco se cargan sus scripts.
- **Soluciones de los laboratorios.** En cada celda de solución (la que contiene
  ``### BEGIN SOLUTION``) se quitan las líneas de marcadores —solo en la página;
  el cuaderno fuente los conserva— y la celda entera, código y salida, se pliega
  bajo «Mostrar solución».
- **Botones de la cabecera.** En un laboratorio, el botón de Colab abre la versión
  del estudiante (``labs/estudiante/…``) y el de descarga baja esa misma versión
  (copiada al sitio en ``_downloads/estudiante/``), no el cuaderno fuente con las
  soluciones; el botón «Informar de un error» abre un *issue* precargado en español.
"""

from __future__ import annotations

import json
import shutil
import sys
import urllib.parse
from pathlib import Path

RAIZ = Path(__file__).resolve().parent.parent
if str(RAIZ) not in sys.path:
    sys.path.insert(0, str(RAIZ))

from utils import notebooks  # noqa: E402  (marcadores y carpeta del estudiante: una sola definición)

ETIQUETA_SOLUCION = "Mostrar solución"
ETIQUETA_SOLUCION_OCULTAR = "Ocultar solución"
ETIQUETA_CLASE = "solucion"  # la celda lleva la clase tag_solucion en el HTML
ESTADO_WIDGETS = "application/vnd.jupyter.widget-state+json"
DESCARGAS = "_downloads/estudiante/"


# ---------------------------------------------------------------------------
# Soluciones (al leer el cuaderno, antes de ejecutarlo y renderizarlo)
# ---------------------------------------------------------------------------

def preparar_soluciones(nb: dict) -> bool:
    """Quita los marcadores y pliega cada celda de solución de ``nb``; ``True`` si cambió algo.

    >>> nb = {"cells": [{"cell_type": "code", "metadata": {"tags": ["hide-input"]},
    ...                  "source": "### BEGIN SOLUTION\\nx = 1\\n### END SOLUTION"}]}
    >>> preparar_soluciones(nb), nb["cells"][0]["source"], nb["cells"][0]["metadata"]["tags"]
    (True, 'x = 1', ['hide-cell', 'solucion'])
    """
    cambiado = False
    for cell in nb.get("cells", []):
        if not notebooks.is_solution_cell(cell):
            continue
        cell["source"] = notebooks.strip_solution_markers(notebooks._source(cell))
        meta = cell.setdefault("metadata", {})
        tags = [t for t in meta.get("tags", []) if t not in ("hide-input", "hide-output", "hide-cell")]
        meta["tags"] = tags + ["hide-cell", ETIQUETA_CLASE]
        meta.setdefault("mystnb", {}).update(code_prompt_show=ETIQUETA_SOLUCION,
                                             code_prompt_hide=ETIQUETA_SOLUCION_OCULTAR)
        cambiado = True
    return cambiado


def _al_leer(app, docname, source):
    if not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    try:
        nb = json.loads(source[0])
    except ValueError:
        return
    if isinstance(nb, dict) and preparar_soluciones(nb):
        source[0] = json.dumps(nb, ensure_ascii=False)


# ---------------------------------------------------------------------------
# Scripts y hojas de estilo de cada página
# ---------------------------------------------------------------------------

def _externo(nombre: str) -> bool:
    return nombre.startswith(("http://", "https://", "//"))


def _de_thebe(nombre: str, attrs: dict) -> bool:
    return "sphinx-thebe" in nombre or "THEBE_JS_URL" in (attrs.get("body") or "")


def _limpiar(archivos, con_thebe: bool = False) -> list:
    """Quita duplicados, lo que viene de otro servidor, el estado de *widgets* y, si
    Thebe está apagado (``launch_buttons.thebe: false``), su configuración y su script."""
    vistos, limpios = set(), []
    for archivo in archivos:
        nombre = getattr(archivo, "filename", None) or ""
        attrs = getattr(archivo, "attributes", {}) or {}
        if attrs.get("type") == ESTADO_WIDGETS or _externo(nombre):
            continue
        if not con_thebe and _de_thebe(nombre, attrs):
            continue
        clave = (nombre.split("?")[0], attrs.get("body"))
        if clave in vistos:
            continue
        vistos.add(clave)
        limpios.append(archivo)
    return limpios


def _recorrer(botones):
    for boton in botones or []:
        if isinstance(boton, dict):
            yield boton
            yield from _recorrer(boton.get("buttons"))


def issue_url(repo_url: str, pagename: str) -> str:
    """URL de un *issue* nuevo, precargado en español, sobre la página ``pagename``."""
    titulo = f"Error en la página {pagename}"
    cuerpo = (f"Página: /{pagename}.html\n\nDescribe el error: qué esperabas ver y qué viste "
              "(si es una fórmula, un número o una figura, copia el fragmento).\n")
    return f"{repo_url}/issues/new?" + urllib.parse.urlencode({"title": titulo, "body": cuerpo},
                                                                quote_via=urllib.parse.quote)


def cuaderno_estudiante(srcdir: Path, pagename: str) -> str | None:
    """``labs/estudiante/<nombre>.ipynb`` si ``pagename`` es un laboratorio con versión del estudiante."""
    pagina = Path(pagename)
    if pagina.parent.as_posix() != "labs":
        return None
    rel = f"labs/{notebooks.STUDENT_DIR}/{pagina.name}.ipynb"
    return rel if (Path(srcdir) / rel).is_file() else None


def _en_pagina(app, pagename, templatename, context, doctree):
    if app.builder.format != "html":
        return
    con_thebe = bool(context.get("use_thebe"))
    context["script_files"] = _limpiar(context.get("script_files", []), con_thebe)
    context["css_files"] = _limpiar(context.get("css_files", []), con_thebe)
    estudiante = cuaderno_estudiante(app.srcdir, pagename)
    for boton in _recorrer(context.get("header_buttons")):
        url = boton.get("url") or ""
        if estudiante and "colab.research.google.com" in url and url.endswith(f"/{pagename}.ipynb"):
            boton["url"] = url[: -len(f"{pagename}.ipynb")] + estudiante
        elif estudiante and url.endswith(f"_sources/{pagename}.ipynb"):
            boton["url"] = "../" * pagename.count("/") + DESCARGAS + Path(estudiante).name
            boton["tooltip"] = "Descargar el cuaderno del laboratorio (sin soluciones)"
        elif "/issues/new" in url:
            boton["url"] = issue_url(url.split("/issues/new")[0], pagename)


def _copiar_estudiante(app, exception):
    # Las versiones del estudiante, para el botón de descarga de cada laboratorio.
    if exception is not None or app.builder.format != "html":
        return
    destino = Path(app.outdir) / DESCARGAS
    destino.mkdir(parents=True, exist_ok=True)
    for cuaderno in sorted((Path(app.srcdir) / "labs" / notebooks.STUDENT_DIR).glob("*.ipynb")):
        shutil.copyfile(cuaderno, destino / cuaderno.name)


def setup(app):
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import alt_calculado  # texto alternativo calculado (utils.book.show_figure)

    alt_calculado.conectar(app)
    app.connect("source-read", _al_leer)
    # Después de myst-nb, MathJax y el tema, que añaden scripts y botones en este evento.
    app.connect("html-page-context", _en_pagina, priority=1000)
    app.connect("build-finished", _copiar_estudiante)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
