"""Pruebas de utils.architectures.alexnet y utils.architectures.vgg (ejemplos resueltos 10 y 11).

Cada modelo grande se construye una sola vez por prueba y se borra al terminar:
VGG-16 ocupa más de 500 MB en memoria.
"""

import gc

import pytest

keras = pytest.importorskip("keras")

from utils.architectures import alexnet, vgg  # noqa: E402
from utils.counting import count_flops  # noqa: E402

# Parámetros de keras.applications con la cabeza de 1000 clases (ejemplo resuelto 10).
KERAS_PARAMS = {16: 138_357_544, 19: 143_667_240}
# Multiplicaciones-sumas publicadas (×10⁹): VGG-19 en la tabla del artículo de ResNet.
GMACS = {16: 15.5, 19: 19.6}


@pytest.mark.parametrize("depth", [16, 19])
def test_vgg_matches_keras_applications(depth):
    propio = vgg(depth)
    tabla = count_flops(propio)
    convs = [c for c in propio.layers if type(c).__name__ == "Conv2D"]
    densas = [c for c in propio.layers if type(c).__name__ == "Dense"]
    formas_propias = [(c.name, tuple(c.output.shape[1:]), c.count_params()) for c in propio.layers
                      if not c.name.startswith("dropout")]
    del propio
    gc.collect()
    assert len(convs) + len(densas) == depth, f"VGG-{depth} debe tener {depth} capas con pesos"
    assert tabla.total_params == KERAS_PARAMS[depth], (
        f"VGG-{depth}: {tabla.total_params} parámetros; keras.applications tiene {KERAS_PARAMS[depth]}")
    assert round(tabla.total_flops / 1e9, 1) == GMACS[depth], (
        f"VGG-{depth}: {tabla.total_flops / 1e9:.2f} × 10⁹ MAC; se esperaban ≈ {GMACS[depth]}")

    referencia = getattr(keras.applications, f"VGG{depth}")(weights=None)
    assert referencia.count_params() == KERAS_PARAMS[depth]
    formas_keras = [(c.name, tuple(c.output.shape[1:]), c.count_params()) for c in referencia.layers
                    if type(c).__name__ != "InputLayer"]
    del referencia
    gc.collect()
    assert formas_propias == formas_keras, "las capas (nombre, forma, parámetros) difieren de keras.applications"


def test_vgg16_blocks_are_2_2_3_3_3():
    """El *pooling* cierra bloques de 2, 2, 3, 3 y 3 convoluciones, no «cada dos»."""
    modelo = vgg(16, input_shape=(32, 32, 3), classes=10)
    tipos = [type(c).__name__ for c in modelo.layers]
    bloques, n = [], 0
    for t in tipos:
        if t == "Conv2D":
            n += 1
        elif t == "MaxPooling2D":
            bloques.append(n)
            n = 0
    assert bloques == [2, 2, 3, 3, 3], f"bloques de VGG-16: {bloques}"
    assert modelo.get_layer("block5_pool").output.shape[1:] == (1, 1, 512)


@pytest.mark.parametrize("groups, params", [(2, 60_965_224), (1, 62_378_344)])
def test_alexnet_params_and_shapes(groups, params):
    modelo = alexnet(groups=groups)
    tabla = count_flops(modelo)
    assert tabla.total_params == modelo.count_params() == params
    assert round(params / 1e6) in (61, 62), "AlexNet tiene unos 60 millones de parámetros"
    assert modelo.get_layer("conv1").output.shape[1:] == (55, 55, 96)
    assert modelo.get_layer("pool5").output.shape[1:] == (6, 6, 256)
    # Con dos grupos, conv2, conv4 y conv5 ven la mitad de los canales: la mitad de pesos y de MACs.
    macs_conv2 = 27 * 27 * 256 * 5 * 5 * 96 // groups
    assert tabla["conv2"].macs == macs_conv2
    del modelo
    gc.collect()


def test_alexnet_two_gpu_version_is_about_61_million():
    tabla = count_flops(alexnet())
    assert round(tabla.total_params / 1e6) == 61
    assert round(tabla.total_flops / 1e6) == 724, f"{tabla.total_flops} MAC"


def test_alexnet_dropout_follows_fc6_and_fc7():
    # El artículo apaga al azar las salidas de fc6 y fc7, no el pool5 aplanado.
    nombres = [c.name for c in alexnet(groups=1, input_shape=(67, 67, 3), classes=5).layers]
    cola = nombres[nombres.index("aplanado"):]
    assert cola == ["aplanado", "fc6", "dropout6", "fc7", "dropout7", "fc8"], cola


def test_small_versions_run():
    import numpy as np

    x = np.zeros((2, 67, 67, 3), dtype="float32")
    assert alexnet(groups=1, input_shape=(67, 67, 3), classes=5).predict(x, verbose=0).shape == (2, 5)
    x = np.zeros((2, 32, 32, 3), dtype="float32")
    assert vgg(11, input_shape=(32, 32, 3), classes=3).predict(x, verbose=0).shape == (2, 3)


@pytest.mark.parametrize("builder, kwargs, match", [
    (vgg, {"depth": 17}, "debe ser una de"),
    (vgg, {"depth": True}, "debe ser una de"),
    (vgg, {"input_shape": (224, 224)}, "alto, ancho, canales"),
    (vgg, {"input_shape": (16, 16, 3)}, "al menos 32×32"),
    (vgg, {"classes": 1}, "mayor o igual que 2"),
    (vgg, {"dropout": 1.0}, r"\[0, 1\)"),
    (alexnet, {"groups": 3}, "una torre"),
    (alexnet, {"input_shape": (66, 66, 3)}, "al menos 67×67"),
    (alexnet, {"input_shape": (227, 227)}, "alto, ancho, canales"),
    (alexnet, {"classes": 1.5}, "mayor o igual que 2"),
])
def test_builders_reject_bad_arguments(builder, kwargs, match):
    with pytest.raises(ValueError, match=match):
        builder(**kwargs)
