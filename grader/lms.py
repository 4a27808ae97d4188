"""Notas para el aula virtual: del CSV del calificador a Moodle y a Canvas.

El calificador escribe un CSV con una fila por entrega (``entrega``,
``laboratorio``, ``estado``, un punto por ejercicio, ``total``, ``maximo``,
``comentarios``…). Este módulo cruza ese CSV con la **lista de la clase** y
escribe un libro de calificaciones que cada plataforma importa:

- **Moodle** (Calificaciones → Importar → Archivo CSV): columnas ``First name``,
  ``Last name``, ``ID number``, ``Email address`` y, por laboratorio, una
  columna de nota y otra de comentarios. Al importar, se elige «Email address»
  (o «ID number») para identificar al usuario y se asigna cada columna a su
  ítem de calificación y a su retroalimentación.
- **Canvas** (Calificaciones → Importar): columnas ``Student``, ``ID``,
  ``SIS User ID``, ``SIS Login ID``, ``Section`` y una por laboratorio; la
  segunda fila es ``Points Possible``. Si se da el número de la tarea de
  Canvas (``--canvas-tarea lab01=12345``), la columna se llama
  ``Laboratorio 1 (12345)`` y Canvas la asocia a esa tarea; sin número, crea
  una tarea nueva.

La lista de la clase es un CSV con encabezados (en español o en inglés):

=================  =======================================================
columna            qué contiene
=================  =======================================================
``nombre``         nombre para mostrar (obligatoria)
``apellidos``      opcional; si falta, ``nombre`` es el nombre completo
``correo``         correo electrónico (``correo`` o ``id``: al menos una)
``id``             número de identificación (Moodle «ID number», Canvas «SIS User ID»)
``id_canvas``      opcional: el número interno de Canvas del estudiante
``seccion``        opcional: la sección de Canvas
``entrega``        opcional: nombre o patrón (``*ana*perez*``) del archivo entregado;
                   si falta se busca el ``id`` o la parte del correo antes de «@»
=================  =======================================================

Nada se descarta en silencio: una entrega que no corresponde a nadie, un
estudiante sin entrega, una entrega que corresponde a varias personas o una
persona con varias entregas del mismo laboratorio se listan en el informe (y la
nota queda vacía para que el docente decida).

Uso::

    python -m grader.lms calificaciones.csv --lista clase.csv --moodle moodle.csv --canvas canvas.csv
"""

from __future__ import annotations

import csv
import fnmatch
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePath

COLUMNAS_LISTA = {
    "nombre": ("nombre", "name", "student", "nombre completo", "full name"),
    "apellidos": ("apellidos", "apellido", "last name", "surname"),
    "correo": ("correo", "email", "e-mail", "correo electrónico", "email address"),
    "id": ("id", "id number", "idnumber", "sis user id", "matrícula", "matricula", "legajo", "documento"),
    "id_canvas": ("id_canvas", "canvas id", "canvas_id"),
    "seccion": ("seccion", "sección", "section"),
    "entrega": ("entrega", "archivo", "submission", "patrón", "patron"),
}


class ErrorDeLista(ValueError):
    """La lista de la clase o el CSV de notas no tienen el formato esperado."""


@dataclass
class Estudiante:
    nombre: str
    apellidos: str = ""
    correo: str = ""
    id: str = ""
    id_canvas: str = ""
    seccion: str = ""
    entrega: str = ""

    def patrones(self) -> list[str]:
        """Patrones (fnmatch, sin distinguir mayúsculas) del archivo que entregó.

        Con ``entrega``, ese patrón; si no, el ``id`` o la parte del correo antes de «@».
        """
        if self.entrega:
            return [self.entrega if any(c in self.entrega for c in "*?[") else f"*{self.entrega}*"]
        claves = [self.id, self.correo.split("@")[0]]
        return [f"*{c}*" for c in claves if c]

    def reconoce(self, archivo: str) -> bool:
        return any(fnmatch.fnmatchcase(archivo.lower(), p.lower()) for p in self.patrones())

    def nombre_canvas(self) -> str:
        return f"{self.apellidos}, {self.nombre}" if self.apellidos else self.nombre


@dataclass
class Nota:
    entrega: str
    laboratorio: str
    total: str
    maximo: str
    comentarios: str
    estado: str


@dataclass
class Cruce:
    """Resultado de cruzar las notas con la lista."""
    laboratorios: list[str]
    maximos: dict[str, str]
    notas: dict[tuple[int, str], Nota] = field(default_factory=dict)   # (estudiante, lab) → nota
    sin_dueno: list[Nota] = field(default_factory=list)
    ambiguas: list[tuple[Nota, list[int]]] = field(default_factory=list)
    repetidas: dict[tuple[int, str], list[Nota]] = field(default_factory=dict)
    sin_entrega: dict[str, list[int]] = field(default_factory=dict)    # lab → estudiantes


