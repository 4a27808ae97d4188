"""Laboratorio 6 como lo vive un estudiante: comprobaciones justas y mensajes que nombran la causa.

Un solo núcleo ejecuta el laboratorio fuente (todas las comprobaciones deben pasar,
y se mide el tiempo); después, en ese mismo núcleo, se redefinen las funciones con
soluciones alternativas (otro estilo, otro orden de capas, modelos anidados) y con
errores típicos, y se llama a ``check`` como lo haría la celda de comprobación.
Lo que se entrena es poco (dos épocas del ejercicio 5, dos veces).
"""

import pytest

import _labs
from _labs import outputs as _outputs
from _labs import solution_cells as _solution_cells
from utils import notebooks

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")

ROOT = notebooks.ROOT
LAB = ROOT / "labs" / "lab06_inception_resnet.ipynb"
PRESUPUESTO_S = 150   # el presupuesto es 60 s en una máquina quieta de 2 núcleos; aquí hay margen para la carga


@pytest.fixture(scope="module")
def lab():
    # Cada prueba que cambia `model` lo restaura con `_modelo_oficial`.
    with _labs.kernel_session(LAB, "lab06", "_modelo_oficial = model") as sesion:
        yield sesion


def test_source_gets_full_marks_in_the_notebook(lab):
    from grader.api import exercises

    nb = lab["nb"]
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not _outputs(cell)[1], f"la celda {cell.id} falló: {_outputs(cell)[1]}"
    checks = [c for c in nb.cells if "comprueba" in c.metadata.get("curso", {})]
    registro = exercises("lab06")
    assert [c.metadata["curso"]["comprueba"] for c in checks] == list(registro)
    for cell in checks:
        name = cell.metadata["curso"]["comprueba"]
        assert cell.metadata["curso"]["puntos"] == registro[name].points
        assert f"✔ Ejercicio «{name}» correcto" in _outputs(cell)[0]
    assert sum(e.points for e in registro.values()) == 10


def test_budget_and_no_english_logs(lab):
    print(f"laboratorio 6 ejecutado en {lab['segundos']:.1f} s (con la máquina compartida)")
    assert lab["segundos"] < PRESUPUESTO_S
    for cell in lab["nb"].cells:
        texto = _outputs(cell)[0] if cell.cell_type == "code" else ""
        assert "Epoch" not in texto and "/step" not in texto, f"registro de Keras en inglés en {cell.id}"
        assert "/work" not in texto and "/root" not in texto and "/tmp" not in texto


def test_each_wrong_answer_fails_its_own_check(lab):
    k = lab["k"]
    for name, cell in _solution_cells(lab["nb"]).items():
        mala = notebooks.replace_solutions(cell.source, cell.metadata["curso"]["incorrecta"])
        _, error = k.run(mala)
        assert error is None, error
        texto, error = k.check(name)
        assert error and error[0] == "CheckFailed", f"la respuesta incorrecta de «{name}» pasó: {texto}"
        k.run("model = _modelo_oficial" if name == "resnet_fashion" else cell.source)
    assert k.check("resnet_fashion")[1] is None


# --- Soluciones correctas en otros estilos -------------------------------------

