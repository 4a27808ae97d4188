"""Comprobaciones del laboratorio 5 (LeNet-5 en Keras: la moderna y la de 1998 con su tabla de conexiones).

Los modelos cruzan la frontera como configuración y pesos y el juez los
reconstruye con ``grader.api.rebuild_model``. La exactitud se mide en la
segunda mitad de la partición de prueba, que el cuaderno no carga: entrenar con
las imágenes de prueba del cuaderno no ayuda a pasar.
"""

import numpy as np

from grader.api import exercise

LAB = "lab05"
UMBRAL_MODERNA = 0.92   # exactitud mínima en la prueba reservada
UMBRAL_CLASICA = 0.90
# Exactitud de las soluciones oficiales en la prueba reservada (sin red: 1000 imágenes) con las
# semillas 0–4 (CPU). Cada umbral queda por debajo de la peor por más que la distancia entre la
# mejor y la peor (norma 8 de instructores.md).
MEDIDAS_MODERNA = (0.960, 0.952, 0.961, 0.950, 0.955)
MEDIDAS_CLASICA = (0.932, 0.935, 0.941, 0.925, 0.935)

# Tabla I de LeCun et al. (1998) y otra tabla cualquiera: la sonda las pasa como entradas.
_TABLA_I = ((0, 1, 2), (1, 2, 3), (2, 3, 4), (3, 4, 5), (0, 4, 5), (0, 1, 5),
            (0, 1, 2, 3), (1, 2, 3, 4), (2, 3, 4, 5), (0, 3, 4, 5), (0, 1, 4, 5), (0, 1, 2, 5),
            (0, 1, 3, 4), (1, 2, 4, 5), (0, 2, 3, 5), (0, 1, 2, 3, 4, 5))
_OTRA_TABLA = ((5,), (0, 2), (1, 3, 5), (4, 0), (2,), (0, 1, 2, 3, 4, 5), (3, 1))


# ---------------------------------------------------------------------------
# Datos del juez: la mitad de la prueba que el cuaderno no carga
# ---------------------------------------------------------------------------

def _prep(x):
    return (np.pad(x, ((0, 0), (2, 2), (2, 2))) / 255.0).astype("float32")[..., None]


def _reserved():
    """Imágenes de prueba reservadas (la segunda mitad), ya preparadas, y sus etiquetas."""
    from utils.data import load_mnist

    _, (x, y) = load_mnist(verbose=False)
    mitad = len(y) // 2
    return _prep(x[mitad:]), y[mitad:]


def _accuracy(model, x, y):
    p = np.asarray(model.predict(x, batch_size=500, verbose=0))
    return float(np.mean(p.argmax(axis=1) == y)), p


def _ref_mask(table, n_in=6, f=5):
    m = np.zeros((f, f, n_in, len(table)), dtype="float32")
    for j, entradas in enumerate(table):
        m[:, :, list(entradas), j] = 1.0
    return m


# ---------------------------------------------------------------------------
# Ejercicio 1 · prepare_images
# ---------------------------------------------------------------------------

def _imgs():
    return np.random.default_rng(1).integers(0, 256, size=(3, 28, 28), dtype=np.uint8)


@exercise(LAB, "prepare_images", points=1)
def prepare_images_probe(s):
    x = _imgs()
    res = s.call_inplace("prepare_images", x)
    return {"res": res["resultado"], "x_despues": res["args"][0]}


@prepare_images_probe.judge
def prepare_images_judge(d):
    from utils import checks as c

    x = _imgs()
    res = c.ok(d["res"], "prepare_images", "np.pad(x, ((0, 0), (2, 2), (2, 2))), dividir por 255.0 y agregar [..., None].")
    c.check_true(res is not None, "prepare_images devolvió None. ¿Te falta el `return`?")
    c.check_true(np.array_equal(d["x_despues"], x), "prepare_images modificó la entrada `x`; devuelve un arreglo nuevo.")
    res = np.asarray(res)
    c.check_true(res.shape != (3, 28, 28, 1),
                 "Tus imágenes siguen midiendo 28×28: falta rellenarlas con 2 píxeles de ceros por lado, "
                 "np.pad(x, ((0, 0), (2, 2), (2, 2))).")
    c.check_true(res.shape == (3, 32, 32, 1),
                 f"Con 3 imágenes de 28×28 la salida debe tener forma (3, 32, 32, 1); tiene {res.shape}. "
                 "Rellena solo los ejes de alto y ancho y agrega el canal al final.")
    c.check_true(np.issubdtype(res.dtype, np.floating),
                 f"La salida debe ser de punto flotante (float32); es {res.dtype}. ¿Dividiste por 255.0?")
    c.check_true(float(res.max()) <= 1.0 + 1e-6,
                 f"Los píxeles deben quedar en [0, 1]; el máximo es {float(res.max()):.1f}. Divide por 255.")
    c.check_close(res, _prep(x), what="las imágenes preparadas", rtol=1e-6, atol=1e-6,
                  hint="El relleno debe ser de ceros y simétrico: 2 píxeles a cada lado, no 4 a un solo lado.")


