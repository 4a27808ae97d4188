"""Comprobaciones del laboratorio 7 (LSTM y GRU desde cero, pronóstico de CO₂).

Los ejercicios 1–3 llaman a las funciones NumPy del estudiante con entradas fijas
(semillas de este módulo: el juez las vuelve a generar) y comparan con
``utils.rnn`` y con las capas ``LSTM`` y ``GRU`` de Keras cargadas con los mismos
pesos. El ejercicio 4 recibe el modelo entrenado como datos planos; el juez lo
reconstruye y calcula **él mismo** los pronósticos de los últimos 4 años de la
serie, que el cuaderno nunca usa: la nota depende solo del modelo.
"""

import numpy as np

from grader.api import exercise

LAB = "lab07"

HORIZONTE = 26           # semanas entre el último valor de la ventana y el objetivo
ESCALA = 3.0             # la de `relativa` en el cuaderno
SEMANAS_OCULTAS = 208    # los últimos 4 años: objetivos que solo ve el juez
SEMANAS_VALIDACION = 208  # los 4 años anteriores: el período de validación del cuaderno
# El MAE en el período oculto debe ser a lo sumo META × el de la mejor línea base (1.784 ppm).
# MEDIDAS: ese cociente para la solución oficial (ventanas de 52 semanas, LSTM(16), 8 épocas) con las
# semillas 0–4 en CPU: 0.444 ± 0.013. La meta queda por encima de la peor por mucho más que la
# distancia entre la mejor y la peor (norma 8 de instructores.md).
META = 0.75
MEDIDAS = (0.424, 0.449, 0.438, 0.454, 0.456)
LARGO_MIN, LARGO_MAX = 4, 260


def _dependency(d, names, user):
    """Si el juez principal falló, mira si la causa es un ejercicio anterior y lo nombra."""
    from grader.api import judge_dependencies

    judge_dependencies(d.get("deps") if isinstance(d, dict) else None, LAB, names, user)


# ---------------------------------------------------------------------------
# Ejercicio 1 · lstm_cell_step
# ---------------------------------------------------------------------------

def _step_inputs():
    g = np.random.default_rng(7)
    x = g.normal(size=(4, 2))                  # batch 4, 2 rasgos: a propósito nada es cuadrado
    h, c = g.normal(scale=0.5, size=(4, 3)), g.normal(size=(4, 3))
    K, R, b = g.normal(size=(2, 12)), g.normal(scale=0.5, size=(3, 12)), g.normal(scale=0.5, size=12)
    return x, h, c, K, R, b


_HAND = (np.ones((1, 1)), np.zeros((1, 1)), np.zeros((1, 1)), np.ones((1, 4)), np.zeros((1, 4)), np.zeros(4))
_STEP_HINT = ("z = x @ kernel + h @ recurrent_kernel + bias, de forma (batch, 4·units), se parte en 4 bloques "
              "(i, f, c, o) por el último eje, el de las columnas: np.split(z, 4, axis=-1). Con axis=0 partirías "
              "el lote, no las compuertas.")


@exercise(LAB, "lstm_cell_step", points=3)
def lstm_step_probe(s):
    return {"out": s.call("lstm_cell_step", *_step_inputs()), "mano": s.call("lstm_cell_step", *_HAND)}


def _as_pair(out, name, what):
    from utils import checks as c

    c.check_true(isinstance(out, (tuple, list)) and len(out) == 2,
                 f"{name} debe devolver una tupla de dos arreglos: return {what}")
    return out


