"""Pruebas de utils.architectures.lenet5 (formas y parámetros del ejemplo resuelto 9)."""

import pytest

keras = pytest.importorskip("keras")

from utils.architectures import lenet5  # noqa: E402

# Ejemplo resuelto 9 del temario: formas de salida y parámetros por capa.
ESPERADO = [("C1", (28, 28, 6), 156), ("S2", (14, 14, 6), 0), ("C3", (10, 10, 16), 2416),
            ("S4", (5, 5, 16), 0), ("C5", (1, 1, 120), 48120), ("aplanado", (120,), 0),
            ("F6", (84,), 10164), ("salida", (10,), 850)]


@pytest.mark.parametrize("modern", [True, False])
def test_lenet5_shapes_and_params(modern):
    modelo = lenet5(modern=modern)
    obtenido = [(c.name, tuple(c.output.shape[1:]), c.count_params()) for c in modelo.layers]
    assert obtenido == ESPERADO, f"capas de LeNet-5 distintas de las del ejemplo 9: {obtenido}"
    assert modelo.count_params() == 156 + 2416 + 48120 + 10164 + 850 == 61706


def test_lenet5_activations_and_pooling():
    moderna, clasica = lenet5(modern=True), lenet5(modern=False)
    assert moderna.get_layer("C1").activation.__name__ == "relu"
    assert clasica.get_layer("C1").activation.__name__ == "tanh"
    assert type(moderna.get_layer("S2")).__name__ == "MaxPooling2D"
    assert type(clasica.get_layer("S2")).__name__ == "AveragePooling2D"
    assert moderna.get_layer("salida").activation.__name__ == "softmax"


def test_lenet5_other_sizes():
    m = lenet5(input_shape=(36, 36, 1), classes=3)      # 36 → 32 → 16 → 12 → 6 → C5 de 2×2
    assert m.get_layer("C5").output.shape[1:] == (2, 2, 120)
    assert m.get_layer("salida").output.shape[-1] == 3


@pytest.mark.parametrize("kwargs, match", [
    ({"input_shape": (32, 32)}, "alto, ancho, canales"),
    ({"input_shape": (28, 28, 1)}, "al menos 32×32"),
    ({"classes": 1}, "mayor o igual que 2"),
    ({"modern": "sí"}, "True o False"),
])
def test_lenet5_rejects_bad_arguments(kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        lenet5(**kwargs)
