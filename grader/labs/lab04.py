"""Comprobaciones del laboratorio 4 (convolución y *pooling* desde cero).

Cada ejercicio tiene una sonda, que llama a las funciones del estudiante con
entradas fijas y devuelve datos planos, y un juez, que compara esos datos con
``utils.conv`` (y con ``tf.nn.conv2d``) sin ejecutar código del estudiante.
Las entradas las vuelve a generar el juez con las mismas semillas.
"""

import itertools

import numpy as np

from grader.api import exercise

LAB = "lab04"


def _failed(value) -> bool:
    """¿Es un registro de fallo de la sonda (función que falta, sin resolver, excepción u objeto raro)?"""
    return isinstance(value, dict) and bool({"__falta__", "__sin_resolver__", "__error__", "__tipo__"} & set(value))


# ---------------------------------------------------------------------------
# Ejercicio 1 · zero_pad
# ---------------------------------------------------------------------------

def _pad_inputs():
    return np.arange(1.0, 7.0).reshape(2, 3), np.random.default_rng(1).normal(size=(4, 5, 3))


@exercise(LAB, "zero_pad", points=1)
def zero_pad_probe(s):
    x2, x3 = _pad_inputs()
    return {"m2": s.call("zero_pad", x2, 1), "m3": s.call("zero_pad", x3, 2), "p0": s.call("zero_pad", x3, 0)}


_PAD_HINT = ("np.pad recibe un par (antes, después) por eje: ((p, p), (p, p)) para una matriz y "
             "((p, p), (p, p), (0, 0)) para una imagen con canales; x.ndim dice cuántos ejes tiene x.")


@zero_pad_probe.judge
def zero_pad_judge(d):
    from utils import checks as c
    from utils import conv as ref

    x2, x3 = _pad_inputs()
    c.check_close(c.ok(d["m2"], "zero_pad", _PAD_HINT), ref.zero_pad(x2, 1), what="zero_pad de una matriz 2×3 con p = 1",
                  hint="La salida debe ser de 4×5: la matriz original rodeada por un marco de ceros.")
    out3 = c.ok(d["m3"], "zero_pad", _PAD_HINT)
    c.check_true(np.shape(out3) == (8, 9, 3),
                 f"Con una imagen de forma (4, 5, 3) y p = 2 la salida debe tener forma (8, 9, 3); la tuya tiene "
                 f"forma {np.shape(out3)}. Rellena solo el alto y el ancho: el eje de los canales lleva (0, 0).")
    c.check_close(out3, ref.zero_pad(x3, 2), what="zero_pad de una imagen (4, 5, 3) con p = 2",
                  hint="Los valores originales deben quedar en el centro, sin moverse.")
    c.check_close(c.ok(d["p0"], "zero_pad", _PAD_HINT), x3, what="zero_pad con p = 0", hint="Con p = 0 la imagen no cambia.")


# ---------------------------------------------------------------------------
# Ejercicio 2 · output_size
# ---------------------------------------------------------------------------

_SIZE_CASES = list(itertools.product([5, 7, 28, 32], [1, 3, 5], [0, 1, 2], [1, 2, 3]))


@exercise(LAB, "output_size", points=1)
def output_size_probe(s):
    return {"d": [s.call("output_size", n, f, p, st) for n, f, p, st in _SIZE_CASES]}


@output_size_probe.judge
def output_size_judge(d):
    from utils import checks as c
    from utils import conv as ref

    got = d["d"]
    c.check_true(isinstance(got, (list, tuple)) and len(got) == len(_SIZE_CASES), "La sonda de output_size llegó incompleta.")
    for (n, f, p, st), val in zip(_SIZE_CASES, got):
        val = c.ok(val, "output_size", "d = (n + 2 * p - f) // s + 1.")
        want = ref.output_size(n, f, padding=p, stride=st)
        c.check_true(type(val) is int,
                     f"output_size({n}, {f}, {p}, {st}) devolvió {val!r} ({type(val).__name__}); debe ser un entero. "
                     "Usa la división entera // en lugar de /.")
        c.check_true(val == want or val != n + 2 * p - f + 1,
                     f"output_size({n}, {f}, {p}, {st}) devolvió {val}, el tamaño con paso 1. "
                     "¿Olvidaste dividir (n + 2p − f) entre el paso s?")
        c.check_close(val, want, what=f"output_size(n={n}, f={f}, p={p}, s={st})",
                      hint="d = ⌊(n + 2p − f)/s⌋ + 1: el +1 va fuera de la división.")


