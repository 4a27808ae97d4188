"""Redes recurrentes (RNN simple, LSTM y GRU) hacia adelante, con NumPy puro,
y la retropropagación a través del tiempo de la RNN simple (:func:`rnn_backward`).

Los pesos usan la misma disposición que Keras, de modo que
``kernel, recurrent_kernel, bias = capa.get_weights()`` se puede pasar tal cual:

* ``kernel``: (features, g·units), multiplica a la entrada ``x_t``.
* ``recurrent_kernel``: (units, g·units), multiplica al estado anterior ``h_{t-1}``.
* ``bias``: (g·units,) en RNN y LSTM; (2, 3·units) en GRU (una fila para la
  entrada y otra para el estado, porque Keras usa ``reset_after=True``).

``g`` es el número de bloques: 1 en la RNN simple, 4 en la LSTM (orden
i, f, c, o) y 3 en la GRU (orden z, r, h). Las activaciones son las de Keras
por omisión: ``tanh`` y la sigmoide.

Formas: ``x`` de un paso es (batch, features); una secuencia es
(batch, time, features); los estados ``h`` y ``c`` son (batch, units).
"""

from __future__ import annotations

import numpy as np

from .activations import sigmoid, tanh
from .validation import as_array, check_nonnegative_int, check_positive_int

__all__ = [
    "rnn_cell_forward",
    "lstm_cell_forward",
    "gru_cell_forward",
    "rnn_forward",
    "rnn_backward",
    "lstm_forward",
    "gru_forward",
    "gradient_factor",
    "clip_gradients",
    "gradient_per_step",
    "make_windows",
    "reversal_task",
    "encoder_decoder",
]


# ---------------------------------------------------------------------------
# Validación interna
# ---------------------------------------------------------------------------

def _check_weights(kernel, recurrent_kernel, bias, n_features, gates, gru=False):
    """Valida los pesos con la disposición de Keras y devuelve ``(kernel, recurrent, bias, units)``.

    En la GRU ``bias`` se devuelve con forma (2, 3·units); en las demás, (g·units,).
    ``bias=None`` equivale a una capa sin sesgo (``use_bias=False``).
    """
    kernel = as_array(kernel, "kernel", ndim=2)
    recurrent_kernel = as_array(recurrent_kernel, "recurrent_kernel", ndim=2)
    if kernel.shape[0] != n_features:
        raise ValueError(
            f"`kernel` debe tener una fila por cada característica de `x` ({n_features}); "
            f"tiene {kernel.shape[0]} filas."
        )
    if kernel.shape[1] == 0 or kernel.shape[1] % gates != 0:
        raise ValueError(
            f"Las columnas de `kernel` ({kernel.shape[1]}) deben ser {gates}·units "
            f"(un bloque por compuerta); revisa que los pesos sean de la capa correcta."
        )
    units = kernel.shape[1] // gates
    if recurrent_kernel.shape != (units, gates * units):
        raise ValueError(
            f"`recurrent_kernel` debe tener forma (units, {gates}·units) = {(units, gates * units)}; "
            f"tiene {recurrent_kernel.shape}."
        )
    expected = (2, gates * units) if gru else (gates * units,)
    if bias is None:
        return kernel, recurrent_kernel, np.zeros(expected), units
    bias = as_array(bias, "bias")
    if bias.shape != expected:
        extra = " (la GRU de Keras con reset_after=True guarda dos filas de sesgo)" if gru else ""
        raise ValueError(f"`bias` debe tener forma {expected}{extra}; tiene {bias.shape}.")
    return kernel, recurrent_kernel, bias, units


def _check_state(state, name: str, batch: int, units: int) -> np.ndarray:
    """Valida un estado (batch, units); ``None`` significa ceros."""
    if state is None:
        return np.zeros((batch, units))
    state = as_array(state, name, ndim=2)
    if state.shape != (batch, units):
        raise ValueError(f"`{name}` debe tener forma (batch, units) = {(batch, units)}; tiene {state.shape}.")
    return state


