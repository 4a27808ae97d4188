"""Comprobaciones del laboratorio 3 (un MLP en Keras que no sobreajusta).

Los modelos de Keras cruzan la frontera solo como configuración y pesos
(``s.model`` o ``s.call_model``) y el juez los reconstruye con
``grader.api.rebuild_model``. La generalización se mide en la mitad de la
partición de prueba de Fashion-MNIST que el cuaderno no carga (las imágenes
5000 a 9999); las predicciones calificadas se comparan con las del modelo
calificado.
"""

import numpy as np

from grader.api import exercise

LAB = "lab03"
N_TEST_NOTEBOOK = 5000          # el cuaderno usa las primeras 5000 imágenes de prueba
UMBRAL = 0.80                   # exactitud mínima en las 5000 imágenes que el cuaderno no carga
# Exactitud de la solución oficial en esas imágenes con las semillas 0–5 (CPU). El umbral queda
# por debajo de la peor por más que la distancia entre la mejor y la peor (norma 8 de instructores.md).
MEDIDAS = (0.8480, 0.8456, 0.8492, 0.8462, 0.8328, 0.8582)


# ---------------------------------------------------------------------------
# Ayudas de la sonda (corren en el núcleo del estudiante)
# ---------------------------------------------------------------------------

class _Espia:
    """Un «modelo» que anota cómo lo compila y lo entrena ``train_model`` (sin entrenar nada)."""

    def __init__(self):
        self.notas = {"compile": None, "fit": None}

    def compile(self, *args, **kwargs):
        import inspect

        import keras

        b = inspect.signature(keras.Model.compile).bind(None, *args, **kwargs).arguments
        opt = b.get("optimizer", "rmsprop")
        loss = b.get("loss")
        self.notas["compile"] = {
            "optimizer": opt if isinstance(opt, str) else type(opt).__name__,
            "learning_rate": (float(keras.ops.convert_to_numpy(opt.learning_rate))
                              if hasattr(opt, "learning_rate") and not callable(opt.learning_rate) else None),
            "loss": loss if isinstance(loss, str) else getattr(loss, "name", type(loss).__name__),
            "metrics": [m if isinstance(m, str) else getattr(m, "name", type(m).__name__)
                        for m in (b.get("metrics") or [])],
        }

    def fit(self, *args, **kwargs):
        import inspect

        import keras

        b = inspect.signature(keras.Model.fit).bind(None, *args, **kwargs).arguments
        val = b.get("validation_data")
        callbacks = []
        for cb in b.get("callbacks") or []:
            callbacks.append({"tipo": type(cb).__name__,
                              "es_parada": isinstance(cb, keras.callbacks.EarlyStopping),
                              "monitor": getattr(cb, "monitor", None), "patience": getattr(cb, "patience", None),
                              "restore_best_weights": getattr(cb, "restore_best_weights", None),
                              "min_delta": float(abs(getattr(cb, "min_delta", 0.0) or 0.0)),
                              "start_from_epoch": getattr(cb, "start_from_epoch", 0)})
        self.notas["fit"] = {
            "x_es_train": b.get("x") is self.x_train,
            "val_es_val": isinstance(val, (tuple, list)) and len(val) >= 2 and val[0] is self.x_val and val[1] is self.y_val,
            "val_es_test": isinstance(val, (tuple, list)) and len(val) >= 2 and self.x_test is not None
                           and val[0] is self.x_test,
            "hay_validacion": val is not None or bool(b.get("validation_split")),
            "validation_split": b.get("validation_split", 0.0),
            "epochs": b.get("epochs", 1), "batch_size": b.get("batch_size"),
            "callbacks": callbacks,
        }
        historia = keras.callbacks.History()
        historia.history = {"loss": [1.0, 0.9], "accuracy": [0.5, 0.6], "val_loss": [1.0, 0.95],
                            "val_accuracy": [0.5, 0.55]}
        return historia

    def __getattr__(self, name):                 # summary(), count_params()…: no hacen nada
        return lambda *a, **k: None