ALTERNATIVAS = {
    "inception_module": '''
def inception_module(x, f1, f3_reduce, f3, f5_reduce, f5, pool_proj):
    L = keras.layers
    # Ramas como Sequential anidados, creadas en otro orden y con ReLU en capas aparte.
    pool = keras.Sequential([L.MaxPooling2D(pool_size=(3, 3), strides=(1, 1), padding="same"),
                             L.Conv2D(pool_proj, (1, 1)), L.ReLU()], name="rama_pool")
    cinco = keras.Sequential([L.Conv2D(f5_reduce, 1), L.Activation("relu"),
                              L.Conv2D(f5, 5, padding="same"), L.Activation("relu")])
    tres = keras.Sequential([L.Conv2D(f3_reduce, 1, activation="relu"), L.Conv2D(f3, 3, padding="same"), L.ReLU()])
    uno = L.Conv2D(f1, 1, activation="relu", name="uno")
    return L.Concatenate(axis=3)([uno(x), tres(x), cinco(x), pool(x)])
''',
    "identity_block": '''
def identity_block(x):
    canales = int(x.shape[3])
    F = keras.Sequential([keras.layers.Conv2D(canales, (3, 3), padding="same"), keras.layers.ReLU(),
                          keras.layers.Conv2D(canales, (3, 3), padding="same")], name="F")
    return keras.layers.Activation("relu")(keras.layers.Add()([F(x), x]))
''',
    "projection_block": '''
def projection_block(x, filters, stride):
    L = keras.layers
    atajo = L.Conv2D(filters, kernel_size=1, strides=(stride, stride), name="proyeccion")   # primero el atajo
    segunda = L.Conv2D(filters, kernel_size=3, padding="same", name="segunda")
    primera = L.Conv2D(filters, kernel_size=3, strides=stride, padding="same", name="primera")
    suma = L.Add()([segunda(L.ReLU()(primera(x))), atajo(x)])
    return L.ReLU()(suma)
''',
    "option_a_block": '''
def option_a_block(x, filters, stride):
    L = keras.layers
    c = x.shape[-1]
    rama = keras.Sequential([L.Conv2D(filters, 3, strides=stride, padding="same", activation="relu"),
                             L.Conv2D(filters, 3, padding="same")])
    sub = L.AveragePooling2D(pool_size=1, strides=stride)(x)       # promedio de un solo píxel = elegirlo
    if filters > c:
        sub = L.Permute((3, 1, 2))(sub)                            # (canales, alto, ancho)
        sub = L.ZeroPadding2D(((0, filters - c), (0, 0)))(sub)    # ceros al final del eje de canales
        sub = L.Permute((2, 3, 1))(sub)
    return L.ReLU()(L.Add()([rama(x), sub]))
''',
}

ALTERNATIVAS_2 = {
    "inception_module": '''
def inception_module(x, f1, f3_reduce, f3, f5_reduce, f5, pool_proj):
    from keras import layers as capas
    relu = lambda t: capas.Activation(keras.activations.relu)(t)
    b1 = relu(capas.Conv2D(f1, 1, name="b1")(x))
    b2 = relu(capas.Conv2D(f3, 3, padding="same")(relu(capas.Conv2D(f3_reduce, 1)(x))))
    b3 = relu(capas.Conv2D(f5, 5, padding="same")(relu(capas.Conv2D(f5_reduce, 1)(x))))
    b4 = relu(capas.Conv2D(pool_proj, 1)(capas.MaxPool2D(3, 1, padding="same")(x)))
    return capas.concatenate([b1, b2, b3, b4], axis=-1)
''',
    "identity_block": '''
def identity_block(x):
    c = x.shape[-1]
    entrada = keras.Input(x.shape[1:])
    f = keras.layers.Conv2D(c, 3, padding="same")(keras.layers.Conv2D(c, 3, padding="same", activation="relu")(entrada))
    F = keras.Model(entrada, f, name="residuo")       # la rama como un modelo funcional anidado
    return keras.layers.ReLU()(keras.layers.add([x, F(x)]))
''',
    "projection_block": '''
def projection_block(x, filters, stride):
    principal = keras.Sequential([
        keras.layers.Conv2D(filters, 3, strides=stride, padding="same"),
        keras.layers.Activation("relu"),
        keras.layers.Conv2D(filters, 3, padding="same"),
    ])
    atajo = keras.Sequential([keras.layers.Conv2D(filters, 1, strides=stride, padding="valid")])
    return keras.layers.Activation("relu")(keras.layers.Add()([principal(x), atajo(x)]))
''',
}


ALTERNATIVA_A_CONCAT = '''
def option_a_block(x, filters, stride):
    c = x.shape[-1]
    y = keras.layers.Conv2D(filters, 3, strides=stride, padding="same")(x)
    y = keras.layers.Conv2D(filters, 3, padding="same")(keras.layers.ReLU()(y))
    sub = keras.layers.MaxPooling2D(1, strides=stride)(x)
    if filters > c:   # canales en cero: una 1×1 sin sesgo, con núcleo cero y congelada
        ceros = keras.layers.Conv2D(filters - c, 1, use_bias=False, kernel_initializer="zeros", trainable=False)(sub)
        sub = keras.layers.Concatenate()([sub, ceros])
    return keras.layers.ReLU()(keras.layers.Add()([y, sub]))
'''


@pytest.mark.parametrize("alternativas,name", [(a, n) for a in ("1", "2")
                                                for n in sorted(ALTERNATIVAS if a == "1" else ALTERNATIVAS_2)])