# ---------------------------------------------------------------------------
# Un paso de cada celda (sin validar; ``xk`` ya incluye x @ kernel + sesgo)
# ---------------------------------------------------------------------------

def _rnn_step(xk, h, recurrent_kernel):
    """h_t = tanh(x_t·W_x + h_{t-1}·W_h + b)."""
    return tanh(xk + h @ recurrent_kernel)


def _lstm_step(xk, h, c, recurrent_kernel):
    """Un paso de la LSTM con compuertas en el orden de Keras (i, f, c, o)."""
    z = xk + h @ recurrent_kernel
    z_i, z_f, z_c, z_o = np.split(z, 4, axis=-1)
    i = sigmoid(z_i)                 # compuerta de entrada
    f = sigmoid(z_f)                 # compuerta de olvido
    c = f * c + i * tanh(z_c)        # nueva memoria
    o = sigmoid(z_o)                 # compuerta de salida
    h = o * tanh(c)
    return h, c


def _gru_step(xk, h, recurrent_kernel, recurrent_bias):
    """Un paso de la GRU de Keras (orden z, r, h; ``reset_after=True``)."""
    x_z, x_r, x_h = np.split(xk, 3, axis=-1)
    inner = h @ recurrent_kernel + recurrent_bias
    h_z, h_r, h_h = np.split(inner, 3, axis=-1)
    z = sigmoid(x_z + h_z)           # compuerta de actualización
    r = sigmoid(x_r + h_r)           # compuerta de reinicio
    hh = tanh(x_h + r * h_h)         # candidato
    return z * h + (1.0 - z) * hh


# ---------------------------------------------------------------------------
# Celdas públicas: un paso de tiempo
# ---------------------------------------------------------------------------

def _check_step_inputs(x, h):
    """Valida ``x`` (batch, features) y ``h`` (batch, ...) de un solo paso."""
    x = as_array(x, "x", ndim=2)
    h = as_array(h, "h", ndim=2)
    if h.shape[0] != x.shape[0]:
        raise ValueError(f"`x` y `h` deben tener el mismo batch (primer eje); tienen {x.shape[0]} y {h.shape[0]}.")
    return x, h


def rnn_cell_forward(x, h, kernel, recurrent_kernel, bias):
    """Un paso de la RNN simple: ``h_nuevo = tanh(x·kernel + h·recurrent_kernel + bias)``.

    Formas: ``x`` (batch, features), ``h`` (batch, units), ``kernel``
    (features, units), ``recurrent_kernel`` (units, units), ``bias`` (units,).
    Devuelve el nuevo ``h`` (batch, units).

    >>> rnn_cell_forward([[1.0]], [[0.0]], [[0.5]], [[1.0]], [0.0]).round(4)
    array([[0.4621]])
    """
    x, h = _check_step_inputs(x, h)
    kernel, recurrent_kernel, bias, units = _check_weights(kernel, recurrent_kernel, bias, x.shape[1], 1)
    h = _check_state(h, "h", x.shape[0], units)
    return _rnn_step(x @ kernel + bias, h, recurrent_kernel)


def lstm_cell_forward(x, h, c, kernel, recurrent_kernel, bias):
    """Un paso de la LSTM de Keras; devuelve ``(h, c)``.

    ``z = x·kernel + h·recurrent_kernel + bias`` se parte en cuatro bloques
    (i, f, c̃, o): ``c = σ(f)·c + σ(i)·tanh(c̃)`` y ``h = σ(o)·tanh(c)``.
    Formas: ``x`` (batch, features), ``h`` y ``c`` (batch, units), ``kernel``
    (features, 4·units), ``recurrent_kernel`` (units, 4·units), ``bias`` (4·units,).

    >>> h, c = lstm_cell_forward([[1.0]], [[0.0]], [[0.0]], [[1.0, 1.0, 1.0, 1.0]], [[0.0] * 4], [0.0] * 4)
    >>> c.round(4), h.round(4)
    (array([[0.5568]]), array([[0.3696]]))
    """
    x, h = _check_step_inputs(x, h)
    kernel, recurrent_kernel, bias, units = _check_weights(kernel, recurrent_kernel, bias, x.shape[1], 4)
    h = _check_state(h, "h", x.shape[0], units)
    c = _check_state(c, "c", x.shape[0], units)
    return _lstm_step(x @ kernel + bias, h, c, recurrent_kernel)


