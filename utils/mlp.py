"""Red densa (perceptrón multicapa) de cualquier profundidad, en NumPy.

Convención: las muestras van en FILAS, como en Keras.

- ``X`` tiene forma ``(m, n_0)``.
- La capa ``l`` tiene pesos ``W`` de forma ``(n_{l-1}, n_l)`` y sesgo ``b`` de
  forma ``(n_l,)``; calcula ``Z = A_prev @ W + b`` y ``A = g(Z)``.
- ``params`` es una lista con un diccionario ``{"W": W, "b": b}`` por capa;
  los gradientes tienen la misma estructura.

El módulo sirve para el capítulo de retropropagación: ``forward`` guarda lo
necesario en ``caches`` y ``backward`` recorre las capas al revés aplicando la
regla de la cadena.
"""

from __future__ import annotations

import numbers

import numpy as np

from . import activations as act
from . import losses as _losses
from .validation import as_array, check_positive_int

__all__ = [
    "ACTIVATIONS",
    "LOSSES",
    "init_params",
    "forward",
    "backward",
    "update",
    "train",
    "predict",
    "numerical_gradient",
    "gradient_check",
]

def _linear(z):
    """Activación identidad: deja ``z`` igual."""
    return as_array(z, "z")


def _linear_grad(z):
    """Derivada de la identidad: unos con la forma de ``z``."""
    return np.ones_like(as_array(z, "z"))


# Nombre -> (función, derivada respecto de Z). Softmax no es elemento a
# elemento: su derivada se aplica aparte, en ``_softmax_backward``.
# Leaky ReLU usa la pendiente por defecto, alpha = 0.01.
ACTIVATIONS = {
    "sigmoid": (act.sigmoid, act.sigmoid_grad),
    "tanh": (act.tanh, act.tanh_grad),
    "relu": (act.relu, act.relu_grad),
    "leaky_relu": (act.leaky_relu, act.leaky_relu_grad),
    "softmax": (act.softmax, None),
    "linear": (_linear, _linear_grad),
}

LOSSES = ("binary_cross_entropy", "categorical_cross_entropy", "mse")


def init_params(layer_sizes, seed=0, scale="he"):
    """Crea los parámetros iniciales: ``W`` aleatorios y ``b`` en cero.

    ``layer_sizes`` es la lista ``[n_0, n_1, ..., n_L]`` (entrada, ocultas,
    salida). ``scale`` fija la desviación estándar de ``W``: ``"he"`` usa
    ``sqrt(2 / n_in)`` (para ReLU), ``"xavier"`` usa ``sqrt(2 / (n_in + n_out))``
    (para tanh/sigmoide) y un número la fija directamente.

    Salida: lista de ``L`` diccionarios ``{"W": (n_in, n_out), "b": (n_out,)}``.

    >>> params = init_params([3, 4, 1])
    >>> [(p["W"].shape, p["b"].shape) for p in params]
    [((3, 4), (4,)), ((4, 1), (1,))]
    """
    if isinstance(layer_sizes, (str, bytes)) or not hasattr(layer_sizes, "__len__") or len(layer_sizes) < 2:
        raise ValueError("`layer_sizes` debe ser una lista con al menos dos tamaños: [entrada, ..., salida].")
    sizes = [check_positive_int(n, f"layer_sizes[{i}]") for i, n in enumerate(layer_sizes)]
    if not (isinstance(scale, numbers.Real) and not isinstance(scale, bool)) and scale not in ("he", "xavier"):
        raise ValueError(f"`scale` debe ser 'he', 'xavier' o un número positivo; llegó {scale!r}.")
    if isinstance(scale, numbers.Real) and not scale > 0:
        raise ValueError(f"`scale` debe ser un número positivo; llegó {scale}.")

    rng = np.random.default_rng(seed)
    params = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        if scale == "he":
            std = np.sqrt(2.0 / n_in)
        elif scale == "xavier":
            std = np.sqrt(2.0 / (n_in + n_out))
        else:
            std = float(scale)
        params.append({"W": rng.normal(0.0, std, size=(n_in, n_out)), "b": np.zeros(n_out)})
    return params