def test_alternative_blocks_get_full_marks(lab, alternativas, name):
    k = lab["k"]
    _, error = k.run((ALTERNATIVAS if alternativas == "1" else ALTERNATIVAS_2)[name])
    assert error is None, error
    texto, error = k.check(name)
    assert error is None, error
    assert f"✔ Ejercicio «{name}» correcto" in texto
    k.run(_solution_cells(lab["nb"])[name].source)


def test_option_a_with_a_frozen_zero_convolution_passes(lab):
    k = lab["k"]
    k.run(ALTERNATIVA_A_CONCAT)
    texto, error = k.check("option_a_block")
    assert error is None, error
    k.run(_solution_cells(lab["nb"])["option_a_block"].source)


def test_resnet_with_nested_models_and_other_layer_order_passes(lab):
    """Otro orden de creación de las capas (lo que el enunciado permite), modelos anidados y la opción A."""
    k = lab["k"]
    k.run(ALTERNATIVAS["identity_block"] + ALTERNATIVAS["option_a_block"])
    texto, error = k.run('''
keras.utils.set_random_seed(0)
tallo = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Conv2D(16, 3, padding="same", activation="relu"),
                          keras.layers.MaxPooling2D()], name="tallo")
e = keras.Input((28, 28, 1))
h = option_a_block(identity_block(tallo(e)), 32, 2)
cabeza = keras.Sequential([keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
model = keras.Model(e, cabeza(h))
model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=cfg["epochs"], batch_size=64, verbose=0)
''')
    assert error is None, error
    texto, error = k.check("resnet_fashion")
    assert error is None, error
    assert "✔ Ejercicio «resnet_fashion» correcto" in texto
    k.run("model = _modelo_oficial")
    for name in ("identity_block", "option_a_block"):
        k.run(_solution_cells(lab["nb"])[name].source)


# --- Errores típicos: pierden el ejercicio con un mensaje que nombra la causa ----

ERRORES = [
    ("identity_block", '''
def identity_block(x):
    c = x.shape[-1]
    y = keras.layers.Conv2D(2 * c, 3, padding="same", activation="relu")(x)
    y = keras.layers.Conv2D(2 * c, 3, padding="same")(y)
    return keras.layers.ReLU()(keras.layers.Add()([x, y]))
''', ["lanzó un error al aplicarla", "ValueError", "Pista: si Keras se queja de formas distintas al sumar"]),
    ("identity_block", '''
def identity_block(x):
    c = x.shape[-1]
    y = keras.layers.Conv2D(c, 3, padding="same", activation="relu")(x)
    y = keras.layers.Conv2D(c, 3, padding="same")(y)
    return keras.layers.ReLU()(x + y)
''', ["keras.layers.Add()"]),
    ("projection_block", '''
def projection_block(x, filters, stride):
    y = keras.layers.Conv2D(filters, 3, padding="same", activation="relu")(x)
    y = keras.layers.Conv2D(filters, 3, strides=stride, padding="same")(y)
    atajo = keras.layers.Conv2D(filters, 1, strides=stride)(x)
    return keras.layers.ReLU()(keras.layers.Add()([atajo, y]))
''', ["El paso va en la PRIMERA 3×3"]),
    ("option_a_block", '''
def option_a_block(x, filters, stride):
    y = keras.layers.Conv2D(filters, 3, strides=stride, padding="same", activation="relu")(x)
    y = keras.layers.Conv2D(filters, 3, padding="same")(y)
    atajo = keras.layers.Conv2D(filters, 1, strides=stride)(x)
    return keras.layers.ReLU()(keras.layers.Add()([atajo, y]))
''', ["opción B"]),
    ("option_a_block", '''
def option_a_block(x, filters, stride):
    c = x.shape[-1]
    y = keras.layers.Conv2D(filters, 3, strides=stride, padding="same", activation="relu")(x)
    y = keras.layers.Conv2D(filters, 3, padding="same")(y)
    atajo = keras.layers.AveragePooling2D(stride, padding="same")(x) if stride > 1 else x
    if filters > c:
        a, b = atajo.shape[1:3]
        atajo = keras.layers.Reshape((a, b, c, 1))(atajo)
        atajo = keras.layers.ZeroPadding3D(((0, 0), (0, 0), (0, filters - c)))(atajo)
        atajo = keras.layers.Reshape((a, b, filters))(atajo)
    return keras.layers.ReLU()(keras.layers.Add()([atajo, y]))
''', ["promediaste"]),
    ("inception_module", '''
def inception_module(x, f1, f3_reduce, f3, f5_reduce, f5, pool_proj):
    def conv(t, n, k):
        return keras.layers.Conv2D(n, k, padding="same", activation="relu")(t)
    pool = conv(keras.layers.MaxPooling2D(3, strides=1)(x), pool_proj, 1)
    return keras.layers.Concatenate()([conv(x, f1, 1), conv(conv(x, f3_reduce, 1), f3, 3),
                                       conv(conv(x, f5_reduce, 1), f5, 5), pool])
''', ["lanzó un error al aplicarla", "padding='same'"]),
]