@lstm_step_probe.judge
def lstm_step_judge(d):
    from utils import checks as c
    from utils import rnn
    from utils.activations import sigmoid as sig

    x, h, cc, K, R, b = _step_inputs()
    out = _as_pair(c.ok(d["out"], "lstm_cell_step", _STEP_HINT), "lstm_cell_step", "h_new, c_new")
    h_ref, c_ref = rnn.lstm_cell_forward(x, h, cc, K, R, b)
    for nombre, valor in zip(("h_new", "c_new"), out):
        c.check_true(np.shape(valor) == (4, 3),
                     f"{nombre} debe tener forma (batch, units) = (4, 3); tiene {np.shape(valor)}. "
                     "Revisa que partas z en 4 bloques por el último eje: np.split(z, 4, axis=-1).")
    # Errores típicos: si tu memoria coincide con una versión equivocada, te decimos cuál.
    zi, zf, zc, zo = np.split(x @ K + h @ R + b, 4, axis=-1)
    tipicos_c = [
        (sig(zf) * cc + sig(zi) * np.tanh(zo),
         "Tomaste los bloques en otro orden (i, f, o, c). Keras los guarda como (i, f, c, o): el tercer bloque es "
         "el candidato c̃ (con tanh) y el cuarto, la compuerta de salida."),
        (sig(zf) * h + sig(zi) * np.tanh(zc),
         "La compuerta de olvido multiplica al estado equivocado: es f ⊙ c (la memoria anterior), no f ⊙ h."),
        (sig(zf) * cc + sig(zi) * sig(zc),
         "El candidato c̃ usa tanh, no la sigmoide: c̃ = tanh(z_c) puede ser negativo y así restar de la memoria."),
        (sig(zi) * cc + sig(zf) * np.tanh(zc),
         "Intercambiaste las compuertas de entrada y de olvido: el primer bloque es i (multiplica a c̃) y el "
         "segundo f (multiplica a c)."),
    ]
    c_est = np.asarray(out[1], dtype=float)
    for c_mal, mensaje in tipicos_c:
        c.check_true(not np.allclose(c_est, c_mal), mensaje)
    c.check_close(c_est, c_ref, what="la memoria nueva c_new", hint="c_new = f ⊙ c + i ⊙ tanh(z_c), con i = σ(z_i) "
                                                                   "y f = σ(z_f).")
    tipicos_h = [
        (np.tanh(zo) * np.tanh(c_ref), "La compuerta de salida es una sigmoide: o = σ(z_o), no tanh(z_o)."),
        (sig(zo) * c_ref, "Falta la tanh de la memoria: h_new = o ⊙ tanh(c_new)."),
        (sig(zo) * np.tanh(cc), "h_new debe usar la memoria NUEVA: o ⊙ tanh(c_new), no la del paso anterior."),
    ]
    h_est = np.asarray(out[0], dtype=float)
    for h_mal, mensaje in tipicos_h:
        c.check_true(not np.allclose(h_est, h_mal), mensaje)
    c.check_close(h_est, h_ref, what="el estado oculto h_new", hint="h_new = σ(z_o) ⊙ tanh(c_new).")
    # Un caso a mano: todo en cero salvo el kernel, con x = 1.
    h1, c1 = _as_pair(c.ok(d["mano"], "lstm_cell_step", _STEP_HINT), "lstm_cell_step", "h_new, c_new")
    c.check_close(c1, [[sig(1.0) * np.tanh(1.0)]], what="c_new con z = (1, 1, 1, 1) y c = 0",
                  hint="Con c = 0 queda c_new = σ(1)·tanh(1).")


# ---------------------------------------------------------------------------
# Ejercicio 2 · lstm_sequence
# ---------------------------------------------------------------------------

def _sequence_inputs():
    g = np.random.default_rng(3)
    # Las formas de una LSTM(4) de Keras con 2 rasgos: kernel (2, 16), recurrent_kernel (4, 16), bias (16,).
    pesos = [g.normal(scale=0.7, size=forma).astype("float32") for forma in ((2, 16), (4, 16), (16,))]
    x = g.normal(size=(3, 7, 2)).astype("float32")
    return x, pesos


@exercise(LAB, "lstm_sequence", points=2)
def lstm_sequence_probe(s):
    from grader.api import probe_dependencies

    x, pesos = _sequence_inputs()
    return {"out": s.call("lstm_sequence", x, *pesos), "deps": probe_dependencies(s, LAB, ["lstm_cell_step"])}


