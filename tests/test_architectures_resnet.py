"""Pruebas de los bloques residuales y de las ResNet de utils.architectures (capítulo 12)."""

import math

import pytest

keras = pytest.importorskip("keras")

from utils.architectures import (bottleneck_block, deep_dense_net, resnet_cifar,  # noqa: E402
                                 resnet_imagenet, residual_block)
from utils.counting import count_params  # noqa: E402


def _trainable(model):
    return sum(math.prod(w.shape) for w in model.trainable_weights)


def _block_model(fn, shape, *args, **kwargs):
    x = keras.Input(shape)
    return keras.Model(x, fn(x, *args, **kwargs))


def test_residual_block_identity_shortcut():
    m = _block_model(residual_block, (56, 56, 64), 64, name="b")
    assert m.output.shape[1:] == (56, 56, 64)
    # dos 3×3 sin sesgo (2·9·64·64) y dos BN de 4·64 valores
    assert m.count_params() == 2 * 9 * 64 * 64 + 2 * 4 * 64 == 74_240
    assert _trainable(m) == 2 * 9 * 64 * 64 + 2 * 2 * 64
    nombres = {c.name for c in m.layers}
    assert not any("_proj" in n for n in nombres), "con la misma forma el atajo debe ser la identidad"
    assert {"b_a", "b_a_bn", "b_a_relu", "b_b", "b_b_bn", "b_add", "b_out"} <= nombres
    assert m.get_layer("b_a").use_bias is False


def test_residual_block_projection_shortcut():
    m = _block_model(residual_block, (56, 56, 64), 128, stride=2, name="p")
    assert m.output.shape[1:] == (28, 28, 128)
    proj = m.get_layer("p_proj")
    assert proj.kernel.shape == (1, 1, 64, 128) and proj.strides == (2, 2)
    assert m.count_params() == 9 * 64 * 128 + 9 * 128 * 128 + 64 * 128 + 3 * 4 * 128 == 230_912


def test_residual_block_without_batch_norm_has_biases():
    m = _block_model(residual_block, (8, 8, 16), 32, stride=2, batch_norm=False, name="s")
    assert not any(type(c).__name__ == "BatchNormalization" for c in m.layers)
    assert m.get_layer("s_a").use_bias and m.get_layer("s_proj").use_bias
    assert m.count_params() == (9 * 16 * 32 + 32) + (9 * 32 * 32 + 32) + (16 * 32 + 32)
    assert m.output.shape[1:] == (4, 4, 32)


def test_residual_block_option_a_adds_no_parameters():
    b = _block_model(residual_block, (8, 8, 16), 32, stride=2, name="b")
    a = _block_model(residual_block, (8, 8, 16), 32, stride=2, name="a", shortcut="A")
    assert a.output.shape[1:] == (4, 4, 32)
    assert b.count_params() - a.count_params() == 16 * 32 + 4 * 32


def test_bottleneck_block_shapes_and_params():
    m = _block_model(bottleneck_block, (56, 56, 256), 64, name="c")
    assert m.output.shape[1:] == (56, 56, 256)
    assert m.count_params() == 256 * 64 + 9 * 64 * 64 + 64 * 256 + 4 * (64 + 64 + 256) == 71_168
    m2 = _block_model(bottleneck_block, (56, 56, 256), 128, stride=2, name="d")
    assert m2.output.shape[1:] == (28, 28, 512)
    assert m2.get_layer("d_a").strides == (2, 2), "el paso va en la primera 1×1, como en el artículo"
    assert m2.get_layer("d_proj").kernel.shape == (1, 1, 256, 512)


def test_blocks_reproduce_resnet50_of_keras():
    """ResNet-50 armada con bottleneck_block es la de keras.applications salvo los sesgos de sus convoluciones."""
    nuestra, de_keras = resnet_imagenet(50), keras.applications.ResNet50(weights=None)
    sesgos = sum(c.filters for c in de_keras.layers if isinstance(c, keras.layers.Conv2D))
    assert de_keras.count_params() == 25_636_712
    assert nuestra.count_params() + sesgos == 25_636_712, "sin contar los sesgos, los parámetros deben coincidir"
    assert _trainable(nuestra) == 25_557_032  # los de torchvision
    # Con sesgo en cada convolución, como la de Keras: los mismos parámetros, capa por capa.
    con_sesgo = resnet_imagenet(50, conv_bias=True)
    assert con_sesgo.count_params() == de_keras.count_params() == 25_636_712
    assert sorted(w.size for w in con_sesgo.get_weights()) == sorted(w.size for w in de_keras.get_weights())
    with pytest.raises(TypeError, match="True o False"):
        resnet_imagenet(50, conv_bias="sí")


