"""Comprobaciones de los laboratorios, con mensajes en español que enseñan.

Una celda de comprobación de un laboratorio llama a estas funciones para comparar
el trabajo del estudiante con la implementación de referencia de ``utils``.
Si algo falla lanzan :class:`CheckFailed` (una ``AssertionError``) con un
mensaje que dice qué se esperaba, qué llegó y, cuando se puede, qué revisar.
Si todo va bien, :func:`passed` lo anuncia.

Ejemplo
-------
>>> import numpy as np
>>> out = call_student(np.tanh, 0.0, name="tanh")
>>> check_close(out, 0.0, what="tanh(0)")
>>> passed("tanh", 1)
✔ Ejercicio «tanh» correcto (+1 punto).
"""

from __future__ import annotations

import numpy as np


class CheckFailed(AssertionError):
    """Una comprobación del laboratorio no pasó; el mensaje explica por qué."""


def call_student(func, *args, name: str, **kwargs):
    """Llama a la función del estudiante traduciendo sus fallos a mensajes claros.

    - ``NotImplementedError`` (el ejercicio sigue sin resolver) se convierte en
      «Todavía no completaste …».
    - Cualquier otra excepción se informa con su tipo y su mensaje.

    Devuelve lo que devuelva ``func(*args, **kwargs)``.

    >>> call_student(abs, -2, name="abs")
    2
    """
    if not callable(func):
        raise CheckFailed(f"`{name}` debería ser una función, pero es {type(func).__name__}.")
    try:
        return func(*args, **kwargs)
    except NotImplementedError:
        raise CheckFailed(
            f"Todavía no completaste `{name}`: reemplaza «# TU CÓDIGO AQUÍ» y el "
            "`raise NotImplementedError` por tu implementación."
        ) from None
    except CheckFailed:
        raise
    except Exception as exc:  # noqa: BLE001 - se reporta al estudiante
        raise CheckFailed(f"`{name}` lanzó {type(exc).__name__}: {exc}") from None


def check_close(actual, expected, what: str, hint: str = "", rtol: float = 1e-6, atol: float = 1e-8) -> None:
    """Comprueba que ``actual`` tenga la forma de ``expected`` y valores cercanos.

    Parámetros
    ----------
    actual, expected : array_like o número
    what : str
        Qué se está comprobando, en palabras (aparece en el mensaje).
    hint : str
        Pista que se añade al mensaje si la comprobación falla.
    rtol, atol : float
        Tolerancias relativa y absoluta, como en ``np.allclose``.

    >>> check_close([0.5, 1.0], [0.5, 1.0], what="el vector")
    """
    pista = f" Pista: {hint}" if hint else ""
    if actual is None:
        raise CheckFailed(f"{what}: tu código devolvió None. ¿Te falta un `return`?{pista}")
    try:
        got = np.asarray(actual, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailed(f"{what}: se esperaba un número o arreglo numérico y llegó {type(actual).__name__}.{pista}") from None
    want = np.asarray(expected, dtype=float)
    if got.shape != want.shape:
        raise CheckFailed(f"{what}: la forma es {got.shape} y debería ser {want.shape}.{pista}")
    if np.isnan(got).any() and not np.isnan(want).any():
        raise CheckFailed(f"{what}: el resultado contiene NaN.{pista}")
    if not np.allclose(got, want, rtol=rtol, atol=atol):
        idx = np.unravel_index(np.argmax(np.abs(got - want)), got.shape) if got.shape else ()
        pos = f" en la posición {tuple(int(i) for i in idx)}" if got.shape else ""
        raise CheckFailed(
            f"{what}: obtuviste {got[idx]:.6g}{pos}, pero debería ser {want[idx]:.6g}.{pista}"
        )


def check_true(condition: bool, message: str) -> None:
    """Lanza :class:`CheckFailed` con ``message`` si ``condition`` es falsa.

    >>> check_true(1 + 1 == 2, "La suma falla.")
    """
    if not condition:
        raise CheckFailed(message)


def passed(exercise: str, points: float) -> None:
    """Anuncia que un ejercicio pasó su comprobación.

    >>> passed("sigmoid", 2)
    ✔ Ejercicio «sigmoid» correcto (+2 puntos).
    """
    unidad = "punto" if points == 1 else "puntos"
    pts = int(points) if float(points).is_integer() else points
    print(f"✔ Ejercicio «{exercise}» correcto (+{pts} {unidad}).")
