"""Laboratorio 8 (atención desde cero): sondas y jueces por el mismo camino que ``check``.

Las celdas del laboratorio se ejecutan en un espacio de nombres que imita el
cuaderno (el ejercicio 7 entrena una sola vez); cada comprobación pasa por
``run_probe`` → ``encode``/``decode`` → ``judge``, como en el cuaderno y en el
calificador. Se prueban la nota completa de la fuente, el cero de la versión del
estudiante, cada respuesta incorrecta de los metadatos, soluciones correctas de
otro estilo y los mensajes de los errores típicos.
"""

import functools
import time

import numpy as np
import pytest

import _labs
from _labs import with_code as _with
from grader import api
from utils import notebooks

LAB = notebooks.ROOT / "labs" / "lab08_atencion.ipynb"
STUDENT = notebooks.ROOT / "labs" / "estudiante" / "lab08_atencion.ipynb"
POINTS = {"softmax": 1, "scaled_scores": 1, "attention": 1, "heads": 2, "positional_encoding": 1,
          "encoder_block": 2, "month_classifier": 2}
PRESUPUESTO_S = 150   # 60 s en una máquina quieta de 2 núcleos; aquí hay margen para la carga


# Como en un cuaderno: una celda que falla no detiene las siguientes.
_namespace = functools.partial(_labs.namespace, skip={"preparacion"}, swallow=True)
# ``None`` si pasa; el mensaje de ``CheckFailed`` si no.
_check = functools.partial(_labs.verdict, "lab08")


@pytest.fixture(scope="module")
def fuente():
    import matplotlib

    matplotlib.use("Agg")
    inicio = time.perf_counter()
    ns = _namespace(LAB)
    return ns, time.perf_counter() - inicio


def test_source_gets_full_marks(fuente):
    ns, segundos = fuente
    print(f"laboratorio 8 ejecutado en {segundos:.1f} s (máquina compartida)")
    assert {n: e.points for n, e in api.exercises("lab08").items()} == POINTS
    assert sum(POINTS.values()) == 10
    fallos = {n: m for n in POINTS if (m := _check(ns, n))}
    assert not fallos
    assert segundos < PRESUPUESTO_S


def test_check_cells_match_the_registry():
    nb = notebooks.load(LAB)
    checks = [c for c in nb["cells"] if "comprueba" in c.get("metadata", {}).get("curso", {})]
    assert [c["metadata"]["curso"]["comprueba"] for c in checks] == list(POINTS)
    for c in checks:
        assert c["metadata"]["curso"]["puntos"] == POINTS[c["metadata"]["curso"]["comprueba"]]
        assert f'check("lab08", "{c["metadata"]["curso"]["comprueba"]}")' in notebooks._source(c)


def test_student_copy_gets_zero():
    ns = _namespace(STUDENT)
    for name in POINTS:
        mensaje = _check(ns, name)
        assert mensaje is not None, name
        assert "Traceback" not in mensaje


def test_each_wrong_answer_fails_its_own_check(fuente):
    ns, _ = fuente
    nb = notebooks.load(LAB)
    for cell in nb["cells"]:
        info = cell.get("metadata", {}).get("curso", {})
        if "incorrecta" not in info:
            continue
        mala = notebooks.replace_solutions(notebooks._source(cell), info["incorrecta"])
        mensaje = _check(_with(ns, mala), info["ejercicio"])
        assert mensaje is not None, f"la respuesta incorrecta de «{info['ejercicio']}» pasó"


