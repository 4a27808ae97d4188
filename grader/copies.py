"""La copia del curso que ve una entrega: solo lo que su laboratorio permite.

Dentro del sandbox la carpeta del curso se tapa entera y en su lugar se monta, de
solo lectura, una copia podada para ese laboratorio (:func:`course_copy`):

- ``utils/`` solo con los módulos permitidos (``DEFAULT_ALLOWED`` y el metadato
  ``curso.permitidos`` del laboratorio, más lo que estos importan al cargarse): las
  implementaciones de referencia que el laboratorio prohíbe no existen, así que
  «usar la referencia» es imposible;
- ``grader/`` solo con la API y las comprobaciones de **ese** laboratorio;
- ni ``labs/`` (los laboratorios fuente tienen las soluciones), ni ``chapters/``,
  ni ``tests/``, ni ``.git``.
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


def _top_level_utils_imports(path: Path) -> set[str]:
    """Módulos de ``utils`` que ``path`` importa al cargarse (no los que importa dentro de funciones)."""
    import ast

    from .static import parse

    try:
        tree = parse(path.read_text(encoding="utf-8"), str(path))
    except (OSError, SyntaxError, ValueError):
        return set()
    found = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            if node.level == 1 and node.module:
                found.add(node.module.split(".")[0])
            elif node.level == 1:
                found |= {a.name for a in node.names}
            elif node.module and node.module.startswith("utils."):
                found.add(node.module.split(".")[1])
            elif node.module == "utils":
                found |= {a.name for a in node.names}
        elif isinstance(node, ast.Import):
            found |= {a.name.split(".")[1] for a in node.names if a.name.startswith("utils.")}
    return found


def with_dependencies(allowed: set[str]) -> set[str]:
    """``allowed`` más los módulos de ``utils`` que estos importan al cargarse (p. ej. ``data`` → ``counting``)."""
    out, todo = set(allowed) | {"__init__"}, list(allowed) + ["__init__"]
    while todo:
        path = ROOT / "utils" / f"{todo.pop()}.py"
        for dep in _top_level_utils_imports(path) - out:
            if (ROOT / "utils" / f"{dep}.py").is_file():
                out.add(dep)
                todo.append(dep)
    return out


def _copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dst)
    dst.chmod(0o644)


def course_copy(lab: str, reference: dict) -> Path:
    """Carpeta (de root, solo lectura para los demás) con la copia podada del curso para ``lab``.

    Se construye una vez por laboratorio en cada proceso del calificador.
    """
    allowed = with_dependencies(allowed_modules(reference))
    key = (lab, tuple(sorted(allowed)))
    with _LOCK:
        if key in _CACHE and _CACHE[key].is_dir():
            return _CACHE[key]
        if not _BASE:
            _BASE.append(Path(tempfile.mkdtemp(prefix="calificador-curso-")))
            atexit.register(cleanup)
            _BASE[0].chmod(0o755)
        dest = _BASE[0] / lab
        if dest.exists():
            shutil.rmtree(dest)
        for py in sorted((ROOT / "utils").glob("*.py")):
            name = py.stem
            if name == "__init__" or name in allowed:
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
