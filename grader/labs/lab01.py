"""Comprobaciones del laboratorio 1 (regresión logística desde cero).

Cada ejercicio tiene su sonda (corre en el núcleo del estudiante y devuelve datos
planos) y su juez (compara esos datos con ``utils`` y explica el fallo). Las
entradas de las pruebas se fijan aquí con semillas: el juez las vuelve a generar,
no las toma de los datos de la sonda.
"""

import numpy as np

from grader.api import exercise, judge_dependencies, probe_dependencies

LAB = "lab01"

# Pistas que acompañan al error real del estudiante cuando su función lanza una excepción.
HINTS = {
    'sigmoid': ('σ(z) = 1 / (1 + np.exp(−z)), elemento a elemento: funciona con números y con arreglos de'
        ' cualquier forma.'),
    'compute_cost': ('J = −np.mean(y·log(a) + (1 − y)·log(1 − a)), después de a = np.clip(a, 1e-7, 1 - 1e-7); '
        'a e y tienen forma (m,).'),
    'compute_gradients': ('Con X de forma (m, n): dw = X.T @ (a − y) / m, de forma (n,), y db = np.mean(a − y).'),
    'train': ('w = np.zeros(X.shape[1]) y b = 0.0; en cada iteración a = sigmoid(X @ w + b), guarda '
        'compute_cost(a, y), calcula dw, db = compute_gradients(X, a, y) y actualiza w y b.'),
}


# --- Ejercicio 1 · sigmoid ---------------------------------------------------

def _sigmoid_inputs():
    return {"grid": np.linspace(-6, 6, 13), "matriz": np.arange(-6.0, 6.0).reshape(3, 4),
            "extremos": np.array([-30.0, 30.0])}


@exercise(LAB, "sigmoid", points=2)
def sigmoid_probe(s):
    out = {"en0": s.call("sigmoid", 0.0)}
    out.update({k: s.call("sigmoid", v) for k, v in _sigmoid_inputs().items()})
    return out


@sigmoid_probe.judge
def sigmoid_judge(d):
    from utils import checks as c
    from utils.activations import sigmoid as ref

    x = _sigmoid_inputs()
    c.check_close(c.ok(d["en0"], "sigmoid", hint=HINTS["sigmoid"]),
                  0.5, what="sigmoid(0)", hint="σ(0) = 1 / (1 + e⁰) = 1/2.")
    c.check_close(c.ok(d["grid"], "sigmoid", hint=HINTS["sigmoid"]),
                  ref(x["grid"]), what="sigmoid en z = -6, -5, …, 6",
                  hint="Revisa el signo del exponente: σ(z) = 1 / (1 + e^(−z)); σ(2) debe ser mayor que 0.5.")
    c.check_close(c.ok(d["matriz"], "sigmoid", hint=HINTS["sigmoid"]),
                  ref(x["matriz"]), what="sigmoid de una matriz de forma (3, 4)",
                  hint="La salida debe conservar la forma de la entrada; np.exp actúa elemento a elemento.")
    c.check_close(c.ok(d["extremos"], "sigmoid", hint=HINTS["sigmoid"]),
                  ref(x["extremos"]), atol=1e-12,
                  what="sigmoid en z = -30 y z = 30",
                  hint="Para z grande y positivo σ(z) ≈ 1; para z grande y negativo σ(z) ≈ 0.")


# --- Ejercicio 2 · compute_cost ----------------------------------------------

def _cost_inputs():
    rng = np.random.default_rng(0)
    return {"a": rng.uniform(0.05, 0.95, size=8), "y": np.array([1, 0, 1, 1, 0, 0, 1, 0]),
            "a_ext": np.array([1.0, 0.0, 1.0, 0.0]), "y_ext": np.array([1, 0, 0, 1])}


@exercise(LAB, "compute_cost", points=2)
def compute_cost_probe(s):
    x = _cost_inputs()
    return {"costo": s.call("compute_cost", x["a"], x["y"]),
            "y1": s.call("compute_cost", np.array([0.8]), np.array([1])),
            "y0": s.call("compute_cost", np.array([0.8]), np.array([0])),
            "extremo": s.call("compute_cost", x["a_ext"], x["y_ext"])}


