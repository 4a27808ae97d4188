"""Fechas escritas en español, generadas sin conexión, y su forma ISO.

Es la tarea del capítulo «Atención y transformadores» y del laboratorio 8: leer una fecha escrita de
muchas maneras («3 de marzo de 2021», «03/03/21», «miércoles, 3 de marzo de
2021», «3 mar. 2021»…) y escribirla como ``2021-03-03``. Todo sale de un
generador con semilla: no hace falta Internet y cada semilla da los mismos
ejemplos en cualquier computadora.

Los años van de 1950 a 2049; con dos cifras, «49» es 2049 y «50» es 1950.

>>> textos, iso, formatos = generate(3, seed=0)
>>> len(textos) == len(iso) == len(formatos) == 3
True
>>> all(len(s) == 10 and s[4] == s[7] == "-" for s in iso)
True
"""

from __future__ import annotations

import datetime as _dt

import numpy as np

MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio",
          "agosto", "septiembre", "octubre", "noviembre", "diciembre")
WEEKDAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")

# Cada formato recibe (día, mes, año, día de la semana) y devuelve el texto.
FORMATS = {
    "d/mm/aa": lambda d, m, a, s: f"{d:02d}/{m:02d}/{a % 100:02d}",
    "d/m/aaaa": lambda d, m, a, s: f"{d}/{m}/{a}",
    "d-m-aaaa": lambda d, m, a, s: f"{d}-{m}-{a}",
    "d.m.aa": lambda d, m, a, s: f"{d}.{m}.{a % 100:02d}",
    "d mes. aaaa": lambda d, m, a, s: f"{d} {MONTHS[m - 1][:3]}. {a}",
    "d de mes de aaaa": lambda d, m, a, s: f"{d} de {MONTHS[m - 1]} de {a}",
    "mes d, aaaa": lambda d, m, a, s: f"{MONTHS[m - 1]} {d}, {a}",
    "el d de mes del aaaa": lambda d, m, a, s: f"el {d} de {MONTHS[m - 1]} del {a}",
    "semana, d de mes de aaaa": lambda d, m, a, s: f"{WEEKDAYS[s]}, {d} de {MONTHS[m - 1]} de {a}",
    "semana d de mes del aa": lambda d, m, a, s: f"{WEEKDAYS[s]} {d} de {MONTHS[m - 1]} del {a % 100:02d}",
}

INPUT_CHARS = " ,-./0123456789abcdefgijlmnoprstuvyzáé"   # el 0 de los índices es el relleno
OUTPUT_CHARS = "0123456789-"
ISO_LENGTH = 10
_FIRST, _LAST = _dt.date(1950, 1, 1).toordinal(), _dt.date(2049, 12, 31).toordinal()


def generate(n: int, seed: int = 0, formats=None):
    """``n`` fechas al azar escritas en español, con su forma ISO y su formato.

    Parámetros
    ----------
    n : int
        Cuántas fechas.
    seed : int
        Semilla: la misma semilla da las mismas fechas.
    formats : lista de str, opcional
        Nombres de :data:`FORMATS` entre los que se elige (por defecto, todos).

    Devuelve ``(textos, iso, formatos)``: tres listas de ``n`` textos.

    >>> generate(2, seed=1, formats=["d de mes de aaaa"])[0][0].count(" de ")
    2
    """
    if not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"`n` debe ser un entero positivo; llegó {n!r}.")
    nombres = list(FORMATS) if formats is None else list(formats)
    desconocidos = [f for f in nombres if f not in FORMATS]
    if desconocidos or not nombres:
        raise ValueError(f"Formatos desconocidos: {desconocidos}. Los válidos son: {list(FORMATS)}.")
    rng = np.random.default_rng(seed)
    dias = rng.integers(_FIRST, _LAST + 1, size=n)
    elegidos = rng.integers(0, len(nombres), size=n)
    textos, iso, formatos = [], [], []
    for dia, k in zip(dias, elegidos):
        fecha = _dt.date.fromordinal(int(dia))
        textos.append(FORMATS[nombres[k]](fecha.day, fecha.month, fecha.year, fecha.weekday()))
        iso.append(fecha.isoformat())
        formatos.append(nombres[k])
    return textos, iso, formatos


