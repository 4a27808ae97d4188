"""Comprobaciones del laboratorio 8 (atención desde cero).

Los ejercicios 1–5 son funciones de NumPy: la sonda las llama con entradas que
elige ella (con semilla) y el juez, que rehace esas entradas, las compara con
``utils.attention``. El ejercicio 6 es un bloque de Keras: la sonda lo aplica a un
``keras.Input`` y devuelve el modelo como datos planos; el juez lo reconstruye, da
pesos al azar a sus capas (reconocidas por su tipo y la forma de sus pesos, así
que el orden de creación y los nombres no importan) y compara la salida con
``utils.attention.encoder_block`` con esos mismos pesos. El ejercicio 7 se juzga
con fechas que genera el juez con otra semilla: el cuaderno nunca las ve.
"""

import numpy as np

from grader.api import exercise

LAB = "lab08"
LARGO = 36            # caracteres de entrada del ejercicio 7
D_PE = 16             # componentes de la codificación posicional del ejercicio 7
SEMILLA_JUEZ = 2026   # fechas del juez (el cuaderno usa las semillas 10 y 11)
# Exactitud mínima del ejercicio 7 en 2000 fechas del juez. La solución oficial, con semillas 0–4, da
# 0.950 ± 0.013 en 2000 fechas nuevas (de 0.936 a 0.968): el umbral queda 0.086 por debajo del peor caso.
UMBRAL = 0.85


# ---------------------------------------------------------------------------
# Piezas comunes
# ---------------------------------------------------------------------------

def _status(d, name, numero):
    """Lanza el mensaje adecuado si la llamada no devolvió un resultado (falta, sin resolver, error)."""
    from utils import checks as c

    if isinstance(d, dict):
        if "__falta__" in d or "__sin_resolver__" in d:
            raise c.CheckFailed(f"Todavía no completaste el ejercicio {numero}: escribe `{name}` en su celda "
                                "(reemplaza el comentario y el `raise NotImplementedError`).")
        if "__error__" in d:
            msg = str(d.get("mensaje") or "")
            raise c.CheckFailed(f"Tu `{name}` lanzó un error: {d['__error__']}" + (f": {msg}" if msg else "") + ".")
        if "__tipo__" in d:
            raise c.CheckFailed(f"Tu `{name}` devolvió un objeto de tipo {d['__tipo__']}; se esperaba un arreglo de NumPy.")
    return d


def _array(d, name, numero, shape, what):
    from utils import checks as c

    d = _status(d, name, numero)
    c.check_true(isinstance(d, np.ndarray), f"{what} debe ser un arreglo de NumPy; llegó {type(d).__name__}.")
    c.check_true(d.shape == tuple(shape), f"{what} debe tener forma {tuple(shape)}; tiene forma {d.shape}.")
    c.check_true(bool(np.all(np.isfinite(d))), f"{what} tiene NaN o infinitos.")
    return d.astype(float)


# ---------------------------------------------------------------------------
# Ejercicios 1–3 · softmax, scaled_scores y attention
# ---------------------------------------------------------------------------

def _softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _softmax_inputs():
    g = np.random.default_rng(80)
    return g.normal(scale=3.0, size=(2, 3, 5)), np.array([1000.0, 1001.0, 999.0])


@exercise(LAB, "softmax", points=1)
def softmax_probe(s):
    z, grande = _softmax_inputs()
    return {"z": s.call("softmax", z), "grande": s.call("softmax", grande)}


def _softmax_ok(d):
    z, grande = _softmax_inputs()
    return (isinstance(d.get("z"), np.ndarray) and d["z"].shape == z.shape and np.allclose(d["z"], _softmax(z))
            and isinstance(d.get("grande"), np.ndarray) and np.allclose(d["grande"], _softmax(grande)))


@softmax_probe.judge
def softmax_judge(d):
    from utils import checks as c
    from utils.attention import softmax as ref

    z, grande = _softmax_inputs()
    p = _array(d["z"], "softmax", 1, z.shape, "softmax(z) con z de forma (2, 3, 5)")
    for eje in (0, 1):
        c.check_true(not np.allclose(p, ref(z, axis=eje)),
                     f"Tu softmax normaliza sobre el eje {eje}; debe hacerlo sobre el ÚLTIMO eje (axis=-1), "
                     "de modo que cada fila sume 1. Usa keepdims=True para que la división se difunda bien.")
    c.check_close(p, ref(z), what="softmax(z)", hint="exp(z) / suma de exp(z) sobre el último eje.")
    r = d["grande"]
    c.check_true(not (isinstance(r, np.ndarray) and r.shape == grande.shape and not np.all(np.isfinite(r))),
                 "softmax([1000, 1001, 999]) da NaN o infinitos porque exp(1000) desborda: resta el máximo de "
                 "cada fila antes de exp (no cambia el resultado).")
    g = _array(r, "softmax", 1, grande.shape, "softmax([1000, 1001, 999])")
    c.check_close(g, ref(grande), what="softmax([1000, 1001, 999])",
                  hint="exp(1000) desborda: resta el máximo de cada fila antes de exp (no cambia el resultado).")


