"""Califica entregas de laboratorios con nbval, cada una aislada en un sandbox.

Uso::

    python -m utils.grade ENTREGAS... [--csv calificaciones.csv] [--trabajos N]

``ENTREGAS`` son cuadernos o carpetas (se recorren recursivamente). Para cada
entrega:

1. se identifica su laboratorio (metadato ``curso.lab`` o el prefijo ``labNN``
   del nombre) y se toman del laboratorio fuente las celdas de comprobación y
   sus puntos: una entrega no puede cambiarse los puntos ni «arreglar» una
   comprobación (si borró una, se vuelve a poner al final);
2. se buscan en su código (análisis estático con ``ast``) los cambios a módulos
   importados, a ``builtins`` o a ``sys.modules``, ``setattr`` sobre módulos,
   ``importlib.reload``, la redefinición de las funciones de comprobación o de
   referencia y la introspección de marcos: lo que se encuentre anula las
   comprobaciones que vienen después, con un mensaje que dice qué se halló;
3. se ejecuta con nbval dentro de bubblewrap (sin red, sistema de archivos de
   solo lectura salvo su directorio temporal, sin ver el lote ni la carpeta
   personal, con límites de memoria, CPU, tamaño de archivo y procesos). Una
   celda inicial guarda la huella de las funciones que usan las comprobaciones
   y cada comprobación oficial corre aislada, tras verificar esa huella
   (:func:`utils.checks.run_official_check`);
4. cada comprobación que pasa suma sus puntos; se marcan con ⚠ (columna
   ``avisos`` del CSV) los ejercicios que importan la implementación de
   referencia, que son iguales a la solución oficial o idénticos a los de otra
   entrega del lote. Con ``--avisos cero`` esos ejercicios valen cero.

Se imprime una tabla por ejercicio y se escribe un CSV, con las entregas en el
orden de entrada. Una entrega ilegible recibe su propia línea de error y el
resto del lote se califica igual. El código de salida es 0 si todas las
entregas se pudieron calificar y 1 si alguna no.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import notebooks
from .validation import SpanishArgumentParser

ROOT = notebooks.ROOT
LABS_DIR = ROOT / "labs"
AVISO = "⚠"
# Módulos de utils que una solución puede importar sin aviso (no son implementaciones
# de referencia); un laboratorio añade otros con el metadato ``curso.permitidos``.
DEFAULT_ALLOWED = ("book", "checks", "data", "device", "validation")
FIRST_UID = 61000  # como root, cada entrega corre con su propio uid sin privilegios


@dataclass
class Limits:
    """Límites de recursos de cada entrega (por proceso, salvo ``processes``)."""

    memory_mb: int = 6144        # espacio de direcciones: TensorFlow necesita ~2.5 GiB
    cpu_s: int = 1800            # segundos de CPU por proceso
    file_mb: int = 256           # tamaño máximo de un archivo escrito
    processes: int = 512         # procesos e hilos


@dataclass
class Result:
    """Resultado de calificar una entrega."""

    path: Path
    lab: str = ""
    status: str = "calificado"          # «calificado» o un mensaje de error
    scores: dict = field(default_factory=dict)    # ejercicio → puntos obtenidos
    maximum: dict = field(default_factory=dict)   # ejercicio → puntos posibles
    feedback: dict = field(default_factory=dict)  # ejercicio → primera línea del fallo
    warnings: dict = field(default_factory=dict)  # ejercicio → [avisos para el docente]
    fingerprints: dict = field(default_factory=dict)  # ejercicio → huella del código (copias)
    isolation: str = ""

    @property
    def graded(self) -> bool:
        return self.status == "calificado"

    @property
    def total(self) -> float:
        return sum(self.scores.values())

    @property
    def max_total(self) -> float:
        return sum(self.maximum.values())


# ---------------------------------------------------------------------------
# Identificar el laboratorio y preparar la entrega
# ---------------------------------------------------------------------------

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


def official_checks(reference: dict) -> dict[str, dict]:
    """Ejercicio → ``{"puntos", "source", "id", "usa", "orden"}`` según el laboratorio fuente.

    ``usa`` son los objetos del cuaderno que la comprobación puede ver: el
    metadato ``curso.usa`` de la celda o, por defecto, los nombres que definen
    (con ``def``, ``class`` o una asignación, no con ``import``) las celdas de
    código anteriores a ella. Lo que una comprobación importa no viene nunca
    del cuaderno.
    """
    before: dict[int, list[str]] = {}
    names: list[str] = []
    for i, cell in enumerate(reference["cells"]):
        if cell.get("cell_type") != "code":
            continue
        if "comprueba" in cell.get("metadata", {}).get("curso", {}):
            before[i] = list(names)
        else:
            src = notebooks.strip_solution_markers(notebooks._source(cell))
            names += [n for n in _bound_names(src) if n not in names]
    out = {}
    for order, (name, info) in enumerate(notebooks.exercise_cells(reference).items()):
        cell = reference["cells"][info["celda"]]
        uses = cell["metadata"]["curso"].get("usa") or before.get(info["celda"], [])
        out[name] = {"puntos": info["puntos"], "source": notebooks._source(cell), "id": cell.get("id"),
                     "usa": list(dict.fromkeys(uses)), "orden": order}
    return out


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


def _check_wrapper(name: str, info: dict) -> str:
    """Código que reemplaza a una celda de comprobación: la oficial, aislada y con guardia."""
    first = info["source"].strip().split("\n", 1)[0]
    return (f"{first}\n# (El calificador ejecuta aquí la comprobación oficial, aislada del resto del cuaderno.)\n"
            "import utils.checks as _calificador_checks\n"
            f"_calificador_checks.run_official_check({name!r}, {info['source']!r}, {info['usa']!r})")


def _code_cell(source: str, meta: dict) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": meta, "outputs": [], "source": source}


def prepare(nb: dict, checks: dict[str, dict]) -> dict:
    """Copia de la entrega lista para ejecutar.

    Sin salidas previas; con una celda inicial que guarda la huella de las
    funciones que usan las comprobaciones; con cada celda de comprobación
    cambiada por la oficial (aislada y precedida por la guardia) y con las
    comprobaciones que la entrega borró añadidas al final.
    """
    nb = json.loads(json.dumps(nb))
    cells, seen = [], set()
    for cell in nb["cells"]:
        if not isinstance(cell, dict):
            continue
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
            name = _which_check(cell, checks)
            if name and name not in seen:
                seen.add(name)
                cell = _code_cell(_check_wrapper(name, checks[name]),
                                  {"curso": {"comprueba": name, "puntos": checks[name]["puntos"]}})
            elif name:  # una copia duplicada de una comprobación no vale dos veces
                cell = _code_cell("# (celda de comprobación repetida: el calificador la ignora)", {})
        cells.append(cell)
    for name in sorted(set(checks) - seen, key=lambda n: checks[n]["orden"]):
        cells.append(_code_cell(_check_wrapper(name, checks[name]),
                                {"curso": {"comprueba": name, "puntos": checks[name]["puntos"], "reinsertada": True}}))
    modules = []
    for info in checks.values():
        modules += [m for m in _imported_modules(info["source"]) if m not in modules]
    snap = _code_cell("# Calificador: huella de las funciones que usan las comprobaciones.\n"
                      "import utils.checks as _calificador_checks\n"
                      f"_calificador_checks.snapshot({modules!r})", {"curso": {"calificador": "huella"}})
    nb["cells"] = [snap] + cells
    return nb


def check_cell_numbers(nb: dict) -> dict[int, str]:
    """Número de celda de código (como lo cuenta nbval) → ejercicio que comprueba."""
    out, n = {}, 0
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code":
            name = cell.get("metadata", {}).get("curso", {}).get("comprueba")
            if name:
                out[n] = name
            n += 1
    return out


# ---------------------------------------------------------------------------
# Análisis estático: manipulación y avisos
# ---------------------------------------------------------------------------

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
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "utils":
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


# ---------------------------------------------------------------------------
# Aislamiento: bubblewrap y límites de recursos
# ---------------------------------------------------------------------------

_PROBE: dict = {}
_PROBE_LOCK = threading.Lock()


def _needed_paths() -> list[Path]:
    """Carpetas que la entrega debe poder leer: el curso, Python y los datos sin red."""
    paths = [ROOT, Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).resolve().parent]
    for var in ("KERAS_HOME", "MNIST_IDX_DIR"):
        if os.environ.get(var):
            paths.append(Path(os.environ[var]))
    paths.append(Path(os.path.expanduser("~")) / ".keras")
    return [p.resolve() for p in paths if p.exists()]


def _inside(p: Path, parent: Path) -> bool:
    return p == parent or parent in p.parents


def bwrap_args(workdir: Path, hidden: list[Path]) -> list[str]:
    """Orden de bubblewrap que encierra una entrega en ``workdir``.

    Todo el sistema queda de solo lectura; ``/tmp``, ``/dev/shm`` y la carpeta
    personal son tmpfs vacíos; el curso, Python y los datos se vuelven a montar
    de solo lectura; las carpetas y archivos del lote (``hidden``) se tapan;
    solo ``workdir`` es escribible. Sin red, con su propio espacio de PID.
    Como root, bubblewrap no crea un espacio de nombres de usuario: la entrega
    baja después a un uid sin privilegios (:func:`_inner_wrapper`); si no, corre
    en un espacio de nombres de usuario propio que no puede crear otros.
    """
    home = Path(os.path.expanduser("~")).resolve()
    if os.geteuid() == 0:
        namespaces = ["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try"]
    else:
        namespaces = ["--unshare-all", "--unshare-user", "--disable-userns"]
    args = ["bwrap", *namespaces, "--die-with-parent",
            "--new-session", "--ro-bind", "/", "/", "--dev", "/dev", "--tmpfs", "/dev/shm", "--proc", "/proc",
            "--tmpfs", "/tmp", "--tmpfs", "/var/tmp", "--tmpfs", str(home)]
    if Path("/root").resolve() != home and Path("/root").exists():
        args += ["--tmpfs", "/root"]
    needed = _needed_paths()
    covered = [home, Path("/tmp"), *hidden]
    bound = [p for p in needed if any(_inside(p, c) for c in covered)]
    chmod = []
    for p in bound:
        args += ["--ro-bind", str(p), str(p)]
        # bubblewrap crea las carpetas intermedias con permisos 0700: que cualquier uid las atraviese
        chmod += [q for q in reversed(p.parents) if any(_inside(q, c) and q != c for c in covered)
                  and not any(_inside(q, b) for b in bound) and q not in chmod]
    args += [x for q in chmod for x in ("--chmod", "0755", str(q))]
    empty = workdir.parent / (workdir.name + "-vacio")
    for h in hidden:
        if not h.exists():
            continue
        if h.is_dir() and not any(_inside(n, h) for n in needed) and not _inside(workdir, h):
            args += ["--tmpfs", str(h)]
        elif h.is_file():
            empty.touch(exist_ok=True)
            args += ["--ro-bind", str(empty), str(h)]
    args += ["--bind", str(workdir), str(workdir), "--chdir", str(workdir)]
    args += [x for q in reversed(workdir.parents) if any(_inside(q, c) and q != c for c in covered)
             for x in ("--chmod", "0755", str(q))]
    return args


def _preexec(limits: Limits):
    """Función que el proceso hijo ejecuta antes de ``exec``: sesión propia y límites por proceso."""
    def apply():
        os.setsid()
        mem = limits.memory_mb * 1024 * 1024
        for res, value in ((resource.RLIMIT_AS, mem), (resource.RLIMIT_CPU, limits.cpu_s),
                           (resource.RLIMIT_FSIZE, limits.file_mb * 1024 * 1024), (resource.RLIMIT_CORE, 0)):
            resource.setrlimit(res, (value, value))
    return apply


def _inner_wrapper(limits: Limits, uid: int | None, cmd: list[str]) -> list[str]:
    """Antepone a ``cmd`` un Python que, ya dentro del sandbox, fija el límite de procesos
    y (como root) baja al uid sin privilegios ``uid``, que pierde todas las capacidades."""
    code = ("import os,resource,sys;n,u=int(sys.argv[1]),int(sys.argv[2]);"
            "resource.setrlimit(resource.RLIMIT_NPROC,(n,n));"
            "u>=0 and (os.setgroups([]),os.setgid(u),os.setuid(u));os.execv(sys.argv[3],sys.argv[3:])")
    return [sys.executable, "-c", code, str(limits.processes), str(-1 if uid is None else uid), *cmd]


def sandbox_status() -> tuple[bool, str]:
    """``(True, descripción)`` si bubblewrap funciona aquí; si no, ``(False, motivo en español)``."""
    with _PROBE_LOCK:
        if not _PROBE:
            _PROBE.update(ok=False, msg="")
            if sys.platform != "linux":
                _PROBE["msg"] = f"bubblewrap solo existe en Linux (este sistema es {sys.platform})"
            elif not shutil.which("bwrap"):
                _PROBE["msg"] = ("no está instalado bubblewrap (`bwrap`); instálalo con "
                                 "`sudo apt-get install bubblewrap`")
            else:
                with tempfile.TemporaryDirectory(prefix="calificar-prueba-") as tmp:
                    uid = FIRST_UID if os.geteuid() == 0 else None
                    if uid is not None:
                        os.chown(tmp, uid, uid)
                    cmd = bwrap_args(Path(tmp), []) + _inner_wrapper(
                        Limits(), uid, [sys.executable, "-c", "open('ok', 'w').write('1')"])
                    try:
                        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60,
                                           preexec_fn=_preexec(Limits()))
                        ok = p.returncode == 0 and (Path(tmp) / "ok").exists()
                        err = (p.stderr or "").strip().splitlines()
                    except (OSError, subprocess.SubprocessError) as exc:
                        ok, err = False, [str(exc)]
                if ok:
                    _PROBE.update(ok=True, msg="bubblewrap: sin red, solo lectura salvo su directorio, "
                                                "sin ver el lote ni la carpeta personal")
                else:
                    _PROBE["msg"] = ("bubblewrap no pudo crear el sandbox (¿el núcleo no permite espacios de "
                                     f"nombres de usuario?): {err[-1] if err else 'sin mensaje'}")
        return _PROBE["ok"], _PROBE["msg"]


# ---------------------------------------------------------------------------
# Ejecutar con nbval
# ---------------------------------------------------------------------------

def _first_line(text: str) -> str:
    """Primera línea útil de un fallo (el mensaje de CheckFailed, si lo hay), en español."""
    text = re.sub(r"(\x1b|#x1B)\[[0-9;]*m", "", text or "")
    m = re.search(r"CheckFailed: (.+)", text)
    if m:
        return m.group(1).strip()[:400]
    m = re.search(r"Timeout of ([\d.]+) seconds exceeded", text)
    if m:
        return (f"la celda superó el tiempo límite de {float(m.group(1)):g} s "
                "(¿un bucle infinito, o el núcleo de Python se detuvo?)")
    if "Kernel dead" in text or "Kernel died" in text or "DeadKernelError" in text:
        return ("el núcleo de Python se detuvo antes de esta celda (¿os._exit, sys.exit, "
                "falta de memoria o el límite de CPU?)")
    for pattern in (r"(NotImplementedError.*)", r"(MemoryError.*)", r"(\w+Error: .+)"):
        m = re.search(pattern, text)
        if m:
            return m.group(1).strip()[:400]
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    return lines[-1][:400] if lines else "falló"


def _skip_reason(message: str) -> str:
    """Explica en español por qué nbval no ejecutó una celda."""
    if "timed out" in (message or ""):
        return "no se ejecutó: una celda anterior superó el tiempo límite y nbval detuvo el cuaderno"
    return "celda omitida por nbval"


def _clean_env(workdir: Path) -> dict:
    """Variables de entorno mínimas para la entrega (sin las del docente: claves, tokens…)."""
    keep = ("PATH", "LANG", "LC_ALL", "KERAS_HOME", "MNIST_IDX_DIR", "CUDA_VISIBLE_DEVICES", "TZ")
    env = {k: os.environ[k] for k in keep if k in os.environ}
    env.setdefault("KERAS_HOME", str(Path(os.path.expanduser("~")) / ".keras"))
    env.update({
        "PYTHONPATH": str(ROOT), "HOME": str(workdir / "home"), "TMPDIR": str(workdir), "MPLBACKEND": "Agg",
        "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0", "MALLOC_ARENA_MAX": "2",
        "JUPYTER_RUNTIME_DIR": str(workdir / "runtime"), "JUPYTER_DATA_DIR": str(workdir / "jupyter"),
        "IPYTHONDIR": str(workdir / "ipython"), "MPLCONFIGDIR": str(workdir / "mpl"),
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    return env


def _kill(proc: subprocess.Popen, uid: int | None) -> None:
    """Termina la entrega entera (su grupo y, si tiene uid propio, todos sus procesos)."""
    for target in (proc.pid,):
        try:
            os.killpg(target, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    if uid is not None:  # un proceso con ese uid mata a todos los de ese uid
        subprocess.run([shutil.which("kill") or "/bin/kill", "-KILL", "-1"],
                       preexec_fn=lambda: (os.setgroups([]), os.setgid(uid), os.setuid(uid)),
                       capture_output=True, timeout=30)
    proc.communicate()


def run_nbval(nb_path: Path, workdir: Path, cell_timeout: int, timeout: int, limits: Limits | None = None,
              sandbox: bool = True, hidden: list[Path] = (), uid: int | None = None) -> tuple[dict, str]:
    """Ejecuta nbval sobre ``nb_path`` dentro de ``workdir`` (en bubblewrap si ``sandbox``).

    Devuelve ``({número de celda: None si pasó, o el mensaje del fallo}, estado)``.
    """
    limits = limits or Limits()
    report = workdir / "informe.xml"
    (workdir / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    for sub in ("home", "runtime", "ipython", "mpl", "jupyter"):
        (workdir / sub).mkdir(exist_ok=True)
    env = _clean_env(workdir)
    datasets = Path(env["KERAS_HOME"]) / "datasets"
    keras_mount = []
    if sandbox and datasets.is_dir():
        # Keras exige poder escribir en KERAS_HOME (si no, busca en /tmp/.keras y pide la red):
        # dentro del sandbox KERAS_HOME es una carpeta escribible de la entrega y sus datos
        # son los del docente, montados de solo lectura.
        (workdir / "keras" / "datasets").mkdir(parents=True, exist_ok=True)
        keras_mount = ["--ro-bind", str(datasets.resolve()), str(workdir / "keras" / "datasets")]
        env["KERAS_HOME"] = str(workdir / "keras")
    if uid is not None:
        for p in [workdir, *workdir.rglob("*")]:
            os.chown(p, uid, uid)
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "utils._vigia_nbval", "--nbval-lax",
           f"--nbval-cell-timeout={cell_timeout}", "--nbval-kernel-name=python3",
           f"--junitxml={report}", "--rootdir", str(workdir), "-c", str(workdir / "pytest.ini"),
           nb_path.name]
    if sandbox:
        cmd = bwrap_args(workdir, list(hidden)) + keras_mount + _inner_wrapper(limits, uid, cmd)
    else:
        uid = None  # sin sandbox no se cambia de usuario: Python puede no ser legible para otro uid
    proc = subprocess.Popen(cmd, cwd=workdir, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            preexec_fn=_preexec(limits))
    out_chunks: list[bytes] = []

    def drain():  # la salida de pytest se lee sin guardarla entera (una entrega puede imprimir mucho)
        for chunk in iter(lambda: proc.stdout.read(65536), b""):
            out_chunks.append(chunk)
            if len(out_chunks) > 64:
                del out_chunks[1:-32]

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc, uid)
        return {}, f"tiempo agotado: la entrega tardó más de {timeout} s en total"
    finally:
        reader.join(timeout=10)
    if uid is not None:
        _kill(proc, uid)  # procesos que la entrega dejó vivos fuera de un sandbox
    out = b"".join(out_chunks).decode("utf-8", "replace")
    if not report.exists():
        return {}, "nbval no pudo ejecutar la entrega: " + _first_line(out)
    results = {}
    try:
        cases = list(ET.parse(report).getroot().iter("testcase"))
    except ET.ParseError:
        return {}, "nbval dejó un informe ilegible (¿la entrega lo sobrescribió?)"
    for case in cases:
        m = re.search(r"Cell (\d+)", case.get("name", ""))
        if not m:
            continue
        failure = case.find("failure")
        if failure is None:
            failure = case.find("error")
        skipped = case.find("skipped")
        if failure is not None:
            results[int(m.group(1))] = _first_line((failure.get("message") or "") + "\n" + (failure.text or ""))
        elif skipped is not None:
            results[int(m.group(1))] = _skip_reason(skipped.get("message", ""))
        else:
            results[int(m.group(1))] = None
    return results, "calificado"


def _load_submission(path: Path) -> tuple[dict | None, str]:
    if path.suffix.lower() != ".ipynb":
        return None, "error: no es un cuaderno de Jupyter (.ipynb)"
    try:
        raw = path.read_bytes()
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


def grade_file(path: Path, labs: dict[str, Path], cell_timeout: int = 120, timeout: int = 900,
               limits: Limits | None = None, sandbox: bool | None = None, hidden: list[Path] = (),
               slot: int = 0) -> Result:
    """Califica una entrega; nunca lanza excepciones por culpa de la entrega.

    ``sandbox=None`` usa bubblewrap si funciona en esta máquina. ``hidden`` son
    rutas (el lote) que la entrega no debe ver. ``slot`` distingue los trabajos
    en paralelo (cada uno con su uid cuando se califica como root).
    """
    result = Result(path=path)
    try:
        return _grade_file(result, path, labs, cell_timeout, timeout, limits or Limits(), sandbox, hidden, slot)
    except Exception as exc:  # noqa: BLE001 - un fallo del calificador no detiene el lote
        result.status = f"error interno del calificador ({type(exc).__name__}: {exc}); avisa al equipo del curso"
        return result


def _grade_file(result, path, labs, cell_timeout, timeout, limits, sandbox, hidden, slot) -> Result:
    nb, error = _load_submission(path)
    if nb is None:
        result.status = error
        return result
    lab = identify_lab(nb, path, labs)
    if lab is None:
        result.status = "error: no se reconoce a qué laboratorio corresponde (nombre labNN_… o metadato curso.lab)"
        return result
    result.lab = lab
    reference = notebooks.load(labs[lab])
    checks = official_checks(reference)
    result.maximum = {name: info["puntos"] for name, info in checks.items()}
    result.scores = {name: 0 for name in checks}
    prepared = prepare(nb, checks)
    numbers = check_cell_numbers(prepared)
    tampering, result.warnings, result.fingerprints = analyze(prepared, reference, checks)
    available, message = sandbox_status()
    use_sandbox = available if sandbox is None else (sandbox and available)
    result.isolation = message if use_sandbox else ("SIN AISLAMIENTO: " + (message if not available else
                                                                         "desactivado con --sin-aislamiento"))
    uid = FIRST_UID + slot % 1000 if os.geteuid() == 0 else None
    with tempfile.TemporaryDirectory(prefix="calificar-") as tmp:
        workdir = Path(tmp) / "entrega"
        workdir.mkdir()
        if uid is not None:
            os.chown(tmp, uid, uid)
        target = workdir / "entrega.ipynb"
        target.write_text(json.dumps(prepared, ensure_ascii=False), encoding="utf-8")
        cells, status = run_nbval(target, workdir, cell_timeout, timeout, limits, use_sandbox, hidden, uid)
    if status != "calificado":
        result.status = "error: " + status
        return result
    for number, name in numbers.items():
        if name not in checks:
            continue
        if name in tampering:
            result.feedback[name] = ("manipulación detectada en el código de la entrega: "
                                     + "; ".join(tampering[name][:3]) + ". Esta comprobación no cuenta.")
        elif number in cells and cells[number] is None:
            result.scores[name] = checks[name]["puntos"]
        else:
            result.feedback[name] = cells.get(number) or "no se ejecutó"
    missing = [c["metadata"]["curso"]["comprueba"] for c in prepared["cells"]
               if c.get("metadata", {}).get("curso", {}).get("reinsertada")]
    for name in missing:
        result.warnings.setdefault(name, []).append(
            "la entrega no tenía su celda de comprobación; el calificador la añadió al final")
    return result


# ---------------------------------------------------------------------------
# Lote, tabla y CSV
# ---------------------------------------------------------------------------

def collect(paths: list[str]) -> tuple[list[Path], list[Result]]:
    """Expande carpetas; las rutas inexistentes vuelven como resultados con error."""
    files, errors = [], []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(f for f in p.rglob("*") if f.is_file() and ".ipynb_checkpoints" not in f.parts
                            and not f.name.startswith("."))
        elif p.is_file():
            files.append(p)
        else:
            errors.append(Result(path=p, status="error: la ruta no existe"))
    return files, errors


def mark_copies(results: list[Result]) -> None:
    """Avisa de los ejercicios cuyo código es idéntico al de otra entrega del lote."""
    groups: dict[tuple, list[Result]] = {}
    for r in results:
        for name, fp in r.fingerprints.items():
            groups.setdefault((r.lab, name, fp), []).append(r)
    for (_, name, _), same in groups.items():
        if len(same) > 1:
            for r in same:
                others = ", ".join(str(o.path.name) for o in same if o is not r)
                r.warnings.setdefault(name, []).append(f"su código es idéntico al de otra entrega del lote ({others})")


def apply_policy(results: list[Result], policy: str) -> None:
    """``cero``: los ejercicios con aviso valen cero; ``marcar``: conservan sus puntos."""
    if policy == "cero":
        for r in results:
            for name in r.warnings:
                if r.scores.get(name):
                    r.scores[name] = 0
                    r.feedback[name] = "puntos anulados por un aviso (--avisos cero)"


def grade_batch(files: list[Path], labs: dict[str, Path], jobs: int = 1, progress: bool = False,
                hidden: list[Path] = (), **kwargs) -> list[Result]:
    """Califica ``files`` con ``jobs`` trabajos en paralelo; los resultados, en el orden de entrada."""
    hidden = list(hidden) + [f.resolve() for f in files] + sorted({f.resolve().parent for f in files})
    bar = None
    if progress:
        try:
            from tqdm import tqdm

            bar = tqdm(total=len(files), desc="Calificando", unit="entrega", file=sys.stderr)
        except ImportError:  # sin tqdm, un aviso por entrega
            bar = None
    results: list[Result | None] = [None] * len(files)
    lock = threading.Lock()
    free = list(range(max(1, jobs)))

    def work(i: int) -> None:
        with lock:
            slot = free.pop()
        try:
            results[i] = grade_file(files[i], labs, hidden=hidden, slot=slot, **kwargs)
        finally:
            with lock:
                free.append(slot)
                if bar is not None:
                    bar.update(1)
                elif progress:
                    print(f"Calificada {files[i]}", file=sys.stderr, flush=True)

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        list(pool.map(work, range(len(files))))
    if bar is not None:
        bar.close()
    out = [r for r in results if r is not None]
    mark_copies(out)
    return out


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _warnings_text(r: Result) -> str:
    return " | ".join(f"{e}: " + "; ".join(ws) for e, ws in r.warnings.items())


def format_table(results: list[Result]) -> str:
    """Tabla de texto: una fila por entrega, una columna por ejercicio (⚠ si hay aviso)."""
    exercises = []
    for r in results:
        exercises += [e for e in r.maximum if e not in exercises]
    name_w = max([len("entrega")] + [len(str(r.path)) for r in results])
    header = ["entrega".ljust(name_w)] + [e.rjust(max(len(e), 6)) for e in exercises] + ["total".rjust(7)]
    lines = ["  ".join(header), "-" * len("  ".join(header))]
    for r in results:
        if not r.graded:
            lines.append(f"{str(r.path).ljust(name_w)}  {r.status}")
            continue
        cells = [str(r.path).ljust(name_w)]
        for e in exercises:
            txt = f"{_fmt(r.scores[e])}/{_fmt(r.maximum[e])}" if e in r.maximum else "-"
            txt += AVISO if e in r.warnings else ""
            cells.append(txt.rjust(max(len(e), 6)))
        cells.append(f"{_fmt(r.total)}/{_fmt(r.max_total)}".rjust(7))
        lines.append("  ".join(cells))
    feedback = [f"  {r.path} · {e}: {msg}" for r in results for e, msg in r.feedback.items()]
    if feedback:
        lines += ["", "Comentarios de las comprobaciones que no pasaron:"] + feedback
    notes = [f"  {AVISO} {r.path} · {e}: " + "; ".join(ws) for r in results for e, ws in r.warnings.items()]
    if notes:
        lines += ["", f"Avisos para el docente ({AVISO}; revísalos a mano):"] + notes
    return "\n".join(lines)


def write_csv(results: list[Result], path: Path) -> None:
    """Escribe el CSV para el docente: una fila por entrega."""
    exercises = []
    for r in results:
        exercises += [e for e in r.maximum if e not in exercises]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["entrega", "laboratorio", "estado", *exercises, "total", "maximo", "comentarios",
                    "avisos", "aislamiento"])
        for r in results:
            w.writerow([str(r.path), r.lab, r.status,
                        *[_fmt(r.scores[e]) if e in r.scores else "" for e in exercises],
                        _fmt(r.total) if r.graded else "", _fmt(r.max_total) if r.maximum else "",
                        " | ".join(f"{e}: {m}" for e, m in r.feedback.items()), _warnings_text(r), r.isolation])


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise __import__("argparse").ArgumentTypeError(f"se esperaba un número entero y llegó {text!r}") from None
    if value <= 0:
        raise __import__("argparse").ArgumentTypeError(f"debe ser un entero positivo y llegó {value}")
    return value


def main(argv=None) -> int:
    parser = SpanishArgumentParser(prog="python -m utils.grade",
                                     description="Califica entregas de los laboratorios con nbval, cada una "
                                                 "aislada en un sandbox de bubblewrap.")
    parser.add_argument("entregas", nargs="+", metavar="RUTA", help="cuadernos o carpetas con entregas")
    parser.add_argument("--csv", default="calificaciones.csv", metavar="ARCHIVO", help="archivo CSV de salida (por defecto: %(default)s)")
    parser.add_argument("--timeout-celda", type=_positive, default=120, metavar="SEGUNDOS", help="segundos máximos por celda (por defecto: %(default)s)")
    parser.add_argument("--timeout", type=_positive, default=900, metavar="SEGUNDOS", help="segundos máximos por entrega (por defecto: %(default)s)")
    parser.add_argument("--trabajos", type=_positive, default=os.cpu_count() or 1, metavar="N",
                        help="entregas que se califican a la vez, cada una en su sandbox (por defecto: los núcleos, %(default)s)")
    parser.add_argument("--avisos", choices=["cero", "marcar"], default="marcar",
                        help="qué hacer con un ejercicio con aviso (referencia importada, igual a la solución "
                             "oficial o copiado de otra entrega): «marcar» conserva los puntos y muestra ⚠; "
                             "«cero» lo deja en cero (por defecto: %(default)s)")
    parser.add_argument("--memoria", type=_positive, default=Limits.memory_mb, metavar="MIB",
                        help="espacio de direcciones máximo por proceso, en MiB (por defecto: %(default)s)")
    parser.add_argument("--cpu", type=_positive, default=Limits.cpu_s, metavar="SEGUNDOS",
                        help="segundos de CPU máximos por proceso (por defecto: %(default)s)")
    parser.add_argument("--tamano-archivo", type=_positive, default=Limits.file_mb, metavar="MIB",
                        help="tamaño máximo de un archivo que escriba la entrega, en MiB (por defecto: %(default)s)")
    parser.add_argument("--procesos", type=_positive, default=Limits.processes, metavar="N",
                        help="procesos e hilos máximos de una entrega (por defecto: %(default)s)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--exigir-aislamiento", action="store_true",
                       help="termina con error si no se puede usar bubblewrap, en vez de calificar sin sandbox")
    group.add_argument("--sin-aislamiento", action="store_true",
                       help="no usa bubblewrap aunque esté disponible (solo para depurar; no lo uses con entregas reales)")
    args = parser.parse_args(argv)

    available, message = sandbox_status()
    if args.sin_aislamiento:
        print("AVISO: SIN AISLAMIENTO (--sin-aislamiento): las entregas se ejecutan con tus permisos, "
              "con red y viendo tus archivos.", flush=True)
    elif not available:
        if args.exigir_aislamiento:
            print(f"ERROR: no se puede aislar las entregas: {message}. Se pidió --exigir-aislamiento; "
                  "no se calificó nada.", file=sys.stderr)
            return 2
        print(f"AVISO: SIN AISLAMIENTO. {message}. Las entregas se ejecutan solo con límites de recursos: "
              "pueden usar la red, leer tus archivos y escribir donde tu usuario pueda. "
              "Usa --exigir-aislamiento para que esto sea un error.", flush=True)
    else:
        print(f"Aislamiento: {message}.", flush=True)

    labs = source_labs()
    files, errors = collect(args.entregas)
    hidden = [Path(p).resolve() for p in args.entregas if Path(p).is_dir()]
    limits = Limits(args.memoria, args.cpu, args.tamano_archivo, args.procesos)
    print(f"Calificando {len(files)} entregas con {args.trabajos} trabajos …", flush=True)
    results = grade_batch(files, labs, jobs=args.trabajos, progress=True, hidden=hidden,
                          cell_timeout=args.timeout_celda, timeout=args.timeout, limits=limits,
                          sandbox=False if args.sin_aislamiento else None)
    apply_policy(results, args.avisos)
    results += errors
    print()
    print(format_table(results))
    try:
        write_csv(results, Path(args.csv))
    except OSError as exc:
        print(f"\nNo se pudo escribir el CSV {args.csv}: {exc.strerror or exc}.", file=sys.stderr)
        return 1
    ok = sum(r.graded for r in results)
    print(f"\n{ok} de {len(results)} entregas calificadas; CSV escrito en {args.csv}.")
    return 0 if results and ok == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
