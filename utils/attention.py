"""Atención desde cero, en NumPy (capítulo «Atención y transformadores» y laboratorio 8).

Convenciones, las mismas de Keras:

* las muestras van en la primera dimensión: una secuencia de ``T`` vectores de
  ``d`` componentes es un arreglo ``(batch, T, d)``;
* una **máscara** es un arreglo booleano que vale ``True`` donde una consulta
  **puede** mirar una clave (el ``attention_mask`` de
  ``keras.layers.MultiHeadAttention``) y se difunde contra ``(..., Tq, Tk)``;
* los pesos de la atención de varias cabezas se guardan como los devuelve
  ``keras.layers.MultiHeadAttention.get_weights()``:
  ``[W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o]`` con ``W_q`` de forma
  ``(d, cabezas, d_k)``, ``b_q`` de forma ``(cabezas, d_k)``, ``W_o`` de forma
  ``(cabezas, d_k, d)`` y ``b_o`` de forma ``(d,)``.

>>> import numpy as np
>>> x = np.random.default_rng(0).normal(size=(2, 5, 8))
>>> salida, pesos = scaled_dot_product_attention(x, x, x)
>>> salida.shape, pesos.shape
((2, 5, 8), (2, 5, 5))
>>> bool(np.allclose(pesos.sum(axis=-1), 1.0))
True
"""

from __future__ import annotations

import numpy as np

MASKED = -1e9  # puntaje de una posición tapada: tras el softmax su peso es 0


def softmax(z, axis: int = -1) -> np.ndarray:
    """Softmax estable a lo largo de ``axis`` (resta el máximo antes de ``exp``).

    >>> softmax(np.array([0.0, np.log(3.0)])).round(2).tolist()
    [0.25, 0.75]
    """
    z = np.asarray(z, dtype=float)
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def causal_mask(length: int) -> np.ndarray:
    """Máscara causal ``(length, length)``: la posición ``i`` ve las ``j ≤ i``.

    >>> causal_mask(3).astype(int).tolist()
    [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
    """
    if not isinstance(length, (int, np.integer)) or length < 1:
        raise ValueError(f"`length` debe ser un entero positivo; llegó {length!r}.")
    return np.tril(np.ones((length, length), dtype=bool))


def padding_mask(ids, pad: int = 0) -> np.ndarray:
    """Máscara de relleno ``(batch, 1, T)``: ``True`` en los índices que no son ``pad``.

    El eje de tamaño 1 la deja difundirse contra los puntajes ``(batch, Tq, T)``:
    ninguna consulta mira el relleno.

    >>> padding_mask(np.array([[5, 3, 0, 0]])).astype(int).tolist()
    [[[1, 1, 0, 0]]]
    """
    ids = np.asarray(ids)
    if ids.ndim != 2:
        raise ValueError(f"`ids` debe tener forma (batch, T); tiene forma {ids.shape}.")
    return (ids != pad)[:, None, :]


def scaled_dot_product_attention(q, k, v, mask=None):
    """Atención de producto escalar escalado: ``softmax(q kᵀ / √d_k) v``.

    Parámetros
    ----------
    q : arreglo ``(..., Tq, d_k)``
        Consultas.
    k : arreglo ``(..., Tk, d_k)``
        Claves.
    v : arreglo ``(..., Tk, d_v)``
        Valores.
    mask : arreglo booleano que se difunde contra ``(..., Tq, Tk)``, opcional
        ``True`` donde la consulta puede mirar la clave.

    Devuelve ``(salida, pesos)``: ``salida`` de forma ``(..., Tq, d_v)`` y
    ``pesos`` de forma ``(..., Tq, Tk)``, con cada fila sumando 1.

    >>> q = np.array([[1.0, 0.0]]); k = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> salida, pesos = scaled_dot_product_attention(q, k, np.eye(2), mask=np.array([[True, False]]))
    >>> pesos.tolist()
    [[1.0, 0.0]]
    """
    q, k, v = (np.asarray(a, dtype=float) for a in (q, k, v))
    if q.shape[-1] != k.shape[-1]:
        raise ValueError(f"q y k deben tener el mismo último eje d_k; tienen {q.shape[-1]} y {k.shape[-1]}.")
    if k.shape[-2] != v.shape[-2]:
        raise ValueError(f"k y v deben tener el mismo número de posiciones Tk; tienen {k.shape[-2]} y {v.shape[-2]}.")
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(q.shape[-1])        # (..., Tq, Tk)
    if mask is not None:
        scores = np.where(np.asarray(mask, dtype=bool), scores, MASKED)
    weights = softmax(scores, axis=-1)                                 # cada consulta reparte 1 entre las claves
    return weights @ v, weights


