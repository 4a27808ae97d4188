"""Pruebas de utils.architectures: módulo Inception y GoogLeNet (tabla 1 de Szegedy et al., 2015)."""

import pytest

keras = pytest.importorskip("keras")

from utils.architectures import (GOOGLENET_INCEPTION, googlenet, googlenet_table1,  # noqa: E402
                                 inception_module)
from utils.counting import count_flops  # noqa: E402

# Tabla 1 del artículo: fila → (salida, parámetros en «K» de 1024 pesos sin sesgos, ops en millones).
PAPER = {
    "conv1": ((112, 112, 64), 2.7, 34), "pool1": ((56, 56, 64), 0, 0),
    "conv2": ((56, 56, 192), 112, 360), "pool2": ((28, 28, 192), 0, 0),
    "inception_3a": ((28, 28, 256), 159, 128), "inception_3b": ((28, 28, 480), 380, 304),
    "pool3": ((14, 14, 480), 0, 0),
    "inception_4a": ((14, 14, 512), 364, 73), "inception_4b": ((14, 14, 512), 437, 88),
    "inception_4c": ((14, 14, 512), 463, 100), "inception_4d": ((14, 14, 528), 580, 119),
    "inception_4e": ((14, 14, 832), 840, 170), "pool4": ((7, 7, 832), 0, 0),
    "inception_5a": ((7, 7, 832), 1072, 54), "inception_5b": ((7, 7, 1024), 1388, 71),
    "pool5": ((1, 1, 1024), 0, 0), "dropout": ((1, 1, 1024), 0, 0),
    "linear": ((1, 1, 1000), 1000, 1), "softmax": ((1, 1, 1000), 0, 0),
}


def _modulo_3a():
    entrada = keras.Input((28, 28, 192))
    return keras.Model(entrada, inception_module(entrada, 64, 96, 128, 16, 32, 32, name="3a"))


def test_inception_3a_shape_params_and_macs():
    modelo = _modulo_3a()
    assert tuple(modelo.output.shape) == (None, 28, 28, 256), f"forma inesperada: {modelo.output.shape}"
    # (192+1)·64 + (192+1)·96 + (9·96+1)·128 + (192+1)·16 + (25·16+1)·32 + (192+1)·32
    esperado = 12352 + 18528 + 110720 + 3088 + 12832 + 6176
    assert esperado == 163696
    assert modelo.count_params() == esperado, f"el módulo (3a) debería tener 163 696 parámetros; tiene {modelo.count_params()}"
    macs = 28 * 28 * (192 * 64 + 192 * 96 + 9 * 96 * 128 + 192 * 16 + 25 * 16 * 32 + 192 * 32)
    assert count_flops(modelo).total_flops == macs == 128049152


def test_inception_branch_order_names_and_activations():
    modelo = _modulo_3a()
    nombres = {c.name for c in modelo.layers}
    for sufijo in ("1x1", "3x3_reduce", "3x3", "5x5_reduce", "5x5", "pool", "pool_proj", "concat"):
        assert f"3a_{sufijo}" in nombres, f"falta la capa 3a_{sufijo}"
    concat = modelo.get_layer("3a_concat")
    entradas = [t._keras_history[0].name for t in concat._inbound_nodes[0].input_tensors]
    assert entradas == ["3a_1x1", "3a_3x3", "3a_5x5", "3a_pool_proj"], f"orden de las ramas: {entradas}"
    for nombre in ("3a_1x1", "3a_3x3_reduce", "3a_3x3", "3a_5x5_reduce", "3a_5x5", "3a_pool_proj"):
        capa = modelo.get_layer(nombre)
        assert capa.padding == "same" and capa.use_bias and capa.activation.__name__ == "relu", nombre
    assert modelo.get_layer("3a_3x3").kernel_size == (3, 3)
    assert modelo.get_layer("3a_5x5").kernel_size == (5, 5)
    pool = modelo.get_layer("3a_pool")
    assert pool.pool_size == (3, 3) and pool.strides == (1, 1) and pool.padding == "same"


def test_inception_keeps_spatial_size_of_odd_maps():
    entrada = keras.Input((7, 9, 5))
    salida = inception_module(entrada, 1, 2, 3, 4, 5, 6, name="m")
    assert tuple(salida.shape) == (None, 7, 9, 1 + 3 + 5 + 6)


