"""Laboratorio 3 con el contrato sonda/juez: la solución oficial, otros estilos y errores típicos.

Las celdas del cuaderno fuente se ejecutan una sola vez (un entrenamiento) en un espacio
de nombres; las variantes cambian solo la celda de su ejercicio sobre una copia, sin
volver a entrenar, y cada comprobación corre como en el cuaderno (sonda,
``encode``/``decode`` y juez).
"""

import functools

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import _labs  # noqa: E402
from grader import api  # noqa: E402
from utils import notebooks  # noqa: E402

LAB = "lab03"
PATH = notebooks.ROOT / "labs" / "lab03_mlp_keras.ipynb"
SKIP = {"preparacion", "curvas", "matriz"}
FULL = 10
grade = functools.partial(_labs.grade, LAB)
total = _labs.total


@pytest.fixture(scope="module")
def oficial():
    return _labs.namespace(PATH, SKIP)


def variant(oficial, exercise, code, swallow=False):
    """Copia de ``oficial`` con la solución de ``exercise`` cambiada por ``code`` (sin reentrenar)."""
    ns = dict(oficial)
    cell = next(c for c in _labs.code_cells(PATH, SKIP)
                if c.get("metadata", {}).get("curso", {}).get("ejercicio") == exercise)
    _labs.run(ns, notebooks.replace_solutions(notebooks._source(cell), code), exercise, swallow=swallow)
    return ns


def test_points_live_in_the_definitions_and_match_the_notebook():
    nb = notebooks.load(PATH)
    checks = notebooks.exercise_cells(nb)
    exs = api.exercises(LAB)
    assert {n: info["puntos"] for n, info in checks.items()} == {n: e.points for n, e in exs.items()}
    assert sum(e.points for e in exs.values()) == FULL
    for name, info in checks.items():
        assert f'check("{LAB}", "{name}")' in notebooks._source(nb["cells"][info["celda"]])


def test_source_gets_full_marks(oficial):
    res = grade(oficial)
    assert total(res) == FULL, {k: m for k, (p, m) in res.items() if m}


def test_in_notebook_check_prints_the_points(oficial, monkeypatch, capsys):
    monkeypatch.setattr(api, "_main_namespace", lambda: oficial)
    api.check(LAB, "predecir")
    out = capsys.readouterr().out
    assert "que el cuaderno no carga" in out and "✔ Ejercicio «predecir» correcto (+2 puntos)." in out


@pytest.mark.parametrize("exercise", ["build_model", "train_model", "predecir", "confusion_matrix_np", "precision_recall_np"])
def test_each_wrong_answer_fails_only_its_own_check(oficial, exercise):
    wrong = _labs.wrong_answer(PATH, exercise)
    res = grade(variant(oficial, exercise, wrong))
    assert {k for k, (p, _) in res.items() if p == 0} == {exercise}, res


def test_student_copy_gets_zero(oficial):
    res = grade(_labs.namespace(PATH, SKIP, student=True))
    assert total(res) == 0
    assert "Todavía no completaste `build_model`" in res["build_model"][1]


FUNCIONAL = '''
entrada = keras.Input((784,))
h1 = keras.layers.Dropout(0.3)(keras.layers.Dense(128, activation="relu")(entrada))
h2 = keras.layers.Dropout(rate=0.3)(keras.layers.Dense(64, activation="relu")(h1))
return keras.Model(entrada, keras.layers.Dense(10, activation="softmax")(h2))
'''

ENTRENAR_OTRO_ESTILO = '''
parar = keras.callbacks.EarlyStopping("val_loss", 0, 3, restore_best_weights=True)
model.compile(keras.optimizers.Adam(0.001), keras.losses.SparseCategoricalCrossentropy(), metrics=["accuracy"])
historia = model.fit(x=x_train, y=y_train, batch_size=64, epochs=60, verbose=0,
                     validation_data=[x_val, y_val], callbacks=[parar])
return historia
'''

CONFUSION_LISTAS = '''
cm = [[0] * n_classes for _ in range(n_classes)]
for k in range(len(y_true)):
    cm[int(y_true[k])][int(y_pred[k])] += 1
return np.array(cm)
'''

CONFUSION_VECTORIZADA = '''
cm = np.zeros((n_classes, n_classes), dtype=np.int64)
np.add.at(cm, (y_true, y_pred), 1)
return cm
'''

PRECISION_LISTAS = '''
k = len(cm)
precision = [cm[c][c] / sum(cm[r][c] for r in range(k)) for c in range(k)]
recall = [cm[c][c] / sum(cm[c]) for c in range(k)]
return np.array(precision), np.array(recall)
'''

PREDECIR_OTRO = '''
y_pred = np.argmax(model(x_test, training=False), axis=-1)
test_acc = (y_pred == y_test).mean()
'''


