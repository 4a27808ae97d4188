"""Comprobaciones del laboratorio 6 (bloques Inception y residuales).

Los ejercicios 1–4 piden funciones-bloque de la API funcional de Keras. La sonda
aplica la función del estudiante a un ``keras.Input`` en su núcleo y devuelve el
modelo resultante como datos planos (configuración JSON y pesos); el juez lo
reconstruye con :func:`grader.api.rebuild_model`, le copia pesos al azar de la
referencia de ``utils.architectures`` (emparejados por forma, así que el orden de
las capas y sus nombres no importan) y compara las salidas número a número.

El ejercicio 5 (la ResNet pequeña) se juzga con imágenes de prueba de
Fashion-MNIST que el cuaderno no usa: el juez las lee él mismo y calcula las
predicciones con el modelo reconstruido, así que la nota depende solo del modelo.
"""

import itertools

import numpy as np

from grader.api import exercise

LAB = "lab06"

# Exactitud mínima del ejercicio 5 en las imágenes ocultas. MEDIDAS: la solución oficial a escala de
# CPU (semillas 0–5) y una variante que crea las capas de sus bloques en otro orden (semillas 0–4),
# medidas en esas imágenes: 0.811 ± 0.016 (de 0.786 a 0.836). El umbral queda por debajo de la peor
# por más que la distancia entre la mejor y la peor (norma 8 de instructores.md).
UMBRAL = 0.73
MEDIDAS = (0.827, 0.814, 0.812, 0.814, 0.789, 0.825, 0.793, 0.822, 0.836, 0.807, 0.786)
# Imágenes que evalúa el juez: las del archivo de prueba en las posiciones 5000: de la permutación con semilla 1
# (el cuaderno no carga el archivo de prueba; solo usa imágenes del de entrenamiento).
OCULTAS = slice(5000, None)


# ---------------------------------------------------------------------------
# Piezas comunes
# ---------------------------------------------------------------------------

def _ops_used(config) -> list:
    """Operaciones de ``keras.ops`` (o ``+``, ``*``…) que aparecen en la configuración JSON de un modelo."""
    import json

    found = []

    def walk(node):
        if isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, dict):
            mod = node.get("module")
            if isinstance(mod, str) and mod.startswith("keras.src.ops") and "class_name" in node:
                found.append(str(node["class_name"]))
            for v in node.values():
                walk(v)

    try:
        walk(json.loads(config))
    except ValueError:
        return []
    return sorted(set(found))


def _rebuild(data, name):
    """Modelo reconstruido (lado del juez); explica en español por qué no se puede, si no se puede."""
    from grader.api import rebuild_model
    from utils import checks as c

    data = c.ok(data, name)
    try:
        return rebuild_model(data)
    except c.CheckFailed:
        inner = data.get("__modelo__") if isinstance(data, dict) else None
        ops = _ops_used(inner["config"]) if isinstance(inner, dict) and isinstance(inner.get("config"), str) else []
        if not ops:
            raise
        raise c.CheckFailed(
            f"Tu `{name}` usa operaciones de keras.ops o de Python sobre tensores ({', '.join(ops)}: por ejemplo "
            "`x + y` o `keras.ops.relu`). El calificador reconstruye tu red solo con capas de keras.layers: suma "
            "con keras.layers.Add()([x, y]) y activa con keras.layers.ReLU() o con activation='relu'.") from None


def _block_model(d, name, shape, args, hint=""):
    """El modelo del bloque del estudiante, reconstruido; o ``CheckFailed`` con la causa real."""
    import keras

    from utils import checks as c

    pista = f" Pista: {hint}" if hint else ""
    rec = d if isinstance(d, dict) else {}
    if "__error__" in rec:
        msg = str(rec.get("mensaje") or "").strip()
        con = f" con los argumentos {tuple(args)}" if args else ""
        raise c.CheckFailed(f"Tu `{name}` lanzó un error al aplicarla a x de forma {_lote(shape)}{con}: "
                            f"{rec['__error__']}" + (f": {msg}" if msg else "")
                            + ("" if msg.endswith(".") else ".") + pista)
    if "__no_tensor__" in rec:
        raise c.CheckFailed(f"`{name}` debe devolver el tensor de salida (lo que devuelve llamar a la última capa "
                            f"sobre su entrada); devolvió un objeto de tipo {rec['__no_tensor__']}. "
                            "¿Te falta el `return`?")
    if "__desconectado__" in rec:
        raise c.CheckFailed(f"La salida de `{name}` no se calcula a partir de su argumento `x`: aplica las capas a "
                            "`x`; no crees otro keras.Input dentro de la función.")
    m = _rebuild(d, name)
    c.check_true(isinstance(m, keras.Model), f"`{name}` no dio un modelo de Keras.")
    return m


