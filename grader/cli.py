"""Califica entregas de laboratorios: sondas en un sandbox, jueces fuera de él.

Uso::

    python -m utils.grade ENTREGAS... [--csv calificaciones.csv] [--trabajos N] [--disco MIB] [--memoria MIB]

``ENTREGAS`` son cuadernos o carpetas (se recorren recursivamente). Para cada entrega:

1. se reconoce su laboratorio y se toman del laboratorio fuente y de ``grader/labs``
   sus comprobaciones y sus puntos (:mod:`grader.submission`); cada celda de
   comprobación se cambia por la sonda oficial. Un laboratorio sin portar a sondas y
   jueces no se califica: su entrega recibe una línea de error y el lote sigue;
2. se ejecuta en un sandbox de bubblewrap (:mod:`grader.sandbox`): sin red, sin ver el
   curso (solo una copia podada para su laboratorio, :mod:`grader.copies`), con un uid
   propio, un área escribible de ``--disco`` MiB y un tope de ``--memoria`` MiB para
   todos sus procesos juntos;
3. el arnés (:mod:`grader.harness`) recoge por un tubo los datos de las sondas, con
   topes de tamaño y un plazo, y mata la entrega (solo la suya) al terminar;
4. los jueces (:mod:`grader.judges`), en otro proceso que no ejecuta código del
   estudiante, deciden cada ejercicio a partir de esos datos;
5. se marcan con ⚠ los ejercicios que importan la referencia, copian la solución
   oficial o son idénticos a otra entrega (:mod:`grader.static`); se escribe la tabla
   y el CSV (:mod:`grader.report`).

Ningún veredicto sale del proceso del estudiante.

Una entrega ilegible, que se pasa de tiempo o cuyo núcleo muere recibe su línea en
español y el lote sigue. El código de salida es 0 si todas se pudieron calificar.
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from utils import notebooks
from utils.validation import SpanishArgumentParser

from . import copies, harness, static
from .judges import JudgePool
from .report import Result, apply_policy, format_table, mark_copies, write_csv  # noqa: F401
from .sandbox import Limits, sandbox_status
from .submission import (UnportedLab, check_cells, identify_lab, lab_id, load_submission, official_checks,
                         prepare, source_labs)


def _missing_reason(out: harness.Outcome, limits: Limits, cell_timeout: int) -> str:
    if out.memory:
        return (f"no se ejecutó: la entrega se detuvo al pasar el límite de memoria de {limits.memory_mb} MiB "
                "(todos sus procesos juntos)")
    estado = (out.end or {}).get("estado")
    if estado == "tiempo_celda":
        return (f"no se ejecutó: una celda anterior superó el tiempo límite de {cell_timeout} s "
                "(¿un bucle infinito?) y la ejecución se detuvo")
    if estado == "nucleo_muerto":
        return ("el núcleo de Python se detuvo antes de esta celda (¿os._exit, sys.exit, falta de memoria "
                "o el límite de CPU?)")
    if out.overflow:
        return "no se ejecutó: la entrega mandó más datos de los permitidos y se detuvo"
    return "no se ejecutó"


def _earlier_error(cell_errors: dict[int, str], after: int, before: int, message: str = "") -> str:
    """La causa que suele estar detrás de una comprobación que falla: una celda anterior (no de
    comprobación) que lanzó un error desde la comprobación previa. Texto no confiable: solo se muestra."""
    errors = [cell_errors[i] for i in sorted(cell_errors) if after < i < before]
    if not errors:
        return ""
    text = " ".join(errors[-1].split())
    if text.split(": ", 1)[-1][:60] in " ".join(message.split()):  # el comentario ya lo dice
        return ""
    return (f" Antes de esta comprobación, una celda del cuaderno lanzó un error: «{text[:300]}». "
            "Arréglala primero: lo que esa celda debía crear no existe o quedó a medias.")


def grade_file(path: Path, labs: dict[str, Path], cell_timeout: int = 120, timeout: int = 900,
               limits: Limits | None = None, sandbox: bool | None = None, hidden: list[Path] = (),
               judges: JudgePool | None = None, slot: int = 0) -> Result:
    """Califica una entrega; nunca lanza excepciones por culpa de la entrega."""
    result = Result(path=path)
    own = judges is None
    judges = judges or JudgePool()
    start = time.monotonic()
    try:
        return _grade_file(result, path, labs, cell_timeout, timeout, limits or Limits(), sandbox, hidden, judges)
    except Exception as exc:  # noqa: BLE001 - un fallo del calificador no detiene el lote
        result.status = f"error interno del calificador ({type(exc).__name__}: {exc}); avisa al equipo del curso"
        return result
    finally:
        result.seconds = time.monotonic() - start
        if own:
            judges.close()


def _grade_file(result, path, labs, cell_timeout, timeout, limits, sandbox, hidden, judges) -> Result:
    nb, error = load_submission(path)
    if nb is None:
        result.status = error
        return result
    lab = identify_lab(nb, path, labs)
    if lab is None:
        result.status = "error: no se reconoce a qué laboratorio corresponde (nombre labNN_… o metadato curso.lab)"
        return result
    result.lab = lab
    reference = notebooks.load(labs[lab])
    try:
        checks = official_checks(reference, lab)
    except UnportedLab as exc:  # su veredicto saldría del núcleo del estudiante: no se califica
        result.status = str(exc)
        return result
    result.maximum = {name: info["puntos"] for name, info in checks.items()}
    result.scores = {name: 0 for name in checks}
    prepared = prepare(nb, checks, lab)
    numbers = check_cells(prepared)
    result.warnings, result.fingerprints = static.analyze(prepared, reference)
    available, message = sandbox_status()
    use_sandbox = available if sandbox is None else (sandbox and available)
    result.isolation = message if use_sandbox else ("SIN AISLAMIENTO: " + (message if not available else
                                                                         "desactivado con --sin-aislamiento"))
    cells = {i: {"lab": lab_id(lab), "ejercicio": name} for i, name in numbers.items()}
    course = copies.course_copy(lab, reference)
    worker = judges.acquire()
    try:
        worker.start()  # el juez arranca mientras la entrega corre
        out = harness.run(prepared, cells, course, limits, cell_timeout, timeout, use_sandbox, hidden)
        return _collect(result, out, worker, checks, numbers, lab, limits, cell_timeout, timeout, prepared)
    finally:
        judges.release(worker)


def _collect(result, out, worker, checks, numbers, lab, limits, cell_timeout, timeout, prepared):
    """Convierte lo que mandaron las sondas en puntos y comentarios (los decide el juez)."""
    if out.timed_out:
        result.status = f"error: tiempo agotado: la entrega tardó más de {timeout} s en total"
        return result
    if out.memory:
        result.notes.append(f"se detuvo al pasar el límite de memoria de {limits.memory_mb} MiB (todos sus "
                            "procesos juntos); cuentan las comprobaciones que ya habían terminado")
    if not out.records and not out.memory:
        if out.end is None or out.end.get("estado") == "fallo":
            detail = (out.end or {}).get("detalle") or harness.meaningful_tail(out.tail) or "sin mensaje"
            result.status = "error: la entrega no pudo ejecutarse: " + detail
            return result
    if any(r.get("disco_lleno") for r in [*out.records.values(), out.end or {}]):
        result.notes.append(f"llenó su área de escritura ({limits.disk_mb} MiB, --disco); lo que escribió "
                            "después falló")
    previous = -1
    for number, name in sorted(numbers.items()):
        rec = out.records.get(number)
        if rec is None:
            result.feedback[name] = _missing_reason(out, limits, cell_timeout)
        elif rec.get("datos") is None:
            result.feedback[name] = ("la comprobación no produjo datos"
                                     + (f" (la celda lanzó {rec['error'][:300]})" if rec.get("error") else "")
                                     + "; ¿se modificó el entorno de la comprobación?")
        else:
            ok, message = worker.judge(lab_id(lab), name, rec["datos"])
            if ok:
                result.scores[name] = checks[name]["puntos"]
            else:
                result.feedback[name] = message or "falló"
        if name in result.feedback:
            result.feedback[name] += _earlier_error(out.cell_errors, previous, number, result.feedback[name])
        previous = number
    for c in prepared["cells"]:
        if c.get("metadata", {}).get("curso", {}).get("reinsertada"):
            result.warnings.setdefault(c["metadata"]["curso"]["comprueba"], []).append(
                "la entrega no tenía su celda de comprobación; el calificador la añadió al final")
    return result


def collect(paths: list[str]) -> tuple[list[Path], list[Result]]:
    """Expande carpetas; las rutas inexistentes vuelven como resultados con error."""
    files, errors = [], []
    for p in map(Path, paths):
        if p.is_dir():
            files += sorted(f for f in p.rglob("*") if f.is_file() and not f.is_symlink()
                            and ".ipynb_checkpoints" not in f.parts and not f.name.startswith("."))
        elif p.is_file():
            files.append(p)
        else:
            errors.append(Result(path=p, status="error: la ruta no existe"))
    return files, errors


def grade_batch(files: list[Path], labs: dict[str, Path], jobs: int = 1, progress: bool = False,
                hidden: list[Path] = (), **kwargs) -> list[Result]:
    """Califica ``files`` con ``jobs`` trabajos en paralelo; los resultados, en el orden de entrada."""
    hidden = list(hidden) + [f.resolve() for f in files] + sorted({f.resolve().parent for f in files})
    bar = None
    if progress:
        try:
            from tqdm import tqdm

            bar = tqdm(total=len(files), desc="Calificando", unit="entrega", file=sys.stderr)
        except ImportError:
            bar = None
    results: list[Result | None] = [None] * len(files)
    lock = threading.Lock()
    pool = JudgePool()

    def work(i: int) -> None:
        try:
            results[i] = grade_file(files[i], labs, hidden=hidden, judges=pool, **kwargs)
        finally:
            with lock:
                if bar is not None:
                    bar.update(1)
                elif progress:
                    print(f"Calificada {files[i]}", file=sys.stderr, flush=True)

    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as ex:
            list(ex.map(work, range(len(files))))
    finally:
        pool.close()
    if bar is not None:
        bar.close()
    out = [r for r in results if r is not None]
    mark_copies(out)
    return out


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"se esperaba un número entero y llegó {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"debe ser un entero positivo y llegó {value}")
    return value


def main(argv=None) -> int:
    parser = SpanishArgumentParser(prog="python -m utils.grade",
                                     description="Califica entregas de los laboratorios: cada una corre aislada en "
                                                 "un sandbox de bubblewrap y la deciden jueces fuera de él.")
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
                        help="memoria residente máxima de una entrega, sumando todos sus procesos, en MiB (por defecto: %(default)s)")
    parser.add_argument("--disco", type=_positive, default=Limits.disk_mb, metavar="MIB",
                        help="espacio máximo que una entrega puede escribir, en MiB; vive en memoria (tmpfs) y "
                             "desaparece al terminar (por defecto: %(default)s)")
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
    limits = Limits(memory_mb=args.memoria, disk_mb=args.disco, cpu_s=args.cpu, file_mb=args.tamano_archivo,
                    processes=args.procesos)
    print(f"Calificando {len(files)} entregas con {args.trabajos} trabajos …", flush=True)
    try:
        results = grade_batch(files, labs, jobs=args.trabajos, progress=True, hidden=hidden,
                              cell_timeout=args.timeout_celda, timeout=args.timeout, limits=limits,
                              sandbox=False if args.sin_aislamiento else None)
    finally:
        copies.cleanup()
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
