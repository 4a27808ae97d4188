"""La API de sondas y jueces (``grader.api``): datos planos, registros de error y ``check``.

Sin núcleos ni sandbox: el códec, el acceso al cuaderno (``Student``), los mensajes de
``utils.checks.ok`` y ``check`` sobre un espacio de nombres que imita un cuaderno.
"""

import io
import json
import pickle

import numpy as np
import pytest

from grader import api
from utils import checks, notebooks
from utils.checks import CheckFailed


# --- El códec: qué se acepta y qué se rechaza --------------------------------

@pytest.mark.parametrize("value", [
    None, True, 3, 2.5, float("nan"), "texto", [1, 2.0, "x"], (1, (2, 3)), {"a": [1, {"b": None}]},
    np.arange(6).reshape(2, 3), np.array([True, False]), np.zeros((0, 4), dtype=np.float32),
    {"__ndarray__": "no es un arreglo"}, {"__tuple__": 1},
])
def test_plain_values_round_trip(value):
    back = api.decode(api.encode(value))
    if isinstance(value, np.ndarray):
        assert type(back) is np.ndarray and back.dtype == value.dtype and np.array_equal(back, value)
    elif isinstance(value, float) and value != value:
        assert back != back
    else:
        assert back == value and type(back) is type(value)


def test_numpy_scalars_become_python_numbers():
    back = api.decode(api.encode([np.float64(0.5), np.int32(3), np.bool_(True)]))
    assert back == [0.5, 3, True] and [type(x) for x in back] == [float, int, bool]


class Leaky:
    """Un objeto que, si alguien lo convirtiera en arreglo, leería el marco del que lo llama."""

    touched = []

    def __array__(self, *a, **k):
        import sys

        Leaky.touched.append(sys._getframe(1).f_globals.get("__name__"))
        return np.array([0.5])

    def __float__(self):
        Leaky.touched.append("float")
        return 0.5


class FloatSub(float):
    pass


class ArraySub(np.ndarray):
    def __array_finalize__(self, obj):
        Leaky.touched.append("finalize")


@pytest.mark.parametrize("value,name", [
    (Leaky(), "Leaky"), (FloatSub(0.5), "FloatSub"), (np.ma.masked_array([1.0]), "MaskedArray"),
    (np.zeros(2).view(ArraySub), "ArraySub"), (np.array([object()]), "ndarray de dtype O"),
    (np.array([1 + 2j]), "ndarray de dtype c"), (lambda: 1, "function"), ({1: 2}, "dict con claves que no son texto"),
])
def test_objects_are_never_passed_along(value, name):
    Leaky.touched.clear()
    out = api.decode(api.encode({"x": value}))
    assert out == {"x": {"__tipo__": name}}
    assert Leaky.touched == [], "se llamó a un método del objeto del estudiante"