def _lote(forma) -> str:
    """``(6, 6, 4)`` → ``"(lote, 6, 6, 4)"``, la forma de un lote de esas imágenes."""
    return "(lote, " + ", ".join(str(n) for n in forma) + ")"


def _output_shape(m):
    return tuple(m.outputs[0].shape)


def _reference(fn, shape, *args, **kwargs):
    import keras

    x = keras.Input(tuple(shape))
    return keras.Model(x, fn(x, *args, name="referencia", **kwargs))


def _assignments(student, reference):
    """Todas las maneras de copiar los pesos de ``reference`` en ``student`` emparejando por forma."""
    groups: dict = {}
    for v in reference.trainable_weights:
        groups.setdefault(tuple(v.shape), ([], []))[0].append(v)
    for v in student.trainable_weights:
        groups.setdefault(tuple(v.shape), ([], []))[1].append(v)
    for choice in itertools.product(*[list(itertools.permutations(est)) for _, est in groups.values()]):
        for (refs, _), order in zip(groups.values(), choice):
            for vr, ve in zip(refs, order):
                ve.assign(np.asarray(vr))
        yield


def _check_no_bn(m, what="bloque"):
    from utils import checks as c

    c.check_true(not m.non_trainable_weights,
                 f"Tu {what} tiene pesos no entrenables (¿una BatchNormalization?): en este laboratorio los bloques "
                 "van sin normalización por lotes y con sesgo (lee el recuadro del ejercicio 2).")


# ---------------------------------------------------------------------------
# Ejercicio 1 · inception_module
# ---------------------------------------------------------------------------

# Números de filtros todos distintos: cada peso tiene una forma única y un error de orden se nota.
_INCEPTION_CASES = [((6, 6, 5), (3, 4, 6, 2, 7, 9), 1), ((5, 5, 3), (8, 2, 5, 3, 4, 6), 2)]
_INCEPTION_HINT = ("si Keras se queja de formas distintas al concatenar, alguna rama cambió el alto o el ancho: "
                   "usa padding='same' en todas las capas y strides=1 en el pooling.")


@exercise(LAB, "inception_module", points=2)
def inception_probe(s):
    return {"casos": [s.apply_block("inception_module", forma, *f) for forma, f, _ in _INCEPTION_CASES]}


@inception_probe.judge
def inception_judge(d):
    from utils import architectures as ref
    from utils import checks as c

    casos = d.get("casos") if isinstance(d, dict) else None
    c.check_true(isinstance(casos, list) and len(casos) == len(_INCEPTION_CASES),
                 "La comprobación de inception_module llegó incompleta.")
    for (forma, f, semilla), dato in zip(_INCEPTION_CASES, casos):
        f1, f3r, f3, f5r, f5, fp = f
        ch = forma[-1]
        m = _block_model(dato, "inception_module", forma, f, _INCEPTION_HINT)
        esperada = (None, *forma[:2], f1 + f3 + f5 + fp)
        c.check_true(_output_shape(m) == esperada,
                     f"Con x de forma {_lote(forma)} y filtros {f}, la salida debe tener forma {esperada}; la tuya "
                     f"tiene {_output_shape(m)}. Usa padding='same' en todas las capas (también en el pooling, con "
                     "strides=1) y concatena por el eje de los canales (axis=-1).")
        c.check_true(not m.non_trainable_weights,
                     "Tu módulo tiene pesos no entrenables (¿una BatchNormalization?): este ejercicio no la usa.")
        m_ref = _reference(ref.inception_module, forma, *f)
        n_ref = (ch * f1 + f1) + (ch * f3r + f3r) + (9 * f3r * f3 + f3) + (ch * f5r + f5r) + (25 * f5r * f5 + f5) \
            + (ch * fp + fp)
        assert m_ref.count_params() == n_ref
        c.check_true(m.count_params() == n_ref,
                     f"Tu módulo tiene {m.count_params()} parámetros y debería tener {n_ref} (con {ch} canales de "
                     f"entrada y filtros {f}): seis convoluciones, cada una con f²·c·n + n. ¿Falta una reducción 1×1, "
                     "sobra una capa o alguna convolución no tiene sesgo?")
        x, y_ref, y, igual = c.copy_weights_and_compare(m, m_ref, semilla)
        if igual:
            continue
        c.check_true(y.min() >= 0, "Alguna rama termina sin ReLU (tu salida tiene valores negativos): cada "
                                   "convolución del módulo lleva activation='relu'.")
        anchos = {"1×1": f1, "3×3": f3, "5×5": f5, "pooling": fp}
        bloques = dict(zip(anchos, np.split(y_ref, np.cumsum(list(anchos.values()))[:-1], axis=-1)))
        for orden in itertools.permutations(anchos):
            c.check_true(not np.allclose(y, np.concatenate([bloques[k] for k in orden], axis=-1), rtol=1e-4, atol=1e-4),
                         f"Las cuatro ramas están bien, pero las concatenaste en el orden {', '.join(orden)}. "
                         "El orden pedido es 1×1, 3×3, 5×5, pooling.")
        c.check_close(y, y_ref, rtol=1e-4, atol=1e-4, what="la salida de tu módulo con los pesos de la referencia",
                      hint="Revisa que las reducciones 1×1 también lleven ReLU, que la 1×1 de proyección vaya DESPUÉS "
                           "del max pooling y que el pooling sea 3×3 con strides=1.")