def gru_cell_forward(x, h, kernel, recurrent_kernel, bias):
    """Un paso de la GRU de Keras (``reset_after=True``); devuelve el nuevo ``h``.

    Con ``bias = [b_entrada, b_estado]`` y bloques en el orden (z, r, h):
    ``z = σ(x·Wz + bz + h·Uz + b'z)``, ``r = σ(x·Wr + br + h·Ur + b'r)``,
    ``h̃ = tanh(x·Wh + bh + r ⊙ (h·Uh + b'h))`` y ``h_nuevo = z ⊙ h + (1 − z) ⊙ h̃``.
    Formas: ``x`` (batch, features), ``h`` (batch, units), ``kernel``
    (features, 3·units), ``recurrent_kernel`` (units, 3·units), ``bias`` (2, 3·units).

    >>> gru_cell_forward([[1.0]], [[0.0]], [[0.0, 0.0, 1.0]], [[0.0] * 3], [[0.0] * 3] * 2).round(4)
    array([[0.3808]])
    """
    x, h = _check_step_inputs(x, h)
    kernel, recurrent_kernel, bias, units = _check_weights(
        kernel, recurrent_kernel, bias, x.shape[1], 3, gru=True)
    h = _check_state(h, "h", x.shape[0], units)
    return _gru_step(x @ kernel + bias[0], h, recurrent_kernel, bias[1])


# ---------------------------------------------------------------------------
# Secuencias completas
# ---------------------------------------------------------------------------

def rnn_forward(x, kernel, recurrent_kernel, bias, h0=None):
    """Recorre una secuencia con la RNN simple y devuelve todos los estados ocultos.

    Igual que ``keras.layers.SimpleRNN(units, return_sequences=True)`` con los
    pesos de ``get_weights()``. Formas: ``x`` (batch, time, features), ``h0``
    (batch, units) o ``None`` (ceros) → salida (batch, time, units).

    >>> rnn_forward(np.ones((1, 3, 1)), [[0.5]], [[1.0]], [0.0]).shape
    (1, 3, 1)
    """
    x = as_array(x, "x", ndim=3)
    batch, time, features = x.shape
    kernel, recurrent_kernel, bias, units = _check_weights(kernel, recurrent_kernel, bias, features, 1)
    h = _check_state(h0, "h0", batch, units)
    xk = x @ kernel + bias           # la parte de la entrada, para todos los pasos a la vez
    hs = np.zeros((batch, time, units))
    for t in range(time):
        h = _rnn_step(xk[:, t], h, recurrent_kernel)
        hs[:, t] = h
    return hs