def _check_network(params, activations):
    """Comprueba que haya una activación conocida por capa y que las formas encajen."""
    if not isinstance(params, (list, tuple)) or len(params) == 0:
        raise TypeError("`params` debe ser una lista no vacía de diccionarios {'W': ..., 'b': ...}.")
    if isinstance(activations, str) or len(activations) != len(params):
        raise ValueError(
            f"`activations` debe ser una lista con una activación por capa: hay {len(params)} capas; "
            f"llegó {activations!r}."
        )
    for name in activations:
        if name not in ACTIVATIONS:
            raise ValueError(f"Activación desconocida {name!r}; las disponibles son {sorted(ACTIVATIONS)}.")
    for l, layer in enumerate(params):
        if not isinstance(layer, dict) or "W" not in layer or "b" not in layer:
            raise TypeError(f"La capa {l} de `params` debe ser un diccionario con claves 'W' y 'b'.")
        W = as_array(layer["W"], f"params[{l}]['W']", ndim=2)
        b = as_array(layer["b"], f"params[{l}]['b']", ndim=1)
        if b.shape[0] != W.shape[1]:
            raise ValueError(f"En la capa {l}, `b` debe tener {W.shape[1]} entradas (una por neurona); tiene {b.shape[0]}.")
        if l > 0 and W.shape[0] != params[l - 1]["W"].shape[1]:
            raise ValueError(
                f"La capa {l} espera {W.shape[0]} entradas, pero la capa {l - 1} tiene "
                f"{params[l - 1]['W'].shape[1]} neuronas."
            )


def forward(X, params, activations):
    """Propagación hacia adelante por todas las capas.

    Entradas: ``X`` de forma ``(m, n_0)``, ``params`` (ver ``init_params``) y
    ``activations``, una lista de nombres por capa, p. ej.
    ``["relu", "relu", "sigmoid"]`` (ver ``ACTIVATIONS``).
    Salida: ``(output, caches)``: ``output`` tiene forma ``(m, n_L)`` y
    ``caches[l]`` es ``{"A_prev": ..., "Z": ..., "A": ...}`` de la capa ``l``.

    >>> out, caches = forward(np.ones((2, 3)), init_params([3, 4, 1]), ["relu", "sigmoid"])
    >>> out.shape, len(caches)
    ((2, 1), 2)
    """
    _check_network(params, activations)
    A = as_array(X, "X", ndim=2)
    if A.shape[1] != params[0]["W"].shape[0]:
        raise ValueError(f"`X` debe tener {params[0]['W'].shape[0]} columnas (rasgos); tiene {A.shape[1]}.")
    caches = []
    for layer, name in zip(params, activations):
        g = ACTIVATIONS[name][0]
        Z = A @ layer["W"] + layer["b"]
        A_next = g(Z)
        caches.append({"A_prev": A, "Z": Z, "A": A_next})
        A = A_next
    return A, caches


def _softmax_backward(dA, S):
    """Regla de la cadena para softmax por filas: ``dZ = S * (dA - suma(dA * S))``."""
    return S * (dA - np.sum(dA * S, axis=1, keepdims=True))


def _output_dZ(y, output, Z, activation, loss):
    """Gradiente de la pérdida media respecto de ``Z`` de la última capa.

    El promedio sobre muestras ya va incluido aquí (se divide por ``m``), así
    que las capas no vuelven a dividir.
    """
    m = y.shape[0]
    if loss == "binary_cross_entropy":
        if activation != "sigmoid":
            raise ValueError("`binary_cross_entropy` requiere activación 'sigmoid' en la última capa.")
        # Atajo sigmoide + BCE: dZ = (A - y) / (número de elementos promediados).
        return (output - y) / y.size
    if loss == "categorical_cross_entropy":
        if activation != "softmax":
            raise ValueError("`categorical_cross_entropy` requiere activación 'softmax' en la última capa.")
        # Atajo softmax + CCE: dZ = (A - y) / m.
        return (output - y) / m
    # MSE con cualquier activación: regla de la cadena general.
    dA = 2.0 * (output - y) / y.size
    if activation == "softmax":
        return _softmax_backward(dA, output)
    return dA * ACTIVATIONS[activation][1](Z)


