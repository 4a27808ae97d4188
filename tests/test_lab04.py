"""Laboratorio 4 con el contrato sonda/juez: la solución oficial, otros estilos y errores típicos.

Las celdas del cuaderno fuente se ejecutan en un espacio de nombres (sin núcleo) y
cada comprobación corre como en el cuaderno: sonda, ``encode``/``decode`` y juez.
"""

import functools

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import _labs  # noqa: E402
from grader import api  # noqa: E402
from utils import notebooks  # noqa: E402

LAB = "lab04"
PATH = notebooks.ROOT / "labs" / "lab04_convolucion.ipynb"
# Celdas que no hacen falta para calificar (figuras, comparaciones, desafíos).
SKIP = {"preparacion", "c016", "c028", "c031", "c031-atras-verifica"}
namespace = functools.partial(_labs.namespace, PATH, SKIP)
grade = functools.partial(_labs.grade, LAB)
total = _labs.total

FULL = 12


def test_points_live_in_the_definitions_and_match_the_notebook():
    nb = notebooks.load(PATH)
    checks = notebooks.exercise_cells(nb)
    exs = api.exercises(LAB)
    assert set(checks) == set(exs)
    assert {n: info["puntos"] for n, info in checks.items()} == {n: e.points for n, e in exs.items()}
    assert sum(e.points for e in exs.values()) == FULL
    for name, info in checks.items():
        src = notebooks._source(nb["cells"][info["celda"]])
        assert f'check("{LAB}", "{name}")' in src and "_checks" not in src


@pytest.fixture(scope="module")
def oficial():
    return namespace()


def test_source_gets_full_marks(oficial):
    res = grade(oficial)
    assert total(res) == FULL, {k: m for k, (p, m) in res.items() if m}


def test_in_notebook_check_prints_the_points(oficial, monkeypatch, capsys):
    monkeypatch.setattr(api, "_main_namespace", lambda: oficial)
    api.check(LAB, "conv2d")
    assert "✔ Ejercicio «conv2d» correcto (+3 puntos)." in capsys.readouterr().out


def test_student_copy_gets_zero():
    res = grade(namespace(student=True))
    assert total(res) == 0
    assert "Todavía no completaste `conv2d`" in res["conv2d"][1]
    assert "falta definir params_a" in res["parametros"][1]


@pytest.mark.parametrize("exercise", ["zero_pad", "output_size", "conv2d_single", "conv2d", "pool2d", "parametros", "bordes"])
def test_each_wrong_answer_fails_its_own_check(exercise):
    wrong = _labs.wrong_answer(PATH, exercise)
    res = grade(namespace(replace={exercise: wrong}))
    assert res[exercise][0] == 0, f"la respuesta incorrecta de «{exercise}» pasó"
    # Solo pierde su ejercicio; conv2d usa zero_pad, y lado_e usa output_size (lo dice el mensaje).
    perdidos = {k for k, (p, _) in res.items() if p == 0}
    permitidos = {exercise} | ({"parametros"} if exercise == "output_size" else set()) | ({"bordes"} if exercise == "conv2d_single" else set())
    assert perdidos <= permitidos, perdidos


ALTERNATIVAS = '''
from numpy.lib.stride_tricks import sliding_window_view


def zero_pad(x, p):
    out = np.zeros((x.shape[0] + 2 * p, x.shape[1] + 2 * p) + x.shape[2:], dtype=x.dtype)
    out[p:p + x.shape[0], p:p + x.shape[1]] = x
    return out


def output_size(n, f, p, s):
    return int(np.floor((n + 2 * p - f) / s)) + 1


def conv2d_single(x, k):
    return np.einsum("ijab,ab->ij", sliding_window_view(x, k.shape), k)


def conv2d(x, w, b, stride=1, padding=0):
    x_pad = zero_pad(x, padding)
    f = w.shape[0]
    ventanas = sliding_window_view(x_pad, (f, f), axis=(0, 1))[::stride, ::stride]
    return np.einsum("ijcab,abco->ijo", ventanas, w) + b


def pool2d(x, f, stride, mode="max"):
    ventanas = sliding_window_view(x, (f, f), axis=(0, 1))[::stride, ::stride]
    return ventanas.max(axis=(-2, -1)) if mode == "max" else ventanas.mean(axis=(-2, -1))


params_a = 10 * (27 + 1)
params_b = 64 * 28
params_c = (12288 + 1) * 1000
params_d = 0
lado_e = (224 + 6 - 7) // 2 + 1
k_vertical = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]          # Sobel, en listas y con el signo contrario
k_horizontal = [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]
bordes_v = conv2d_single(imagen, np.array(k_vertical, dtype=float))
bordes_h = conv2d_single(imagen, np.array(k_horizontal, dtype=float))
'''

IM2COL = '''
def conv2d(x, w, b, stride=1, padding=0):
    x_pad = zero_pad(x, padding)
    f, n_c, n_f = w.shape[0], w.shape[2], w.shape[3]
    d_h = (x_pad.shape[0] - f) // stride + 1
    d_w = (x_pad.shape[1] - f) // stride + 1
    filas = [x_pad[i * stride:i * stride + f, j * stride:j * stride + f, :].ravel()
             for i in range(d_h) for j in range(d_w)]
    return (np.array(filas) @ w.reshape(-1, n_f) + b).reshape(d_h, d_w, n_f)


def pool2d(x, f, stride, mode="max"):
    d_h, d_w = (x.shape[0] - f) // stride + 1, (x.shape[1] - f) // stride + 1
    out = np.empty((d_h, d_w, x.shape[2]))
    for c in range(x.shape[2]):
        for i in range(d_h):
            for j in range(d_w):
                v = x[i * stride:i * stride + f, j * stride:j * stride + f, c]
                out[i, j, c] = np.max(v) if mode == "max" else np.mean(v)
    return out
'''