# ---------------------------------------------------------------------------
# Ejercicio 2 · identity_block
# ---------------------------------------------------------------------------

_IDENTITY_CASES = [((6, 6, 4), 3), ((5, 7, 3), 4)]
_IDENTITY_HINT = ("si Keras se queja de formas distintas al sumar, F(x) debe conservar la forma de x: "
                  "x.shape[-1] filtros y padding='same' en las dos convoluciones.")


@exercise(LAB, "identity_block", points=1)
def identity_probe(s):
    return {"casos": [s.apply_block("identity_block", forma) for forma, _ in _IDENTITY_CASES]}


@identity_probe.judge
def identity_judge(d):
    import keras

    from utils import architectures as ref
    from utils import checks as c

    casos = d.get("casos") if isinstance(d, dict) else None
    c.check_true(isinstance(casos, list) and len(casos) == len(_IDENTITY_CASES),
                 "La comprobación de identity_block llegó incompleta.")
    for (forma, semilla), dato in zip(_IDENTITY_CASES, casos):
        ch = forma[-1]
        m = _block_model(dato, "identity_block", forma, (), _IDENTITY_HINT)
        c.check_true(_output_shape(m) == (None, *forma),
                     f"Con x de forma {_lote(forma)} la salida debe tener la misma forma; la tuya tiene "
                     f"{_output_shape(m)}. Usa {ch} filtros (x.shape[-1]) y padding='same' en las dos convoluciones.")
        _check_no_bn(m)
        m_ref = _reference(ref.residual_block, forma, ch, stride=1, batch_norm=False)
        n_ref = 2 * (9 * ch * ch + ch)
        assert m_ref.count_params() == n_ref
        c.check_true(m.count_params() == n_ref,
                     f"Tu bloque tiene {m.count_params()} parámetros y debería tener {n_ref}: dos convoluciones 3×3 de "
                     f"{ch} a {ch} canales con sesgo, 2·(9·{ch}·{ch} + {ch}). El atajo de identidad no tiene parámetros.")
        x, y_ref, y, igual = c.copy_weights_and_compare(m, m_ref, semilla)
        if igual:
            continue
        c.check_true(y.min() >= 0, "Tu salida tiene valores negativos: falta la ReLU final. El bloque devuelve "
                                   "ReLU(F(x) + x): la activación va DESPUÉS de sumar el atajo.")
        for v in m.trainable_weights:
            v.assign(np.zeros(tuple(v.shape), dtype="float32"))
        c.check_true(np.allclose(keras.ops.convert_to_numpy(m(x)), np.maximum(x, 0), atol=1e-6),
                     "Con todos los pesos en cero, F(x) = 0 y el bloque debería devolver ReLU(x); el tuyo no. "
                     "¿Falta el atajo? Suma la entrada x a la salida de la segunda convolución.")
        c.check_close(y, y_ref, rtol=1e-4, atol=1e-4, what="la salida de tu bloque con los pesos de la referencia",
                      hint="La primera convolución lleva ReLU; la segunda NO (su ReLU es la que va después de sumar).")


# ---------------------------------------------------------------------------
# Ejercicio 3 · projection_block
# ---------------------------------------------------------------------------

