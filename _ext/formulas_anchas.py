"""Ecuaciones en bloque que caben en su columna, también en un teléfono, sin JavaScript.

Una ecuación en bloque más ancha que su columna no se corta ni obliga a desplazarse
de lado: su letra se reduce lo justo para que quepa (hasta la mitad). El cálculo lo
hace el CSS del navegador (``_static/curso.css``)::

    tamaño de letra = clamp(0.5 × normal, ancho de la columna / ancho natural, normal)

con el ancho de la columna en unidades de contenedor (``100cqi``) y el **ancho natural**
de la fórmula, en ``em``, escrito en la página como ``style="--ancho:…"``. Ese ancho lo
mide esta extensión al terminar la construcción: abre una página con todas las
ecuaciones del libro (con la hoja y las fuentes de KaTeX del propio sitio) en Chromium
sin interfaz y lee cuánto ocupa cada una. Así la página no mide nada al cargarse:
en un teléfono, medir y cambiar tamaños obligaba a recalcular la disposición de toda
la página varias veces (cientos de milisegundos de bloqueo).

Sin Chromium la construcción no falla: lo avisa, y las ecuaciones anchas se
desplazan de lado dentro de su caja (sin desbordar la página).
"""

from __future__ import annotations

import functools
import re
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

APERTURA = '<span class="katex-display">'
# Margen sobre el ancho medido: redondeos de subpíxel y diferencias entre navegadores.
HOLGURA = 1.02
PAGINA_MEDIDA = "_medir_formulas.html"

JS_MEDIR = r"""(async () => {
  const cuadro = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  await cuadro();
  await document.fonts.ready;
  await cuadro();
  const anchos = [...document.querySelectorAll('.medida > .katex-display > .katex')].map(k => {
    const rango = document.createRange();
    rango.selectNodeContents(k.querySelector('.katex-html') || k);
    const px = Math.max(k.getBoundingClientRect().width, rango.getBoundingClientRect().width, k.scrollWidth);
    return px / parseFloat(getComputedStyle(k).fontSize);
  });
  const fallidas = [...document.fonts].filter(f => f.status === 'error').map(f => f.family);
  return JSON.stringify({anchos, fallidas});
})()"""


def ecuaciones_en_bloque(html: str) -> list[tuple[int, int]]:
    """Posiciones ``(inicio, fin)`` de cada ``<span class="katex-display">…</span>`` de ``html``.

    >>> html = 'a<span class="katex-display"><span class="katex">x</span></span>b'
    >>> [html[i:j] for i, j in ecuaciones_en_bloque(html)]
    ['<span class="katex-display"><span class="katex">x</span></span>']
    """
    out = []
    i = html.find(APERTURA)
    while i != -1:
        profundidad, j = 0, i
        for m in re.finditer(r"<span\b|</span>", html[i:]):
            profundidad += 1 if m.group(0) == "<span" else -1
            if profundidad == 0:
                j = i + m.end()
                break
        else:
            break
        out.append((i, j))
        i = html.find(APERTURA, j)
    return out


def marcar_anchos(html: str, anchos: dict[str, float]) -> str:
    """Escribe en cada ecuación en bloque su ancho natural (``em``) para el CSS.

    >>> eq = '<span class="katex-display"><span class="katex">x</span></span>'
    >>> marcar_anchos('<p>' + eq, {eq: 12.3456})
    '<p><span class="katex-display" style="--ancho:12.593"><span class="katex">x</span></span>'
    """
    partes, fin = [], 0
    for i, j in ecuaciones_en_bloque(html):
        ancho = anchos.get(html[i:j])
        partes.append(html[fin:i])
        if ancho:
            partes.append(f'<span class="katex-display" style="--ancho:{ancho * HOLGURA:.3f}">')
            partes.append(html[i + len(APERTURA):j])
        else:
            partes.append(html[i:j])
        fin = j
    partes.append(html[fin:])
    return "".join(partes)


