"""Pruebas de ``utils.activations`` contra Keras y ``tf.GradientTape``."""

import numpy as np
import pytest

from utils import activations as act

SHAPES = [(7,), (4, 5), (2, 3, 6)]




def random_input(shape, seed=0, scale=5.0):
    """Valores aleatorios con algunos ceros exactos (el caso delicado de ReLU)."""
    rng = np.random.default_rng(seed)
    x = rng.normal(scale=scale, size=shape)
    x.flat[::3] = 0.0
    return x


def keras_value_and_grad(tf, fn, x):
    """Valor de ``fn(x)`` y derivada elemento a elemento vía GradientTape (float64)."""
    xt = tf.constant(x, dtype=tf.float64)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = fn(xt)
    return np.asarray(y), np.asarray(tape.gradient(y, xt))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(
    "name, ours, ours_grad",
    [
        ("sigmoid", act.sigmoid, act.sigmoid_grad),
        ("tanh", act.tanh, act.tanh_grad),
        ("relu", act.relu, act.relu_grad),
    ],
)
def test_matches_keras_value_and_gradient(tf, keras, shape, name, ours, ours_grad):
    x = random_input(shape, seed=len(shape))
    keras_fn = getattr(keras.activations, name)
    value, grad = keras_value_and_grad(tf, keras_fn, x)
    np.testing.assert_allclose(ours(x), value, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(ours_grad(x), grad, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("alpha", [0.01, 0.2, 0.0])
def test_leaky_relu_matches_keras(tf, keras, shape, alpha):
    x = random_input(shape, seed=7)
    value, grad = keras_value_and_grad(tf, lambda t: keras.activations.leaky_relu(t, negative_slope=alpha), x)
    # TensorFlow guarda `alpha` como float32, de ahí la tolerancia de ~1e-7.
    np.testing.assert_allclose(act.leaky_relu(x, alpha=alpha), value, rtol=1e-7, atol=1e-15)
    np.testing.assert_allclose(act.leaky_relu_grad(x, alpha=alpha), grad, rtol=1e-7, atol=1e-15)


def test_relu_grad_at_zero_is_zero():
    assert act.relu_grad(np.array([0.0]))[0] == 0.0
    assert act.leaky_relu_grad(np.array([0.0]), alpha=0.3)[0] == 0.3


@pytest.mark.parametrize("shape, axis", [((5,), -1), ((4, 6), -1), ((4, 6), 0), ((2, 3, 4), 1)])
def test_softmax_matches_keras(keras, shape, axis):
    z = random_input(shape, seed=3, scale=10.0)
    expected = np.asarray(keras.activations.softmax(z.astype(np.float64), axis=axis))
    result = act.softmax(z, axis=axis)
    np.testing.assert_allclose(result, expected, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(result.sum(axis=axis), 1.0, rtol=1e-12)


def test_softmax_worked_examples():
    np.testing.assert_allclose(act.softmax(np.array([8.0, 5.0, 0.0])), [0.9523, 0.0474, 0.0003], atol=1e-4)
    np.testing.assert_allclose(act.softmax(np.array([3.0, 0.0])), [0.953, 0.047], atol=1e-3)


def test_softmax_is_stable_for_huge_logits():
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        p = act.softmax(np.array([[1000.0, 1001.0, 1002.0], [-1000.0, 0.0, 1000.0]]))
    assert np.all(np.isfinite(p))
    np.testing.assert_allclose(p[0], act.softmax(np.array([0.0, 1.0, 2.0])), rtol=1e-12)
    np.testing.assert_allclose(p[1], [0.0, 0.0, 1.0], atol=1e-15)


def test_sigmoid_is_stable_for_large_inputs():
    z = np.array([-1e4, -800.0, -40.0, 0.0, 40.0, 800.0, 1e4])
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        s = act.sigmoid(z)
        ds = act.sigmoid_grad(z)
    assert np.all(np.isfinite(s)) and np.all(np.isfinite(ds))
    assert s[0] == 0.0 and s[-1] == 1.0 and s[3] == 0.5
    np.testing.assert_allclose(s + act.sigmoid(-z), 1.0, rtol=1e-15)


def test_accepts_lists_and_keeps_shape():
    assert act.relu([[1, -1]]).shape == (1, 2)
    assert act.sigmoid(0.0).shape == ()


@pytest.mark.parametrize(
    "fn", [act.sigmoid, act.tanh, act.relu, act.leaky_relu, act.softmax, act.sigmoid_grad, act.tanh_grad, act.relu_grad, act.leaky_relu_grad]
)
def test_nan_raises_in_spanish(fn):
    with pytest.raises(ValueError, match="contiene valores NaN"):
        fn(np.array([1.0, np.nan]))


@pytest.mark.parametrize("fn", [act.sigmoid, act.relu, act.softmax])
def test_non_numeric_raises_in_spanish(fn):
    with pytest.raises(TypeError, match="debe ser numérico|debe contener solo números"):
        fn("hola")
    with pytest.raises(TypeError, match="solo números"):
        fn(["a", "b"])


def test_bad_alpha_and_axis_raise_in_spanish():
    with pytest.raises(ValueError, match="mayor o igual que cero"):
        act.leaky_relu(np.ones(3), alpha=-0.1)
    with pytest.raises(TypeError, match="número real"):
        act.leaky_relu_grad(np.ones(3), alpha="0.1")
    with pytest.raises(ValueError, match="debe ser un entero entre"):
        act.softmax(np.ones((2, 3)), axis=2)
    with pytest.raises(ValueError, match="al menos 1 eje"):
        act.softmax(3.0)


def test_infinities_and_masking(tf):
    """±inf se admiten (como en TF): sigmoid(±inf) = 1/0 y softmax ignora las clases en -inf."""
    np.testing.assert_array_equal(act.sigmoid([np.inf, -np.inf]), [1.0, 0.0])
    np.testing.assert_array_equal(act.relu([np.inf, -np.inf]), [np.inf, 0.0])
    z = np.array([[-np.inf, 0.0, 1.0], [2.0, -np.inf, -np.inf]])
    np.testing.assert_allclose(act.softmax(z), tf.nn.softmax(z).numpy(), rtol=1e-12)
    with pytest.raises(ValueError, match="NaN"):
        act.sigmoid([0.0, np.nan])
    with pytest.raises(ValueError, match="infinito"):
        act.softmax([np.inf, 0.0])
    assert act.softmax(np.ones((2, 0))).shape == (2, 0)


def test_silu_and_gelu_match_keras(keras):
    x = np.linspace(-6, 6, 121)
    assert np.allclose(act.silu(x), np.asarray(keras.activations.silu(x)), atol=1e-6)
    assert np.allclose(act.gelu(x), np.asarray(keras.activations.gelu(x, approximate=False)), atol=1e-6)
    # Forma de «ReLU suave»: cerca de 0 a la izquierda, cerca de x a la derecha, mínimo negativo.
    assert abs(act.silu(-20.0)) < 1e-6 and abs(act.silu(20.0) - 20.0) < 1e-6
    assert -0.3 < act.silu(x).min() < -0.27
    assert abs(act.gelu(1.0) - 0.8413) < 1e-4


def test_silu_gelu_reject_nan_in_spanish():
    for fn in (act.silu, act.gelu):
        with pytest.raises(ValueError):
            fn(np.array([np.nan]))