# ---------------------------------------------------------------------------
# Ejercicio 2 · build_lenet5 (la moderna)
# ---------------------------------------------------------------------------

_FORMAS = [(28, 28, 6), (14, 14, 6), (10, 10, 16), (5, 5, 16), (120,), (84,), (10,)]


def _shapes(model):
    """Formas de salida de cada capa, sin ejes de tamaño 1 ni repeticiones seguidas."""
    formas = []
    for capa in model.layers:
        if type(capa).__name__ == "InputLayer":
            continue
        try:
            f = tuple(int(n) for n in capa.output.shape[1:] if n != 1)
        except Exception:  # noqa: BLE001
            continue
        if not formas or formas[-1] != f:
            formas.append(f)
    return formas


def _check_lenet(model, c, nombre, clasica):
    from utils.counting import group_digits

    try:
        entrada, salida = tuple(model.inputs[0].shape[1:]), tuple(model.outputs[0].shape[1:])
    except Exception:  # noqa: BLE001 - un modelo sin entrada declarada no tiene `inputs`
        entrada = salida = None
    c.check_true(entrada == (32, 32, 1),
                 f"La entrada debe ser keras.Input(shape=(32, 32, 1)), la de 32×32 del artículo; tu modelo tiene {entrada}. "
                 "Con 28×28 las formas no llegan a 5×5×16 antes de C5.")
    c.check_true(salida == (10,), f"La salida debe tener 10 unidades, una por dígito; tiene forma {salida}.")
    formas, pos = _shapes(model), 0
    for f in _FORMAS:
        c.check_true(f in formas[pos:],
                     f"Ninguna capa produce la forma {'×'.join(map(str, f))} donde se espera (C1 28×28×6, S2 14×14×6, "
                     f"C3 10×10×16, S4 5×5×16, C5 120, F6 84, salida 10). Tus formas son {formas}. "
                     "Revisa los tamaños de filtro (5×5, sin relleno) y las ventanas de pooling (2×2).")
        pos = formas.index(f, pos) + 1
    n = model.count_params()
    c.check_true(n == 61706,
                 f"{nombre} tiene {group_digits(n)} parámetros y la LeNet-5 de Keras tiene "
                 "156 + 2416 + 48 120 + 10 164 + 850 = 61 706 (contando C3 completa). Parámetros por capa: "
                 f"{[(x.name, x.count_params()) for x in model.layers if x.count_params()]}.")
    tipos = [type(x).__name__ for x in model.layers]
    pool, act = ("AveragePooling2D", "tanh") if clasica else ("MaxPooling2D", "relu")
    c.check_true(tipos.count(pool) >= 2,
                 f"S2 y S4 deben ser {pool} en la versión {'clásica' if clasica else 'moderna'}; tus capas son {tipos}.")
    acts = {getattr(getattr(x, "activation", None), "__name__", "") for x in model.layers}
    acts |= {"relu" for x in model.layers if type(x).__name__ == "ReLU"}
    prohibidas = {"relu"} if clasica else {"tanh", "sigmoid"}
    c.check_true(not prohibidas & acts and act in acts,
                 f"La versión {'clásica usa tangente hiperbólica' if clasica else 'moderna usa ReLU'} en las capas "
                 f"ocultas (activation={act!r}); tus activaciones son {sorted(a for a in acts if a)}.")
    p = np.asarray(model(np.random.default_rng(0).random((4, 32, 32, 1)).astype("float32")))
    c.check_true(bool(np.all(p >= 0)) and np.allclose(p.sum(axis=1), 1, atol=1e-4),
                 "La salida debe ser una softmax: probabilidades no negativas que suman 1 en cada imagen. "
                 "Usa Dense(10, activation='softmax').")
    return formas