def split_heads(x, num_heads: int) -> np.ndarray:
    """Parte el último eje en cabezas: ``(batch, T, h·d_h)`` → ``(batch, h, T, d_h)``.

    >>> split_heads(np.zeros((2, 5, 12)), 3).shape
    (2, 3, 5, 4)
    """
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(f"`x` debe tener forma (batch, T, d); tiene forma {x.shape}.")
    batch, length, d = x.shape
    if d % num_heads:
        raise ValueError(f"d = {d} no se puede repartir en {num_heads} cabezas iguales.")
    return x.reshape(batch, length, num_heads, d // num_heads).transpose(0, 2, 1, 3)


def merge_heads(x) -> np.ndarray:
    """Junta las cabezas: ``(batch, h, T, d_h)`` → ``(batch, T, h·d_h)``; deshace :func:`split_heads`.

    >>> x = np.arange(24.0).reshape(1, 2, 12)
    >>> bool(np.array_equal(merge_heads(split_heads(x, 4)), x))
    True
    """
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"`x` debe tener forma (batch, h, T, d_h); tiene forma {x.shape}.")
    batch, heads, length, dh = x.shape
    return x.transpose(0, 2, 1, 3).reshape(batch, length, heads * dh)


def multi_head_attention(query, value, weights, mask=None, return_weights: bool = False):
    """Atención de varias cabezas con los pesos de ``keras.layers.MultiHeadAttention``.

    Parámetros
    ----------
    query : arreglo ``(batch, Tq, d)``
        Secuencia que pregunta (en la autoatención, la misma que ``value``).
    value : arreglo ``(batch, Tk, d)``
        Secuencia de la que salen claves y valores.
    weights : lista ``[W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o]``
        Como los devuelve ``capa.get_weights()`` (formas al inicio del módulo).
    mask : arreglo booleano ``(batch, Tq, Tk)`` o que se difunda contra él, opcional.

    Devuelve la salida ``(batch, Tq, d)`` (y los pesos ``(batch, h, Tq, Tk)``
    si ``return_weights``).

    >>> g = np.random.default_rng(0); d, h, dk = 6, 2, 3
    >>> w = [g.normal(size=s) for s in [(d, h, dk), (h, dk)] * 3 + [(h, dk, d), (d,)]]
    >>> multi_head_attention(np.ones((1, 4, d)), np.ones((1, 4, d)), w).shape
    (1, 4, 6)
    """
    if len(weights) != 8:
        raise ValueError("`weights` debe tener 8 arreglos en el orden de Keras: "
                         f"[W_q, b_q, W_k, b_k, W_v, b_v, W_o, b_o]; tiene {len(weights)}.")
    wq, bq, wk, bk, wv, bv, wo, bo = (np.asarray(w, dtype=float) for w in weights)
    d, heads, dk = wq.shape
    query, value = np.asarray(query, dtype=float), np.asarray(value, dtype=float)

    def proyectar(x, w, b):                       # (batch, T, d) → (batch, h, T, d_k)
        return split_heads(x @ w.reshape(d, heads * dk) + b.reshape(-1), heads)

    q, k, v = proyectar(query, wq, bq), proyectar(value, wk, bk), proyectar(value, wv, bv)
    if mask is not None:
        mask = np.asarray(mask, dtype=bool)[:, None] if np.ndim(mask) == 3 else mask  # un eje para las cabezas
    salida, pesos = scaled_dot_product_attention(q, k, v, mask)          # (batch, h, Tq, d_k)
    salida = merge_heads(salida) @ wo.reshape(heads * dk, -1) + bo       # (batch, Tq, d)
    return (salida, pesos) if return_weights else salida


def positional_encoding(length: int, d: int) -> np.ndarray:
    """Codificación posicional sinusoidal de Vaswani et al. (2017), forma ``(length, d)``.

    ``PE[t, 2i] = sin(t / (10⁴)^(2i/d))`` y ``PE[t, 2i+1] = cos(t / (10⁴)^(2i/d))``.

    >>> pe = positional_encoding(4, 6)
    >>> pe.shape, pe[0].round(1).tolist()
    ((4, 6), [0.0, 1.0, 0.0, 1.0, 0.0, 1.0])
    """
    if not isinstance(d, (int, np.integer)) or d < 2 or d % 2:
        raise ValueError(f"`d` debe ser un entero par ≥ 2; llegó {d!r}.")
    if not isinstance(length, (int, np.integer)) or length < 1:
        raise ValueError(f"`length` debe ser un entero positivo; llegó {length!r}.")
    t = np.arange(length)[:, None]                                     # (length, 1)
    frecuencias = 1.0 / 1e4 ** (np.arange(0, d, 2) / d)              # (d/2,)
    pe = np.zeros((length, d))
    pe[:, 0::2] = np.sin(t * frecuencias)
    pe[:, 1::2] = np.cos(t * frecuencias)
    return pe


def layer_norm(x, gamma, beta, epsilon: float = 1e-3) -> np.ndarray:
    """Normalización de capa: cada vector del último eje a media 0 y varianza 1, luego ``γ·x̂ + β``.

    ``epsilon`` es el de ``keras.layers.LayerNormalization``.

    >>> layer_norm(np.array([[1.0, 3.0]]), np.ones(2), np.zeros(2)).round(4).tolist()
    [[-0.9995, 0.9995]]
    """
    x = np.asarray(x, dtype=float)
    media = x.mean(axis=-1, keepdims=True)
    varianza = x.var(axis=-1, keepdims=True)
    return gamma * (x - media) / np.sqrt(varianza + epsilon) + beta