def _attention_inputs():
    g = np.random.default_rng(81)
    q, k, v = g.normal(size=(2, 3, 8)), g.normal(size=(2, 5, 8)), g.normal(size=(2, 5, 6))
    mask = g.random((2, 3, 5)) < 0.6
    mask[:, :, 0] = True                                   # cada consulta ve al menos una clave
    qc = g.normal(size=(1, 4, 8))
    causal = np.tril(np.ones((4, 4), dtype=bool))
    return q, k, v, mask, qc, causal


@exercise(LAB, "scaled_scores", points=1)
def scores_probe(s):
    q, k, *_ = _attention_inputs()
    return {"s": s.call("scaled_scores", q, k)}


@scores_probe.judge
def scores_judge(d):
    from utils import checks as c

    q, k, *_ = _attention_inputs()
    r = _array(d["s"], "scaled_scores", 2, (2, 3, 5), "scaled_scores(q, k) con q (2, 3, 8) y k (2, 5, 8)")
    puntajes = q @ np.swapaxes(k, -1, -2)
    c.check_true(not np.allclose(r, puntajes),
                 "Falta dividir entre √d_k: con d_k grande los productos escalares tienen varianza d_k y el "
                 "softmax se satura. Divide q @ kᵀ entre np.sqrt(d_k), con d_k = q.shape[-1].")
    c.check_true(not np.allclose(r, puntajes / q.shape[-1]),
                 "Dividiste entre d_k; es entre su raíz cuadrada, √d_k = np.sqrt(q.shape[-1]).")
    c.check_close(r, puntajes / np.sqrt(q.shape[-1]), what="scaled_scores(q, k)",
                  hint="q @ kᵀ / √d_k; para transponer solo los dos últimos ejes usa np.swapaxes(k, -1, -2).")


@exercise(LAB, "attention", points=1)
def attention_probe(s):
    q, k, v, mask, qc, causal = _attention_inputs()
    return {"sin": s.call("attention", q, k, v), "con": s.call("attention", q, k, v, mask),
            "causal": s.call("attention", qc, qc, qc, causal),
            "softmax": softmax_probe.probe(s), "scores": s.call("scaled_scores", q, k)}


@attention_probe.judge
def attention_judge(d):
    from utils import checks as c
    from utils.attention import scaled_dot_product_attention as ref

    q, k, v, mask, qc, causal = _attention_inputs()
    for clave in ("sin", "con", "causal"):
        if isinstance(d[clave], dict) and ("__falta__" in d[clave] or "__sin_resolver__" in d[clave]):
            _status(d[clave], "attention", 3)
    if not _softmax_ok(d["softmax"]):
        raise c.CheckFailed("Tu `softmax` (ejercicio 1) falla y `attention` lo usa: arregla primero el ejercicio 1.")
    sc = d["scores"]
    if not (isinstance(sc, np.ndarray) and sc.shape == (2, 3, 5)
            and np.allclose(sc, q @ np.swapaxes(k, -1, -2) / np.sqrt(8))):
        raise c.CheckFailed("Tu `scaled_scores` (ejercicio 2) falla y `attention` lo usa: arregla primero el "
                            "ejercicio 2.")
    casos = [("sin", (q, k, v, None), "sin máscara"), ("con", (q, k, v, mask), "con una máscara de claves"),
             ("causal", (qc, qc, qc, causal), "con la máscara causal")]
    for clave, (qq, kk, vv, m), que in casos:
        r = _status(d[clave], "attention", 3)
        c.check_true(isinstance(r, tuple) and len(r) == 2,
                     "attention debe devolver una tupla de dos arreglos: return salida, pesos")
        salida_ref, pesos_ref = ref(qq, kk, vv, m)
        pesos = _array(r[1], "attention", 3, pesos_ref.shape, f"pesos ({que})")
        salida = _array(r[0], "attention", 3, salida_ref.shape, f"la salida ({que})")
        escalados = qq @ np.swapaxes(kk, -1, -2) / np.sqrt(qq.shape[-1])
        if m is not None:
            tipicos = [(_softmax(escalados + 1e9 * ~m),
                        "La máscara tiene el signo (o el sentido) equivocado: tu atención mira SOLO las claves tapadas. "
                        "True quiere decir que la consulta PUEDE mirar esa clave; las posiciones con mask == False "
                        "deben recibir un puntaje MUY NEGATIVO (−1e9), para que el softmax les dé peso 0."),
                       (_softmax(escalados),
                        "No usaste la máscara: los pesos de las claves tapadas (mask == False) deben ser 0.")]
            for mala, mensaje in tipicos:
                c.check_true(not np.allclose(pesos, mala, atol=1e-6), mensaje)
        c.check_close(pesos, pesos_ref, what=f"los pesos de la atención ({que})", atol=1e-6,
                      hint="pesos = softmax(scaled_scores(q, k) con los puntajes tapados en −1e9).")
        c.check_close(salida, salida_ref, what=f"la salida de la atención ({que})", atol=1e-6,
                      hint="salida = pesos @ v.")


