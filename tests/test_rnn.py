"""Pruebas de ``utils.rnn``: comparación con las capas de Keras y errores en español."""

import itertools

import keras
import numpy as np
import pytest

from utils.rnn import (
    clip_gradients,
    gradient_factor,
    gru_cell_forward,
    gru_forward,
    lstm_cell_forward,
    lstm_forward,
    make_windows,
    rnn_cell_forward,
    rnn_forward,
)

RNG = np.random.default_rng(7)
ATOL = 1e-5

LAYERS = {
    "rnn": (keras.layers.SimpleRNN, rnn_forward),
    "lstm": (keras.layers.LSTM, lstm_forward),
    "gru": (keras.layers.GRU, gru_forward),
}


def _keras_layer(kind, units, features, **kwargs):
    """Crea la capa de Keras con pesos aleatorios grandes (para salir de la zona lineal)."""
    layer_cls, _ = LAYERS[kind]
    layer = layer_cls(units, return_sequences=True, **kwargs)
    layer.build((None, None, features))
    weights = [RNG.normal(scale=0.8, size=w.shape).astype(np.float32) for w in layer.get_weights()]
    layer.set_weights(weights)
    return layer, weights


def _random_x(batch, time, features):
    return RNG.normal(scale=1.5, size=(batch, time, features)).astype(np.float32)


# ---------------------------------------------------------------------------
# Secuencias completas contra Keras
# ---------------------------------------------------------------------------

CASES = list(itertools.product(["rnn", "lstm", "gru"], [1, 5], [1, 3], [1, 4], [1, 7]))


@pytest.mark.parametrize("kind, units, features, batch, time", CASES)
def test_forward_matches_keras(kind, units, features, batch, time):
    layer, (kernel, recurrent_kernel, bias) = _keras_layer(kind, units, features)
    x = _random_x(batch, time, features)
    expected = np.asarray(layer(x))
    out = LAYERS[kind][1](x, kernel, recurrent_kernel, bias)
    hs = out[0] if kind == "lstm" else out
    assert hs.shape == (batch, time, units)
    np.testing.assert_allclose(hs, expected, atol=ATOL, rtol=ATOL)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_forward_with_initial_state_matches_keras(kind):
    units, features, batch, time = 4, 3, 2, 6
    layer, weights = _keras_layer(kind, units, features)
    x = _random_x(batch, time, features)
    h0 = RNG.normal(size=(batch, units)).astype(np.float32)
    if kind == "lstm":
        c0 = RNG.normal(size=(batch, units)).astype(np.float32)
        expected = np.asarray(layer(x, initial_state=[h0, c0]))
        hs, _ = lstm_forward(x, *weights, h0=h0, c0=c0)
    else:
        expected = np.asarray(layer(x, initial_state=[h0]))
        hs = LAYERS[kind][1](x, *weights, h0=h0)
    np.testing.assert_allclose(hs, expected, atol=ATOL, rtol=ATOL)


def test_lstm_last_cell_state_matches_keras():
    units, features = 6, 4
    layer = keras.layers.LSTM(units, return_sequences=True, return_state=True)
    layer.build((None, None, features))
    weights = [RNG.normal(scale=0.8, size=w.shape).astype(np.float32) for w in layer.get_weights()]
    layer.set_weights(weights)
    x = _random_x(3, 9, features)
    seq, h_last, c_last = (np.asarray(t) for t in layer(x))
    hs, c = lstm_forward(x, *weights)
    np.testing.assert_allclose(hs, seq, atol=ATOL, rtol=ATOL)
    np.testing.assert_allclose(hs[:, -1], h_last, atol=ATOL, rtol=ATOL)
    np.testing.assert_allclose(c, c_last, atol=ATOL, rtol=ATOL)


@pytest.mark.parametrize("kind", ["rnn", "lstm", "gru"])
def test_forward_without_bias_matches_keras(kind):
    layer, weights = _keras_layer(kind, 3, 2, use_bias=False)
    assert len(weights) == 2
    x = _random_x(2, 5, 2)
    out = LAYERS[kind][1](x, weights[0], weights[1], None)
    hs = out[0] if kind == "lstm" else out
    np.testing.assert_allclose(hs, np.asarray(layer(x)), atol=ATOL, rtol=ATOL)