def _spy_train(s):
    """Llama a ``train_model`` del estudiante con un espía en lugar del modelo y devuelve lo que anotó."""
    def run(f):
        espia = _Espia()
        ns = s._ns
        rng = np.random.default_rng(0)
        espia.x_train, espia.y_train = rng.random((8, 784), dtype=np.float32), rng.integers(0, 10, 8)
        espia.x_val, espia.y_val = rng.random((4, 784), dtype=np.float32), rng.integers(0, 10, 4)
        espia.x_test = ns.get("x_test") if isinstance(ns, dict) else None
        f(espia, espia.x_train, espia.y_train, espia.x_val, espia.y_val)
        return espia.notas
    return s.apply("train_model", run)


# ---------------------------------------------------------------------------
# Datos del juez (nunca los toma de la sonda)
# ---------------------------------------------------------------------------

def _fashion():
    from utils import data

    carpeta = data.keras_cache_dir() / "fashion-mnist"
    if all((carpeta / f).is_file() for f in data.FASHION_FILES):
        x, y, xt, yt = (data.read_idx(carpeta / f) for f in data.FASHION_FILES)
    else:
        (x, y), (xt, yt) = data.load_fashion_mnist()
    return x, y, xt, yt


def _validation():
    x, y, _, _ = _fashion()
    i_val = np.random.default_rng(0).permutation(len(x))[10000:11000]
    return x[i_val].reshape(-1, 784).astype("float32") / 255.0, y[i_val]


def _test_split():
    """(x_test del cuaderno, y_test del cuaderno, x reservado, y reservado)."""
    _, _, xt, yt = _fashion()
    xt = xt.reshape(-1, 784).astype("float32") / 255.0
    return xt[:N_TEST_NOTEBOOK], yt[:N_TEST_NOTEBOOK], xt[N_TEST_NOTEBOOK:], yt[N_TEST_NOTEBOOK:]


def _loss(model, x, y):
    """Entropía cruzada media con etiquetas enteras, como la calcula Keras (probabilidades recortadas)."""
    p = np.asarray(model.predict(x, batch_size=1000, verbose=0), dtype=np.float64)
    return float(np.mean(-np.log(np.clip(p[np.arange(len(y)), y], 1e-7, 1.0))))


# ---------------------------------------------------------------------------
# Ejercicio 1 · build_model
# ---------------------------------------------------------------------------

@exercise(LAB, "build_model", points=2)
def build_model_probe(s):
    return s.call_model("build_model")


def _check_architecture(model, c):
    import keras

    from utils.counting import group_digits

    capas = [x for x in model.layers if not isinstance(x, keras.layers.InputLayer)]
    tipos = [type(x).__name__ for x in capas]
    esperado = ["Dense", "Dropout", "Dense", "Dropout", "Dense"]
    c.check_true(tipos.count("Dropout") == 2,
                 f"Tu modelo tiene las capas {tipos}; faltan las dos capas Dropout(0.3) después de cada capa oculta. "
                 "count_params no lo delata (Dropout no tiene parámetros), pero sin ellas la red sobreajusta más.")
    c.check_true(tipos == esperado, f"Las capas deben ser {esperado}, en ese orden; tu modelo tiene {tipos}.")
    try:
        forma = tuple(model.inputs[0].shape[1:])
    except Exception:  # noqa: BLE001 - un modelo sin entrada declarada no tiene `inputs`
        forma = None
    c.check_true(forma == (784,),
                 f"La entrada debe ser keras.Input(shape=(784,)): un vector de píxeles por imagen; tu modelo tiene {forma}.")
    for capa, n, act in zip(capas[::2], (128, 64, 10), ("relu", "relu", "softmax")):
        c.check_true(capa.units == n, f"Una capa Dense tiene {capa.units} neuronas y debería tener {n}.")
        c.check_true(capa.activation.__name__ == act,
                     f"La capa Dense de {n} neuronas tiene activación {capa.activation.__name__!r} y debería tener {act!r}."
                     + (" La salida necesita softmax para que `sparse_categorical_crossentropy` reciba probabilidades."
                        if act == "softmax" else ""))
    for capa in capas[1::2]:
        c.check_close(capa.rate, 0.3, what="la tasa de cada Dropout", hint="Usa keras.layers.Dropout(0.3).")
    n_params = 784 * 128 + 128 + 128 * 64 + 64 + 64 * 10 + 10
    c.check_true(model.count_params() == n_params,
                 f"El modelo tiene {group_digits(model.count_params())} parámetros y debería tener {group_digits(n_params)}.")
    return n_params