def rnn_backward(x, hs, dhs, kernel, recurrent_kernel, h0=None, truncate=None):
    """Retropropagación a través del tiempo (BPTT) de la RNN simple.

    Recorre la secuencia **hacia atrás** con las ecuaciones del capítulo 13,
    con ``a_t = x_t·W_x + h_{t-1}·W_h + b`` y ``h_t = tanh(a_t)``::

        δ_t   = dhs_t + ∂J/∂a_{t+1} · W_hᵀ          (lo que llega a h_t: su pérdida y el paso siguiente)
        ∂J/∂a_t = δ_t ⊙ (1 − h_t²)
        ∂J/∂W_x = Σ_t x_tᵀ · ∂J/∂a_t,   ∂J/∂W_h = Σ_t h_{t-1}ᵀ · ∂J/∂a_t,   ∂J/∂b = Σ_t Σ_lote ∂J/∂a_t

    Los pesos son los mismos en todos los pasos, así que sus gradientes son
    **sumas** sobre los pasos.

    Parámetros
    ----------
    x : (batch, time, features)
    hs : (batch, time, units), los estados que devuelve :func:`rnn_forward`.
    dhs : (batch, time, units), ∂J/∂h_t que llega **directamente** de la pérdida
        en cada paso (ceros en los pasos sin pérdida; en una red muchos a uno,
        solo el último paso es distinto de cero).
    kernel, recurrent_kernel : los pesos de Keras, (features, units) y (units, units).
    h0 : (batch, units) o ``None`` (ceros), el estado inicial.
    truncate : int o ``None``. Con ``k``, BPTT **truncada**: la secuencia se
        corta en tramos de ``k`` pasos y el gradiente no cruza de un tramo al
        anterior (el estado hacia adelante sí). ``None``: BPTT completa.

    Devuelve un diccionario con ``kernel`` (features, units), ``recurrent_kernel``
    (units, units), ``bias`` (units,), ``x`` (batch, time, features) y ``h0``
    (batch, units): el gradiente de J respecto de cada uno.

    >>> x = np.ones((1, 2, 1)); W_x, W_h, b = [[1.0]], [[0.5]], [0.0]
    >>> hs = rnn_forward(x, W_x, W_h, b)
    >>> dhs = np.zeros_like(hs); dhs[:, -1] = 1.0            # J = h_2
    >>> g = rnn_backward(x, hs, dhs, W_x, W_h)
    >>> bool(np.isclose(g["recurrent_kernel"][0, 0], (1 - hs[0, 1, 0] ** 2) * hs[0, 0, 0]))
    True
    """
    x = as_array(x, "x", ndim=3)
    batch, time, features = x.shape
    kernel, recurrent_kernel, _, units = _check_weights(kernel, recurrent_kernel, None, features, 1)
    hs = as_array(hs, "hs", ndim=3)
    dhs = as_array(dhs, "dhs", ndim=3)
    for name, arr in (("hs", hs), ("dhs", dhs)):
        if arr.shape != (batch, time, units):
            raise ValueError(f"`{name}` debe tener forma (batch, time, units) = {(batch, time, units)}; "
                             f"tiene {arr.shape}. Usa los estados que devuelve rnn_forward.")
    h0 = _check_state(h0, "h0", batch, units)
    if truncate is not None:
        truncate = check_positive_int(truncate, "truncate")
    grads = {"kernel": np.zeros_like(kernel), "recurrent_kernel": np.zeros_like(recurrent_kernel),
             "bias": np.zeros(units), "x": np.zeros_like(x)}
    da_next = np.zeros((batch, units))                 # ∂J/∂a_{t+1}; no hay paso T+1
    for t in reversed(range(time)):
        delta = dhs[:, t] + da_next @ recurrent_kernel.T     # ∂J/∂h_t
        da = delta * (1.0 - hs[:, t] ** 2)                   # ∂J/∂a_t: derivada de tanh
        h_prev = hs[:, t - 1] if t > 0 else h0
        grads["kernel"] += x[:, t].T @ da
        grads["recurrent_kernel"] += h_prev.T @ da
        grads["bias"] += da.sum(axis=0)
        grads["x"][:, t] = da @ kernel.T
        # BPTT truncada: al empezar un tramo, el gradiente no sigue hacia el tramo anterior.
        da_next = np.zeros_like(da) if truncate is not None and t % truncate == 0 else da
    grads["h0"] = da_next @ recurrent_kernel.T
    return grads


