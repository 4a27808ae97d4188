"""Califica entregas de laboratorios (punto de entrada de compatibilidad).

El calificador vive en su propio paquete, ``grader/`` (ver ``grader/cli.py`` e
``instructores.md``); aquí solo queda la orden de siempre::

    python -m utils.grade ENTREGAS... [--csv calificaciones.csv] [--trabajos N] [--disco MIB] [--memoria MIB]
"""

import sys

from grader.cli import collect, grade_batch, grade_file, main  # noqa: F401
from grader.report import Result, apply_policy, format_table, mark_copies, write_csv  # noqa: F401
from grader.sandbox import Limits, sandbox_status  # noqa: F401
from grader.submission import identify_lab, source_labs  # noqa: F401

if __name__ == "__main__":
    sys.exit(main())