def test_forward_returns_float64_and_accepts_lists():
    layer, (k, rk, b) = _keras_layer("rnn", 2, 2)
    x = _random_x(1, 3, 2)
    hs = rnn_forward(x.tolist(), k.tolist(), rk.tolist(), b.tolist())
    assert hs.dtype == np.float64
    np.testing.assert_allclose(hs, np.asarray(layer(x)), atol=ATOL)


# ---------------------------------------------------------------------------
# Celdas: un paso
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("units, features, batch", [(1, 1, 1), (4, 3, 2), (7, 5, 3)])
def test_cells_match_keras_cells(units, features, batch):
    x = RNG.normal(size=(batch, features)).astype(np.float32)
    h = RNG.normal(size=(batch, units)).astype(np.float32)
    c = RNG.normal(size=(batch, units)).astype(np.float32)

    cell = keras.layers.SimpleRNNCell(units)
    cell.build((None, features))
    weights = [RNG.normal(size=w.shape).astype(np.float32) for w in cell.get_weights()]
    cell.set_weights(weights)
    expected, _ = cell(x, [h])
    np.testing.assert_allclose(rnn_cell_forward(x, h, *weights), np.asarray(expected), atol=ATOL, rtol=ATOL)

    cell = keras.layers.LSTMCell(units)
    cell.build((None, features))
    weights = [RNG.normal(size=w.shape).astype(np.float32) for w in cell.get_weights()]
    cell.set_weights(weights)
    expected_h, (_, expected_c) = cell(x, [h, c])
    new_h, new_c = lstm_cell_forward(x, h, c, *weights)
    np.testing.assert_allclose(new_h, np.asarray(expected_h), atol=ATOL, rtol=ATOL)
    np.testing.assert_allclose(new_c, np.asarray(expected_c), atol=ATOL, rtol=ATOL)

    cell = keras.layers.GRUCell(units)
    cell.build((None, features))
    weights = [RNG.normal(size=w.shape).astype(np.float32) for w in cell.get_weights()]
    cell.set_weights(weights)
    expected, _ = cell(x, h)
    np.testing.assert_allclose(gru_cell_forward(x, h, *weights), np.asarray(expected), atol=ATOL, rtol=ATOL)


def test_cells_agree_with_first_step_of_sequences():
    x = RNG.normal(size=(2, 4, 3))
    units = 5
    k1, r1, b1 = RNG.normal(size=(3, units)), RNG.normal(size=(units, units)), RNG.normal(size=units)
    h = np.zeros((2, units))
    np.testing.assert_allclose(rnn_cell_forward(x[:, 0], h, k1, r1, b1), rnn_forward(x, k1, r1, b1)[:, 0])

    k4, r4, b4 = RNG.normal(size=(3, 4 * units)), RNG.normal(size=(units, 4 * units)), RNG.normal(size=4 * units)
    hs, _ = lstm_forward(x[:, :1], k4, r4, b4)
    h1, _ = lstm_cell_forward(x[:, 0], h, h, k4, r4, b4)
    np.testing.assert_allclose(h1, hs[:, 0])

    k3, r3, b3 = RNG.normal(size=(3, 3 * units)), RNG.normal(size=(units, 3 * units)), RNG.normal(size=(2, 3 * units))
    np.testing.assert_allclose(gru_cell_forward(x[:, 0], h, k3, r3, b3), gru_forward(x, k3, r3, b3)[:, 0])


def test_lstm_hand_computed_step():
    # Con todo el peso en 1 y sesgo 0: i = f = o = σ(1), c = σ(1)·tanh(1), h = σ(1)·tanh(c).
    h, c = lstm_cell_forward([[1.0]], [[0.0]], [[0.0]], [[1.0] * 4], [[0.0] * 4], [0.0] * 4)
    s = 1 / (1 + np.exp(-1.0))
    np.testing.assert_allclose(c, [[s * np.tanh(1.0)]])
    np.testing.assert_allclose(h, [[s * np.tanh(s * np.tanh(1.0))]])