# ---------------------------------------------------------------------------
# Ejercicio 4 · split_heads y merge_heads
# ---------------------------------------------------------------------------

def _heads_inputs():
    g = np.random.default_rng(82)
    return g.normal(size=(2, 5, 12)), g.normal(size=(2, 3, 5, 4))


@exercise(LAB, "heads", points=2)
def heads_probe(s):
    x, y = _heads_inputs()
    return {"split": s.call("split_heads", x, 3), "merge": s.call("merge_heads", y)}


@heads_probe.judge
def heads_judge(d):
    from utils import checks as c
    from utils.attention import merge_heads, split_heads

    x, y = _heads_inputs()
    partido = _array(d["split"], "split_heads", 4, (2, 3, 5, 4), "split_heads(x, 3) con x de forma (2, 5, 12)")
    c.check_true(not np.allclose(partido, x.reshape(2, 3, 5, 4)),
                 "split_heads no puede ser solo un reshape a (batch, h, T, d_h): eso mezcla posiciones distintas "
                 "en una misma cabeza. Primero reshape a (batch, T, h, d_h) y después transpose(0, 2, 1, 3).")
    c.check_close(partido, split_heads(x, 3), what="split_heads(x, 3)",
                  hint="La cabeza i de la posición t son las componentes x[:, t, i·d_h:(i+1)·d_h].")
    junto = _array(d["merge"], "merge_heads", 4, (2, 5, 12), "merge_heads(y) con y de forma (2, 3, 5, 4)")
    c.check_true(not np.allclose(junto, y.reshape(2, 5, 12)),
                 "merge_heads no puede ser solo un reshape: primero transpose(0, 2, 1, 3) para volver a "
                 "(batch, T, h, d_h) y después reshape a (batch, T, h·d_h).")
    c.check_close(junto, merge_heads(y), what="merge_heads(y)", hint="Debe deshacer split_heads.")


# ---------------------------------------------------------------------------
# Ejercicio 5 · positional_encoding
# ---------------------------------------------------------------------------

@exercise(LAB, "positional_encoding", points=1)
def pe_probe(s):
    return {"a": s.call("positional_encoding", 7, 10), "b": s.call("positional_encoding", 3, 4)}


def _pe_judge(d):
    from utils import checks as c
    from utils.attention import positional_encoding as ref

    for clave, (n, dd) in [("a", (7, 10)), ("b", (3, 4))]:
        pe = _array(d[clave], "positional_encoding", 5, (n, dd), f"positional_encoding({n}, {dd})")
        esperado = ref(n, dd)
        cambiado = np.stack([esperado[:, 1::2], esperado[:, 0::2]], axis=-1).reshape(n, dd)
        c.check_true(not np.allclose(pe, cambiado, atol=1e-6),
                     "Intercambiaste seno y coseno: las componentes PARES (0, 2, 4…) llevan el seno y las "
                     "impares el coseno.")
        c.check_close(pe, esperado, what=f"positional_encoding({n}, {dd})", atol=1e-6,
                      hint="PE[t, 2i] = sin(t / 10000^(2i/d)) y PE[t, 2i+1] = cos(t / 10000^(2i/d)); "
                           "la fila t = 0 es (0, 1, 0, 1, …).")


pe_probe.judge(_pe_judge)


# ---------------------------------------------------------------------------
# Ejercicio 6 · encoder_block (Keras)
# ---------------------------------------------------------------------------

FORMA_BLOQUE, CABEZAS, D_K, D_FF = (5, 8), 2, 4, 24


