"""Texto alternativo calculado para las figuras de los cuadernos.

Una figura cuyo texto alternativo dice un resultado medido no puede llevarlo
escrito a mano en los metadatos de la celda (``mystnb.image.alt``): cambiaría la
semilla y el texto mentiría. La celda la muestra con
``utils.book.show_figure(alt=f"… {valor} …")``, que deja el texto en los
metadatos **de la salida**. myst-nb solo lee los de la celda, así que aquí, al
leer cada página, se copia ese texto a la imagen correspondiente: myst-nb nombra
cada imagen con el SHA-256 de sus bytes, y así se reconoce qué salida es.

La conecta ``_ext/sitio.py`` (ya registrada en ``_config.yml``).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from pathlib import Path

IMAGENES_BASE64 = {"image/png", "image/jpeg", "image/gif"}


def _texto(x) -> str:
    return x if isinstance(x, str) else "".join(x)


def alts_de_salidas(nb: dict) -> dict[str, str]:
    """``{sha256 de la imagen: texto alternativo}`` de las salidas que traen ``metadata[mime]["alt"]``."""
    out = {}
    for celda in nb.get("cells", []):
        for salida in celda.get("outputs", []) or []:
            datos = salida.get("data", {}) or {}
            for mime, meta in (salida.get("metadata") or {}).items():
                alt = meta.get("alt") if isinstance(meta, dict) else None
                if not alt or mime not in datos:
                    continue
                if mime in IMAGENES_BASE64:
                    contenido = base64.b64decode(_texto(datos[mime]))
                else:  # SVG: myst-nb normaliza los saltos de línea antes de calcular el nombre
                    contenido = os.linesep.join(_texto(datos[mime]).splitlines()).encode("utf-8")
                out[hashlib.sha256(contenido).hexdigest()] = str(alt)
    return out


def aplicar_alts(doctree, alts: dict[str, str]) -> int:
    """Pone ``alt`` en cada imagen del documento cuyo nombre es uno de ``alts``; devuelve cuántas."""
    from docutils import nodes

    n = 0
    for imagen in doctree.findall(nodes.image):
        alt = alts.get(Path(imagen.get("uri", "")).stem)
        if alt:
            imagen["alt"] = alt
            n += 1
    return n


def alts_pegados(glue_json: dict) -> dict[str, str]:
    """``{sha256: texto}`` de los valores «alt_<sha256>» que pega ``utils.book.show_figure``."""
    import ast

    out = {}
    for clave, valor in glue_json.items():
        if not clave.startswith("alt_"):
            continue
        texto = (valor.get("data", {}) if isinstance(valor, dict) else {}).get("text/plain", "")
        texto = _texto(texto)
        try:
            texto = ast.literal_eval(texto)
        except (ValueError, SyntaxError):
            pass
        if isinstance(texto, str) and texto:
            out[clave[len("alt_"):]] = texto
    return out


def _al_leer_doctree(app, doctree):
    config = getattr(app.env, "mystnb_config", None)
    if config is None:
        return
    base = Path(config.output_folder) / app.env.docname
    alts = {}
    # El cuaderno ejecutado trae las salidas solo si se ejecutó en esta construcción; los
    # valores pegados (.glue.json) están también cuando sale del caché.
    for ruta, leer in ((base.with_name(base.name + ".ipynb"), alts_de_salidas),
                       (base.with_name(base.name + ".glue.json"), alts_pegados)):
        if ruta.is_file():
            try:
                alts.update(leer(json.loads(ruta.read_text(encoding="utf-8"))))
            except (OSError, ValueError):
                pass
    if alts:
        aplicar_alts(doctree, alts)


def conectar(app) -> None:
    """Registra el manejador (lo llama ``sitio.setup``)."""
    app.connect("doctree-read", _al_leer_doctree)