@pytest.mark.parametrize("bad, match", [
    (dict(filters=0), "entero positivo"),
    (dict(filters=16, stride=1.5), "entero positivo"),
    (dict(filters=16, name=""), "texto no vacío"),
    (dict(filters=16, shortcut="C"), "proyección"),
])
def test_blocks_reject_bad_arguments(bad, match):
    x = keras.Input((8, 8, 16))
    for fn in (residual_block, bottleneck_block):
        with pytest.raises(ValueError, match=match):
            fn(x, **bad)
    with pytest.raises(TypeError, match="True o False"):
        residual_block(x, 16, batch_norm="sí")


def test_blocks_reject_non_image_tensor():
    with pytest.raises(ValueError, match="alto, ancho, canales"):
        residual_block(keras.Input((16,)), 16)
    with pytest.raises(ValueError, match="alto, ancho, canales"):
        bottleneck_block([1, 2, 3], 16)


@pytest.mark.parametrize("n, trainable", [(3, 269_722), (9, 853_018)])
def test_resnet_cifar_params_match_paper(n, trainable):
    res, plana = resnet_cifar(n), resnet_cifar(n, plain=True)
    assert res.name == f"resnet{6 * n + 2}" and plana.name == f"plana{6 * n + 2}"
    assert _trainable(res) == _trainable(plana) == trainable
    assert round(trainable / 1e6, 2) == {3: 0.27, 9: 0.85}[n]  # tabla 6 del artículo
    pesos = [c for c in res.layers if type(c).__name__ in ("Conv2D", "Dense")]
    assert len(pesos) == 6 * n + 2
    assert not any(type(c).__name__ == "Add" for c in plana.layers)
    assert res.output.shape[1:] == (10,)
    assert res.get_layer(f"etapa3_{n}_out").output.shape[1:] == (8, 8, 64)


def test_resnet_cifar_option_b_and_bad_arguments():
    assert _trainable(resnet_cifar(3, shortcut="B")) - 269_722 == 16 * 32 + 2 * 32 + 32 * 64 + 2 * 64
    with pytest.raises(ValueError, match="6n\\+2"):
        resnet_cifar(0)
    with pytest.raises(TypeError, match="True o False"):
        resnet_cifar(3, plain=1)


def test_deep_dense_net_plain_and_residual():
    plana, residual = deep_dense_net(40), deep_dense_net(40, residual=True)
    densas = lambda m: [c for c in m.layers if type(c).__name__ == "Dense"]  # noqa: E731
    assert len(densas(plana)) == len(densas(residual)) == 40
    assert plana.count_params() == residual.count_params()
    assert deep_dense_net(4).count_params() == 784 * 64 + 64 + 2 * (64 * 64 + 64) + 64 * 10 + 10
    # Al iniciar, cada bloque residual es la identidad: la última capa de la rama empieza en cero.
    assert float(abs(residual.get_layer("bloque1_b").kernel.numpy()).max()) == 0.0
    with pytest.raises(ValueError, match="par"):
        deep_dense_net(5, residual=True)
    with pytest.raises(ValueError, match="mayor o igual que 2"):
        deep_dense_net(1)


def test_resnet_cifar_widths_for_the_cpu_version():
    # La versión estrecha del capítulo 12: 14×14×1, filtros (8, 16, 32); la plana tiene los mismos pesos entrenables.
    for n in (1, 5):
        res = resnet_cifar(n, input_shape=(14, 14, 1), widths=(8, 16, 32))
        plana = resnet_cifar(n, plain=True, input_shape=(14, 14, 1), widths=(8, 16, 32))
        assert res.output_shape == plana.output_shape == (None, 10)
        assert _trainable(res) == _trainable(plana)
        assert res.get_layer("conv1").filters == 8
        assert sum(type(c).__name__ == "Conv2D" for c in plana.layers) == 6 * n + 1
    # Con los filtros del artículo, widths no cambia nada.
    assert _trainable(resnet_cifar(3, widths=(16, 32, 64))) == 269_722
    for mal in [(8, 16), (16, 8, 32), (8, 16, 0), (8, 16, 32.0)]:
        with pytest.raises(ValueError, match="widths"):
            resnet_cifar(1, widths=mal)