@exercise(LAB, "encoder_block", points=2)
def block_probe(s):
    return {"modelo": s.apply_block("encoder_block", FORMA_BLOQUE, CABEZAS, D_K, D_FF)}


def _all_layers(model):
    out = []
    for layer in model.layers:
        if hasattr(layer, "layers"):
            out += _all_layers(layer)
        else:
            out.append(layer)
    return out


@block_probe.judge
def block_judge(d):
    import itertools

    import keras

    from grader.api import rebuild_model
    from utils import checks as c
    from utils.attention import encoder_block, layer_norm, multi_head_attention

    rec = d["modelo"]
    if isinstance(rec, dict) and "__no_tensor__" in rec:
        raise c.CheckFailed("encoder_block debe devolver el tensor de salida (lo que devuelve la última capa); "
                            f"devolvió un objeto de tipo {rec['__no_tensor__']}. ¿Te falta el `return`?")
    if isinstance(rec, dict) and "__desconectado__" in rec:
        raise c.CheckFailed("La salida de encoder_block no se calcula a partir de su argumento `x`: aplica las "
                            "capas a `x`; no crees otro keras.Input dentro de la función.")
    _status(rec, "encoder_block", 6)
    m = rebuild_model(rec)
    capas = _all_layers(m)
    por_tipo = {}
    for capa in capas:
        por_tipo.setdefault(type(capa).__name__, []).append(capa)
    mha, ln, densas = por_tipo.get("MultiHeadAttention", []), por_tipo.get("LayerNormalization", []), por_tipo.get("Dense", [])
    c.check_true(len(mha) == 1, f"El bloque debe tener una keras.layers.MultiHeadAttention; tiene {len(mha)}.")
    c.check_true(len(ln) == 2, f"El bloque debe tener dos keras.layers.LayerNormalization (una después de cada "
                               f"suma residual); tiene {len(ln)}.")
    c.check_true(len(densas) == 2, f"La red densa del bloque son dos keras.layers.Dense (d_ff unidades con ReLU y "
                                   f"después d unidades); el bloque tiene {len(densas)}.")
    d_modelo = FORMA_BLOQUE[1]
    formas_mha = [tuple(w.shape) for w in mha[0].get_weights()]
    c.check_true(formas_mha[:1] == [(d_modelo, CABEZAS, D_K)],
                 f"La atención debe tener num_heads={CABEZAS} y key_dim={D_K} (los argumentos de la función): su "
                 f"primer peso tiene forma {formas_mha[:1]} y debería ser {(d_modelo, CABEZAS, D_K)}.")
    formas_densas = sorted(tuple(w.shape) for capa in densas for w in capa.get_weights())
    c.check_true(formas_densas == sorted([(d_modelo, D_FF), (D_FF,), (D_FF, d_modelo), (d_modelo,)]),
                 f"Las dos Dense deben ir de d = {d_modelo} a d_ff = {D_FF} (con ReLU) y de vuelta a d = {d_modelo}; "
                 f"sus pesos tienen formas {formas_densas}.")
    g = np.random.default_rng(84)
    for capa in capas:
        capa.set_weights([g.normal(scale=0.4, size=w.shape).astype("float32") for w in capa.get_weights()])
    primera = next(capa for capa in densas if capa.get_weights()[0].shape == (d_modelo, D_FF))
    segunda = next(capa for capa in densas if capa is not primera)
    ffn = primera.get_weights() + segunda.get_weights()
    w_mha = mha[0].get_weights()
    x = g.normal(size=(3, *FORMA_BLOQUE)).astype("float32")
    y = np.asarray(keras.ops.convert_to_numpy(m(x)), dtype=float)
    c.check_true(y.shape == (3, *FORMA_BLOQUE), f"La salida del bloque debe tener la forma de la entrada "
                                                f"(lote, {FORMA_BLOQUE[0]}, {FORMA_BLOQUE[1]}); tiene {y.shape}.")
    candidatos = []
    for a, b in itertools.permutations(ln):
        ln1, ln2 = a.get_weights(), b.get_weights()
        ref = encoder_block(x, w_mha, ln1, ffn, ln2)
        if np.allclose(y, ref, rtol=1e-4, atol=1e-4):
            return
        att = multi_head_attention(x, x, w_mha)
        relu = lambda z: np.maximum(z, 0)  # noqa: E731
        h_sin = layer_norm(att, *ln1)
        h = layer_norm(x + att, *ln1)
        candidatos += [
            (layer_norm(h_sin + relu(h_sin @ ffn[0] + ffn[1]) @ ffn[2] + ffn[3], *ln2),
             "Falta la conexión residual de la atención: suma la entrada x a la salida de la atención "
             "ANTES de la primera normalización: LayerNormalization()(Add()([x, atencion]))."),
            (layer_norm(relu(h @ ffn[0] + ffn[1]) @ ffn[2] + ffn[3], *ln2),
             "Falta la conexión residual de la red densa: la segunda normalización recibe Add()([h, densa(h)])."),
            (layer_norm(relu(h_sin @ ffn[0] + ffn[1]) @ ffn[2] + ffn[3], *ln2),
             "Faltan las dos conexiones residuales: cada subcapa suma su entrada a su salida (como en ResNet)."),
        ]
        pre = x + multi_head_attention(layer_norm(x, *ln1), layer_norm(x, *ln1), w_mha)
        candidatos.append((pre + relu(layer_norm(pre, *ln2) @ ffn[0] + ffn[1]) @ ffn[2] + ffn[3],
                           "Pusiste la normalización ANTES de cada subcapa (la variante «pre-LN»). Aquí se pide la "
                           "del artículo original: normalizar DESPUÉS de cada suma residual."))
    for mala, mensaje in candidatos:
        if np.allclose(y, mala, rtol=1e-4, atol=1e-4):
            raise c.CheckFailed(mensaje)
    raise c.CheckFailed("Con los mismos pesos, tu bloque no calcula lo mismo que h = LN₁(x + MHA(x, x)), "
                        "salida = LN₂(h + Dense(d)(Dense(d_ff, relu)(h))). Revisa que la atención sea "
                        "autoatención (la misma x como consulta y como valor), la ReLU de la primera Dense y que "
                        f"no haya otras capas (diferencia máxima {float(np.max(np.abs(y - ref))):.2e}).")