# ---------------------------------------------------------------------------
# Ejercicio 3 · conv2d_single
# ---------------------------------------------------------------------------

_EJ1_IMG = np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]], dtype=float)
_EJ1_KER = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]], dtype=float)


def _single_inputs():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 10, size=(6, 8)).astype(float)       # a propósito no es cuadrada
    k = rng.integers(-3, 4, size=(3, 3)).astype(float)       # a propósito no es simétrico
    return x, k


_SINGLE_HINT = "z[i, j] = np.sum(x[i:i+f, j:j+f] * k), con i en range(alto − f + 1) y j en range(ancho − f + 1)."


@exercise(LAB, "conv2d_single", points=2)
def conv2d_single_probe(s):
    x, k = _single_inputs()
    return {"ej1": s.call("conv2d_single", _EJ1_IMG, _EJ1_KER), "rect": s.call("conv2d_single", x, k)}


@conv2d_single_probe.judge
def conv2d_single_judge(d):
    from utils import checks as c
    from utils import conv as ref

    c.check_close(c.ok(d["ej1"], "conv2d_single", _SINGLE_HINT), [[4, 3, 4], [2, 4, 3], [2, 3, 4]],
                  what="el ejemplo 1 del capítulo",
                  hint="z[i, j] = suma de x[i:i+f, j:j+f] * k; la salida de una imagen 5×5 con un filtro 3×3 es 3×3.")
    x, k = _single_inputs()
    z = c.ok(d["rect"], "conv2d_single", _SINGLE_HINT)
    c.check_true(np.shape(z) == (4, 6),
                 f"Con una imagen de 6×8 y un filtro de 3×3 la salida debe ser de 4×6; la tuya es {np.shape(z)}. "
                 "Revisa los límites de los bucles: range(alto − f + 1) y range(ancho − f + 1), uno para cada eje.")
    c.check_true(not np.allclose(z, ref.conv2d(x, k[::-1, ::-1])),
                 "Tu resultado es la convolución con el filtro volteado (girado 180°). Keras y TensorFlow no lo "
                 "voltean: multiplica cada ventana por k tal cual.")
    c.check_close(z, ref.conv2d(x, k), what="conv2d_single con una imagen 6×8 y un filtro asimétrico",
                  hint="Compara con utils.conv.conv2d; la ventana de la salida (i, j) es x[i:i+f, j:j+f].")


# ---------------------------------------------------------------------------
# Ejercicio 4 · conv2d (depende de zero_pad, el ejercicio 1)
# ---------------------------------------------------------------------------

_EJ4_IMG = np.array([[2, 3, 7, 4, 6, 2, 9], [6, 6, 9, 8, 7, 4, 3], [3, 4, 8, 3, 8, 9, 7], [7, 8, 3, 6, 6, 3, 4],
                     [4, 2, 1, 8, 3, 4, 6], [3, 2, 4, 1, 9, 8, 3], [0, 1, 3, 9, 2, 1, 4]], dtype=float)
_EJ4_KER = np.array([[3, 4, 4], [1, 0, 2], [-1, 0, 3]], dtype=float)
# (paso, relleno, qué se prueba, pista)
_CONV_CASES = [
    (1, 0, "conv2d con paso 1 y sin relleno", "Cada filtro recorre los tres canales a la vez: suma sobre (f, f, n_c)."),
    (2, 0, "conv2d con stride = 2", "La ventana de la salida (i, j) empieza en la fila i·stride y en la columna j·stride "
                                    "de la entrada rellenada, no en la fila i y la columna j."),
    (1, 1, "conv2d con padding = 1", "Rellena primero con zero_pad(x, padding) y recorre la imagen ya rellenada."),
    (2, 1, "conv2d con stride = 2 y padding = 1", "Rellena primero y después ubica cada ventana en (i·stride, j·stride)."),
]


def _conv_inputs():
    rng = np.random.default_rng(4)
    x, w, b = rng.normal(size=(7, 6, 3)), rng.normal(size=(3, 3, 3, 2)), np.array([0.5, -1.0])
    xt, wt, bt = rng.normal(size=(9, 9, 3)), rng.normal(size=(3, 3, 3, 4)), rng.normal(size=4)
    return x, w, b, xt, wt, bt


