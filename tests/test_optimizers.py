"""Pruebas de ``utils.optimizers`` contra ``keras.optimizers`` (Keras 3)."""

import numpy as np
import pytest

from utils import optimizers

SHAPES = [(3, 4), (4,), (2, 3, 2), ()]



def run_both(keras, ours, theirs, n_steps=8, seed=0):
    """Aplica los mismos gradientes (distintos en cada paso) con ambos optimizadores."""
    rng = np.random.default_rng(seed)
    params = [rng.normal(size=s) for s in SHAPES]
    variables = [keras.Variable(p.copy(), dtype="float64") for p in params]
    for _ in range(n_steps):
        grads = [rng.normal(scale=rng.uniform(0.1, 3.0), size=s) for s in SHAPES]
        ours.step(params, grads)
        theirs.apply_gradients(zip([keras.ops.convert_to_tensor(g, dtype="float64") for g in grads], variables))
    return params, [np.asarray(v.numpy()) for v in variables]


def assert_same(ours, theirs):
    for p, v in zip(ours, theirs):
        assert p.shape == v.shape
        np.testing.assert_allclose(p, v, rtol=1e-10, atol=1e-12)


# Keras convierte a float32 la tasa de aprendizaje, el `momentum` de SGD y las
# betas de Adam en la corrección de sesgo (``ops.cast`` de un float de Python
# pasa por float32); `utils.optimizers.keras_float` hace lo mismo. Estas pruebas
# usan además hiperparámetros exactos en float32 (0.875 = 1 - 2**-3, ...), y los
# valores habituales se prueban aparte.


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(learning_rate=0.125),
        dict(learning_rate=0.0625, momentum=0.875),
        dict(learning_rate=0.0625, momentum=0.875, nesterov=True),
        dict(learning_rate=0.25, momentum=0.5, nesterov=True),
        dict(learning_rate=0.25, nesterov=True),  # sin momento, Nesterov no cambia nada
    ],
)
def test_sgd_matches_keras(keras, kwargs):
    assert_same(*run_both(keras, optimizers.SGD(**kwargs), keras.optimizers.SGD(**kwargs)))


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(learning_rate=0.0078125),
        dict(learning_rate=0.015625, rho=0.5),
        dict(learning_rate=0.0009765625, rho=0.95, momentum=0.9),
        dict(learning_rate=0.125, rho=0.9, momentum=0.3, epsilon=1e-3),
    ],
)
def test_rmsprop_matches_keras(keras, kwargs):
    assert_same(*run_both(keras, optimizers.RMSprop(**kwargs), keras.optimizers.RMSprop(**kwargs)))


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(learning_rate=0.125, beta_1=0.875, beta_2=0.998046875),
        dict(learning_rate=0.0078125, beta_1=0.5, beta_2=0.9375),
        dict(learning_rate=0.0625, beta_1=0.0, beta_2=0.984375, epsilon=1e-2),
        dict(learning_rate=0.25, beta_1=0.75, beta_2=0.5, epsilon=1e-7),
    ],
)
def test_adam_matches_keras(keras, kwargs):
    assert_same(*run_both(keras, optimizers.Adam(**kwargs), keras.optimizers.Adam(**kwargs), n_steps=10))


@pytest.mark.parametrize(
    "name, kwargs",
    [
        ("SGD", dict(learning_rate=0.1, momentum=0.9)),
        ("SGD", dict(learning_rate=0.1, momentum=0.9, nesterov=True)),
        ("RMSprop", dict(learning_rate=0.01, momentum=0.9)),
        ("Adam", dict(learning_rate=0.1)),
        ("SGD", {}),
        ("RMSprop", {}),
        ("Adam", {}),
    ],
)
def test_common_hyperparameters_match_keras(keras, name, kwargs):
    """Con valores habituales (0.9, 0.999, ...) también coincidimos: redondeamos como Keras."""
    ours, theirs = run_both(keras, getattr(optimizers, name)(**kwargs), getattr(keras.optimizers, name)(**kwargs), seed=1)
    assert_same(ours, theirs)


@pytest.mark.parametrize("name", ["SGD", "RMSprop", "Adam"])
def test_default_float32_keras_variables(keras, name):
    """Con variables float32 (lo habitual en Keras) la diferencia es solo la precisión de float32."""
    rng = np.random.default_rng(2)
    params = [rng.normal(size=s) for s in SHAPES]
    variables = [keras.Variable(p.copy()) for p in params]
    ours, theirs = getattr(optimizers, name)(learning_rate=0.01), getattr(keras.optimizers, name)(learning_rate=0.01)
    for _ in range(20):
        grads = [rng.normal(size=s) for s in SHAPES]
        ours.step(params, grads)
        theirs.apply_gradients(zip([keras.ops.convert_to_tensor(g, dtype="float32") for g in grads], variables))
    for p, v in zip(params, variables):
        np.testing.assert_allclose(p, v.numpy(), rtol=1e-6, atol=1e-6)