def backward(y, output, caches, params, activations, loss="binary_cross_entropy"):
    """Retropropagación: gradientes de la pérdida media respecto de cada ``W`` y ``b``.

    Entradas: ``y`` con la forma de ``output`` ``(m, n_L)`` (para una sola
    salida también vale ``(m,)``), ``output`` y ``caches`` de ``forward``,
    ``params``, ``activations`` y ``loss`` (uno de ``LOSSES``; sus valores
    coinciden con ``utils.losses``). BCE exige sigmoide en la salida y CCE
    exige softmax; en esos casos se usa el atajo ``dZ = A - y``.
    Salida: lista ``[{"W": dW, "b": db}, ...]`` con la forma de ``params``.

    >>> params = init_params([2, 3, 1])
    >>> X, y = np.ones((4, 2)), np.ones((4, 1))
    >>> out, caches = forward(X, params, ["tanh", "sigmoid"])
    >>> grads = backward(y, out, caches, params, ["tanh", "sigmoid"])
    >>> grads[0]["W"].shape, grads[1]["b"].shape
    ((2, 3), (1,))
    """
    _check_network(params, activations)
    if loss not in LOSSES:
        raise ValueError(f"Pérdida desconocida {loss!r}; las disponibles son {list(LOSSES)}.")
    if len(caches) != len(params):
        raise ValueError(f"`caches` debe tener una entrada por capa ({len(params)}); tiene {len(caches)}.")
    output = as_array(output, "output", ndim=2)
    y = as_array(y, "y", ndim=(1, 2))
    if y.ndim == 1:
        y = y.reshape(-1, 1)
    if y.shape != output.shape:
        raise ValueError(f"`y` y `output` deben tener la misma forma; tienen {y.shape} y {output.shape}.")

    grads = [None] * len(params)
    dZ = _output_dZ(y, output, caches[-1]["Z"], activations[-1], loss)
    for l in reversed(range(len(params))):
        A_prev = caches[l]["A_prev"]
        grads[l] = {"W": A_prev.T @ dZ, "b": np.sum(dZ, axis=0)}
        if l > 0:
            dA_prev = dZ @ params[l]["W"].T
            name = activations[l - 1]
            if name == "softmax":
                dZ = _softmax_backward(dA_prev, caches[l - 1]["A"])
            else:
                dZ = dA_prev * ACTIVATIONS[name][1](caches[l - 1]["Z"])
    return grads


def update(params, grads, learning_rate):
    """Un paso de descenso de gradiente: ``W - learning_rate * dW`` (y lo mismo para ``b``).

    No modifica ``params``: devuelve una lista nueva con la misma estructura.

    >>> new = update([{"W": np.ones((1, 1)), "b": np.zeros(1)}], [{"W": np.ones((1, 1)), "b": np.ones(1)}], 0.5)
    >>> new[0]["W"], new[0]["b"]
    (array([[0.5]]), array([-0.5]))
    """
    if isinstance(learning_rate, bool) or not isinstance(learning_rate, numbers.Real):
        raise TypeError(f"`learning_rate` debe ser un número real; llegó {learning_rate!r}.")
    if not np.isfinite(learning_rate) or learning_rate <= 0:
        raise ValueError(f"`learning_rate` debe ser un número positivo; llegó {learning_rate}.")
    if len(grads) != len(params):
        raise ValueError(f"`grads` debe tener una entrada por capa ({len(params)}); tiene {len(grads)}.")
    new_params = []
    for l, (layer, grad) in enumerate(zip(params, grads)):
        new_layer = {}
        for key in ("W", "b"):
            g = as_array(grad[key], f"grads[{l}]['{key}']")
            if g.shape != np.shape(layer[key]):
                raise ValueError(
                    f"`grads[{l}]['{key}']` debe tener la forma de `params[{l}]['{key}']` "
                    f"{np.shape(layer[key])}; tiene {g.shape}."
                )
            new_layer[key] = layer[key] - learning_rate * g
        new_params.append(new_layer)
    return new_params


_LOSS_FUNCTIONS = {
    "binary_cross_entropy": _losses.binary_cross_entropy,
    "categorical_cross_entropy": _losses.categorical_cross_entropy,
    "mse": _losses.mse,
}


