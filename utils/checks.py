"""Comprobaciones de los laboratorios, con mensajes en español que enseñan.

Una celda de comprobación de un laboratorio llama a estas funciones para comparar
el trabajo del estudiante con la implementación de referencia de ``utils``.
Si algo falla lanzan :class:`CheckFailed` (una ``AssertionError``) con un
mensaje que dice qué se esperaba, qué llegó y, cuando se puede, qué revisar.
Si todo va bien, :func:`passed` lo anuncia.

Ejemplo
-------
>>> import numpy as np
>>> out = call_student(np.tanh, 0.0, name="tanh")
>>> check_close(out, 0.0, what="tanh(0)")
>>> passed("tanh", 1)
✔ Ejercicio «tanh» correcto (+1 punto).
"""

from __future__ import annotations

import numpy as np


class CheckFailed(AssertionError):
    """Una comprobación del laboratorio no pasó; el mensaje explica por qué."""


def call_student(func, *args, name: str, **kwargs):
    """Llama a la función del estudiante traduciendo sus fallos a mensajes claros.

    - ``NotImplementedError`` (el ejercicio sigue sin resolver) se convierte en
      «Todavía no completaste …».
    - Cualquier otra excepción se informa con su tipo y su mensaje.

    Devuelve lo que devuelva ``func(*args, **kwargs)``.

    >>> call_student(abs, -2, name="abs")
    2
    """
    if not callable(func):
        raise CheckFailed(f"`{name}` debería ser una función, pero es {type(func).__name__}.")
    try:
        return func(*args, **kwargs)
    except NotImplementedError:
        raise CheckFailed(
            f"Todavía no completaste `{name}`: reemplaza «# TU CÓDIGO AQUÍ» y el "
            "`raise NotImplementedError` por tu implementación."
        ) from None
    except CheckFailed:
        raise
    except Exception as exc:  # noqa: BLE001 - se reporta al estudiante
        raise CheckFailed(f"`{name}` lanzó {type(exc).__name__}: {exc}") from None


_RECORD_KEYS = ("__falta__", "__sin_resolver__", "__error__", "__tipo__", "__grande__", "__error_sonda__")


def _record(value):
    """El registro de error de una sonda que hay en ``value`` (arriba o anidado), o ``None``."""
    stack = [(value, 0)]
    while stack:
        v, depth = stack.pop()
        if type(v) is dict:
            if any(k in v for k in _RECORD_KEYS):
                return v
            if depth < 4:
                stack += [(x, depth + 1) for x in v.values()]
        elif type(v) in (list, tuple) and depth < 4:
            stack += [(x, depth + 1) for x in v[:50]]
    return None


def ok(value, name: str, hint: str = ""):
    """Devuelve ``value`` si es un resultado; si es un registro de error de la sonda, explica el fallo.

    Las sondas (``grader.api.Student``) nunca lanzan: cuando la función del estudiante
    falla dejan un registro. ``ok`` lo convierte en :class:`CheckFailed` con un
    mensaje en español: la excepción real del estudiante con la pista del
    ejercicio, «Todavía no completaste …» solo si sigue el ``NotImplementedError``,
    o qué tipo de objeto devolvió si no era un número ni un arreglo.

    >>> ok(0.5, "sigmoid")
    0.5
    >>> ok({"__error__": "ValueError", "mensaje": "shapes (7,3) and (7,) not aligned", "nombre": "f"}, "f")
    Traceback (most recent call last):
    ...
    utils.checks.CheckFailed: Tu `f` lanzó un error al ejecutarse: ValueError: shapes (7,3) and (7,) not aligned.
    """
    rec = _record(value)
    if rec is None:
        return value
    pista = f" Pista: {hint}" if hint else ""
    who = rec.get("nombre") or rec.get("__falta__") or rec.get("__sin_resolver__") or name
    if "__falta__" in rec:
        raise CheckFailed(f"Tu cuaderno no define `{rec['__falta__']}`, que pide el ejercicio «{name}». "
                          "¿Ejecutaste su celda, o le cambiaste el nombre?")
    if "__sin_resolver__" in rec:
        raise CheckFailed(f"Todavía no completaste `{who}`: reemplaza «# TU CÓDIGO AQUÍ» y el "
                          "`raise NotImplementedError` por tu implementación.")
    if "__error__" in rec:
        msg = str(rec.get("mensaje") or "").strip()
        raise CheckFailed(f"Tu `{who}` lanzó un error al ejecutarse: {rec['__error__']}"
                          + (f": {msg}" if msg else "") + ("." if not msg.endswith(".") else "") + pista)
    if "__tipo__" in rec:
        where = "devolvió" if rec is value else "devolvió, entre otras cosas,"
        raise CheckFailed(f"`{name}` {where} un objeto de tipo {rec['__tipo__']}; se esperaban números, "
                          "arreglos de NumPy o listas, tuplas y diccionarios de ellos." + pista)
    if "__grande__" in rec:
        raise CheckFailed(f"Lo que devolvió `{name}` es demasiado grande para comprobarlo ({rec['__grande__']}).")
    raise CheckFailed(f"La comprobación de «{name}» no pudo leer tu cuaderno ({rec.get('__error_sonda__')}).")


