"""Pruebas de ``utils.losses`` contra ``keras.losses`` (en float64)."""

import numpy as np
import pytest

from utils import losses

SHAPES = [(1,), (8,), (8, 1), (5, 3)]



def keras_loss(keras, name, y, p):
    """Evalúa ``keras.losses.<name>()`` en float64 y devuelve un float."""
    loss = getattr(keras.losses, name)(dtype="float64")
    return float(loss(y, p))


@pytest.mark.parametrize("shape", SHAPES)
def test_bce_matches_keras(keras, shape):
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, size=shape).astype(float)
    p = rng.uniform(size=shape)
    assert losses.binary_cross_entropy(y, p) == pytest.approx(keras_loss(keras, "BinaryCrossentropy", y, p), rel=1e-12)


def test_bce_soft_labels_match_keras(keras):
    rng = np.random.default_rng(2)
    y, p = rng.uniform(size=(6, 2)), rng.uniform(size=(6, 2))
    assert losses.binary_cross_entropy(y, p) == pytest.approx(keras_loss(keras, "BinaryCrossentropy", y, p), rel=1e-12)


def test_bce_finite_for_extreme_probabilities(keras):
    y = np.array([1.0, 0.0, 1.0, 0.0])
    p = np.array([0.0, 1.0, 1.0, 0.0])
    value = losses.binary_cross_entropy(y, p)
    assert np.isfinite(value)
    assert value == pytest.approx(keras_loss(keras, "BinaryCrossentropy", y, p), rel=1e-12)
    # Dos aciertos perfectos (costo ~0) y dos errores totales (costo -log(1e-7)).
    assert value == pytest.approx(-np.log(1e-7) / 2, rel=1e-6)


def test_bce_worked_example():
    assert losses.binary_cross_entropy([1, 0], [0.5, 0.5]) == pytest.approx(np.log(2))


@pytest.mark.parametrize("m, k", [(1, 2), (6, 3), (10, 5)])
def test_cce_matches_keras(keras, m, k):
    rng = np.random.default_rng(m + k)
    y = np.eye(k)[rng.integers(0, k, size=m)]
    logits = rng.normal(size=(m, k))
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    assert losses.categorical_cross_entropy(y, p) == pytest.approx(
        keras_loss(keras, "CategoricalCrossentropy", y, p), rel=1e-12
    )


def test_cce_renormalizes_rows_like_keras(keras):
    """Keras divide cada fila de ``p`` por su suma antes de recortar; nosotros también."""
    rng = np.random.default_rng(5)
    y = np.eye(4)[[0, 3, 1]]
    p = rng.uniform(size=(3, 4))  # filas que NO suman 1
    ours = losses.categorical_cross_entropy(y, p)
    assert ours == pytest.approx(keras_loss(keras, "CategoricalCrossentropy", y, p), rel=1e-12)
    assert losses.categorical_cross_entropy(y, 0.5 * p) == pytest.approx(ours, rel=1e-12)


def test_cce_finite_for_zero_probability(keras):
    y = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    p = np.array([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]])
    value = losses.categorical_cross_entropy(y, p)
    assert np.isfinite(value)
    assert value == pytest.approx(keras_loss(keras, "CategoricalCrossentropy", y, p), rel=1e-12)


@pytest.mark.parametrize("shape", SHAPES)
def test_mse_matches_keras(keras, shape):
    rng = np.random.default_rng(3)
    y, y_hat = rng.normal(size=shape), rng.normal(size=shape)
    assert losses.mse(y, y_hat) == pytest.approx(keras_loss(keras, "MeanSquaredError", y, y_hat), rel=1e-12)


def test_losses_return_python_float():
    assert type(losses.mse([1.0], [2.0])) is float
    assert type(losses.binary_cross_entropy([1.0], [0.3])) is float
    assert type(losses.categorical_cross_entropy([[1.0, 0.0]], [[0.3, 0.7]])) is float


@pytest.mark.parametrize(
    "fn, a, b",
    [
        (losses.binary_cross_entropy, np.zeros(3), np.full(4, 0.5)),
        (losses.mse, np.zeros((3, 1)), np.zeros(3)),
        (losses.categorical_cross_entropy, np.eye(3), np.full((3, 2), 0.5)),
    ],
)
def test_mismatched_shapes_raise_in_spanish(fn, a, b):
    with pytest.raises(ValueError, match="misma forma"):
        fn(a, b)


def test_bad_inputs_raise_in_spanish():
    with pytest.raises(ValueError, match="NaN"):
        losses.binary_cross_entropy([1.0, 0.0], [0.5, np.nan])
    with pytest.raises(ValueError, match="NaN"):
        losses.mse([np.nan], [1.0])
    with pytest.raises(ValueError, match=r"valores en \[0, 1\].*logits"):
        losses.binary_cross_entropy([1.0, 0.0], [2.3, -1.0])
    with pytest.raises(ValueError, match=r"`y` debe contener valores en \[0, 1\]"):
        losses.binary_cross_entropy([2.0, 0.0], [0.3, 0.1])
    with pytest.raises(ValueError, match="logits"):
        losses.categorical_cross_entropy([[1.0, 0.0]], [[3.0, -1.0]])
    with pytest.raises(ValueError, match="debe tener 1 o 2 o 3 ejes"):
        losses.categorical_cross_entropy(np.ones((1, 1, 1, 2)), np.ones((1, 1, 1, 2)) / 2)
    with pytest.raises(ValueError, match="suman 0"):
        losses.categorical_cross_entropy([[1.0, 0.0]], [[0.0, 0.0]])
    with pytest.raises(ValueError, match="vacíos"):
        losses.mse([], [])
    with pytest.raises(TypeError, match="numérico"):
        losses.mse("uno", [1.0])


@pytest.mark.parametrize("shape", [(3,), (4, 3), (2, 5, 3)])
def test_categorical_any_leading_shape_matches_keras(keras, shape):
    """Una sola muestra (k,), un lote (m, k) o secuencias (m, t, k): clases en el último eje."""
    rng = np.random.default_rng(7)
    labels = rng.integers(0, shape[-1], size=shape[:-1])
    y = np.eye(shape[-1])[labels]
    p = rng.uniform(0.01, 1.0, size=shape)
    ref = float(np.mean(keras.losses.categorical_crossentropy(y, p)))
    assert losses.categorical_cross_entropy(y, p) == pytest.approx(ref, rel=1e-10)


def test_exact_zero_and_one_match_keras_float64(keras):
    """En float64 coincidimos exactamente; la clase BinaryCrossentropy (float32) difiere ~0,5 %."""
    y = np.array([0.0, 1.0, 1.0, 0.0])
    p = np.array([1.0, 0.0, 0.7, 0.2])
    ours = losses.binary_cross_entropy(y, p)
    assert np.isfinite(ours)
    assert ours == pytest.approx(float(np.mean(keras.losses.binary_crossentropy(y, p))), rel=1e-12)
    assert ours == pytest.approx(float(keras.losses.BinaryCrossentropy()(y, p)), rel=1e-2)