@pytest.mark.parametrize("name,source,pieces", ERRORES, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(ERRORES)])
def test_typical_block_errors_name_the_cause(lab, name, source, pieces):
    k = lab["k"]
    _, error = k.run(source)
    assert error is None, error
    _, error = k.check(name)
    assert error and error[0] == "CheckFailed", f"el error típico de «{name}» pasó"
    for p in pieces:
        assert p in error[1], (p, error[1])
    k.run(_solution_cells(lab["nb"])[name].source)


def test_resnet_without_softmax_is_told_outputs_are_not_probabilities(lab):
    k = lab["k"]
    k.run('''
keras.utils.set_random_seed(0)
e = keras.Input(shape=(28, 28, 1))
h = keras.layers.MaxPooling2D(2)(keras.layers.Conv2D(16, 3, padding="same", activation="relu")(e))
h = projection_block(identity_block(h), 32, 2)
model = keras.Model(e, keras.layers.Dense(10)(keras.layers.Flatten()(h)))
''')
    _, error = k.check("resnet_fashion")
    assert error and error[0] == "CheckFailed"
    assert "no son probabilidades" in error[1] and "softmax" in error[1]
    k.run("model = _modelo_oficial")


def test_training_on_the_test_images_is_not_possible_and_fails(lab):
    """El cuaderno no carga las imágenes de prueba: `fit(x_test, …)` falla y el modelo sin entrenar no pasa."""
    k = lab["k"]
    fuente = _solution_cells(lab["nb"])["resnet_fashion"].source.replace("model.fit(x_train, y_train",
                                                                         "model.fit(x_test, y_test")
    assert "x_test" in fuente
    _, error = k.run(fuente)
    assert error and error[0] == "NameError" and "x_test" in error[1]
    _, error = k.check("resnet_fashion")
    assert error and error[0] == "CheckFailed" and "se pide al menos" in error[1]
    k.run("model = _modelo_oficial")


def test_student_copy_fails_every_check_with_unfinished_message(lab):
    """La versión del estudiante: cada comprobación dice que falta completar, sin trazas de Keras."""
    k = lab["k"]
    est = nbformat.reads((LAB.parent / notebooks.STUDENT_DIR / LAB.name).read_text(encoding="utf-8"), as_version=4)
    for cell in est.cells:
        if "ejercicio" in cell.metadata.get("curso", {}) and cell.metadata["curso"]["ejercicio"] != "resnet_fashion":
            k.run(cell.source)
            _, error = k.check(cell.metadata["curso"]["ejercicio"])
            assert error and error[0] == "CheckFailed" and "Todavía no completaste" in error[1], error
    k.run("del model")
    _, error = k.check("resnet_fashion")
    assert error and "Todavía no completaste el ejercicio 5" in error[1]
    k.run("model = _modelo_oficial")
    for name, cell in _solution_cells(lab["nb"]).items():
        if name != "resnet_fashion":
            k.run(cell.source)


def test_threshold_has_a_margin_larger_than_the_seed_spread():
    """Norma 8: 11 entrenamientos medidos (dos órdenes de creación de las capas) superan el umbral con margen."""
    import numpy as np

    from grader.labs import lab06

    m = np.array(lab06.MEDIDAS)
    assert len(m) >= 5 and m.min() > lab06.UMBRAL
    assert m.min() - lab06.UMBRAL > m.max() - m.min()
    assert m.mean() - lab06.UMBRAL > m.std(ddof=1)
