"""Las comprobaciones oficiales de un laboratorio, leídas de su cuaderno fuente.

El calificador no confía en las celdas de comprobación de la entrega: las toma
del laboratorio fuente (``labs/labNN_….ipynb``). Cada una es, en un laboratorio
portado, una llamada ``check("labNN", "<ejercicio>")`` (ver :mod:`grader.submission`).
"""

from __future__ import annotations

from utils import notebooks


def official_checks(reference: dict) -> dict[str, dict]:
    """Ejercicio → ``{"puntos", "source", "id", "orden"}`` según el laboratorio fuente.

    ``puntos`` es el metadato ``curso.puntos`` de la celda (el calificador usa los de
    ``grader/labs/labNN.py``); ``source`` y ``id`` sirven para reconocer la celda en
    una entrega que perdió sus metadatos; ``orden`` es su posición entre las
    comprobaciones (0, 1, …).

    >>> nb = {"cells": [{"cell_type": "code", "id": "c1", "source": 'check("lab01", "sigmoid")',
    ...                  "metadata": {"curso": {"comprueba": "sigmoid", "puntos": 2}}}]}
    >>> official_checks(nb)["sigmoid"]["orden"]
    0
    """
    out = {}
    for order, (name, info) in enumerate(notebooks.exercise_cells(reference).items()):
        cell = reference["cells"][info["celda"]]
        out[name] = {"puntos": info["puntos"], "source": notebooks._source(cell), "id": cell.get("id"),
                     "orden": order}
    return out
