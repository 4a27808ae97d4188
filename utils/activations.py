"""Funciones de activación y sus derivadas, en NumPy.

Todas actúan elemento a elemento (salvo ``softmax``, que normaliza a lo largo
de un eje) y devuelven un arreglo ``float64`` con la misma forma que la
entrada. Las derivadas ``*_grad`` se calculan respecto de la ENTRADA ``x``
(no respecto de la salida), igual que hace ``tf.GradientTape``.
"""

from __future__ import annotations

import numbers

import numpy as np

from .validation import as_array

__all__ = [
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "silu",
    "gelu",
    "softmax",
    "sigmoid_grad",
    "tanh_grad",
    "relu_grad",
    "leaky_relu_grad",
]


def _check_alpha(alpha) -> float:
    """Comprueba que la pendiente negativa ``alpha`` sea un número real no negativo."""
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real):
        raise TypeError(f"`alpha` debe ser un número real; llegó {alpha!r} ({type(alpha).__name__}).")
    if not np.isfinite(alpha) or alpha < 0:
        raise ValueError(f"`alpha` debe ser un número finito mayor o igual que cero; llegó {alpha}.")
    return float(alpha)


def sigmoid(x):
    """Sigmoide ``1 / (1 + exp(-x))``, estable para ``|x|`` grande.

    Usa ``exp(-|x|)``, que nunca desborda: para ``x >= 0`` calcula
    ``1 / (1 + e)`` y para ``x < 0`` calcula ``e / (1 + e)``.

    Entrada: arreglo de cualquier forma. Salida: misma forma, valores en [0, 1].

    >>> sigmoid(np.array([0.0, 1000.0, -1000.0]))
    array([0.5, 1. , 0. ])
    """
    x = as_array(x, "x", allow_inf=True)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def tanh(x):
    """Tangente hiperbólica, elemento a elemento.

    Entrada: arreglo de cualquier forma. Salida: misma forma, valores en [-1, 1].

    >>> tanh(np.array([0.0]))
    array([0.])
    """
    x = as_array(x, "x", allow_inf=True)
    return np.tanh(x)


def relu(x):
    """ReLU: ``max(x, 0)``, elemento a elemento.

    Entrada: arreglo de cualquier forma. Salida: misma forma.

    >>> relu(np.array([-2.0, 0.0, 3.0]))
    array([0., 0., 3.])
    """
    x = as_array(x, "x", allow_inf=True)
    return np.maximum(x, 0.0)


def leaky_relu(x, alpha=0.01):
    """Leaky ReLU: ``x`` si ``x > 0`` y ``alpha * x`` si no.

    Entrada: arreglo de cualquier forma; ``alpha`` >= 0 es la pendiente para
    valores negativos. Salida: misma forma.

    >>> leaky_relu(np.array([-2.0, 3.0]), alpha=0.1)
    array([-0.2,  3. ])
    """
    x = as_array(x, "x", allow_inf=True)
    alpha = _check_alpha(alpha)
    return np.where(x > 0, x, alpha * x)


def silu(x):
    """SiLU o *swish*: ``x * sigmoid(x)``, una ReLU suave.

    Entrada: arreglo de cualquier forma. Salida: misma forma. Para ``x``
    grande y positivo se parece a ``x``; para ``x`` muy negativo, a 0; tiene
    un mínimo de unos −0.28 cerca de ``x = −1.28``.

    >>> silu(np.array([0.0, 1.0])).round(4)
    array([0.    , 0.7311])
    """
    x = as_array(x, "x", allow_inf=True)
    with np.errstate(invalid="ignore"):
        return np.where(np.isneginf(x), 0.0, x * sigmoid(x))


def gelu(x):
    """GELU exacta: ``x * Φ(x)``, con Φ la función de distribución de una normal estándar.

    ``Φ(x) = (1 + erf(x / √2)) / 2``. Entrada: arreglo de cualquier forma.
    Salida: misma forma. Coincide con ``keras.activations.gelu(x, approximate=False)``.

    >>> gelu(np.array([0.0, 1.0])).round(4)
    array([0.    , 0.8413])
    """
    from scipy.special import erf

    x = as_array(x, "x", allow_inf=True)
    with np.errstate(invalid="ignore"):
        return np.where(np.isneginf(x), 0.0, 0.5 * x * (1.0 + erf(x / np.sqrt(2.0))))


def softmax(z, axis=-1):
    """Softmax a lo largo de ``axis``: ``exp(z) / suma(exp(z))``.

    Resta el máximo antes de exponenciar (no cambia el resultado y evita el
    desbordamiento con logits del orden de miles).

    Entrada: arreglo de al menos 1 eje, p. ej. ``(m, k)`` con una fila por
    muestra. Salida: misma forma; cada fila (a lo largo de ``axis``) suma 1.

    >>> softmax(np.array([3.0, 0.0])).round(3)
    array([0.953, 0.047])
    """
    z = as_array(z, "z", allow_inf=True)  # -inf sirve para enmascarar clases
    if np.isposinf(z).any():
        raise ValueError("`z` contiene +infinito; softmax no está definida ahí (−infinito sí se admite).")
    if z.ndim == 0:
        raise ValueError("`z` debe tener al menos 1 eje para aplicar softmax; llegó un escalar.")
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral) or not -z.ndim <= axis < z.ndim:
        raise ValueError(f"`axis` debe ser un entero entre {-z.ndim} y {z.ndim - 1}; llegó {axis!r}.")
    if z.size == 0:
        return z.copy()
    shifted = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(shifted)
    return e / np.sum(e, axis=axis, keepdims=True)


def sigmoid_grad(x):
    """Derivada de la sigmoide respecto de ``x``: ``s * (1 - s)`` con ``s = sigmoid(x)``.

    Entrada y salida: misma forma.

    >>> sigmoid_grad(np.array([0.0]))
    array([0.25])
    """
    s = sigmoid(x)
    return s * (1.0 - s)


def tanh_grad(x):
    """Derivada de ``tanh`` respecto de ``x``: ``1 - tanh(x)**2``.

    Entrada y salida: misma forma.

    >>> tanh_grad(np.array([0.0]))
    array([1.])
    """
    t = tanh(x)
    return 1.0 - t**2


def relu_grad(x):
    """Derivada de ReLU respecto de ``x``: 1 si ``x > 0`` y 0 si no.

    En ``x = 0`` la derivada no existe; tomamos 0, como TensorFlow/Keras.
    Entrada y salida: misma forma.

    >>> relu_grad(np.array([-1.0, 0.0, 2.0]))
    array([0., 0., 1.])
    """
    x = as_array(x, "x", allow_inf=True)
    return (x > 0).astype(np.float64)


def leaky_relu_grad(x, alpha=0.01):
    """Derivada de Leaky ReLU respecto de ``x``: 1 si ``x > 0`` y ``alpha`` si no.

    En ``x = 0`` tomamos ``alpha``, como TensorFlow/Keras.
    Entrada y salida: misma forma.

    >>> leaky_relu_grad(np.array([-1.0, 2.0]), alpha=0.1)
    array([0.1, 1. ])
    """
    x = as_array(x, "x", allow_inf=True)
    alpha = _check_alpha(alpha)
    return np.where(x > 0, 1.0, alpha)
