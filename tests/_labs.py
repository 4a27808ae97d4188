"""Ayudas comunes de las pruebas de los laboratorios (``tests/test_lab03.py`` … ``test_lab08.py``).

Dos maneras de ejecutar un laboratorio:

- **sin núcleo** (laboratorios 3, 4, 5 y 8): las celdas de código del cuaderno se
  ejecutan en un diccionario que hace de ``__main__`` (:func:`namespace`) y cada
  comprobación corre como en el cuaderno: sonda, ``encode``/``decode`` y juez
  (:func:`verdict` y :func:`grade`);
- **con un núcleo de Jupyter** (laboratorios 6 y 7): :func:`kernel_session` ejecuta el
  cuaderno entero y deja un :class:`Kernel` para redefinir funciones y llamar a
  ``check`` como lo haría la celda de comprobación.

Este archivo no es una prueba: pytest no recoge nada de él.
"""

import contextlib
import os
import time

from grader import api
from utils import notebooks
from utils.checks import CheckFailed

# ---------------------------------------------------------------------------
# Sin núcleo: las celdas del cuaderno en un espacio de nombres
# ---------------------------------------------------------------------------


def code_cells(path, skip=()):
    """Celdas de código del cuaderno ``path``, sin las de comprobación ni las de ids en ``skip``."""
    return [c for c in notebooks.load(path)["cells"] if c["cell_type"] == "code"
            and "comprueba" not in c.get("metadata", {}).get("curso", {}) and c.get("id") not in skip]


def run(ns, src, name="celda", swallow=False):
    """Ejecuta ``src`` en ``ns``; con ``swallow=True`` un error no se propaga (como una celda que falla)."""
    try:
        exec(compile(src, name, "exec"), ns)
    except Exception:
        if not swallow:
            raise


def namespace(path, skip=(), replace=None, extra="", student=False, swallow=None):
    """Ejecuta las celdas de código del laboratorio (sin las comprobaciones) y devuelve sus globales.

    ``replace`` cambia la solución de los ejercicios nombrados (``{ejercicio: código}``);
    ``extra`` se ejecuta al final. Con ``student=True`` todas las soluciones quedan sin
    resolver. Con ``swallow=True`` (por defecto, el valor de ``student``) una celda que
    lanza un error no detiene las siguientes, como en un cuaderno.
    """
    swallow = student if swallow is None else swallow
    ns = {"__name__": "__main__"}
    for cell in code_cells(path, skip):
        info = cell.get("metadata", {}).get("curso", {})
        src = notebooks._source(cell)
        if student and notebooks.is_solution_cell(cell):
            src = notebooks.replace_solutions(src)
        elif replace and info.get("ejercicio") in replace:
            src = notebooks.replace_solutions(src, replace[info["ejercicio"]])
        run(ns, src, cell.get("id", "celda"), swallow=swallow)
    if extra:
        run(ns, extra, "extra")
    return ns


def with_code(ns, code):
    """Copia de ``ns`` después de ejecutar ``code`` en ella (el original no cambia)."""
    ns = dict(ns)
    run(ns, code)
    return ns


def wrong_answer(path, exercise):
    """La respuesta incorrecta de ``exercise`` que guardan los metadatos del cuaderno."""
    return next(c["metadata"]["curso"]["incorrecta"] for c in notebooks.load(path)["cells"]
                if c.get("metadata", {}).get("curso", {}).get("ejercicio") == exercise)


def verdict(lab, ns, name):
    """``None`` si el ejercicio ``name`` pasa sobre ``ns``; si no, el mensaje de ``CheckFailed``.

    Los datos hacen el mismo viaje que en el cuaderno y en el calificador: sonda,
    ``encode``/``decode`` y juez.
    """
    data = api.decode(api.encode(api.run_probe(lab, name, ns)))
    try:
        api.judge(lab, name, data)
    except CheckFailed as exc:
        return str(exc)
    return None


def grade(lab, ns, only=None):
    """``{ejercicio: (puntos, mensaje)}`` corriendo cada sonda y su juez sobre ``ns``.

    ``only`` limita la calificación a los ejercicios nombrados.
    """
    out = {}
    for name, ex in api.exercises(lab).items():
        if only and name not in only:
            continue
        mensaje = verdict(lab, ns, name)
        out[name] = (ex.points, "") if mensaje is None else (0, mensaje)
    return out


def total(res):
    """Puntos sumados de un resultado de :func:`grade`."""
    return sum(p for p, _ in res.values())


# ---------------------------------------------------------------------------
# Con un núcleo de Jupyter (necesitan nbclient y nbformat)
# ---------------------------------------------------------------------------


class Kernel:
    """Un núcleo de Jupyter que ejecuta celdas del laboratorio ``lab`` y fragmentos de código."""

    def __init__(self, client, lab):
        self.client, self.lab = client, lab

    def run(self, source):
        """Ejecuta ``source``; devuelve ``(texto impreso, (nombre, mensaje) del error o None)``."""
        import nbformat

        cell = nbformat.v4.new_code_cell(source)
        self.client.nb.cells.append(cell)            # nbclient guarda la celda ejecutada en su índice
        cell = self.client.execute_cell(cell, len(self.client.nb.cells) - 1)
        texto, error = [], None
        for out in cell.outputs:
            if out.output_type == "stream":
                texto.append(out.text)
            elif out.output_type == "error":
                error = (out.ename, out.evalue)
        return "".join(texto), error

    def check(self, exercise):
        """Lo que haría la celda de comprobación de ``exercise``."""
        return self.run(f'from grader import check\ncheck("{self.lab}", "{exercise}")')


def solution_cells(nb):
    """``{ejercicio: celda}`` de las celdas con solución de un cuaderno de nbformat."""
    return {c.metadata["curso"]["ejercicio"]: c for c in nb.cells
            if c.cell_type == "code" and "ejercicio" in c.metadata.get("curso", {})}


def outputs(cell):
    """``(texto impreso, [(nombre, mensaje) de cada error])`` de una celda ya ejecutada."""
    texto = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    errores = [(o.ename, o.evalue) for o in cell.outputs if o.output_type == "error"]
    return texto, errores


@contextlib.contextmanager
def kernel_session(path, lab, setup):
    """Ejecuta el cuaderno ``path`` entero en un núcleo nuevo y cede ``{"nb", "k", "segundos"}``.

    ``segundos`` es lo que tardaron las celdas; después se ejecuta ``setup`` en el núcleo
    (p. ej. guardar el modelo oficial para restaurarlo). El núcleo se cierra al salir.
    """
    import nbclient
    import nbformat

    nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=True,
                                     resources={"metadata": {"path": str(path.parent)}})
    with client.setup_kernel(env={**os.environ, "MPLBACKEND": "Agg"}):
        inicio = time.perf_counter()
        for i, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, i)
        segundos = time.perf_counter() - inicio
        k = Kernel(client, lab)
        k.run(setup)
        yield {"nb": nb, "k": k, "segundos": segundos}
