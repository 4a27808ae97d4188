"""Calificación heredada, para los laboratorios aún no portados a sondas y jueces.

Mientras las celdas de comprobación de un laboratorio no sean ``check("labNN", …)``,
el calificador ejecuta la comprobación oficial **dentro** del núcleo del estudiante,
aislada y precedida por la guardia de :mod:`utils.checks` (``snapshot`` y
``run_official_check``), como la primera generación del calificador. Su veredicto
lo produce el proceso del estudiante, así que puede falsificarse: el CSV lo avisa
en la columna ``avisos``. Esta vía desaparece cuando todos los laboratorios estén portados.
"""

from __future__ import annotations

from utils import notebooks

from .static import _bound_names, _imported_modules

WARNING = ("calificación heredada: este laboratorio aún no usa sondas y jueces, y su veredicto se "
           "calcula en el núcleo del estudiante (puede falsificarse)")


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



def check_wrapper(name: str, info: dict) -> str:
    """Código que reemplaza a una celda de comprobación: la oficial, aislada y con guardia."""
    first = info["source"].strip().split("\n", 1)[0]
    return (f"{first}\n# (El calificador ejecuta aquí la comprobación oficial, aislada del resto del cuaderno.)\n"
            "import utils.checks as _calificador_checks\n"
            f"_calificador_checks.run_official_check({name!r}, {info['source']!r}, {info['usa']!r})")


def snapshot_cell(checks: dict) -> dict:
    """Celda inicial que guarda la huella de las funciones que usan las comprobaciones."""
    modules = []
    for info in checks.values():
        modules += [m for m in _imported_modules(info["source"]) if m not in modules]
    return {"cell_type": "code", "execution_count": None, "metadata": {"curso": {"calificador": "huella"}},
            "outputs": [], "source": ("# Calificador: huella de las funciones que usan las comprobaciones.\n"
                                      "import utils.checks as _calificador_checks\n"
                                      f"_calificador_checks.snapshot({modules!r})")}