def _encabezados(campos: list[str], archivo: str) -> dict[str, str]:
    normal = {c.strip().lower(): c for c in campos if c}
    mapa = {}
    for clave, nombres in COLUMNAS_LISTA.items():
        for n in nombres:
            if n in normal:
                mapa[clave] = normal[n]
                break
    if "nombre" not in mapa:
        raise ErrorDeLista(f"{archivo}: falta la columna «nombre» (encabezados: {', '.join(campos)}).")
    if "correo" not in mapa and "id" not in mapa:
        raise ErrorDeLista(f"{archivo}: hace falta una columna «correo» o «id» para identificar a cada estudiante.")
    return mapa


def leer_lista(ruta) -> list[Estudiante]:
    """Lee la lista de la clase (CSV con encabezados, UTF-8 o UTF-8 con BOM).

    >>> import tempfile, os
    >>> p = os.path.join(tempfile.mkdtemp(), "clase.csv")
    >>> _ = open(p, "w", encoding="utf-8").write("nombre,correo\\nAna Pérez,ana@uni.edu\\n")
    >>> leer_lista(p)[0].patrones()
    ['*ana*']
    """
    ruta = Path(ruta)
    try:
        texto = ruta.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ErrorDeLista(f"No existe la lista de la clase {ruta.name}.") from None
    except UnicodeDecodeError:
        raise ErrorDeLista(f"{ruta.name} no está en UTF-8: guárdala como «CSV UTF-8».") from None
    primera = texto.splitlines()[0] if texto.strip() else ""
    separador = max(",;\t", key=primera.count)   # Excel en español guarda con «;»
    lector = csv.DictReader(texto.splitlines(), delimiter=separador)
    mapa = _encabezados(lector.fieldnames or [], ruta.name)
    estudiantes = []
    for n, fila in enumerate(lector, start=2):
        datos = {k: (fila.get(col) or "").strip() for k, col in mapa.items()}
        if not any(datos.values()):
            continue
        if not datos.get("nombre") or not (datos.get("correo") or datos.get("id")):
            raise ErrorDeLista(f"{ruta.name}, fila {n}: cada estudiante necesita nombre y correo o id.")
        estudiantes.append(Estudiante(**datos))
    if not estudiantes:
        raise ErrorDeLista(f"{ruta.name} no tiene estudiantes.")
    return estudiantes


def leer_notas(ruta) -> list[Nota]:
    """Lee el CSV que escribe el calificador (``python -m utils.grade … --csv``)."""
    ruta = Path(ruta)
    try:
        with open(ruta, newline="", encoding="utf-8") as fh:
            lector = csv.DictReader(fh)
            faltan = {"entrega", "laboratorio", "estado", "total", "maximo"} - set(lector.fieldnames or [])
            if faltan:
                raise ErrorDeLista(f"{ruta.name} no parece un CSV del calificador: faltan {', '.join(sorted(faltan))}.")
            return [Nota(f["entrega"], f["laboratorio"], f["total"], f["maximo"], f.get("comentarios", ""),
                         f["estado"]) for f in lector]
    except FileNotFoundError:
        raise ErrorDeLista(f"No existe el CSV de notas {ruta.name}.") from None


def cruzar(notas: list[Nota], estudiantes: list[Estudiante]) -> Cruce:
    """Asigna cada entrega a su estudiante por el patrón de su archivo."""
    laboratorios = sorted({n.laboratorio for n in notas if n.laboratorio})
    maximos = {}
    for n in notas:
        if n.maximo and n.laboratorio not in maximos:
            maximos[n.laboratorio] = n.maximo
    cruce = Cruce(laboratorios, maximos)
    for nota in notas:
        archivo = PurePath(nota.entrega).name
        duenos = [i for i, e in enumerate(estudiantes) if e.reconoce(archivo)]
        if not duenos:
            cruce.sin_dueno.append(nota)
        elif len(duenos) > 1:
            cruce.ambiguas.append((nota, duenos))
        else:
            clave = (duenos[0], nota.laboratorio)
            if clave in cruce.repetidas:
                cruce.repetidas[clave].append(nota)
            elif clave in cruce.notas:
                cruce.repetidas[clave] = [cruce.notas.pop(clave), nota]
            else:
                cruce.notas[clave] = nota
    for lab in laboratorios:
        faltan = [i for i in range(len(estudiantes))
                  if (i, lab) not in cruce.notas and (i, lab) not in cruce.repetidas]
        if faltan:
            cruce.sin_entrega[lab] = faltan
    return cruce


def nombre_lab(lab: str) -> str:
    """``lab01_regresion_logistica`` → «Laboratorio 1»."""
    m = re.match(r"lab0*(\d+)", lab)
    return f"Laboratorio {m.group(1)}" if m else lab


def _nota(cruce: Cruce, i: int, lab: str) -> str:
    n = cruce.notas.get((i, lab))
    return n.total if n else ""


