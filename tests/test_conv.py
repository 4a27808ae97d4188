"""Pruebas de ``utils.conv``: ejemplos del libro, comparación con TensorFlow y errores."""

import itertools

import numpy as np
import pytest
import tensorflow as tf

from utils.conv import (
    conv2d,
    conv2d_loop,
    conv2d_nhwc,
    conv2d_nhwc_loop,
    conv_params,
    output_size,
    pool2d,
    pool2d_loop,
)

RNG = np.random.default_rng(20240601)


def _tf_padding(padding):
    """Traduce nuestro ``padding`` al argumento de TensorFlow."""
    if isinstance(padding, str):
        return padding.upper()
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    return [[0, 0], [ph, ph], [pw, pw], [0, 0]]


def _fits(n, f, padding):
    """¿Cabe el filtro en la entrada rellenada? (``"same"`` siempre cabe)."""
    if padding == "same":
        return True
    p = 0 if padding == "valid" else padding
    return f <= n + 2 * p


# ---------------------------------------------------------------------------
# Ejemplos resueltos del libro (resultados exactos)
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("conv", [conv2d, conv2d_loop])
def test_example_1_small_image(conv):
    image = [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]]
    kernel = [[1, 0, 1], [0, 1, 0], [1, 0, 1]]
    np.testing.assert_array_equal(conv(image, kernel), [[4, 3, 4], [2, 4, 3], [2, 3, 4]])


@pytest.mark.parametrize("conv", [conv2d, conv2d_loop])
def test_example_2_vertical_edge_6x6(conv):
    image = np.array([[10, 10, 10, 0, 0, 0]] * 6)
    kernel = [[1, 0, -1]] * 3
    np.testing.assert_array_equal(conv(image, kernel), [[0, 30, 30, 0]] * 4)
    np.testing.assert_array_equal(conv(image[:, ::-1], kernel), [[0, -30, -30, 0]] * 4)


@pytest.mark.parametrize("conv", [conv2d, conv2d_loop])
def test_example_3_horizontal_filter_7x7(conv):
    kernel = [[1, 1, 1], [0, 0, 0], [-1, -1, -1]]
    vertical = np.zeros((7, 7))
    vertical[:, :3] = 10
    np.testing.assert_array_equal(conv(vertical, kernel), np.zeros((5, 5)))
    horizontal = np.zeros((7, 7))
    horizontal[:3, :] = 10
    expected = np.array([[0], [30], [30], [0], [0]]) * np.ones((1, 5))
    np.testing.assert_array_equal(conv(horizontal, kernel), expected)


@pytest.mark.parametrize("conv", [conv2d, conv2d_loop])
def test_example_4_stride_2(conv):
    image = [[2, 3, 7, 4, 6, 2, 9], [6, 6, 9, 8, 7, 4, 3], [3, 4, 8, 3, 8, 9, 7], [7, 8, 3, 6, 6, 3, 4],
             [4, 2, 1, 8, 3, 4, 6], [3, 2, 4, 1, 9, 8, 3], [0, 1, 3, 9, 2, 1, 4]]
    kernel = [[3, 4, 4], [1, 0, 2], [-1, 0, 3]]
    expected = [[91, 100, 88], [69, 91, 117], [44, 72, 74]]
    np.testing.assert_array_equal(conv(image, kernel, stride=2), expected)
    assert output_size(7, 3, padding=0, stride=2) == 3


def test_example_5_conv_params():
    assert conv_params(3, 3, 10) == 280
    assert conv_params(3, 3, 10, bias=False) == 270
    assert conv_params((3, 5), 2, 4) == (3 * 5 * 2 + 1) * 4


@pytest.mark.parametrize("pool", [pool2d, pool2d_loop])
def test_example_6_max_pooling(pool):
    x = [[1, 3, 2, 1, 3], [2, 9, 1, 1, 5], [1, 3, 2, 3, 2], [8, 3, 5, 1, 0], [5, 6, 1, 2, 9]]
    np.testing.assert_array_equal(pool(x, 3, stride=1), [[9, 9, 5], [9, 9, 5], [8, 6, 9]])
    y = [[12, 20, 30, 0], [8, 12, 2, 0], [34, 70, 37, 4], [112, 100, 25, 12]]
    np.testing.assert_array_equal(pool(y, 2), [[20, 30], [112, 37]])
    np.testing.assert_array_equal(pool(y, 2, mode="avg"), [[13, 8], [79, 19.5]])