@pytest.mark.parametrize("codigo", [ALTERNATIVAS, IM2COL], ids=["vectorizada-listas", "im2col-bucles"])
def test_alternative_styles_get_full_marks(codigo):
    res = grade(namespace(extra=codigo))
    assert total(res) == FULL, {k: m for k, (p, m) in res.items() if m}


def test_a_broken_zero_pad_costs_only_its_own_points(capsys):
    # El zero_pad típico que rellena también los canales: la conv2d oficial, que lo usa, lanza un error
    # de propagación con él, pero con un zero_pad correcto (pieza sustituta) está bien y vale sus puntos.
    res = grade(namespace(replace={"zero_pad": "return np.pad(x, p)"}))
    assert res["zero_pad"][0] == 0 and res["conv2d"][0] == 3, res["conv2d"][1]
    assert "Tu zero_pad (ejercicio 1) todavía falla" in capsys.readouterr().out


def test_conv2d_failing_with_a_broken_zero_pad_points_at_exercise_1():
    # Si además conv2d está mal (aquí rellena solo abajo y a la derecha), el comentario nombra primero a
    # zero_pad y el error real que lanzó.
    conv_un_lado = """x_pad = zero_pad(x, padding)[padding:, padding:]
f, n_f = w.shape[0], w.shape[3]
d_h = (x_pad.shape[0] - f) // stride + 1
d_w = (x_pad.shape[1] - f) // stride + 1
z = np.zeros((d_h, d_w, n_f))
for i in range(d_h):
    for j in range(d_w):
        ventana = x_pad[i * stride:i * stride + f, j * stride:j * stride + f, :]
        for o in range(n_f):
            z[i, j, o] = np.sum(ventana * w[:, :, :, o]) + b[o]
return z"""
    res = grade(namespace(replace={"zero_pad": "return np.pad(x, p)", "conv2d": conv_un_lado}))
    assert res["zero_pad"][0] == 0 and res["conv2d"][0] == 0
    msg = res["conv2d"][1]
    assert "zero_pad (ejercicio 1)" in msg and "arregla primero el ejercicio 1" in msg
    assert "lanzó" in msg                       # y muestra el error real del estudiante


def test_conv2d_that_does_not_use_a_broken_zero_pad_still_passes():
    extra = ALTERNATIVAS.split("def output_size")[0].replace("def zero_pad", "def _no_usada") + '''
def zero_pad(x, p):
    return np.pad(x, p)


def conv2d(x, w, b, stride=1, padding=0):
    x_pad = np.pad(x, ((padding, padding), (padding, padding), (0, 0)))
    f = w.shape[0]
    ventanas = sliding_window_view(x_pad, (f, f), axis=(0, 1))[::stride, ::stride]
    return np.einsum("ijcab,abco->ijo", ventanas, w) + b
'''
    res = grade(namespace(extra=extra))
    assert res["zero_pad"][0] == 0 and res["conv2d"][0] == 3


def test_student_exception_is_reported_with_the_hint():
    extra = '''
def pool2d(x, f, stride, mode="max"):
    return x.reshape(f, -1).max(axis=0)
'''
    res = grade(namespace(extra=extra))
    msg = res["pool2d"][1]
    assert "ValueError" in msg and "Pista" in msg and "Todavía no completaste" not in msg


def test_flipped_kernel_and_float_output_size_get_their_messages():
    extra = '''
def conv2d_single(x, k):
    k = k[::-1, ::-1]
    f = k.shape[0]
    return np.array([[np.sum(x[i:i + f, j:j + f] * k) for j in range(x.shape[1] - f + 1)]
                     for i in range(x.shape[0] - f + 1)])


def output_size(n, f, p, s):
    return (n + 2 * p - f) / s + 1
'''
    res = grade(namespace(extra=extra))
    assert "volteado" in res["conv2d_single"][1]
    assert "entero" in res["output_size"][1]


def _challenge_outputs(student):
    """Lo que imprimen las dos celdas de los desafíos opcionales (tiempos y gradientes)."""
    import contextlib
    import io

    ns = namespace(student=student)
    nb = notebooks.load(PATH)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for cell in nb["cells"]:
            if cell.get("id") in ("c031", "c031-atras-verifica"):
                exec(compile(notebooks._source(cell), cell["id"], "exec"), ns)
    return out.getvalue()


def test_book_page_runs_the_challenge_solutions():
    """En la página del libro corren las soluciones plegadas de los desafíos, no un sustituto."""
    out = _challenge_outputs(student=False)
    assert "sin resolver" not in out, out
    assert "tu conv2d_vectorized" in out and "veces más rápida" in out, out
    assert out.count("✔") == 3 and "✘" not in out, out


def test_student_copy_leaves_the_challenges_to_the_student():
    out = _challenge_outputs(student=True)
    assert "utils.conv.conv2d_nhwc" in out and "escribe conv2d_backward" in out, out