def test_gru_update_gate_mixes_previous_state():
    # z = σ(10) ≈ 1: el estado casi no cambia.
    h_prev = np.array([[0.3]])
    kernel = np.array([[10.0, 0.0, 5.0]])
    h = gru_cell_forward([[1.0]], h_prev, kernel, np.zeros((1, 3)), np.zeros((2, 3)))
    z = 1 / (1 + np.exp(-10.0))
    np.testing.assert_allclose(h, z * 0.3 + (1 - z) * np.tanh(5.0))


# ---------------------------------------------------------------------------
# Gradientes que explotan o se desvanecen
# ---------------------------------------------------------------------------

def test_gradient_factor_examples():
    assert gradient_factor(2, 50) == pytest.approx(1.1258999e15, rel=1e-6)
    assert gradient_factor(0.5, 50) == pytest.approx(8.8817842e-16, rel=1e-6)
    assert gradient_factor(1.0, 1000) == 1.0
    assert gradient_factor(3, 0) == 1.0
    np.testing.assert_allclose(gradient_factor([0.9, 1.1], 10), [0.9 ** 10, 1.1 ** 10])


def test_clip_gradients_matches_tensorflow_global_norm():
    import tensorflow as tf

    grads = [RNG.normal(size=(3, 4)) * 10, RNG.normal(size=(4,)) * 10]
    for max_norm in (0.5, 1.0, 1e6):
        clipped, norm = clip_gradients(grads, max_norm)
        expected, tf_norm = tf.clip_by_global_norm([tf.constant(g) for g in grads], max_norm)
        assert norm == pytest.approx(float(tf_norm))
        for got, want, g in zip(clipped, expected, grads):
            np.testing.assert_allclose(got, want.numpy(), rtol=1e-12)
            assert got.shape == g.shape
    # Sin recorte, la lista no cambia; con recorte, la norma queda exactamente en max_norm.
    same, _ = clip_gradients(grads, 1e6)
    assert all(np.array_equal(a, b) for a, b in zip(same, grads))
    short, _ = clip_gradients(grads, 2.0)
    assert np.sqrt(sum(np.sum(g ** 2) for g in short)) == pytest.approx(2.0)
    zeros, norm0 = clip_gradients([np.zeros(3)], 1.0)
    assert norm0 == 0.0 and not np.isnan(zeros[0]).any()


def test_clip_gradients_equals_keras_global_clipnorm():
    var = keras.Variable(np.zeros(3, dtype="float32"))
    grad = np.array([30.0, 40.0, 0.0], dtype="float32")
    keras.optimizers.SGD(learning_rate=0.1, global_clipnorm=1.0).apply([grad], [var])
    (clipped,), _ = clip_gradients([grad], 1.0)
    np.testing.assert_allclose(np.asarray(var), -0.1 * clipped, atol=1e-7)


def test_make_windows_shapes_and_targets():
    serie = np.arange(10.0)
    X, y = make_windows(serie, length=4, horizon=2)
    assert X.shape == (5, 4, 1) and y.shape == (5,)
    np.testing.assert_array_equal(X[0, :, 0], [0, 1, 2, 3])
    np.testing.assert_array_equal(y, X[:, -1, 0] + 2)
    X2, y2 = make_windows(np.column_stack([serie, -serie]), length=3)
    assert X2.shape == (7, 3, 2)
    np.testing.assert_array_equal(y2, serie[3:])
    X1, y1 = make_windows(serie, length=9)
    assert X1.shape == (1, 9, 1) and y1[0] == 9.0


# ---------------------------------------------------------------------------
# Entradas incorrectas: errores claros en español
# ---------------------------------------------------------------------------

X3 = np.ones((2, 4, 3))
XS = np.ones((2, 3))
H = np.zeros((2, 5))
K1, R1, B1 = np.ones((3, 5)), np.ones((5, 5)), np.ones(5)
K4, R4, B4 = np.ones((3, 20)), np.ones((5, 20)), np.ones(20)
K3, R3, B3 = np.ones((3, 15)), np.ones((5, 15)), np.ones((2, 15))