def test_conv_params_matches_keras_count():
    layer = tf.keras.layers.Conv2D(10, 3)
    layer.build((None, 8, 8, 3))
    assert conv_params(3, 3, 10) == layer.count_params()


# ---------------------------------------------------------------------------
# output_size
# ---------------------------------------------------------------------------

@pytest.mark.parametrize("n, f, p, s, expected", [
    (6, 3, 0, 1, 4), (7, 3, 0, 2, 3), (5, 3, 1, 1, 5), (32, 5, 0, 1, 28),
    (28, 2, 0, 2, 14), (8, 3, 1, 2, 4), (3, 3, 0, 1, 1), (4, 5, 1, 3, 1),
])
def test_output_size_formula(n, f, p, s, expected):
    assert output_size(n, f, padding=p, stride=s) == expected


@pytest.mark.parametrize("n, f, p, s", list(itertools.product([5, 8], [1, 2, 3], [0, 1, 2], [1, 2, 3])))
def test_output_size_matches_conv_shape(n, f, p, s):
    out = conv2d(np.ones((n, n + 1)), np.ones((f, f)), stride=s, padding=p)
    assert out.shape == (output_size(n, f, p, s), output_size(n + 1, f, p, s))


# ---------------------------------------------------------------------------
# Comparación con TensorFlow
# ---------------------------------------------------------------------------

NHWC_GEOMETRIES = [
    # (N, alto, ancho, C_in), (f_alto, f_ancho, C_in, C_out)
    ((2, 7, 7, 1), (3, 3, 1, 2)),
    ((1, 8, 6, 3), (3, 2, 3, 4)),
    ((3, 5, 9, 2), (1, 4, 2, 3)),
    ((2, 9, 8, 2), (5, 3, 2, 1)),
    ((1, 4, 4, 3), (4, 4, 3, 2)),
    ((2, 6, 10, 1), (2, 5, 1, 3)),
]
STRIDES = [1, 2, 3, (1, 2), (3, 2)]
PADDINGS = ["valid", "same", 0, 1, 2, (1, 2)]


def _nhwc_cases():
    for (xs, ws), stride, padding in itertools.product(NHWC_GEOMETRIES, STRIDES, PADDINGS):
        ph, pw = (0, 0) if isinstance(padding, str) else ((padding, padding) if isinstance(padding, int) else padding)
        if padding != "same" and (ws[0] > xs[1] + 2 * ph or ws[1] > xs[2] + 2 * pw):
            continue
        yield xs, ws, stride, padding


