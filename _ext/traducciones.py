"""Traduce al español los textos de la interfaz que Sphinx y los temas dejan en inglés.

Jupyter Book 1 usa los catálogos de traducción de Sphinx, pydata-sphinx-theme y
sphinx-book-theme; algunos mensajes (el botón de Colab, los enlaces a títulos y
ecuaciones, los botones de las barras laterales) no están traducidos al español.
Esta extensión agrega a cada catálogo una traducción de respaldo con esos textos.
"""

import gettext

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
}

# Textos fijos en las plantillas del tema (no pasan por gettext): se reemplazan
# en el HTML ya escrito.
EN_HTML = {
    'title="Toggle primary sidebar"': 'title="Mostrar u ocultar el índice"',
    'aria-label="Main"': 'aria-label="Principal"',
}


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
            traductor.add_fallback(_Respaldo())


def _reemplazar_en_html(app, exception):
    if exception is not None or app.builder.format != "html" or not (app.config.language or "").startswith("es"):
        return
    from pathlib import Path

    for page in Path(app.outdir).rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        nuevo = text
        for viejo, traducido in EN_HTML.items():
            nuevo = nuevo.replace(viejo, traducido)
        if nuevo != text:
            page.write_text(nuevo, encoding="utf-8")


def setup(app):
    app.connect("build-finished", _reemplazar_en_html)
    app.connect("builder-inited", lambda app: _instalar(app, app.config), priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
