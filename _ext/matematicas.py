"""Fórmulas renderizadas al construir el libro, con KaTeX: la página no carga JavaScript de matemáticas.

Cada fórmula que Sphinx encuentra —``$…$`` y ``$$…$$`` de la prosa, los entornos
de amsmath, las salidas ``text/latex`` de los cuadernos (``IPython.display.Math``)
y los valores pegados con ``{glue:math}``— se convierte aquí en HTML con KaTeX
(``_ext/katex/katex.min.js``, ejecutado por Node.js en un solo proceso durante la
construcción). La página solo necesita ``_static/katex/katex.min.css`` y las
fuentes ``woff2`` que use (vienen de ``_ext/estatico/katex/``). Los números de ecuación y las referencias ``{eq}``
los pone Sphinx, igual que con MathJax.

Si KaTeX no entiende una fórmula, la construcción avisa en español con la
página, la línea y el TeX (con ``-W``, como en ``make book``, el aviso es un
error) y esa página, y solo esa, vuelve a MathJax en el navegador
(``_ext/estatico/mathjax/tex-svg.js``) para que la fórmula no desaparezca.

El mismo renderizador lo usa ``tests/test_matematicas.py`` para comprobar todas
las fórmulas de los cuadernos y páginas del repositorio.
"""

from __future__ import annotations

import atexit
import json
import shutil
import subprocess
import threading
from pathlib import Path

from docutils import nodes

RAIZ = Path(__file__).resolve().parent
SERVIDOR = RAIZ / "katex" / "servidor.js"
# Archivos que se copian a _static/ del sitio. No están en _static/ del repositorio porque
# Jupyter Book incluye en TODAS las páginas cada .js y .css que encuentra allí.
ESTATICOS = RAIZ / "estatico"
CSS_KATEX = "katex/katex.min.css"
MATHJAX = "mathjax/tex-svg.js"


class ErrorFormula(ValueError):
    """KaTeX no pudo renderizar una fórmula (el mensaje es el de KaTeX)."""


