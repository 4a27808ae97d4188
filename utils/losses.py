"""Funciones de pérdida en NumPy, idénticas a las de Keras para probabilidades.

Cada función devuelve un ``float``: el promedio de la pérdida sobre las
muestras. Las probabilidades se recortan a ``[EPSILON, 1 - EPSILON]`` para que
``log(0)`` nunca aparezca; ``EPSILON = 1e-7`` es el mismo valor que usa Keras
(``keras.config.epsilon()``).

Todo se calcula en float64, como ``keras.losses.binary_crossentropy`` con
arreglos float64. Las clases como ``keras.losses.BinaryCrossentropy()``
calculan en float32, donde ``1 - 1e-7`` vale 0.99999988: con probabilidades
exactamente 0 o 1 su resultado difiere del nuestro en torno al 0,5 %; con
cualquier otra probabilidad coinciden hasta la precisión de float32.
"""

from __future__ import annotations

import numpy as np

from .validation import as_array, check_same_shape

__all__ = ["EPSILON", "binary_cross_entropy", "categorical_cross_entropy", "mse"]

EPSILON = 1e-7
_LOGITS_HINT = " ¿Pasaste logits en vez de probabilidades? Aplica antes sigmoid o softmax."


def _check_pair(y, p, name_y: str, name_p: str, ndim=None):
    """Convierte ``y`` y ``p`` en arreglos y comprueba que tengan la misma forma y no estén vacíos."""
    y = as_array(y, name_y, ndim=ndim)
    p = as_array(p, name_p, ndim=ndim)
    check_same_shape(y, p, name_y, name_p)
    if y.size == 0:
        raise ValueError(f"`{name_y}` y `{name_p}` están vacíos; se necesita al menos una muestra.")
    return y, p


def _check_unit_interval(x, name: str, hint: str = "") -> None:
    """Lanza ``ValueError`` si ``x`` tiene valores fuera de [0, 1]."""
    if np.any(x < 0) or np.any(x > 1):
        raise ValueError(
            f"`{name}` debe contener valores en [0, 1]; hay valores entre {x.min():.3g} y {x.max():.3g}.{hint}"
        )


def binary_cross_entropy(y, p):
    """Entropía cruzada binaria media: ``-mean(y log p + (1 - y) log(1 - p))``.

    Entradas: ``y`` (etiquetas en [0, 1]) y ``p`` (probabilidades) con la misma
    forma, p. ej. ``(m,)`` o ``(m, 1)``. Salida: ``float``. Coincide con
    ``keras.losses.BinaryCrossentropy()``.

    >>> round(binary_cross_entropy([1, 0], [0.9, 0.1]), 4)
    0.1054
    """
    y, p = _check_pair(y, p, "y", "p")
    _check_unit_interval(y, "y")
    _check_unit_interval(p, "p", _LOGITS_HINT)
    p = np.clip(p, EPSILON, 1.0 - EPSILON)
    return float(-np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)))


def categorical_cross_entropy(y_onehot, p):
    """Entropía cruzada categórica media: ``-mean_muestras(suma_clases(y log p))``.

    Entradas: ``y_onehot`` y ``p`` de forma ``(m, k)``, una fila por muestra
    (también ``(k,)`` para una sola muestra o ``(m, t, k)``: las clases van
    siempre en el último eje). Como Keras, primero divide ``p`` por su suma
    sobre las clases (para que sume 1) y después recorta a
    ``[EPSILON, 1 - EPSILON]``. Salida: ``float``. Coincide con
    ``keras.losses.CategoricalCrossentropy()``.

    >>> round(categorical_cross_entropy([[0, 1]], [[0.2, 0.8]]), 4)
    0.2231
    """
    y, p = _check_pair(y_onehot, p, "y_onehot", "p", ndim=(1, 2, 3))
    _check_unit_interval(p, "p", _LOGITS_HINT)
    row_sums = np.sum(p, axis=-1, keepdims=True)
    if np.any(row_sums == 0):
        raise ValueError("Cada fila de `p` debe tener alguna probabilidad mayor que cero; hay filas que suman 0.")
    p = np.clip(p / row_sums, EPSILON, 1.0 - EPSILON)
    return float(-np.mean(np.sum(y * np.log(p), axis=-1)))


def mse(y, y_hat):
    """Error cuadrático medio: ``mean((y - y_hat)**2)`` sobre todos los elementos.

    Entradas: ``y`` e ``y_hat`` con la misma forma, p. ej. ``(m,)`` o ``(m, k)``.
    Salida: ``float``. Coincide con ``keras.losses.MeanSquaredError()``.

    >>> mse([1.0, 2.0], [1.0, 4.0])
    2.0
    """
    y, y_hat = _check_pair(y, y_hat, "y", "y_hat")
    return float(np.mean((y - y_hat) ** 2))