def _standin_zero_pad(x, p):
    """Pieza sustituta: el zero_pad correcto (rellena alto y ancho, no los canales)."""
    x = np.asarray(x)
    return np.pad(x, ((p, p), (p, p)) + ((0, 0),) * (x.ndim - 2))


def _conv_calls(call):
    x, w, b, xt, wt, bt = _conv_inputs()
    return {
        "casos": [call("conv2d", x, w, b, stride=st, padding=p) for st, p, _, _ in _CONV_CASES],
        "ej4": call("conv2d", _EJ4_IMG[:, :, None], _EJ4_KER[:, :, None, None], np.zeros(1), stride=2, padding=0),
        "tf": call("conv2d", xt, wt, bt, stride=2, padding=1),
    }


@exercise(LAB, "conv2d", points=3)
def conv2d_probe(s):
    x, _, _, xt, _, _ = _conv_inputs()
    return {
        # La dependencia primero: el zero_pad del estudiante sobre los volúmenes que usa conv2d.
        "pad": [s.call("zero_pad", x, 1), s.call("zero_pad", xt, 1)],
        **_conv_calls(s.call),
        # La misma conv2d con un zero_pad correcto en lugar del suyo: un error de zero_pad
        # cuesta los puntos del ejercicio 1, no también los de conv2d.
        "sustituta": _conv_calls(lambda name, *a, **k: s.call_with({"zero_pad": _standin_zero_pad}, name, *a, **k)),
    }


@conv2d_probe.judge
def conv2d_judge(d):
    from utils import checks as c
    from utils import conv as ref

    x, _, _, xt, _, _ = _conv_inputs()
    pad_ok = all(not _failed(got) and np.shape(got) == (v.shape[0] + 2, v.shape[1] + 2, v.shape[2])
                 and np.allclose(got, ref.zero_pad(v, 1)) for got, v in zip(d["pad"], (x, xt)))
    if pad_ok:
        return _judge_conv(d, "")
    try:  # ¿está bien conv2d si se le da un zero_pad correcto?
        _judge_conv(d["sustituta"], "")
    except c.CheckFailed:
        _judge_conv(d, " Tu zero_pad (ejercicio 1) no rellena bien una imagen con canales (por ejemplo, de forma "
                       "(7, 6, 3) con p = 1 debe dar (9, 8, 3)), y conv2d la usa: arregla primero el ejercicio 1.")
    print("Tu conv2d es correcta con un zero_pad correcto. Tu zero_pad (ejercicio 1) todavía falla: "
          "arréglalo, porque conv2d lo usa.")


def _judge_conv(d, culpa_pad):
    """Compara los resultados de conv2d de ``d`` con utils.conv y TensorFlow; ``culpa_pad`` se suma a cada pista."""
    from utils import checks as c
    from utils import conv as ref

    x, w, b, xt, wt, bt = _conv_inputs()

    def judged(got, que, hint):
        if _failed(got) and "__error__" in got and culpa_pad:
            c.check_true(False, f"`conv2d` lanzó {got['__error__']}: {got.get('mensaje', '')}.{culpa_pad}")
        return c.ok(got, "conv2d", hint + culpa_pad)

    for (st, p, que, hint), got in zip(_CONV_CASES, d["casos"]):
        z = judged(got, que, hint)
        want = ref.conv2d_nhwc(x[None], w, b, stride=st, padding=p)[0]
        c.check_true(np.shape(z) == want.shape,
                     f"{que}: la salida debe tener forma {want.shape} (d_alto, d_ancho, n_f) y la tuya tiene "
                     f"{np.shape(z)}. Revisa d = ⌊(n + 2p − f)/s⌋ + 1 y que el último eje sea el de los filtros."
                     + (culpa_pad if p else ""))
        c.check_true(not np.allclose(z, want - b), f"{que}: a tu resultado le falta el sesgo: suma b[o] a cada salida del filtro o.")
        c.check_close(z, want, what=que, hint=hint + (culpa_pad if p else ""))
    z4 = judged(d["ej4"], "el ejemplo 4 del capítulo", "")
    c.check_close(np.asarray(z4)[:, :, 0] if np.ndim(z4) == 3 else z4, [[91, 100, 88], [69, 91, 117], [44, 72, 74]],
                  what="el ejemplo 4 del capítulo (paso 2)")
    import tensorflow as tf  # la convolución de Conv2D de Keras, sin voltear el filtro

    de_tf = tf.nn.conv2d(xt[None], wt, strides=2, padding=[[0, 0], [1, 1], [1, 1], [0, 0]]).numpy()[0] + bt
    c.check_close(judged(d["tf"], "frente a TensorFlow", ""), de_tf, what="conv2d frente a tf.nn.conv2d (paso 2, relleno 1)",
                  rtol=1e-6, atol=1e-6, hint="TensorFlow calcula la correlación cruzada (no voltea el filtro), rellena con "
                                             "ceros y coloca cada ventana en (i·stride, j·stride)." + culpa_pad)


