"""Pruebas de utils.counting y utils.architectures (conteo de parámetros y MACs)."""

import subprocess
import sys

import numpy as np
import pytest

keras = pytest.importorskip("keras")
from keras import layers  # noqa: E402

from utils.architectures import resnet_flops_table, resnet_imagenet  # noqa: E402
from utils.counting import CountTable, count_flops, count_params, format_count  # noqa: E402


def macs_of(model, name):
    return count_flops(model)[name].macs


def assert_params_match(model):
    table = count_params(model)
    assert table.total_params == model.count_params()
    assert table.uncounted == []
    return table


# --------------------------------------------------------------------------
# Importar no carga TensorFlow
# --------------------------------------------------------------------------

def test_import_does_not_load_tensorflow():
    code = ("import sys, utils.counting, utils.architectures; "
            "print('tensorflow' in sys.modules or 'keras' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --------------------------------------------------------------------------
# Parámetros = model.count_params() para cada tipo de capa
# --------------------------------------------------------------------------

def test_sequential_with_every_simple_layer():
    model = keras.Sequential([
        keras.Input((32, 32, 3)),
        layers.ZeroPadding2D(1),
        layers.Conv2D(8, 3, activation="relu"),
        layers.BatchNormalization(),
        layers.DepthwiseConv2D(3, depth_multiplier=2),
        layers.ReLU(),
        layers.MaxPooling2D(2),
        layers.Conv2D(16, 3, groups=4),
        layers.AveragePooling2D(2),
        layers.Activation("relu"),
        layers.Dropout(0.5),
        layers.Flatten(),
        layers.Dense(10, activation="softmax"),
    ])
    table = assert_params_match(model)
    bn = next(r for r in table.rows if r.kind == "BatchNormalization")
    assert (bn.params, bn.trainable_params) == (4 * 8, 2 * 8)
    assert table.total_non_trainable_params == 2 * 8


def test_functional_residual_block_with_add():
    inputs = keras.Input((16, 16, 32))
    y = layers.Conv2D(32, 3, padding="same", use_bias=False)(inputs)
    y = layers.BatchNormalization()(y)
    y = layers.ReLU()(y)
    y = layers.Conv2D(32, 3, padding="same", use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    y = layers.ReLU()(layers.Add()([inputs, y]))
    outputs = layers.Dense(5)(layers.GlobalAveragePooling2D()(y))
    table = assert_params_match(keras.Model(inputs, outputs))
    assert table.total_flops == 2 * (16 * 16 * 32 * 3 * 3 * 32) + 32 * 5


def test_functional_inception_block_with_concatenate():
    inputs = keras.Input((28, 28, 64))
    b1 = layers.Conv2D(16, 1, padding="same")(inputs)
    b3 = layers.Conv2D(24, 3, padding="same")(layers.Conv2D(8, 1, padding="same")(inputs))
    b5 = layers.Conv2D(8, 5, padding="same")(layers.Conv2D(4, 1, padding="same")(inputs))
    bp = layers.Conv2D(8, 1, padding="same")(layers.MaxPooling2D(3, strides=1, padding="same")(inputs))
    x = layers.Concatenate()([b1, b3, b5, bp])
    outputs = layers.Dense(3)(layers.GlobalMaxPooling2D()(x))
    table = assert_params_match(keras.Model(inputs, outputs))
    concat = next(r for r in table.rows if r.kind == "Concatenate")
    assert concat.output_shape == (28, 28, 56) and concat.macs == 0


@pytest.mark.parametrize("rnn", [layers.SimpleRNN, layers.LSTM, layers.GRU])
def test_recurrent_layers_params(rnn):
    model = keras.Sequential([keras.Input((12, 5)), rnn(7, return_sequences=True), rnn(3), layers.Dense(2)])
    assert_params_match(model)


def test_other_layers_params_and_nested_model():
    inner = keras.Sequential([keras.Input((10, 10, 4)), layers.SeparableConv2D(8, 3), layers.Flatten()],
                             name="interno")
    inputs = keras.Input((10, 10, 4))
    x = inner(inputs)
    y = layers.Conv2DTranspose(2, 3, strides=2)(inputs)
    z = layers.Dense(3)(layers.Concatenate()([x, layers.Flatten()(y)]))
    model = keras.Model(inputs, z)
    table = assert_params_match(model)
    inner_rows = [r for r in table.rows if r.name.startswith("interno/")]
    assert [r.kind for r in inner_rows] == ["SeparableConv2D", "Flatten"]
    assert inner_rows[0].macs == 8 * 8 * (3 * 3 * 4 + 4 * 8)


def test_sequential_built_with_build_and_bidirectional():
    model = keras.Sequential([layers.Embedding(50, 6), layers.Bidirectional(layers.LSTM(4)), layers.Dense(1)])
    model.build((None, 9))
    table = assert_params_match(model)
    # dos direcciones · 9 pasos · 4 puertas · (6·4 + 4·4)
    assert table.rows[1].macs == 2 * 9 * 4 * (6 * 4 + 4 * 4)


# --------------------------------------------------------------------------
# MACs comprobadas a mano
# --------------------------------------------------------------------------

def test_hand_checked_conv_and_dense_macs():
    model = keras.Sequential([
        keras.Input((10, 10, 4)),
        layers.Conv2D(8, 3, name="conv"),                  # 8·8·8 · 3·3·4
        layers.Conv2D(8, 3, groups=2, name="grupos"),      # 6·6·8 · 3·3·8/2
        layers.DepthwiseConv2D(3, depth_multiplier=2, name="dw"),  # 4·4·16 · 3·3
        layers.Flatten(),
        layers.Dense(5, name="densa"),                     # 256 · 5
    ])
    table = count_flops(model)
    assert table["conv"].macs == 18_432
    assert table["grupos"].macs == 6 * 6 * 8 * 3 * 3 * 8 // 2 == 10_368
    assert table["dw"].macs == 4 * 4 * 16 * 3 * 3 == 2_304
    assert table["densa"].macs == 256 * 5 == 1_280
    assert table.total_flops == 18_432 + 10_368 + 2_304 + 1_280


def test_hand_checked_other_layer_macs():
    inputs = keras.Input((10, 10, 4))
    a = layers.SeparableConv2D(8, 3, name="sep")(inputs)        # 8·8·(3·3·4 + 4·8)
    b = layers.Conv2DTranspose(8, 3, strides=2, name="tr")(inputs)  # 10·10 · 3·3·4·8
    model = keras.Model(inputs, [a, b])
    assert macs_of(model, "sep") == 64 * (36 + 32)
    assert macs_of(model, "tr") == 100 * 288


@pytest.mark.parametrize("rnn, gates", [(layers.SimpleRNN, 1), (layers.LSTM, 4), (layers.GRU, 3)])
def test_hand_checked_recurrent_macs(rnn, gates):
    model = keras.Sequential([keras.Input((10, 3)), rnn(7, name="rnn"), layers.Dense(2, name="densa")])
    assert macs_of(model, "rnn") == 10 * gates * (3 * 7 + 7 * 7)
    assert macs_of(model, "densa") == 14


def test_dense_on_sequence_counts_every_step():
    model = keras.Sequential([keras.Input((10, 3)), layers.Dense(4, name="densa")])
    assert macs_of(model, "densa") == 10 * 3 * 4


# --------------------------------------------------------------------------
# Redes conocidas
# --------------------------------------------------------------------------

def test_lenet5():
    model = keras.Sequential([
        keras.Input((32, 32, 1)),
        layers.Conv2D(6, 5, activation="tanh", name="c1"),
        layers.AveragePooling2D(2, name="s2"),
        layers.Conv2D(16, 5, activation="tanh", name="c3"),
        layers.AveragePooling2D(2, name="s4"),
        layers.Conv2D(120, 5, activation="tanh", name="c5"),
        layers.Flatten(name="aplanar"),
        layers.Dense(84, activation="tanh", name="f6"),
        layers.Dense(10, activation="softmax", name="salida"),
    ])
    table = assert_params_match(model)
    params = [table[n].params for n in ("c1", "c3", "c5", "f6", "salida")]
    assert params == [156, 2_416, 48_120, 10_164, 850]
    assert table.total_params == 61_706
    assert table["c1"].output_shape == (28, 28, 6)
    assert table["c1"].macs == 28 * 28 * 6 * 5 * 5 * 1 == 117_600
    assert table.total_flops == 416_520


@pytest.fixture(scope="module")
def vgg16():
    return keras.applications.VGG16(weights=None)


def test_vgg16(vgg16):
    table = assert_params_match(vgg16)
    assert table.total_params == 138_357_544
    assert table.total_flops == 15_470_264_320  # ≈ 15.5 × 10⁹
    convs = sum(r.macs for r in table.rows if r.kind == "Conv2D")
    assert round(convs / 1e9, 2) == 15.35        # el artículo de ResNet cita 15.3 × 10⁹


def test_keras_resnet50():
    model = keras.applications.ResNet50(weights=None)
    table = assert_params_match(model)
    assert table.total_params == 25_636_712
    assert 3.8e9 < table.total_flops < 3.9e9
    assert table.total_flops == 3_857_973_248


# --------------------------------------------------------------------------
# Tabla 1 del artículo de ResNet
# --------------------------------------------------------------------------

def test_resnet_paper_flops_table():
    rows = resnet_flops_table()
    assert [r["shortcut"] for r in rows] == ["A", "A", "B", "B", "B"]
    assert [r["flops"] for r in rows] == [1_794_805_760, 3_644_493_824, 3_857_973_248,
                                          7_570_194_432, 11_282_415_616]
    rounded = [round(r["flops"] / 1e9, 1) for r in rows]
    assert rounded == [1.8, 3.6, 3.9, 7.6, 11.3]
    paper = [r["paper"] for r in rows]
    # Solo ResNet-50 difiere del artículo (3,86 frente a 3,8): ver la docstring.
    assert [a == b for a, b in zip(rounded, paper)] == [True, True, False, True, True]
    # Con la opción B, los parámetros entrenables son los de torchvision.
    assert [r["trainable_params"] for r in rows[2:]] == [25_557_032, 44_549_160, 60_192_808]


def test_resnet_builder_shortcut_options():
    basic_b = resnet_imagenet(18, shortcut="B")
    table = assert_params_match(basic_b)
    assert table.total_trainable_params == 11_689_512
    assert table.total_flops == 1_814_073_344
    assert table["conv1"].output_shape == (112, 112, 64)
    assert table["pool1"].output_shape == (56, 56, 64)
    assert table["conv5_2_out"].output_shape == (7, 7, 512)
    assert table["fc"].macs == 512 * 1000
    # La opción A no añade parámetros: ResNet-18 A tiene las convoluciones de B menos las proyecciones.
    proj = sum(r.params for r in table.rows if "_proj" in r.name)
    assert count_params(resnet_imagenet(18, shortcut="A")).total_params == table.total_params - proj


def test_resnet_builder_bad_arguments():
    with pytest.raises(ValueError, match="debe ser una de"):
        resnet_imagenet(20)
    with pytest.raises(ValueError, match="proyección"):
        resnet_imagenet(18, shortcut="C")


# --------------------------------------------------------------------------
# Entradas malas, capas desconocidas y presentación
# --------------------------------------------------------------------------

def test_not_a_model_raises_spanish_type_error():
    with pytest.raises(TypeError, match="se esperaba un modelo de Keras"):
        count_flops("hola")
    with pytest.raises(TypeError, match="modelo de Keras"):
        count_params(layers.Dense(3))


def test_unbuilt_model_raises_spanish_type_error():
    with pytest.raises(TypeError, match="no está construido"):
        count_params(keras.Sequential([layers.Dense(3)]))


class Scale(layers.Layer):
    """Capa propia que el contador no conoce."""

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones")

    def call(self, x):
        return x * self.w


def test_unknown_layer_is_listed_not_counted():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3), Scale(name="escala"),
                              layers.Lambda(lambda t: 2 * t, name="doble")])
    table = count_flops(model)
    assert table.total_params == model.count_params() == 15 + 3
    assert table["escala"].params == 3 and not table["escala"].counted
    assert table.uncounted == ["escala", "doble"]
    assert table.total_flops == 12
    assert "no contado" in str(table) and "capa desconocida" in str(table)