@build_model_probe.judge
def build_model_judge(d):
    from grader.api import rebuild_model
    from utils import checks as c
    from utils.counting import group_digits

    d = c.ok(d, "build_model", "build_model() debe devolver keras.Sequential([...]) o keras.Model(entradas, salidas).")
    rec = d["modelo"]
    if type(rec) is dict and "__tipo__" in rec:
        c.check_true(False, f"build_model debe devolver un modelo de Keras; devolvió {rec['__tipo__']}. ¿Te falta el `return`?")
    c.check_true(d["nuevo"] is True,
                 "build_model debe crear un modelo NUEVO en cada llamada (constrúyelo dentro de la función).")
    n = _check_architecture(rebuild_model(rec), c)
    print(f"Parámetros: {group_digits(n)} (784·128 + 128 + 128·64 + 64 + 64·10 + 10)")


# ---------------------------------------------------------------------------
# Ejercicio 2 · train_model: configuración (con un espía) y comportamiento (el entrenamiento real)
# ---------------------------------------------------------------------------

@exercise(LAB, "train_model", points=2)
def train_model_probe(s):
    return {"config": _spy_train(s), "h": s.value("h"), "modelo": s.model("model")}


def _simulated_stop(val_loss, patience=3, max_epochs=60):
    """Épocas que entrena ``EarlyStopping(monitor="val_loss", patience)`` ante esta curva (regla de Keras)."""
    best, wait = np.inf, 0
    for epoch, v in enumerate(val_loss):
        wait += 1
        if v < best:
            best, wait = v, 0
        elif wait >= patience and epoch > 0:
            return epoch + 1
    return min(len(val_loss), max_epochs)


_PARADA = "keras.callbacks.EarlyStopping(monitor='val_loss', patience=3, restore_best_weights=True)"