def encoder_block(x, mha_weights, ln1, ffn, ln2, mask=None) -> np.ndarray:
    """Un bloque codificador del transformador (normalización después, como en el artículo).

    ``h = LN₁(x + MHA(x, x))`` y ``salida = LN₂(h + FFN(h))`` con
    ``FFN(h) = relu(h W₁ + b₁) W₂ + b₂``.

    Parámetros
    ----------
    x : arreglo ``(batch, T, d)``
    mha_weights : los 8 arreglos de :func:`multi_head_attention`.
    ln1, ln2 : pares ``(gamma, beta)``, cada uno de forma ``(d,)``.
    ffn : ``(W₁, b₁, W₂, b₂)`` con formas ``(d, d_ff)``, ``(d_ff,)``, ``(d_ff, d)``, ``(d,)``.
    mask : máscara booleana opcional, como en :func:`multi_head_attention`.

    Devuelve un arreglo ``(batch, T, d)``.

    >>> g = np.random.default_rng(0); d, h, dk, dff = 4, 2, 2, 8
    >>> w = [g.normal(size=s) for s in [(d, h, dk), (h, dk)] * 3 + [(h, dk, d), (d,)]]
    >>> capa = [np.ones(d), np.zeros(d)]
    >>> ffn = [g.normal(size=(d, dff)), np.zeros(dff), g.normal(size=(dff, d)), np.zeros(d)]
    >>> encoder_block(g.normal(size=(1, 3, d)), w, capa, ffn, capa).shape
    (1, 3, 4)
    """
    x = np.asarray(x, dtype=float)
    w1, b1, w2, b2 = (np.asarray(a, dtype=float) for a in ffn)
    h = layer_norm(x + multi_head_attention(x, x, mha_weights, mask), *ln1)      # atención + residuo
    return layer_norm(h + np.maximum(h @ w1 + b1, 0.0) @ w2 + b2, *ln2)         # red densa + residuo


def encoder_block_params(d: int, num_heads: int, key_dim: int, d_ff: int) -> int:
    """Parámetros de un bloque codificador: atención, dos normalizaciones y la red densa.

    >>> encoder_block_params(32, 4, 8, 64)
    8544
    """
    atencion = 3 * (d * num_heads * key_dim + num_heads * key_dim) + num_heads * key_dim * d + d
    normalizaciones = 2 * (2 * d)
    densa = d * d_ff + d_ff + d_ff * d + d
    return atencion + normalizaciones + densa


def encoder_block_macs(length: int, d: int, num_heads: int, key_dim: int, d_ff: int) -> dict:
    """Multiplicaciones-sumas de un bloque codificador para una secuencia de ``length`` posiciones.

    Devuelve un diccionario con ``proyecciones`` (q, k, v y salida),
    ``puntajes`` (q·kᵀ), ``ponderar`` (pesos·v), ``densa`` (la red de dos capas)
    y ``total``. Los dos términos de la atención crecen con ``length²``.

    >>> encoder_block_macs(10, 32, 4, 8, 64)["puntajes"]
    3200
    """
    hk = num_heads * key_dim
    partes = {
        "proyecciones": 4 * length * d * hk,
        "puntajes": num_heads * length * length * key_dim,
        "ponderar": num_heads * length * length * key_dim,
        "densa": 2 * length * d * d_ff,
    }
    partes["total"] = sum(partes.values())
    return partes


def keras_encoder_block(x, num_heads: int, key_dim: int, d_ff: int, dropout: float = 0.0):
    """El mismo bloque que :func:`encoder_block`, con capas de Keras (API funcional).

    ``x`` es un tensor de Keras ``(batch, T, d)``; devuelve otro de la misma forma.
    Con los mismos pesos calcula lo mismo que :func:`encoder_block` (el capítulo de atención lo comprueba).

    >>> import keras                                                # doctest: +SKIP
    >>> entrada = keras.Input((10, 32))                             # doctest: +SKIP
    >>> keras.Model(entrada, keras_encoder_block(entrada, 4, 8, 64)).count_params()  # doctest: +SKIP
    8544
    """
    import keras

    d = x.shape[-1]
    atencion = keras.layers.MultiHeadAttention(num_heads, key_dim, dropout=dropout)(x, x)
    h = keras.layers.LayerNormalization()(keras.layers.Add()([x, atencion]))       # residuo + normalización
    f = keras.layers.Dense(d_ff, activation="relu")(h)
    f = keras.layers.Dense(d)(f)
    if dropout:
        f = keras.layers.Dropout(dropout)(f)
    return keras.layers.LayerNormalization()(keras.layers.Add()([h, f]))