def test_step_updates_in_place_and_counts_iterations():
    w = np.array([1.0, 2.0])
    params = [w]
    opt = optimizers.Adam(0.1)
    opt.step(params, [np.array([1.0, -1.0])])
    opt.step(params, [np.array([1.0, -1.0])])
    assert params[0] is w
    assert opt.iterations == 2
    assert w[0] < 1.0 and w[1] > 2.0


def test_first_adam_step_moves_by_learning_rate():
    """En el primer paso, Adam mueve cada parámetro ~lr en contra del signo del gradiente."""
    p = [np.array([0.0, 0.0, 0.0])]
    optimizers.Adam(0.01).step(p, [np.array([1e3, -2.0, 0.5])])
    np.testing.assert_allclose(p[0], [-0.01, 0.01, -0.01], rtol=1e-4)


@pytest.mark.parametrize("cls", [optimizers.SGD, optimizers.RMSprop, optimizers.Adam])
def test_validation_errors_are_spanish(cls):
    with pytest.raises(ValueError, match="intervalo"):
        cls(learning_rate=0.0)
    with pytest.raises(ValueError, match="intervalo"):
        cls(learning_rate=-1.0)
    with pytest.raises(TypeError, match="número real"):
        cls(learning_rate="0.1")
    opt = cls(0.1)
    params = [np.zeros((2, 3)), np.zeros(3)]
    with pytest.raises(ValueError, match="misma longitud"):
        opt.step(params, [np.zeros((2, 3))])
    with pytest.raises(ValueError, match="debe tener la forma"):
        opt.step(params, [np.zeros((3, 2)), np.zeros(3)])
    with pytest.raises(ValueError, match="NaN"):
        opt.step(params, [np.full((2, 3), np.nan), np.zeros(3)])
    with pytest.raises(TypeError, match="punto flotante"):
        opt.step([np.zeros(3, dtype=int)], [np.zeros(3)])
    with pytest.raises(TypeError, match="listas"):
        opt.step(np.zeros(3), np.zeros(3))
    opt.step(params, [np.ones((2, 3)), np.ones(3)])
    with pytest.raises(ValueError, match="optimizador nuevo"):
        opt.step([np.zeros(4)], [np.zeros(4)])


def test_hyperparameter_errors_are_spanish():
    with pytest.raises(ValueError, match="momentum"):
        optimizers.SGD(0.1, momentum=1.0)
    with pytest.raises(TypeError, match="True o False"):
        optimizers.SGD(0.1, nesterov="sí")
    with pytest.raises(ValueError, match="rho"):
        optimizers.RMSprop(0.1, rho=-0.1)
    with pytest.raises(ValueError, match="beta_2"):
        optimizers.Adam(0.1, beta_2=1.0)
    with pytest.raises(ValueError, match="epsilon"):
        optimizers.Adam(0.1, epsilon=-1e-7)


def test_clip_by_global_norm_matches_keras(keras):
    rng = np.random.default_rng(0)
    grads = [rng.normal(size=(3, 2)) * 10, rng.normal(size=(2,)) * 10]
    recortados, norma = optimizers.clip_by_global_norm(grads, 1.0)
    assert np.isclose(norma, np.sqrt(sum(np.sum(g**2) for g in grads)))
    assert np.isclose(np.sqrt(sum(np.sum(g**2) for g in recortados)), 1.0)
    # misma dirección y entradas sin tocar
    assert np.allclose(recortados[0] * norma, grads[0]) and norma > 1
    # un paso de Keras con global_clipnorm = un paso nuestro con el gradiente recortado
    import tensorflow as tf
    variables = [keras.Variable(np.zeros_like(g, dtype="float32")) for g in grads]
    keras.optimizers.SGD(learning_rate=0.1, global_clipnorm=1.0).apply_gradients(
        zip([tf.constant(g, dtype="float32") for g in grads], variables))
    for v, g in zip(variables, recortados):
        assert np.allclose(np.asarray(v), -0.1 * g, atol=1e-6)
    # por debajo del límite no cambia nada
    pequenos, _ = optimizers.clip_by_global_norm([np.array([0.1, 0.2])], 1.0)
    assert np.allclose(pequenos[0], [0.1, 0.2])
    with pytest.raises(ValueError):
        optimizers.clip_by_global_norm(grads, 0.0)
