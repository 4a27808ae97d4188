"""Laboratorio 7 como lo vive un estudiante: comprobaciones justas y mensajes que nombran la causa.

Un solo núcleo ejecuta el laboratorio fuente (todas las comprobaciones deben pasar,
y se mide el tiempo); después, en ese mismo núcleo, se redefinen las funciones con
soluciones alternativas y con errores típicos, y se llama a ``check`` como lo haría
la celda de comprobación. Los modelos del ejercicio 4 son pequeños (8 épocas).
"""

import pytest

import _labs
from _labs import outputs as _outputs
from _labs import solution_cells as _solution_cells
from utils import notebooks

nbclient = pytest.importorskip("nbclient")
nbformat = pytest.importorskip("nbformat")

ROOT = notebooks.ROOT
LAB = ROOT / "labs" / "lab07_lstm.ipynb"
PRESUPUESTO_S = 150   # el presupuesto es 60 s en una máquina quieta de 2 núcleos; aquí hay margen para la carga


@pytest.fixture(scope="module")
def lab():
    with _labs.kernel_session(LAB, "lab07", "_modelo_oficial, _largo_oficial = model, LARGO") as sesion:
        yield sesion


def _restore(k, nb, name):
    if name == "pronostico_co2":
        k.run("model, LARGO = _modelo_oficial, _largo_oficial")
    else:
        k.run(_solution_cells(nb)[name].source)


def test_source_gets_full_marks_in_the_notebook(lab):
    from grader.api import exercises

    nb = lab["nb"]
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not _outputs(cell)[1], f"la celda {cell.id} falló: {_outputs(cell)[1]}"
    checks = [c for c in nb.cells if "comprueba" in c.metadata.get("curso", {})]
    registro = exercises("lab07")
    assert [c.metadata["curso"]["comprueba"] for c in checks] == list(registro)
    for cell in checks:
        name = cell.metadata["curso"]["comprueba"]
        assert cell.metadata["curso"]["puntos"] == registro[name].points
        assert f"✔ Ejercicio «{name}» correcto" in _outputs(cell)[0]
    assert sum(e.points for e in registro.values()) == 10


def test_budget_and_no_english_logs(lab):
    print(f"laboratorio 7 ejecutado en {lab['segundos']:.1f} s (con la máquina compartida)")
    assert lab["segundos"] < PRESUPUESTO_S
    for cell in lab["nb"].cells:
        texto = _outputs(cell)[0] if cell.cell_type == "code" else ""
        assert "Epoch" not in texto and "/step" not in texto, f"registro de Keras en inglés en {cell.id}"
        assert "/work" not in texto and "/root" not in texto and "/tmp" not in texto


def test_each_wrong_answer_fails_its_own_check(lab):
    k = lab["k"]
    for name, cell in _solution_cells(lab["nb"]).items():
        _, error = k.run(notebooks.replace_solutions(cell.source, cell.metadata["curso"]["incorrecta"]))
        assert error is None, error
        texto, error = k.check(name)
        assert error and error[0] == "CheckFailed", f"la respuesta incorrecta de «{name}» pasó: {texto}"
        _restore(k, lab["nb"], name)


# --- Soluciones correctas en otros estilos -------------------------------------

ALTERNATIVAS = {
    "lstm_cell_step": '''
def lstm_cell_step(x, h, c, kernel, recurrent_kernel, bias):
    u = h.shape[1]
    z = np.dot(x, kernel) + np.dot(h, recurrent_kernel) + bias
    sig = lambda t: np.exp(t) / (1 + np.exp(t))
    c_nueva = sig(z[:, u:2 * u]) * c + sig(z[:, :u]) * np.tanh(z[:, 2 * u:3 * u])
    return [sig(z[:, 3 * u:]) * np.tanh(c_nueva), c_nueva][0], c_nueva
''',
    "lstm_sequence": '''
def lstm_sequence(x, kernel, recurrent_kernel, bias):
    u = recurrent_kernel.shape[0]
    h = c = np.zeros((x.shape[0], u))
    estados = []
    for x_t in np.moveaxis(x, 1, 0):
        h, c = lstm_cell_step(x_t, h, c, kernel, recurrent_kernel, bias)
        estados.append(h)
    return np.stack(estados, axis=1), c
''',
    "gru_cell_step": '''
def gru_cell_step(x, h, kernel, recurrent_kernel, bias):
    u = h.shape[-1]
    W = {k: kernel[:, i * u:(i + 1) * u] for i, k in enumerate("zrh")}
    U = {k: recurrent_kernel[:, i * u:(i + 1) * u] for i, k in enumerate("zrh")}
    b = {k: bias[0, i * u:(i + 1) * u] for i, k in enumerate("zrh")}
    b2 = {k: bias[1, i * u:(i + 1) * u] for i, k in enumerate("zrh")}
    s = lambda t: 0.5 * (1 + np.tanh(t / 2))
    z = s(x @ W["z"] + b["z"] + h @ U["z"] + b2["z"])
    r = s(x @ W["r"] + b["r"] + h @ U["r"] + b2["r"])
    cand = np.tanh(x @ W["h"] + b["h"] + r * (h @ U["h"] + b2["h"]))
    return h + (1 - z) * (cand - h)
''',
}