@pytest.mark.parametrize("cambios", [
    {"build_model": FUNCIONAL, "train_model": ENTRENAR_OTRO_ESTILO, "confusion_matrix_np": CONFUSION_LISTAS,
     "precision_recall_np": PRECISION_LISTAS},
    {"confusion_matrix_np": CONFUSION_VECTORIZADA, "predecir": PREDECIR_OTRO},
], ids=["funcional-listas", "vectorizada"])
def test_alternative_styles_get_full_marks(oficial, cambios):
    ns = dict(oficial)
    for exercise, code in cambios.items():
        ns = variant(ns, exercise, code)
    res = grade(ns)
    assert total(res) == FULL, {k: m for k, (p, m) in res.items() if m}


def test_argmax_axis0_names_the_real_mistake(oficial):
    # La celda del estudiante lanza (difusión de (10,) con (5000,)): y_pred queda definida, test_acc no.
    ns = dict(oficial)
    ns.pop("test_acc")
    ns = variant(ns, "predecir", "y_pred = model.predict(x_test, verbose=0).argmax(axis=0)\n"
                                 "test_acc = float(np.mean(y_pred == y_test))", swallow=True)
    res = grade(ns)
    assert res["predecir"][0] == 0 and "argmax(axis=0)" in res["predecir"][1]
    assert "Todavía no completaste" not in res["predecir"][1]


def test_validation_on_the_test_set_inside_train_model(oficial):
    code = '''
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
parada = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, restore_best_weights=True)
return model.fit(x_train, y_train, validation_data=(x_test, y_test), epochs=60, batch_size=64,
                 callbacks=[parada], verbose=0)
'''
    res = grade(variant(oficial, "train_model", code))
    assert res["train_model"][0] == 0
    msg = res["train_model"][1]
    assert "Validas con x_test" in msg and "restore_best_weights" not in msg


def _history_for(ns, x, y, n_epochs, best):
    """Una curva de validación que termina en la pérdida real del modelo de ``ns`` sobre (x, y)."""
    p = np.asarray(ns["model"].predict(x, verbose=0), dtype=np.float64)
    final = float(np.mean(-np.log(np.clip(p[np.arange(len(y)), y], 1e-7, 1.0))))
    curva = [final + 0.05 * (best - e) for e in range(best + 1)] + [final + 0.01 * (k + 1) for k in range(n_epochs - best - 1)]
    return {"loss": curva, "val_loss": curva, "accuracy": [0.8] * n_epochs, "val_accuracy": [0.8] * n_epochs}


def test_validation_on_the_test_set_in_the_training_cell(oficial):
    # train_model está bien, pero la celda de entrenamiento le pasó x_test como validación.
    ns = dict(oficial)
    ns["h"] = _history_for(ns, ns["x_test"], ns["y_test"], 12, 8)
    res = grade(ns)
    assert res["train_model"][0] == 0 and "validaste con la prueba" in res["train_model"][1]


def test_a_run_that_never_stops_is_accepted_if_validation_kept_improving(oficial):
    # Issue 20: en una GPU la pérdida de validación puede bajar las 60 épocas; eso no es un error.
    ns = dict(oficial)
    ns["h"] = _history_for(ns, ns["x_val"], ns["y_val"], 60, 59)
    assert grade(ns)["train_model"][0] == 2
    ns["h"] = _history_for(ns, ns["x_val"], ns["y_val"], 12, 6)      # paró 5 épocas después de la mejor
    res = grade(ns)
    assert res["train_model"][0] == 0 and "habría parado en la época 10" in res["train_model"][1]


@pytest.mark.parametrize("cambio, texto", [
    ('parada = keras.callbacks.EarlyStopping(monitor="val_accuracy", patience=3, restore_best_weights=True)', "val_accuracy"),
    ('parada = keras.callbacks.EarlyStopping(monitor="val_loss", patience=5, restore_best_weights=True)', "patience=5"),
    ('parada = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3)', "restaura los mejores pesos"),
])
def test_callback_configuration_mistakes_get_their_messages(oficial, cambio, texto):
    code = f'''
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-3),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
{cambio}
return model.fit(x_train, y_train, validation_data=(x_val, y_val), epochs=60, batch_size=64,
                 callbacks=[parada], verbose=0)
'''
    res = grade(variant(oficial, "train_model", code))
    assert res["train_model"][0] == 0 and texto in res["train_model"][1]


def test_threshold_has_a_margin_larger_than_the_seed_spread():
    from grader.labs import lab03

    m = np.array(lab03.MEDIDAS)
    assert len(m) >= 5 and m.min() - lab03.UMBRAL > m.max() - m.min()