@train_model_probe.judge
def train_model_judge(d):
    from grader.api import rebuild_model
    from utils import checks as c

    cfg = c.ok(d["config"], "train_model", f"Compila el modelo y llama a model.fit(..., callbacks=[{_PARADA}]).")
    comp, fit = cfg["compile"], cfg["fit"]
    c.check_true(comp is not None, "train_model debe compilar el modelo con model.compile(...) antes de entrenarlo.")
    c.check_true(fit is not None, "train_model debe entrenar el modelo con model.fit(...) y devolver lo que devuelve.")
    c.check_true(comp["loss"] == "sparse_categorical_crossentropy",
                 f"Compilaste con loss={comp['loss']!r}; las etiquetas son enteros 0–9, así que la pérdida es "
                 "'sparse_categorical_crossentropy'.")
    c.check_true("accuracy" in comp["metrics"] or "acc" in comp["metrics"],
                 "Compila con metrics=['accuracy'] para registrar la exactitud.")
    c.check_true(str(comp["optimizer"]).lower() == "adam",
                 f"El optimizador debe ser Adam (keras.optimizers.Adam(learning_rate=1e-3)); usaste {comp['optimizer']}.")
    if comp["learning_rate"] is not None:
        c.check_close(comp["learning_rate"], 1e-3, rtol=1e-4, what="la tasa de aprendizaje de Adam",
                      hint="keras.optimizers.Adam(learning_rate=1e-3).")
    c.check_true(not fit["val_es_test"],
                 "Validas con x_test: la parada anticipada elegiría la época mirando la prueba, y la exactitud de "
                 "prueba dejaría de ser una medida honesta. Usa validation_data=(x_val, y_val), los argumentos de train_model.")
    c.check_true(fit["hay_validacion"] and fit["val_es_val"],
                 "Pasa validation_data=(x_val, y_val) a model.fit, con los x_val e y_val que recibe train_model: la "
                 "parada anticipada vigila la pérdida de esa validación.")
    c.check_true(fit["x_es_train"], "Entrena con el x_train que recibe train_model: model.fit(x_train, y_train, ...).")
    paradas = [cb for cb in fit["callbacks"] if cb["es_parada"]]
    c.check_true(paradas, f"model.fit no recibe una parada anticipada: pasa callbacks=[{_PARADA}].")
    cb = paradas[0]
    c.check_true(cb["monitor"] == "val_loss",
                 f"Tu EarlyStopping vigila {cb['monitor']!r}; debe vigilar la pérdida de validación, monitor='val_loss'.")
    c.check_true(cb["patience"] == 3, f"Tu EarlyStopping tiene patience={cb['patience']}; se pide patience=3.")
    c.check_true(cb["restore_best_weights"] is True,
                 "Tu EarlyStopping no restaura los mejores pesos: sin restore_best_weights=True el modelo se queda con "
                 "los de la última época, que ya empezó a sobreajustar.")
    c.check_true(fit["epochs"] == 60, f"Entrena con epochs=60 (la parada anticipada decide cuándo parar); usaste {fit['epochs']}.")

    # El entrenamiento real del cuaderno: ¿se comportó como esa parada anticipada?
    h = c.ok(d["h"], "train_model", "Ejecuta la celda de entrenamiento (la que sigue a train_model) antes de esta comprobación.")
    c.check_true(type(h) is dict and "val_loss" in h and len(h["val_loss"]) > 0,
                 "`h` debe ser history.history, con la pérdida de validación de cada época (ejecuta la celda de entrenamiento).")
    val_loss = [float(v) for v in h["val_loss"]]
    n = len(val_loss)
    esperadas = _simulated_stop(val_loss)
    c.check_true(n == esperadas,
                 f"El entrenamiento duró {n} épocas, pero con esa curva de validación EarlyStopping(monitor='val_loss', "
                 f"patience=3) habría parado en la época {esperadas}. ¿Entrenaste con otra llamada a fit, o con otros "
                 "argumentos que los de train_model?")
    modelo = rebuild_model(c.ok(d["modelo"], "train_model"))
    x_val, y_val = _validation()
    final = _loss(modelo, x_val, y_val)
    if not np.isclose(final, min(val_loss), rtol=2e-3, atol=1e-4):
        x_t, y_t, _, _ = _test_split()
        c.check_true(not np.isclose(_loss(modelo, x_t, y_t), min(val_loss), rtol=2e-3, atol=1e-4),
                     "La pérdida de validación registrada es la de x_test, no la de x_val: validaste con la prueba. "
                     "La celda de entrenamiento debe llamar a train_model(model, x_train, y_train, x_val, y_val).")
        c.check_close(final, min(val_loss), rtol=2e-3, atol=1e-4, what="la pérdida de validación del modelo final",
                      hint="`model` debe ser el modelo que entrenó train_model, con los pesos de su mejor época "
                           "(restore_best_weights=True).")
    mejor = int(np.argmin(val_loss))
    print(f"El modelo final tiene la pérdida de validación de su mejor época ({final:.4f}, época {mejor + 1} de {n}).")


# ---------------------------------------------------------------------------
# Ejercicio 3 · predicciones y exactitud (en imágenes que el cuaderno no carga)
# ---------------------------------------------------------------------------

@exercise(LAB, "predecir", points=2)
def predecir_probe(s):
    return {"y_pred": s.value("y_pred"), "test_acc": s.value("test_acc"), "modelo": s.model("model")}