ALTERNATIVAS_2 = {
    "lstm_cell_step": '''
def lstm_cell_step(x, h, c, kernel, recurrent_kernel, bias):
    lote, u = h.shape
    z = (np.einsum("bf,fg->bg", x, kernel) + np.einsum("bu,ug->bg", h, recurrent_kernel) + bias).reshape(lote, 4, u)
    i, f, o = (1 / (1 + np.exp(-z[:, k])) for k in (0, 1, 3))
    c_nueva = f * c + i * np.tanh(z[:, 2])
    h_nueva = o * np.tanh(c_nueva)
    return (h_nueva, c_nueva)
''',
    "lstm_sequence": '''
def lstm_sequence(x, kernel, recurrent_kernel, bias):
    def paso(t, h, c):
        if t == x.shape[1]:
            return [], c
        h, c = lstm_cell_step(x[:, t, :], h, c, kernel, recurrent_kernel, bias)
        resto, c_final = paso(t + 1, h, c)
        return [h] + resto, c_final
    cero = np.zeros((len(x), len(recurrent_kernel)))
    lista, c_final = paso(0, cero, cero)
    return np.array(lista).transpose(1, 0, 2), c_final
''',
    "gru_cell_step": '''
def gru_cell_step(x, h, kernel, recurrent_kernel, bias):
    lote, u = h.shape
    a = (x @ kernel + bias[0]).reshape(lote, 3, u)
    b = (h @ recurrent_kernel + bias[1]).reshape(lote, 3, u)
    z, r = [1 / (1 + np.exp(-(a[:, k] + b[:, k]))) for k in range(2)]
    nueva = np.tanh(a[:, 2] + r * b[:, 2])
    return (1 - z) * nueva + z * h
''',
}


@pytest.mark.parametrize("alternativas,name", [(a, n) for a in ("1", "2") for n in sorted(ALTERNATIVAS)])
def test_alternative_numpy_solutions_get_full_marks(lab, alternativas, name):
    k = lab["k"]
    _, error = k.run((ALTERNATIVAS if alternativas == "1" else ALTERNATIVAS_2)[name])
    assert error is None, error
    texto, error = k.check(name)
    assert error is None, error
    assert f"✔ Ejercicio «{name}» correcto" in texto
    _restore(k, lab["nb"], name)


def test_forecast_with_other_window_and_a_nested_recurrent_layer_passes(lab):
    """Ventana de 39 semanas, API funcional y la GRU dentro de un Sequential anidado (issue 19)."""
    k = lab["k"]
    _, error = k.run('''
LARGO = 39
X_tr, y_tr, X_va, y_va = ventanas(LARGO)
keras.utils.set_random_seed(1)
recurrente = keras.Sequential([keras.layers.GRU(12)], name="recurrente")
e = keras.Input(shape=(LARGO, 1))
model = keras.Model(e, keras.layers.Dense(1)(recurrente(e)))
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mae")
model.fit(relativa(X_tr), (y_tr - X_tr[:, -1, 0]) / ESCALA, epochs=cfg["epochs"], batch_size=32, verbose=0)
''')
    assert error is None, error
    texto, error = k.check("pronostico_co2")
    assert error is None, error
    assert "Ventanas de 39 semanas" in texto
    _restore(k, lab["nb"], "pronostico_co2")


# --- Errores típicos: pierden el ejercicio con un mensaje que nombra la causa ----

ERRORES = [
    ("lstm_cell_step", '''
def lstm_cell_step(x, h, c, kernel, recurrent_kernel, bias):
    z = x @ kernel + h @ recurrent_kernel + bias
    z_i, z_f, z_c, z_o = np.split(z, 4, axis=0)
    s = lambda t: 1 / (1 + np.exp(-t))
    c_new = s(z_f) * c + s(z_i) * np.tanh(z_c)
    return s(z_o) * np.tanh(c_new), c_new
''', ["lanzó un error", "axis=-1"]),
    ("lstm_sequence", '''
def lstm_sequence(x, kernel, recurrent_kernel, bias):
    h = np.zeros((x.shape[0], recurrent_kernel.shape[0])); c = h.copy()
    hs = np.zeros((*x.shape[:2], h.shape[1]))
    for t in range(x.shape[1]):
        h, _ = lstm_cell_step(x[:, t], h, c, kernel, recurrent_kernel, bias)
        hs[:, t] = h
    return hs, c
''', ["no estás arrastrando c"]),
    ("gru_cell_step", '''
def gru_cell_step(x, h, kernel, recurrent_kernel, bias):
    s = lambda t: 1 / (1 + np.exp(-t))
    a_z, a_r, a_h = np.split(x @ kernel + bias[0], 3, axis=-1)
    U_z, U_r, U_h = np.split(recurrent_kernel, 3, axis=-1)
    b_z, b_r, b_h = np.split(bias[1], 3)
    z = s(a_z + h @ U_z + b_z); r = s(a_r + h @ U_r + b_r)
    return z * h + (1 - z) * np.tanh(a_h + (r * h) @ U_h + b_h)
''', ["reset_after=False"]),
    ("gru_cell_step", '''
def gru_cell_step(x, h, kernel, recurrent_kernel, bias):
    s = lambda t: 1 / (1 + np.exp(-t))
    a_r, a_z, a_h = np.split(x @ kernel + bias[0], 3, axis=-1)
    b_r, b_z, b_h = np.split(h @ recurrent_kernel + bias[1], 3, axis=-1)
    z, r = s(a_z + b_z), s(a_r + b_r)
    return z * h + (1 - z) * np.tanh(a_h + r * b_h)
''', ["otro orden"]),
]


