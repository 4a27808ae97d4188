"""El libro entero en PDF (`make pdf`): existe, tiene todos los capítulos y LaTeX no dio errores.

Se construye con el constructor LaTeX de Jupyter Book y XeLaTeX (TeX Live de Debian:
``texlive-xetex texlive-lang-spanish texlive-latex-extra texlive-fonts-recommended
fonts-freefont-otf fonts-dejavu-core latexmk``). Usa el caché de ejecución del sitio, así que después
de ``make book`` (tests/test_book.py corre antes) no ejecuta ningún cuaderno. El PDF
se copia a ``_build/html/`` para que el sitio lo ofrezca («Descargar el libro en PDF»).
"""

import os
import re
import shutil
import subprocess
import time

import pytest
import yaml

from utils import notebooks

ROOT = notebooks.ROOT
LATEX = ROOT / "_build" / "latex"
NOMBRE = "aprendizaje-profundo"


def _titulo(ruta) -> str:
    """Primer título «# …» de un capítulo (cuaderno o markdown)."""
    if ruta.suffix == ".ipynb":
        import json

        celdas = json.loads(ruta.read_text(encoding="utf-8"))["cells"]
        texto = "\n".join("".join(c["source"]) for c in celdas if c["cell_type"] == "markdown")
    else:
        texto = ruta.read_text(encoding="utf-8")
    return re.search(r"^# (.+)$", texto, re.M).group(1).strip()


@pytest.fixture(scope="module")
def pdf():
    if not shutil.which("xelatex") or not shutil.which("latexmk"):
        if os.environ.get("CI"):
            pytest.fail("falta TeX Live (xelatex, latexmk): .ci/run lo instala")
        pytest.skip("sin xelatex/latexmk: instala TeX Live (ver README) para construir el PDF")
    inicio = time.monotonic()
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    proc = subprocess.run(["make", "--no-print-directory", "pdf"], cwd=ROOT, env=env, capture_output=True, text=True)
    segundos = time.monotonic() - inicio
    (ROOT / "_build").mkdir(exist_ok=True)
    (ROOT / "_build" / "pdf.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    assert proc.returncode == 0, "make pdf falló:\n" + (proc.stdout + proc.stderr)[-5000:]
    archivo = LATEX / f"{NOMBRE}.pdf"
    assert archivo.is_file(), "make pdf no produjo el PDF"
    if (ROOT / "_build" / "html").is_dir():
        shutil.copy2(archivo, ROOT / "_build" / "html" / f"{NOMBRE}.pdf")
    resumen = f"PDF: {archivo.stat().st_size / 2**20:.1f} MiB, construido en {segundos:.0f} s"
    (ROOT / "_build" / "pdf.txt").write_text(resumen + "\n", encoding="utf-8")
    print("\n" + resumen)
    return archivo


def test_latex_sin_errores(pdf):
    log = (LATEX / f"{NOMBRE}.log").read_text(encoding="utf-8", errors="replace")
    errores = [l for l in log.splitlines() if l.startswith("! ")]
    assert not errores, "LaTeX informó errores:\n" + "\n".join(errores[:20])
    assert "Missing character" not in log, "faltan glifos en la fuente del PDF"
    assert log.startswith("This is XeTeX"), "el PDF debe construirse con XeLaTeX (Unicode)"


def test_pdf_tiene_todos_los_capitulos(pdf):
    if not shutil.which("pdftotext"):
        pytest.skip("sin pdftotext (poppler-utils)")
    texto = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    texto = re.sub(r"\s+", " ", texto)
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    capitulos = [c["file"] for p in toc["parts"] for c in p["chapters"]]
    faltan = []
    for f in capitulos:
        ruta = next(ROOT.glob(f + ".*"))
        titulo = re.sub(r"\s+", " ", re.sub(r"[*`_]", "", _titulo(ruta)))
        if titulo not in texto:
            faltan.append(titulo)
    assert not faltan, f"el PDF no tiene estos capítulos: {faltan}"
    primero = re.sub(r"[*`_]", "", _titulo(next(ROOT.glob(capitulos[0] + ".*"))))
    assert re.search(r"\b1 " + re.escape(primero) + r" \d+ ", texto), "el PDF no abre con su índice general"


def test_pdf_en_el_sitio(pdf):
    copia = ROOT / "_build" / "html" / f"{NOMBRE}.pdf"
    assert copia.is_file() and copia.stat().st_size == pdf.stat().st_size
    intro = (ROOT / "_build" / "html" / "intro.html").read_text(encoding="utf-8")
    assert f'href="{NOMBRE}.pdf"' in intro, "la portada debe enlazar el PDF"