BAD_CALLS = [
    ("x de rnn en 2-D", lambda: rnn_forward(XS, K1, R1, B1), ValueError, "ejes"),
    ("x de lstm en 4-D", lambda: lstm_forward(X3[None], K4, R4, B4), ValueError, "ejes"),
    ("x de gru en 2-D", lambda: gru_forward(XS, K3, R3, B3), ValueError, "ejes"),
    ("filas del kernel ≠ características", lambda: rnn_forward(X3, np.ones((4, 5)), R1, B1), ValueError, "fila"),
    ("filas del kernel lstm", lambda: lstm_forward(X3, np.ones((2, 20)), R4, B4), ValueError, "fila"),
    ("columnas no múltiplo de 4", lambda: lstm_forward(X3, np.ones((3, 18)), R4, B4), ValueError, "compuerta"),
    ("columnas no múltiplo de 3", lambda: gru_forward(X3, np.ones((3, 16)), R3, B3), ValueError, "compuerta"),
    ("recurrente mal formado", lambda: rnn_forward(X3, K1, np.ones((5, 4)), B1), ValueError, "forma"),
    ("recurrente lstm mal formado", lambda: lstm_forward(X3, K4, np.ones((5, 5)), B4), ValueError, "forma"),
    ("sesgo de largo incorrecto", lambda: rnn_forward(X3, K1, R1, np.ones(4)), ValueError, "forma"),
    ("sesgo lstm de largo incorrecto", lambda: lstm_forward(X3, K4, R4, np.ones(5)), ValueError, "forma"),
    ("sesgo gru de una fila", lambda: gru_forward(X3, K3, R3, np.ones(15)), ValueError, "reset_after"),
    ("h0 mal formado", lambda: rnn_forward(X3, K1, R1, B1, h0=np.zeros((3, 5))), ValueError, "forma"),
    ("c0 mal formado", lambda: lstm_forward(X3, K4, R4, B4, c0=np.zeros((2, 4))), ValueError, "forma"),
    ("h0 gru en 1-D", lambda: gru_forward(X3, K3, R3, B3, h0=np.zeros(5)), ValueError, "ejes"),
    ("NaN en x", lambda: lstm_forward(X3 * np.nan, K4, R4, B4), ValueError, "NaN"),
    ("NaN en kernel", lambda: rnn_forward(X3, K1 * np.nan, R1, B1), ValueError, "NaN"),
    ("texto como x", lambda: gru_forward("hola", K3, R3, B3), TypeError, "numérico"),
    ("celda: x en 3-D", lambda: rnn_cell_forward(X3, H, K1, R1, B1), ValueError, "ejes"),
    ("celda: batch distinto", lambda: rnn_cell_forward(XS, np.zeros((3, 5)), K1, R1, B1), ValueError, "batch"),
    ("celda: h con otras unidades", lambda: gru_cell_forward(XS, np.zeros((2, 4)), K3, R3, B3), ValueError, "forma"),
    ("celda lstm: c mal formado", lambda: lstm_cell_forward(XS, H, np.zeros((2, 6)), K4, R4, B4), ValueError, "forma"),
    ("celda lstm: kernel de gru", lambda: lstm_cell_forward(XS, H, H, K3, R3, B3), ValueError, "compuerta"),
    ("gradient_factor: n negativo", lambda: gradient_factor(2, -1), ValueError, "negativo"),
    ("gradient_factor: n real", lambda: gradient_factor(2, 1.5), TypeError, "entero"),
    ("gradient_factor: w texto", lambda: gradient_factor("2", 3), TypeError, "numérico"),
    ("clip_gradients: max_norm cero", lambda: clip_gradients([np.ones(2)], 0.0), ValueError, "positivo"),
    ("clip_gradients: lista vacía", lambda: clip_gradients([], 1.0), TypeError, "lista"),
    ("clip_gradients: un arreglo suelto", lambda: clip_gradients(np.ones(3), 1.0), TypeError, "lista"),
    ("make_windows: serie corta", lambda: make_windows(np.arange(5.0), length=5), ValueError, "no alcanza"),
    ("make_windows: largo cero", lambda: make_windows(np.arange(5.0), length=0), ValueError, "positivo"),
    ("make_windows: horizonte real", lambda: make_windows(np.arange(5.0), 2, horizon=1.5), TypeError, "entero"),
    ("make_windows: serie 3-D", lambda: make_windows(np.ones((4, 2, 2)), 2), ValueError, "1-D"),
]


