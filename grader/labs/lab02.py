"""Comprobaciones del laboratorio 2 (red de dos capas desde cero).

Cada sonda llama a las funciones del estudiante con entradas fijadas aquí (con
semilla) y devuelve datos planos; cada juez vuelve a generar esas entradas y las
compara con ``utils.mlp``. Los ejercicios que usan otros (``train`` usa
``init_params``, ``forward`` y ``backward``; el ejercicio 6 usa todo) prueban primero
sus dependencias y nombran el ejercicio que hay que arreglar; ``train`` se prueba
además con piezas sustitutas, para que un error de ``backward`` no se cobre dos veces
(ver «Calificar entregas» en instructores.md).
"""

import numpy as np

from grader.api import exercise, judge_dependencies, probe_dependencies

LAB = "lab02"
# Exactitud mínima del ejercicio 6 en las 38 flores de prueba. La solución oficial (n_1 = 8, α = 1,
# 2 000 iteraciones) con las semillas 0–9 de init_params da 0.926 ± 0.011 (de 0.921 a 0.947, es
# decir, 35 o 36 flores): el umbral queda 0.021 por debajo de la peor, más que la desviación
# entre semillas (norma 8 de instructores.md). Una flor vale 0.026.
UMBRAL = 0.90
MEDIDAS = (0.921, 0.921, 0.921, 0.921, 0.947, 0.921, 0.947, 0.921, 0.921, 0.921)

# Pistas que acompañan al error real del estudiante cuando su función lanza una excepción.
HINTS = {
    'init_params': ('rng = np.random.default_rng(seed); W1 = rng.normal(0, np.sqrt(1 / n_0), size=(n_0, '
        'n_1)); W2 = rng.normal(0, np.sqrt(1 / n_1), size=(n_1, 1)); b1 = np.zeros(n_1); b2 = '
        'np.zeros(1).'),
    'forward': ('Con X de forma (m, n_0): Z1 = X @ W1 + b1 (m, n_1); A1 = np.tanh(Z1); Z2 = A1 @ W2 + b2 '
        "(m, 1); A2 = sigmoid(Z2). Toma W1 = params[0]['W'], b1 = params[0]['b'], etc."),
    'backward': ('m = X.shape[0]; dZ2 = (A2 − Y) / m; dW2 = A1.T @ dZ2; db2 = np.sum(dZ2, axis=0); dZ1 = '
        '(dZ2 @ W2.T) * tanh_grad(Z1); dW1 = X.T @ dZ1; db1 = np.sum(dZ1, axis=0). Z1, A1 y A2 '
        'salen del caché.'),
    'gradient_check': ('num = np.zeros_like(x, dtype=float); recorre for idx in np.ndindex(x.shape), perturba '
        'x[idx] en su lugar y devuélvelo a su valor; error = ||num − ana|| / (||num|| + ||ana||),'
        ' con np.linalg.norm.'),
    'train': ('params = init_params(X.shape[1], n_1, seed); en cada iteración forward, compute_cost (en'
        ' history), backward y W = W − learning_rate · dW, b = b − learning_rate · db en las dos '
        'capas.'),
}