@exercise(LAB, "build_lenet5", points=1)
def build_lenet5_probe(s):
    return s.call_model("build_lenet5")


@build_lenet5_probe.judge
def build_lenet5_judge(d):
    from grader.api import rebuild_model
    from utils import checks as c

    d = c.ok(d, "build_lenet5")
    if type(d["modelo"]) is dict and "__tipo__" in d["modelo"]:
        c.check_true(False, f"build_lenet5 debe devolver un modelo de Keras; devolvió {d['modelo']['__tipo__']}. "
                            "¿Te falta el `return`?")
    c.check_true(d["nuevo"] is True,
                 "build_lenet5 debe crear un modelo NUEVO en cada llamada (constrúyelo dentro de la función).")
    formas = _check_lenet(rebuild_model(d["modelo"]), c, "Tu modelo", clasica=False)
    print("Formas: " + " → ".join("×".join(map(str, f)) for f in formas))


# ---------------------------------------------------------------------------
# Ejercicio 3 · train_lenet5 (exactitud en la prueba reservada)
# ---------------------------------------------------------------------------

def _trial_run(s, name):
    """Corre ``name`` con una red pequeña y 64 imágenes (etiquetas enteras): ¿lanza un error?

    Con ``train_masked`` la red tiene una C3 de 5×5×6×16 y se cuentan, al terminar, los
    pesos de C3 que quedaron distintos de cero fuera de la tabla I.
    """
    def run(f):
        import keras

        keras.utils.set_random_seed(0)
        m = keras.Sequential([keras.Input((32, 32, 1)), keras.layers.Conv2D(6, 5, activation="tanh", name="C1"),
                              keras.layers.AveragePooling2D(2, name="S2"),
                              keras.layers.Conv2D(16, 5, activation="tanh", name="C3"),
                              keras.layers.Flatten(), keras.layers.Dense(10, activation="softmax")])
        rng = np.random.default_rng(0)
        x, y = rng.random((64, 32, 32, 1), dtype=np.float32), rng.integers(0, 10, 64)
        if name == "train_lenet5":
            f(m, x, y)
            return {"fuera": 0}
        mascara = _ref_mask(_TABLA_I)
        f(m, mascara.copy(), x, y)
        k = np.asarray(m.get_layer("C3").kernel)
        return {"fuera": int(np.count_nonzero(k[mascara == 0]))}
    return s.apply(name, run)


_TRAIN_HINT = ("compila con loss='sparse_categorical_crossentropy' (las etiquetas son enteros del 0 al 9), "
               "Adam(learning_rate=1e-3) y metrics=['accuracy'], y entrena con model.fit(x, y, epochs=3, batch_size=64, verbose=0).")


@exercise(LAB, "train_lenet5", points=1)
def train_lenet5_probe(s):
    # Si la celda de entrenamiento no llegó a crear `history`, se prueba train_lenet5 con una red
    # pequeña para mostrar el error real; si la creó, no hace falta (y se ahorra un entrenamiento).
    falta = isinstance(s.value("history"), dict) and "__falta__" in s.value("history")
    return {"prueba": _trial_run(s, "train_lenet5") if falta else {"fuera": 0}, "modelo": s.model("model")}


def _judge_trained(d, c, ejercicio, quien, umbral, hint):
    from grader.api import rebuild_model
    from utils.counting import group_digits

    modelo = rebuild_model(c.ok(d["modelo"], ejercicio))
    x, y = _reserved()
    acc, p = _accuracy(modelo, x, y)
    print(f"Exactitud de {quien} en {group_digits(len(y))} imágenes de prueba que el cuaderno no carga: "
          f"{acc:.4f} (se pide al menos {umbral:.2f})")
    if acc < umbral:
        c.check_true(bool(np.all(p >= 0)) and np.allclose(p.sum(axis=1), 1, atol=1e-3),
                     f"La exactitud de {quien} es {acc:.4f} y sus salidas no son probabilidades: la última capa debe "
                     "ser Dense(10, activation='softmax').")
    c.check_true(acc >= umbral,
                 f"La exactitud de {quien} en la prueba reservada es {acc:.4f}; se pide al menos {umbral:.2f}. {hint}")
    return modelo