def lstm_forward(x, kernel, recurrent_kernel, bias, h0=None, c0=None):
    """Recorre una secuencia con la LSTM; devuelve ``(hs, c_final)``.

    ``hs`` (batch, time, units) son todos los estados ocultos, igual que
    ``keras.layers.LSTM(units, return_sequences=True)``; ``c_final`` (batch,
    units) es la memoria tras el último paso. ``h0`` y ``c0`` valen ceros por
    omisión. ``x`` tiene forma (batch, time, features).

    >>> hs, c = lstm_forward(np.ones((2, 5, 3)), np.zeros((3, 8)), np.zeros((2, 8)), np.zeros(8))
    >>> hs.shape, c.shape
    ((2, 5, 2), (2, 2))
    """
    x = as_array(x, "x", ndim=3)
    batch, time, features = x.shape
    kernel, recurrent_kernel, bias, units = _check_weights(kernel, recurrent_kernel, bias, features, 4)
    h = _check_state(h0, "h0", batch, units)
    c = _check_state(c0, "c0", batch, units)
    xk = x @ kernel + bias
    hs = np.zeros((batch, time, units))
    for t in range(time):
        h, c = _lstm_step(xk[:, t], h, c, recurrent_kernel)
        hs[:, t] = h
    return hs, c


def gru_forward(x, kernel, recurrent_kernel, bias, h0=None):
    """Recorre una secuencia con la GRU y devuelve todos los estados ocultos.

    Igual que ``keras.layers.GRU(units, return_sequences=True)`` (con
    ``reset_after=True``, el valor por omisión). Formas: ``x`` (batch, time,
    features), ``bias`` (2, 3·units), ``h0`` (batch, units) o ``None`` →
    salida (batch, time, units).

    >>> gru_forward(np.ones((1, 4, 2)), np.zeros((2, 9)), np.zeros((3, 9)), np.zeros((2, 9))).shape
    (1, 4, 3)
    """
    x = as_array(x, "x", ndim=3)
    batch, time, features = x.shape
    kernel, recurrent_kernel, bias, units = _check_weights(
        kernel, recurrent_kernel, bias, features, 3, gru=True)
    h = _check_state(h0, "h0", batch, units)
    xk = x @ kernel + bias[0]
    hs = np.zeros((batch, time, units))
    for t in range(time):
        h = _gru_step(xk[:, t], h, recurrent_kernel, bias[1])
        hs[:, t] = h
    return hs


# ---------------------------------------------------------------------------
# Gradientes que explotan o se desvanecen
# ---------------------------------------------------------------------------

def gradient_factor(w, n):
    """Factor ``w**n`` que multiplica al gradiente tras ``n`` pasos con peso ``w``.

    Con ``|w| > 1`` crece sin control (explota); con ``|w| < 1`` se apaga
    (se desvanece). Acepta un número o un arreglo de pesos.

    >>> f"{gradient_factor(2, 50):.3g}", f"{gradient_factor(0.5, 50):.3g}"
    ('1.13e+15', '8.88e-16')
    """
    w = as_array(w, "w")
    n = check_nonnegative_int(n, "n")
    with np.errstate(over="ignore", under="ignore"):
        result = w ** n
    return float(result) if result.ndim == 0 else result


def clip_gradients(grads, max_norm):
    """Recorta una lista de gradientes por su norma global; devuelve ``(recortados, norma)``.

    Si la norma de todos los gradientes juntos, ``‖g‖ = sqrt(Σ g²)``, supera
    ``max_norm``, cada uno se multiplica por ``max_norm / ‖g‖``: la dirección no
    cambia y la longitud queda en ``max_norm``. Si no la supera, no se tocan.
    Es lo que hace Keras con ``optimizer(global_clipnorm=max_norm)``.

    >>> g, norma = clip_gradients([np.array([3.0, 4.0])], max_norm=1.0)
    >>> g[0], norma
    (array([0.6, 0.8]), 5.0)
    """
    if not isinstance(max_norm, (int, float, np.floating, np.integer)) or not max_norm > 0:
        raise ValueError(f"`max_norm` debe ser un número positivo; llegó {max_norm!r}.")
    if isinstance(grads, np.ndarray) or not grads:
        raise TypeError("`grads` debe ser una lista no vacía de arreglos (un gradiente por peso).")
    grads = [as_array(g, f"grads[{i}]") for i, g in enumerate(grads)]
    norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    scale = min(1.0, max_norm / norm) if norm > 0 else 1.0
    return [g * scale for g in grads], norm


