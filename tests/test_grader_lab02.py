"""Las comprobaciones del laboratorio 2 (sondas y jueces), sin núcleo ni sandbox.

Se ejecutan las celdas del laboratorio en un espacio de nombres que imita el
cuaderno y se pasan las sondas por el mismo camino que en el calificador
(``encode``/``decode``). Cubren lo que pide el issue 19 para este laboratorio:
cascadas que nombran el ejercicio que hay que arreglar, cuántos puntos cuesta un
error, el contrato «en su lugar» de ``gradient_check`` probado directamente y una
solución correcta escrita de otro modo.
"""

import pytest

from grader import api
from utils import notebooks
from utils.checks import CheckFailed

LAB = notebooks.ROOT / "labs" / "lab02_red_dos_capas.ipynb"
POINTS = {"init_params": 1, "forward": 2, "backward": 3, "gradient_check": 2, "train": 2, "entrenar_y_evaluar": 2}


def _namespace(replace=None):
    nb = notebooks.load(LAB)
    ns = {"__name__": "__main__"}
    for cell in nb["cells"]:
        info = cell.get("metadata", {}).get("curso", {})
        if cell["cell_type"] != "code" or "comprueba" in info or cell.get("id") in ("preparacion", "curva"):
            continue
        src = notebooks._source(cell)
        if replace and info.get("ejercicio") in replace:
            src = notebooks.replace_solutions(src, replace[info["ejercicio"]])
        try:
            exec(notebooks.strip_solution_markers(src), ns)
        except Exception:  # noqa: BLE001 - como en un cuaderno: la celda falla y se sigue
            pass
    return ns


def _grade(ns):
    scores, messages = {}, {}
    for name, ex in api.exercises("lab02").items():
        data = api.decode(api.encode(api.run_probe("lab02", name, ns)))
        try:
            api.judge("lab02", name, data)
            scores[name] = ex.points
        except CheckFailed as exc:
            scores[name], messages[name] = 0, str(exc)
    return scores, messages


@pytest.fixture(scope="module")
def source():
    return _grade(_namespace())


def test_points_and_source_full_marks(source):
    assert {n: e.points for n, e in api.exercises("lab02").items()} == POINTS
    scores, messages = source
    assert scores == POINTS, messages


def test_each_wrong_answer_fails_its_own_check_and_names_it_downstream():
    nb = notebooks.load(LAB)
    for cell in nb["cells"]:
        info = cell.get("metadata", {}).get("curso", {})
        if "incorrecta" not in info:
            continue
        scores, messages = _grade(_namespace({info["ejercicio"]: info["incorrecta"]}))
        assert scores[info["ejercicio"]] == 0, info["ejercicio"]
        lost = {n for n, s in scores.items() if s == 0}
        # un error cuesta su ejercicio y, como mucho, el de entrenar y evaluar
        assert lost <= {info["ejercicio"], "entrenar_y_evaluar"}, (info["ejercicio"], messages)
        if "entrenar_y_evaluar" in lost and info["ejercicio"] != "entrenar_y_evaluar":
            number = api.get("lab02", info["ejercicio"]).number
            assert f"`{info['ejercicio']}` (ejercicio {number})" in messages["entrenar_y_evaluar"], messages


SIGN = ('m = X.shape[0]\nW2 = params[1]["W"]\ndZ2 = (Y - cache["A2"]) / m\ndW2 = cache["A1"].T @ dZ2\n'
        'db2 = np.sum(dZ2, axis=0)\ndZ1 = (dZ2 @ W2.T) * tanh_grad(cache["Z1"])\n'
        'return [{"W": X.T @ dZ1, "b": np.sum(dZ1, axis=0)}, {"W": dW2, "b": db2}]')
TOO_LARGE = ('W2 = params[1]["W"]\ndZ2 = cache["A2"] - Y\ndW2 = cache["A1"].T @ dZ2\ndb2 = np.sum(dZ2, axis=0)\n'
             'dZ1 = (dZ2 @ W2.T) * tanh_grad(cache["Z1"])\n'
             'return [{"W": X.T @ dZ1, "b": np.sum(dZ1, axis=0)}, {"W": dW2, "b": db2}]')


@pytest.mark.parametrize("code, hint", [(SIGN, "signo invertido"), (TOO_LARGE, "m = 7 veces")])
def test_a_backward_mistake_costs_five_points_and_names_exercise_3(code, hint):
    scores, messages = _grade(_namespace({"backward": code}))
    assert sum(POINTS.values()) - sum(scores.values()) == POINTS["backward"] + POINTS["entrenar_y_evaluar"], messages
    assert hint in messages["backward"]
    assert "`backward` (ejercicio 3)" in messages["entrenar_y_evaluar"]
    assert "El costo no bajó" not in " ".join(messages.values())


