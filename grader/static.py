"""Análisis estático de una entrega (sin ejecutarla): avisos para el docente y huellas.

- :func:`analyze` marca los ejercicios que importan la implementación de referencia
  o cuyo código es igual a la solución oficial, y calcula una huella del código de
  cada ejercicio para hallar entregas idénticas en el lote (:func:`grader.report.mark_copies`).

Estos avisos no deciden la nota: la nota la deciden los jueces, fuera del sandbox. Por
eso no se busca «manipulación» en el código: lo que la entrega cambie en su proceso no
llega al juez.
"""

from __future__ import annotations

import ast
import hashlib
import re
import threading

from utils import notebooks

# Módulos de utils que una solución puede importar sin aviso (no son implementaciones
# de referencia); un laboratorio añade otros con el metadato ``curso.permitidos``.
DEFAULT_ALLOWED = ("book", "checks", "data", "device", "validation")

# ``ast.parse`` no es seguro entre hilos en CPython 3.11 (el contador de profundidad del
# constructor del AST es común a todo el intérprete: cpython#106905). El calificador
# corrige varias entregas a la vez en hilos, así que todo análisis con ``ast`` pasa por
# este cerrojo.
AST_LOCK = threading.Lock()


def parse(source: str, filename: str = "<celda>"):
    """``ast.parse`` protegido por :data:`AST_LOCK` (seguro con varios hilos)."""
    with AST_LOCK:
        try:
            return ast.parse(source, filename)
        except SystemError:  # otro hilo que no pasa por el cerrojo (p. ej. un traceback): se reintenta
            return ast.parse(source, filename)


def _parse(source: str):
    """Árbol ``ast`` de una celda (con las magias de IPython traducidas), o ``None``."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        source = TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - se intenta igual con el texto original
        pass
    try:
        return parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


def _normalized(source: str) -> str | None:
    """Volcado del AST sin docstrings ni comentarios y con los nombres normalizados."""
    tree = _parse(source)
    if tree is None:
        return None
    names: dict[str, str] = {}

    def rename(n):
        return names.setdefault(n, f"v{len(names)}")

    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) \
                and isinstance(body[0].value, ast.Constant) and isinstance(body[0].value.value, str):
            node.body = body[1:] or [ast.Pass()]
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            node.id = rename(node.id)
        elif isinstance(node, ast.arg):
            node.arg = rename(node.arg)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            node.name = rename(node.name)
        elif isinstance(node, ast.alias) and node.asname:
            node.asname = rename(node.asname)
    return ast.dump(tree, annotate_fields=False)


def _reference_imports(source: str, allowed: set[str]) -> list[str]:
    """Módulos de ``utils`` no permitidos que usa una celda (importados o como ``utils.x``)."""
    tree = _parse(source)
    found = []
    for node in ast.walk(tree) if tree else ():
        mods = []
        if isinstance(node, ast.Import):
            mods = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            mods = [node.module] if node.module != "utils" else [f"utils.{a.name}" for a in node.names]
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "utils" \
                and not node.attr.startswith("__"):
            mods = [f"utils.{node.attr}"]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(r"utils\.\w+", node.value):
            mods = [node.value]  # __import__("utils.neuron"), importlib.import_module(...)
        for m in mods:
            parts = m.split(".")
            if parts[0] == "utils" and len(parts) > 1 and parts[1] not in allowed and parts[1] != "report_device":
                found.append(f"utils.{parts[1]}")
    return list(dict.fromkeys(found))


def analyze(prepared: dict, reference: dict) -> tuple[dict, dict]:
    """Análisis estático de una entrega preparada.

    Devuelve ``(avisos, huellas)``: ejercicio → lista de avisos para el docente;
    ejercicio → huella del código del estudiante (para hallar copias en el lote).
    """
    ref_cells = [c for c in reference["cells"] if c.get("cell_type") == "code"]
    provided, template, official = set(), set(), {}
    for c in ref_cells:
        src = notebooks._source(c)
        info = c.get("metadata", {}).get("curso", {})
        if notebooks.is_optional_cell(c):  # desafío sin puntos: su hueco es parte de la plantilla
            template.add(_normalized(notebooks.replace_solutions(src)))
        elif notebooks.is_solution_cell(c):
            official.setdefault(info.get("ejercicio"), set()).add(_normalized(notebooks.strip_solution_markers(src)))
            template.add(_normalized(notebooks.replace_solutions(src)))
        elif "comprueba" not in info:
            provided.add(_normalized(src))
    meta = reference.get("metadata", {}).get("curso", {})
    allowed = set(DEFAULT_ALLOWED) | set(meta.get("permitidos", []))

    code = [c for c in prepared["cells"] if c.get("cell_type") == "code"]
    warnings, regions = {}, {}
    region: list[str] = []
    for cell in code:
        name = cell.get("metadata", {}).get("curso", {}).get("comprueba")
        if name:
            regions.setdefault(name, []).extend(region)
            region = []
            continue
        src = notebooks._source(cell)
        if _normalized(src) not in provided | template:
            region.append(src)
    fingerprints = {}
    for name, sources in regions.items():
        dumps = [_normalized(s) or s for s in sources]
        notes = []
        mods = [m for s in sources for m in _reference_imports(s, allowed)]
        if mods:
            notes.append("usa la implementación de referencia del curso (" + ", ".join(dict.fromkeys(mods)) + ")")
        if set(dumps) & official.get(name, set()):
            notes.append("su código es igual a la solución oficial (salvo nombres, comentarios y docstrings)")
        if notes:
            warnings[name] = notes
        if dumps:
            fingerprints[name] = hashlib.sha256("\n".join(dumps).encode()).hexdigest()
    return warnings, fingerprints