@compute_cost_probe.judge
def compute_cost_judge(d):
    from utils import checks as c
    from utils.losses import binary_cross_entropy as ref

    x = _cost_inputs()
    esperado = ref(x["y"], x["a"])
    costo = c.ok(d["costo"], "compute_cost", hint=HINTS["compute_cost"])
    c.check_true(costo is not None, "compute_cost devolvió None. ¿Te falta un `return`?")
    c.check_true(type(costo) in (int, float, bool) or type(costo) is np.ndarray,
                 "compute_cost debe devolver un número.")
    c.check_true(np.ndim(costo) == 0,
                 f"compute_cost debe devolver un solo número, pero devolvió algo de forma {np.shape(costo)}. "
                 "¿Olvidaste promediar las pérdidas?")
    c.check_true(not np.isclose(costo, x["y"].size * esperado),
                 "Tu costo es m veces el correcto: sumaste las pérdidas en vez de promediarlas (usa np.mean o divide entre m).")
    c.check_true(not np.isclose(costo, -esperado),
                 "Tu costo tiene el signo cambiado: falta el signo menos delante del promedio (los logaritmos de "
                 "probabilidades son negativos).")
    c.check_close(costo, esperado, what="compute_cost con 8 ejemplos",
                  hint="J = −(1/m) Σ [y·log(a) + (1 − y)·log(1 − a)].")
    c.check_close(c.ok(d["y1"], "compute_cost", hint=HINTS["compute_cost"]),
                  -np.log(0.8), what="compute_cost con y = 1 y a = 0.8",
                  hint="Si y = 1, la pérdida es −log(a).")
    c.check_close(c.ok(d["y0"], "compute_cost", hint=HINTS["compute_cost"]),
                  -np.log(0.2), what="compute_cost con y = 0 y a = 0.8",
                  hint="Si y = 0, la pérdida es −log(1 − a).")
    ext = c.ok(d["extremo"], "compute_cost", hint=HINTS["compute_cost"])
    finito = ext is not None and type(ext) in (int, float, np.ndarray) and bool(np.all(np.isfinite(np.asarray(ext, dtype=float))))
    c.check_true(finito, f"Con predicciones exactamente 0 o 1 tu costo da {ext}. "
                         "Recorta antes de tomar logaritmos: a = np.clip(a, 1e-7, 1 - 1e-7).")
    c.check_close(ext, ref(x["y_ext"], x["a_ext"]), what="compute_cost con a = 0 o a = 1",
                  hint="Recorta con exactamente np.clip(a, 1e-7, 1 - 1e-7), como Keras.")


# --- Ejercicio 3 · compute_gradients -----------------------------------------

def _gradient_inputs():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(7, 3))      # 7 ejemplos y 3 rasgos: a propósito no es cuadrada
    a = rng.uniform(0.05, 0.95, size=7)
    return X, a, np.array([1, 0, 0, 1, 1, 0, 1])


@exercise(LAB, "compute_gradients", points=2)
def compute_gradients_probe(s):
    return {"resultado": s.call("compute_gradients", *_gradient_inputs())}


@compute_gradients_probe.judge
def compute_gradients_judge(d):
    from utils import checks as c
    from utils.neuron import gradients as ref

    dw_ref, db_ref = ref(*_gradient_inputs())
    res = c.ok(d["resultado"], "compute_gradients", hint=HINTS["compute_gradients"])
    c.check_tuple(res, 2, "compute_gradients debe devolver una tupla de dos elementos: return dw, db")
    dw, db = res
    c.check_true(np.shape(dw) == dw_ref.shape,
                 f"dw debe tener forma (n,) = {dw_ref.shape}, un valor por peso; tiene forma {np.shape(dw)}. "
                 "Recuerda: dw = Xᵀ (a − y) / m, con X.T.")
    c.check_true(np.ndim(db) == 0, f"db debe ser un solo número; tiene forma {np.shape(db)}.")
    c.check_true(not np.allclose(np.asarray(dw, dtype=float), -dw_ref),
                 "dw tiene el signo invertido: el error de cada ejemplo es a − y, no y − a.")
    c.check_close(dw, dw_ref, what="dw", hint="dw = Xᵀ (a − y) / m. ¿Dividiste entre m?")
    c.check_close(db, db_ref, what="db", hint="db es el promedio de (a − y).")


