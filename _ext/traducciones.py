"""Traduce al español los textos de la interfaz que Sphinx y los temas dejan en inglés.

Jupyter Book 1 usa los catálogos de traducción de Sphinx, pydata-sphinx-theme y
sphinx-book-theme; algunos mensajes (el botón de Colab, los enlaces a títulos y
ecuaciones, los botones de las barras laterales) no están traducidos al español.
Otros ("Repository", "© Copyright", "Download this page"…) sí están en el catálogo
español, pero sin traducir o sin tilde. Esta extensión pone sus textos POR DELANTE
de cada catálogo, de modo que mandan sobre lo que traigan los paquetes.
"""

import gettext
import re

from sphinx.locale import translators

TEXTOS = {
    "Launch on": "Abrir en",
    "Link to this heading": "Enlace a este título",
    "Link to this equation": "Enlace a esta ecuación",
    "Link to this table": "Enlace a esta tabla",
    "Link to this image": "Enlace a esta imagen",
    "Link to this code": "Enlace a este código",
    "Link to this definition": "Enlace a esta definición",
    "Link to this term": "Enlace a este término",
    "Toggle primary sidebar": "Mostrar u ocultar el índice",
    "Toggle secondary sidebar": "Mostrar u ocultar el contenido de la página",
    "Contents": "Contenido",
    "Skip to main content": "Saltar al contenido principal",
    "Back to top": "Volver arriba",
    "Download source file": "Descargar archivo fuente",
    "Print to PDF": "Imprimir en PDF",
    "Fullscreen mode": "Modo de pantalla completa",
    "Search": "Buscar",
    "By": "Por",
    "Launch interactive content": "Abrir en un entorno interactivo",
    "Source repositories": "Repositorio del curso",
    "Source repository": "Repositorio del curso",
    "Repository": "Repositorio",
    "Open issue": "Informar de un error",
    "Open an issue": "Informar de un error en esta página",
    "Show source": "Ver el código fuente",
    "Suggest edit": "Sugerir un cambio",
    "Edit this page": "Editar esta página",
    "Download this page": "Descargar esta página",
    "previous page": "página anterior",
    "next page": "página siguiente",
    "logo": "(logotipo)",
    "© Copyright %(copyright)s.": "© %(copyright)s.",
    "Copyright %(copyright)s": "© %(copyright)s",
}

# Textos fijos en las plantillas del tema (no pasan por gettext): se reemplazan
# en el HTML ya escrito.
EN_HTML = {
    'title="Toggle primary sidebar"': 'title="Mostrar u ocultar el índice"',
    'aria-label="Main"': 'aria-label="Principal"',
    '<nav aria-label="Page">': '<nav aria-label="Página">',
    'title="Toggle secondary sidebar"': 'title="Mostrar u ocultar el contenido de la página"',
    # myst-nb (celdas plegadas) y sphinx-togglebutton (desplegables, creados por JavaScript)
    'aria-label="Toggle hidden content"': 'aria-label="Mostrar u ocultar el contenido"',
}
# Archivos JavaScript de _static que escriben textos en la página.
JS_CON_TEXTOS = ["togglebutton.js"]


class _Respaldo(gettext.NullTranslations):
    def gettext(self, message):
        if message in TEXTOS:
            return TEXTOS[message]
        return self._fallback.gettext(message) if self._fallback else message

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)


def _instalar(app, config):
    if (config.language or "").startswith("es"):
        for traductor in translators.values():
            catalogo = getattr(traductor, "_catalog", None)
            if isinstance(catalogo, dict):
                catalogo.update(TEXTOS)  # por delante de lo que traiga el catálogo
            else:
                traductor.add_fallback(_Respaldo())


def _reemplazar_en_html(app, exception):
    if exception is not None or app.builder.format != "html" or not (app.config.language or "").startswith("es"):
        return
    from pathlib import Path

    estaticos = [Path(app.outdir) / "_static" / nombre for nombre in JS_CON_TEXTOS]
    for page in [*Path(app.outdir).rglob("*.html"), *(p for p in estaticos if p.is_file())]:
        text = page.read_text(encoding="utf-8")
        nuevo = text
        for viejo, traducido in EN_HTML.items():
            nuevo = nuevo.replace(viejo, traducido)
        # El tema escribe «<proveedor> logo» (aquí, «Colab (logotipo)»): «Logotipo de Colab».
        nuevo = re.sub(r'alt="([^"<>]+) \(logotipo\)"', r'alt="Logotipo de \1"', nuevo)
        if nuevo != text:
            page.write_text(nuevo, encoding="utf-8")


def setup(app):
    app.connect("build-finished", _reemplazar_en_html)
    app.connect("builder-inited", lambda app: _instalar(app, app.config), priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