@train_lenet5_probe.judge
def train_lenet5_judge(d):
    from utils import checks as c

    c.ok(d["prueba"], "train_lenet5", _TRAIN_HINT[0].upper() + _TRAIN_HINT[1:])
    _judge_trained(d, c, "train_lenet5", "tu `model`", UMBRAL_MODERNA,
                   "Revisa la arquitectura del ejercicio 2, que prepare_images divida por 255 y que entrenes "
                   "3 épocas con Adam(learning_rate=1e-3) y las imágenes de x_train.")


# ---------------------------------------------------------------------------
# Ejercicio 4 · c3_mask: la tabla I como máscara de Conv2D
# ---------------------------------------------------------------------------

_MASK_HINT = ("mask[:, :, i, j] = 1 si el mapa i de S2 está en la fila j de la tabla; la forma es "
              "(f, f, n_in, len(table)), la de un núcleo de Conv2D.")


@exercise(LAB, "c3_mask", points=2)
def c3_mask_probe(s):
    return {"tabla_i": s.call("c3_mask", _TABLA_I), "otra": s.call("c3_mask", _OTRA_TABLA),
            "lista": s.call("c3_mask", [list(t) for t in _TABLA_I[:5]], n_in=6, f=3)}


@c3_mask_probe.judge
def c3_mask_judge(d):
    from utils import checks as c
    from utils.architectures import LENET5_C3_TABLE

    ref_i = _ref_mask(LENET5_C3_TABLE)
    m = c.ok(d["tabla_i"], "c3_mask", _MASK_HINT)
    c.check_true(type(m) is np.ndarray, f"c3_mask debe devolver un arreglo de NumPy; devolvió {type(m).__name__}.")
    if m.shape == (16, 6) or m.shape == (6, 16):
        c.check_true(False, f"Tu máscara tiene forma {m.shape}: es la tabla, pero una Conv2D multiplica su núcleo de forma "
                            "(5, 5, 6, 16) (alto, ancho, mapas de entrada, mapas de salida). Repite cada 0 o 1 en las "
                            "5×5 posiciones del filtro.")
    c.check_true(m.shape == ref_i.shape, f"Con la tabla I la máscara debe tener forma {ref_i.shape}; tiene {m.shape}.")
    c.check_close(m, ref_i, what="la máscara de la tabla I", hint=_MASK_HINT)
    c.check_close(c.ok(d["otra"], "c3_mask", _MASK_HINT), _ref_mask(_OTRA_TABLA),
                  what="la máscara de otra tabla de 7 filas", hint="No copies la tabla I dentro de la función: usa `table`.")
    c.check_close(c.ok(d["lista"], "c3_mask", _MASK_HINT), _ref_mask(_TABLA_I[:5], f=3),
                  what="la máscara con filtros de 3×3 (f=3) y la tabla en listas",
                  hint="El alto y el ancho de la máscara son f; cada fila de la tabla puede ser una tupla o una lista.")


# ---------------------------------------------------------------------------
# Ejercicio 5 · c3_counts: parámetros efectivos y conexiones
# ---------------------------------------------------------------------------

def _count_cases():
    rng = np.random.default_rng(2)
    tabla = (rng.random((4, 5)) < 0.5).astype("float32")          # 4 mapas de entrada, 5 de salida
    aleatoria = np.broadcast_to(tabla, (3, 3, 4, 5)).copy()          # filtros de 3×3: cada conexión, 9 pesos
    return [(_ref_mask(_TABLA_I), 10), (np.ones((5, 5, 6, 16), dtype="float32"), 10), (aleatoria, 7)]


@exercise(LAB, "c3_counts", points=2)
def c3_counts_probe(s):
    return {"casos": [s.call("c3_counts", m, lado) for m, lado in _count_cases()]}


@c3_counts_probe.judge
def c3_counts_judge(d):
    from utils import checks as c
    from utils.architectures import lenet5_1998_params
    from utils.counting import group_digits

    c3 = lenet5_1998_params()[2]
    hint = ("Cada 1 de la máscara es un peso; cada mapa de salida suma un sesgo; cada parámetro se usa en las "
            "lado × lado posiciones de la salida.")
    for (m, lado), res in zip(_count_cases(), d["casos"]):
        res = c.ok(res, "c3_counts", hint)
        c.check_true(type(res) in (tuple, list) and len(res) == 2,
                     "c3_counts debe devolver dos números: return parametros, conexiones")
        params, conex = res
        esperado_p = int(m.sum()) + m.shape[-1]
        c.check_true(params != int(m.sum()),
                     f"Con la máscara de forma {m.shape} contaste {group_digits(int(params))} parámetros: faltan los "
                     f"{m.shape[-1]} sesgos, uno por mapa de salida.")
        c.check_close(params, esperado_p, what=f"los parámetros efectivos de una máscara de forma {m.shape}", hint=hint)
        c.check_close(conex, esperado_p * lado * lado,
                      what=f"las conexiones con una salida de {lado}×{lado}", hint=hint)
    p_i, c_i = d["casos"][0]
    c.check_true(p_i == c3["params"] and c_i == c3["connections"],
                 f"Con la tabla I deben salir {group_digits(c3['params'])} parámetros y "
                 f"{group_digits(c3['connections'])} conexiones, como en el artículo.")
    print(f"C3 con la tabla I: {group_digits(p_i)} parámetros efectivos y {group_digits(c_i)} conexiones, "
          "las cifras del artículo.")