def check_close(actual, expected, what: str, hint: str = "", rtol: float = 1e-6, atol: float = 1e-8) -> None:
    """Comprueba que ``actual`` tenga la forma de ``expected`` y valores cercanos.

    Parámetros
    ----------
    actual, expected : array_like o número
    what : str
        Qué se está comprobando, en palabras (aparece en el mensaje).
    hint : str
        Pista que se añade al mensaje si la comprobación falla.
    rtol, atol : float
        Tolerancias relativa y absoluta, como en ``np.allclose``.

    >>> check_close([0.5, 1.0], [0.5, 1.0], what="el vector")
    """
    pista = f" Pista: {hint}" if hint else ""
    if _record(actual) is not None:
        ok(actual, what, hint)
    if actual is None:
        raise CheckFailed(f"{what}: tu código devolvió None. ¿Te falta un `return`?{pista}")
    try:
        got = np.asarray(actual, dtype=float)
    except (TypeError, ValueError):
        raise CheckFailed(f"{what}: se esperaba un número o arreglo numérico y llegó {type(actual).__name__}.{pista}") from None
    want = np.asarray(expected, dtype=float)
    if got.shape != want.shape:
        raise CheckFailed(f"{what}: la forma es {got.shape} y debería ser {want.shape}.{pista}")
    if np.isnan(got).any() and not np.isnan(want).any():
        raise CheckFailed(f"{what}: el resultado contiene NaN.{pista}")
    if not np.allclose(got, want, rtol=rtol, atol=atol):
        idx = np.unravel_index(np.argmax(np.abs(got - want)), got.shape) if got.shape else ()
        pos = f" en la posición {tuple(int(i) for i in idx)}" if got.shape else ""
        raise CheckFailed(
            f"{what}: obtuviste {got[idx]:.6g}{pos}, pero debería ser {want[idx]:.6g}.{pista}"
        )


def check_true(condition: bool, message: str) -> None:
    """Lanza :class:`CheckFailed` con ``message`` si ``condition`` es falsa.

    >>> check_true(1 + 1 == 2, "La suma falla.")
    """
    if not condition:
        raise CheckFailed(message)


def check_tuple(value, length: int, message: str) -> None:
    """Lanza :class:`CheckFailed` con ``message`` si ``value`` no es una tupla de ``length`` elementos.

    >>> check_tuple((1, 2), 2, "Devuelve dos valores.")
    """
    if not isinstance(value, tuple) or len(value) != length:
        raise CheckFailed(message)


def passed(exercise: str, points: float) -> None:
    """Anuncia que un ejercicio pasó su comprobación.

    >>> passed("sigmoid", 2)
    ✔ Ejercicio «sigmoid» correcto (+2 puntos).
    """
    unidad = "punto" if points == 1 else "puntos"
    pts = int(points) if float(points).is_integer() else points
    print(f"✔ Ejercicio «{exercise}» correcto (+{pts} {unidad}).")


