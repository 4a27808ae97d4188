"""Construye el libro (avisos = errores) y lo abre en Chromium sin interfaz.

La construcción es la misma orden que ``make book``. Después se comprueba el
HTML generado y, con UNA sesión de Chromium manejada por el protocolo DevTools,
lo que ve un lector en TODAS las páginas del sitio servido en 127.0.0.1, a 1280 y
a 390 px: sin errores de JavaScript ni peticiones a otros servidores, fórmulas
ya renderizadas con KaTeX al construir (sin JavaScript de matemáticas, con su hoja
de estilo y sus fuentes cargadas) y ecuaciones que caben en su columna, figuras con texto alternativo en español, interfaz en
español, soluciones plegadas y sin marcadores, botón de Colab de cada laboratorio
hacia la versión del estudiante y nada cortado. Se guardan capturas en
``_build/capturas/`` y el tiempo del recorrido en ``_build/navegador.txt``.
"""

import functools
import json
import os
import re
import subprocess
import threading
import time
import urllib.parse
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from _ext import normas
from _ext.navegador import ANCHO_ESCRITORIO, Navegador, buscar_chromium
from utils import notebooks

ROOT = notebooks.ROOT
HTML = ROOT / "_build" / "html"
ENGLISH_UI = ["Search this book", "Launch on", "Toggle primary sidebar", "Link to this heading",
              "previous page", "next page", "Show code cell"]


def toc_files():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]
    for part in toc.get("parts", []):
        files += [c["file"] for c in part.get("chapters", [])]
    return files


