"""La entrega como cuaderno: leerla, reconocer su laboratorio y prepararla para el sandbox.

La entrega no decide nada de su calificación: las celdas de comprobación, sus puntos
y qué ejercicio comprueba cada una salen del laboratorio fuente y de ``grader/labs``.
Cada celda de comprobación de la entrega se cambia por una llamada a la sonda
(:func:`grader.api.emit_probe`), que solo emite datos; las que la entrega borró se
añaden al final y una copia repetida no cuenta dos veces.

Ningún veredicto sale del proceso del estudiante: un laboratorio cuyas celdas de
comprobación no son todas ``check("labNN", "<ejercicio>")`` (uno sin portar a sondas
y jueces) no se califica (:class:`UnportedLab`).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from utils import notebooks

from . import official

ROOT = notebooks.ROOT
LABS_DIR = ROOT / "labs"
_CHECK_CALL = re.compile(r'^\s*check\(\s*["\'](lab\d\d)["\']\s*,\s*["\']([^"\']+)["\']\s*\)\s*$', re.M)


def source_labs(labs_dir: Path = LABS_DIR) -> dict[str, Path]:
    """Laboratorios fuente disponibles: ``{"lab01_regresion_logistica": ruta, ...}``."""
    return {p.stem: p for p in sorted(labs_dir.glob("lab*.ipynb"))}


def identify_lab(nb: dict, path: Path, labs: dict[str, Path]) -> str | None:
    """Nombre del laboratorio fuente de una entrega, o ``None`` si no se reconoce."""
    meta = nb.get("metadata") if isinstance(nb.get("metadata"), dict) else {}
    declared = meta.get("curso", {}).get("lab") if isinstance(meta.get("curso"), dict) else None
    if isinstance(declared, str) and declared in labs:
        return declared
    m = re.search(r"(lab\d+)", path.name.lower())  # también «Copia de lab01_….ipynb»
    if m:
        for name in labs:
            if name.startswith(m.group(1) + "_") or name == m.group(1):
                return name
    # Último recurso: las mismas comprobaciones que algún laboratorio fuente.
    checks = set(notebooks.exercise_cells(nb))
    for name, src in labs.items():
        if checks and checks == set(notebooks.exercise_cells(notebooks.load(src))):
            return name
    return None



def lab_id(lab: str) -> str:
    """«lab01_regresion_logistica» → «lab01» (el nombre de su módulo en ``grader/labs``)."""
    return lab.split("_", 1)[0]


def check_call(source: str):
    """``(lab, ejercicio)`` si la celda es una llamada ``check("labNN", "ejercicio")``; si no, ``None``."""
    m = _CHECK_CALL.search(source or "")
    return (m.group(1), m.group(2)) if m else None


class UnportedLab(Exception):
    """El laboratorio fuente no tiene sus comprobaciones como sondas y jueces; el mensaje va al CSV."""


def official_checks(reference: dict, lab: str) -> dict[str, dict]:
    """Ejercicio → datos de su comprobación (:func:`grader.official.official_checks`).

    Cada celda de comprobación del laboratorio fuente debe ser
    ``check("labNN", "<ejercicio>")`` con su ejercicio definido en
    ``grader/labs/labNN.py``; los puntos salen de esa definición (no de los
    metadatos del cuaderno). Si no, lanza :class:`UnportedLab`: el calificador no
    ejecuta comprobaciones dentro del núcleo del estudiante.
    """
    from . import api

    checks = official.official_checks(reference)
    unported = UnportedLab(f"error: el laboratorio {lab_id(lab)} no tiene sus comprobaciones como sondas y "
                           "jueces; el calificador no lo califica")
    if not checks or any(check_call(info["source"]) != (lab_id(lab), name) for name, info in checks.items()):
        raise unported
    try:
        defined = api.exercises(lab_id(lab))
    except KeyError:
        raise unported from None
    if set(checks) - set(defined):
        raise unported
    for name, info in checks.items():
        info["puntos"] = defined[name].points
    return checks


def _which_check(cell: dict, checks: dict[str, dict]) -> str | None:
    """Qué comprobación oficial es ``cell``, o ``None``.

    Primero por el metadato ``curso.comprueba``; si un editor lo perdió, por el
    ``id`` de la celda o por su primera línea («# Comprobación del ejercicio …»).
    """
    meta = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
    curso = meta.get("curso") if isinstance(meta.get("curso"), dict) else {}
    name = curso.get("comprueba")
    if isinstance(name, str) and name in checks:
        return name
    first = notebooks._source(cell).strip().split("\n", 1)[0]
    for name, info in checks.items():
        if info["id"] and cell.get("id") == info["id"]:
            return name
        if first and first.startswith("#") and first == info["source"].strip().split("\n", 1)[0]:
            return name
    return None



def _probe_cell(lab: str, name: str) -> str:
    return (f"# (El calificador toma aquí los datos de la comprobación «{name}»; el veredicto se calcula fuera.)\n"
            "from grader.api import emit_probe as _sonda_del_calificador\n"
            f"_sonda_del_calificador({lab!r}, {name!r})")


def _code_cell(source: str, meta: dict) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": meta, "outputs": [], "source": source}


def prepare(nb: dict, checks: dict[str, dict], lab: str) -> dict:
    """Copia de la entrega lista para el sandbox.

    Sin salidas previas; cada celda de comprobación cambiada por la sonda oficial;
    las que faltan, añadidas al final; una copia repetida, vaciada.
    """
    nb = json.loads(json.dumps(nb))

    def wrap(name: str) -> str:
        return _probe_cell(lab_id(lab), name)

    cells, seen = [], set()
    for cell in nb["cells"]:
        if not isinstance(cell, dict):
            continue
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
            name = _which_check(cell, checks)
            if name and name not in seen:
                seen.add(name)
                cell = _code_cell(wrap(name), {"curso": {"comprueba": name, "puntos": checks[name]["puntos"]}})
            elif name:  # una copia duplicada de una comprobación no vale dos veces
                cell = _code_cell("# (celda de comprobación repetida: el calificador la ignora)", {})
        cells.append(cell)
    for name in sorted(set(checks) - seen, key=lambda n: checks[n]["orden"]):
        cells.append(_code_cell(wrap(name), {"curso": {"comprueba": name, "puntos": checks[name]["puntos"],
                                                        "reinsertada": True}}))
    nb["cells"] = cells
    return nb


def check_cells(nb: dict) -> dict[int, str]:
    """Índice de celda (entre todas las celdas) → ejercicio que comprueba, en un cuaderno preparado."""
    return {i: c["metadata"]["curso"]["comprueba"] for i, c in enumerate(nb["cells"])
            if c.get("cell_type") == "code" and c.get("metadata", {}).get("curso", {}).get("comprueba")}


MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024


def _read_regular_file(path: Path) -> bytes | None:
    """Contenido de ``path`` si es un archivo normal (sin seguir enlaces, sin bloquearse en un
    tubo), leído con un tope de bytes; ``None`` si no es un archivo normal."""
    import os
    import stat

    if not stat.S_ISREG(os.lstat(path).st_mode):
        return None
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks, total = [], 0
        while total <= MAX_NOTEBOOK_BYTES:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def load_submission(path: Path) -> tuple[dict | None, str]:
    """``(cuaderno, "")`` o ``(None, mensaje de error en español)``; nunca lanza."""
    if path.suffix.lower() != ".ipynb":
        return None, "error: no es un cuaderno de Jupyter (.ipynb)"
    try:
        raw = _read_regular_file(path)
        if raw is None:
            return None, "error: no es un archivo normal (¿un enlace simbólico o un tubo?); no se abrió"
        if len(raw) > MAX_NOTEBOOK_BYTES:
            return None, f"error: el cuaderno pesa más de {MAX_NOTEBOOK_BYTES // 2**20} MiB"
        nb = json.loads(raw.decode("utf-8"))
        if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
            raise ValueError
        import nbformat

        nbformat.validate(nbformat.reads(raw.decode("utf-8"), as_version=4))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return None, "error: archivo corrupto (no es JSON válido); pide al estudiante que lo vuelva a descargar"
    except OSError as exc:
        return None, f"error: no se pudo leer el archivo ({exc.strerror or exc})"
    except Exception:  # noqa: BLE001 - cualquier estructura inválida
        return None, "error: el archivo no tiene la estructura de un cuaderno de Jupyter"
    return nb, ""
