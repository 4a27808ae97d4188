"""Análisis estático de una entrega (sin ejecutarla): avisos para el docente y huellas.

- :func:`analyze` marca los ejercicios que importan la implementación de referencia
  o cuyo código es igual a la solución oficial, y calcula una huella del código de
  cada ejercicio para hallar entregas idénticas en el lote (:func:`grader.report.mark_copies`);
- :func:`tampering_findings` busca cambios a módulos importados, ``builtins``,
  ``sys.modules`` o la introspección de marcos. Solo la usa la calificación
  heredada (laboratorios sin portar a sondas y jueces), donde el veredicto aún se
  calcula en el núcleo del estudiante; con sondas y jueces no hace falta, porque lo
  que la entrega cambie en su proceso no llega al juez.

Estos avisos no deciden la nota: la nota la deciden los jueces.
"""

from __future__ import annotations

import ast
import hashlib
import re

from utils import notebooks

# Módulos de utils que una solución puede importar sin aviso (no son implementaciones
# de referencia); un laboratorio añade otros con el metadato ``curso.permitidos``.
DEFAULT_ALLOWED = ("book", "checks", "data", "device", "validation")


def _bound_names(source: str) -> list[str]:
    """Nombres que una celda define en el nivel superior (``def``, ``class``, asignaciones)."""
    tree = _parse(source)
    if tree is None:
        return []
    out = []
    for node in tree.body:
        targets = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            out.append(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.For, ast.With)):
            targets = getattr(node, "targets", None) or [getattr(node, "target", None)]
            if isinstance(node, ast.With):
                targets = [i.optional_vars for i in node.items if i.optional_vars is not None]
        for t in targets:
            for n in ast.walk(t) if t is not None else ():
                if isinstance(n, ast.Name):
                    out.append(n.id)
    return list(dict.fromkeys(out))


def _imported_modules(source: str) -> list[str]:
    """Módulos que importa una celda (``import a.b`` → ``a.b``; ``from a import b`` → ``a`` y ``a.b``)."""
    tree = _parse(source)
    out = []
    for node in ast.walk(tree) if tree else ():
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            out.append(node.module)
            out += [f"{node.module}.{a.name}" for a in node.names if node.module == "utils"]
    return list(dict.fromkeys(out))