@pytest.fixture(scope="session")
def built_site():
    """Construye el sitio una vez por sesión con ``make book`` e informa el tiempo."""
    start = time.monotonic()
    # Sin el MPLBACKEND=Agg de conftest.py: los cuadernos deben usar el backend
    # de Jupyter (inline), o plt.show() no produciría figuras.
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    proc = subprocess.run(["make", "--no-print-directory", "book"], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    elapsed = time.monotonic() - start
    log = proc.stdout + proc.stderr
    (ROOT / "_build").mkdir(exist_ok=True)
    (ROOT / "_build" / "construccion.log").write_text(log, encoding="utf-8")
    assert proc.returncode == 0, "la construcción del libro falló:\n" + log[-6000:]
    print(f"\nLibro construido en {elapsed:.1f} s")
    return HTML


def page(relpath: str) -> Path:
    return HTML / (relpath + ".html")


def test_every_toc_page_is_built(built_site):
    for f in toc_files():
        assert page(f).is_file(), f"falta la página {f}"


def test_notebook_pages_have_colab_buttons(built_site):
    """Un capítulo abre su propio cuaderno en Colab; un laboratorio, la versión del estudiante."""
    for f in toc_files():
        if (ROOT / (f + ".ipynb")).is_file():
            html = page(f).read_text(encoding="utf-8")
            if f.startswith("labs/"):
                destino = f"labs/{notebooks.STUDENT_DIR}/{Path(f).name}.ipynb"
                assert f'href="{notebooks.colab_link(f + ".ipynb")}"' not in html, f"{f}: Colab abre las soluciones"
            else:
                destino = f + ".ipynb"
            assert f'href="{notebooks.colab_link(destino)}"' in html, f"{f}: botón de Colab ausente o incorrecto"


def test_lab_pages_link_their_student_notebook(built_site):
    labs = [f for f in toc_files() if f.startswith("labs/")]
    assert labs
    for f in labs:
        student = f"labs/{notebooks.STUDENT_DIR}/{Path(f).name}.ipynb"
        assert (ROOT / student).is_file()
        html = page(f).read_text(encoding="utf-8")
        assert notebooks.colab_link(student) in html, f"{f}: no enlaza la versión del estudiante"
        descargas = re.findall(r'href="([^"]+\.ipynb)"[^>]*\s+class="[^"]*btn-download', html)
        assert descargas == [f"../_downloads/estudiante/{Path(f).name}.ipynb"], \
            f"{f}: el botón de descarga debe bajar la versión del estudiante, no {descargas}"
        copia = (HTML / "labs" / descargas[0]).resolve()
        assert copia.read_bytes() == (ROOT / student).read_bytes(), f"{f}: la descarga no es la versión del estudiante"
        assert "BEGIN SOLUTION" not in copia.read_text(encoding="utf-8")
        assert "tag_solucion" in html and "Mostrar solución" in html, f"{f}: las soluciones deberían estar plegadas"


def test_spanish_ui_and_clean_outputs(built_site):
    for f in toc_files():
        html = page(f).read_text(encoding="utf-8")
        assert '<html lang="es"' in html
        for text in ENGLISH_UI:
            assert text not in html, f"{f}: texto de interfaz en inglés: {text!r}"
        assert "\x1b[" not in html and "[0m" not in html, f"{f}: caracteres de control en las salidas"
    assert 'placeholder="Buscar' in page("intro").read_text(encoding="utf-8")


def test_glue_and_math_present_in_chapters(built_site):
    chapters = [f for f in toc_files() if f.startswith("chapters/")]
    assert chapters
    for f in chapters:
        html = page(f).read_text(encoding="utf-8")
        assert 'class="math' in html, f"{f}: sin matemáticas"
        assert re.search(r'<img[^>]+src="[^"]*_images/', html), f"{f}: sin figuras"


def test_every_notebook_executed_and_cached(built_site):
    """Cada cuaderno del índice quedó ejecutado en jupyter-cache; informa sus tiempos."""
    from jupyter_cache import get_cache

    cache = get_cache(str(ROOT / "_build" / ".jupyter_cache"))
    latest = {}
    for rec in sorted(cache.list_cache_records(), key=lambda r: r.created):
        latest[Path(rec.uri).resolve()] = rec.data.get("execution_seconds")
    lines = []
    for f in toc_files():
        nb = (ROOT / (f + ".ipynb")).resolve()
        if nb.is_file():
            assert nb in latest, f"{f}.ipynb no quedó en el caché de ejecución"
            lines.append(f"{latest[nb]:8.1f} s  {f}.ipynb")
    report = "Tiempo de ejecución de cada cuaderno (jupyter-cache):\n" + "\n".join(lines)
    (ROOT / "_build" / "tiempos.txt").write_text(report + "\n", encoding="utf-8")
    print("\n" + report)


def _cuadernos_ejecutados() -> list[Path]:
    carpeta = ROOT / "_build" / "jupyter_execute"
    cuadernos = sorted(p for p in carpeta.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    assert cuadernos, f"no hay cuadernos ejecutados en {carpeta.relative_to(ROOT)}"
    return cuadernos


@pytest.mark.parametrize("regla, que", [
    ("valores", "valores sueltos bajo las celdas (etiqueta show-result si se quieren ver)"),
    ("rutas", "rutas de la máquina que construyó el sitio"),
    ("registros", "registros de Keras en inglés (usa verbose=0 y un resumen en español)"),
    ("errores", "errores fuera de las celdas raises-exception (sin red: utils.book.offline_note)"),
    ("numeros", "números fuera de la convención del libro"),
])
def test_executed_outputs_follow_the_rules(built_site, regla, que):
    """Normas 1–5 sobre las salidas de cada cuaderno ejecutado (``_build/jupyter_execute``),
    con la misma función (:func:`_ext.normas.problemas_salidas`) que se prueba en test_normas.py."""
    lineas = []
    for ruta in _cuadernos_ejecutados():
        nb = json.loads(ruta.read_text(encoding="utf-8"))
        nombre = ruta.relative_to(ROOT / "_build" / "jupyter_execute").as_posix()
        lineas += [f"{nombre}: {p}" for p in normas.problemas_salidas(nb, reglas=(regla,))]
    assert not lineas, f"{que}:\n" + "\n".join(lineas[:60]) + (f"\n… y {len(lineas) - 60} más" if len(lineas) > 60 else "")


def chromium() -> str:
    exe = buscar_chromium()
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium no está instalado en la CI (`.ci/run` debe instalarlo).")
        pytest.skip("Chromium no está instalado (apt-get install chromium).")
    return exe


# ---------------------------------------------------------------------------
# Navegador real: UNA sesión de Chromium (protocolo DevTools por tubería) que
# recorre TODAS las páginas del sitio servido por HTTP en 127.0.0.1, a 1280 px y
# a 390 px. Cada prueba de abajo afirma una propiedad sobre todas las páginas.
# ---------------------------------------------------------------------------

ANCHO_MOVIL = 390
# Páginas cuya captura se guarda en _build/capturas/ (para revisarlas a ojo).
CAPTURAS = ["intro", "chapters/01_neurona", "labs/lab01_regresion_logistica", "bibliografia", "glosario"]

# Textos de interfaz en inglés que no deben aparecer ni en el texto (fuera del
# código y de las salidas) ni en atributos (aria-label, title, alt, placeholder…).
ENGLISH_UI_RE = [
    r"\bSearch\b", r"\bRepository\b", r"\bOpen issue\b", r"\bOpen an issue\b", r"\bIssue on page\b",
    r"\bYour issue content\b", r"\bCopyright\b", r"\bToggle\b", r"\blogo\b", r"\bLaunch\b",
    r"\bDownload\b", r"\bLink to\b", r"\bprevious page\b", r"\bnext page\b", r"\bShow code\b",
    r"\bHide code\b", r"\bShow source\b", r"\bSuggest edit\b", r"\bEdit this page\b", r"\bBack to top\b",
    r"\bSkip to\b", r"\bContents\b", r"\bFullscreen\b", r"\bPrint to PDF\b", r"\bsource file\b",
    r"\bClick to\b", r"\bCopy to clipboard\b", r"\bCopied\b", r"\bOn this page\b", r"\bLast updated\b",
    r"\bhidden content\b", r"\bSection Navigation\b", r"\bSite navigation\b", r"\bColor mode\b",
    r"\bSystem Settings\b", r"\bSource repositor", r"\bBy the\b", r"\bClose\b",
    r"\bPage\b", r"\bShow cell\b", r"\bHide cell\b", r"\bBack to\b", r"\bprevious\b", r"\bnext\b", r"\bMain\b",
    # Traducciones defectuosas señaladas por los lectores.
    r"\bpagina\b", r"Abrir un problema",
]
PALABRAS_ES = {"de", "la", "el", "los", "las", "que", "con", "en", "una", "un", "y", "del", "por", "para",
               "se", "su", "sus", "al", "cada", "como", "entre", "sobre", "según", "frente"}
PALABRAS_EN = {"the", "of", "and", "with", "plot", "figure", "image", "showing", "shows", "logo", "versus"}


def html_pages(html: Path = HTML) -> list[str]:
    """Todas las páginas HTML del sitio (rutas relativas), salvo las plantillas de ``_static``.

    Se incluyen ``search.html`` y ``genindex.html``: también las ve un lector.
    """
    skip = {"_static", "_sources", "_images"}
    return sorted(p.relative_to(html).as_posix() for p in html.rglob("*.html")
                  if not skip & set(p.relative_to(html).parts))


def lab_pages(html: Path = HTML) -> list[str]:
    """Páginas de laboratorio: ``labs/<nombre>.html`` con su cuaderno fuente."""
    return [p for p in html_pages(html) if p.startswith("labs/") and p.count("/") == 1
            and (ROOT / p.replace(".html", ".ipynb")).is_file()]


class _Silencioso(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def served_site(built_site):
    """Sirve ``_build/html`` en 127.0.0.1 (un hilo) y devuelve la URL base."""
    handler = functools.partial(_Silencioso, directory=str(built_site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    hilo = threading.Thread(target=server.serve_forever, daemon=True)
    hilo.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


# Se ejecuta en cada página (a 1280 px): espera a las fuentes (y a MathJax, si una
# página lo cargara), despliega todo lo plegado (para medir también las soluciones)
# y devuelve lo que hay que revisar.
JS_PAGINA = r"""(async () => {
  const esperar = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 30)));
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    try { await MathJax.startup.promise; } catch (e) {}
  }
  // Las secciones lejos de la pantalla no se disponen hasta que se acercan (content-visibility:
  // auto, en curso.css): se disponen todas, para revisar la página entera.
  document.querySelectorAll('.bd-article section').forEach(s => { s.style.contentVisibility = 'visible'; });
  await esperar();
  // Las fuentes de KaTeX se piden al dibujar la primera fórmula que las usa.
  await Promise.race([document.fonts.ready, new Promise(r => setTimeout(r, 5000))]);
  // Las figuras con carga diferida (loading="lazy") se cargan ya, para revisarlas todas.
  const perezosas = [...document.images].filter(i => i.loading === 'lazy');
  perezosas.forEach(i => { i.loading = 'eager'; });
  await Promise.all(perezosas.map(i => i.complete ? null : new Promise(r => {
    i.addEventListener('load', r, {once: true}); i.addEventListener('error', r, {once: true}); setTimeout(r, 5000);
  })));
  await esperar();
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  document.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
  await esperar();
  const r = {lang: document.documentElement.lang, url: location.href};
  r.mathjax = !!(window.MathJax && MathJax.version);
  r.scripts = [...document.scripts].filter(s => !s.type || /javascript|module/.test(s.type))
      .map(s => s.src ? s.src.split('?')[0] : 'en línea: ' + s.textContent.trim().slice(0, 120));
  r.mathjax_scripts = [...document.scripts].filter(s => /mathjax|tex-(svg|chtml|mml)/i.test(s.src)).map(s => s.src);
  r.merror = document.querySelectorAll('[data-mml-node="merror"], mjx-merror').length;
  // Fórmulas: cada span.math / div.math del contenido debe traer ya el HTML de KaTeX.
  const formulas = [...document.querySelectorAll('span.math, div.math')];
  const primera = document.querySelector('.katex');
  const mathml = document.querySelector('.katex-mathml');
  r.katex = {formulas: formulas.length,
             sin_renderizar: formulas.filter(f => !f.querySelector('.katex, mjx-container'))
                                     .map(f => f.textContent.trim().slice(0, 80)),
             errores: document.querySelectorAll('.katex-error').length,
             // Cada ecuación en bloque trae su ancho natural (_ext/formulas_anchas.py): el CSS la ajusta.
             sin_ancho: [...document.querySelectorAll('.katex-display')].filter(e => !e.style.getPropertyValue('--ancho'))
                                    .map(e => e.textContent.trim().slice(0, 60)),
             hojas: [...document.styleSheets].filter(h => /katex/.test(h.href || '')).map(h => h.href),
             letra: primera ? getComputedStyle(primera).fontFamily : '',
             mathml_oculto: !mathml || getComputedStyle(mathml).position === 'absolute',
             fuentes: [...document.fonts].filter(f => /KaTeX/.test(f.family) && f.status === 'loaded')
                                          .map(f => f.family),
             fuentes_fallidas: [...document.fonts].filter(f => /KaTeX/.test(f.family) && f.status === 'error')
                                                   .map(f => f.family)};
  r.ecuaciones = [...document.querySelectorAll('mjx-container[display="true"], .katex-display')].map(c => {
    // La caja del contenido dibujado: el SVG de MathJax o el rango del HTML de KaTeX.
    let s;
    if (c.querySelector('svg')) s = c.querySelector('svg').getBoundingClientRect();
    else { const rg = document.createRange(); rg.selectNodeContents(c.querySelector('.katex-html') || c);
           s = rg.getBoundingClientRect(); }
    const box = c.getBoundingClientRect();
    const bloque = c.closest('div.math') || c.parentElement;
    const col = (c.closest('.bd-article') || c.closest('article') || document.body).getBoundingClientRect();
    const padre = c.parentElement.getBoundingClientRect();
    const num = bloque.querySelector('.eqno');
    const n = num ? num.getBoundingClientRect() : null;
    const solapa = !!(n && n.width > 0 && s.right > n.left + 1 && s.left < n.right && s.bottom > n.top && s.top < n.bottom);
    return {id: bloque.id || '', numero: num ? num.textContent.replace(/[^\d.()]/g, '') : '',
            ancho: Math.round(Math.max(s.width, c.scrollWidth)), columna: Math.round(Math.min(col.width, padre.width)),
            ancha: c.scrollWidth > c.clientWidth + 1 || s.right > col.right + 1 || s.right > padre.right + 1
                   || s.right > box.right + 1
                   || s.left < col.left - 1 || s.width > box.width + 1,
            solapa};
  });
  r.imagenes = [...document.images].map(i => ({src: i.getAttribute('src') || '', alt: i.getAttribute('alt'),
      contenido: !!i.closest('.bd-article, article'), cargada: i.complete && i.naturalWidth > 0}));
  const clon = document.body.cloneNode(true);
  // Fuera del texto revisado: código, salidas, fórmulas, términos en inglés en cursiva
  // (así los escribe el curso) y las referencias bibliográficas (títulos originales).
  clon.querySelectorAll('pre, code, script, style, .cell_output, .output, mjx-container, .math, .katex, kbd, samp, '
                        + '.highlight, em, i, cite, .citation, .citation-list').forEach(e => e.remove());
  r.texto = clon.textContent.replace(/\s+/g, ' ');
  r.atributos = [];
  const nombres = ['aria-label', 'title', 'alt', 'placeholder', 'data-tooltip', 'data-bs-original-title',
                   'data-toggle-hint', 'aria-description', 'aria-roledescription'];
  for (const el of document.querySelectorAll('*')) {
    if (el.closest('.cell_output, .output')) continue;
    for (const a of nombres) { const v = el.getAttribute(a); if (v) r.atributos.push(a + '=' + v); }
  }
  r.atributos.push('title=' + document.title);
  r.enlaces_issue = [...document.querySelectorAll('a[href*="/issues/new"]')].map(a => decodeURIComponent(a.href));
  r.marcadores = [...document.querySelectorAll('.cell')].filter(c => /(BEGIN|END) SOLUTION/.test(c.textContent)).length;
  r.colab = [...document.querySelectorAll('a[href*="colab.research.google.com"]')].map(a => ({
      href: a.href, boton: !!a.closest('.dropdown-launch-buttons, .article-header-buttons, .bd-header-article')}));
  r.soluciones = [...document.querySelectorAll('.cell.tag_solucion')].map(c => {
      const d = c.querySelector('details');
      const salidas = [...c.querySelectorAll('.cell_output')];
      return {etiqueta: d ? (d.querySelector('summary') || d).textContent.replace(/\s+/g, ' ').trim() : '',
              salida_fuera: salidas.some(o => !o.closest('details'))};
  });
  r.etiquetas_pliegue = [...document.querySelectorAll('.cell details > summary')].map(
      s => s.textContent.replace(/\s+/g, ' ').trim());
  // Normas 1, 3, 4 y 5 (_ext/normas.py, problemas_pagina): lo que queda bajo cada celda de código
  // (con sus etiquetas), el texto fuera de las celdas (con los valores de glue) y el LaTeX de cada fórmula.
  r.celdas = [...document.querySelectorAll('.cell')].map((c, i) => {
    const salidas = [...c.querySelectorAll('.cell_output')];
    const dentro = sel => salidas.flatMap(o => [...o.querySelectorAll(sel)]);
    return {i, etiquetas: [...c.classList].filter(k => k.startsWith('tag_')).map(k => k.slice(4)),
            sueltos: dentro('.output.text_plain').map(o => o.textContent.trim().slice(0, 120)),
            trazas: dentro('.output.traceback, [class*="ipythontb"]').length,
            registros: dentro('.output.stderr').length,
            texto: salidas.map(o => o.textContent).join('\n').slice(0, 50000)};
  }).filter(c => c.sueltos.length || c.trazas || c.registros || c.texto.trim());
  const prosa = (document.querySelector('.bd-article') || document.body).cloneNode(true);
  prosa.querySelectorAll('pre, code, script, style, .cell, .math, .katex, mjx-container, kbd, samp, .highlight, '
                         + 'a.reference.external').forEach(e => e.remove());
  r.prosa = prosa.textContent.replace(/[ \t\r\n]+/g, ' ');   // sin \s: el espacio U+00A0 se conserva
  r.tex = [...document.querySelectorAll('annotation[encoding="application/x-tex"]')].map(a => a.textContent);
  return JSON.stringify(r);
})()"""

# Busca, en el contenido, lo que queda cortado sin poder desplazarse (un ancestro
# con overflow hidden/clip lo recorta, o se sale de la pantalla) y lo que obliga
# a desplazarse de lado (código, tablas y ecuaciones; las salidas de celdas con
# tablas de datos anchas sí pueden desplazarse).
JS_RECORTES = r"""(async () => {
  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 60)));
  const vw = document.documentElement.clientWidth;
  const raiz = document.querySelector('.bd-article') || document.querySelector('.bd-content')
             || document.querySelector('main') || document.body;
  const cache = new Map();
  const ox = el => { if (!cache.has(el)) cache.set(el, getComputedStyle(el).overflowX); return cache.get(el); };
  const describe = el => {
    const t = (el.textContent || el.getAttribute('alt') || '').replace(/\s+/g, ' ').trim().slice(0, 70);
    return el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '') + ' «' + t + '»';
  };
  const recortados = [], desplazables = [];
  for (const el of raiz.querySelectorAll('*')) {
    if (el.closest('svg') && el.tagName.toLowerCase() !== 'svg') continue;
    if (el.closest('mjx-assistive-mml, .katex-mathml')) continue;  // MathML para lectores de pantalla, oculto a la vista
    if (el.closest('.bd-sidebar-primary, .bd-sidebar-secondary, dialog')) continue;  // cajones fuera de pantalla
    const rc = el.getBoundingClientRect();
    if (rc.width <= 1 || rc.height <= 1) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || cs.position === 'fixed' || cs.clip !== 'auto' || cs.clipPath !== 'none') continue;
    let recortado = null, desplazable = false;
    for (let a = el.parentElement; a && a !== document.documentElement; a = a.parentElement) {
      const o = ox(a);
      if (o === 'auto' || o === 'scroll') { desplazable = true; break; }
      if (o === 'hidden' || o === 'clip') {
        const ar = a.getBoundingClientRect();
        if (rc.right > ar.right + 1 || rc.left < ar.left - 1) recortado = a;
        break;
      }
    }
    if (recortado) recortados.push(describe(el) + ' recortado por ' + describe(recortado).slice(0, 60));
    else if (!desplazable && (rc.right > vw + 1 || rc.left < -1)) recortados.push(describe(el) + ' se sale de la pantalla');
    const o = ox(el);
    if ((o === 'auto' || o === 'scroll') && el.scrollWidth > el.clientWidth + 1 && !el.closest('.cell_output, .output')) {
      desplazables.push(describe(el));
    }
  }
  return JSON.stringify({ancho: vw, recortados, desplazables, documento: document.documentElement.scrollWidth});
})()"""


@pytest.fixture(scope="session")
def browser_visit(built_site, served_site, tmp_path_factory):
    """Recorre todas las páginas en una sola sesión de Chromium (ver :func:`recorrer_sitio`)."""
    return recorrer_sitio(chromium(), built_site, served_site, tmp_path_factory.mktemp("chromium") / "perfil")


def recorrer_sitio(exe: str, html: Path, base_url: str, perfil: Path) -> dict:
    """Recorre todas las páginas de ``html`` (servidas en ``base_url``) y devuelve lo observado.

    Devuelve ``{página: {...}}`` con las excepciones, errores de consola,
    peticiones fallidas, peticiones a otros servidores, la medición de la página
    a 1280 px (``JS_PAGINA``) y la de recortes a 1280 y 390 px (``JS_RECORTES``).
    Guarda capturas en ``_build/capturas/`` y los tiempos en ``_build/navegador.txt``.
    """
    inicio = time.monotonic()
    nav = Navegador(exe, perfil)
    local = urllib.parse.urlsplit(base_url).netloc
    shots = ROOT / "_build" / "capturas"
    shots.mkdir(parents=True, exist_ok=True)
    resultados, tiempos = {}, []
    try:
        nav.abrir_pestana(ANCHO_ESCRITORIO, 900)
        for rel in html_pages(html):
            t0 = time.monotonic()
            eventos = nav.visitar(base_url + rel)
            datos = nav.evaluar(JS_PAGINA)
            datos["recortes_1280"] = nav.evaluar(JS_RECORTES)
            nombre = rel.removesuffix(".html")
            if nombre in CAPTURAS:
                nav.captura(shots / f"{nombre.replace('/', '_')}_1280.png", ANCHO_ESCRITORIO)
                nav.tamano(ANCHO_ESCRITORIO, 900)
            nav.tamano(ANCHO_MOVIL, 844)
            datos["recortes_390"] = nav.evaluar(JS_RECORTES)
            if nombre in CAPTURAS:
                nav.captura(shots / f"{nombre.replace('/', '_')}_390.png", ANCHO_MOVIL, alto_max=4000)
            nav.tamano(ANCHO_ESCRITORIO, 900)
            nav.bombear(0.05)
            eventos = eventos + nav.eventos[len(eventos):]
            errores, fallidas, externas = [], [], []
            urls = {}
            for ev in eventos:
                m, p = ev.get("method"), ev.get("params", {})
                if m == "Runtime.exceptionThrown":
                    d = p["exceptionDetails"]
                    errores.append((d.get("exception", {}).get("description") or d.get("text", "")).split("\n")[0])
                elif m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                    errores.append("console.error: " + " ".join(str(a.get("value", a.get("description", "")))
                                                               for a in p.get("args", [])))
                elif m == "Log.entryAdded" and p["entry"].get("level") == "error":
                    errores.append("log: " + p["entry"].get("text", "") + " " + p["entry"].get("url", ""))
                elif m == "Network.requestWillBeSent":
                    url = p["request"]["url"]
                    urls[p["requestId"]] = url
                    partes = urllib.parse.urlsplit(url)
                    if partes.scheme not in ("data", "blob", "about") and partes.netloc != local:
                        externas.append(url)
                elif m == "Network.responseReceived" and p["response"]["status"] >= 400:
                    fallidas.append(f"{p['response']['status']} {p['response']['url']}")
                elif m == "Network.loadingFailed":
                    fallidas.append(f"{p.get('errorText')} {urls.get(p['requestId'], p['requestId'])}")
            datos.update(errores=errores, fallidas=fallidas, externas=externas)
            resultados[rel] = datos
            tiempos.append(f"{time.monotonic() - t0:6.2f} s  {rel}")
    finally:
        nav.cerrar()
    duracion = time.monotonic() - inicio
    (ROOT / "_build" / "navegador.txt").write_text(
        f"Chromium recorrió {len(resultados)} páginas (1280 y 390 px) en {duracion:.1f} s\n"
        + "\n".join(tiempos) + "\n", encoding="utf-8")
    print(f"\nChromium recorrió {len(resultados)} páginas en {duracion:.1f} s")
    return resultados


def _fallos(resultados: dict, clave) -> str:
    lineas = [f"{pagina}: {x}" for pagina, datos in resultados.items() for x in clave(datos)]
    return "\n".join(lineas[:60]) + (f"\n… y {len(lineas) - 60} más" if len(lineas) > 60 else "")


def test_browser_visits_every_page(browser_visit):
    esperadas = set(html_pages())
    assert set(browser_visit) == esperadas
    for f in toc_files():
        assert f + ".html" in browser_visit, f"el navegador no visitó {f}"
    assert all(d["lang"] == "es" for d in browser_visit.values()), "alguna página no declara lang=es"


def test_no_javascript_errors(browser_visit):
    """Ninguna excepción de JavaScript ni error de consola en ninguna página."""
    problemas = _fallos(browser_visit, lambda d: d["errores"])
    assert not problemas, "errores de JavaScript o de consola:\n" + problemas


def test_no_failed_or_external_requests(browser_visit):
    """Todo se sirve desde el propio sitio (funciona sin Internet) y nada da 404."""
    externas = _fallos(browser_visit, lambda d: d["externas"])
    assert not externas, "peticiones a otros servidores (el sitio debe funcionar sin Internet):\n" + externas
    fallidas = _fallos(browser_visit, lambda d: d["fallidas"])
    assert not fallidas, "peticiones fallidas:\n" + fallidas


def test_no_duplicate_scripts(browser_visit):
    """Cada script (archivo o código en línea) se incluye una sola vez en cada página."""
    def repetidos(d):
        vistos = {}
        for s in d["scripts"]:
            vistos[s] = vistos.get(s, 0) + 1
        return [f"{n} veces: {s[:100]}" for s, n in vistos.items() if n > 1]
    problemas = _fallos(browser_visit, repetidos)
    assert not problemas, "scripts incluidos más de una vez:\n" + problemas


def test_math_prerendered_on_every_page(browser_visit):
    """Cada fórmula de cada página llega ya renderizada con KaTeX, sin errores, con su hoja de
    estilo y sus fuentes cargadas desde el propio sitio, y sin cargar MathJax ni otro JavaScript
    de matemáticas (la construcción con ``-W`` falla si KaTeX no entiende una fórmula)."""
    def problemas(d):
        k, out = d["katex"], []
        if d["mathjax_scripts"] or d["mathjax"]:
            out.append(f"carga MathJax ({d['mathjax_scripts']}): alguna fórmula no se pudo pre-renderizar")
        out += [f"fórmula sin renderizar: «{t}»" for t in k["sin_renderizar"]]
        out += [f"ecuación en bloque sin su ancho medido (--ancho): «{t}»" for t in k["sin_ancho"]]
        if k["errores"] or d["merror"]:
            out.append(f"{k['errores'] + d['merror']} fórmulas con error")
        if k["formulas"]:
            if not any(urllib.parse.urlsplit(h).netloc.startswith("127.0.0.1") for h in k["hojas"]):
                out.append("sin la hoja de estilo de KaTeX del propio sitio")
            if "KaTeX_Main" not in k["letra"]:
                out.append(f"las fórmulas no usan la letra de KaTeX: {k['letra']!r}")
            if not k["mathml_oculto"]:
                out.append("el MathML para lectores de pantalla queda a la vista")
            if not k["fuentes"] or k["fuentes_fallidas"]:
                out.append(f"fuentes de KaTeX: cargadas {k['fuentes']}, fallidas {k['fuentes_fallidas']}")
        return out
    informe = _fallos(browser_visit, problemas)
    assert not informe, "fórmulas mal renderizadas:\n" + informe
    for f in toc_files():
        if f.startswith("chapters/"):
            d = browser_visit[f + ".html"]
            assert d["katex"]["formulas"] >= 5 and len(d["ecuaciones"]) >= 1, \
                f"{f}: el capítulo debería tener fórmulas renderizadas con KaTeX"


def test_pages_are_light(built_site):
    """Sin fontawesome.js ni iconos por renderizar, ningún script externo que bloquee el dibujo,
    el índice de búsqueda solo en search.html, figuras con tamaño y carga diferida y las hojas
    del tema recortadas, sin @import en cadena."""
    problemas = []
    for rel in html_pages():
        html = (HTML / rel).read_text(encoding="utf-8")
        cabecera = html.split("</head>")[0]
        if "fontawesome" in html or re.search(r'<i class="[^"]*\bfa-', html):
            problemas.append(f"{rel}: usa Font Awesome por JavaScript")
        for etiqueta in re.findall(r"<script\b[^>]*\ssrc=[^>]*>", cabecera):
            if not re.search(r"\s(defer|async)\b", etiqueta):
                problemas.append(f"{rel}: script que bloquea el dibujo: {etiqueta[:100]}")
        if "styles/theme.css" in cabecera:
            problemas.append(f"{rel}: enlaza theme.css (un @import más antes de dibujar)")
        if rel != "search.html" and "searchindex.js" in html:
            problemas.append(f"{rel}: carga el índice de búsqueda")
        if re.search(r'<script[^>]*src="[^"]*(tex-svg|tex-chtml|katex\.min)\.js', html):
            problemas.append(f"{rel}: carga JavaScript de matemáticas")
        figuras = [i for i in re.findall(r"<img\s[^>]*>", html) if "_images/" in i]
        for i, img in enumerate(figuras):
            if not re.search(r'\swidth="\d+"', img) or not re.search(r'\sheight="\d+"', img):
                problemas.append(f"{rel}: figura sin width/height: {img[:100]}")
            if i > 0 and 'loading="lazy"' not in img:
                problemas.append(f"{rel}: figura sin carga diferida: {img[:100]}")
    for hoja in ("styles/pydata-sphinx-theme.css", "sphinx-design.min.css"):
        if not (HTML / "_static" / hoja).read_text(encoding="utf-8").startswith("/* Recortada"):
            problemas.append(f"_static/{hoja}: sin recortar a las reglas que usa el sitio")
    assert not problemas, "páginas pesadas:\n" + "\n".join(problemas[:40])


def test_display_equations_fit_their_column(browser_visit):
    """A 1280 px ninguna ecuación en bloque es más ancha que su columna ni tapa su número."""
    def anchas(d):
        return [f"ecuación {e['numero'] or e['id'] or '(sin número)'}: {e['ancho']} px en una columna de "
                f"{e['columna']} px" + (" y tapa su número" if e["solapa"] else "")
                for e in d["ecuaciones"] if e["ancha"] or e["solapa"]]
    problemas = _fallos(browser_visit, anchas)
    assert not problemas, "ecuaciones recortadas a 1280 px (pártelas con aligned):\n" + problemas


def _alt_problema(img: dict) -> str | None:
    alt = (img["alt"] or "").strip()
    if not alt:
        return "sin texto alternativo"
    if re.fullmatch(r"\S*[/\\]\S*", alt) or re.search(r"\.(png|jpe?g|svg|gif|webp)\b|_images", alt, re.I):
        return f"el texto alternativo es una ruta: {alt!r}"
    palabras = re.findall(r"[a-záéíóúüñ]+", alt.lower())
    if PALABRAS_EN & set(palabras):
        return f"texto alternativo en inglés: {alt!r}"
    if len(palabras) < 4 or not (PALABRAS_ES & set(palabras) or re.search(r"[áéíóúñ]", alt.lower())):
        return f"texto alternativo que no describe en español lo que muestra: {alt!r}"
    return None


def test_content_images_have_spanish_alt_text(browser_visit):
    def malas(d):
        out = []
        for img in d["imagenes"]:
            if img["contenido"] and not img["src"].startswith("data:") or "_images/" in img["src"]:
                problema = _alt_problema(img)
                if problema:
                    out.append(f"{img['src'][:60]}: {problema}")
            if not img["cargada"]:
                out.append(f"{img['src'][:60]}: imagen rota")
        return out
    problemas = _fallos(browser_visit, malas)
    assert not problemas, "figuras sin texto alternativo en español:\n" + problemas


def test_no_english_ui(browser_visit):
    """Ni en el texto visible ni en aria-label, title, alt o placeholder, ni en el issue precargado."""
    def ingles(d):
        out = []
        for patron in ENGLISH_UI_RE:
            if m := re.search(patron, d["texto"]):
                i = m.start()
                out.append(f"texto {m.group(0)!r} en «…{d['texto'][max(0, i - 40):i + 40]}…»")
            out += [f"atributo {a[:90]!r}" for a in d["atributos"] if re.search(patron, a)]
            out += [f"issue precargado {u[-90:]!r}" for u in d["enlaces_issue"] if re.search(patron, u)]
        return sorted(set(out))
    problemas = _fallos(browser_visit, ingles)
    assert not problemas, "textos de interfaz en inglés o mal traducidos:\n" + problemas


def test_no_solution_markers(browser_visit):
    """Ninguna celda de cuaderno muestra ``### BEGIN/END SOLUTION`` (el cuaderno fuente los conserva).

    Se revisan las celdas (``.cell``) de todas las páginas: la guía docente puede
    nombrar los marcadores en su prosa para explicar cómo se escribe un laboratorio.
    """
    problemas = _fallos(browser_visit, lambda d: [f"{d['marcadores']} celdas muestran BEGIN/END SOLUTION"]
                        * bool(d["marcadores"]))
    assert not problemas, "marcadores de solución a la vista:\n" + problemas
    for rel in html_pages():
        for linea in (HTML / rel).read_text(encoding="utf-8").splitlines():
            assert not re.fullmatch(r"(<[^>]+>)*\s*### (BEGIN|END) SOLUTION\s*(<[^>]+>)*", linea), rel


@pytest.mark.parametrize("regla, que", [
    ("valores", "valores sueltos bajo las celdas (norma 1)"),
    ("registros", "registros de bibliotecas en inglés (norma 3)"),
    ("errores", "trazas de error a la vista (norma 4)"),
    ("numeros", "números fuera de la convención en el texto o las fórmulas (norma 5)"),
])
def test_reader_sees_no_stray_values_logs_or_tracebacks(browser_visit, regla, que):
    """En TODAS las páginas: nada suelto bajo una celda sin ``show-result``, ningún registro de
    Keras, ninguna traza salvo en las celdas ``raises-exception`` (la nota «Sin conexión» de
    ``offline_note`` sí puede estar) y la convención numérica en el texto y en las fórmulas."""
    # La bibliografía cita volúmenes y páginas tal como los publica cada editorial (12346, 11976–11986):
    # son identificadores, no cantidades, y no se agrupan.
    visitadas = {p: d for p, d in browser_visit.items() if not (regla == "numeros" and p == "bibliografia.html")}
    problemas = _fallos(visitadas, lambda d: normas.problemas_pagina(d, reglas=(regla,)))
    assert not problemas, f"{que}:\n" + problemas


PAGINA_SINTETICA = """<!DOCTYPE html><html lang="es"><head><meta charset="utf-8"></head><body>
<article class="bd-article"><section><h1>Prueba</h1>
<p>Con 10000 imágenes llega al 98.3% y el glue da <span class="output text_plain">0,93</span>.</p>
<span class="math notranslate nohighlight"><span class="katex"><span class="katex-mathml"><math><semantics><mrow></mrow>
<annotation encoding="application/x-tex">10{,}07 - 6.67 = 3\\%</annotation></semantics></math></span></span></span>
<div class="cell docutils container"><div class="cell_output docutils container">
<div class="output text_plain highlight-myst-ansi notranslate"><pre>'Sin conexión…'</pre></div></div></div>
<div class="cell docutils container tag_show-result"><div class="cell_output docutils container">
<div class="output text_plain highlight-myst-ansi notranslate"><pre>tabla</pre></div></div></div>
<div class="cell docutils container"><div class="cell_output docutils container">
<div class="output stream highlight-myst-ansi notranslate"><pre>Epoch 1/4\n469/469 ━━━━ 3s 6ms/step - loss: 0.45 - accuracy: 0.84</pre></div></div></div>
<div class="cell docutils container"><div class="cell_output docutils container">
<div class="output traceback highlight-ipythontb notranslate"><pre>DatasetUnavailable Traceback (most recent call last)</pre></div></div></div>
<div class="cell docutils container tag_raises-exception"><div class="cell_output docutils container">
<div class="output traceback highlight-ipythontb notranslate"><pre>TypeError Traceback (most recent call last)</pre></div></div></div>
<div class="cell docutils container"><div class="cell_output docutils container"><div class="output text_html">
<div class="admonition note sin-conexion"><p class="admonition-title">Sin conexión</p><p>Esta celda entrena…</p></div>
</div></div></div>
</section></article></body></html>"""


def test_page_script_sees_each_violation(tmp_path):
    """El mismo JS_PAGINA que recorre el sitio, sobre una página sintética con una falta de
    cada clase: ``problemas_pagina`` debe encontrarlas todas (y no quejarse de lo permitido)."""
    (tmp_path / "p.html").write_text(PAGINA_SINTETICA, encoding="utf-8")
    nav = Navegador(chromium(), tmp_path / "perfil")
    try:
        nav.abrir_pestana(ANCHO_ESCRITORIO, 900)
        nav.visitar((tmp_path / "p.html").as_uri())
        datos = nav.evaluar(JS_PAGINA)
    finally:
        nav.cerrar()
    valores = normas.problemas_pagina(datos, reglas=("valores",))
    assert len(valores) == 1 and "Sin conexión" in valores[0], valores
    assert normas.problemas_pagina(datos, reglas=("registros",)), "no vio el registro de Keras"
    errores = normas.problemas_pagina(datos, reglas=("errores",))
    assert len(errores) == 1 and errores[0].startswith("celda 3"), errores
    numeros = "\n".join(normas.problemas_pagina(datos, reglas=("numeros",)))
    for falta in ("10000", "98.3%", "0,93", "10{,}07", "sin \\,"):
        assert falta in numeros, f"no vio «{falta}» en:\n{numeros}"


def test_lab_launch_button_opens_student_copy(browser_visit):
    labs = lab_pages()
    assert labs, "no hay páginas de laboratorio"
    for rel in labs:
        student = notebooks.colab_link(f"labs/{notebooks.STUDENT_DIR}/{Path(rel).stem}.ipynb")
        enlaces = browser_visit[rel]["colab"]
        assert any(e["boton"] for e in enlaces), f"{rel}: falta el botón de Colab"
        for e in enlaces:
            assert e["href"] == student, f"{rel}: el enlace a Colab abre {e['href']}, no la versión del estudiante"
    for f in toc_files():
        if f.startswith("chapters/"):
            enlaces = browser_visit[f + ".html"]["colab"]
            assert enlaces and all(e["href"] == notebooks.colab_link(f + ".ipynb") for e in enlaces if e["boton"])


def test_lab_solutions_folded_with_their_output(browser_visit):
    """Cada solución, con su salida, va plegada bajo «Mostrar solución»."""
    for rel in lab_pages():
        nb = notebooks.load(ROOT / rel.replace(".html", ".ipynb"))
        n = sum(notebooks.is_solution_cell(c) for c in nb["cells"])
        soluciones = browser_visit[rel]["soluciones"]
        assert len(soluciones) == n, f"{rel}: {len(soluciones)} soluciones plegadas de {n}"
        for s in soluciones:
            assert s["etiqueta"].startswith("Mostrar solución"), f"{rel}: la solución se pliega bajo {s['etiqueta']!r}"
            assert not s["salida_fuera"], f"{rel}: la salida de una solución queda a la vista"


def test_nothing_clipped_desktop_and_mobile(browser_visit):
    """A 1280 y a 390 px nada queda cortado sin poder desplazarse, y el código, las tablas
    y las ecuaciones caben en su columna (solo las salidas de celdas pueden desplazarse)."""
    informe = []
    for ancho in ("1280", "390"):
        def problemas(d, ancho=ancho):
            r = d[f"recortes_{ancho}"]
            out = [f"{ancho} px, cortado: {x}" for x in r["recortados"]]
            out += [f"{ancho} px, obliga a desplazarse de lado: {x}" for x in r["desplazables"]]
            if r["documento"] > int(ancho) + 1:
                out.append(f"{ancho} px: la página mide {r['documento']} px de ancho")
            return out
        if texto := _fallos(browser_visit, problemas):
            informe.append(texto)
    assert not informe, "contenido cortado o que no cabe:\n" + "\n".join(informe)


def test_chapter_figures_and_screenshots(browser_visit):
    for f in toc_files():
        if f.startswith("chapters/"):
            figuras = [i for i in browser_visit[f + ".html"]["imagenes"] if "_images/" in i["src"]]
            assert figuras and all(i["cargada"] for i in figuras), f"{f}: figuras ausentes o rotas"
    for nombre in CAPTURAS:
        for ancho in (ANCHO_ESCRITORIO, ANCHO_MOVIL):
            shot = ROOT / "_build" / "capturas" / f"{nombre.replace('/', '_')}_{ancho}.png"
            assert shot.is_file() and shot.stat().st_size > 10_000, f"falta la captura {shot.name}"
