"""Gramática de Reber y gramática de Reber incrustada, con NumPy puro.

La gramática de Reber incrustada es una prueba clásica para redes recurrentes
(Cleeremans, Servan-Schreiber y McClelland, 1989). Hochreiter y Schmidhuber
(1997) la usaron en su primer experimento para comparar la LSTM con RTRL, BPTT,
redes de Elman y la cascada-correlación recurrente; ellos mismos aclaran que no
es un problema de retardos largos (el retardo mínimo es corto), y sus pruebas
de memoria larga son otros experimentos, con retardos de hasta 1000 pasos. El
capítulo 14 filtra las cadenas a 18–26 símbolos (un cambio propio del curso)
para que el símbolo a recordar quede entre 14 y 22 pasos atrás.

La **gramática de Reber** es un grafo de estados: se
empieza con ``B``, cada estado elige al azar (50 % / 50 %) una de sus dos
flechas y escribe su símbolo, y se termina con ``E``::

    estado 0 --B--> 1
    estado 1 --T--> 2    estado 1 --P--> 3
    estado 2 --S--> 2    estado 2 --X--> 4
    estado 3 --T--> 3    estado 3 --V--> 5
    estado 4 --X--> 3    estado 4 --S--> 6
    estado 5 --P--> 4    estado 5 --V--> 6
    estado 6 --E--> fin

Por ejemplo ``BTSSXXTVVE`` o ``BPVVE``. La **versión incrustada** escribe ``B``,
luego ``T`` o ``P``, luego una cadena de Reber completa, luego **el mismo**
``T`` o ``P`` y por último ``E``: ``BTBPVVETE``. Para predecir el penúltimo
símbolo hay que recordar el segundo, que quedó tantos pasos atrás como
símbolos tenga la cadena interna (de 5 en adelante; la mayoría, menos de diez).

Las cadenas se codifican *one-hot* con el alfabeto :data:`SYMBOLS` y forma
(batch, time, 7), rellenando con ceros al final las cadenas más cortas.
"""

from __future__ import annotations

import numpy as np

from .validation import check_nonnegative_int, check_positive_int

__all__ = [
    "SYMBOLS",
    "reber_string",
    "embedded_reber_string",
    "generate",
    "next_symbols",
    "is_valid",
    "one_hot",
    "next_symbol_targets",
]

#: Alfabeto de la gramática, en el orden de las columnas de la codificación one-hot.
SYMBOLS = "BTSXPVE"

# Grafo de Reber: estado → {símbolo: estado siguiente}; None marca el final.
_REBER = {
    0: {"B": 1},
    1: {"T": 2, "P": 3},
    2: {"S": 2, "X": 4},
    3: {"T": 3, "V": 5},
    4: {"X": 3, "S": 6},
    5: {"P": 4, "V": 6},
    6: {"E": None},
}


def _embedded_graph() -> dict:
    """El grafo incrustado: dos copias del de Reber, una por rama (T o P).

    Cada estado interno lleva la rama elegida, ``(rama, k)``: así el autómata
    «recuerda» qué símbolo tiene que repetir antes de la E final.
    """
    graph = {"inicio": {"B": "rama"}, "rama": {"T": ("T", 0), "P": ("P", 0)}, "cierre": {"E": None}}
    for branch in "TP":
        for k, arrows in _REBER.items():
            graph[(branch, k)] = {s: (branch, nxt if nxt is not None else "fin") for s, nxt in arrows.items()}
        graph[(branch, "fin")] = {branch: "cierre"}
    return graph


_GRAMMARS = {False: (_REBER, 0), True: (_embedded_graph(), "inicio")}


def _check_rng(rng):
    """Acepta un ``np.random.Generator`` o una semilla entera."""
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(f"`rng` debe ser un np.random.Generator o una semilla entera; llegó {type(rng).__name__}.")


def _sample(rng, embedded: bool) -> str:
    """Recorre el grafo desde el inicio eligiendo cada flecha al azar (50 % / 50 %)."""
    graph, state = _GRAMMARS[embedded]
    out = []
    while state is not None:
        arrows = list(graph[state].items())
        symbol, state = arrows[rng.integers(len(arrows))]
        out.append(symbol)
    return "".join(out)


def reber_string(rng) -> str:
    """Genera una cadena de la gramática de Reber recorriendo el grafo al azar.

    ``rng`` es un ``np.random.Generator`` o una semilla entera.

    >>> reber_string(0)
    'BPVVE'
    """
    return _sample(_check_rng(rng), embedded=False)


def embedded_reber_string(rng) -> str:
    """Genera una cadena de Reber incrustada: ``B`` + (T|P) + Reber + (el mismo T|P) + ``E``.

    >>> s = embedded_reber_string(1)
    >>> s[1] == s[-2], s[1] in "TP"
    (True, True)
    """
    return _sample(_check_rng(rng), embedded=True)


def generate(n, seed=0, embedded=True, min_length=0, max_length=None) -> list[str]:
    """Genera ``n`` cadenas de Reber (incrustadas por omisión) con largos en [min_length, max_length].

    Las cadenas que no cumplen los largos se descartan y se genera otra, así que
    el resultado depende solo de los argumentos (misma semilla → mismas cadenas).

    >>> cadenas = generate(5, seed=0, min_length=12, max_length=14)
    >>> all(12 <= len(s) <= 14 and is_valid(s) for s in cadenas)
    True
    """
    n = check_positive_int(n, "n")
    min_length = check_nonnegative_int(min_length, "min_length")
    shortest = 9 if embedded else 5          # BTBTXSETE y BTXSE
    if max_length is not None:
        max_length = check_positive_int(max_length, "max_length")
        if max_length < max(min_length, shortest):
            raise ValueError(
                f"No hay cadenas con largo entre {min_length} y {max_length}: la más corta "
                f"{'incrustada ' if embedded else ''}tiene {shortest} símbolos."
            )
    if min_length > 40:
        raise ValueError(f"`min_length` = {min_length} es demasiado: casi ninguna cadena de Reber llega a tanto.")
    rng = np.random.default_rng(check_nonnegative_int(seed, "seed"))
    out = []
    while len(out) < n:
        s = _sample(rng, embedded)
        if len(s) >= min_length and (max_length is None or len(s) <= max_length):
            out.append(s)
    return out