def test_gradient_check_on_a_copy_is_named_as_such():
    copy = ("x = np.array(x, dtype=float, copy=True)\nnum = np.zeros_like(x)\nfor idx in np.ndindex(x.shape):\n"
            "    v = x[idx]\n    x[idx] = v + eps\n    fp = f(x)\n    x[idx] = v - eps\n    fm = f(x)\n"
            "    x[idx] = v\n    num[idx] = (fp - fm) / (2 * eps)\n"
            "den = np.linalg.norm(num) + np.linalg.norm(analytic_grad)\n"
            "return 0.0 if den == 0 else float(np.linalg.norm(num - analytic_grad) / den)")
    scores, messages = _grade(_namespace({"gradient_check": copy}))
    assert scores["gradient_check"] == 0 and "perturbas una copia de x" in messages["gradient_check"]
    assert "backward" not in messages["gradient_check"] and "ejercicio 3" not in messages["gradient_check"]
    assert {n for n, s in scores.items() if s == 0} == {"gradient_check"}


def test_student_exception_is_reported_with_the_hint_not_as_unfinished():
    scores, messages = _grade(_namespace({"forward": "W1 = params[0]['W']\nZ1 = W1 @ X\nreturn Z1, {}"}))
    assert scores["forward"] == 0
    assert "lanzó un error" in messages["forward"] and "ValueError" in messages["forward"]
    assert "Todavía no completaste" not in messages["forward"]


ALTERNATIVE = {
    "init_params": "g = np.random.default_rng(seed)\nparams = []\nfor n_in, n_out in [(n_0, n_1), (n_1, 1)]:\n"
                   "    params.append({'W': g.normal(0.0, (1 / n_in) ** 0.5, (n_in, n_out)), 'b': np.zeros(n_out)})\n"
                   "return params",
    "forward": "(c1, c2) = params\nZ1 = np.dot(X, c1['W']) + c1['b']\nA1 = np.tanh(Z1)\n"
               "Z2 = np.dot(A1, c2['W']) + c2['b']\nA2 = 1 / (1 + np.exp(-Z2))\n"
               "return A2, dict(Z1=Z1, A1=A1, Z2=Z2, A2=A2)",
    "backward": "m = len(X)\nd2 = (cache['A2'] - Y) / m\nd1 = d2.dot(params[1]['W'].T) * (1 - cache['A1'] ** 2)\n"
                "return [dict(W=X.T.dot(d1), b=d1.sum(0)), dict(W=cache['A1'].T.dot(d2), b=d2.sum(0))]",
    "gradient_check": "num = np.zeros(x.shape)\nit = np.nditer(x, flags=['multi_index'])\nfor _ in it:\n"
                      "    i = it.multi_index\n    viejo = float(x[i])\n    x[i] = viejo + eps\n    a = f(x)\n"
                      "    x[i] = viejo - eps\n    b = f(x)\n    x[i] = viejo\n    num[i] = (a - b) / (2 * eps)\n"
                      "arriba = np.sqrt(np.sum((num - analytic_grad) ** 2))\n"
                      "abajo = np.sqrt(np.sum(num ** 2)) + np.sqrt(np.sum(np.asarray(analytic_grad) ** 2))\n"
                      "return float(arriba / abajo) if abajo else 0.0",
    "train": "params = init_params(X.shape[1], n_1, seed=seed)\nhistory = []\nfor _ in range(n_iters):\n"
             "    salida, cache = forward(X, params)\n    history.append(compute_cost(salida, Y))\n"
             "    grads = backward(X, Y, params, cache)\n    for capa, g in zip(params, grads):\n"
             "        capa['W'] -= learning_rate * g['W']\n        capa['b'] -= learning_rate * g['b']\n"
             "return params, history",
    "entrenar_y_evaluar": "n_1, learning_rate, n_iters = 6, 0.5, 3000\n"
                          "params, history = train(X_train, Y_train, n_1, learning_rate, n_iters, seed=3)\n"
                          "y_pred = (forward(X_test, params)[0].ravel() > 0.5).astype(int)",
}


def test_alternative_correct_solution_gets_full_marks():
    scores, messages = _grade(_namespace(ALTERNATIVE))
    assert scores == POINTS, messages


def test_threshold_has_a_margin_larger_than_the_seed_spread():
    """Norma 8: la peor de 10 semillas de la solución oficial supera el umbral por más que la desviación."""
    import numpy as np

    from grader.labs import lab02

    m = np.array(lab02.MEDIDAS)
    assert len(m) >= 5 and m.min() > lab02.UMBRAL and m.min() - lab02.UMBRAL > m.std(ddof=1)