@pytest.mark.parametrize("x, filtros, name, match", [
    (None, (1, 1, 1, 1, 1, 1), "m", "tensor simbólico"),
    ("3d", (1, 1, 1, 1, 1, 1), "m", "4 ejes"),
    ("4d", (0, 1, 1, 1, 1, 1), "m", "`f1` debe ser un entero positivo"),
    ("4d", (1, 1, 2.5, 1, 1, 1), "m", "`f3` debe ser un entero positivo"),
    ("4d", (1, 1, 1, 1, 1, True), "m", "`pool_proj`"),
    ("4d", (1, 1, 1, 1, 1, 1), "", "`name`"),
])
def test_inception_bad_input_spanish_errors(x, filtros, name, match):
    import numpy as np
    tensores = {None: np.zeros((1, 8, 8, 3)), "3d": keras.Input((8, 3)), "4d": keras.Input((8, 8, 3))}
    with pytest.raises((TypeError, ValueError), match=match):
        inception_module(tensores[x], *filtros, name=name)


@pytest.fixture(scope="module")
def tabla():
    return {fila["row"]: fila for fila in googlenet_table1()}


def test_googlenet_rows_and_output_sizes_match_table1(tabla):
    assert list(tabla) == list(PAPER), f"filas distintas de la tabla 1: {list(tabla)}"
    for fila, (salida, _, _) in PAPER.items():
        assert tabla[fila]["output"] == salida, f"{fila}: salida {tabla[fila]['output']}, el artículo dice {salida}"


def test_googlenet_params_and_ops_match_table1_where_the_paper_is_consistent(tabla):
    # Filas que el artículo calcula bien (pesos sin sesgos / 1024 y ops en millones, ±2 % o ±0,5 M).
    for fila in ("conv2", "inception_3a", "inception_3b", "inception_4a", "inception_4b",
                 "inception_4e", "inception_5b", "linear"):
        _, k, ops = PAPER[fila]
        assert tabla[fila]["weights"] / 1024 == pytest.approx(k, rel=0.02), fila
        assert tabla[fila]["macs"] / 1e6 == pytest.approx(ops, rel=0.02, abs=0.5), fila
    # Las ops coinciden en todos los módulos salvo 5a; conv1 no se puede reproducir.
    for fila in ("inception_4c", "inception_4d"):
        assert tabla[fila]["macs"] / 1e6 == pytest.approx(PAPER[fila][2], rel=0.02), fila
    assert tabla["conv1"]["weights"] == 7 * 7 * 3 * 64
    assert tabla["conv1"]["macs"] == 112 * 112 * 64 * 7 * 7 * 3


def test_googlenet_totals():
    modelo = googlenet()
    tabla = count_flops(modelo)
    assert modelo.count_params() == tabla.total_params == 6998552
    assert tabla.total_flops == 1582671872          # ≈ 1,58 G; sin la diferencia de conv1, ≈ 1,5 G
    assert tuple(modelo.output.shape) == (None, 1000)


def test_googlenet_auxiliary_classifiers():
    modelo = googlenet(aux_classifiers=True)
    assert len(modelo.outputs) == 3
    assert [tuple(s.shape) for s in modelo.outputs] == [(None, 1000)] * 3
    filas = {f["row"]: f for f in googlenet_table1(modelo)}
    # pooling 5×5/3: 14×14 → 4×4; 1×1 de 128; densa 2048 → 1024; densa 1024 → 1000
    assert filas["aux1"]["params"] == (512 + 1) * 128 + (4 * 4 * 128 + 1) * 1024 + (1024 + 1) * 1000
    assert filas["aux2"]["params"] == (528 + 1) * 128 + (4 * 4 * 128 + 1) * 1024 + (1024 + 1) * 1000
    assert modelo.get_layer("aux1_dropout").rate == pytest.approx(0.7)
    assert modelo.count_params() == 6998552 + filas["aux1"]["params"] + filas["aux2"]["params"]


def test_googlenet_config_and_errors():
    assert len(GOOGLENET_INCEPTION) == 9
    m = googlenet(input_shape=(96, 96, 1), classes=10)
    assert tuple(m.output.shape) == (None, 10)
    with pytest.raises(ValueError, match="alto, ancho, canales"):
        googlenet(input_shape=(224, 224))
    with pytest.raises(ValueError, match="`classes`"):
        googlenet(classes=1)
    with pytest.raises(ValueError, match="224×224"):
        googlenet(input_shape=(96, 96, 3), aux_classifiers=True)
    with pytest.raises(TypeError, match="True o False"):
        googlenet(aux_classifiers="sí")