def medir(salida: Path, ecuaciones: list[str], exe: str) -> list[float]:
    """Ancho natural (en ``em`` de la fórmula) de cada ecuación, medido en Chromium.

    La página de medida se escribe en ``salida`` (para que cargue ``_static/katex/``
    del sitio) y se borra al terminar.
    """
    from navegador import Navegador

    cuerpo = "\n".join(f'<div class="medida">{e}</div>' for e in ecuaciones)
    pagina = salida / PAGINA_MEDIDA
    pagina.write_text(
        '<!DOCTYPE html><html lang="es"><head><meta charset="utf-8"><title>Medida de fórmulas</title>'
        '<link rel="stylesheet" href="_static/katex/katex.min.css">'
        "<style>body{margin:0;font-size:16px}.medida{width:max-content}"
        ".medida>.katex-display{display:inline-block;margin:0}"
        ".medida>.katex-display>.katex{display:inline-block}</style></head>"
        f"<body>{cuerpo}</body></html>", encoding="utf-8")
    servidor = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Silencioso, directory=str(salida)))
    threading.Thread(target=servidor.serve_forever, daemon=True).start()
    try:
        with tempfile.TemporaryDirectory() as perfil:
            nav = Navegador(exe, Path(perfil))
            try:
                nav.abrir_pestana(1280, 900)
                nav.visitar(f"http://127.0.0.1:{servidor.server_address[1]}/{PAGINA_MEDIDA}")
                datos = nav.evaluar(JS_MEDIR, timeout=60)
            finally:
                nav.cerrar()
    finally:
        servidor.shutdown()
        servidor.server_close()
        pagina.unlink(missing_ok=True)
    if datos["fallidas"]:
        raise RuntimeError(f"no cargaron las fuentes de KaTeX {sorted(set(datos['fallidas']))}")
    if len(datos["anchos"]) != len(ecuaciones):
        raise RuntimeError(f"se midieron {len(datos['anchos'])} de {len(ecuaciones)} ecuaciones")
    return datos["anchos"]


class _Silencioso(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def paginas(salida: Path) -> list[Path]:
    return [p for p in sorted(salida.rglob("*.html")) if "_static" not in p.relative_to(salida).parts
            and p.name != PAGINA_MEDIDA]


def _al_terminar(app, exception):
    if exception is not None or app.builder.format != "html":
        return
    from navegador import buscar_chromium

    salida = Path(app.outdir)
    textos = {p: p.read_text(encoding="utf-8") for p in paginas(salida)}
    ecuaciones = sorted({t[i:j] for t in textos.values() for i, j in ecuaciones_en_bloque(t)})
    if not ecuaciones:
        return
    exe = buscar_chromium()
    if exe is None:
        logger.info("Sin Chromium no se mide el ancho de las ecuaciones: en un teléfono, las que no "
                    "quepan se desplazarán de lado (apt-get install chromium).")
        return
    try:
        anchos = dict(zip(ecuaciones, medir(salida, ecuaciones, exe)))
    except Exception as error:  # noqa: BLE001 - la construcción sigue; se avisa
        logger.warning("no se pudo medir el ancho de las ecuaciones con Chromium (%s): en un teléfono, "
                       "las que no quepan se desplazarán de lado.", error, type="matematicas",
                       subtype="anchos")
        return
    for pagina, texto in textos.items():
        nuevo = marcar_anchos(texto, anchos)
        if nuevo != texto:
            pagina.write_text(nuevo, encoding="utf-8")
    logger.info("Ancho natural de %d ecuaciones en bloque medido con Chromium.", len(ecuaciones))


def setup(app):
    # Después de escribir las páginas y antes de _ext/rendimiento.py (prioridad 900).
    app.connect("build-finished", _al_terminar, priority=800)
    return {"parallel_read_safe": True, "parallel_write_safe": True}