def _lstm_sequence_main(d):
    import keras

    from utils import checks as c
    from utils import rnn

    x, pesos = _sequence_inputs()
    hs_ref, c_ref = rnn.lstm_forward(x, *pesos)
    out = _as_pair(c.ok(d["out"], "lstm_sequence", "recorre t en range(time) y guarda cada h en hs[:, t]."),
                   "lstm_sequence", "hs, c")
    hs = np.asarray(out[0], dtype=float)
    c.check_true(hs.shape == (3, 7, 4),
                 f"hs debe tener forma (batch, time, units) = (3, 7, 4); tiene {hs.shape}. "
                 "Guarda el h de cada paso en hs[:, t].")
    c.check_close(hs[:, 0], hs_ref[:, 0], what="el primer paso de hs",
                  hint="Empieza con h y c en cero y usa tu lstm_cell_step con x[:, 0].")
    c.check_true(not np.allclose(np.asarray(out[1], dtype=float), 0.0),
                 "La memoria final c quedó en cero: no estás arrastrando c de un paso al siguiente. "
                 "Guarda los DOS valores que devuelve la celda: h, c = lstm_cell_step(x[:, t], h, c, ...).")
    c.check_close(hs, hs_ref, what="hs (todos los pasos)",
                  hint="En cada paso pasa a la celda el h y el c del paso ANTERIOR, y guarda el h nuevo en hs[:, t].")
    c.check_close(out[1], c_ref, what="la memoria final c", hint="Devuelve el c que salió del último paso.")
    capa = keras.layers.LSTM(4, return_sequences=True)
    capa.build((None, None, 2))
    capa.set_weights(pesos)                          # pesos grandes: la celda sale de su zona lineal
    hs_keras = np.asarray(capa(x))
    print(f"máxima diferencia entre tu lstm_sequence y keras.layers.LSTM con los mismos pesos: "
          f"{np.max(np.abs(hs - hs_keras)):.1e}")
    c.check_close(hs, hs_keras, rtol=1e-4, atol=1e-5, what="hs frente a keras.layers.LSTM")


@lstm_sequence_probe.judge
def lstm_sequence_judge(d):
    from utils import checks as c

    try:
        _lstm_sequence_main(d)
    except c.CheckFailed:
        _dependency(d, ["lstm_cell_step"], "lstm_sequence")   # si el ejercicio 1 falla, lo dice
        raise


# ---------------------------------------------------------------------------
# Ejercicio 3 · gru_cell_step
# ---------------------------------------------------------------------------

def _gru_inputs():
    g = np.random.default_rng(11)
    x = g.normal(size=(5, 2))                  # batch 5, 2 rasgos, 3 unidades: nada es cuadrado
    h = g.normal(scale=0.8, size=(5, 3))
    K, R = g.normal(size=(2, 9)), g.normal(scale=0.7, size=(3, 9))
    b = g.normal(scale=0.7, size=(2, 9))       # fila 0: sesgo de la entrada; fila 1: el del estado
    return x, h, K, R, b


_GRU_HINT = ("parte x @ kernel + bias[0] y h @ recurrent_kernel + bias[1] en 3 bloques (z, r, h̃) por el último eje; "
             "z y r son sigmoides, el candidato usa tanh y h_new = z ⊙ h + (1 − z) ⊙ h̃.")


@exercise(LAB, "gru_cell_step", points=2)
def gru_step_probe(s):
    return {"out": s.call("gru_cell_step", *_gru_inputs())}


def _gru_keras(x, h, K, R, b):
    """Un paso de ``keras.layers.GRU`` con esos pesos y ese estado inicial."""
    import keras

    capa = keras.layers.GRU(R.shape[0])
    capa.build((None, None, x.shape[1]))
    capa.set_weights([K.astype("float32"), R.astype("float32"), b.astype("float32")])
    return np.asarray(capa(x[:, None, :].astype("float32"), initial_state=[h.astype("float32")]), dtype=float)