# --- Ejercicio 4 · train -----------------------------------------------------
# La sonda llama a `train` dos veces: con las funciones del estudiante (la prueba que
# da los puntos) y con piezas sustitutas conocidas en lugar de sigmoid, compute_cost y
# compute_gradients. Si la primera falla porque falla un ejercicio anterior, la segunda
# dice si el bucle en sí está bien: un error se cobra en su ejercicio, no dos veces.

_TRAIN_CASES = [(0.5, 25), (0.05, 3)]


def _train_data():
    rng = np.random.default_rng(4)                    # un problema pequeño: 60 ejemplos, 4 rasgos
    X = rng.normal(size=(60, 4))
    y = (X @ np.array([1.5, -2.0, 0.5, 0.0]) + rng.normal(scale=0.5, size=60) > 0).astype(int)
    return X, y


def _standin_sigmoid(z):
    return 0.5 + 0.25 * np.tanh(np.asarray(z, dtype=float) / 3)


def _standin_cost(a, y):
    return float(np.mean((np.asarray(a, dtype=float) - y) ** 2)) + 0.25


def _standin_gradients(X, a, y):
    e = np.asarray(a, dtype=float) - y
    return X.T @ e / (2 * len(y)) + 0.01, float(np.mean(e)) - 0.02


def standin_train(X, y, learning_rate, n_iters):
    """El bucle correcto con las piezas sustitutas (lo que debe dar `train` con ellas)."""
    w, b, history = np.zeros(X.shape[1]), 0.0, []
    for _ in range(n_iters):
        a = _standin_sigmoid(X @ w + b)
        history.append(_standin_cost(a, y))
        dw, db = _standin_gradients(X, a, y)
        w, b = w - learning_rate * dw, b - learning_rate * db
    return w, b, history


_STANDINS = {"sigmoid": _standin_sigmoid, "compute_cost": _standin_cost, "compute_gradients": _standin_gradients}


@exercise(LAB, "train", points=2)
def train_probe(s):
    X, y = _train_data()
    return {"propias": [s.call("train", X, y, alpha, n) for alpha, n in _TRAIN_CASES],
            "sustitutas": s.call_with(_STANDINS, "train", X, y, 0.5, 6),
            "dependencias": probe_dependencies(s, LAB, ["sigmoid", "compute_cost", "compute_gradients"])}


def _judge_train_runs(runs, reference):
    from utils import checks as c

    X, y = _train_data()
    for (alpha, n), res in zip(_TRAIN_CASES, runs):
        res = c.ok(res, "train", hint=HINTS["train"])
        c.check_tuple(res, 3, "train debe devolver una tupla de tres elementos: return w, b, history")
        w, b, hist = res
        w_ref, b_ref, hist_ref = reference(X, y, alpha, n)
        c.check_true(np.shape(hist) == (n,),
                     f"history debe tener un costo por iteración: con n_iters = {n} tiene forma {np.shape(hist)}.")
        hist = np.asarray(hist, dtype=float)
        c.check_close(hist[0], hist_ref[0], what="el primer costo de history",
                      hint="Empieza con w = 0 y b = 0 (así a = 0.5 y J = ln 2 ≈ 0.693) y guarda el costo ANTES de actualizar.")
        c.check_true(hist[-1] < hist[0],
                     "El costo subió en lugar de bajar. ¿Actualizaste con w = w − α·dw (con menos)? El descenso va "
                     "en contra del gradiente.")
        c.check_close(hist, hist_ref, what=f"history con learning_rate = {alpha} y n_iters = {n}",
                      hint="Calcula a, guarda el costo, calcula dw y db, y recién entonces actualiza w y b.")
        c.check_close(w, w_ref, what=f"w final (learning_rate = {alpha}, n_iters = {n})",
                      hint="Actualiza con w = w − learning_rate · dw en cada iteración.")
        c.check_close(b, b_ref, what=f"b final (learning_rate = {alpha}, n_iters = {n})",
                      hint="Actualiza también el sesgo: b = b − learning_rate · db.")


@train_probe.judge
def train_judge(d):
    from utils.checks import CheckFailed
    from utils.neuron import train as ref

    try:
        _judge_train_runs(d["propias"], lambda X, y, a, n: ref(X, y, learning_rate=a, n_iters=n))
    except CheckFailed:
        # ¿Falla por un ejercicio anterior? Entonces se nombra ese ejercicio, salvo que el
        # bucle, probado con piezas sustitutas, esté bien: en ese caso train vale sus puntos.
        try:
            judge_dependencies(d["dependencias"], LAB, ["sigmoid", "compute_cost", "compute_gradients"], "train")
        except CheckFailed:
            _judge_standin(d["sustitutas"])
            return
        raise


