"""Pruebas de ``utils.neuron`` (regresión logística en NumPy)."""

import numpy as np
import pytest

from utils import losses, neuron
from utils.mlp import gradient_check


def make_data(m=40, n=3, seed=0, separable=True):
    """Datos de juguete: etiquetas dadas por un hiperplano (separables si ``separable``)."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n))
    true_w = rng.normal(size=n)
    scores = X @ true_w + 0.3
    if not separable:
        scores = scores + rng.normal(scale=2.0, size=m)
    return X, (scores > 0).astype(float)


def test_initialize():
    w, b = neuron.initialize(4)
    assert w.shape == (4,) and np.all(w == 0)
    assert b == 0.0 and isinstance(b, float)


def test_forward_shape_and_values():
    X, _ = make_data(m=5, n=2)
    w, b = np.array([0.5, -1.0]), 0.2
    a = neuron.forward(X, w, b)
    assert a.shape == (5,)
    np.testing.assert_allclose(a, 1 / (1 + np.exp(-(X @ w + b))), rtol=1e-14)


def test_cost_equals_binary_cross_entropy():
    X, y = make_data(m=12)
    a = neuron.forward(X, np.array([0.3, -0.2, 0.1]), -0.4)
    assert neuron.cost(a, y) == losses.binary_cross_entropy(y, a)
    assert neuron.cost(np.array([0.5, 0.5]), np.array([1, 0])) == pytest.approx(np.log(2))


def test_cost_matches_keras():
    import keras

    X, y = make_data(m=10)
    a = neuron.forward(X, np.array([1.0, -2.0, 0.5]), 0.1)
    expected = float(keras.losses.BinaryCrossentropy(dtype="float64")(y, a))
    assert neuron.cost(a, y) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize("m, n, seed", [(1, 1, 0), (7, 3, 1), (30, 5, 2)])
def test_gradients_match_numerical_gradient(m, n, seed):
    X, y = make_data(m=m, n=n, seed=seed, separable=False)
    rng = np.random.default_rng(seed + 10)
    w, b = rng.normal(size=n), float(rng.normal())
    dw, db = neuron.gradients(X, neuron.forward(X, w, b), y)
    assert dw.shape == (n,) and isinstance(db, float)

    assert gradient_check(lambda v: neuron.cost(neuron.forward(X, v, b), y), w, dw) < 1e-7
    b_arr = np.array([b])
    assert gradient_check(lambda v: neuron.cost(neuron.forward(X, w, v[0]), y), b_arr, np.array([db])) < 1e-7


def test_gradients_match_tensorflow():
    import tensorflow as tf

    X, y = make_data(m=9, n=4, seed=3, separable=False)
    w, b = np.linspace(-1, 1, 4), 0.25
    wt, bt = tf.Variable(w), tf.Variable(b, dtype=tf.float64)
    with tf.GradientTape() as tape:
        z = tf.linalg.matvec(tf.constant(X), wt) + bt
        loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.constant(y), logits=z))
    dw_tf, db_tf = tape.gradient(loss, [wt, bt])
    dw, db = neuron.gradients(X, neuron.forward(X, w, b), y)
    np.testing.assert_allclose(dw, dw_tf.numpy(), rtol=1e-12, atol=1e-15)
    assert db == pytest.approx(float(db_tf), rel=1e-12, abs=1e-15)


def test_training_reduces_cost_and_separates_data():
    X, y = make_data(m=50, n=2, seed=4)
    w, b, history = neuron.train(X, y, learning_rate=0.5, n_iters=300)
    assert len(history) == 300
    assert all(isinstance(c, float) for c in history)
    assert history[0] == pytest.approx(np.log(2))  # w = 0, b = 0 -> a = 0.5
    assert np.all(np.diff(history) <= 1e-12)  # descenso monótono con este paso
    assert history[-1] < 0.3 * history[0]
    assert np.mean(neuron.predict(X, w, b) == y) == 1.0


def test_history_is_cost_before_each_update():
    X, y = make_data(m=20, n=3, seed=5)
    w1, b1, history = neuron.train(X, y, learning_rate=0.3, n_iters=2)
    w0, b0 = neuron.initialize(3)
    assert history[0] == neuron.cost(neuron.forward(X, w0, b0), y)
    dw, db = neuron.gradients(X, neuron.forward(X, w0, b0), y)
    w_step, b_step = w0 - 0.3 * dw, b0 - 0.3 * db
    assert history[1] == pytest.approx(neuron.cost(neuron.forward(X, w_step, b_step), y), rel=1e-14)
    # Tras dos pasos, el resultado es el de aplicar la regla dos veces.
    dw, db = neuron.gradients(X, neuron.forward(X, w_step, b_step), y)
    np.testing.assert_allclose(w1, w_step - 0.3 * dw, rtol=1e-14)
    assert b1 == pytest.approx(b_step - 0.3 * db, rel=1e-14)


def test_train_does_not_mutate_inputs():
    X, y = make_data(m=15, n=3, seed=6)
    X_copy, y_copy = X.copy(), y.copy()
    w_init = np.array([0.1, 0.2, 0.3])
    w_init_copy = w_init.copy()
    w, b, _ = neuron.train(X, y, n_iters=20, w=w_init, b=0.5)
    np.testing.assert_array_equal(X, X_copy)
    np.testing.assert_array_equal(y, y_copy)
    np.testing.assert_array_equal(w_init, w_init_copy)
    assert not np.shares_memory(w, w_init)


def test_train_accepts_initial_parameters():
    X, y = make_data(m=15, n=3, seed=7)
    w_start = np.array([0.1, -0.2, 0.3])
    _, _, history = neuron.train(X, y, n_iters=1, w=w_start, b=-0.5)
    assert history[0] == neuron.cost(neuron.forward(X, w_start, -0.5), y)


def test_predict_returns_int_zero_one():
    X = np.array([[-3.0], [0.0], [3.0]])
    pred = neuron.predict(X, np.array([1.0]), 0.0)
    assert pred.dtype.kind == "i"
    np.testing.assert_array_equal(pred, [0, 1, 1])
    np.testing.assert_array_equal(neuron.predict(X, np.array([1.0]), 0.0, threshold=0.9), [0, 0, 1])


def test_validation_errors_are_spanish():
    X, y = make_data(m=6, n=2)
    w, b = np.zeros(2), 0.0
    with pytest.raises(ValueError, match="debe tener 2 ejes"):
        neuron.forward(X[0], w, b)
    with pytest.raises(ValueError, match="un peso por rasgo"):
        neuron.forward(X, np.zeros(3), b)
    with pytest.raises(ValueError, match="debe tener 1 eje"):
        neuron.forward(X, np.zeros((2, 1)), b)
    with pytest.raises(ValueError, match="debe tener 0 ejes"):
        neuron.forward(X, w, np.zeros(2))
    with pytest.raises(ValueError, match="una etiqueta por muestra"):
        neuron.train(X, y[:-1])
    with pytest.raises(ValueError, match="solo puede contener etiquetas 0 y 1"):
        neuron.train(X, y + 1)
    with pytest.raises(ValueError, match="debe tener 1 eje"):
        neuron.train(X, y.reshape(-1, 1))
    with pytest.raises(ValueError, match="NaN"):
        neuron.train(np.where(X > 1, np.nan, X), y)
    with pytest.raises(ValueError, match="positivo"):
        neuron.train(X, y, learning_rate=0.0)
    with pytest.raises(ValueError, match="positivo"):
        neuron.train(X, y, learning_rate=-0.1)
    with pytest.raises(TypeError, match="número real"):
        neuron.train(X, y, learning_rate="0.1")
    with pytest.raises(ValueError, match="entero positivo"):
        neuron.train(X, y, n_iters=0)
    with pytest.raises(TypeError, match="debe ser un entero"):
        neuron.train(X, y, n_iters=10.5)
    with pytest.raises(ValueError, match="un peso por rasgo"):
        neuron.train(X, y, w=np.zeros(5))
    with pytest.raises(ValueError, match="una predicción por muestra"):
        neuron.gradients(X, np.full(4, 0.5), y)
    with pytest.raises(ValueError, match="logits en vez de probabilidades"):
        neuron.cost(np.array([2.0, -1.0]), np.array([1, 0]))
    with pytest.raises(ValueError, match="entero positivo"):
        neuron.initialize(0)
    with pytest.raises(ValueError, match="entre 0 y 1"):
        neuron.predict(X, w, b, threshold=1.5)