def _net(seed: int, m: int, n_0: int, n_1: int):
    """Entradas de prueba: X (m, n_0), Y (m, 1) y parámetros con sesgos no nulos."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n_0))
    Y = rng.integers(0, 2, size=(m, 1)).astype(float)
    params = [{"W": rng.normal(0, 0.7, size=(n_0, n_1)), "b": rng.normal(0, 0.5, size=n_1)},
              {"W": rng.normal(0, 0.7, size=(n_1, 1)), "b": np.array([0.3])}]
    return X, Y, params


# --- Ejercicio 1 · init_params -------------------------------------------------

@exercise(LAB, "init_params", points=1)
def init_params_probe(s):
    return {"p": s.call("init_params", 4, 3, seed=0), "grande": s.call("init_params", 400, 300, seed=1),
            "otra": s.call("init_params", 4, 3, seed=0), "distinta": s.call("init_params", 4, 3, seed=7)}


def _params_ok(p, name="init_params"):
    from utils import checks as c

    p = c.ok(p, name, hint=HINTS.get(name, ""))
    c.check_true(type(p) in (list, tuple) and len(p) == 2 and all(type(x) is dict and {"W", "b"} <= set(x) for x in p),
                 f'{name} debe devolver una lista de dos diccionarios: [{{"W": W1, "b": b1}}, {{"W": W2, "b": b2}}].')
    return p


@init_params_probe.judge
def init_params_judge(d):
    from utils import checks as c

    p = _params_ok(d["p"])
    formas = [np.shape(p[0]["W"]), np.shape(p[0]["b"]), np.shape(p[1]["W"]), np.shape(p[1]["b"])]
    c.check_true(formas[0] != (3, 4),
                 "W1 tiene forma (n_1, n_0) = (3, 4): está traspuesta. En este curso los ejemplos van en "
                 "filas y Z1 = X @ W1, así que W1 debe tener forma (n_0, n_1) = (4, 3).")
    c.check_true(formas == [(4, 3), (3,), (3, 1), (1,)],
                 f"Con n_0 = 4 y n_1 = 3 las formas de W1, b1, W2 y b2 deben ser (4, 3), (3,), (3, 1) y (1,); "
                 f"son {formas[0]}, {formas[1]}, {formas[2]} y {formas[3]}.")
    c.check_true(not np.any(p[0]["b"]) and not np.any(p[1]["b"]), "Los sesgos b1 y b2 deben empezar en cero.")
    W1 = np.asarray(p[0]["W"], dtype=float)
    c.check_true(np.unique(np.round(W1, 12)).size == W1.size,
                 "Los pesos de W1 deben ser aleatorios y distintos entre sí (si empiezan iguales, "
                 "las neuronas ocultas aprenden lo mismo). Usa rng.normal.")
    grande = _params_ok(d["grande"])
    for l, n_in in [(0, 400), (1, 300)]:
        std, esperada = float(np.std(np.asarray(grande[l]["W"], dtype=float))), np.sqrt(1 / n_in)
        c.check_true(0.8 * esperada < std < 1.2 * esperada,
                     f"Con {n_in} entradas, la desviación estándar de W{l + 1} debería ser "
                     f"sqrt(1/{n_in}) ≈ {esperada:.4f}, pero es {std:.4f}. ¿Usaste np.sqrt(1 / n)?")
    otra = _params_ok(d["otra"])
    c.check_true(np.array_equal(W1, np.asarray(otra[0]["W"], dtype=float)),
                 "Con la misma semilla init_params debe devolver los mismos pesos: "
                 "crea el generador con rng = np.random.default_rng(seed).")
    distinta = _params_ok(d["distinta"])
    c.check_true(not np.array_equal(W1, np.asarray(distinta[0]["W"], dtype=float)),
                 "Con semillas distintas init_params debería dar pesos distintos: usa el argumento seed.")


# --- Ejercicio 2 · forward -----------------------------------------------------

@exercise(LAB, "forward", points=2)
def forward_probe(s):
    X, _, params = _net(2, 6, 4, 3)
    return {"res": s.call("forward", X, params)}


@forward_probe.judge
def forward_judge(d):
    from utils import checks as c
    from utils import mlp

    X, _, params = _net(2, 6, 4, 3)
    ref, caches = mlp.forward(X, params, ["tanh", "sigmoid"])
    res = c.ok(d["res"], "forward", hint=HINTS["forward"])
    c.check_true(type(res) is tuple and len(res) == 2, "forward debe devolver una tupla de dos elementos: return A2, cache")
    A2, cache = res
    c.check_true(type(cache) is dict and {"Z1", "A1", "Z2", "A2"} <= set(cache),
                 'El caché debe ser un diccionario con las claves "Z1", "A1", "Z2" y "A2".')
    c.check_true(np.shape(A2) != (6, 3),
                 "A2 tiene forma (m, n_1) = (6, 3), la de la capa oculta. La activación de la capa 2 se "
                 "aplica a su propia Z: A2 = sigmoid(Z2), con Z2 = A1 @ W2 + b2.")
    c.check_close(cache["Z1"], caches[0]["Z"], what="Z1 (6 ejemplos, 4 rasgos, 3 neuronas ocultas)",
                  hint="Z1 = X @ W1 + b1, con W1 = params[0]['W'] y b1 = params[0]['b'].")
    c.check_close(cache["A1"], caches[0]["A"], what="A1", hint="A1 = np.tanh(Z1).")
    c.check_close(cache["Z2"], caches[1]["Z"], what="Z2", hint="Z2 = A1 @ W2 + b2.")
    c.check_close(A2, ref, what="A2, la salida de la red", hint="A2 = sigmoid(Z2).")
    c.check_close(cache["A2"], ref, what='cache["A2"]', hint="Guarda en el caché la misma A2 que devuelves.")


# --- Ejercicio 3 · backward ----------------------------------------------------

def _backward_inputs():
    """X, Y, params y un caché coherente con ellos (calculado con las fórmulas del enunciado)."""
    X, Y, params = _net(4, 7, 4, 3)                  # 7 ejemplos y 4 rasgos: nada es cuadrado
    Z1 = X @ params[0]["W"] + params[0]["b"]
    A1 = np.tanh(Z1)
    Z2 = A1 @ params[1]["W"] + params[1]["b"]
    return X, Y, params, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": 1 / (1 + np.exp(-Z2))}


@exercise(LAB, "backward", points=3)
def backward_probe(s):
    return {"g": s.call("backward", *_backward_inputs())}


@backward_probe.judge
def backward_judge(d):
    from utils import checks as c
    from utils import mlp

    X, Y, params, _ = _backward_inputs()
    out, caches = mlp.forward(X, params, ["tanh", "sigmoid"])
    ref = mlp.backward(Y, out, caches, params, ["tanh", "sigmoid"])
    g = c.ok(d["g"], "backward", hint=HINTS["backward"])
    c.check_true(type(g) in (list, tuple) and len(g) == 2 and all(type(x) is dict and {"W", "b"} <= set(x) for x in g),
                 'backward debe devolver [{"W": dW1, "b": db1}, {"W": dW2, "b": db2}].')
    nombres = {(0, "W"): "dW1", (0, "b"): "db1", (1, "W"): "dW2", (1, "b"): "db2"}
    for (l, k), nombre in nombres.items():
        c.check_true(np.shape(g[l][k]) == ref[l][k].shape,
                     f"{nombre} debe tener la forma de su parámetro, {ref[l][k].shape}; tiene "
                     f"{np.shape(g[l][k])}. Recuerda: dW = (entrada de la capa).T @ dZ y db = np.sum(dZ, axis=0).")
    for (l, k), nombre in nombres.items():
        est = np.asarray(g[l][k], dtype=float)
        c.check_true(not np.allclose(est, 7 * ref[l][k]),
                     f"{nombre} es m = 7 veces el correcto: J es un promedio, divide dZ2 entre m.")
        c.check_true(not np.allclose(est, -ref[l][k]),
                     f"{nombre} tiene el signo invertido: dZ2 = (A2 − Y) / m, no (Y − A2) / m.")
    for l, k in [(1, "W"), (1, "b")]:
        c.check_close(g[l][k], ref[l][k], what=nombres[(l, k)],
                      hint="dZ2 = (A2 − Y) / m; dW2 = A1.T @ dZ2; db2 = np.sum(dZ2, axis=0).")
    sin_tanh = X.T @ (((out - Y) / 7) @ params[1]["W"].T)
    c.check_true(not np.allclose(np.asarray(g[0]["W"], dtype=float), sin_tanh),
                 "dW1 no incluye la derivada de la activación oculta: dZ1 = (dZ2 @ W2.T) * (1 − tanh²(Z1)). "
                 "Sin ese factor la regla de la cadena queda incompleta.")
    for l, k in [(0, "W"), (0, "b")]:
        c.check_close(g[l][k], ref[l][k], what=nombres[(l, k)],
                      hint="dZ1 = (dZ2 @ W2.T) * tanh_grad(Z1); dW1 = X.T @ dZ1; db1 = np.sum(dZ1, axis=0).")


# --- Ejercicio 4 · gradient_check ------------------------------------------------
# Se prueba la función sola, con una función conocida: f(v) = suma(sin(A v)), de
# gradiente Aᵀ cos(A v). Además se prueba directamente el contrato «en su lugar»:
# una f que, como el costo de la red, lee x desde fuera (no de su argumento) solo ve
# las perturbaciones si gradient_check cambia x mismo, no una copia.

def _known():
    rng = np.random.default_rng(6)
    A, v = rng.normal(size=(5, 6)), rng.normal(size=(2, 3))
    return A, v, (np.cos(A @ v.ravel()) @ A).reshape(2, 3)


@exercise(LAB, "gradient_check", points=2)
def gradient_check_probe(s):
    A, v, bueno = _known()

    def f(w):
        return float(np.sum(np.sin(A @ np.asarray(w).ravel())))

    x = v.copy()

    def f_desde_fuera(_ignorado):
        return float(np.sum(np.sin(A @ x.ravel())))

    return {"exacto": s.call_inplace("gradient_check", f, v, bueno),
            "en_su_lugar": s.call_inplace("gradient_check", f_desde_fuera, x, bueno, copy_args=False),
            "doble": s.call("gradient_check", f, v, 2 * bueno),
            "ceros": s.call("gradient_check", lambda w: 0.0, np.zeros(3), np.zeros(3))}


@gradient_check_probe.judge
def gradient_check_judge(d):
    from utils import checks as c
    from utils import mlp

    A, v, bueno = _known()

    def f(w):
        return float(np.sum(np.sin(A @ np.asarray(w).ravel())))

    exacto = d["exacto"]
    err = c.ok(exacto["resultado"], "gradient_check", hint=HINTS["gradient_check"])
    c.check_true(np.array_equal(np.asarray(exacto["args"][1], dtype=float), v),
                 "gradient_check cambió x: después de evaluar f(x + eps) y f(x − eps), "
                 "devuelve cada entrada a su valor original.")
    c.check_true(err is not None and type(err) in (int, float, np.ndarray) and np.ndim(err) == 0,
                 f"gradient_check debe devolver un solo número (el error relativo); devolvió {err!r}.")
    err = float(err)
    c.check_true(err < 1e-7,
                 f"Con el gradiente exacto tu error relativo es {err:.1e}; debería ser menor que 1e-7. "
                 "¿Usaste la diferencia centrada (f(x + eps) − f(x − eps)) / (2 eps)? La diferencia hacia "
                 "un solo lado, (f(x + eps) − f(x)) / eps, es mucho menos precisa.")
    lugar = c.ok(d["en_su_lugar"]["resultado"], "gradient_check", hint=HINTS["gradient_check"])
    c.check_true(type(lugar) in (int, float) and float(lugar) < 1e-7,
                 "Tu gradient_check da bien con una f que lee su argumento, pero no con una f que lee x desde "
                 "fuera, como el costo de la red lee los pesos guardados en params: perturbas una copia de x. "
                 "Cambia x en su lugar (x[idx] = valor + eps), evalúa f(x) y devuelve x[idx] a su valor.")
    c.check_close(err, mlp.gradient_check(f, v.copy(), bueno), rtol=0.5, atol=1e-9,
                  what="el error relativo con el gradiente exacto",
                  hint="error = ||num − ana|| / (||num|| + ||ana||), con np.linalg.norm.")
    c.check_close(c.ok(d["doble"], "gradient_check", hint=HINTS["gradient_check"]),
                  mlp.gradient_check(f, v.copy(), 2 * bueno), rtol=1e-4,
                  what="el error relativo con un gradiente equivocado (el doble del exacto)",
                  hint="error = ||num − ana|| / (||num|| + ||ana||): la norma de la diferencia dividida "
                       "por la SUMA de las dos normas.")
    c.check_close(c.ok(d["ceros"], "gradient_check", hint=HINTS["gradient_check"]),
                  0.0, what="el error relativo cuando los dos gradientes son cero",
                  hint="Si el denominador es 0, devuelve 0.0.")


# --- Ejercicio 5 · train ---------------------------------------------------------
# Dos pruebas: con las funciones del estudiante (la que da los puntos) y con piezas
# sustitutas en lugar de init_params, forward, backward y compute_cost. Si la primera
# falla porque falla un ejercicio anterior y el bucle está bien con las sustitutas,
# train vale sus puntos: el error se cobra en su ejercicio.

_TRAIN_CASES = [(0.5, 20, 0), (2.0, 3, 1)]


def _train_data():
    rng = np.random.default_rng(9)
    X = rng.normal(size=(30, 4))
    return X, (X[:, :1] * X[:, 1:2] > 0).astype(float)    # un problema no lineal pequeño


def _standin_init(n_0, n_1, seed=0):
    rng = np.random.default_rng(1000 + int(seed))
    return [{"W": rng.normal(0, 0.5, size=(n_0, n_1)), "b": rng.normal(0, 0.1, size=n_1)},
            {"W": rng.normal(0, 0.5, size=(n_1, 1)), "b": np.array([0.05])}]


def _standin_forward(X, params):
    h = np.sin(X @ params[0]["W"]) + params[0]["b"]
    A2 = 0.5 + 0.4 * np.tanh(h @ params[1]["W"] + params[1]["b"])
    return A2, {"Z1": h, "A1": h, "Z2": A2, "A2": A2}


def _standin_backward(X, Y, params, cache):
    return [{"W": 0.1 * p["W"] + 0.01 * (i + 1), "b": 0.2 * p["b"] - 0.02} for i, p in enumerate(params)]


def _standin_cost(A2, Y):
    return float(np.mean((np.asarray(A2) - Y) ** 2)) + 0.25


def standin_train(X, Y, n_1, learning_rate, n_iters, seed=0):
    """El bucle correcto con las piezas sustitutas (lo que debe dar `train` con ellas)."""
    params, history = _standin_init(X.shape[1], n_1, seed), []
    for _ in range(n_iters):
        A2, cache = _standin_forward(X, params)
        history.append(_standin_cost(A2, Y))
        grads = _standin_backward(X, Y, params, cache)
        params = [{"W": p["W"] - learning_rate * g["W"], "b": p["b"] - learning_rate * g["b"]}
                  for p, g in zip(params, grads)]
    return params, history


_STANDINS = {"init_params": _standin_init, "forward": _standin_forward, "backward": _standin_backward,
             "compute_cost": _standin_cost}
_DEPS_TRAIN = ["init_params", "forward", "backward"]


@exercise(LAB, "train", points=2)
def train_probe(s):
    X, Y = _train_data()
    return {"propias": [s.call("train", X, Y, 5, a, n, seed=k) for a, n, k in _TRAIN_CASES],
            "inicios": [s.call("init_params", 4, 5, k) for _, _, k in _TRAIN_CASES],
            "sustitutas": s.call_with(_STANDINS, "train", X, Y, 3, 0.5, 6, seed=2),
            "dependencias": probe_dependencies(s, LAB, _DEPS_TRAIN)}


def _judge_own_train(d):
    from utils import checks as c
    from utils import mlp

    X, Y = _train_data()
    for (alpha, n, k), res, inicio in zip(_TRAIN_CASES, d["propias"], d["inicios"]):
        res = c.ok(res, "train", hint=HINTS["train"])
        c.check_true(type(res) is tuple and len(res) == 2, "train debe devolver una tupla de dos elementos: return params, history")
        p_est, hist = res
        c.check_true(np.ndim(hist) == 1 and len(hist) == n,
                     f"history debe tener un costo por iteración: con n_iters = {n} tiene {np.shape(hist)}.")
        # La referencia parte de TU inicialización (cualquier init_params correcta sirve).
        inicio = _params_ok(inicio)
        p_ref, hist_ref = mlp.train(X, Y, [{k2: np.asarray(v, dtype=float) for k2, v in capa.items()} for capa in inicio],
                                    ["tanh", "sigmoid"], learning_rate=alpha, n_iters=n)
        c.check_close(hist[0], hist_ref[0], what="el primer costo de history",
                      hint="Crea los parámetros con init_params(X.shape[1], n_1, seed) y guarda el costo "
                           "ANTES de la primera actualización.")
        c.check_true(hist[-1] < hist[0], "El costo no bajó. Actualiza en contra del gradiente: W = W − learning_rate · dW.")
        p_est = _params_ok(p_est, "train")
        for l in range(2):
            c.check_true(bool(np.any(np.asarray(p_est[l]["b"]) != 0)),
                         f"b{l + 1} sigue en cero después de entrenar: actualiza también los sesgos, "
                         "b = b − learning_rate · db, en las dos capas.")
            c.check_close(p_est[l]["W"], p_ref[l]["W"], what=f"W{l + 1} final",
                          hint="Actualiza los pesos de las dos capas en cada iteración.")
            c.check_close(p_est[l]["b"], p_ref[l]["b"], what=f"b{l + 1} final",
                          hint="Actualiza también los sesgos: b = b − learning_rate · db, en las dos capas.")
        c.check_close(hist, hist_ref, what=f"history con learning_rate = {alpha} y n_iters = {n}",
                      hint="En cada iteración: forward, costo, backward y recién entonces la actualización.")


def _judge_standin_train(res):
    from utils import checks as c

    X, Y = _train_data()
    p_ref, hist_ref = standin_train(X, Y, 3, 0.5, 6, seed=2)
    res = c.ok(res, "train", hint=HINTS["train"])
    c.check_true(type(res) is tuple and len(res) == 2, "train debe devolver una tupla de dos elementos: return params, history")
    p_est, hist = res
    hint = ("train debe usar tus funciones init_params, forward, compute_cost y backward: en cada iteración "
            "forward, costo, backward y la actualización de W y b en las dos capas.")
    c.check_close(hist, hist_ref, what="history (con funciones de prueba en lugar de las tuyas)", hint=hint)
    p_est = _params_ok(p_est, "train")
    for l in range(2):
        c.check_close(p_est[l]["W"], p_ref[l]["W"], what=f"W{l + 1} final (con funciones de prueba)", hint=hint)
        c.check_close(p_est[l]["b"], p_ref[l]["b"], what=f"b{l + 1} final (con funciones de prueba)", hint=hint)


@train_probe.judge
def train_judge(d):
    from utils.checks import CheckFailed

    try:
        _judge_own_train(d)
    except CheckFailed:
        try:
            judge_dependencies(d["dependencias"], LAB, _DEPS_TRAIN, "train")
        except CheckFailed:
            _judge_standin_train(d["sustitutas"])  # el bucle está bien: el error es de otro ejercicio
            return
        raise


# --- Ejercicio 6 · entrenar y evaluar -------------------------------------------

_DEPS_ALL = ["init_params", "forward", "backward", "train"]


@exercise(LAB, "entrenar_y_evaluar", points=2)
def entrenar_probe(s):
    return {"params": s.value("params"), "history": s.value("history"), "y_pred": s.value("y_pred"),
            "dependencias": probe_dependencies(s, LAB, _DEPS_ALL)}


def _judge_trained(d):
    from sklearn.datasets import load_iris
    from sklearn.model_selection import train_test_split

    from utils import checks as c
    from utils import mlp

    faltan = [n for n in ("params", "history", "y_pred") if type(d[n]) is dict and "__falta__" in d[n]]
    c.check_true(not faltan, "Todavía no completaste el ejercicio 6: tu celda debe definir params, history e y_pred "
                             f"(falta {', '.join(faltan)}).")
    iris = load_iris()
    Xa, Xb, _, yb = train_test_split(iris.data, (iris.target == 1).astype(float), test_size=0.25,
                                     random_state=0, stratify=(iris.target == 1))
    Xb = (Xb - Xa.mean(axis=0)) / Xa.std(axis=0)
    y_pred = c.ok(d["y_pred"], "y_pred")
    params = _params_ok(d["params"], "params")
    c.check_true(np.shape(y_pred) == yb.shape,
                 f"y_pred debe tener una predicción por flor de prueba, forma {yb.shape}; tiene "
                 f"{np.shape(y_pred)}. Si tu salida tiene forma (m, 1), toma su columna: A2[:, 0].")
    y_pred = np.asarray(y_pred)
    c.check_true(bool(np.all(np.isin(y_pred, [0, 1]))),
                 "y_pred debe contener clases (0 o 1), no probabilidades: aplica el umbral, (A2 >= 0.5).astype(int).")
    c.check_true(np.shape(params[0]["W"])[:1] == (4,),
                 f"W1 debe tener 4 filas (los 4 rasgos de X_train); tiene forma {np.shape(params[0]['W'])}.")
    salida, _ = mlp.forward(Xb, [{k: np.asarray(v, dtype=float) for k, v in capa.items()} for capa in params],
                            ["tanh", "sigmoid"])
    c.check_true(np.array_equal(y_pred, (salida[:, 0] >= 0.5).astype(int)),
                 "y_pred debe salir de tu red entrenada sobre X_test: 1 si la salida es ≥ 0.5 y 0 si no.")
    exactitud = float(np.mean(y_pred == yb))
    c.check_true(exactitud >= UMBRAL,
                 f"La exactitud en prueba es {exactitud:.3f}; se pide al menos {UMBRAL:.2f}. Mira la curva de costo: "
                 "si sigue bajando, usa más iteraciones o una tasa mayor; prueba también con más neuronas ocultas.")
    return f"Exactitud en prueba: {exactitud:.3f}"


@entrenar_probe.judge
def entrenar_judge(d):
    from utils.checks import CheckFailed

    try:
        return _judge_trained(d)
    except CheckFailed:
        judge_dependencies(d["dependencias"], LAB, _DEPS_ALL, "Tu entrenamiento del ejercicio 6")
        raise