def test_unknown_sequence_length_and_subclassed_model_do_not_crash():
    rnn = keras.Sequential([keras.Input((None,)), layers.Embedding(20, 4), layers.LSTM(3, name="lstm")])
    table = count_flops(rnn)
    assert table.total_params == rnn.count_params()
    assert table.uncounted == ["lstm"] and "longitud" in table["lstm"].note

    class Small(keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(3)

        def call(self, x):
            return self.dense(x)

    model = Small()
    model(np.zeros((1, 4), dtype="float32"))
    table = count_flops(model)
    assert table.total_params == model.count_params() == 15
    assert table.rows[0].output_shape is None and "?" in str(table)


def test_rendering_in_spanish():
    model = keras.Sequential([keras.Input((4,)), layers.Dense(1000, name="densa")])
    table = count_flops(model)
    assert isinstance(table, CountTable) and len(table) == 1
    text = str(table)
    for header in ("capa", "tipo", "forma de salida", "parámetros", "MAC"):
        assert header in text
        assert header in table._repr_html_()
        assert header in table.to_markdown()
    assert "5\u00a0000" in text and "4\u00a0000" in text      # miles con espacio que no se corta
    assert "4\u00a0000" in table.summary()
    assert "<table>" in table._repr_html_()
    assert "CountTable" in repr(table)
    with pytest.raises(KeyError, match="no hay ninguna capa"):
        table["otra"]


def test_format_count():
    assert format_count(15_470_264_320) == "15.47 × 10⁹"
    assert format_count(25_636_712) == "25.64 × 10⁶"
    assert format_count(61_706) == "61\u00a0706"


def test_table_accessors():
    import keras

    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(4), keras.layers.Dense(2)])
    table = count_params(model)
    assert [r.params for r in table] == [36, 10]
    assert table[0]["params"] == 36 and table[1].flops == 8
    assert table.totals == {"params": 46, "trainable_params": 46, "non_trainable_params": 0, "macs": 40, "flops": 40}
    assert table.to_dicts()[0]["macs"] == 32


def test_group_digits_uses_non_breaking_spaces():
    import numpy as np

    from utils.counting import group_digits

    assert group_digits(61706) == "61\u00a0706"
    assert group_digits(np.int64(138_357_544)) == "138\u00a0357\u00a0544"
    assert group_digits(999) == "999"
    with pytest.raises(TypeError, match="entero"):
        group_digits(1.5)
