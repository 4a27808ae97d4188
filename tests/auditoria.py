"""Auditoría de velocidad del sitio con Lighthouse: ¿carga rápido en un teléfono con mala conexión?

Uso (desde la raíz del repositorio, con el libro ya construido por ``make book``)::

    make auditoria                                  # instala Lighthouse si hace falta y audita todo
    .venv/bin/python tests/auditoria.py             # lo mismo, si Lighthouse ya está instalado
    .venv/bin/python tests/auditoria.py chapters/01_neurona.html   # solo esas páginas
    .venv/bin/python tests/auditoria.py --repeticiones 3           # mediana de 3 pasadas por página

Sirve ``_build/html`` comprimido con gzip en 127.0.0.1 (como un alojamiento
estático real), pasa Lighthouse 12 con el Chromium de Debian por CADA página,
con el perfil móvil por defecto (4G lenta simulada y un teléfono de gama media), e
imprime una tabla: página, rendimiento, accesibilidad, buenas prácticas, primer
dibujo con contenido (FCP), mayor dibujo con contenido (LCP), tiempo de bloqueo
total (TBT) y bytes transferidos. Debajo, lo que Lighthouse señala en
accesibilidad y buenas prácticas. Los informes JSON quedan en ``_build/auditoria/``.

No es una prueba de pytest ni una puerta de la CI: tarda unos 20 s por página y
sus números dependen de la carga de la máquina. Es la herramienta para medir.

Lighthouse se instala en ``.herramientas/`` (ignorada por git) con la versión fija
del ``Makefile``; el navegador es ``/usr/bin/chromium`` (``apt-get install chromium``)
o el que indique ``CHROME_PATH``.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import mimetypes
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

RAIZ = Path(__file__).resolve().parents[1]
LIGHTHOUSE = RAIZ / ".herramientas" / "node_modules" / "lighthouse" / "cli" / "index.js"
BANDERAS_CHROMIUM = ("--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
                     "--disable-background-networking --disable-component-update --disable-sync")
COMPRIMIBLES = ("text/", "application/javascript", "application/json", "image/svg+xml", "application/xml")
CATEGORIAS = ("performance", "accessibility", "best-practices")


class ServidorGzip(SimpleHTTPRequestHandler):
    """Sirve archivos estáticos; comprime con gzip el texto si el navegador lo acepta."""

    _cache: dict = {}

    def log_message(self, *args):
        pass

    def _enviar(self, cuerpo_tambien: bool):
        ruta = Path(self.translate_path(self.path))
        if ruta.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                self.send_response(301)
                self.send_header("Location", self.path.split("?")[0] + "/")
                self.end_headers()
                return
            ruta = ruta / "index.html"
        if not ruta.is_file():
            self.send_error(404, "No existe")
            return
        tipo = mimetypes.guess_type(ruta.name)[0] or "application/octet-stream"
        datos = ruta.read_bytes()
        comprimir = tipo.startswith(COMPRIMIBLES) and "gzip" in self.headers.get("Accept-Encoding", "")
        if comprimir:
            clave = (ruta, ruta.stat().st_mtime_ns)
            if clave not in self._cache:
                self._cache[clave] = gzip.compress(datos, compresslevel=6)
            datos = self._cache[clave]
        self.send_response(200)
        self.send_header("Content-Type", tipo + ("; charset=utf-8" if tipo.startswith("text/") else ""))
        self.send_header("Content-Length", str(len(datos)))
        self.send_header("Cache-Control", "max-age=600")
        if comprimir:
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Vary", "Accept-Encoding")
        self.end_headers()
        if cuerpo_tambien:
            self.wfile.write(datos)

    def do_GET(self):  # noqa: N802
        self._enviar(True)

    def do_HEAD(self):  # noqa: N802
        self._enviar(False)


def servir(html: Path) -> tuple[ThreadingHTTPServer, str]:
    """Arranca el servidor en 127.0.0.1 (puerto libre) y devuelve ``(servidor, url_base)``."""
    servidor = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(ServidorGzip, directory=str(html)))
    threading.Thread(target=servidor.serve_forever, daemon=True).start()
    return servidor, f"http://127.0.0.1:{servidor.server_address[1]}/"


def paginas(html: Path) -> list[str]:
    """Todas las páginas HTML del sitio, salvo las de ``_static`` y las que solo redirigen."""
    salto = {"_static", "_sources", "_images"}
    out = []
    for p in sorted(html.rglob("*.html")):
        rel = p.relative_to(html)
        if salto & set(rel.parts):
            continue
        if 'http-equiv="Refresh"' in p.read_text(encoding="utf-8", errors="ignore")[:600].replace("refresh", "Refresh"):
            continue  # index.html: solo redirige a la portada
        out.append(rel.as_posix())
    return out


def auditar(url: str, destino: Path, chrome: str) -> dict:
    """Pasa Lighthouse (perfil móvil por defecto) por ``url``; devuelve el informe JSON."""
    orden = ["node", str(LIGHTHOUSE), url, "--output=json", f"--output-path={destino}", "--quiet",
             f"--chrome-flags={BANDERAS_CHROMIUM}", "--only-categories=" + ",".join(CATEGORIAS)]
    env = dict(os.environ, CHROME_PATH=chrome)
    proc = subprocess.run(orden, env=env, capture_output=True, text=True, timeout=300)
    if proc.returncode != 0 or not destino.is_file():
        raise RuntimeError(f"Lighthouse falló en {url}:\n{proc.stderr[-2000:]}")
    return json.loads(destino.read_text(encoding="utf-8"))


def resumen(informe: dict) -> dict:
    cat, aud = informe["categories"], informe["audits"]
    puntos = {c: round(100 * (cat[c]["score"] or 0)) for c in CATEGORIAS}
    problemas = []
    for c in ("accessibility", "best-practices"):
        for ref in cat[c]["auditRefs"]:
            a = aud[ref["id"]]
            if ref.get("weight", 0) > 0 and a.get("score") is not None and a["score"] < 1:
                problemas.append(f"{c}: {ref['id']} ({a['title']})")
    return {**puntos, "fcp": aud["first-contentful-paint"]["numericValue"],
            "lcp": aud["largest-contentful-paint"]["numericValue"],
            "tbt": aud["total-blocking-time"]["numericValue"],
            "bytes": aud["total-byte-weight"]["numericValue"], "problemas": problemas,
            "error": informe.get("runtimeError", {}).get("message")}


def mediana(pasadas: list[dict]) -> dict:
    """Mediana de cada número de varias pasadas por la misma página (la puntuación, de las puntuaciones)."""
    out = dict(pasadas[0])
    for clave in (*CATEGORIAS, "fcp", "lcp", "tbt", "bytes"):
        out[clave] = statistics.median(p[clave] for p in pasadas)
    out["problemas"] = sorted({x for p in pasadas for x in p["problemas"]})
    return out


def tabla(filas: dict) -> str:
    lineas = ["| página | rendimiento | accesibilidad | buenas prácticas | FCP | LCP | TBT | bytes |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for pagina, r in filas.items():
        lineas.append(f"| {pagina} | {r['performance']:.0f} | {r['accessibility']:.0f} | {r['best-practices']:.0f} | "
                      f"{r['fcp'] / 1000:.1f} s | {r['lcp'] / 1000:.1f} s | {r['tbt']:.0f} ms | "
                      f"{r['bytes'] / 1024:.0f} KiB |")
    return "\n".join(lineas)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Audita el sitio construido con Lighthouse (perfil móvil).")
    parser.add_argument("paginas", nargs="*", help="páginas a auditar (por defecto, todas)")
    parser.add_argument("--html", default=str(RAIZ / "_build" / "html"), help="carpeta del sitio construido")
    parser.add_argument("--informes", default=str(RAIZ / "_build" / "auditoria"), help="dónde guardar los JSON")
    parser.add_argument("--repeticiones", type=int, default=1,
                        help="pasadas por página; se informa la mediana (la CPU compartida hace variar los números)")
    args = parser.parse_args(argv)

    html = Path(args.html)
    if not (html / "intro.html").is_file() and not args.paginas:
        print(f"No encuentro el sitio construido en {html}: ejecuta antes `make book`.", file=sys.stderr)
        return 2
    if not LIGHTHOUSE.is_file():
        print("Lighthouse no está instalado: ejecuta `make auditoria` (lo instala en .herramientas/).",
              file=sys.stderr)
        return 2
    chrome = os.environ.get("CHROME_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chrome).is_file():
        print("No encuentro Chromium: `apt-get install chromium` o indica CHROME_PATH.", file=sys.stderr)
        return 2

    informes = Path(args.informes)
    informes.mkdir(parents=True, exist_ok=True)
    servidor, base = servir(html)
    filas, inicio = {}, time.monotonic()
    try:
        for pagina in args.paginas or paginas(html):
            t0 = time.monotonic()
            pasadas = []
            for i in range(max(1, args.repeticiones)):
                nombre = pagina.replace("/", "_") + (f".{i + 1}" if args.repeticiones > 1 else "") + ".json"
                pasadas.append(resumen(auditar(base + pagina, informes / nombre, chrome)))
            filas[pagina] = mediana(pasadas)
            print(f"  {pagina}: {time.monotonic() - t0:.0f} s", file=sys.stderr, flush=True)
    finally:
        servidor.shutdown()
    print(tabla(filas))
    problemas = [f"- {p}: {x}" for p, r in filas.items() for x in r["problemas"]]
    errores = [f"- {p}: {r['error']}" for p, r in filas.items() if r["error"]]
    if problemas:
        print("\nLo que Lighthouse señala (accesibilidad y buenas prácticas):\n" + "\n".join(problemas))
    if errores:
        print("\nErrores de Lighthouse:\n" + "\n".join(errores))
    print(f"\n{len(filas)} páginas auditadas en {time.monotonic() - inicio:.0f} s "
          f"(Lighthouse, perfil móvil; informes en {informes}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