def keras_block_model(func, name: str, input_shape, *args, hint: str = ""):
    """Aplica la función-bloque del estudiante a un ``keras.Input`` y arma un modelo con su salida.

    ``func(x, *args)`` debe devolver el tensor de salida de un bloque de Keras
    (API funcional). Devuelve ``keras.Model(x, func(x, *args))``; si el bloque
    no está hecho, falla o no usa ``x``, lanza :class:`CheckFailed` con un
    mensaje en español. ``input_shape`` no incluye el lote: p. ej. ``(6, 6, 4)``.
    """
    import keras

    entrada = keras.Input(tuple(input_shape))
    try:
        salida = func(entrada, *args)
    except NotImplementedError:
        raise CheckFailed(f"Todavía no completaste `{name}`: reemplaza el comentario de tu celda y el "
                          "`raise NotImplementedError` por tu implementación.") from None
    except Exception:  # noqa: BLE001 - el mensaje original de Keras queda arriba, en la traza
        raise CheckFailed(f"`{name}` lanzó un error al aplicarla a x de forma (lote, *{tuple(input_shape)}) "
                          f"con los argumentos {args} (el mensaje de Keras está en la traza).{hint}")
    check_true(isinstance(salida, keras.KerasTensor),
               f"{name} debe devolver el tensor de salida (lo que devuelve llamar a la última capa "
               f"sobre su entrada); devolvió un objeto de tipo {type(salida).__name__}. ¿Te falta el `return`?")
    try:
        return keras.Model(entrada, salida)
    except Exception:  # noqa: BLE001 - la salida no se calcula a partir de `x`
        raise CheckFailed(f"La salida de {name} no se calcula a partir de su argumento `x`: "
                          "aplica las capas a `x`; no crees otro keras.Input dentro de la función.") from None


def copy_weights_and_compare(student_model, reference_model, seed: int, tol: float = 1e-4):
    """Da pesos al azar a la referencia, los copia al modelo del estudiante y compara las salidas.

    Las variables se emparejan por su forma; si varias comparten forma (las dos
    3×3 de un bloque de identidad, los sesgos…) se prueban todas las
    asignaciones, así que el orden en que se crearon las capas, sus nombres o
    el uso de ``Sequential`` no importan. Devuelve ``(x, salida_referencia,
    salida_estudiante, coinciden)`` con ``x`` de forma ``(2, *entrada)``.
    """
    import itertools

    import keras

    formas_ref = sorted(tuple(v.shape) for v in reference_model.trainable_weights)
    formas_est = sorted(tuple(v.shape) for v in student_model.trainable_weights)
    check_true(formas_est == formas_ref,
               f"Los pesos de tus capas tienen formas {formas_est} y deberían ser {formas_ref}. "
               "Una Conv2D de f×f con c canales de entrada y n filtros tiene un núcleo (f, f, c, n) y un sesgo (n,).")
    g = np.random.default_rng(seed)
    grupos: dict = {}
    for v in reference_model.trainable_weights:
        v.assign(g.normal(0.0, 0.4, size=tuple(v.shape)).astype("float32"))
        grupos.setdefault(tuple(v.shape), ([], []))[0].append(v)
    for v in student_model.trainable_weights:
        grupos[tuple(v.shape)][1].append(v)
    x = g.normal(size=(2, *reference_model.inputs[0].shape[1:])).astype("float32")
    y_ref = keras.ops.convert_to_numpy(reference_model(x))
    y = None
    for eleccion in itertools.product(*[list(itertools.permutations(est)) for _, est in grupos.values()]):
        for (refs, _), orden in zip(grupos.values(), eleccion):
            for vr, ve in zip(refs, orden):
                ve.assign(keras.ops.convert_to_numpy(vr))
        y = keras.ops.convert_to_numpy(student_model(x))
        if y.shape == y_ref.shape and np.allclose(y, y_ref, rtol=tol, atol=tol):
            return x, y_ref, y, True
    return x, y_ref, y, False