def gradient_per_step(layer, x):
    """Cuánto influye cada paso de la entrada en la salida: ``‖∂(Σ salida)/∂x_t‖`` para cada ``t``.

    ``layer`` es una capa o un modelo de Keras que recibe ``x`` de forma
    (batch, time, features) (p. ej. ``SimpleRNN``, ``LSTM`` o un modelo entero).
    Con ``tf.GradientTape`` deriva la suma de su salida respecto de la
    entrada y devuelve, para cada paso, la norma del gradiente promediada
    sobre el lote: un arreglo de forma (time,). Si la salida es el último
    estado ``h_T``, el último valor es la influencia del paso más reciente y
    los primeros, la de los más lejanos: ahí se ve si el gradiente se
    desvanece o explota a lo largo del tiempo.

    >>> import keras                                              # doctest: +SKIP
    >>> x = np.random.default_rng(0).normal(size=(4, 10, 1))     # doctest: +SKIP
    >>> gradient_per_step(keras.layers.SimpleRNN(8), x).shape     # doctest: +SKIP
    (10,)
    """
    import tensorflow as tf

    if not callable(layer):
        raise TypeError(f"`layer` debe ser una capa o un modelo de Keras; llegó {type(layer).__name__}.")
    x = tf.convert_to_tensor(x, dtype="float32")
    if x.shape.rank != 3:
        raise ValueError(f"`x` debe tener forma (batch, time, features); llegó {tuple(x.shape)}.")
    with tf.GradientTape() as tape:
        tape.watch(x)
        total = tf.reduce_sum(layer(x))
    g = tape.gradient(total, x)
    if g is None:
        raise ValueError("La salida de `layer` no depende de `x`: no hay gradiente que medir.")
    g = g.numpy()                                   # (batch, time, features)
    return np.sqrt(np.mean(np.sum(g ** 2, axis=2), axis=0))


# ---------------------------------------------------------------------------
# Ventanas de una serie temporal
# ---------------------------------------------------------------------------

def make_windows(series, length, horizon=1):
    """Corta una serie en ventanas ``(batch, time, features)`` y sus objetivos.

    La ventana ``i`` son los valores ``series[i], …, series[i + length − 1]`` y su
    objetivo es el valor ``horizon`` pasos después del último:
    ``series[i + length − 1 + horizon]``. Una serie 1-D se trata como una sola
    característica. Formas: ``series`` (n,) o (n, features) → ``X``
    (n − length − horizon + 1, length, features) e ``y`` (mismo batch,) con la
    primera característica como objetivo.

    >>> X, y = make_windows(np.arange(6.0), length=3)
    >>> X.shape, X[0, :, 0], y
    ((3, 3, 1), array([0., 1., 2.]), array([3., 4., 5.]))
    """
    values = as_array(series, "series")
    if values.ndim == 1:
        values = values[:, None]
    if values.ndim != 2:
        raise ValueError(f"`series` debe ser 1-D (n,) o 2-D (n, features); tiene forma {values.shape}.")
    length = check_positive_int(length, "length")
    horizon = check_positive_int(horizon, "horizon")
    n = values.shape[0] - length - horizon + 1
    if n < 1:
        raise ValueError(
            f"La serie tiene {values.shape[0]} valores: no alcanza para una ventana de {length} "
            f"pasos más un objetivo {horizon} pasos después."
        )
    idx = np.arange(n)[:, None] + np.arange(length)[None, :]
    return values[idx], values[idx[:, -1] + horizon, 0]