@gru_step_probe.judge
def gru_step_judge(d):
    from utils import checks as c
    from utils import rnn
    from utils.activations import sigmoid as sig

    x, h, K, R, b = _gru_inputs()
    out = c.ok(d["out"], "gru_cell_step", _GRU_HINT)
    c.check_true(not isinstance(out, (tuple, list)) or len(out) != 2 or np.shape(out[0]) != (5, 3),
                 "gru_cell_step devuelve solo h_new (la GRU no tiene memoria c aparte); devolviste una tupla.")
    c.check_true(out is not None, "gru_cell_step devolvió None. ¿Te falta un `return`?")
    h_est = np.asarray(out, dtype=float)
    c.check_true(h_est.shape == (5, 3),
                 f"h_new debe tener forma (batch, units) = (5, 3); tiene {h_est.shape}. Parte en 3 bloques por el "
                 "último eje (np.split(…, 3, axis=-1)) y usa las dos filas del sesgo por separado.")
    h_ref = rnn.gru_cell_forward(x, h, K, R, b)
    xz, xr, xh = np.split(x @ K + b[0], 3, axis=-1)
    hz, hr, hh = np.split(h @ R + b[1], 3, axis=-1)
    z, r = sig(xz + hz), sig(xr + hr)
    cand = np.tanh(xh + r * hh)
    Rh = np.split(R, 3, axis=-1)[2]
    b1h = np.split(b[1], 3)[2]
    tipicos = [
        ((1 - z) * h + z * cand,
         "Intercambiaste los papeles de z: en Keras h_new = z ⊙ h + (1 − z) ⊙ h̃ (con z = 1 el estado se copia). "
         "El artículo de Cho et al. usa la convención contraria, pero aquí se compara con keras.layers.GRU."),
        (z * h + (1 - z) * np.tanh(xh + hh),
         "Falta la compuerta de reinicio en el candidato: h̃ = tanh(x·W_h + b_h + r ⊙ (h·U_h + b'_h))."),
        (z * h + (1 - z) * np.tanh(xh + (r * h) @ Rh + b1h),
         "Aplicaste r ANTES de multiplicar por la matriz recurrente ((r ⊙ h)·U_h): esa es la variante "
         "reset_after=False. La GRU de Keras (reset_after=True) multiplica primero: r ⊙ (h·U_h + b'_h)."),
        (sig(xr + hr) * h + (1 - sig(xr + hr)) * np.tanh(xh + sig(xz + hz) * hh),
         "Tomaste los bloques en otro orden: Keras guarda (z, r, h̃): el primero es la compuerta de actualización "
         "z y el segundo la de reinicio r."),
        (z * h + (1 - z) * sig(xh + r * hh),
         "El candidato h̃ usa tanh, no la sigmoide."),
        (z * h + (1 - z) * np.tanh(xh + r * (h @ Rh)),
         "Falta el sesgo recurrente b'_h dentro de r ⊙ (h·U_h + b'_h): la segunda fila del sesgo (bias[1]) se suma "
         "a h @ recurrent_kernel antes de multiplicar por r."),
    ]
    for h_mal, mensaje in tipicos:
        c.check_true(not np.allclose(h_est, h_mal, atol=1e-6), mensaje)
    c.check_close(h_est, h_ref, what="h_new de tu GRU", hint=_GRU_HINT)
    h_keras = _gru_keras(x, h, K, R, b)
    print(f"máxima diferencia entre tu gru_cell_step y keras.layers.GRU con los mismos pesos: "
          f"{np.max(np.abs(h_est - h_keras)):.1e}")
    c.check_close(h_est, h_keras, rtol=1e-4, atol=1e-5, what="h_new frente a keras.layers.GRU")


# ---------------------------------------------------------------------------
# Ejercicio 4 · pronostico_co2
# ---------------------------------------------------------------------------

@exercise(LAB, "pronostico_co2", points=3)
def forecast_probe(s):
    return {"modelo": s.model("model"), "largo": s.value("LARGO")}


def _all_layers(model):
    import keras

    out = []
    for layer in getattr(model, "layers", []):
        out.append(layer)
        if isinstance(layer, keras.Model):
            out += _all_layers(layer)
        inner = getattr(layer, "layer", None)          # Bidirectional, TimeDistributed
        if inner is not None:
            out.append(inner)
    return out


def co2_split(largo):
    """Ventanas de entrenamiento, validación y las ocultas, para ventanas de ``largo`` semanas.

    Devuelve ``(X_train, y_train, X_val, y_val, X_oculto, y_oculto)``. Los objetivos
    ocultos son las últimas :data:`SEMANAS_OCULTAS` semanas de la serie; las de
    validación, las :data:`SEMANAS_VALIDACION` anteriores. Ningún objetivo de
    entrenamiento cae en esos períodos.
    """
    from utils import rnn
    from utils.data import load_co2_weekly

    serie = load_co2_weekly(verbose=False).to_numpy()
    X, y = rnn.make_windows(serie, largo, HORIZONTE)
    X_vis, y_vis = rnn.make_windows(serie[:-SEMANAS_OCULTAS], largo, HORIZONTE)
    return (X_vis[:-SEMANAS_VALIDACION], y_vis[:-SEMANAS_VALIDACION], X_vis[-SEMANAS_VALIDACION:],
            y_vis[-SEMANAS_VALIDACION:], X[-SEMANAS_OCULTAS:], y[-SEMANAS_OCULTAS:])


def baseline_mae(X, y):
    """MAE del mejor de los dos pronósticos triviales (ingenuo e ingenuo estacional)."""
    ingenuo = X[:, -1, 0]
    # el valor de 52 semanas antes del objetivo: HORIZONTE − 52 pasos desde el final de la ventana
    estacional = X[:, X.shape[1] - 1 + HORIZONTE - 52, 0] if X.shape[1] >= 52 - HORIZONTE + 1 else None
    maes = [np.mean(np.abs(ingenuo - y))]
    if estacional is not None:
        maes.append(np.mean(np.abs(estacional - y)))
    return float(min(maes))


