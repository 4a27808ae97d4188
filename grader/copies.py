"""La copia del curso que ve una entrega: solo lo que su laboratorio permite.

Dentro del sandbox la carpeta del curso se tapa entera y en su lugar se monta, de
solo lectura, una copia podada para ese laboratorio (:func:`course_copy`):

- ``utils/`` solo con los módulos permitidos (``DEFAULT_ALLOWED`` y el metadato
  ``curso.permitidos`` del laboratorio): las implementaciones de referencia que el
  laboratorio prohíbe no existen, así que «usar la referencia» es imposible;
- ``grader/`` solo con la API y las comprobaciones de **ese** laboratorio;
- ni ``labs/`` (los laboratorios fuente tienen las soluciones), ni ``chapters/``,
  ni ``tests/``, ni ``.git``.

En la vía heredada (:mod:`grader.legacy`) las comprobaciones corren dentro del
sandbox e importan la referencia, así que ``utils/`` va entero (pero sin labs).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from pathlib import Path

from utils import notebooks

from .static import DEFAULT_ALLOWED

ROOT = notebooks.ROOT
_LOCK = threading.Lock()
_CACHE: dict[tuple, Path] = {}
_BASE: list[Path] = []


def allowed_modules(reference: dict) -> set[str]:
    """Módulos de ``utils`` que el laboratorio permite (sin el prefijo ``utils.``)."""
    meta = reference.get("metadata", {}).get("curso", {})
    extra = meta.get("permitidos", []) if isinstance(meta, dict) else []
    return set(DEFAULT_ALLOWED) | {m.split(".")[-1] for m in extra if isinstance(m, str)}


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    dst.chmod(0o644)


def course_copy(lab: str, reference: dict, mode: str) -> Path:
    """Carpeta (de root, solo lectura para los demás) con la copia podada del curso para ``lab``.

    Se construye una vez por laboratorio y modo en cada proceso del calificador.
    """
    allowed = allowed_modules(reference)
    key = (lab, mode, tuple(sorted(allowed)))
    with _LOCK:
        if key in _CACHE and _CACHE[key].is_dir():
            return _CACHE[key]
        if not _BASE:
            _BASE.append(Path(tempfile.mkdtemp(prefix="calificador-curso-")))
            atexit.register(cleanup)
            _BASE[0].chmod(0o755)
        dest = _BASE[0] / f"{lab}-{mode}"
        if dest.exists():
            shutil.rmtree(dest)
        for py in sorted((ROOT / "utils").glob("*.py")):
            name = py.stem
            if mode == "legado" or name == "__init__" or name in allowed:
                _copy(py, dest / "utils" / py.name)
        lab_mod = lab.split("_", 1)[0]
        for rel in ("grader/__init__.py", "grader/api.py", "grader/labs/__init__.py", "grader/runner.py",
                    f"grader/labs/{lab_mod}.py"):
            if (ROOT / rel).is_file():
                _copy(ROOT / rel, dest / rel)
        for d in [dest, *dest.rglob("*")]:
            if d.is_dir():
                d.chmod(0o755)
        _CACHE[key] = dest
        return dest


def cleanup() -> None:
    """Borra las copias de este proceso (al terminar el lote)."""
    with _LOCK:
        for base in _BASE:
            shutil.rmtree(base, ignore_errors=True)
        _BASE.clear()
        _CACHE.clear()