# ---------------------------------------------------------------------------
# Codificador–decodificador (capítulos 14 y 15)
# ---------------------------------------------------------------------------

def reversal_task(n, length, rng):
    """Tarea de juguete para un codificador–decodificador: escribir una secuencia de dígitos al revés.

    Devuelve ``(x, y_previa, y)``, tres enteros de forma ``(n, length)``: ``x`` son dígitos
    del 1 al 9, ``y`` es ``x`` al revés y ``y_previa`` es ``y`` corrida un paso con un 0
    («empieza») delante: la entrada del decodificador con forzado del profesor (*teacher
    forcing*). La información que hay que recordar crece con ``length``.

    >>> x, y_previa, y = reversal_task(2, 4, np.random.default_rng(0))
    >>> x[0], y[0], y_previa[0]
    (array([8, 6, 5, 3]), array([3, 5, 6, 8]), array([0, 3, 5, 6]))
    """
    n, length = check_positive_int(n, "n"), check_positive_int(length, "length")
    if not isinstance(rng, np.random.Generator):
        raise TypeError("`rng` debe ser un np.random.Generator, por ejemplo np.random.default_rng(0).")
    x = rng.integers(1, 10, size=(n, length))
    y = x[:, ::-1]
    return x, np.concatenate([np.zeros((n, 1), dtype=x.dtype), y[:, :-1]], axis=1), y


def encoder_decoder(units=32, attention=False, vocab=10, embedding=8):
    """Codificador–decodificador con LSTM, con o sin atención aditiva (Bahdanau).

    Entradas: la secuencia ``(batch, T)`` y la salida previa ``(batch, T')`` (enteros en
    ``[0, vocab)``); salida: probabilidades ``(batch, T', vocab)``. Sin atención el
    decodificador solo recibe el estado final ``(h, c)`` del codificador: ``2 · units``
    números por secuencia, el cuello de botella. Con atención, en cada paso compara su
    estado con todos los del codificador y lee un contexto propio. Devuelve
    ``(modelo, visor)``: ``visor`` da los pesos de la atención ``(batch, T', T)`` (o es
    ``None`` sin atención).

    >>> modelo, visor = encoder_decoder(16, attention=True)          # doctest: +SKIP
    >>> visor.predict([x, y_previa]).shape                           # doctest: +SKIP
    (n, T', T)
    """
    import keras

    units, vocab = check_positive_int(units, "units"), check_positive_int(vocab, "vocab")
    embedding = check_positive_int(embedding, "embedding")
    entrada = keras.Input((None,), dtype="int32", name="entrada")
    previa = keras.Input((None,), dtype="int32", name="salida_previa")
    embed = keras.layers.Embedding(vocab, embedding)                      # compartida por las dos mitades
    estados_cod, h, c = keras.layers.LSTM(units, return_sequences=True, return_state=True,
                                          name="codificador")(embed(entrada))
    s = keras.layers.LSTM(units, return_sequences=True, name="decodificador")(embed(previa), initial_state=[h, c])
    pesos = None
    if attention:                                                          # capítulo 15, ecuaciones de Bahdanau
        consulta = keras.layers.Dense(units, use_bias=False)(s)              # W s_i
        claves = keras.layers.Dense(units, use_bias=False)(estados_cod)      # U h_j
        contexto, pesos = keras.layers.AdditiveAttention()([consulta, estados_cod, claves],
                                                           return_attention_scores=True)
        s = keras.layers.Concatenate()([s, contexto])
    salida = keras.layers.Dense(vocab, activation="softmax")(s)
    modelo = keras.Model([entrada, previa], salida)
    return modelo, (keras.Model([entrada, previa], pesos) if attention else None)