def test_decode_never_unpickles(tmp_path):
    buf = io.BytesIO()
    np.save(buf, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    import base64

    forged = json.dumps({"__ndarray__": base64.b64encode(buf.getvalue()).decode()})
    with pytest.raises(api.DecodeError):
        api.decode(forged)
    with pytest.raises(api.DecodeError):
        api.decode(pickle.dumps([1]).decode("latin1"))


@pytest.mark.parametrize("text", ["{", "[" * 100000 + "]" * 100000, '{"__ndarray__": 3}',
                                  '{"__ndarray__": "%%%"}', '{"__tuple__": {"a": 1}}', '{"__dict__": [1]}'])
def test_decode_rejects_malformed_data(text):
    with pytest.raises(api.DecodeError):
        api.decode(text)


def test_size_limits(monkeypatch):
    monkeypatch.setattr(api, "MAX_BYTES", 10_000)
    big = api.encode(np.zeros(100_000))
    assert len(big) < 100 and api.decode(big)["__grande__"] > 10_000
    with pytest.raises(api.DecodeError):
        api.decode("[" + "1," * 20_000 + "1]")
    with pytest.raises(CheckFailed, match="demasiado grande"):
        checks.ok(api.decode(big), "sigmoid")


def test_deep_and_cyclic_structures_are_cut():
    x = []
    x.append(x)
    out = api.decode(api.encode(x))
    for _ in range(api.MAX_DEPTH):
        out = out[0]
    assert out == {"__grande__": "demasiado anidado"}
    assert api.plain([0] * (api.MAX_ITEMS + 10))[-1] == {"__grande__": "demasiados elementos"}


# --- El acceso al cuaderno y los mensajes de ok -------------------------------

def _student(**ns):
    return api.Student(dict(ns))


def _raise(exc):
    def f(*a, **k):
        raise exc
    return f


def test_student_records_and_ok_messages():
    s = _student(hecha=lambda x: x * 2, sin=_raise(NotImplementedError("Completa")),
                 rota=_raise(ValueError("shapes (7,3) and (7,) not aligned")), valor=3)
    assert s.call("hecha", np.ones(2)).tolist() == [2.0, 2.0]
    with pytest.raises(CheckFailed, match="no define `nada`"):
        checks.ok(s.call("nada"), "nada")
    with pytest.raises(CheckFailed, match="Todavía no completaste `sin`"):
        checks.ok(s.call("sin", 1), "sin")
    with pytest.raises(CheckFailed) as err:
        checks.ok(s.call("rota", 1), "rota", hint="dw = Xᵀ (a − y) / m.")
    assert "Todavía" not in str(err.value)
    assert "ValueError: shapes (7,3) and (7,) not aligned" in str(err.value) and "Pista: dw" in str(err.value)
    with pytest.raises(CheckFailed, match="tipo Leaky"):
        checks.ok(_student(f=lambda: (1.0, Leaky())).call("f"), "f")
    assert s.value("valor") == 3 and s.globals_names() == ["hecha", "rota", "sin", "valor"]


def test_call_copies_arguments_and_call_inplace_reports_them():
    def perturba(x):
        x[0] = 99.0
        return 1.0

    x = np.zeros(2)
    s = _student(perturba=perturba)
    s.call("perturba", x)
    assert x[0] == 0.0
    out = s.call_inplace("perturba", x)
    assert out["resultado"] == 1.0 and out["args"][0].tolist() == [99.0, 0.0] and x[0] == 0.0


def test_call_with_restores_globals():
    ns = {"g": lambda: 1}
    ns["f"] = eval("lambda: g()", ns)
    s = api.Student(ns)
    assert s.call_with({"g": lambda: 2}, "f") == 2
    assert s.call("f") == 1


def test_registry_is_lazy_and_rejects_unknown_labs():
    assert list(api.exercises("lab01")) == ["sigmoid", "compute_cost", "compute_gradients", "train",
                                            "entrenar_y_evaluar"]
    assert api.get("lab01", "train").points == 2
    for bad in ("lab99", "../utils", "os"):
        with pytest.raises(KeyError):
            api.exercises(bad)


# --- check() sobre un cuaderno imitado --------------------------------------

def _lab01_namespace(**replace):
    nb = notebooks.load(notebooks.ROOT / "labs" / "lab01_regresion_logistica.ipynb")
    ns = {"__name__": "__main__"}
    for cell in nb["cells"]:
        info = cell.get("metadata", {}).get("curso", {})
        if cell["cell_type"] != "code" or "comprueba" in info or cell.get("id") in ("preparacion", "curva"):
            continue
        src = notebooks._source(cell)
        if info.get("ejercicio") in replace:
            src = notebooks.replace_solutions(src, replace[info["ejercicio"]])
        try:
            exec(notebooks.strip_solution_markers(src), ns)
        except Exception:  # noqa: BLE001 - como en un cuaderno: la celda falla y se sigue
            pass
    return ns


def test_check_in_the_notebook(monkeypatch, capsys):
    ns = _lab01_namespace()
    monkeypatch.setattr(api, "_main_namespace", lambda: ns)
    for name in api.exercises("lab01"):
        api.check("lab01", name)
    assert capsys.readouterr().out.count("✔ Ejercicio") == 5


def test_check_failures_name_the_real_cause(monkeypatch):
    ns = _lab01_namespace(compute_gradients="m = X.shape[0]\nreturn X @ (a - y) / m, 0.0")
    monkeypatch.setattr(api, "_main_namespace", lambda: ns)
    with pytest.raises(CheckFailed) as err:
        api.check("lab01", "compute_gradients")
    assert "lanzó un error" in str(err.value) and "ValueError" in str(err.value)
    # train usa la compute_gradients rota: la comprobación lo dice, o da los puntos si el bucle está bien
    api.check("lab01", "train")
    with pytest.raises(CheckFailed, match=r"usa `compute_gradients` \(ejercicio 3\)"):
        api.check("lab01", "entrenar_y_evaluar")
    ns["compute_gradients"] = _raise(NotImplementedError())
    ns["train"] = _raise(NotImplementedError())
    with pytest.raises(CheckFailed, match="Todavía no completaste `train`"):
        api.check("lab01", "train")


def test_apply_call_model_and_apply_block_return_plain_records():
    keras = pytest.importorskip("keras")

    def bloque(x, n):
        return keras.layers.Dense(n)(x)

    fijo = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    s = _student(doble=lambda x: 2 * x, nuevo=lambda: keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)]),
                 fijo=lambda: fijo, lista=lambda: [1], bloque=bloque, suelto=lambda x: np.zeros(2),
                 sin=_raise(NotImplementedError()))
    assert s.apply("doble", lambda f: f(3) + f(4)) == 14
    assert s.apply("nada", lambda f: f()) == {"__falta__": "nada"}
    assert s.apply("sin", lambda f: f()) == {"__sin_resolver__": "sin"}
    assert s.apply("doble", lambda f: f(None))["__error__"] == "TypeError"
    nuevo, repetido = s.call_model("nuevo"), s.call_model("fijo")
    assert nuevo["nuevo"] is True and repetido["nuevo"] is False
    assert api.rebuild_model(api.decode(api.encode(nuevo["modelo"]))).count_params() == 8
    assert s.call_model("lista")["modelo"] == {"__tipo__": "list"}
    m = api.rebuild_model(api.decode(api.encode(s.apply_block("bloque", (4,), 5))))
    assert m.count_params() == 25 and tuple(m.outputs[0].shape) == (None, 5)
    assert s.apply_block("suelto", (4,)) == {"__no_tensor__": "ndarray"}
    assert api.model_record(fijo)["__modelo__"]["config"] == fijo.to_json()


def test_rebuild_model_accepts_builtin_layers_and_refuses_lambda():
    keras = pytest.importorskip("keras")
    m = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="relu"), keras.layers.Dense(1)])
    data = api.decode(api.encode(api.Student({"m": m}).model("m")))
    again = api.rebuild_model(data)
    x = np.ones((4, 3), dtype="float32")
    assert np.allclose(again.predict(x, verbose=0), m.predict(x, verbose=0))
    lam = keras.Sequential([keras.Input((3,)), keras.layers.Lambda(lambda t: t * 2)])
    with pytest.raises(CheckFailed, match="Lambda"):
        api.rebuild_model(api.decode(api.encode(api.Student({"m": lam}).model("m"))))
    forged = json.loads(m.to_json())
    forged["config"]["layers"][1]["module"] = "os"
    with pytest.raises(CheckFailed, match="no es una capa de Keras"):
        api.rebuild_model({"__modelo__": {"config": json.dumps(forged), "weights": []}})