# ---------------------------------------------------------------------------
# Ejercicio 6 · la LeNet-5 clásica con C3 enmascarada, entrenada
# ---------------------------------------------------------------------------

@exercise(LAB, "lenet5_clasica", points=3)
def lenet5_clasica_probe(s):
    return {"arquitectura": s.call_model("build_lenet5_classic"), "prueba": _trial_run(s, "train_masked"),
            "modelo": s.model("model_clasico")}


@lenet5_clasica_probe.judge
def lenet5_clasica_judge(d):
    from grader.api import rebuild_model
    from utils import checks as c
    from utils.architectures import LENET5_C3_TABLE
    from utils.counting import group_digits

    arq = c.ok(d["arquitectura"], "build_lenet5_classic")
    if type(arq["modelo"]) is dict and "__tipo__" in arq["modelo"]:
        c.check_true(False, f"build_lenet5_classic debe devolver un modelo de Keras; devolvió {arq['modelo']['__tipo__']}.")
    c.check_true(arq["nuevo"] is True,
                 "build_lenet5_classic debe crear un modelo NUEVO en cada llamada (constrúyelo dentro de la función).")
    _check_lenet(rebuild_model(arq["modelo"]), c, "Tu modelo clásico", clasica=True)
    _MANTENER = ("Aplica la máscara al núcleo de C3 antes de entrenar y después de cada paso "
                 "(un keras.callbacks.Callback con on_train_batch_end)")
    prueba = c.ok(d["prueba"], "train_masked", _MANTENER + ", y " + _TRAIN_HINT)
    c.check_true(prueba["fuera"] == 0,
                 f"Probé tu train_masked con una red pequeña: al terminar, C3 tiene {prueba['fuera']} pesos distintos "
                 f"de cero fuera de la tabla I. {_MANTENER}: si solo la aplicas al principio, Adam vuelve a mover esos pesos.")
    modelo = rebuild_model(c.ok(d["modelo"], "lenet5_clasica"))
    nucleos = [x for x in modelo.layers if type(x).__name__ == "Conv2D" and tuple(x.kernel.shape) == (5, 5, 6, 16)]
    c.check_true(len(nucleos) == 1, "`model_clasico` debe tener una capa C3: Conv2D(16, 5) sobre los 6 mapas de S2.")
    k = np.asarray(nucleos[0].kernel)
    mascara = _ref_mask(LENET5_C3_TABLE)
    fuera = int(np.count_nonzero(k[mascara == 0]))
    c.check_true(fuera == 0,
                 f"El núcleo de C3 de `model_clasico` tiene {group_digits(fuera)} pesos distintos de cero fuera de la "
                 "tabla I. La máscara debe valer durante todo el entrenamiento: train_masked la aplica antes de "
                 "entrenar y después de cada paso (si solo la aplicas al principio, Adam vuelve a mover esos pesos).")
    efectivos = int(np.count_nonzero(k)) + k.shape[-1]
    c.check_true(efectivos == 1516,
                 f"C3 tiene {group_digits(efectivos)} parámetros efectivos (pesos distintos de cero y sesgos) y con la "
                 "tabla I deben ser 1 516: ¿la máscara apaga también conexiones de la tabla?")
    print(f"C3 de tu modelo clásico: {group_digits(efectivos)} parámetros efectivos, como en el artículo.")
    _judge_trained(d, c, "lenet5_clasica", "tu `model_clasico`", UMBRAL_CLASICA,
                   "Revisa la arquitectura (tangente hiperbólica, pooling promedio) y que entrenes 3 épocas con "
                   "Adam(learning_rate=1e-3).")
