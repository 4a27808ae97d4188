"""Calificador del curso: comprobaciones en dos partes (sonda y juez) y calificación aislada.

En un cuaderno, cada celda de comprobación llama a :func:`check`; el calificador
(``python -m utils.grade``) corre las sondas en un sandbox y los jueces fuera de él.
Ver ``grader/api.py`` e ``instructores.md``.
"""

from .api import check

__all__ = ["check"]