def forecast(model, X):
    """Pronóstico en ppm: último valor de la ventana + ESCALA × salida del modelo con ``relativa(X)``."""
    rel = (X - X[:, -1:, :]) / ESCALA
    out = np.asarray(model.predict(rel.astype("float32"), verbose=0, batch_size=256), dtype=float)
    return out, X[:, -1, 0] + ESCALA * out.reshape(len(X), -1)[:, 0]


@forecast_probe.judge
def forecast_judge(d):
    import keras

    from grader.labs.lab06 import _rebuild
    from utils import checks as c

    modelo = d.get("modelo") if isinstance(d, dict) else None
    if isinstance(modelo, dict) and ("__falta__" in modelo or "__tipo__" in modelo):
        raise c.CheckFailed("Todavía no completaste el ejercicio 4: guarda tu modelo de Keras entrenado en `model`.")
    m = _rebuild(modelo, "model")
    recurrentes = [l for l in _all_layers(m) if isinstance(l, (keras.layers.RNN, keras.layers.Bidirectional))]
    c.check_true(bool(recurrentes), "Tu modelo no tiene ninguna capa recurrente: usa keras.layers.LSTM o GRU.")
    try:
        forma = tuple(m.inputs[0].shape[1:])
    except Exception:  # noqa: BLE001
        forma = None
    c.check_true(forma is not None and len(forma) == 2 and forma[1] == 1,
                 f"La entrada de tu modelo debe ser keras.Input(shape=(LARGO, 1)): una ventana de LARGO semanas con "
                 f"un valor por semana; la de tu modelo es {forma}.")
    largo = forma[0]
    if largo is None:
        largo = d.get("largo")
        c.check_true(type(largo) is int,
                     "Tu modelo acepta ventanas de cualquier largo: guarda en `LARGO` (un entero) el largo con que "
                     "lo entrenaste, o decláralo en keras.Input(shape=(LARGO, 1)).")
    c.check_true(LARGO_MIN <= largo <= LARGO_MAX,
                 f"El largo de la ventana debe estar entre {LARGO_MIN} y {LARGO_MAX} semanas; el tuyo es {largo}.")
    _, _, X_val, y_val, X_oc, y_oc = co2_split(largo)
    try:
        salida, pred = forecast(m, X_oc)
    except Exception as exc:  # noqa: BLE001
        raise c.CheckFailed(f"Tu modelo no pudo pronosticar ventanas de forma (lote, {largo}, 1) "
                            f"({type(exc).__name__}: {str(exc)[:200]}).") from None
    c.check_true(salida.shape in ((len(X_oc), 1), (len(X_oc),)),
                 f"Tu modelo debe dar un número por ventana, forma (lote, 1); da {salida.shape}. "
                 "Termina con keras.layers.Dense(1).")
    c.check_true(bool(np.all(np.isfinite(pred))), "Tu modelo da NaN o infinitos: revisa el entrenamiento.")
    c.check_true(np.mean(np.abs(salida)) < 5,     # un cambio de 15 ppm en medio año no existe en esta serie
                 f"Tu modelo da en promedio {np.mean(salida):.1f}: parece que predice el CO₂ en ppm. Debe predecir el "
                 "cambio preparado como el objetivo de entrenamiento, (y − último valor) / ESCALA, a partir de "
                 "relativa(X).")
    mae = float(np.mean(np.abs(pred - y_oc)))
    base = baseline_mae(*co2_split(52)[4:])          # las líneas base no dependen de tu ventana
    _, pred_val = forecast(m, X_val)
    mae_val = float(np.mean(np.abs(pred_val - y_val)))
    print(f"Ventanas de {largo} semanas. MAE en los 4 años ocultos: tu modelo {mae:.3f} ppm; mejor línea base "
          f"{base:.3f} ppm ({100 * (1 - mae / base):.0f}\u00a0% menos; se pide al menos {100 * (1 - META):.0f}\u00a0%).")
    c.check_true(mae <= META * base,
                 f"Tu MAE en el período oculto ({mae:.3f} ppm) no es al menos un {100 * (1 - META):.0f}\u00a0% menor que "
                 f"el de la mejor línea base ({base:.3f} ppm; la meta es {META * base:.3f}). En validación tu MAE es "
                 f"{mae_val:.3f} ppm. Revisa que el objetivo de entrenamiento esté preparado igual que las entradas "
                 "((y − último valor) / ESCALA), y prueba otra ventana, más épocas o más unidades.")