@pytest.mark.parametrize("name,source,pieces", ERRORES, ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(ERRORES)])
def test_typical_errors_name_the_cause(lab, name, source, pieces):
    k = lab["k"]
    _, error = k.run(source)
    assert error is None, error
    _, error = k.check(name)
    assert error and error[0] == "CheckFailed", f"el error típico de «{name}» pasó"
    for p in pieces:
        assert p in error[1], (p, error[1])
    _restore(k, lab["nb"], name)


def test_broken_cell_step_is_named_by_the_sequence_check(lab):
    """Si `lstm_sequence` falla porque `lstm_cell_step` está mal, el mensaje nombra el ejercicio 1."""
    k = lab["k"]
    k.run(ERRORES[0][1])                       # la celda partida por el eje 0
    _, error = k.check("lstm_sequence")
    assert error and error[0] == "CheckFailed"
    assert "lstm_cell_step" in error[1] and "ejercicio 1" in error[1]
    _restore(k, lab["nb"], "lstm_cell_step")


def test_forecast_not_tied_to_the_model_fails(lab):
    """Un modelo sin entrenar con pronósticos calculados aparte (mínimos cuadrados) no pasa: cuenta el modelo."""
    k = lab["k"]
    _, error = k.run('''
LARGO = 52
X_tr, y_tr, X_va, y_va = ventanas(LARGO)
keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input(shape=(LARGO, 1)), keras.layers.LSTM(16), keras.layers.Dense(1)])
A = np.c_[X_tr[:, :, 0], np.ones(len(X_tr))]
coef, *_ = np.linalg.lstsq(A, y_tr, rcond=None)
pred_val = np.c_[X_va[:, :, 0], np.ones(len(X_va))] @ coef
pred_test = pred_val
''')
    assert error is None, error
    _, error = k.check("pronostico_co2")
    assert error and error[0] == "CheckFailed" and "no es al menos un 25" in error[1], error
    _restore(k, lab["nb"], "pronostico_co2")


def test_forecast_in_ppm_is_told_about_the_scale(lab):
    k = lab["k"]
    k.run(notebooks.replace_solutions(_solution_cells(lab["nb"])["pronostico_co2"].source,
                                      _solution_cells(lab["nb"])["pronostico_co2"].metadata["curso"]["incorrecta"]))
    _, error = k.check("pronostico_co2")
    assert error and "ppm" in error[1] and "ESCALA" in error[1], error
    _restore(k, lab["nb"], "pronostico_co2")


def test_model_without_recurrent_layer_is_refused(lab):
    k = lab["k"]
    k.run('''
LARGO = 52
model = keras.Sequential([keras.Input(shape=(LARGO, 1)), keras.layers.Flatten(), keras.layers.Dense(1)])
''')
    _, error = k.check("pronostico_co2")
    assert error and "ninguna capa recurrente" in error[1]
    _restore(k, lab["nb"], "pronostico_co2")


def test_forecast_with_variable_length_input_uses_largo(lab):
    """Con keras.Input(shape=(None, 1)) el juez toma el largo de `LARGO`; sin `LARGO`, lo pide."""
    k = lab["k"]
    _, error = k.run('''
LARGO = 52
X_tr, y_tr, X_va, y_va = ventanas(LARGO)
keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input(shape=(None, 1)), keras.layers.LSTM(16), keras.layers.Dense(1)])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="mse")
model.fit(relativa(X_tr), (y_tr - X_tr[:, -1, 0]) / ESCALA, epochs=cfg["epochs"], batch_size=64, verbose=0)
''')
    assert error is None, error
    texto, error = k.check("pronostico_co2")
    assert error is None and "Ventanas de 52 semanas" in texto, error
    k.run("del LARGO")
    _, error = k.check("pronostico_co2")
    assert error and "`LARGO`" in error[1], error
    _restore(k, lab["nb"], "pronostico_co2")


def test_target_has_a_margin_larger_than_the_seed_spread():
    """Norma 8: el cociente MAE / línea base de 5 semillas queda por debajo de la meta con margen."""
    import numpy as np

    from grader.labs import lab07

    m = np.array(lab07.MEDIDAS)
    assert len(m) >= 5 and m.max() < lab07.META
    assert lab07.META - m.max() > m.max() - m.min()
    assert lab07.META - m.mean() > m.std(ddof=1)
