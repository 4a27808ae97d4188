"""Mensajes de las comprobaciones de laboratorio y ayudas del dispositivo."""

import numpy as np
import pytest

from utils import book, checks, device


def not_done(x):
    raise NotImplementedError("Completa este ejercicio.")


def test_call_student_translates_not_implemented():
    with pytest.raises(checks.CheckFailed, match="Todavía no completaste `sigmoid`"):
        checks.call_student(not_done, 1.0, name="sigmoid")


def test_call_student_reports_other_errors_and_non_callables():
    with pytest.raises(checks.CheckFailed, match="lanzó ZeroDivisionError"):
        checks.call_student(lambda: 1 / 0, name="f")
    with pytest.raises(checks.CheckFailed, match="debería ser una función"):
        checks.call_student(3, name="f")


def test_check_close_messages():
    checks.check_close([1.0, 2.0], [1.0, 2.0 + 1e-12], what="v")
    with pytest.raises(checks.CheckFailed, match=r"la forma es \(3,\) y debería ser \(2,\)"):
        checks.check_close([1, 2, 3], [1, 2], what="v")
    with pytest.raises(checks.CheckFailed, match=r"obtuviste 0\.4 en la posición \(1,\), pero debería ser 0\.5\. Pista: revisa"):
        checks.check_close([0.5, 0.4], [0.5, 0.5], what="sigmoid", hint="revisa el signo")
    with pytest.raises(checks.CheckFailed, match="devolvió None"):
        checks.check_close(None, 1.0, what="costo")
    with pytest.raises(checks.CheckFailed, match="NaN"):
        checks.check_close([np.nan], [1.0], what="costo")
    with pytest.raises(checks.CheckFailed, match="se esperaba un número"):
        checks.check_close("hola", 1.0, what="costo")


def test_check_true_and_passed(capsys):
    checks.check_true(True, "no")
    with pytest.raises(checks.CheckFailed, match="mal"):
        checks.check_true(False, "mal")
    checks.passed("sigmoid", 2)
    checks.passed("costo", 1)
    out = capsys.readouterr().out
    assert "✔ Ejercicio «sigmoid» correcto (+2 puntos)." in out and "(+1 punto)" in out


def test_device_description_and_scale(monkeypatch, capsys):
    monkeypatch.setattr(device, "gpu_name", lambda: None)
    assert "CPU" in device.describe_device() and "Colab" in device.describe_device()
    cfg = device.pick_scale({"epochs": 2}, {"epochs": 20})
    assert cfg == {"epochs": 2, "scale": "CPU"} and "Escala CPU: epochs=2" in capsys.readouterr().out
    monkeypatch.setattr(device, "gpu_name", lambda: "Tesla T4")
    assert "GPU (Tesla T4)" in device.describe_device()
    assert device.pick_scale({"epochs": 2}, {"epochs": 20})["epochs"] == 20
    with pytest.raises(TypeError, match="diccionarios"):
        device.pick_scale([], {})


def test_book_helpers_validate():
    with pytest.raises(TypeError, match="texto no vacío"):
        book.glue("", 1)
    with pytest.raises(TypeError, match="No se puede mostrar"):
        book.show_source(3)


def test_keras_block_helpers_accept_any_layer_order():
    keras = pytest.importorskip("keras")
    import numpy as np

    from utils import checks

    def referencia(x):
        a = keras.layers.Conv2D(3, 1, name="a")(x)
        b = keras.layers.Conv2D(5, 3, padding="same", activation="relu", name="b")(x)
        return keras.layers.Concatenate()([a, b])

    def en_otro_orden(x):  # las capas se crean al revés y sin nombres: también es correcta
        b = keras.layers.Conv2D(5, 3, padding="same", activation="relu")(x)
        a = keras.layers.Conv2D(3, 1)(x)
        return keras.layers.Concatenate()([a, b])

    def sin_relu(x):
        a = keras.layers.Conv2D(3, 1)(x)
        b = keras.layers.Conv2D(5, 3, padding="same")(x)
        return keras.layers.Concatenate()([a, b])

    def sin_hacer(x):
        raise NotImplementedError

    m_ref = checks.keras_block_model(referencia, "referencia", (6, 6, 2))
    for funcion, esperado in [(en_otro_orden, True), (sin_relu, False)]:
        m = checks.keras_block_model(funcion, funcion.__name__, (6, 6, 2))
        x, y_ref, y, igual = checks.copy_weights_and_compare(m, m_ref, seed=0)
        assert igual is esperado and x.shape == (2, 6, 6, 2) and y.shape == y_ref.shape
    with pytest.raises(checks.CheckFailed, match="Todavía no completaste"):
        checks.keras_block_model(sin_hacer, "sin_hacer", (6, 6, 2))
    with pytest.raises(checks.CheckFailed, match="formas"):
        otra = checks.keras_block_model(lambda x: keras.layers.Conv2D(4, 1)(x), "otra", (6, 6, 2))
        checks.copy_weights_and_compare(otra, m_ref, seed=0)
    assert np.isfinite(y_ref).all()
