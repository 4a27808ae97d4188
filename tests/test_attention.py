"""utils.attention y utils.dates: formas, máscaras, errores en español y Keras con los mismos pesos."""

import numpy as np
import pytest

from utils import attention, dates


def test_softmax_rows_sum_one_and_is_stable():
    z = np.array([[1000.0, 1001.0, 999.0], [0.0, 0.0, 0.0]])
    p = attention.softmax(z)
    assert np.allclose(p.sum(axis=-1), 1) and np.all(np.isfinite(p))
    assert np.allclose(p[1], 1 / 3)


def test_attention_is_weighted_average_and_masks_are_respected():
    g = np.random.default_rng(0)
    q, k, v = g.normal(size=(2, 3, 4)), g.normal(size=(2, 5, 4)), g.normal(size=(2, 5, 6))
    salida, pesos = attention.scaled_dot_product_attention(q, k, v)
    esperado = np.exp(q @ k.transpose(0, 2, 1) / 2.0)
    esperado /= esperado.sum(-1, keepdims=True)
    assert np.allclose(pesos, esperado) and np.allclose(salida, esperado @ v)
    ids = np.array([[3, 4, 5, 0, 0], [1, 2, 0, 0, 0]])
    _, pesos = attention.scaled_dot_product_attention(q, k, v, mask=attention.padding_mask(ids))
    assert np.all(pesos[ids[:, None, :].repeat(3, 1) == 0] == 0)
    assert np.allclose(pesos.sum(-1), 1)
    _, causal = attention.scaled_dot_product_attention(k, k, v, mask=attention.causal_mask(5))
    assert np.all(np.triu(causal[0], 1) == 0)


def test_split_and_merge_heads_are_inverse_and_keep_positions():
    x = np.arange(2 * 5 * 12, dtype=float).reshape(2, 5, 12)
    partes = attention.split_heads(x, 3)
    assert partes.shape == (2, 3, 5, 4)
    assert np.array_equal(partes[1, 2, 4], x[1, 4, 8:12])    # cabeza 2 de la posición 4
    assert np.array_equal(attention.merge_heads(partes), x)


def test_positional_encoding_values():
    pe = attention.positional_encoding(50, 8)
    assert pe.shape == (50, 8)
    assert np.allclose(pe[0], [0, 1] * 4)
    assert np.isclose(pe[3, 2], np.sin(3 / 1e4 ** (2 / 8))) and np.isclose(pe[3, 3], np.cos(3 / 1e4 ** (2 / 8)))


@pytest.mark.parametrize("llamada, texto", [
    (lambda: attention.positional_encoding(5, 3), "par"),
    (lambda: attention.split_heads(np.zeros((1, 2, 10)), 3), "cabezas"),
    (lambda: attention.scaled_dot_product_attention(np.zeros((2, 3)), np.zeros((2, 4)), np.zeros((2, 4))), "d_k"),
    (lambda: attention.causal_mask(0), "entero positivo"),
    (lambda: attention.multi_head_attention(np.zeros((1, 2, 4)), np.zeros((1, 2, 4)), [1, 2]), "8 arreglos"),
    (lambda: dates.encode_inputs(["hola!"], 10), "INPUT_CHARS"),
    (lambda: dates.generate(3, formats=["no existe"]), "Formatos desconocidos"),
])
def test_errors_are_spanish(llamada, texto):
    with pytest.raises(ValueError, match=texto):
        llamada()


def test_multi_head_attention_matches_keras(keras):
    capa = keras.layers.MultiHeadAttention(num_heads=3, key_dim=5)
    g = np.random.default_rng(1)
    xq, xv = g.normal(size=(2, 4, 9)).astype("float32"), g.normal(size=(2, 6, 9)).astype("float32")
    capa(xq, xv)
    pesos = [g.normal(scale=0.5, size=w.shape).astype("float32") for w in capa.get_weights()]
    capa.set_weights(pesos)
    mascara = g.random((2, 4, 6)) < 0.7
    mascara[..., 0] = True
    for m in (None, mascara):
        y_keras = np.asarray(capa(xq, xv, attention_mask=m))
        assert np.max(np.abs(attention.multi_head_attention(xq, xv, pesos, mask=m) - y_keras)) < 1e-5


def test_encoder_block_matches_keras_and_parameter_formula(keras):
    entrada = keras.Input((7, 16))
    modelo = keras.Model(entrada, attention.keras_encoder_block(entrada, 2, 8, 40))
    assert modelo.count_params() == attention.encoder_block_params(16, 2, 8, 40)
    g = np.random.default_rng(2)
    modelo.set_weights([g.normal(scale=0.3, size=w.shape).astype("float32") for w in modelo.get_weights()])
    capas = {}
    for c in modelo.layers:
        capas.setdefault(type(c).__name__, []).append(c.get_weights())
    (w_mha,), (ln1, ln2), (d1, d2) = capas["MultiHeadAttention"], capas["LayerNormalization"], capas["Dense"]
    x = g.normal(size=(3, 7, 16)).astype("float32")
    ref = attention.encoder_block(x, w_mha, ln1, d1 + d2, ln2)
    assert np.max(np.abs(np.asarray(modelo(x)) - ref)) < 1e-4


def test_encoder_block_macs_grow_quadratically_only_in_attention():
    a, b = attention.encoder_block_macs(100, 32, 4, 8, 64), attention.encoder_block_macs(200, 32, 4, 8, 64)
    assert b["puntajes"] == 4 * a["puntajes"] and b["densa"] == 2 * a["densa"]
    assert a["total"] == sum(v for k, v in a.items() if k != "total")


def test_dates_are_reproducible_and_correct():
    t1, i1, f1 = dates.generate(200, seed=5)
    t2, i2, _ = dates.generate(200, seed=5)
    assert (t1, i1) == (t2, i2) and len(set(f1)) == len(dates.FORMATS)
    import datetime
    for texto, iso, formato in zip(t1, i1, f1):
        fecha = datetime.date.fromisoformat(iso)
        assert 1950 <= fecha.year <= 2049
        assert str(fecha.day) in texto
        if "semana" in formato:
            assert texto.startswith(dates.WEEKDAYS[fecha.weekday()])
    assert dates.decode_targets(dates.encode_targets(i1)) == i1
    x = dates.one_hot_with_positions(t1[:3], 36, attention.positional_encoding(36, 4))
    assert x.shape == (3, 36, len(dates.INPUT_CHARS) + 4)
    assert np.allclose(x[:, :, :-4].sum(-1), [[1] * len(t) + [0] * (36 - len(t)) for t in t1[:3]])