@predecir_probe.judge
def predecir_judge(d):
    from grader.api import rebuild_model
    from utils import checks as c
    from utils.counting import group_digits

    x_t, y_t, x_r, y_r = _test_split()
    c.check_true(not (type(d["y_pred"]) is dict and "__falta__" in d["y_pred"]),
                 "Todavía no completaste el ejercicio 3: tu celda debe definir y_pred y test_acc. Si la celda lanzó "
                 "un error, léelo arriba: la causa está ahí.")
    pred = c.ok(d["y_pred"], "predecir", "y_pred = model.predict(x_test, verbose=0).argmax(axis=1).")
    c.check_true(type(pred) in (np.ndarray, list, tuple), "y_pred debe ser un arreglo de NumPy con una clase por imagen.")
    pred = np.asarray(pred)
    if pred.shape == (10,):
        c.check_true(False, "y_pred tiene forma (10,): tomaste argmax(axis=0), el máximo de cada COLUMNA (una por "
                            "clase). Cada fila es una imagen: usa argmax(axis=1).")
    c.check_true(pred.shape != (len(y_t), 10),
                 f"y_pred tiene forma {pred.shape}: son las probabilidades de model.predict. Elige la clase de cada "
                 "imagen con argmax(axis=1).")
    c.check_true(pred.shape == y_t.shape,
                 f"y_pred debe tener una clase por imagen de prueba, forma {y_t.shape}; tiene forma {pred.shape}.")
    c.check_true(np.issubdtype(pred.dtype, np.number) and np.all(pred == np.round(pred)) and pred.min() >= 0
                 and pred.max() <= 9, "y_pred debe contener clases enteras entre 0 y 9, no probabilidades.")
    modelo = rebuild_model(c.ok(d["modelo"], "predecir"))
    referencia = np.asarray(modelo.predict(x_t, batch_size=1000, verbose=0)).argmax(axis=1)
    c.check_true(np.mean(pred == referencia) > 0.999,
                 "y_pred no coincide con las clases que predice tu `model` entrenado (argmax de model.predict(x_test)).")
    c.check_true(not (type(d["test_acc"]) is dict and "__falta__" in d["test_acc"]),
                 "Tu celda del ejercicio 3 no llegó a definir `test_acc`: si lanzó un error, léelo arriba. "
                 "test_acc = float(np.mean(y_pred == y_test)).")
    test_acc = c.ok(d["test_acc"], "predecir",
                    "test_acc = float(np.mean(y_pred == y_test)); si su celda lanzó un error, léelo y corrígelo.")
    c.check_true(type(test_acc) in (int, float) or (type(test_acc) is np.ndarray and test_acc.ndim == 0),
                 "test_acc debe ser un número: la fracción de aciertos, np.mean(y_pred == y_test).")
    c.check_close(test_acc, np.mean(pred == y_t), what="test_acc", hint="Es la fracción de aciertos: np.mean(y_pred == y_test).")
    pred_r = np.asarray(modelo.predict(x_r, batch_size=1000, verbose=0)).argmax(axis=1)
    reservada = float(np.mean(pred_r == y_r))
    print(f"Exactitud de tu modelo en {group_digits(len(y_r))} imágenes de prueba que el cuaderno no carga: "
          f"{reservada:.4f} (se pide al menos {UMBRAL:.2f})")
    c.check_true(reservada >= UMBRAL,
                 f"La exactitud en las imágenes de prueba reservadas es {reservada:.4f}; se pide al menos {UMBRAL:.2f}. Revisa la "
                 "arquitectura del ejercicio 1 y que train_model restaure los mejores pesos.")


# ---------------------------------------------------------------------------
# Ejercicio 4 · confusion_matrix_np
# ---------------------------------------------------------------------------

def _cm_cases():
    rng = np.random.default_rng(3)
    casos = []
    for k, m in [(3, 12), (10, 400)]:
        t = rng.integers(0, k, size=m)
        p = np.where(rng.uniform(size=m) < 0.5, t, rng.integers(0, k, size=m))
        casos.append((k, m, t, p))
    return casos


_CM_HINT = "Suma 1 en cm[verdadera, predicha] por cada par de zip(y_true, y_pred)."


@exercise(LAB, "confusion_matrix_np", points=2)
def confusion_matrix_np_probe(s):
    return {"casos": [s.call("confusion_matrix_np", t, p, k) for k, _, t, p in _cm_cases()],
            "ausente": s.call("confusion_matrix_np", np.array([0, 1]), np.array([1, 1]), 4)}