def encode_inputs(texts, length: int, pad: str = "end") -> np.ndarray:
    """Convierte textos en índices de caracteres, con relleno 0.

    Devuelve un arreglo de enteros de forma ``(len(texts), length)``; el
    carácter ``INPUT_CHARS[i]`` se codifica como ``i + 1``. Con
    ``pad="start"`` el relleno va al principio, de modo que el último paso de
    una red recurrente es el último carácter del texto.

    >>> encode_inputs(["1/2"], 5).tolist()
    [[7, 5, 8, 0, 0]]
    >>> encode_inputs(["1/2"], 5, pad="start").tolist()
    [[0, 0, 7, 5, 8]]
    """
    if pad not in ("end", "start"):
        raise ValueError(f"`pad` debe ser \"end\" o \"start\"; llegó {pad!r}.")
    salida = np.zeros((len(texts), length), dtype="int32")
    for i, texto in enumerate(texts):
        if len(texto) > length:
            raise ValueError(f"El texto {texto!r} tiene {len(texto)} caracteres; el máximo es {length}.")
        inicio = length - len(texto) if pad == "start" else 0
        for j, ch in enumerate(texto):
            k = INPUT_CHARS.find(ch)
            if k < 0:
                raise ValueError(f"El carácter {ch!r} de {texto!r} no está en INPUT_CHARS.")
            salida[i, inicio + j] = k + 1
    return salida


def encode_targets(isos) -> np.ndarray:
    """Fechas ISO → índices en :data:`OUTPUT_CHARS`, de forma ``(n, 10)``.

    >>> encode_targets(["2021-03-03"])[0, :5].tolist()
    [2, 0, 2, 1, 10]
    """
    for s in isos:
        if len(s) != ISO_LENGTH or any(ch not in OUTPUT_CHARS for ch in s):
            raise ValueError(f"{s!r} no es una fecha ISO de la forma aaaa-mm-dd.")
    return np.array([[OUTPUT_CHARS.index(ch) for ch in s] for s in isos], dtype="int32")


def decode_targets(ids) -> list:
    """Índices (o probabilidades) de forma ``(n, 10[, 11])`` → textos ISO.

    >>> decode_targets(encode_targets(["1999-12-31"]))
    ['1999-12-31']
    """
    ids = np.asarray(ids)
    if ids.ndim == 3:                                   # probabilidades: el carácter más probable
        ids = ids.argmax(axis=-1)
    return ["".join(OUTPUT_CHARS[int(k)] for k in fila) for fila in ids]


def months(isos) -> np.ndarray:
    """Mes (0 = enero, …, 11 = diciembre) de cada fecha ISO, forma ``(n,)``.

    >>> months(["2021-03-03", "1999-12-31"]).tolist()
    [2, 11]
    """
    return np.array([int(s[5:7]) - 1 for s in isos], dtype="int32")


def one_hot_with_positions(texts, length: int, pe) -> np.ndarray:
    """Entrada del laboratorio 8: cada carácter *one-hot* seguido de su codificación posicional.

    ``pe`` es una codificación posicional de forma ``(length, d_pe)``. Devuelve
    un arreglo ``float32`` de forma ``(n, length, len(INPUT_CHARS) + d_pe)``; las
    posiciones de relleno tienen el *one-hot* en cero y conservan su codificación.

    >>> one_hot_with_positions(["1/2"], 4, np.zeros((4, 2))).shape
    (1, 4, 40)
    """
    pe = np.asarray(pe, dtype="float32")
    if pe.ndim != 2 or pe.shape[0] != length:
        raise ValueError(f"`pe` debe tener forma (length, d_pe) = ({length}, d_pe); tiene forma {pe.shape}.")
    ids = encode_inputs(texts, length)
    uno = np.eye(len(INPUT_CHARS) + 1, dtype="float32")[ids][:, :, 1:]     # el relleno queda en ceros
    return np.concatenate([uno, np.broadcast_to(pe, (len(texts), *pe.shape))], axis=-1)