def _walk(string: str, embedded: bool) -> list[set]:
    """Recorre ``string`` por el grafo; devuelve los símbolos válidos tras cada prefijo.

    Si la cadena se sale de la gramática, lanza ``ValueError`` con la posición.
    """
    if not isinstance(string, str) or not string:
        raise TypeError(f"Se esperaba una cadena de texto no vacía; llegó {string!r}.")
    bad = sorted(set(string) - set(SYMBOLS))
    if bad:
        raise ValueError(f"La cadena {string!r} tiene símbolos fuera del alfabeto {SYMBOLS}: {bad}.")
    graph, state = _GRAMMARS[embedded]
    sets = []
    for pos, symbol in enumerate(string):
        if state is None:
            raise ValueError(f"La cadena {string!r} sigue después de la E final (posición {pos}).")
        if symbol not in graph[state]:
            allowed = "".join(sorted(graph[state], key=SYMBOLS.index))
            raise ValueError(
                f"La cadena {string!r} no es válida: en la posición {pos} aparece {symbol!r} "
                f"y solo podía seguir {allowed}."
            )
        state = graph[state][symbol]
        sets.append(set(graph[state]) if state is not None else set())
    if state is not None:
        raise ValueError(f"La cadena {string!r} está incompleta: no termina con la E final.")
    return sets


def next_symbols(string, embedded=True) -> list[set]:
    """Símbolos válidos después de cada posición de ``string``: una lista de conjuntos.

    El elemento ``k`` es el conjunto de símbolos que la gramática permite tras
    leer ``string[:k + 1]``; tras la ``E`` final es el conjunto vacío. En la
    versión incrustada el penúltimo conjunto tiene un solo símbolo: el
    segundo de la cadena (la dependencia más larga de la cadena).

    >>> [''.join(sorted(s)) for s in next_symbols("BTBTXSETE")]
    ['PT', 'B', 'PT', 'SX', 'SX', 'E', 'T', 'E', '']
    """
    return _walk(string, embedded)


def is_valid(string, embedded=True) -> bool:
    """``True`` si ``string`` pertenece a la gramática (incrustada por omisión).

    >>> is_valid("BTBTXSETE"), is_valid("BTBTXSEPE")
    (True, False)
    """
    try:
        _walk(string, embedded)
    except ValueError:
        return False
    return True


def _check_strings(strings, length):
    if isinstance(strings, str):
        strings = [strings]
    strings = list(strings)
    if not strings or not all(isinstance(s, str) and s for s in strings):
        raise TypeError("`strings` debe ser una lista no vacía de cadenas de texto no vacías.")
    longest = max(len(s) for s in strings)
    length = longest if length is None else check_positive_int(length, "length")
    if length < longest:
        raise ValueError(f"`length` = {length} no alcanza: la cadena más larga tiene {longest} símbolos.")
    return strings, length


def one_hot(strings, length=None) -> np.ndarray:
    """Codifica cadenas *one-hot*: forma (batch, length, 7), con ceros al final como relleno.

    ``length`` es el número de pasos (por omisión, el de la cadena más larga).
    La columna ``j`` corresponde al símbolo ``SYMBOLS[j]``.

    >>> one_hot(["BTXSE", "BPVVE"], length=6).shape
    (2, 6, 7)
    >>> one_hot("BTXSE")[0, 1]
    array([0., 1., 0., 0., 0., 0., 0.])
    """
    strings, length = _check_strings(strings, length)
    bad = sorted({ch for s in strings for ch in s} - set(SYMBOLS))
    if bad:
        raise ValueError(f"Hay símbolos fuera del alfabeto {SYMBOLS}: {bad}.")
    out = np.zeros((len(strings), length, len(SYMBOLS)))
    for i, s in enumerate(strings):
        out[i, np.arange(len(s)), [SYMBOLS.index(ch) for ch in s]] = 1.0
    return out


def next_symbol_targets(strings, length=None, embedded=True) -> tuple[np.ndarray, np.ndarray]:
    """Objetivos para predecir el símbolo siguiente: ``(Y, mask)``.

    ``Y`` (batch, length, 7) tiene un 1 en cada símbolo que la gramática permite
    después de cada posición (pueden ser dos: la tarea es predecir el
    **conjunto** de siguientes válidos, como en el artículo de 1997).
    ``mask`` (batch, length) vale 1 en las posiciones que tienen un siguiente
    (todas menos la ``E`` final y el relleno).

    >>> Y, mask = next_symbol_targets(["BTBTXSETE"])
    >>> Y.shape, int(mask.sum())
    ((1, 9, 7), 8)
    """
    strings, length = _check_strings(strings, length)
    Y = np.zeros((len(strings), length, len(SYMBOLS)))
    mask = np.zeros((len(strings), length))
    for i, s in enumerate(strings):
        for k, options in enumerate(next_symbols(s, embedded)):
            for ch in options:
                Y[i, k, SYMBOLS.index(ch)] = 1.0
            mask[i, k] = 1.0 if options else 0.0
    return Y, mask
