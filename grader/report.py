"""Resultados de la calificación: la tabla para la terminal y el CSV para el docente.

Columnas del CSV (una fila por entrega, en el orden de entrada; estables para
``grader/lms.py``):

``entrega, laboratorio, estado, <un ejercicio por columna>…, total, maximo,
comentarios, avisos, aislamiento``

- ``estado``: «calificado» o una línea de error en español («error: …»; por ejemplo,
  la de un laboratorio sin portar a sondas y jueces, que no se califica);
- cada ejercicio: los puntos obtenidos (vacío si la entrega no tiene ese ejercicio);
- ``comentarios``: «ejercicio: mensaje del juez» separados por « | »; si la entrega se
  detuvo (memoria, disco), una entrada «entrega: …» al principio;
- ``avisos``: para el docente (referencia importada, copia de la solución oficial o de
  otra entrega, comprobación reinsertada);
- ``aislamiento``: cómo se aisló la entrega.

Todo veredicto lo decide un juez fuera del sandbox, a partir de los datos de las sondas.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

AVISO = "⚠"


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
    notes: list = field(default_factory=list)     # comentarios sobre la entrega entera
    seconds: float = 0.0

    @property
    def graded(self) -> bool:
        return self.status == "calificado"

    @property
    def total(self) -> float:
        return sum(self.scores.values())

    @property
    def max_total(self) -> float:
        return sum(self.maximum.values())


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


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _warnings_text(r: Result) -> str:
    return " | ".join(f"{e}: " + "; ".join(ws) for e, ws in r.warnings.items())


def _comments(r: Result) -> str:
    return " | ".join([f"entrega: {n}" for n in r.notes] + [f"{e}: {m}" for e, m in r.feedback.items()])


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
    feedback = [f"  {r.path}: {n}" for r in results for n in r.notes]
    feedback += [f"  {r.path} · {e}: {msg}" for r in results for e, msg in r.feedback.items()]
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
                        _comments(r), _warnings_text(r), r.isolation])