@pytest.mark.parametrize("x_shape, w_shape, stride, padding", list(_nhwc_cases()))
def test_conv2d_nhwc_matches_tensorflow(x_shape, w_shape, stride, padding):
    x = RNG.normal(size=x_shape)
    w = RNG.normal(size=w_shape)
    b = RNG.normal(size=w_shape[3])
    expected = tf.nn.conv2d(x, w, strides=stride, padding=_tf_padding(padding)).numpy() + b
    fast = conv2d_nhwc(x, w, b, stride=stride, padding=padding)
    slow = conv2d_nhwc_loop(x, w, b, stride=stride, padding=padding)
    np.testing.assert_allclose(fast, expected, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(slow, fast, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("x_shape, k_shape", [((5, 5), (3, 3)), ((7, 4), (2, 3)), ((6, 9), (4, 1)), ((3, 8), (3, 3))])
@pytest.mark.parametrize("stride", [1, 2, 3, (2, 1)])
@pytest.mark.parametrize("padding", [0, 1, 2, "valid", "same"])
def test_conv2d_single_channel_matches_tensorflow(x_shape, k_shape, stride, padding):
    if not (_fits(x_shape[0], k_shape[0], padding) and _fits(x_shape[1], k_shape[1], padding)):
        pytest.skip("el filtro no cabe sin relleno")
    x = RNG.normal(size=x_shape)
    k = RNG.normal(size=k_shape)
    expected = tf.nn.conv2d(x[None, :, :, None], k[:, :, None, None], strides=stride,
                            padding=_tf_padding(padding)).numpy()[0, :, :, 0]
    np.testing.assert_allclose(conv2d(x, k, stride, padding), expected, rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(conv2d_loop(x, k, stride, padding), expected, rtol=1e-10, atol=1e-10)


def test_conv2d_equals_one_channel_nhwc():
    x = RNG.normal(size=(9, 7))
    k = RNG.normal(size=(3, 2))
    np.testing.assert_allclose(conv2d(x, k, 2, 1), conv2d_nhwc(x[None, :, :, None], k[:, :, None, None], None, 2, 1)[0, :, :, 0])


def test_conv2d_nhwc_float32_input_and_lists():
    x = RNG.normal(size=(2, 6, 6, 2)).astype(np.float32)
    w = RNG.normal(size=(3, 3, 2, 2)).astype(np.float32)
    out = conv2d_nhwc(x.tolist(), w, b=[0.5, -0.5], stride=[2, 2], padding="SAME")
    expected = tf.nn.conv2d(x, w, 2, "SAME").numpy() + np.array([0.5, -0.5])
    assert out.dtype == np.float64
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)


def test_conv2d_nhwc_matches_keras_conv_layer():
    x = RNG.normal(size=(2, 10, 8, 3)).astype(np.float32)
    layer = tf.keras.layers.Conv2D(4, (3, 2), strides=2, padding="same", bias_initializer="random_normal")
    expected = layer(x).numpy()
    w, b = layer.get_weights()
    np.testing.assert_allclose(conv2d_nhwc(x, w, b, stride=2, padding="same"), expected, rtol=1e-5, atol=1e-5)


POOL_GEOMETRIES = [(2, 7, 7, 2), (1, 8, 5, 1), (3, 6, 9, 3), (1, 4, 4, 1)]
POOL_SIZES = [2, 3, (2, 3)]
POOL_STRIDES = [None, 1, 2, 3, (1, 2)]


@pytest.mark.parametrize("x_shape", POOL_GEOMETRIES)
@pytest.mark.parametrize("size", POOL_SIZES)
@pytest.mark.parametrize("stride", POOL_STRIDES)
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("mode", ["max", "avg"])
def test_pool2d_matches_tensorflow(x_shape, size, stride, padding, mode):
    # Valores representables en float32: el max_pool2d de TF en CPU redondea
    # a float32 por dentro aunque reciba float64.
    x = RNG.normal(size=x_shape).astype(np.float32).astype(np.float64)
    tf_stride = size if stride is None else stride
    tf_pool = tf.nn.max_pool2d if mode == "max" else tf.nn.avg_pool2d
    expected = tf_pool(x, ksize=size, strides=tf_stride, padding=padding.upper()).numpy()
    fast = pool2d(x, size, stride=stride, mode=mode, padding=padding)
    np.testing.assert_allclose(fast, expected, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(pool2d_loop(x, size, stride=stride, mode=mode, padding=padding), fast,
                               rtol=1e-12, atol=1e-12)
    # Una sola imagen 2-D da lo mismo que el primer canal del primer ejemplo.
    np.testing.assert_allclose(pool2d(x[0, :, :, 0], size, stride, mode, padding), fast[0, :, :, 0])


@pytest.mark.parametrize("size, stride, padding", [(2, 2, 1), (3, 1, 1), (3, 2, 2), ((3, 2), (2, 1), (1, 0))])
def test_max_pool_int_padding_matches_tensorflow(size, stride, padding):
    # Todo negativo: el relleno no debe ganar el máximo (valores float32, ver arriba).
    x = (RNG.normal(size=(2, 6, 7, 2)) - 5.0).astype(np.float32).astype(np.float64)
    expected = tf.nn.max_pool2d(x, size, stride, _tf_padding(padding)).numpy()
    np.testing.assert_allclose(pool2d(x, size, stride, "max", padding), expected)
    np.testing.assert_allclose(pool2d_loop(x, size, stride, "max", padding), expected)


def test_avg_pool_int_padding_ignores_padded_cells():
    x = RNG.normal(size=(1, 5, 6, 2))
    fast = pool2d(x, 3, 2, mode="avg", padding=1)
    np.testing.assert_allclose(fast, pool2d_loop(x, 3, 2, mode="avg", padding=1))
    np.testing.assert_allclose(fast[0, 0, 0], x[0, :2, :2].mean(axis=(0, 1)))


# ---------------------------------------------------------------------------
# Entradas incorrectas: errores claros en español
# ---------------------------------------------------------------------------

IMG = np.ones((5, 5))
K3 = np.ones((3, 3))
X4 = np.ones((1, 5, 5, 2))
W4 = np.ones((3, 3, 2, 4))
NAN_IMG = np.where(np.eye(5) > 0, np.nan, 1.0)

BAD_CALLS = [
    # (descripción, llamada, excepción, texto esperado)
    ("x de conv2d en 3-D", lambda: conv2d(np.ones((5, 5, 1)), K3), ValueError, "ejes"),
    ("k de conv2d en 1-D", lambda: conv2d(IMG, np.ones(3)), ValueError, "ejes"),
    ("filtro mayor que la imagen", lambda: conv2d(np.ones((2, 2)), K3), ValueError, "no cabe"),
    ("filtro mayor (bucle)", lambda: conv2d_loop(np.ones((2, 5)), K3), ValueError, "no cabe"),
    ("stride cero", lambda: conv2d(IMG, K3, stride=0), ValueError, "positivo"),
    ("stride negativo", lambda: conv2d_nhwc(X4, W4, stride=-1), ValueError, "positivo"),
    ("stride no entero", lambda: conv2d(IMG, K3, stride=1.5), TypeError, "entero"),
    ("stride par mal formado", lambda: conv2d(IMG, K3, stride=(1, 2, 3)), ValueError, "par"),
    ("padding negativo", lambda: conv2d(IMG, K3, padding=-1), ValueError, "negativo"),
    ("padding desconocido", lambda: conv2d(IMG, K3, padding="full"), ValueError, "debe ser"),
    ("padding real", lambda: conv2d(IMG, K3, padding=1.0), TypeError, "debe ser"),
    ("NaN en la imagen", lambda: conv2d(NAN_IMG, K3), ValueError, "NaN"),
    ("texto como imagen", lambda: conv2d("imagen", K3), TypeError, "numérico"),
    ("x NHWC en 3-D", lambda: conv2d_nhwc(np.ones((5, 5, 2)), W4), ValueError, "ejes"),
    ("w NHWC en 3-D", lambda: conv2d_nhwc(X4, np.ones((3, 3, 2))), ValueError, "ejes"),
    ("canales distintos", lambda: conv2d_nhwc(X4, np.ones((3, 3, 3, 4))), ValueError, "canales"),
    ("canales distintos (bucle)", lambda: conv2d_nhwc_loop(X4, np.ones((3, 3, 1, 4))), ValueError, "canales"),
    ("sesgo de largo incorrecto", lambda: conv2d_nhwc(X4, W4, b=np.ones(3)), ValueError, "sesgo"),
    ("filtro NHWC mayor", lambda: conv2d_nhwc(X4, np.ones((6, 3, 2, 1))), ValueError, "no cabe"),
    ("NaN en NHWC", lambda: conv2d_nhwc(X4 * np.nan, W4), ValueError, "NaN"),
    ("padding NHWC desconocido", lambda: conv2d_nhwc(X4, W4, padding="causal"), ValueError, "debe ser"),
    ("pool en 3-D", lambda: pool2d(np.ones((5, 5, 1)), 2), ValueError, "ejes"),
    ("modo desconocido", lambda: pool2d(IMG, 2, mode="min"), ValueError, "debe ser"),
    ("modo no texto", lambda: pool2d(IMG, 2, mode=None), ValueError, "debe ser"),
    ("ventana mayor que la imagen", lambda: pool2d(IMG, 6), ValueError, "no cabe"),
    ("ventana cero", lambda: pool2d(IMG, 0), ValueError, "positivo"),
    ("stride de pool cero", lambda: pool2d(IMG, 2, stride=0), ValueError, "positivo"),
    ("relleno de pool demasiado grande", lambda: pool2d(IMG, 2, padding=2), ValueError, "relleno"),
    ("padding de pool desconocido", lambda: pool2d_loop(IMG, 2, padding="full"), ValueError, "debe ser"),
    ("NaN en pool", lambda: pool2d(NAN_IMG, 2), ValueError, "NaN"),
    ("output_size: filtro no cabe", lambda: output_size(4, 5), ValueError, "no cabe"),
    ("output_size: stride cero", lambda: output_size(6, 3, stride=0), ValueError, "positivo"),
    ("output_size: padding negativo", lambda: output_size(6, 3, padding=-1), ValueError, "negativo"),
    ("output_size: n no entero", lambda: output_size(6.5, 3), TypeError, "entero"),
    ("output_size: n cero", lambda: output_size(0, 1), ValueError, "positivo"),
    ("conv_params: f cero", lambda: conv_params(0, 3, 10), ValueError, "positivo"),
    ("conv_params: canales texto", lambda: conv_params(3, "3", 10), TypeError, "entero"),
    ("conv_params: bias no booleano", lambda: conv_params(3, 3, 10, bias="sí"), TypeError, "True o False"),
]


@pytest.mark.parametrize("description, call, exc, match", BAD_CALLS, ids=[c[0] for c in BAD_CALLS])
def test_bad_input_raises_spanish_error(description, call, exc, match):
    with pytest.raises(exc, match=match):
        call()


# ---------------------------------------------------------------------------
# Campo receptivo y relleno con ceros
# ---------------------------------------------------------------------------

from utils.conv import receptive_field, zero_pad  # noqa: E402


def test_receptive_field_stacked_3x3():
    assert receptive_field([(3, 1)] * 3) == [3, 5, 7]
    assert receptive_field([(5, 1)]) == [5]
    assert receptive_field([]) == []


def test_receptive_field_with_pooling_matches_brute_force():
    """Una salida de la pila depende exactamente de r píxeles por lado: se comprueba propagando un impulso."""
    layers = [(3, 1), (2, 2), (3, 1), (2, 2), (3, 1)]
    n = 40
    x = np.zeros((n, n))
    out = x
    for f, s in layers:
        out = conv2d(out, np.ones((f, f)), stride=s)
    # Gradiente de la salida central respecto de la entrada, con TensorFlow.
    xt = tf.Variable(np.zeros((1, n, n, 1)))
    with tf.GradientTape() as tape:
        y = xt
        for f, s in layers:
            y = tf.nn.conv2d(y, tf.ones((f, f, 1, 1), dtype=tf.float64), s, "VALID")
        target = y[0, y.shape[1] // 2, y.shape[2] // 2, 0]
    grad = tape.gradient(target, xt).numpy()[0, :, :, 0]
    rows = np.flatnonzero(grad.any(axis=1))
    assert rows.max() - rows.min() + 1 == receptive_field(layers)[-1]


@pytest.mark.parametrize("bad, match", [
    ([(3,)], "par"), ([(0, 1)], "f de la capa 0"), ([(3, 1), (3, -2)], "s de la capa 1"), ("33", "lista"),
])
def test_receptive_field_errors_are_spanish(bad, match):
    with pytest.raises((ValueError, TypeError), match=match):
        receptive_field(bad)


@pytest.mark.parametrize("shape", [(3, 4), (3, 4, 2), (2, 3, 4, 2)])
def test_zero_pad_only_spatial_axes(shape):
    x = RNG.normal(size=shape)
    out = zero_pad(x, 2)
    spatial = (0, 1) if len(shape) < 4 else (1, 2)
    expected = tuple(n + 4 if axis in spatial else n for axis, n in enumerate(shape))
    assert out.shape == expected
    inner = out[2:-2, 2:-2] if len(shape) < 4 else out[:, 2:-2, 2:-2]
    np.testing.assert_array_equal(inner, x)
    assert np.abs(out).sum() == pytest.approx(np.abs(x).sum())
    np.testing.assert_array_equal(zero_pad(x, 0), x)


def test_zero_pad_errors_are_spanish():
    with pytest.raises(ValueError, match="ejes"):
        zero_pad(np.ones(3), 1)
    with pytest.raises((ValueError, TypeError), match="p"):
        zero_pad(np.ones((2, 2)), -1)
