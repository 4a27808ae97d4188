"""Califica entregas de laboratorios con nbval.

Uso::

    python -m utils.grade ENTREGAS... [--csv calificaciones.csv]

``ENTREGAS`` son cuadernos o carpetas (se recorren recursivamente). Para cada
entrega:

1. se identifica su laboratorio (metadato ``curso.lab`` o el prefijo ``labNN``
   del nombre) y se toman del laboratorio fuente las celdas de comprobación y
   sus puntos, de modo que una entrega no puede cambiarse los puntos ni
   «arreglar» una comprobación;
2. se copia a un directorio temporal y se ejecuta ahí con nbval, con un límite
   de tiempo por celda y otro por entrega (un bucle infinito no detiene el lote);
3. cada celda de comprobación que pasa suma sus puntos.

Se imprime una tabla por ejercicio y se escribe un CSV. Una entrega ilegible
(JSON roto, un archivo que no es cuaderno) recibe su propia línea de error y el
resto del lote se califica igual. El código de salida es 0 si todas las entregas
se pudieron calificar y 1 si alguna no.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from . import notebooks
from .validation import SpanishArgumentParser

ROOT = notebooks.ROOT
LABS_DIR = ROOT / "labs"


@dataclass
class Result:
    """Resultado de calificar una entrega."""

    path: Path
    lab: str = ""
    status: str = "calificado"          # «calificado» o un mensaje de error
    scores: dict = field(default_factory=dict)    # ejercicio → puntos obtenidos
    maximum: dict = field(default_factory=dict)   # ejercicio → puntos posibles
    feedback: dict = field(default_factory=dict)  # ejercicio → primera línea del fallo

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
    declared = nb.get("metadata", {}).get("curso", {}).get("lab")
    if declared in labs:
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


def official_checks(reference: dict) -> dict[str, dict]:
    """Ejercicio → ``{"puntos", "source", "id"}`` según el laboratorio fuente."""
    out = {}
    for name, info in notebooks.exercise_cells(reference).items():
        cell = reference["cells"][info["celda"]]
        out[name] = {"puntos": info["puntos"], "source": notebooks._source(cell), "id": cell.get("id")}
    return out


def _which_check(cell: dict, checks: dict[str, dict]) -> str | None:
    """Qué comprobación oficial es ``cell``, o ``None``.

    Primero por el metadato ``curso.comprueba``; si un editor lo perdió, por el
    ``id`` de la celda o por su primera línea («# Comprobación del ejercicio …»).
    """
    name = cell.get("metadata", {}).get("curso", {}).get("comprueba")
    if name in checks:
        return name
    first = notebooks._source(cell).strip().split("\n", 1)[0]
    for name, info in checks.items():
        if info["id"] and cell.get("id") == info["id"]:
            return name
        if first and first.startswith("#") and first == info["source"].strip().split("\n", 1)[0]:
            return name
    return None


def prepare(nb: dict, checks: dict[str, dict]) -> dict:
    """Copia de la entrega con las comprobaciones oficiales y sin salidas previas."""
    nb = json.loads(json.dumps(nb))
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
            name = _which_check(cell, checks)
            if name:
                cell["source"] = checks[name]["source"]
                cell.setdefault("metadata", {})["curso"] = {"comprueba": name, "puntos": checks[name]["puntos"]}
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
# Ejecutar con nbval
# ---------------------------------------------------------------------------

def _first_line(text: str) -> str:
    """Primera línea útil de un fallo (el mensaje de CheckFailed, si lo hay), en español."""
    text = re.sub(r"(\x1b|#x1B)\[[0-9;]*m", "", text or "")
    m = re.search(r"CheckFailed: (.+)", text)
    if m:
        return m.group(1).strip()[:300]
    m = re.search(r"Timeout of ([\d.]+) seconds exceeded", text)
    if m:
        return (f"la celda superó el tiempo límite de {float(m.group(1)):g} s "
                "(¿un bucle infinito, o el núcleo de Python se detuvo?)")
    if "Kernel dead" in text or "Kernel died" in text:
        return "el núcleo de Python se detuvo antes de esta celda (¿os._exit, sys.exit o falta de memoria?)"
    for pattern in (r"(NotImplementedError.*)", r"(\w+Error: .+)"):
        m = re.search(pattern, text)
        if m:
            return m.group(1).strip()[:300]
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    return lines[-1][:300] if lines else "falló"


def _skip_reason(message: str) -> str:
    """Explica en español por qué nbval no ejecutó una celda."""
    if "timed out" in (message or ""):
        return "no se ejecutó: una celda anterior superó el tiempo límite y nbval detuvo el cuaderno"
    return "celda omitida por nbval"


def run_nbval(nb_path: Path, workdir: Path, cell_timeout: int, timeout: int) -> tuple[dict[int, str | None], str]:
    """Ejecuta nbval sobre ``nb_path`` dentro de ``workdir``.

    Devuelve ``({número de celda: None si pasó, o el mensaje del fallo}, estado)``.
    """
    report = workdir / "informe.xml"
    (workdir / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    home = workdir / "home"
    home.mkdir(exist_ok=True)
    env = dict(os.environ)
    env.update({
        "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
        "HOME": str(home), "TMPDIR": str(workdir), "MPLBACKEND": "Agg",
        "TF_CPP_MIN_LOG_LEVEL": "3", "TF_ENABLE_ONEDNN_OPTS": "0",
        "JUPYTER_RUNTIME_DIR": str(workdir / "runtime"),
        "IPYTHONDIR": str(workdir / "ipython"), "MPLCONFIGDIR": str(workdir / "mpl"),
    })
    if "KERAS_HOME" not in os.environ:  # que la entrega use el caché de datos del usuario
        env["KERAS_HOME"] = str(Path(os.path.expanduser("~")) / ".keras")
    cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval-lax",
           f"--nbval-cell-timeout={cell_timeout}", "--nbval-kernel-name=python3",
           f"--junitxml={report}", "--rootdir", str(workdir), "-c", str(workdir / "pytest.ini"),
           nb_path.name]
    proc = subprocess.Popen(cmd, cwd=workdir, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return {}, f"tiempo agotado: la entrega tardó más de {timeout} s en total"
    if not report.exists():
        return {}, "nbval no pudo ejecutar la entrega: " + _first_line(out)
    results = {}
    for case in ET.parse(report).getroot().iter("testcase"):
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


def grade_file(path: Path, labs: dict[str, Path], cell_timeout: int = 120, timeout: int = 900) -> Result:
    """Califica una entrega; nunca lanza excepciones por culpa de la entrega."""
    result = Result(path=path)
    if path.suffix.lower() != ".ipynb":
        result.status = "error: no es un cuaderno de Jupyter (.ipynb)"
        return result
    try:
        raw = path.read_bytes()
        nb = json.loads(raw.decode("utf-8"))
        if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
            raise ValueError
        import nbformat

        nbformat.validate(nbformat.reads(raw.decode("utf-8"), as_version=4))
    except (UnicodeDecodeError, json.JSONDecodeError):
        result.status = "error: archivo corrupto (no es JSON válido); pide al estudiante que lo vuelva a descargar"
        return result
    except Exception:  # noqa: BLE001 - cualquier estructura inválida
        result.status = "error: el archivo no tiene la estructura de un cuaderno de Jupyter"
        return result
    lab = identify_lab(nb, path, labs)
    if lab is None:
        result.status = "error: no se reconoce a qué laboratorio corresponde (nombre labNN_… o metadato curso.lab)"
        return result
    result.lab = lab
    checks = official_checks(notebooks.load(labs[lab]))
    result.maximum = {name: info["puntos"] for name, info in checks.items()}
    result.scores = {name: 0 for name in checks}
    prepared = prepare(nb, checks)
    numbers = check_cell_numbers(prepared)
    for name in checks:
        if name not in numbers.values():
            result.feedback[name] = "falta la celda de comprobación en la entrega"
    with tempfile.TemporaryDirectory(prefix="calificar-") as tmp:
        workdir = Path(tmp)
        target = workdir / "entrega.ipynb"
        target.write_text(json.dumps(prepared, ensure_ascii=False), encoding="utf-8")
        cells, status = run_nbval(target, workdir, cell_timeout, timeout)
    if status != "calificado":
        result.status = "error: " + status
        return result
    for number, name in numbers.items():
        if name not in checks:
            continue
        if number in cells and cells[number] is None:
            result.scores[name] = checks[name]["puntos"]
            result.feedback.pop(name, None)
        else:
            result.feedback[name] = cells.get(number) or "no se ejecutó"
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


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def format_table(results: list[Result]) -> str:
    """Tabla de texto: una fila por entrega, una columna por ejercicio."""
    exercises = []
    for r in results:
        exercises += [e for e in r.maximum if e not in exercises]
    name_w = max([len("entrega")] + [len(str(r.path)) for r in results])
    header = ["entrega".ljust(name_w)] + [e.rjust(max(len(e), 5)) for e in exercises] + ["total".rjust(7)]
    lines = ["  ".join(header), "-" * len("  ".join(header))]
    for r in results:
        if not r.graded:
            lines.append(f"{str(r.path).ljust(name_w)}  {r.status}")
            continue
        cells = [str(r.path).ljust(name_w)]
        for e in exercises:
            txt = f"{_fmt(r.scores[e])}/{_fmt(r.maximum[e])}" if e in r.maximum else "-"
            cells.append(txt.rjust(max(len(e), 5)))
        cells.append(f"{_fmt(r.total)}/{_fmt(r.max_total)}".rjust(7))
        lines.append("  ".join(cells))
    feedback = [f"  {r.path} · {e}: {msg}" for r in results for e, msg in r.feedback.items()]
    if feedback:
        lines += ["", "Comentarios de las comprobaciones que no pasaron:"] + feedback
    return "\n".join(lines)


def write_csv(results: list[Result], path: Path) -> None:
    """Escribe el CSV para el docente: una fila por entrega."""
    exercises = []
    for r in results:
        exercises += [e for e in r.maximum if e not in exercises]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["entrega", "laboratorio", "estado", *exercises, "total", "maximo", "comentarios"])
        for r in results:
            w.writerow([str(r.path), r.lab, r.status,
                        *[_fmt(r.scores[e]) if e in r.scores else "" for e in exercises],
                        _fmt(r.total) if r.graded else "", _fmt(r.max_total) if r.maximum else "",
                        " | ".join(f"{e}: {m}" for e, m in r.feedback.items())])


def main(argv=None) -> int:
    parser = SpanishArgumentParser(prog="python -m utils.grade",
                                     description="Califica entregas de los laboratorios con nbval.")
    parser.add_argument("entregas", nargs="+", metavar="RUTA", help="cuadernos o carpetas con entregas")
    parser.add_argument("--csv", default="calificaciones.csv", metavar="ARCHIVO", help="archivo CSV de salida (por defecto: %(default)s)")
    parser.add_argument("--timeout-celda", type=int, default=120, metavar="SEGUNDOS", help="segundos máximos por celda (por defecto: %(default)s)")
    parser.add_argument("--timeout", type=int, default=900, metavar="SEGUNDOS", help="segundos máximos por entrega (por defecto: %(default)s)")
    args = parser.parse_args(argv)

    labs = source_labs()
    files, results = collect(args.entregas)
    for f in files:
        print(f"Calificando {f} …", flush=True)
        results.append(grade_file(f, labs, args.timeout_celda, args.timeout))
    print()
    print(format_table(results))
    write_csv(results, Path(args.csv))
    ok = sum(r.graded for r in results)
    print(f"\n{ok} de {len(results)} entregas calificadas; CSV escrito en {args.csv}.")
    return 0 if results and ok == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