@confusion_matrix_np_probe.judge
def confusion_matrix_np_judge(d):
    from sklearn.metrics import confusion_matrix as cm_sklearn

    from utils import checks as c

    for (k, m, t, p), cm in zip(_cm_cases(), d["casos"]):
        esperada = cm_sklearn(t, p, labels=np.arange(k))
        cm = c.ok(cm, "confusion_matrix_np", _CM_HINT)
        c.check_true(cm is not None, "confusion_matrix_np devolvió None. ¿Te falta el `return`?")
        cm = np.asarray(cm)
        c.check_true(cm.shape == (k, k), f"Con n_classes = {k} la matriz debe ser ({k}, {k}); es {cm.shape}.")
        c.check_true(cm.sum() == m, f"La matriz debe contar cada ejemplo una vez: suma {cm.sum()} y hay {m} ejemplos.")
        c.check_true(not (np.array_equal(cm, esperada.T) and not np.array_equal(esperada, esperada.T)),
                     "Tu matriz está traspuesta: las filas deben ser la clase VERDADERA y las columnas la PREDICHA "
                     "(cm[verdadera, predicha] += 1), como en sklearn.")
        c.check_close(cm, esperada, what=f"la matriz de confusión con {k} clases (comparada con sklearn)", hint=_CM_HINT)
    cm = np.asarray(c.ok(d["ausente"], "confusion_matrix_np", _CM_HINT))
    c.check_true(cm.shape == (4, 4),
                 f"Con n_classes = 4 la matriz debe ser (4, 4) aunque solo aparezcan las clases 0 y 1; es {cm.shape}.")


# ---------------------------------------------------------------------------
# Ejercicio 5 · precision_recall_np
# ---------------------------------------------------------------------------

def _pr_cases():
    from sklearn.metrics import confusion_matrix as cm_sklearn

    rng = np.random.default_rng(5)
    casos = []
    for k, m in [(2, 60), (10, 1000)]:
        t = rng.integers(0, k, size=m)
        p = np.where(rng.uniform(size=m) < 0.6, t, rng.integers(0, k, size=m))
        casos.append((k, t, p, cm_sklearn(t, p, labels=np.arange(k))))
    return casos


def _pr_matrices():
    """Las matrices de confusión de prueba, sin sklearn (la sonda no lo necesita)."""
    rng = np.random.default_rng(5)
    out = []
    for k, m in [(2, 60), (10, 1000)]:
        t = rng.integers(0, k, size=m)
        p = np.where(rng.uniform(size=m) < 0.6, t, rng.integers(0, k, size=m))
        cm = np.zeros((k, k), dtype=np.int64)
        np.add.at(cm, (t, p), 1)
        out.append(cm)
    return out


@exercise(LAB, "precision_recall_np", points=2)
def precision_recall_np_probe(s):
    return {"casos": [s.call("precision_recall_np", cm) for cm in _pr_matrices()]}


@precision_recall_np_probe.judge
def precision_recall_np_judge(d):
    from sklearn.metrics import precision_score, recall_score

    from utils import checks as c

    for (k, t, p, cm), res in zip(_pr_cases(), d["casos"]):
        res = c.ok(res, "precision_recall_np", "precision = np.diag(cm) / cm.sum(axis=0); recall = np.diag(cm) / cm.sum(axis=1).")
        c.check_true(type(res) in (tuple, list) and len(res) == 2,
                     "precision_recall_np debe devolver una tupla de dos arreglos: return precision, recall")
        p_ref = precision_score(t, p, average=None, labels=np.arange(k))
        r_ref = recall_score(t, p, average=None, labels=np.arange(k))
        p_est, r_est = (np.asarray(v, dtype=float) for v in res)
        c.check_true(not (p_est.shape == r_ref.shape and r_est.shape == p_ref.shape and np.allclose(p_est, r_ref)
                          and np.allclose(r_est, p_ref) and not np.allclose(p_ref, r_ref)),
                     "Intercambiaste los ejes: la precisión divide por la suma de la COLUMNA (lo que el modelo predijo "
                     "como c, axis=0) y la exhaustividad por la de la FILA (lo que de verdad es c, axis=1).")
        c.check_close(p_est, p_ref, what=f"la precisión con {k} clases (comparada con sklearn.metrics.precision_score)",
                      hint="precisión_c = cm[c, c] / suma de la columna c.")
        c.check_close(r_est, r_ref, what=f"la exhaustividad con {k} clases (comparada con sklearn.metrics.recall_score)",
                      hint="exhaustividad_c = cm[c, c] / suma de la fila c.")