_PROJECTION_CASES = [((8, 8, 3), 5, 2, 5), ((6, 6, 4), 6, 1, 6)]
_PROJECTION_HINT = ("si Keras se queja de formas distintas al sumar, el atajo necesita la proyección: "
                    "Conv2D(filters, 1, strides=stride) aplicada a x, para que tenga la misma forma que F(x).")


@exercise(LAB, "projection_block", points=2)
def projection_probe(s):
    return {"casos": [s.apply_block("projection_block", forma, n, st) for forma, n, st, _ in _PROJECTION_CASES]}


@projection_probe.judge
def projection_judge(d):
    from utils import architectures as ref
    from utils import checks as c

    casos = d.get("casos") if isinstance(d, dict) else None
    c.check_true(isinstance(casos, list) and len(casos) == len(_PROJECTION_CASES),
                 "La comprobación de projection_block llegó incompleta.")
    for (forma, n, st, semilla), dato in zip(_PROJECTION_CASES, casos):
        ch = forma[-1]
        m = _block_model(dato, "projection_block", forma, (n, st), _PROJECTION_HINT)
        esperada = (None, -(-forma[0] // st), -(-forma[1] // st), n)
        c.check_true(_output_shape(m) == esperada,
                     f"Con x de forma {_lote(forma)}, filters={n} y stride={st}, la salida debe tener forma "
                     f"{esperada}; la tuya tiene {_output_shape(m)}. El paso va en la primera 3×3 y en la proyección "
                     "1×1, con padding='same' en las 3×3.")
        _check_no_bn(m)
        m_ref = _reference(ref.residual_block, forma, n, stride=st, batch_norm=False)
        n_ref = (9 * ch * n + n) + (9 * n * n + n) + (ch * n + n)
        assert m_ref.count_params() == n_ref
        c.check_true(m.count_params() == n_ref,
                     f"Tu bloque tiene {m.count_params()} parámetros y debería tener {n_ref}: 3×3 de {ch} a {n} "
                     f"({9 * ch * n + n}), 3×3 de {n} a {n} ({9 * n * n + n}) y la proyección 1×1 de {ch} a {n} "
                     f"({ch * n + n}), todas con sesgo.")
        x, y_ref, y, igual = c.copy_weights_and_compare(m, m_ref, semilla)
        if igual:
            continue
        c.check_true(y.min() >= 0, "Tu salida tiene valores negativos: falta la ReLU final, después de sumar.")
        c.check_close(y, y_ref, rtol=1e-4, atol=1e-4,
                      what=f"la salida de tu bloque (filters={n}, stride={st}) con los pesos de la referencia",
                      hint="El paso va en la PRIMERA 3×3 (no en la segunda); la segunda 3×3 y la proyección van sin "
                           "activación, y la ReLU final se aplica después de sumar.")


# ---------------------------------------------------------------------------
# Ejercicio 4 · option_a_block (atajo sin parámetros, opción A del artículo)
# ---------------------------------------------------------------------------

_OPTION_A_CASES = [((8, 8, 3), 5, 2, 7), ((7, 5, 4), 6, 2, 8), ((6, 6, 2), 4, 1, 9)]
_OPTION_A_HINT = ("el atajo de la opción A no tiene capas con pesos: toma un píxel de cada `stride` "
                  "(MaxPooling2D(1, strides=stride) lo hace) y añade `filters − c` canales en cero al final.")


@exercise(LAB, "option_a_block", points=2)
def option_a_probe(s):
    return {"casos": [s.apply_block("option_a_block", forma, n, st) for forma, n, st, _ in _OPTION_A_CASES]}


def _option_a_variants(x, f_x, n, st):
    """Salidas de errores típicos del atajo A, a partir de F(x) (de la referencia) y de x."""
    ch = x.shape[-1]
    sub = x[:, ::st, ::st, :]
    relu = lambda t: np.maximum(t, 0)  # noqa: E731
    variants = []
    if n > ch:
        front = np.pad(sub, ((0, 0), (0, 0), (0, 0), (n - ch, 0)))
        variants.append((relu(f_x + front), "Los canales nuevos en cero van al FINAL del atajo (después de los c "
                                            "canales de x), no al principio: el canal k de x se suma al canal k de F(x)."))
    if st > 1:
        h, w = f_x.shape[1:3]
        pad_h, pad_w = h * st - x.shape[1], w * st - x.shape[2]
        xp = np.pad(x, ((0, 0), (0, max(pad_h, 0)), (0, max(pad_w, 0)), (0, 0)))
        for reducir, nombre in ((np.mean, "promediaste"), (np.max, "tomaste el máximo de")):
            blocks = xp[:, :h * st, :w * st, :].reshape(x.shape[0], h, st, w, st, ch)
            pooled = reducir(blocks, axis=(2, 4))
            pooled = np.pad(pooled, ((0, 0), (0, 0), (0, 0), (0, n - ch)))
            variants.append((relu(f_x + pooled), f"En el atajo {nombre} cada ventana de {st}×{st}: la opción A toma "
                                                 "un solo píxel de cada ventana, el de arriba a la izquierda "
                                                 "(x[:, ::stride, ::stride, :]), sin mezclar los demás."))
    variants.append((f_x + np.pad(sub, ((0, 0), (0, 0), (0, 0), (0, n - ch))),
                     "Falta la ReLU final, después de sumar el atajo."))
    return variants


@option_a_probe.judge
def option_a_judge(d):
    import keras

    from utils import architectures as ref
    from utils import checks as c

    casos = d.get("casos") if isinstance(d, dict) else None
    c.check_true(isinstance(casos, list) and len(casos) == len(_OPTION_A_CASES),
                 "La comprobación de option_a_block llegó incompleta.")
    for (forma, n, st, semilla), dato in zip(_OPTION_A_CASES, casos):
        ch = forma[-1]
        m = _block_model(dato, "option_a_block", forma, (n, st), _OPTION_A_HINT)
        esperada = (None, -(-forma[0] // st), -(-forma[1] // st), n)
        c.check_true(_output_shape(m) == esperada,
                     f"Con x de forma {_lote(forma)}, filters={n} y stride={st}, la salida debe tener forma "
                     f"{esperada}; la tuya tiene {_output_shape(m)}. La rama principal es la del ejercicio 3 (paso en "
                     f"la primera 3×3) y el atajo debe quedar de {esperada[1]}×{esperada[2]}×{n}.")
        m_ref = _reference(ref.residual_block, forma, n, stride=st, batch_norm=False, shortcut="A")
        n_ref = (9 * ch * n + n) + (9 * n * n + n)
        assert m_ref.count_params() == n_ref
        n_est = sum(int(np.prod(v.shape)) for v in m.trainable_weights)
        c.check_true(n_est != n_ref + ch * n + n,
                     f"Tu atajo tiene {ch * n + n} parámetros: es la proyección 1×1 del ejercicio 3 (opción B). "
                     "La opción A no aprende nada en el atajo: toma un píxel de cada `stride` y rellena con ceros los canales que faltan.")
        c.check_true(n_est == n_ref,
                     f"Tu bloque tiene {n_est} parámetros entrenables y debería tener {n_ref}: las dos 3×3 de la rama "
                     f"principal ({9 * ch * n + n} y {9 * n * n + n}, con sesgo) y nada más, porque el atajo de la "
                     "opción A no tiene parámetros.")
        c.check_true(not any("BatchNormalization" == type(op).__name__ for op in _all_layers(m)),
                     "Tu bloque tiene una BatchNormalization: en este laboratorio los bloques van sin normalización "
                     "por lotes y con sesgo.")
        x, y_ref, y, igual = c.copy_weights_and_compare(m, m_ref, semilla)
        if igual:
            continue
        f_model = keras.Model(m_ref.inputs, m_ref.get_layer("referencia_b").output)
        f_x = keras.ops.convert_to_numpy(f_model(x))
        variantes = _option_a_variants(x, f_x, n, st)
        for _ in _assignments(m, m_ref):
            y = keras.ops.convert_to_numpy(m(x))
            for y_mal, mensaje in variantes:
                c.check_true(not (y.shape == y_mal.shape and np.allclose(y, y_mal, rtol=1e-4, atol=1e-4)), mensaje)
        c.check_close(y, y_ref, rtol=1e-4, atol=1e-4,
                      what=f"la salida de tu bloque (filters={n}, stride={st}) con los pesos de la referencia",
                      hint="La rama principal es la del ejercicio 3; el atajo es x[:, ::stride, ::stride, :] con "
                           "filters − c canales en cero añadidos al final; la ReLU va después de sumar.")


def _all_layers(model):
    """Capas y operaciones de ``model`` (``Add``, ``+``…), también las de sus submodelos."""
    import keras

    out = []
    for layer in getattr(model, "operations", None) or getattr(model, "layers", []):
        if layer is model:
            continue
        out.append(layer)
        if isinstance(layer, keras.Model):
            out += _all_layers(layer)
    return out


# ---------------------------------------------------------------------------
# Ejercicio 5 · resnet_fashion
# ---------------------------------------------------------------------------

@exercise(LAB, "resnet_fashion", points=3)
def resnet_probe(s):
    return {"modelo": s.model("model")}


def _fashion_test():
    """Las 10 000 imágenes de prueba de Fashion-MNIST, en el orden de la permutación con semilla 1."""
    from utils import data

    carpeta = data.keras_cache_dir() / "fashion-mnist"
    if all((carpeta / f).is_file() for f in data.FASHION_FILES[2:]):
        x, y = (data.read_idx(carpeta / f) for f in data.FASHION_FILES[2:])
    else:
        _, (x, y) = data.load_fashion_mnist()
    i = np.random.default_rng(1).permutation(len(x))
    return x[i][..., None].astype("float32") / 255.0, y[i]


def _accuracy(model, x, y, what):
    from utils import checks as c

    try:
        p = np.asarray(model.predict(x, verbose=0, batch_size=500))
    except Exception as exc:  # noqa: BLE001 - el modelo reconstruido no acepta las imágenes
        raise c.CheckFailed(f"Tu modelo no pudo clasificar {what} de 28×28×1 ({type(exc).__name__}: "
                            f"{str(exc)[:200]}). La entrada es keras.Input(shape=(28, 28, 1)).") from None
    c.check_true(p.shape == (len(x), 10),
                 f"Para {len(x)} imágenes, el modelo debe dar una fila de 10 probabilidades por imagen, forma "
                 f"({len(x)}, 10); da {p.shape}. La última capa es Dense(10, activation='softmax').")
    c.check_true(bool(np.all(np.isfinite(p))), "Las salidas de tu modelo tienen NaN o infinitos: el entrenamiento "
                                              "divergió. Revisa la tasa de aprendizaje (3e-3).")
    c.check_true(bool(np.all(p >= -1e-6)) and np.allclose(p.sum(axis=1), 1.0, atol=1e-3),
                 "Las salidas de tu modelo no son probabilidades (hay valores negativos o filas que no suman 1): "
                 "la última capa debe ser Dense(10, activation='softmax'). Sin softmax, la pérdida "
                 "sparse_categorical_crossentropy trata tus salidas como probabilidades y entrena mal.")
    return float(np.mean(p.argmax(axis=1) == y))


def _count_adds(model):
    """Capas Add del modelo, también dentro de submodelos."""
    return sum(type(layer).__name__ == "Add" for layer in _all_layers(model))


@resnet_probe.judge
def resnet_judge(d):
    from utils import checks as c

    modelo = d.get("modelo") if isinstance(d, dict) else None
    if isinstance(modelo, dict) and ("__falta__" in modelo or "__tipo__" in modelo):
        raise c.CheckFailed("Todavía no completaste el ejercicio 5: guarda tu modelo de Keras entrenado en `model`.")
    m = _rebuild(modelo, "model")
    try:
        forma = tuple(m.inputs[0].shape[1:])
    except Exception:  # noqa: BLE001 - un modelo sin entrada declarada no tiene `inputs`
        forma = None
    c.check_true(forma == (28, 28, 1),
                 f"La entrada debe ser keras.Input(shape=(28, 28, 1)): imágenes de 28×28 con un canal; la de tu "
                 f"modelo es {forma}.")
    n_sumas = _count_adds(m)
    c.check_true(n_sumas >= 2,
                 f"Tu modelo tiene {n_sumas} sumas residuales y se piden al menos 2: una ResNet suma la entrada de "
                 "cada bloque a su salida. Arma la red con tus bloques (ejercicios 2, 3 o 4), no con Conv2D sueltas.")
    x, y = _fashion_test()
    exactitud = _accuracy(m, x[OCULTAS], y[OCULTAS], "las imágenes de prueba")
    print(f"Exactitud en 5 000 imágenes de prueba que el cuaderno no usa: {exactitud:.4f} "
          f"(se pide al menos {UMBRAL:.2f}); sumas residuales: {n_sumas}")
    c.check_true(exactitud >= UMBRAL,
                 f"La exactitud en imágenes de prueba nuevas es {exactitud:.4f}; se pide al menos {UMBRAL:.2f}. "
                 "Revisa la arquitectura de la tabla, la tasa de aprendizaje (3e-3) y que entrenes con x_train e "
                 "y_train las épocas de cfg['epochs'].")