# ---------------------------------------------------------------------------
# Ejercicio 5 · pool2d
# ---------------------------------------------------------------------------

_EJ6 = np.array([[1, 3, 2, 1, 3], [2, 9, 1, 1, 5], [1, 3, 2, 3, 2], [8, 3, 5, 1, 0], [5, 6, 1, 2, 9]], dtype=float)
_CAP = np.array([[12, 20, 30, 0], [8, 12, 2, 0], [34, 70, 37, 4], [112, 100, 25, 12]], dtype=float)[:, :, None]
_POOL_HINT = "Con la ventana x[i*stride:i*stride+f, j*stride:j*stride+f, :] usa .max(axis=(0, 1)) o .mean(axis=(0, 1))."


def _pool_input():
    return np.random.default_rng(5).normal(size=(6, 7, 3))


@exercise(LAB, "pool2d", points=2)
def pool2d_probe(s):
    v = _pool_input()
    return {"ej6_max": s.call("pool2d", _EJ6[:, :, None], 3, 1, mode="max"),
            "cap": s.call("pool2d", _CAP, 2, 2, mode="max"),
            "ej6_avg": s.call("pool2d", _EJ6[:, :, None], 3, 1, mode="avg"),
            "max": s.call("pool2d", v, 2, 2, mode="max"), "avg": s.call("pool2d", v, 2, 2, mode="avg")}


@pool2d_probe.judge
def pool2d_judge(d):
    from utils import checks as c
    from utils import conv as ref

    out = c.ok(d["ej6_max"], "pool2d", _POOL_HINT)
    c.check_true(np.shape(out) == (3, 3, 1),
                 f"El ejemplo 6 (5×5×1, f = 3, paso 1) debe dar una salida de forma (3, 3, 1); la tuya tiene "
                 f"forma {np.shape(out)}.")
    c.check_close(np.asarray(out)[:, :, 0], [[9, 9, 5], [9, 9, 5], [8, 6, 9]],
                  what="el pooling máximo del ejemplo 6", hint="Cada salida es el máximo de su ventana de 3×3.")
    c.check_close(c.ok(d["cap"], "pool2d", _POOL_HINT), [[[20], [30]], [[112], [37]]],
                  what="el pooling máximo 2×2 con paso 2 del capítulo",
                  hint="Con paso 2 las ventanas empiezan en las filas y columnas 0 y 2.")
    c.check_close(c.ok(d["ej6_avg"], "pool2d", _POOL_HINT), ref.pool2d(_EJ6[None, :, :, None], 3, stride=1, mode="avg")[0],
                  what="el pooling promedio del ejemplo 6", hint="mode='avg' debe promediar cada ventana.")
    v = _pool_input()
    for modo in ("max", "avg"):
        out = c.ok(d[modo], "pool2d", _POOL_HINT)
        want = ref.pool2d(v[None], 2, stride=2, mode=modo)[0]
        c.check_true(np.shape(out) == want.shape,
                     f"Con una entrada (6, 7, 3), f = 2 y paso 2 la salida debe tener forma {want.shape}; "
                     f"la tuya tiene {np.shape(out)}. El número de canales no cambia.")
        out = np.asarray(out, dtype=float)
        c.check_true(not (np.allclose(out[:, :, 0], out[:, :, 1]) and np.allclose(out[:, :, 1], out[:, :, 2])),
                     f"pool2d con mode='{modo}' da el mismo valor en todos los canales: estás mezclando canales. "
                     "El pooling actúa en cada canal por separado: usa .max(axis=(0, 1)) o .mean(axis=(0, 1)).")
        c.check_close(out, want, what=f"pool2d (mode='{modo}') con 3 canales",
                      hint="Cada canal se resume por separado; revisa también el paso de la ventana.")


# ---------------------------------------------------------------------------
# Ejercicio 6 · cuentas de parámetros y tamaños
# ---------------------------------------------------------------------------

_NAMES6 = ("params_a", "params_b", "params_c", "params_d", "lado_e")