def train(X, y, params, activations, learning_rate=0.1, n_iters=1000, loss="binary_cross_entropy"):
    """Descenso del gradiente por lotes: ``n_iters`` pasos de ``forward``, ``backward`` y ``update``.

    Entradas: ``X`` ``(m, n_0)``; ``y`` ``(m, n_L)`` (o ``(m,)`` con una sola
    salida); ``params`` iniciales (ver ``init_params``, no se modifican);
    ``activations`` y ``loss`` como en ``backward``.
    Salida: ``(params, history)``: los parámetros finales y una lista con el
    costo de cada iteración, calculado ANTES de actualizar.

    >>> X, y = np.array([[0.0], [1.0]]), np.array([0.0, 1.0])
    >>> p, h = train(X, y, init_params([1, 1]), ["sigmoid"], learning_rate=1.0, n_iters=50)
    >>> len(h), h[-1] < h[0]
    (50, True)
    """
    if loss not in LOSSES:
        raise ValueError(f"Pérdida desconocida {loss!r}; las disponibles son {list(LOSSES)}.")
    n_iters = check_positive_int(n_iters, "n_iters")
    y = as_array(y, "y", ndim=(1, 2))
    y = y.reshape(-1, 1) if y.ndim == 1 else y
    history = []
    for _ in range(n_iters):
        output, caches = forward(X, params, activations)
        history.append(_LOSS_FUNCTIONS[loss](y, output))
        grads = backward(y, output, caches, params, activations, loss=loss)
        params = update(params, grads, learning_rate)
    return params, history


def predict(X, params, activations, threshold=0.5):
    """Clases predichas: umbral sobre la única salida, o ``argmax`` si hay varias.

    Entradas: ``X`` ``(m, n_0)``, ``params`` y ``activations`` como en ``forward``.
    Salida: enteros de forma ``(m,)``: 0 o 1 (``salida >= threshold``) si la
    red tiene una salida; el índice de la salida mayor si tiene varias.

    >>> predict(np.zeros((2, 3)), init_params([3, 1]), ["sigmoid"])
    array([1, 1])
    """
    output, _ = forward(X, params, activations)
    if output.shape[1] == 1:
        return (output[:, 0] >= threshold).astype(int)
    return np.argmax(output, axis=1)


def numerical_gradient(f, x, eps=1e-5):
    """Gradiente numérico por diferencias centradas: ``(f(x + eps) - f(x - eps)) / (2 eps)``.

    ``f`` es una función escalar que lee el arreglo ``x``; se perturba cada
    entrada de ``x`` EN SU LUGAR, una por vez, y al terminar ``x`` queda
    exactamente como estaba. Salida: arreglo con la forma de ``x``.

    >>> x = np.array([1.0, 2.0])
    >>> numerical_gradient(lambda v: float(np.sum(v**2)), x).round(6)
    array([2., 4.])
    """
    if not callable(f):
        raise TypeError("`f` debe ser una función que reciba `x` y devuelva un número.")
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
        raise TypeError("`x` debe ser un arreglo de NumPy de punto flotante (se modifica en su lugar).")
    if isinstance(eps, bool) or not isinstance(eps, numbers.Real) or not eps > 0:
        raise ValueError(f"`eps` debe ser un número positivo; llegó {eps!r}.")
    grad = np.zeros_like(x, dtype=np.float64)
    for idx in np.ndindex(x.shape):
        original = x[idx]
        try:
            x[idx] = original + eps
            f_plus = float(f(x))
            x[idx] = original - eps
            f_minus = float(f(x))
        finally:
            x[idx] = original
        grad[idx] = (f_plus - f_minus) / (2 * eps)
    return grad


def gradient_check(f, x, analytic_grad, eps=1e-5):
    """Error relativo entre el gradiente numérico de ``f`` en ``x`` y ``analytic_grad``.

    Devuelve ``||num - ana|| / (||num|| + ||ana||)`` (0.0 si ambos son cero).
    Con float64, un valor menor que ~1e-7 indica un gradiente correcto.
    ``x`` queda sin cambios al terminar.

    >>> x = np.array([1.0, -3.0])
    >>> gradient_check(lambda v: float(np.sum(v**2)), x, 2 * x) < 1e-7
    True
    """
    analytic = as_array(analytic_grad, "analytic_grad")
    if analytic.shape != np.shape(x):
        raise ValueError(f"`analytic_grad` debe tener la forma de `x` {np.shape(x)}; tiene {analytic.shape}.")
    numeric = numerical_gradient(f, x, eps)
    denominator = np.linalg.norm(numeric) + np.linalg.norm(analytic)
    if denominator == 0:
        return 0.0
    return float(np.linalg.norm(numeric - analytic) / denominator)
