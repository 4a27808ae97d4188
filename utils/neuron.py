"""Una neurona sigmoide (regresión logística) entrenada con descenso de gradiente.

Convención: las muestras van en FILAS. ``X`` tiene forma ``(m, n)`` (m
muestras, n rasgos), ``y`` tiene forma ``(m,)`` con etiquetas 0/1, ``w`` tiene
forma ``(n,)`` y ``b`` es un número.

El modelo es ``a = sigmoid(X @ w + b)`` y la pérdida es la entropía cruzada
binaria media.
"""

from __future__ import annotations

import numbers

import numpy as np

from .activations import sigmoid
from .losses import binary_cross_entropy
from .validation import as_array, check_positive_int

__all__ = ["initialize", "forward", "cost", "gradients", "train", "predict"]


def _check_X_w_b(X, w, b):
    """Valida ``X`` (m, n), ``w`` (n,) y el escalar ``b``; devuelve ``(X, w, b)``."""
    X = as_array(X, "X", ndim=2)
    w = as_array(w, "w", ndim=1)
    b = float(as_array(b, "b", ndim=0))
    if w.shape[0] != X.shape[1]:
        raise ValueError(
            f"`w` debe tener un peso por rasgo: X tiene {X.shape[1]} columnas (rasgos) "
            f"pero w tiene {w.shape[0]} entradas."
        )
    return X, w, b


def _check_labels(y, m: int):
    """Valida que ``y`` tenga forma ``(m,)`` y solo contenga 0 y 1."""
    y = as_array(y, "y", ndim=1)
    if y.shape[0] != m:
        raise ValueError(f"`y` debe tener una etiqueta por muestra: se esperaban {m} etiquetas y llegaron {y.shape[0]}.")
    if not np.all((y == 0) | (y == 1)):
        raise ValueError("`y` solo puede contener etiquetas 0 y 1.")
    return y


def initialize(n_features):
    """Devuelve pesos y sesgo iniciales en cero: ``w`` de forma ``(n_features,)`` y ``b = 0.0``.

    >>> w, b = initialize(3)
    >>> w, b
    (array([0., 0., 0.]), 0.0)
    """
    n_features = check_positive_int(n_features, "n_features")
    return np.zeros(n_features), 0.0


def forward(X, w, b):
    """Propagación hacia adelante: ``a = sigmoid(X @ w + b)``.

    Entradas: ``X`` (m, n), ``w`` (n,), ``b`` número. Salida: ``a`` de forma
    ``(m,)``, la probabilidad de la clase 1 para cada muestra.

    >>> forward(np.array([[1.0, 2.0]]), np.zeros(2), 0.0)
    array([0.5])
    """
    X, w, b = _check_X_w_b(X, w, b)
    return sigmoid(X @ w + b)


def cost(a, y):
    """Costo: entropía cruzada binaria media entre las predicciones ``a`` y las etiquetas ``y``.

    Entradas: ``a`` e ``y`` de forma ``(m,)``. Salida: ``float``.

    >>> round(cost(np.array([0.5, 0.5]), np.array([1, 0])), 4)
    0.6931
    """
    a = as_array(a, "a", ndim=1)
    y = _check_labels(y, a.shape[0])
    return binary_cross_entropy(y, a)


def gradients(X, a, y):
    """Gradientes del costo respecto de ``w`` y ``b``.

    ``dw = X.T @ (a - y) / m`` (forma ``(n,)``) y ``db = mean(a - y)`` (float).

    >>> dw, db = gradients(np.array([[1.0], [3.0]]), np.array([0.5, 0.5]), np.array([1, 0]))
    >>> dw, db
    (array([0.5]), 0.0)
    """
    X = as_array(X, "X", ndim=2)
    a = as_array(a, "a", ndim=1)
    m = X.shape[0]
    if a.shape[0] != m:
        raise ValueError(f"`a` debe tener una predicción por muestra: X tiene {m} filas y a tiene {a.shape[0]} entradas.")
    y = _check_labels(y, m)
    error = a - y
    dw = X.T @ error / m
    db = float(np.mean(error))
    return dw, db


def train(X, y, learning_rate=0.1, n_iters=1000, w=None, b=None):
    """Entrena la neurona con descenso de gradiente por lotes (todas las muestras en cada paso).

    Entradas: ``X`` (m, n), ``y`` (m,) con 0/1. ``w`` y ``b`` iniciales son
    opcionales (por defecto, ceros); ``w`` no se modifica en su lugar.
    Salida: ``(w, b, history)``, donde ``history`` es la lista de costos
    (uno por iteración, calculado ANTES de cada actualización).

    >>> w, b, history = train(np.array([[0.0], [1.0]]), np.array([0, 1]), n_iters=3)
    >>> len(history), round(history[0], 4)
    (3, 0.6931)
    """
    X = as_array(X, "X", ndim=2)
    y = _check_labels(y, X.shape[0])
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, numbers.Real):
        raise TypeError(f"`learning_rate` debe ser un número real; llegó {learning_rate!r}.")
    if not np.isfinite(learning_rate) or learning_rate <= 0:
        raise ValueError(f"`learning_rate` debe ser un número positivo; llegó {learning_rate}.")
    n_iters = check_positive_int(n_iters, "n_iters")

    w0, b0 = initialize(X.shape[1])
    w = w0 if w is None else as_array(w, "w", ndim=1).copy()
    b = b0 if b is None else b
    X, w, b = _check_X_w_b(X, w, b)

    history = []
    for _ in range(n_iters):
        a = forward(X, w, b)
        history.append(cost(a, y))
        dw, db = gradients(X, a, y)
        w = w - learning_rate * dw
        b = b - learning_rate * db
    return w, b, history


def predict(X, w, b, threshold=0.5):
    """Clasifica cada muestra: 1 si ``forward(X, w, b) >= threshold`` y 0 si no.

    Entradas: ``X`` (m, n), ``w`` (n,), ``b`` número, ``threshold`` en [0, 1].
    Salida: arreglo de enteros 0/1 de forma ``(m,)``.

    >>> predict(np.array([[-2.0], [2.0]]), np.array([1.0]), 0.0)
    array([0, 1])
    """
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not 0 <= threshold <= 1:
        raise ValueError(f"`threshold` debe ser un número entre 0 y 1; llegó {threshold!r}.")
    a = forward(X, w, b)
    return (a >= threshold).astype(int)