def _judge_standin(res):
    from utils import checks as c

    X, y = _train_data()
    w_ref, b_ref, hist_ref = standin_train(X, y, 0.5, 6)
    res = c.ok(res, "train", hint=HINTS["train"])
    c.check_tuple(res, 3, "train debe devolver una tupla de tres elementos: return w, b, history")
    w, b, hist = res
    c.check_close(hist, hist_ref, what="history (con sigmoid, compute_cost y compute_gradients de prueba)",
                  hint="train debe usar tus funciones sigmoid, compute_cost y compute_gradients: calcula a, "
                       "guarda el costo, calcula dw y db y actualiza w y b.")
    c.check_close(w, w_ref, what="w final (con funciones de prueba)", hint="w = w − learning_rate · dw.")
    c.check_close(b, b_ref, what="b final (con funciones de prueba)", hint="b = b − learning_rate · db.")


# --- Ejercicio 5 · entrenar y evaluar ------------------------------------------

@exercise(LAB, "entrenar_y_evaluar", points=2)
def entrenar_probe(s):
    return {"w": s.value("w"), "b": s.value("b"), "history": s.value("history"), "y_pred": s.value("y_pred"),
            "dependencias": probe_dependencies(s, LAB, ["sigmoid", "compute_cost", "compute_gradients", "train"])}


def _test_split():
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split

    datos = load_breast_cancer()
    X_tr, X_te, _, y_te = train_test_split(datos.data, 1 - datos.target, test_size=0.25,
                                           random_state=0, stratify=1 - datos.target)
    return (X_te - X_tr.mean(axis=0)) / X_tr.std(axis=0), y_te


@entrenar_probe.judge
def entrenar_judge(d):
    from utils.checks import CheckFailed

    try:
        return _judge_trained(d)
    except CheckFailed:
        # Si el fallo viene de una función anterior, se nombra el ejercicio que hay que arreglar.
        judge_dependencies(d["dependencias"], LAB, ["sigmoid", "compute_cost", "compute_gradients", "train"],
                           "Tu entrenamiento del ejercicio 5")
        raise


def _judge_trained(d):
    from utils import checks as c
    from utils.activations import sigmoid as ref

    faltan = [n for n in ("w", "b", "history", "y_pred") if type(d[n]) is dict and "__falta__" in d[n]]
    c.check_true(not faltan, "Todavía no completaste el ejercicio 5: tu celda debe definir w, b, history e y_pred "
                             f"(falta {', '.join(faltan)}).")
    X_te, y_te = _test_split()
    w, b, y_pred = (c.ok(d[n], n) for n in ("w", "b", "y_pred"))
    c.check_true(np.shape(w) == (X_te.shape[1],),
                 f"w debe tener un peso por rasgo, forma ({X_te.shape[1]},); tiene forma {np.shape(w)}. "
                 "¿Entrenaste con X_train?")
    c.check_true(np.ndim(b) == 0, f"b debe ser un solo número; tiene forma {np.shape(b)}.")
    c.check_true(np.shape(y_pred) == y_te.shape,
                 f"y_pred debe tener una predicción por tumor de prueba, forma {y_te.shape}; tiene forma "
                 f"{np.shape(y_pred)}.")
    w, b, y_pred = np.asarray(w, dtype=float), np.asarray(b, dtype=float), np.asarray(y_pred)
    c.check_true(bool(np.all(np.isin(y_pred, [0, 1]))),
                 "y_pred debe contener clases (0 o 1), no probabilidades: aplica el umbral, (a >= 0.5).astype(int).")
    c.check_true(np.array_equal(y_pred, (ref(X_te @ w + b) >= 0.5).astype(int)),
                 "y_pred debe salir de tu modelo entrenado: 1 si σ(X_test·w + b) ≥ 0.5 y 0 si no.")
    exactitud = float(np.mean(y_pred == y_te))
    c.check_true(exactitud >= 0.93,
                 f"La exactitud en prueba es {exactitud:.3f}; se pide al menos 0.93. "
                 "Mira la curva de costo: si sigue bajando, usa más iteraciones o una tasa mayor.")
    return f"Exactitud en prueba: {exactitud:.3f}"
