"""Pruebas de ``utils.mlp``: propagación, retropropagación y chequeo de gradientes."""

import numpy as np
import pytest

from utils import losses, mlp




def make_problem(layer_sizes, loss, m=8, seed=0):
    """Entradas y objetivos aleatorios adecuados para ``loss``."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, layer_sizes[0]))
    k = layer_sizes[-1]
    if loss == "binary_cross_entropy":
        y = rng.integers(0, 2, size=(m, k)).astype(float)
    elif loss == "categorical_cross_entropy":
        y = np.eye(k)[rng.integers(0, k, size=m)]
    else:
        y = rng.normal(size=(m, k))
    return X, y


def tf_loss_and_grads(tf, keras, X, y, params, activations, loss):
    """Misma red escrita en TensorFlow; devuelve salida, pérdida y gradientes de GradientTape."""
    variables = [(tf.Variable(p["W"]), tf.Variable(p["b"])) for p in params]
    keras_act = {
        "sigmoid": keras.activations.sigmoid,
        "tanh": keras.activations.tanh,
        "relu": keras.activations.relu,
        "leaky_relu": lambda z: keras.activations.leaky_relu(z, negative_slope=0.01),
        "softmax": keras.activations.softmax,
        "linear": keras.activations.linear,
    }
    keras_loss = {
        "binary_cross_entropy": keras.losses.BinaryCrossentropy(dtype="float64"),
        "categorical_cross_entropy": keras.losses.CategoricalCrossentropy(dtype="float64"),
        "mse": keras.losses.MeanSquaredError(dtype="float64"),
    }[loss]
    with tf.GradientTape() as tape:
        A = tf.constant(X)
        for (W, b), name in zip(variables, activations):
            A = keras_act[name](tf.matmul(A, W) + b)
        value = keras_loss(tf.constant(y), A)
    grads = tape.gradient(value, [v for pair in variables for v in pair])
    grads = [{"W": grads[2 * i].numpy(), "b": grads[2 * i + 1].numpy()} for i in range(len(params))]
    return A.numpy(), float(value), grads


LOSS_FN = {
    "binary_cross_entropy": losses.binary_cross_entropy,
    "categorical_cross_entropy": losses.categorical_cross_entropy,
    "mse": losses.mse,
}

CASES = [
    ([4, 5, 3, 1], ["relu", "tanh", "sigmoid"], "binary_cross_entropy"),
    ([3, 6, 4, 2], ["tanh", "relu", "sigmoid"], "binary_cross_entropy"),
    ([5, 4, 4, 3], ["leaky_relu", "sigmoid", "softmax"], "categorical_cross_entropy"),
    ([2, 5, 3, 2], ["tanh", "relu", "linear"], "mse"),
    ([3, 4, 5, 3], ["sigmoid", "leaky_relu", "softmax"], "mse"),
    ([3, 4, 3, 2], ["relu", "softmax", "tanh"], "mse"),
]


@pytest.mark.parametrize("layer_sizes, activations, loss", CASES)
def test_forward_and_backward_match_gradient_tape(tf, keras, layer_sizes, activations, loss):
    X, y = make_problem(layer_sizes, loss, seed=len(activations) + layer_sizes[0])
    params = mlp.init_params(layer_sizes, seed=1, scale="xavier")
    output, caches = mlp.forward(X, params, activations)
    grads = mlp.backward(y, output, caches, params, activations, loss=loss)

    tf_output, tf_value, tf_grads = tf_loss_and_grads(tf, keras, X, y, params, activations, loss)
    # Leaky ReLU en TensorFlow guarda alpha en float32: tolerancia ~1e-7 en ese caso.
    rtol = 1e-7 if "leaky_relu" in activations else 1e-10
    np.testing.assert_allclose(output, tf_output, rtol=rtol, atol=1e-14)
    assert LOSS_FN[loss](y, output) == pytest.approx(tf_value, rel=rtol)
    for ours, theirs in zip(grads, tf_grads):
        assert ours["W"].shape == theirs["W"].shape and ours["b"].shape == theirs["b"].shape
        np.testing.assert_allclose(ours["W"], theirs["W"], rtol=rtol, atol=1e-12)
        np.testing.assert_allclose(ours["b"], theirs["b"], rtol=rtol, atol=1e-12)


@pytest.mark.parametrize("layer_sizes, activations, loss", CASES[:4])
def test_backward_passes_gradient_check(layer_sizes, activations, loss):
    X, y = make_problem(layer_sizes, loss, m=5, seed=3)
    params = mlp.init_params(layer_sizes, seed=2)
    output, caches = mlp.forward(X, params, activations)
    grads = mlp.backward(y, output, caches, params, activations, loss=loss)

    def total_loss(_):
        return LOSS_FN[loss](y, mlp.forward(X, params, activations)[0])

    for layer, grad in zip(params, grads):
        for key in ("W", "b"):
            assert mlp.gradient_check(total_loss, layer[key], grad[key]) < 1e-7


def test_backward_accepts_1d_targets_for_single_output():
    X, y = make_problem([3, 4, 1], "binary_cross_entropy", seed=4)
    params = mlp.init_params([3, 4, 1])
    out, caches = mlp.forward(X, params, ["relu", "sigmoid"])
    g2 = mlp.backward(y, out, caches, params, ["relu", "sigmoid"])
    g1 = mlp.backward(y[:, 0], out, caches, params, ["relu", "sigmoid"])
    for a, b in zip(g1, g2):
        np.testing.assert_array_equal(a["W"], b["W"])


def test_gradient_check_small_for_correct_and_large_for_wrong():
    rng = np.random.default_rng(0)
    A = rng.normal(size=(4, 4))
    x = rng.normal(size=(2, 2))
    x_before = x.copy()

    def f(v):
        return float(np.sum(np.sin(A @ v.ravel())))

    correct = (np.cos(A @ x.ravel()) @ A).reshape(2, 2)
    assert mlp.gradient_check(f, x, correct) < 1e-7
    assert mlp.gradient_check(f, x, 2 * correct) > 0.1
    assert mlp.gradient_check(f, x, correct + 1e-3) > 1e-4
    np.testing.assert_array_equal(x, x_before)
    assert mlp.gradient_check(lambda v: 0.0, np.zeros(3), np.zeros(3)) == 0.0


def test_numerical_gradient_restores_x_even_if_f_fails():
    x = np.array([1.0, 2.0, 3.0])
    calls = []

    def f(v):
        calls.append(1)
        if len(calls) == 4:
            raise RuntimeError("fallo a propósito")
        return float(np.sum(v))

    with pytest.raises(RuntimeError):
        mlp.numerical_gradient(f, x)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])


def test_init_params_shapes_and_scales():
    params = mlp.init_params([200, 300, 10], seed=0, scale="he")
    assert [p["W"].shape for p in params] == [(200, 300), (300, 10)]
    assert all(np.all(p["b"] == 0) for p in params)
    assert np.std(params[0]["W"]) == pytest.approx(np.sqrt(2 / 200), rel=0.02)
    xavier = mlp.init_params([200, 300], scale="xavier")
    assert np.std(xavier[0]["W"]) == pytest.approx(np.sqrt(2 / 500), rel=0.02)
    fixed = mlp.init_params([200, 300], scale=0.01)
    assert np.std(fixed[0]["W"]) == pytest.approx(0.01, rel=0.02)
    np.testing.assert_array_equal(mlp.init_params([3, 2], seed=5)[0]["W"], mlp.init_params([3, 2], seed=5)[0]["W"])


def test_update_is_gradient_descent_and_does_not_mutate():
    params = mlp.init_params([3, 2, 1])
    before = [{k: v.copy() for k, v in p.items()} for p in params]
    grads = [{"W": np.ones_like(p["W"]), "b": np.ones_like(p["b"])} for p in params]
    new = mlp.update(params, grads, 0.1)
    for p, q, b in zip(params, new, before):
        np.testing.assert_array_equal(p["W"], b["W"])
        np.testing.assert_allclose(q["W"], b["W"] - 0.1)
        np.testing.assert_allclose(q["b"], b["b"] - 0.1)


def test_training_loop_learns_xor():
    X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
    y = np.array([[0.0], [1.0], [1.0], [0.0]])
    acts = ["tanh", "sigmoid"]
    params = mlp.init_params([2, 8, 1], seed=0, scale="xavier")
    first = None
    for _ in range(2000):
        out, caches = mlp.forward(X, params, acts)
        first = losses.binary_cross_entropy(y, out) if first is None else first
        params = mlp.update(params, mlp.backward(y, out, caches, params, acts), 1.0)
    out, _ = mlp.forward(X, params, acts)
    assert losses.binary_cross_entropy(y, out) < 0.1 * first
    np.testing.assert_array_equal((out > 0.5).astype(int), y.astype(int))


def test_validation_errors_are_spanish():
    params = mlp.init_params([3, 4, 2])
    X = np.ones((5, 3))
    acts = ["relu", "softmax"]
    with pytest.raises(ValueError, match="al menos dos tamaños"):
        mlp.init_params([3])
    with pytest.raises(ValueError, match="entero positivo"):
        mlp.init_params([3, 0])
    with pytest.raises(ValueError, match="'he', 'xavier'"):
        mlp.init_params([3, 2], scale="glorot")
    with pytest.raises(ValueError, match="positivo"):
        mlp.init_params([3, 2], scale=-1.0)
    with pytest.raises(ValueError, match="una activación por capa"):
        mlp.forward(X, params, ["relu"])
    with pytest.raises(ValueError, match="Activación desconocida"):
        mlp.forward(X, params, ["relu", "swish"])
    with pytest.raises(ValueError, match="columnas"):
        mlp.forward(np.ones((5, 4)), params, acts)
    with pytest.raises(ValueError, match="debe tener 2 ejes"):
        mlp.forward(np.ones(3), params, acts)
    with pytest.raises(ValueError, match="NaN"):
        mlp.forward(np.full((5, 3), np.nan), params, acts)
    bad = [params[0], {"W": np.ones((5, 2)), "b": np.zeros(2)}]
    with pytest.raises(ValueError, match="espera 5 entradas"):
        mlp.forward(X, bad, acts)
    out, caches = mlp.forward(X, params, acts)
    y = np.eye(2)[[0, 1, 0, 1, 1]]
    with pytest.raises(ValueError, match="requiere activación 'sigmoid'"):
        mlp.backward(y, out, caches, params, acts, loss="binary_cross_entropy")
    with pytest.raises(ValueError, match="Pérdida desconocida"):
        mlp.backward(y, out, caches, params, acts, loss="hinge")
    with pytest.raises(ValueError, match="misma forma"):
        mlp.backward(y[:4], out, caches, params, acts, loss="categorical_cross_entropy")
    grads = mlp.backward(y, out, caches, params, acts, loss="categorical_cross_entropy")
    with pytest.raises(ValueError, match="positivo"):
        mlp.update(params, grads, 0.0)
    with pytest.raises(ValueError, match="debe tener la forma"):
        mlp.update(params, [grads[1], grads[0]], 0.1)
    with pytest.raises(TypeError, match="punto flotante"):
        mlp.gradient_check(lambda v: 0.0, [1.0, 2.0], np.zeros(2))
    with pytest.raises(ValueError, match="debe tener la forma de `x`"):
        mlp.gradient_check(lambda v: 0.0, np.zeros(2), np.zeros(3))


def test_train_is_gradient_descent_with_forward_backward_update():
    X, y = make_problem([3, 4, 1], "binary_cross_entropy", m=10, seed=5)
    acts = ["tanh", "sigmoid"]
    start = mlp.init_params([3, 4, 1], seed=3, scale="xavier")
    params, history = mlp.train(X, y, start, acts, learning_rate=0.5, n_iters=20)
    # Lo mismo, escrito a mano.
    manual, manual_hist = start, []
    for _ in range(20):
        out, caches = mlp.forward(X, manual, acts)
        manual_hist.append(losses.binary_cross_entropy(y, out))
        manual = mlp.update(manual, mlp.backward(y, out, caches, manual, acts), 0.5)
    assert history == manual_hist, "el historial debe guardar el costo ANTES de cada actualización"
    for a, b in zip(params, manual):
        np.testing.assert_array_equal(a["W"], b["W"])
        np.testing.assert_array_equal(a["b"], b["b"])
    assert history[-1] < history[0]
    np.testing.assert_array_equal(start[0]["W"], mlp.init_params([3, 4, 1], seed=3, scale="xavier")[0]["W"])


def test_train_rejects_bad_arguments_in_spanish():
    X, y = make_problem([2, 3, 1], "binary_cross_entropy", seed=6)
    params = mlp.init_params([2, 3, 1])
    with pytest.raises(ValueError, match="Pérdida desconocida"):
        mlp.train(X, y, params, ["tanh", "sigmoid"], loss="hinge")
    with pytest.raises((TypeError, ValueError), match="n_iters"):
        mlp.train(X, y, params, ["tanh", "sigmoid"], n_iters=0)


def test_predict_thresholds_one_output_and_argmax_for_several():
    params = [{"W": np.array([[1.0]]), "b": np.array([0.0])}]
    X = np.array([[-2.0], [0.0], [3.0]])
    np.testing.assert_array_equal(mlp.predict(X, params, ["sigmoid"]), [0, 1, 1])
    np.testing.assert_array_equal(mlp.predict(X, params, ["sigmoid"], threshold=0.9), [0, 0, 1])
    params3 = [{"W": np.array([[1.0, -1.0, 0.0]]), "b": np.zeros(3)}]
    np.testing.assert_array_equal(mlp.predict(X, params3, ["softmax"]), [1, 0, 0])