@exercise(LAB, "parametros", points=2)
def parametros_probe(s):
    return {n: s.value(n) for n in _NAMES6}


@parametros_probe.judge
def parametros_judge(d):
    from utils import checks as c
    from utils import conv as ref
    from utils.counting import group_digits

    faltan = [n for n in _NAMES6 if isinstance(d[n], dict) and "__falta__" in d[n]]
    c.check_true(not faltan, f"Todavía no completaste el ejercicio 6: falta definir {', '.join(faltan)}.")
    respuestas = {
        "params_a": (ref.conv_params(3, 3, 10), 10, "cada uno de los 10 filtros tiene 3·3·3 pesos y 1 sesgo"),
        "params_b": (ref.conv_params(3, 3, 64), 64,
                     "el tamaño de la imagen (224×224) no importa: solo f, los canales de entrada y el número de filtros"),
        "params_c": (64 * 64 * 3 * 1000 + 1000, 1000,
                     f"cada una de las 1000 neuronas ve los {group_digits(64 * 64 * 3)} valores y tiene un sesgo"),
        "params_d": (0, 0, "el pooling es una función fija (máximo o promedio): no tiene nada que aprender"),
        "lado_e": (ref.output_size(224, 7, padding=3, stride=2), 0, "d = ⌊(n + 2p − f)/s⌋ + 1"),
    }
    for nombre, (esperado, sesgos, pista) in respuestas.items():
        valor = c.ok(d[nombre], nombre, pista)
        c.check_true(sesgos == 0 or valor != esperado - sesgos,
                     f"{nombre} vale {group_digits(valor) if isinstance(valor, int) else valor}: faltan los "
                     f"{group_digits(sesgos)} sesgos ({pista}).")
        c.check_close(valor, esperado, what=nombre, hint=pista)


# ---------------------------------------------------------------------------
# Ejercicio 7 · bordes en una foto
# ---------------------------------------------------------------------------

_NAMES7 = ("k_vertical", "k_horizontal", "bordes_v", "bordes_h")


@exercise(LAB, "bordes", points=1)
def bordes_probe(s):
    return {n: s.value(n) for n in _NAMES7}


@bordes_probe.judge
def bordes_judge(d):
    from skimage import data

    from utils import checks as c
    from utils import conv as ref

    faltan = [n for n in _NAMES7 if isinstance(d[n], dict) and "__falta__" in d[n]]
    c.check_true(not faltan, f"Todavía no completaste el ejercicio 7: falta definir {', '.join(faltan)}.")
    borde_vertical = np.zeros((9, 9))
    borde_vertical[:, :4] = 1.0                           # claro a la izquierda, oscuro a la derecha
    borde_horizontal = borde_vertical.T.copy()             # claro arriba, oscuro abajo
    filtros = {}
    for nombre, ve, no_ve in (("k_vertical", borde_vertical, borde_horizontal),
                              ("k_horizontal", borde_horizontal, borde_vertical)):
        k = np.asarray(c.ok(d[nombre], nombre), dtype=float)
        c.check_true(k.shape == (3, 3), f"{nombre} debe ser un filtro de 3×3; tiene forma {k.shape}.")
        c.check_true(abs(k.sum()) < 1e-9,
                     f"Los pesos de {nombre} suman {k.sum():g}: en una zona uniforme responderían con algo "
                     "distinto de 0. Un detector de bordes resta un lado al otro y sus pesos suman 0.")
        c.check_true(np.abs(ref.conv2d(ve, k)).max() > 1e-6, f"{nombre} no responde al borde que debería detectar.")
        c.check_true(np.abs(ref.conv2d(no_ve, k)).max() < 1e-9,
                     f"{nombre} responde a un borde de la otra dirección. ¿Intercambiaste o repetiste los filtros? "
                     "El vertical compara columnas (izquierda menos derecha); el horizontal, filas (arriba menos abajo).")
        filtros[nombre] = k
    imagen = data.camera()[::4, ::4] / 255.0
    c.check_close(c.ok(d["bordes_v"], "bordes_v"), ref.conv2d(imagen, filtros["k_vertical"]),
                  what="bordes_v", hint="bordes_v = conv2d_single(imagen, k_vertical).")
    c.check_close(c.ok(d["bordes_h"], "bordes_h"), ref.conv2d(imagen, filtros["k_horizontal"]),
                  what="bordes_h", hint="bordes_h = conv2d_single(imagen, k_horizontal).")