@pytest.mark.parametrize("description, call, exc, match", BAD_CALLS, ids=[c[0] for c in BAD_CALLS])
def test_bad_input_raises_spanish_error(description, call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_gradient_per_step_measures_each_step():
    keras = pytest.importorskip("keras")
    import numpy as np

    from utils.rnn import gradient_per_step

    x = np.random.default_rng(0).normal(size=(4, 12, 2))
    # Una capa que solo mira el último paso: todo el gradiente cae en t = T.
    ultimo = keras.layers.Lambda(lambda s: s[:, -1, :])
    g = gradient_per_step(ultimo, x)
    assert g.shape == (12,)
    np.testing.assert_allclose(g[:-1], 0.0)
    np.testing.assert_allclose(g[-1], np.sqrt(2.0), rtol=1e-6)
    # Una SimpleRNN con peso recurrente chico: la influencia decae hacia el pasado.
    keras.utils.set_random_seed(0)
    capa = keras.layers.SimpleRNN(8)
    capa.build((None, None, 2))
    w_x, w_h, b = capa.get_weights()
    capa.set_weights([w_x, 0.3 * w_h, b])
    g = gradient_per_step(capa, x)
    assert g[-1] > 100 * g[0]
    with pytest.raises(ValueError, match="batch, time, features"):
        gradient_per_step(capa, x[0])


# ---------------------------------------------------------------------------
# Retropropagación a través del tiempo (rnn_backward)
# ---------------------------------------------------------------------------

def _bptt_case(batch=3, time=7, features=2, units=4, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(batch, time, features))
    W_x = rng.normal(scale=0.7, size=(features, units))
    W_h = rng.normal(scale=0.7, size=(units, units))
    b = rng.normal(scale=0.3, size=units)
    h0 = rng.normal(scale=0.5, size=(batch, units))
    G = rng.normal(size=(batch, time, units))          # J = Σ G ⊙ h, así ∂J/∂h_t directo = G_t
    return x, W_x, W_h, b, h0, G


def test_rnn_backward_matches_gradienttape():
    import tensorflow as tf
    from utils.rnn import rnn_backward

    x, W_x, W_h, b, h0, G = _bptt_case()
    layer = keras.layers.SimpleRNN(W_x.shape[1], return_sequences=True)
    layer.build((None, None, x.shape[2]))
    layer.set_weights([W_x.astype("float32"), W_h.astype("float32"), b.astype("float32")])
    xt = tf.constant(x, dtype="float32")
    h0t = tf.constant(h0, dtype="float32")
    with tf.GradientTape() as tape:
        tape.watch([xt, h0t])
        J = tf.reduce_sum(layer(xt, initial_state=[h0t]) * G)
    keras_grads = tape.gradient(J, layer.trainable_weights + [xt, h0t])
    hs = rnn_forward(x, W_x, W_h, b, h0=h0)
    ours = rnn_backward(x, hs, G, W_x, W_h, h0=h0)
    for name, expected in zip(["kernel", "recurrent_kernel", "bias", "x", "h0"], keras_grads):
        np.testing.assert_allclose(ours[name], expected.numpy(), atol=1e-4, err_msg=name)


def test_rnn_backward_matches_finite_differences():
    from utils.rnn import rnn_backward

    x, W_x, W_h, b, h0, G = _bptt_case(batch=2, time=5, seed=1)
    J = lambda Wh: float(np.sum(rnn_forward(x, W_x, Wh, b, h0=h0) * G))  # noqa: E731
    g = rnn_backward(x, rnn_forward(x, W_x, W_h, b, h0=h0), G, W_x, W_h, h0=h0)["recurrent_kernel"]
    eps, num = 1e-6, np.zeros_like(W_h)
    for idx in np.ndindex(*W_h.shape):
        d = np.zeros_like(W_h)
        d[idx] = eps
        num[idx] = (J(W_h + d) - J(W_h - d)) / (2 * eps)
    np.testing.assert_allclose(g, num, atol=1e-6)


def test_rnn_backward_truncated():
    from utils.rnn import rnn_backward

    x, W_x, W_h, b, h0, G = _bptt_case(time=8, seed=2)
    hs = rnn_forward(x, W_x, W_h, b, h0=h0)
    full = rnn_backward(x, hs, G, W_x, W_h, h0=h0)
    # Un tramo tan largo como la secuencia es la BPTT completa.
    same = rnn_backward(x, hs, G, W_x, W_h, h0=h0, truncate=8)
    for k in ("kernel", "recurrent_kernel", "bias", "x"):
        np.testing.assert_allclose(same[k], full[k])
    # Con tramos de 1 paso, cada paso solo ve su propia pérdida: ∂J/∂a_t = G_t ⊙ (1 − h_t²).
    one = rnn_backward(x, hs, G, W_x, W_h, h0=h0, truncate=1)
    da = G * (1 - hs ** 2)
    np.testing.assert_allclose(one["bias"], da.sum(axis=(0, 1)))
    assert not np.allclose(one["bias"], full["bias"])
    np.testing.assert_allclose(one["h0"], 0.0)
    # Con tramos de 4, la pérdida del último paso no llega a los pasos del primer tramo.
    only_last = np.zeros_like(G)
    only_last[:, -1] = G[:, -1]
    g4 = rnn_backward(x, hs, only_last, W_x, W_h, h0=h0, truncate=4)
    np.testing.assert_allclose(g4["x"][:, :4], 0.0)
    assert np.abs(g4["x"][:, 4:]).min() > 0


@pytest.mark.parametrize("kwargs, match", [
    (dict(hs=np.zeros((3, 7, 5))), "hs"),
    (dict(dhs=np.zeros((3, 6, 4))), "dhs"),
    (dict(truncate=0), "truncate"),
])
def test_rnn_backward_spanish_errors(kwargs, match):
    from utils.rnn import rnn_backward

    x, W_x, W_h, b, h0, G = _bptt_case()
    args = dict(x=x, hs=rnn_forward(x, W_x, W_h, b), dhs=G, kernel=W_x, recurrent_kernel=W_h)
    args.update(kwargs)
    with pytest.raises((ValueError, TypeError), match=match):
        rnn_backward(**args)


# ---------------------------------------------------------------------------
# Codificador–decodificador (capítulos 14 y 15)
# ---------------------------------------------------------------------------

def test_reversal_task_reverses_and_shifts():
    from utils.rnn import reversal_task

    x, y_previa, y = reversal_task(5, 6, np.random.default_rng(0))
    assert x.shape == y.shape == y_previa.shape == (5, 6)
    assert np.array_equal(y, x[:, ::-1]) and x.min() >= 1 and x.max() <= 9
    assert np.all(y_previa[:, 0] == 0) and np.array_equal(y_previa[:, 1:], y[:, :-1])


@pytest.mark.parametrize("args, mensaje", [((0, 4), "`n` debe"), ((3, 0), "`length` debe")])
def test_reversal_task_bad_sizes_in_spanish(args, mensaje):
    from utils.rnn import reversal_task

    with pytest.raises(ValueError, match=mensaje):
        reversal_task(*args, np.random.default_rng(0))
    with pytest.raises(TypeError, match="np.random.Generator"):
        reversal_task(3, 4, 0)


def test_encoder_decoder_bottleneck_and_attention_weights():
    from utils.rnn import encoder_decoder, reversal_task

    x, y_previa, _ = reversal_task(4, 7, np.random.default_rng(1))
    sin, visor_sin = encoder_decoder(units=8)
    con, visor = encoder_decoder(units=8, attention=True)
    assert visor_sin is None
    p_lstm = lambda f, u: 4 * (f * u + u * u + u)  # noqa: E731
    # Embedding 10×8, dos LSTM de 8 rasgos a 8 unidades y la salida Dense(8 → 10).
    assert sin.count_params() == 10 * 8 + 2 * p_lstm(8, 8) + 8 * 10 + 10
    # Con atención: W y U (8×8 sin sesgo), la v de AdditiveAttention (8) y la salida lee [s, c] (16 → 10).
    assert con.count_params() == 10 * 8 + 2 * p_lstm(8, 8) + 2 * 8 * 8 + 8 + 16 * 10 + 10
    assert sin.predict([x, y_previa], verbose=0).shape == (4, 7, 10)
    alfa = visor.predict([x, y_previa], verbose=0)
    assert alfa.shape == (4, 7, 7) and np.allclose(alfa.sum(axis=-1), 1, atol=1e-5)   # cada fila suma 1
    with pytest.raises(ValueError, match="`units` debe"):
        encoder_decoder(units=0)
