"""Construye el libro (avisos = errores) y lo abre en Chromium sin interfaz.

La construcción es la misma orden que ``make book``. Después se comprueba el
HTML generado y, con Chromium, lo que ve un lector: matemáticas renderizadas por
MathJax, figuras, botón de Colab con la URL correcta, enlace a la versión del
estudiante en cada laboratorio e interfaz en español. Se guarda una captura de
pantalla en ``_build/capturas/``.
"""

import os
import re
import shutil
import subprocess
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

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
    for f in toc_files():
        if (ROOT / (f + ".ipynb")).is_file():
            html = page(f).read_text(encoding="utf-8")
            assert f'href="{notebooks.colab_link(f + ".ipynb")}"' in html, f"{f}: botón de Colab ausente o incorrecto"


def test_lab_pages_link_their_student_notebook(built_site):
    labs = [f for f in toc_files() if f.startswith("labs/")]
    assert labs
    for f in labs:
        student = f"labs/{notebooks.STUDENT_DIR}/{Path(f).name}.ipynb"
        assert (ROOT / student).is_file()
        html = page(f).read_text(encoding="utf-8")
        assert notebooks.colab_link(student) in html, f"{f}: no enlaza la versión del estudiante"
        assert "tag_hide-input" in html, f"{f}: las soluciones deberían estar plegadas"


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


# ---------------------------------------------------------------------------
# Navegador real
# ---------------------------------------------------------------------------

def chromium() -> str:
    exe = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium no está instalado en la CI (`.ci/run` debe instalarlo).")
        pytest.skip("Chromium no está instalado (apt-get install chromium).")
    return exe


def run_chromium(exe, tmp_path, *args):
    cmd = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           f"--user-data-dir={tmp_path / 'perfil'}", "--virtual-time-budget=15000", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.imgs = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "img":
            self.imgs.append(dict(attrs))


def test_chapter_renders_in_browser(built_site, tmp_path):
    exe = chromium()
    chapter = next(f for f in toc_files() if f.startswith("chapters/"))
    url = page(chapter).as_uri()
    dom = run_chromium(exe, tmp_path, "--dump-dom", url).stdout
    parsed = _Collector()
    parsed.feed(dom)
    assert parsed.tags.count("mjx-container") > 5, "MathJax no renderizó las ecuaciones"
    assert "MathJax" in dom, "MathJax no se cargó"
    assert not re.search(r'<g[^>]*data-mml-node="merror"', dom), "MathJax encontró errores al renderizar"
    figures = [i for i in parsed.imgs if "_images/" in i.get("src", "")]
    assert figures, "no hay figuras"
    for img in figures:
        assert (page(chapter).parent / img["src"]).resolve().is_file(), f"figura rota: {img['src']}"
    assert notebooks.colab_link(chapter + ".ipynb") in dom
    assert "Abrir en Colab" in dom
    shots = ROOT / "_build" / "capturas"
    shots.mkdir(parents=True, exist_ok=True)
    shot = shots / "capitulo.png"
    run_chromium(exe, tmp_path, f"--screenshot={shot}", "--window-size=1280,1800", url)
    assert shot.is_file() and shot.stat().st_size > 10_000


def test_lab_renders_in_browser(built_site, tmp_path):
    exe = chromium()
    lab = next(f for f in toc_files() if f.startswith("labs/"))
    dom = run_chromium(exe, tmp_path, "--dump-dom", page(lab).as_uri()).stdout
    student = notebooks.colab_link(f"labs/{notebooks.STUDENT_DIR}/{Path(lab).name}.ipynb")
    assert f'href="{student}"' in dom
    assert "versión del estudiante" in dom
    assert 'lang="es"' in dom and "Buscar" in dom
    shot = ROOT / "_build" / "capturas" / "laboratorio.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    run_chromium(exe, tmp_path, f"--screenshot={shot}", "--window-size=1280,1800", page(lab).as_uri())
    assert shot.is_file()
