"""Laboratorio 5 con el contrato sonda/juez: la solución oficial, otros estilos y errores típicos.

Las celdas del cuaderno fuente se ejecutan una vez (sin la comparación de semillas ni la
figura); las variantes cambian funciones sobre una copia del espacio de nombres. Los
modelos calificados se reconstruyen en el juez y se evalúan en la mitad de la prueba
que el cuaderno no carga.
"""

import functools

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import _labs  # noqa: E402
from _labs import with_code as variant  # noqa: E402
from grader import api  # noqa: E402
from utils import notebooks  # noqa: E402

LAB = "lab05"
PATH = notebooks.ROOT / "labs" / "lab05_lenet5.ipynb"
SKIP = {"preparacion", "figura", "comparar"}
FULL = 10
grade = functools.partial(_labs.grade, LAB)
total = _labs.total


@pytest.fixture(scope="module")
def oficial():
    return _labs.namespace(PATH, SKIP)


def test_points_live_in_the_definitions_and_most_are_real_work():
    nb = notebooks.load(PATH)
    checks = notebooks.exercise_cells(nb)
    exs = api.exercises(LAB)
    assert {n: info["puntos"] for n, info in checks.items()} == {n: e.points for n, e in exs.items()}
    assert sum(e.points for e in exs.values()) == FULL
    transcripcion = {"prepare_images", "build_lenet5", "train_lenet5"}
    assert sum(e.points for n, e in exs.items() if n not in transcripcion) > FULL / 2


def test_source_gets_full_marks(oficial):
    res = grade(oficial)
    assert total(res) == FULL, {k: m for k, (p, m) in res.items() if m}


def test_in_notebook_check_prints_the_paper_counts(oficial, monkeypatch, capsys):
    monkeypatch.setattr(api, "_main_namespace", lambda: oficial)
    api.check(LAB, "c3_counts")
    out = capsys.readouterr().out
    assert "1\u00a0516 parámetros efectivos y 151\u00a0600 conexiones" in out
    assert "✔ Ejercicio «c3_counts» correcto (+2 puntos)." in out


def test_student_copy_gets_zero():
    res = grade(_labs.namespace(PATH, SKIP, student=True))
    assert total(res) == 0
    assert "Todavía no completaste `c3_mask`" in res["c3_mask"][1]


def _wrong_answers():
    nb = notebooks.load(PATH)
    return [(c["metadata"]["curso"]["ejercicio"], c["id"], c["metadata"]["curso"]["incorrecta"])
            for c in nb["cells"] if notebooks.is_solution_cell(c)]


@pytest.mark.parametrize("exercise, cell_id, wrong", _wrong_answers(), ids=lambda v: v if len(str(v)) < 30 else "")
def test_each_wrong_answer_fails_its_own_check(oficial, exercise, cell_id, wrong):
    ns = dict(oficial)
    celdas = {c["id"]: c for c in _labs.code_cells(PATH, SKIP)}
    src = notebooks.replace_solutions(notebooks._source(celdas[cell_id]), wrong)
    if cell_id == "ej5-solucion":            # la línea que imprime las cuentas usa la función de la celda
        src = src.split("\n\n\nparametros_c3")[0]
    _labs.run(ns, src, cell_id)
    if exercise == "train_lenet5":           # la incorrecta no compila: la celda de entrenamiento falla
        ns.pop("model")
        ns.pop("history")
        _labs.run(ns, notebooks._source(celdas["entrenar"]), swallow=True)
    res = grade(ns)
    assert res[exercise][0] == 0, f"la respuesta incorrecta de «{exercise}» ({cell_id}) pasó"
    permitidos = {exercise, "lenet5_clasica"} if exercise == "c3_mask" else {exercise}
    assert {k for k, (p, _) in res.items() if p == 0} <= permitidos