class KaTeX:
    """Un proceso de Node.js con KaTeX que renderiza fórmulas una a una.

    >>> html = KaTeX().renderizar(r"\\tfrac{1}{2}", display=False)
    >>> 'class="katex"' in html
    True
    """

    def __init__(self):
        node = shutil.which("node") or shutil.which("nodejs")
        if node is None:
            raise RuntimeError(
                "Hace falta Node.js (la orden `node`) para renderizar las fórmulas al construir el "
                "libro. Instálalo con `apt-get install nodejs` (la CI lo instala en .ci/run).")
        self._proc = subprocess.Popen([node, str(SERVIDOR)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      text=True, encoding="utf-8", bufsize=1)
        self._cerrojo = threading.Lock()
        self._cache: dict[tuple[str, bool], str] = {}
        atexit.register(self.cerrar)

    def renderizar(self, tex: str, display: bool) -> str:
        """HTML de KaTeX para ``tex``; lanza :class:`ErrorFormula` si KaTeX no la entiende."""
        clave = (tex, bool(display))
        if clave in self._cache:
            return self._cache[clave]
        with self._cerrojo:
            if self._proc.poll() is not None:
                raise RuntimeError("El proceso de KaTeX (Node.js) terminó inesperadamente.")
            self._proc.stdin.write(json.dumps({"tex": tex, "display": bool(display)}) + "\n")
            self._proc.stdin.flush()
            respuesta = json.loads(self._proc.stdout.readline())
        if "error" in respuesta:
            raise ErrorFormula(respuesta["error"])
        self._cache[clave] = respuesta["html"]
        return respuesta["html"]

    def cerrar(self):
        if self._proc.poll() is None:
            self._proc.stdin.close()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()


_katex: KaTeX | None = None


def katex() -> KaTeX:
    """El proceso de KaTeX compartido (se crea la primera vez)."""
    global _katex
    if _katex is None:
        _katex = KaTeX()
    return _katex


def tex_en_bloque(texto: str) -> str:
    """El TeX de una ecuación en bloque tal como lo escribiría Sphinx para MathJax.

    Varias ecuaciones separadas por una línea en blanco se alinean; una ecuación con
    ``\\\\`` (varias líneas) va en ``split``.

    >>> tex_en_bloque("a = b")
    'a = b'
    >>> tex_en_bloque(r"a &= b \\\\ &= c")
    '\\\\begin{split}a &= b \\\\\\\\ &= c\\\\end{split}'
    """
    partes = [p for p in texto.split("\n\n") if p.strip()]
    cuerpo = []
    for parte in partes:
        cuerpo.append(r"\begin{split}" + parte + r"\end{split}" if r"\\" in parte else parte)
    if len(cuerpo) > 1:
        return r"\begin{aligned}" + r"\\".join(cuerpo) + r"\end{aligned}"
    return cuerpo[0] if cuerpo else ""


def _avisar(traductor, node, tex: str, error: Exception):
    from sphinx.util import logging

    docname = traductor.builder.current_docname
    traductor.builder.app._paginas_mathjax.add(docname)
    logging.getLogger(__name__).warning(
        "KaTeX no pudo renderizar una fórmula de la página «%s»: %s\n    TeX: %s\n"
        "    Corrige la fórmula (KaTeX admite casi todo el LaTeX matemático; sin macros propias). "
        "Mientras tanto, esta página usa MathJax en el navegador.",
        docname, error, tex, location=node, type="matematicas", subtype="katex")


def _visitar_en_linea(self, node):
    tex = node.astext()
    try:
        html = katex().renderizar(tex, display=False)
    except ErrorFormula as error:
        _avisar(self, node, tex, error)
        html = r"\(" + self.encode(tex) + r"\)"
    self.body.append(self.starttag(node, "span", "", CLASS="math notranslate nohighlight") + html + "</span>")
    raise nodes.SkipNode


def _visitar_en_bloque(self, node):
    from sphinx.locale import _
    from sphinx.util.math import get_node_equation_number

    tex = node.astext() if node.get("nowrap") else tex_en_bloque(node.astext())
    self.body.append(self.starttag(node, "div", CLASS="math notranslate nohighlight"))
    if node.get("number") and not node.get("nowrap"):
        self.body.append('<span class="eqno">(%s)' % get_node_equation_number(self, node))
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    try:
        self.body.append(katex().renderizar(tex, display=True))
    except ErrorFormula as error:
        _avisar(self, node, tex, error)
        self.body.append(r"\[" + self.encode(tex) + r"\]")
    self.body.append("</div>\n")
    raise nodes.SkipNode


def _en_pagina(app, pagename, templatename, context, doctree):
    if app.builder.format != "html" or doctree is None:
        return
    if not any(True for _ in doctree.findall(lambda n: isinstance(n, (nodes.math, nodes.math_block)))):
        return
    # Solo en esta página (``app.add_js_file`` aquí los dejaría también en las páginas
    # que se escriben después).
    from sphinx.builders.html._assets import _CascadingStyleSheet, _JavaScript

    # Listas nuevas: las de la plantilla son compartidas entre páginas.
    context["css_files"] = [*context["css_files"], _CascadingStyleSheet("_static/" + CSS_KATEX, priority=500)]
    if pagename in app._paginas_mathjax:
        context["script_files"] = [*context["script_files"],
                                   _JavaScript("_static/" + MATHJAX, defer="defer", priority=500)]


def _al_terminar(app, exception):
    if _katex is not None:
        _katex.cerrar()


def _agregar_estaticos(app, config):
    if str(ESTATICOS) not in map(str, config.html_static_path):
        config.html_static_path.append(str(ESTATICOS))


def setup(app):
    app._paginas_mathjax = set()
    app.connect("config-inited", _agregar_estaticos)
    app.add_html_math_renderer("katex_previo", (_visitar_en_linea, None), (_visitar_en_bloque, None))
    app.connect("html-page-context", _en_pagina)
    app.connect("build-finished", _al_terminar)
    return {"parallel_read_safe": True, "parallel_write_safe": False}
