"""Validación de entradas compartida por los módulos de ``utils``.

Cada función convierte la entrada en un arreglo de NumPy y, si algo no cuadra,
lanza ``ValueError`` o ``TypeError`` con un mensaje en español que dice qué se
esperaba y qué llegó.
"""

from __future__ import annotations

import argparse
import numbers
import sys

import numpy as np


def as_array(x, name: str, ndim=None, allow_nan: bool = False, allow_inf: bool = False) -> np.ndarray:
    """Convierte ``x`` en un arreglo ``float64`` y comprueba su número de ejes.

    Parámetros
    ----------
    x : array_like
        Datos numéricos (lista, escalar o ``np.ndarray``).
    name : str
        Nombre del argumento, para el mensaje de error.
    ndim : int, tupla de int o None
        Número de ejes admitido (``None`` admite cualquiera).
    allow_nan : bool
        Si es ``False``, rechaza valores NaN o infinitos.
    allow_inf : bool
        Si es ``True``, admite ±infinito (pero no NaN), como en los *logits*
        enmascarados con ``-inf``.

    Ejemplo
    -------
    >>> as_array([[1, 2]], "X", ndim=2).shape
    (1, 2)
    """
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError(f"`{name}` debe ser numérico (un arreglo de NumPy o una lista de números); llegó {type(x).__name__}.")
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"`{name}` debe contener solo números; no se pudo convertir a arreglo ({exc}).") from None
    if ndim is not None:
        allowed = (ndim,) if isinstance(ndim, numbers.Integral) else tuple(ndim)
        if arr.ndim not in allowed:
            texto = " o ".join(str(n) for n in allowed)
            ejes = "eje" if allowed == (1,) else "ejes"
            raise ValueError(f"`{name}` debe tener {texto} {ejes} (dimensiones); tiene {arr.ndim} con forma {arr.shape}.")
    if allow_inf and not allow_nan and np.isnan(arr).any():
        raise ValueError(f"`{name}` contiene valores NaN; revisa los datos o la tasa de aprendizaje.")
    if not allow_nan and not allow_inf and arr.size and not np.all(np.isfinite(arr)):
        raise ValueError(f"`{name}` contiene valores NaN o infinitos; revisa los datos o la tasa de aprendizaje.")
    return arr


def check_positive_int(value, name: str) -> int:
    """Comprueba que ``value`` sea un entero estrictamente positivo y lo devuelve.

    >>> check_positive_int(2, "stride")
    2
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{name}` debe ser un entero; llegó {value!r} ({type(value).__name__}).")
    if value <= 0:
        raise ValueError(f"`{name}` debe ser un entero positivo; llegó {value}.")
    return int(value)


def check_nonnegative_int(value, name: str) -> int:
    """Comprueba que ``value`` sea un entero mayor o igual que cero y lo devuelve.

    >>> check_nonnegative_int(0, "padding")
    0
    """
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"`{name}` debe ser un entero; llegó {value!r} ({type(value).__name__}).")
    if value < 0:
        raise ValueError(f"`{name}` no puede ser negativo; llegó {value}.")
    return int(value)


def check_same_shape(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Lanza ``ValueError`` si ``a`` y ``b`` no tienen la misma forma.

    >>> check_same_shape(np.zeros(3), np.ones(3), "y", "p")
    """
    if a.shape != b.shape:
        raise ValueError(f"`{name_a}` y `{name_b}` deben tener la misma forma; tienen {a.shape} y {b.shape}.")


class SpanishArgumentParser(argparse.ArgumentParser):
    """``argparse.ArgumentParser`` con la ayuda y los errores en español.

    La usan las órdenes del curso (``python -m utils.grade``, ``python -m utils.notebooks``).
    """

    class _Formatter(argparse.HelpFormatter):
        def add_usage(self, usage, actions, groups, prefix=None):
            return super().add_usage(usage, actions, groups, prefix="uso: ")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", self._Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "argumentos"
        self._optionals.title = "opciones"
        self.add_argument("-h", "--help", action="help", help="muestra esta ayuda y termina")

    def error(self, message):
        traducciones = {
            "the following arguments are required": "faltan estos argumentos",
            "unrecognized arguments": "argumentos desconocidos",
            "invalid choice": "opción no válida",
            "invalid int value": "se esperaba un número entero y llegó",
            "expected one argument": "esta opción necesita un valor",
            "choose from": "elige entre",
            "argument ": "argumento ",
        }
        for en, es in traducciones.items():
            message = message.replace(en, es)
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")