def escribir_moodle(ruta, cruce: Cruce, estudiantes: list[Estudiante]) -> None:
    """Libro de calificaciones para la importación CSV de Moodle (UTF-8, comas)."""
    cab = ["First name", "Last name", "ID number", "Email address"]
    for lab in cruce.laboratorios:
        cab += [nombre_lab(lab), f"Comentarios: {nombre_lab(lab)}"]
    with open(ruta, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(cab)
        for i, e in enumerate(estudiantes):
            fila = [e.nombre, e.apellidos, e.id, e.correo]
            for lab in cruce.laboratorios:
                n = cruce.notas.get((i, lab))
                fila += [n.total if n else "", n.comentarios if n else ""]
            w.writerow(fila)


def escribir_canvas(ruta, cruce: Cruce, estudiantes: list[Estudiante], tareas: dict[str, str] | None = None) -> None:
    """Libro de calificaciones para la importación CSV de Canvas, con la fila «Points Possible»."""
    tareas = tareas or {}
    columnas = [f"{nombre_lab(lab)} ({tareas[lab]})" if lab in tareas else nombre_lab(lab)
                for lab in cruce.laboratorios]
    with open(ruta, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", *columnas])
        w.writerow(["Points Possible", "", "", "", "", *[cruce.maximos.get(lab, "") for lab in cruce.laboratorios]])
        for i, e in enumerate(estudiantes):
            w.writerow([e.nombre_canvas(), e.id_canvas, e.id, e.correo, e.seccion,
                        *[_nota(cruce, i, lab) for lab in cruce.laboratorios]])


def informe(cruce: Cruce, estudiantes: list[Estudiante]) -> str:
    """Texto para el docente con todo lo que no se pudo asignar."""
    lineas = [f"{len(cruce.notas)} notas asignadas a {len({i for i, _ in cruce.notas})} de {len(estudiantes)} estudiantes."]
    for n in cruce.sin_dueno:
        lineas.append(f"  · Entrega sin estudiante en la lista: {PurePath(n.entrega).name} ({nombre_lab(n.laboratorio)}).")
    for n, duenos in cruce.ambiguas:
        nombres = ", ".join(estudiantes[i].nombre for i in duenos)
        lineas.append(f"  · Entrega que corresponde a varias personas ({nombres}): {PurePath(n.entrega).name}; no se asignó.")
    for (i, lab), ns in cruce.repetidas.items():
        archivos = ", ".join(PurePath(n.entrega).name for n in ns)
        lineas.append(f"  · {estudiantes[i].nombre} tiene varias entregas del {nombre_lab(lab)} ({archivos}); no se asignó ninguna.")
    for lab, faltan in cruce.sin_entrega.items():
        for i in faltan:
            if (i, lab) not in cruce.repetidas:
                lineas.append(f"  · {estudiantes[i].nombre} no tiene entrega del {nombre_lab(lab)}.")
    for (i, lab), n in cruce.notas.items():
        if n.estado != "calificado" and not n.total:
            lineas.append(f"  · La entrega de {estudiantes[i].nombre} ({nombre_lab(lab)}) no tiene nota: {n.estado}.")
    return "\n".join(lineas)


def _tareas(valores: list[str]) -> dict[str, str]:
    out = {}
    for v in valores:
        lab, sep, num = v.partition("=")
        if not sep or not num.strip().isdigit():
            raise ErrorDeLista(f"--canvas-tarea espera LAB=NÚMERO (por ejemplo lab01=12345); llegó {v!r}.")
        out[lab.strip()] = num.strip()
    return out


def main(argv=None) -> int:
    from utils.validation import SpanishArgumentParser

    p = SpanishArgumentParser(prog="python -m grader.lms",
                              description="Convierte el CSV del calificador en libros de calificaciones de Moodle y Canvas.")
    p.add_argument("notas", nargs="+", help="CSV escritos por el calificador (uno o varios laboratorios)")
    p.add_argument("--lista", required=True, metavar="CSV", help="lista de la clase (ver la documentación del módulo)")
    p.add_argument("--moodle", metavar="CSV", help="escribe el libro para Moodle")
    p.add_argument("--canvas", metavar="CSV", help="escribe el libro para Canvas")
    p.add_argument("--canvas-tarea", action="append", default=[], metavar="LAB=NÚMERO",
                   help="número de la tarea de Canvas de un laboratorio (se puede repetir)")
    args = p.parse_args(argv)
    if not args.moodle and not args.canvas:
        p.error("indica al menos --moodle o --canvas")
    try:
        estudiantes = leer_lista(args.lista)
        notas = [n for ruta in args.notas for n in leer_notas(ruta)]
        cruce = cruzar(notas, estudiantes)
        if args.moodle:
            escribir_moodle(args.moodle, cruce, estudiantes)
        if args.canvas:
            escribir_canvas(args.canvas, cruce, estudiantes, _tareas(args.canvas_tarea))
    except ErrorDeLista as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"Error: no se pudo escribir o leer un archivo: {exc.strerror or exc}.", file=sys.stderr)
        return 2
    print(informe(cruce, estudiantes))
    escritos = [a for a in (args.moodle, args.canvas) if a]
    print("Escrito: " + ", ".join(escritos) + ".")
    return 0


if __name__ == "__main__":
    sys.exit(main())