FUNCIONAL = '''
def build_lenet5():
    x = entrada = keras.Input((32, 32, 1))
    for filtros in (6, 16):
        x = keras.layers.Conv2D(filtros, (5, 5))(x)
        x = keras.layers.ReLU()(x)
        x = keras.layers.MaxPool2D(pool_size=(2, 2))(x)
    x = keras.layers.Flatten()(x)
    x = keras.layers.Dense(120, activation="relu")(x)     # C5 como densa: la misma cuenta
    x = keras.layers.Dense(84, activation=keras.activations.relu)(x)
    return keras.Model(entrada, keras.layers.Dense(10, activation="softmax")(x))


def build_lenet5_classic():
    m = keras.Sequential()
    m.add(keras.Input(shape=(32, 32, 1)))
    m.add(keras.layers.Conv2D(6, 5, activation="tanh", name="C1"))
    m.add(keras.layers.AveragePooling2D(pool_size=2))
    m.add(keras.layers.Conv2D(16, 5, activation="tanh", name="C3"))
    m.add(keras.layers.AveragePooling2D(pool_size=2))
    m.add(keras.layers.Flatten())
    m.add(keras.layers.Dense(120, activation="tanh"))
    m.add(keras.layers.Dense(84, activation="tanh"))
    m.add(keras.layers.Dense(10, activation="softmax"))
    return m


def c3_mask(table, n_in=6, f=5):
    conecta = np.array([[i in fila for fila in table] for i in range(n_in)], dtype="float32")
    return np.broadcast_to(conecta, (f, f) + conecta.shape).copy()


def c3_counts(mask, out_side=10):
    f, _, _, n_out = mask.shape
    por_filtro = [f * f * int(mask[0, 0, :, j].sum()) + 1 for j in range(n_out)]
    return sum(por_filtro), sum(por_filtro) * out_side ** 2


def train_masked(model, mask, x, y):
    capa = [l for l in model.layers if l.name == "C3"][0]
    aplicar = lambda *args, **kwargs: capa.kernel.assign(capa.kernel * mask)
    aplicar()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    return model.fit(x, y, batch_size=64, epochs=3, verbose=0,
                     callbacks=[keras.callbacks.LambdaCallback(on_train_batch_end=aplicar)])


def prepare_images(x):
    salida = np.zeros((len(x), 32, 32, 1), dtype=np.float32)
    salida[:, 2:30, 2:30, 0] = x / 255
    return salida
'''


def test_alternative_styles_get_full_marks(oficial):
    res = grade(variant(oficial, FUNCIONAL))
    assert total(res) == FULL, {k: m for k, (p, m) in res.items() if m}


def test_training_on_the_notebook_test_images_does_not_pass(oficial):
    import keras

    ns = dict(oficial)
    keras.utils.set_random_seed(0)
    ns["model"] = ns["build_lenet5"]()
    ns["train_lenet5"](ns["model"], ns["x_test"], ns["y_test"])
    res = grade(ns, only={"train_lenet5"})
    assert res["train_lenet5"][0] == 0 and "prueba reservada" in res["train_lenet5"][1]


def test_categorical_crossentropy_with_integer_labels_reports_the_real_error(oficial):
    # Su celda de entrenamiento lanza: `model` queda sin entrenar y `history` sin definir.
    ns = variant(oficial, '''
def train_lenet5(model, x, y):
    model.compile(optimizer="adam", loss="categorical_crossentropy", metrics=["accuracy"])
    return model.fit(x, y, epochs=3, batch_size=64, verbose=0)
''')
    ns.pop("history")
    ns["model"] = ns["build_lenet5"]()
    msg = grade(ns, only={"train_lenet5"})["train_lenet5"][1]
    assert "lanzó un error" in msg and "sparse_categorical_crossentropy" in msg and "Todavía no completaste" not in msg


def test_mask_applied_only_before_training_is_caught(oficial):
    ns = variant(oficial, '''
def train_masked(model, mask, x, y):
    c3 = model.get_layer("C3")
    c3.kernel.assign(c3.kernel * mask)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model.fit(x, y, epochs=3, batch_size=64, verbose=0)
''')
    msg = grade(ns, only={"lenet5_clasica"})["lenet5_clasica"][1]
    assert "fuera de la tabla I" in msg and "después de cada paso" in msg


def test_classic_model_without_the_mask_loses_its_points(oficial):
    import keras

    ns = dict(oficial)
    keras.utils.set_random_seed(0)
    sin_mascara = ns["build_lenet5_classic"]()
    sin_mascara.set_weights(ns["model_clasico"].get_weights())
    c3 = sin_mascara.get_layer("C3")
    c3.kernel.assign(c3.kernel + 0.01)                 # pesos fuera de la tabla
    ns["model_clasico"] = sin_mascara
    msg = grade(ns, only={"lenet5_clasica"})["lenet5_clasica"][1]
    assert "fuera de la tabla I" in msg


def test_table_instead_of_kernel_shaped_mask_gets_a_shape_message(oficial):
    ns = variant(oficial, '''
def c3_mask(table, n_in=6, f=5):
    return np.array([[float(i in fila) for fila in table] for i in range(n_in)])
''')
    msg = grade(ns, only={"c3_mask"})["c3_mask"][1]
    assert "(5, 5, 6, 16)" in msg


@pytest.mark.parametrize("umbral, medidas", [("UMBRAL_MODERNA", "MEDIDAS_MODERNA"), ("UMBRAL_CLASICA", "MEDIDAS_CLASICA")])
def test_thresholds_have_a_margin_larger_than_the_seed_spread(umbral, medidas):
    from grader.labs import lab05

    m = np.array(getattr(lab05, medidas))
    assert len(m) >= 5 and m.min() - getattr(lab05, umbral) > m.max() - m.min()