# ---------------------------------------------------------------------------
# Ejercicio 7 · month_classifier
# ---------------------------------------------------------------------------

@exercise(LAB, "month_classifier", points=2)
def month_probe(s):
    return {"modelo": s.model("model"), "pe": s.call("positional_encoding", LARGO, D_PE)}


@month_probe.judge
def month_judge(d):
    from grader.api import rebuild_model
    from utils import checks as c
    from utils import dates
    from utils.attention import positional_encoding

    modelo = d["modelo"]
    if isinstance(modelo, dict) and ("__falta__" in modelo or "__tipo__" in modelo):
        raise c.CheckFailed("Todavía no completaste el ejercicio 7: guarda tu modelo de Keras entrenado en `model`.")
    pe = d["pe"]
    if not (isinstance(pe, np.ndarray) and pe.shape == (LARGO, D_PE)
            and np.allclose(pe, positional_encoding(LARGO, D_PE), atol=1e-5)):
        raise c.CheckFailed("Tu `positional_encoding` (ejercicio 5) falla y el modelo se entrenó con posiciones "
                            "equivocadas: arregla primero el ejercicio 5 y vuelve a entrenar.")
    m = rebuild_model(modelo)
    capas = [type(capa).__name__ for capa in _all_layers(m)]
    c.check_true("MultiHeadAttention" in capas,
                 "Tu modelo no tiene ninguna capa de atención: usa tu encoder_block (ejercicio 6).")
    textos, iso, _ = dates.generate(2000, seed=SEMILLA_JUEZ)
    x = dates.one_hot_with_positions(textos, LARGO, positional_encoding(LARGO, D_PE))
    try:
        p = np.asarray(m.predict(x, batch_size=500, verbose=0))
    except Exception as exc:  # noqa: BLE001
        raise c.CheckFailed(f"Tu modelo no pudo leer la entrada de forma (lote, {LARGO}, {x.shape[-1]}) "
                            f"({type(exc).__name__}: {str(exc)[:200]}). Empieza con keras.Input(shape=X_train.shape[1:]).") from None
    c.check_true(p.shape == (len(textos), 12),
                 f"El modelo debe dar 12 probabilidades por fecha, forma ({len(textos)}, 12); da {p.shape}.")
    exactitud = float(np.mean(p.argmax(axis=1) == dates.months(iso)))
    n = f"{len(textos):,}".replace(",", "\u00a0")
    print(f"Exactitud en {n} fechas nuevas que el cuaderno no usa: {exactitud:.3f} (se pide al menos {UMBRAL:.2f})")
    c.check_true(exactitud >= UMBRAL,
                 f"Tu modelo acierta el mes en el {100 * exactitud:.1f}\u00a0% de las fechas nuevas; se pide al menos "
                 f"{100 * UMBRAL:.0f}\u00a0%. Revisa que uses tu encoder_block, Adam(3e-3) y las épocas de cfg['epochs'].")