@pytest.mark.parametrize("name, source, pieza", [
    ("softmax", "def softmax(z):\n    e = np.exp(z - z.max(axis=-2, keepdims=True))\n    return e / e.sum(axis=-2, keepdims=True)",
     "ÚLTIMO eje"),
    ("softmax", "def softmax(z):\n    return np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)", "resta el máximo"),
    ("scaled_scores", "def scaled_scores(q, k):\n    return q @ np.swapaxes(k, -1, -2)", "√d_k"),
    ("scaled_scores", "def scaled_scores(q, k):\n    return q @ np.swapaxes(k, -1, -2) / q.shape[-1]", "raíz"),
    ("attention", "def attention(q, k, v, mask=None):\n    s = scaled_scores(q, k)\n    if mask is not None:\n"
                  "        s = s + np.where(mask, 0.0, 1e9)\n    w = softmax(s)\n    return w @ v, w", "signo"),
    ("attention", "def attention(q, k, v, mask=None):\n    s = scaled_scores(q, k)\n    if mask is not None:\n"
                  "        s = np.where(mask, -1e9, s)\n    w = softmax(s)\n    return w @ v, w", "signo"),
    ("attention", "def softmax(z):\n    e = np.exp(z - z.max(axis=0, keepdims=True))\n    return e / e.sum(axis=0, keepdims=True)",
     "ejercicio 1"),
    ("heads", "def split_heads(x, num_heads):\n    b, t, d = x.shape\n    return x.reshape(b, num_heads, t, d // num_heads)",
     "reshape"),
    ("positional_encoding", "def positional_encoding(length, d):\n    t = np.arange(length)[:, None]\n"
     "    f = 1 / 1e4 ** (np.arange(0, d, 2) / d)\n    pe = np.zeros((length, d))\n"
     "    pe[:, 0::2], pe[:, 1::2] = np.cos(t * f), np.sin(t * f)\n    return pe", "seno y coseno"),
    ("encoder_block", "def encoder_block(x, num_heads, key_dim, d_ff):\n    L = keras.layers\n"
     "    a = L.MultiHeadAttention(num_heads, key_dim)(x, x)\n    h = L.LayerNormalization()(L.Add()([x, a]))\n"
     "    f = L.Dense(x.shape[-1])(L.Dense(d_ff, activation='relu')(h))\n    return L.LayerNormalization()(f)",
     "residual de la red densa"),
    ("encoder_block", "def encoder_block(x, num_heads, key_dim, d_ff):\n    L = keras.layers\n"
     "    n1 = L.LayerNormalization()(x)\n    h = L.Add()([x, L.MultiHeadAttention(num_heads, key_dim)(n1, n1)])\n"
     "    f = L.Dense(x.shape[-1])(L.Dense(d_ff, activation='relu')(L.LayerNormalization()(h)))\n"
     "    return L.Add()([h, f])", "pre-LN"),
])
def test_typical_errors_name_the_cause(fuente, name, source, pieza):
    ns, _ = fuente
    mensaje = _check(_with(ns, source), name)
    assert mensaje is not None and pieza in mensaje, mensaje


ALTERNATIVAS = {
    "softmax": "def softmax(z):\n    z = z - np.max(z, axis=-1)[..., None]\n    return np.exp(z) / np.exp(z).sum(-1)[..., None]",
    "scaled_scores": "def scaled_scores(q, k):\n    return np.einsum('...qd,...kd->...qk', q, k) / q.shape[-1] ** 0.5",
    "attention": "def attention(q, k, v, mask=None):\n    s = scaled_scores(q, k)\n"
                 "    s = s if mask is None else np.where(mask, s, -np.inf)\n    w = softmax(s)\n    return w @ v, w",
    "heads": "def split_heads(x, num_heads):\n    b, t, d = x.shape\n"
             "    return np.stack(np.split(x, num_heads, axis=-1), axis=1)\n\n"
             "def merge_heads(x):\n    return np.concatenate(list(np.moveaxis(x, 1, 0)), axis=-1)",
    "positional_encoding": "def positional_encoding(length, d):\n    pe = np.empty((length, d))\n"
                           "    for t in range(length):\n        for i in range(0, d, 2):\n"
                           "            pe[t, i] = np.sin(t / 10000 ** (i / d))\n            pe[t, i + 1] = np.cos(t / 10000 ** (i / d))\n"
                           "    return pe",
    "encoder_block": "def encoder_block(x, num_heads, key_dim, d_ff):\n    L = keras.layers\n"
                     "    red = keras.Sequential([L.Dense(d_ff, name='arriba'), L.ReLU(), L.Dropout(0.1),\n"
                     "                            L.Dense(x.shape[-1], name='abajo')], name='densa')\n"
                     "    norma2, norma1 = L.LayerNormalization(name='n2'), L.LayerNormalization(name='n1')\n"
                     "    h = norma1(L.Add()([L.MultiHeadAttention(num_heads, key_dim, name='mha')(x, x), x]))\n"
                     "    return norma2(L.Add()([red(h), h]))",
}


@pytest.mark.parametrize("name", list(ALTERNATIVAS))
def test_alternative_solutions_get_full_marks(fuente, name):
    ns, _ = fuente
    assert _check(_with(ns, ALTERNATIVAS[name]), name) is None


def test_model_trained_without_positions_or_untrained_fails(fuente):
    ns, _ = fuente
    sin_entrenar = ("keras.utils.set_random_seed(1)\nentrada = keras.Input(shape=X_train.shape[1:])\n"
                    "h = encoder_block(keras.layers.Dense(32)(entrada), 2, 16, 64)\n"
                    "model = keras.Model(entrada, keras.layers.Dense(12, activation='softmax')("
                    "keras.layers.GlobalAveragePooling1D()(h)))")
    assert "se pide al menos" in _check(_with(ns, sin_entrenar), "month_classifier")
    sin_atencion = ("model = keras.Sequential([keras.Input(shape=X_train.shape[1:]), keras.layers.Flatten(),"
                    " keras.layers.Dense(12, activation='softmax')])")
    assert "atención" in _check(_with(ns, sin_atencion), "month_classifier")
    pe_mala = "def positional_encoding(length, d):\n    return np.zeros((length, d))"
    assert "ejercicio 5" in _check(_with(ns, pe_mala), "month_classifier")
    assert np.isfinite(ns["X_train"]).all()