def _parse(source: str):
    """Árbol ``ast`` de una celda (con las magias de IPython traducidas), o ``None``."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        source = TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - se intenta igual con el texto original
        pass
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


_FRAME_ATTRS = {"_getframe", "f_back", "f_globals", "f_locals", "f_builtins", "currentframe",
                "get_referrers", "get_referents", "get_objects"}
_IPYTHON_HOOKS = {"input_transformers_cleanup", "input_transformers_post", "ast_transformers",
                  "register_magic_function", "set_custom_exc", "set_hook"}
_FUNC_ATTRS = {"__code__", "__globals__", "__defaults__", "__kwdefaults__", "__dict__", "__class__"}


def _root(node):
    """Nombre en la raíz de ``a.b[c].d`` (``"a"``), o el nodo si no es un nombre."""
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _dotted(node) -> str:
    try:
        return ast.unparse(node)
    except Exception:  # noqa: BLE001
        return "?"


def imported_names(sources: list[str]) -> dict[str, str]:
    """Nombre local → módulo u objeto importado, en todas las celdas dadas."""
    out = {"builtins": "builtins", "sys": "sys"}
    for src in sources:
        tree = _parse(src)
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.Import):
                for a in node.names:
                    out[a.asname or a.name.split(".")[0]] = a.name if a.asname else a.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom):
                for a in node.names:
                    out[a.asname or a.name] = f"{node.module or ''}.{a.name}"
    return out


def tampering_findings(source: str, imported: dict[str, str], protected: dict[str, str]) -> list[str]:
    """Manipulaciones que se ven en el código de una celda del estudiante (en español).

    ``imported``: nombres importados en el cuaderno (de :func:`imported_names`);
    ``protected``: nombre → qué importan las comprobaciones con ese nombre (sus
    funciones de comprobación y de referencia).
    """
    tree = _parse(source)
    if tree is None:
        return []
    found = []

    def add(node, what):
        found.append(f"línea {getattr(node, 'lineno', '?')}: {what}")

    def check_target(t, node):
        if isinstance(t, (ast.Tuple, ast.List)):
            for e in t.elts:
                check_target(e, node)
        elif isinstance(t, ast.Starred):
            check_target(t.value, node)
        elif isinstance(t, ast.Attribute):
            root = _root(t)
            if root in imported:
                add(node, f"cambia `{_dotted(t)}`, un atributo de algo importado (`{imported[root]}`)")
            elif t.attr in _FUNC_ATTRS:
                add(node, f"cambia `{_dotted(t)}`, el interior de una función o de un objeto")
        elif isinstance(t, ast.Subscript):
            text = _dotted(t.value)
            if re.search(r"(^|\.)modules$|__dict__$|^vars\(|^globals\(\)|__builtins__", text) and _root(t) != None:
                add(node, f"modifica `{text}[…]`")
        elif isinstance(t, ast.Name):
            if t.id == "__builtins__":
                add(node, "reemplaza `__builtins__`")
            elif t.id in protected:
                add(node, f"redefine `{t.id}`, que usan las comprobaciones")

    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.Delete)):
            for t in node.targets:
                check_target(t, node)
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            check_target(node.target, node)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in protected:
            add(node, f"redefine `{node.name}`, que usan las comprobaciones")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            mine = imported_names([ast.unparse(node)])
            for a in node.names:
                local = a.asname or a.name.split(".")[0]
                if local in protected and protected[local] != mine.get(local):
                    add(node, f"redefine `{local}` con una importación distinta de la oficial")
                if a.name.split(".")[0] in ("ctypes", "gc") or (getattr(node, "module", None) or "").split(".")[0] == "ctypes":
                    add(node, f"importa `{a.name}`, que permite cambiar objetos por dentro")
        elif isinstance(node, ast.Call):
            fname = _dotted(node.func)
            if fname in ("setattr", "delattr", "object.__setattr__", "type.__setattr__") and node.args:
                target = node.args[0]
                if _root(target) in imported or isinstance(target, ast.Call) or "modules" in _dotted(target):
                    add(node, f"usa `{fname}` sobre `{_dotted(target)}`")
            elif fname.endswith("reload") and (fname == "reload" or _root(node.func) in imported):
                add(node, f"recarga un módulo con `{fname}`")
            elif re.search(r"(^|\.)modules\.(update|pop|setdefault|clear|__setitem__|__delitem__)$", fname):
                add(node, f"modifica `sys.modules` con `{fname}`")
            elif fname.endswith((".register", ".unregister")) and "events" in fname:
                add(node, f"registra un evento de IPython con `{fname}`")
        elif isinstance(node, ast.Attribute) and (node.attr in _IPYTHON_HOOKS or node.attr in _FRAME_ATTRS):
            if node.attr in _IPYTHON_HOOKS:
                add(node, f"usa `{node.attr}` de IPython, que puede reescribir las celdas de comprobación")
            elif node.attr != "get_objects" or _root(node) in imported:
                add(node, f"usa `{_dotted(node)}` para mirar dentro de la ejecución de las comprobaciones")
    return list(dict.fromkeys(found))


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


def analyze(prepared: dict, reference: dict, checks: dict[str, dict]) -> tuple[dict, dict, dict]:
    """Análisis estático de una entrega preparada.

    Devuelve ``(manipulación, avisos, huellas)``: ejercicio → lista de hallazgos
    que anulan su comprobación; ejercicio → lista de avisos para el docente;
    ejercicio → huella del código del estudiante (para hallar copias en el lote).
    """
    ref_cells = [c for c in reference["cells"] if c.get("cell_type") == "code"]
    provided, template, official = set(), set(), {}
    for c in ref_cells:
        src = notebooks._source(c)
        info = c.get("metadata", {}).get("curso", {})
        if notebooks.is_solution_cell(c):
            official.setdefault(info.get("ejercicio"), set()).add(_normalized(notebooks.strip_solution_markers(src)))
            template.add(_normalized(notebooks.replace_solutions(src)))
        elif "comprueba" not in info:
            provided.add(_normalized(src))
    meta = reference.get("metadata", {}).get("curso", {})
    allowed = set(DEFAULT_ALLOWED) | set(meta.get("permitidos", []))
    protected = {n: f"utils.checks.{n}" for n in ("call_student", "check_close", "check_true", "passed", "CheckFailed")}
    protected["_calificador_checks"] = "utils.checks"
    for info in checks.values():
        official_names = imported_names([info["source"]])
        protected.update({k: v for k, v in official_names.items() if k not in ("builtins", "sys")})
    for info in checks.values():
        for n in info["usa"]:
            protected.pop(n, None)

    code = [c for c in prepared["cells"] if c.get("cell_type") == "code"]
    student = [notebooks._source(c) for c in code if not c.get("metadata", {}).get("curso")]
    imported = imported_names(student)
    tampering, warnings, regions = {}, {}, {}
    pending_findings: list[str] = []
    region: list[str] = []
    for cell in code:
        curso = cell.get("metadata", {}).get("curso", {})
        if curso.get("calificador"):
            continue
        name = curso.get("comprueba")
        if name:
            if pending_findings:
                tampering[name] = list(pending_findings)
            regions.setdefault(name, []).extend(region)
            region = []
            continue
        src = notebooks._source(cell)
        findings = tampering_findings(src, imported, protected)
        pending_findings += findings
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
    return tampering, warnings, fingerprints

