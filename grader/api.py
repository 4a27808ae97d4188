"""Comprobaciones en dos partes: la sonda (en el núcleo del estudiante) y el juez (fuera).

Cada ejercicio de un laboratorio se define una sola vez, en ``grader/labs/labNN.py``:

- la **sonda** (``probe``) corre donde vive el código del estudiante. Llama a sus
  funciones con entradas que elige la comprobación, o lee sus variables o su modelo
  de Keras, y devuelve **solo datos planos** (ver :func:`encode`);
- el **juez** (``judge``) es una función pura de esos datos (más el código de
  referencia de ``utils``). Lanza :class:`utils.checks.CheckFailed` con un mensaje que
  enseña, o termina sin error.

En el cuaderno, :func:`check` corre la sonda y el juez en el núcleo del estudiante
(respuesta inmediata en Colab). El calificador corre la sonda en el sandbox
(:func:`emit_probe`) y el juez en un proceso que no ejecuta código del estudiante:
lo único que cruza la frontera son datos planos, que se leen sin ejecutar nada.

Ejemplo (``grader/labs/lab01.py``)::

    @exercise("lab01", "sigmoid", points=2)
    def sigmoid_probe(s):
        return {"en0": s.call("sigmoid", 0.0)}

    @sigmoid_probe.judge
    def sigmoid_judge(d):
        from utils import checks as c
        c.check_close(c.ok(d["en0"], "sigmoid"), 0.5, what="sigmoid(0)")
"""

from __future__ import annotations

import base64
import copy
import importlib
import io
import json
import re

import numpy as np

MIME = "application/vnd.curso.sonda+json"
# Tamaño máximo de los datos codificados de un ejercicio (bytes); se puede cambiar.
MAX_BYTES = 8 * 1024 * 1024
MAX_DEPTH = 32          # anidamiento máximo de listas, tuplas y diccionarios
MAX_ITEMS = 100_000     # elementos (no arreglos) máximos en un ejercicio

# Registros que la sonda usa en lugar de un valor (ver :func:`utils.checks.ok`).
RECORDS = ("__falta__", "__sin_resolver__", "__error__", "__tipo__", "__grande__", "__error_sonda__")
_MARKERS = ("__ndarray__", "__tuple__", "__dict__")
_NP_SCALARS = (np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32,
               np.uint64, np.float16, np.float32, np.float64)
_LAB_RE = re.compile(r"lab\d\d")


class DecodeError(ValueError):
    """Los datos de una sonda no son datos planos válidos (o superan los límites)."""


# ---------------------------------------------------------------------------
# Registro de ejercicios
# ---------------------------------------------------------------------------

_REGISTRY: dict[str, dict[str, "Exercise"]] = {}


class Exercise:
    """Un ejercicio: su sonda, su juez y sus puntos (que viven aquí, no en el cuaderno)."""

    def __init__(self, lab: str, name: str, points: float, probe, number: int = 0):
        self.lab, self.name, self.points, self.probe, self.number = lab, name, points, probe, number
        self.judge_fn = None
        self.__doc__ = probe.__doc__

    def judge(self, fn):
        """Decorador que registra el juez del ejercicio; devuelve ``fn`` sin cambios."""
        self.judge_fn = fn
        return fn

    def __call__(self, student):
        return self.probe(student)

    def __repr__(self):
        return f"<ejercicio {self.lab}:{self.name} ({self.points} puntos)>"


def exercise(lab: str, name: str, points: float):
    """Decorador de la sonda de un ejercicio: ``@exercise("lab01", "sigmoid", points=2)``.

    Devuelve un :class:`Exercise`; su método ``.judge`` decora el juez.
    """
    if not _LAB_RE.fullmatch(lab):
        raise ValueError(f"el laboratorio debe llamarse labNN (p. ej. «lab01»); llegó {lab!r}")

    def decorate(fn):
        ex = Exercise(lab, name, points, fn, number=len(_REGISTRY.get(lab, {})) + 1)
        _REGISTRY.setdefault(lab, {})[name] = ex
        return ex
    return decorate


def exercises(lab: str) -> dict[str, Exercise]:
    """Ejercicios de un laboratorio, en el orden en que se definieron (importa ``grader.labs.labNN``)."""
    if not isinstance(lab, str) or not _LAB_RE.fullmatch(lab):
        raise KeyError(f"laboratorio desconocido: {lab!r}")
    if lab not in _REGISTRY:
        try:
            importlib.import_module(f"grader.labs.{lab}")
        except ModuleNotFoundError as exc:
            if exc.name == f"grader.labs.{lab}":
                raise KeyError(f"el laboratorio {lab} no tiene comprobaciones en grader/labs/") from None
            raise
    return dict(_REGISTRY.get(lab, {}))


def get(lab: str, name: str) -> Exercise:
    """El ejercicio ``name`` del laboratorio ``lab`` (``KeyError`` si no existe)."""
    found = exercises(lab)
    if name not in found:
        raise KeyError(f"el laboratorio {lab} no tiene el ejercicio {name!r}")
    return found[name]


def probe_dependencies(s: "Student", lab: str, names) -> dict:
    """Sondas de los ejercicios anteriores ``names`` (para que un juez pruebe primero sus dependencias)."""
    return {n: get(lab, n).probe(s) for n in names}


def judge_dependencies(data: dict, lab: str, names, user: str) -> None:
    """Corre los jueces de ``names`` sobre ``data``; si uno falla, lanza ``CheckFailed`` nombrándolo.

    ``user`` es el nombre de la función que depende de ellos (``"train"``) o una frase
    (``"Tu entrenamiento"``).

    El mensaje dice qué ejercicio arreglar primero («tu `train` usa `forward`
    (ejercicio 2), que no pasa su comprobación…») en vez de una pista engañosa.
    """
    from utils.checks import CheckFailed

    who = f"Tu `{user}`" if user.isidentifier() else user
    for n in names:
        ex = get(lab, n)
        try:
            ex.judge_fn(data.get(n) if type(data) is dict else None)
        except CheckFailed as exc:
            raise CheckFailed(f"{who} usa `{n}` (ejercicio {ex.number}), que todavía no pasa su "
                              f"comprobación: arréglala primero. Lo que falla allí: {exc}") from None


# ---------------------------------------------------------------------------
# Datos planos: solo tipos exactos de Python y arreglos numéricos de NumPy
# ---------------------------------------------------------------------------

def _type_name(x) -> str:
    try:
        name = type.__dict__["__name__"].__get__(type(x))  # sin pasar por una metaclase del estudiante
    except Exception:  # noqa: BLE001
        name = "objeto"
    return name if type(name) is str else "objeto"


def plain(x, _depth: int = 0, _count: list | None = None):
    """Copia de ``x`` hecha solo de datos planos.

    Acepta tipos **exactos** (``type(x) is float``, no subclases): ``None``, ``bool``,
    ``int``, ``float``, ``str``, ``list``, ``tuple``, ``dict`` con claves ``str`` y
    ``np.ndarray`` con dtype booleano, entero o real; los escalares de NumPy se
    vuelven números de Python. Cualquier otro objeto (también una subclase, o algo
    con ``__array__``) se cambia por ``{"__tipo__": nombre de su tipo}``: nunca se
    llama a un método que haya escrito el estudiante.

    >>> plain((np.float64(0.5), [1, "a"]))
    (0.5, [1, 'a'])
    >>> plain(np.ma.masked_array([1.0]))
    {'__tipo__': 'MaskedArray'}
    """
    count = _count if _count is not None else [0]
    count[0] += 1
    if count[0] > MAX_ITEMS:
        return {"__grande__": "demasiados elementos"}
    t = type(x)
    if x is None or t in (bool, int, float, str):
        return x
    if t in _NP_SCALARS:
        return x.item()
    if t is np.ndarray:
        if x.dtype.kind in "biuf" and x.dtype.fields is None and not x.dtype.hasobject:
            return np.ndarray.copy(x, order="C")
        return {"__tipo__": f"ndarray de dtype {x.dtype.kind}"}
    if _depth >= MAX_DEPTH:
        return {"__grande__": "demasiado anidado"}
    if t is list:
        return [plain(v, _depth + 1, count) for v in list.__iter__(x)]
    if t is tuple:
        return tuple(plain(v, _depth + 1, count) for v in tuple.__iter__(x))
    if t is dict:
        out = {}
        for k, v in dict.items(x):
            if type(k) is not str:
                return {"__tipo__": "dict con claves que no son texto"}
            out[k] = plain(v, _depth + 1, count)
        return out
    return {"__tipo__": _type_name(x)}


def _enc(x, depth=0):
    t = type(x)
    if x is None or t in (bool, int, str):
        return x
    if t is float:
        return x
    if t is np.ndarray:
        buf = io.BytesIO()
        np.save(buf, x, allow_pickle=False)
        return {"__ndarray__": base64.b64encode(buf.getvalue()).decode("ascii")}
    if depth > MAX_DEPTH + 1:
        raise DecodeError("datos demasiado anidados")
    if t is list:
        return [_enc(v, depth + 1) for v in x]
    if t is tuple:
        return {"__tuple__": [_enc(v, depth + 1) for v in x]}
    if t is dict:
        inner = {k: _enc(v, depth + 1) for k, v in x.items()}
        if len(inner) == 1 and next(iter(inner)) in _MARKERS:
            return {"__dict__": inner}  # un diccionario que parece un marcador se envuelve
        return inner
    raise DecodeError(f"no es un dato plano: {_type_name(x)}")


def encode(obj) -> str:
    """Texto JSON con los datos planos de ``obj`` (arreglos como ``.npy`` en base64).

    Lo que no es plano se cambia antes por ``{"__tipo__": …}`` (ver :func:`plain`).
    Si el resultado supera :data:`MAX_BYTES`, devuelve el de ``{"__grande__": bytes}``.

    >>> decode(encode({"a": np.arange(3), "b": (1, 2.5)}))["b"]
    (1, 2.5)
    """
    text = json.dumps(_enc(plain(obj)), ensure_ascii=True, allow_nan=True, separators=(",", ":"))
    if len(text) > MAX_BYTES:
        text = json.dumps({"__grande__": len(text)})
    return text


def _dec(x, depth, budget):
    budget[0] -= 1
    if budget[0] < 0:
        raise DecodeError("demasiados elementos")
    if depth > MAX_DEPTH + 2:
        raise DecodeError("datos demasiado anidados")
    t = type(x)
    if x is None or t in (bool, int, float, str):
        return x
    if t is list:
        return [_dec(v, depth + 1, budget) for v in x]
    if t is not dict:
        raise DecodeError(f"tipo inesperado: {t.__name__}")
    if len(x) == 1:
        key, value = next(iter(x.items()))
        if key == "__ndarray__":
            return _array(value)
        if key == "__tuple__":
            if type(value) is not list:
                raise DecodeError("tupla mal formada")
            return tuple(_dec(v, depth + 1, budget) for v in value)
        if key == "__dict__":
            if type(value) is not dict:
                raise DecodeError("diccionario mal formado")
            return {k: _dec(v, depth + 1, budget) for k, v in value.items()}
    return {k: _dec(v, depth + 1, budget) for k, v in x.items()}


def _array(text) -> np.ndarray:
    if type(text) is not str:
        raise DecodeError("arreglo mal formado")
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
        arr = np.load(io.BytesIO(raw), allow_pickle=False)
    except Exception as exc:  # noqa: BLE001 - cualquier .npy inválido
        raise DecodeError(f"arreglo ilegible ({type(exc).__name__})") from None
    if type(arr) is not np.ndarray or arr.dtype.kind not in "biuf" or arr.dtype.fields is not None:
        raise DecodeError("arreglo con un tipo de datos no permitido")
    return arr


def decode(text: str, max_bytes: int | None = None):
    """Datos planos a partir del texto de :func:`encode`; no ejecuta nada al leer.

    Usa ``json.loads`` y ``np.load(..., allow_pickle=False)``. Lanza
    :class:`DecodeError` si el texto no es válido o supera ``max_bytes``
    (por defecto :data:`MAX_BYTES`).
    """
    limit = MAX_BYTES if max_bytes is None else max_bytes
    if type(text) is not str:
        raise DecodeError("los datos de la sonda no son texto")
    if len(text) > limit + 1024:
        raise DecodeError(f"los datos de la sonda superan el límite de {limit} bytes")
    try:
        raw = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise DecodeError(f"JSON ilegible ({type(exc).__name__})") from None
    try:
        return _dec(raw, 0, [MAX_ITEMS * 4])
    except RecursionError:
        raise DecodeError("datos demasiado anidados") from None


# ---------------------------------------------------------------------------
# El acceso al cuaderno del estudiante (corre en su núcleo)
# ---------------------------------------------------------------------------

class Student:
    """Acceso de una sonda a los objetos del cuaderno; todo lo que devuelve es plano.

    Nunca lanza por culpa del estudiante: un nombre que falta da
    ``{"__falta__": nombre}``; un ``NotImplementedError``, ``{"__sin_resolver__": nombre}``;
    otra excepción, ``{"__error__": "TypeError", "mensaje": …, "nombre": nombre}``;
    un resultado que no es plano, ``{"__tipo__": tipo}``.
    """

    def __init__(self, namespace: dict):
        self._ns = namespace

    def _lookup(self, name):
        try:
            return True, dict.__getitem__(self._ns, name) if type(self._ns) is dict else self._ns[name]
        except KeyError:
            return False, None
        except Exception:  # noqa: BLE001
            return False, None

    def _run(self, name, fn):
        found, f = self._lookup(name)
        if not found:
            return {"__falta__": name}
        if not callable(f):
            return {"__error__": "TypeError", "mensaje": f"`{name}` no es una función (es {_type_name(f)})",
                    "nombre": name}
        try:
            return plain(fn(f))
        except NotImplementedError:
            return {"__sin_resolver__": name}
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # noqa: BLE001 - el error del estudiante se informa
            try:
                msg = str(exc)
            except BaseException:  # noqa: BLE001
                msg = ""
            msg = msg if type(msg) is str else ""
            return {"__error__": _type_name(exc), "mensaje": msg[:600], "nombre": name}

    def apply(self, name: str, fn):
        """Datos planos de ``fn(f)``, donde ``f`` es la función ``name`` del estudiante.

        Para sondas que no se reducen a una llamada (llamarla dos veces, pasarle un
        objeto espía, entrenar una red pequeña con ella): un nombre que falta, un
        ``NotImplementedError`` u otra excepción dan los mismos registros que :meth:`call`.
        ``fn`` es código de la sonda; recibe la función del estudiante sin copiar nada.
        """
        return self._run(name, fn)

    def call_model(self, name: str):
        """``{"modelo": registro de name(), "nuevo": dos llamadas dan modelos distintos}``.

        ``name`` es una función sin argumentos que construye un modelo de Keras; el
        registro es el de :func:`model_record`. (:meth:`call` convertiría el modelo en
        ``{"__tipo__": …}``.)
        """
        def run(f):
            a = f()
            return {"modelo": model_record(a), "nuevo": a is not f()}
        return self._run(name, run)

    def apply_block(self, name: str, shape, *args):
        """Aplica el bloque ``name`` a ``x = keras.Input(shape)`` y devuelve el modelo ``x → name(x, *args)``.

        El modelo llega como :func:`model_record`; si el bloque no devuelve un tensor de
        Keras, ``{"__no_tensor__": tipo}``; si su salida no sale de ``x``,
        ``{"__desconectado__": error}``.
        """
        def build(f):
            import keras

            x = keras.Input(tuple(shape))
            y = f(x, *args)
            if not isinstance(y, keras.KerasTensor):
                return {"__no_tensor__": _type_name(y)}
            try:
                m = keras.Model(x, y)
            except Exception as exc:  # noqa: BLE001 - la salida no sale de x
                return {"__desconectado__": f"{_type_name(exc)}: {exc}"[:300]}
            return model_record(m)
        return self._run(name, build)

    def call(self, name: str, *args, **kwargs):
        """Datos planos de ``name(*copia de args, **copia de kwargs)``."""
        args, kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
        return self._run(name, lambda f: f(*args, **kwargs))

    def call_inplace(self, name: str, *args, copy_args: bool = True):
        """``{"resultado": …, "args": [args tras la llamada]}``, para contratos «en su lugar».

        Con ``copy_args=False`` la función recibe los objetos mismos de la sonda (para probar
        que cambia *ese* arreglo, p. ej. cuando una función de la sonda lo lee desde fuera).
        """
        if copy_args:
            args = copy.deepcopy(args)
        result = self._run(name, lambda f: f(*args))
        return {"resultado": result, "args": [plain(a) for a in args]}

    def call_with(self, overrides: dict, name: str, *args, **kwargs):
        """Como :meth:`call`, pero con algunos globales del cuaderno cambiados durante la llamada.

        Sirve para probar un ejercicio que usa otros (``train`` usa ``forward``…) con
        piezas sustitutas conocidas, sin depender de que las del estudiante estén bien.
        Los globales se restauran al terminar.
        """
        args, kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
        missing = object()
        saved = {k: self._ns.get(k, missing) for k in overrides}
        try:
            self._ns.update(overrides)
            return self._run(name, lambda f: f(*args, **kwargs))
        finally:
            for k, v in saved.items():
                if v is missing:
                    self._ns.pop(k, None)
                else:
                    self._ns[k] = v

    def value(self, name: str):
        """Datos planos de la variable global ``name`` (``{"__falta__": …}`` si no existe)."""
        found, v = self._lookup(name)
        return plain(v) if found else {"__falta__": name}

    def model(self, name: str):
        """``{"__modelo__": {"config": JSON del modelo, "weights": [arreglos]}}`` de un modelo de Keras."""
        found, m = self._lookup(name)
        if not found:
            return {"__falta__": name}
        try:
            import keras

            if not isinstance(m, keras.Model):
                return {"__tipo__": _type_name(m)}
            config = m.to_json()
            weights = [np.asarray(w) for w in m.get_weights()]
        except Exception as exc:  # noqa: BLE001
            return {"__error__": _type_name(exc), "mensaje": str(exc)[:600], "nombre": name}
        if type(config) is not str:
            return {"__tipo__": _type_name(config)}
        return {"__modelo__": {"config": config, "weights": [plain(w) for w in weights]}}

    def globals_names(self) -> list:
        """Nombres globales del cuaderno, ordenados."""
        try:
            return sorted(k for k in list(self._ns) if type(k) is str)
        except Exception:  # noqa: BLE001
            return []


def model_record(m):
    """``{"__modelo__": {"config": JSON del modelo, "weights": [arreglos]}}`` de un modelo de Keras.

    Corre en la sonda, dentro de :meth:`Student.apply` o parecidos (que registran los
    errores de Keras como ``{"__error__": …}``). Si ``m`` no es un ``keras.Model``,
    devuelve ``{"__tipo__": nombre de su tipo}``. El juez lo reconstruye con
    :func:`rebuild_model`.
    """
    import keras

    if not isinstance(m, keras.Model):
        return {"__tipo__": _type_name(m)}
    return {"__modelo__": {"config": m.to_json(), "weights": [np.asarray(w) for w in m.get_weights()]}}


# ---------------------------------------------------------------------------
# Reconstruir un modelo de Keras a partir de sus datos (lado del juez)
# ---------------------------------------------------------------------------

_KERAS_MODULES = {"keras", "keras.layers", "keras.models", "keras.initializers", "keras.regularizers",
                  "keras.constraints", "keras.activations", "keras.src.models.functional",
                  "keras.src.models.sequential", "keras.src.models.model", "keras.optimizers",
                  "keras.losses", "keras.metrics", "keras.src.engine.functional"}
_FORBIDDEN_LAYERS = {"Lambda", "TFSMLayer", "TorchModuleWrapper", "JaxLayer", "FlaxLayer"}


def _check_config(node, depth=0):
    from utils.checks import CheckFailed

    if depth > 200:
        raise CheckFailed("La configuración de tu modelo está demasiado anidada.")
    if type(node) is list:
        for v in node:
            _check_config(v, depth + 1)
    elif type(node) is dict:
        if "class_name" in node:
            cls, mod = node.get("class_name"), node.get("module")
            reg = node.get("registered_name")
            if type(cls) is not str or (mod is not None and mod not in _KERAS_MODULES):
                raise CheckFailed(f"Tu modelo usa `{cls}`, que no es una capa de Keras incorporada "
                                  "(el calificador solo reconstruye capas de keras.layers).")
            if cls in _FORBIDDEN_LAYERS:
                raise CheckFailed(f"Tu modelo usa una capa `{cls}`: el calificador no la acepta porque "
                                  "ejecuta código propio. Usa capas incorporadas de keras.layers.")
            if reg not in (None, cls) and not (type(reg) is str and reg.split(">")[-1] == cls):
                raise CheckFailed(f"Tu modelo usa el objeto registrado `{reg}`; usa solo capas incorporadas de Keras.")
        for v in node.values():
            _check_config(v, depth + 1)


def rebuild_model(data):
    """Modelo de Keras reconstruido a partir de ``{"__modelo__": {"config", "weights"}}``.

    Solo acepta clases incorporadas de Keras (sin ``Lambda`` ni objetos propios) y
    deserializa con ``safe_mode=True``. Lanza ``CheckFailed`` en español si no puede.
    """
    from utils.checks import CheckFailed, ok

    data = ok(data, "el modelo")
    if type(data) is not dict or type(data.get("__modelo__")) is not dict:
        raise CheckFailed("Se esperaba un modelo de Keras (keras.Model) y llegó otra cosa.")
    inner = data["__modelo__"]
    config, weights = inner.get("config"), inner.get("weights")
    if type(config) is not str or type(weights) is not list or any(type(w) is not np.ndarray for w in weights):
        raise CheckFailed("Los datos del modelo están incompletos (configuración o pesos).")
    try:
        parsed = json.loads(config)
    except ValueError:
        raise CheckFailed("La configuración del modelo no es JSON válido.") from None
    _check_config(parsed)
    import keras

    try:
        with keras.saving.custom_object_scope({}):
            model = keras.saving.deserialize_keras_object(parsed, safe_mode=True)
        model.set_weights(weights)
    except CheckFailed:
        raise
    except Exception as exc:  # noqa: BLE001
        raise CheckFailed(f"No se pudo reconstruir tu modelo a partir de su configuración "
                          f"({type(exc).__name__}: {str(exc)[:300]}).") from None
    return model


# ---------------------------------------------------------------------------
# En el cuaderno (check) y en el sandbox (emit_probe)
# ---------------------------------------------------------------------------

def _main_namespace() -> dict:
    import __main__

    return __main__.__dict__


def run_probe(lab: str, name: str, namespace: dict | None = None):
    """Ejecuta la sonda de ``lab``/``name`` sobre ``namespace`` (por defecto ``__main__``)."""
    ex = get(lab, name)
    try:
        return ex.probe(Student(_main_namespace() if namespace is None else namespace))
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - un fallo de la sonda no es un veredicto
        return {"__error_sonda__": f"{_type_name(exc)}: {str(exc)[:300]}"}


def judge(lab: str, name: str, data):
    """Corre el juez de ``lab``/``name`` sobre datos ya decodificados (lanza ``CheckFailed``).

    Un juez puede devolver un texto breve (p. ej. «Exactitud en prueba: 0.958»), que
    :func:`check` muestra en el cuaderno; el calificador no lo usa.
    """
    from utils.checks import CheckFailed, ok

    ex = get(lab, name)
    if type(data) is dict and "__error_sonda__" in data:
        raise CheckFailed(f"La comprobación no pudo leer tu cuaderno ({data['__error_sonda__']}).")
    if type(data) is dict and "__grande__" in data:
        ok(data, name)
    if ex.judge_fn is None:
        raise CheckFailed(f"El ejercicio «{name}» no tiene juez definido (avisa al equipo del curso).")
    try:
        note = ex.judge_fn(data)
    except (KeyError, IndexError, TypeError, AttributeError) as exc:
        # Datos sin la forma que produce la sonda oficial: una sonda reemplazada o un núcleo alterado.
        raise CheckFailed(f"Los datos de la comprobación no tienen la forma esperada ({type(exc).__name__}: "
                          f"{str(exc)[:200]}); ¿se modificó la celda de comprobación o el entorno?") from None
    return note if type(note) is str else None


def check(lab: str, name: str) -> None:
    """Comprobación en el cuaderno: sonda y juez en el núcleo del estudiante.

    Los datos hacen el mismo viaje que en el calificador (:func:`encode` y
    :func:`decode`). Imprime «✔ Ejercicio … correcto» o lanza ``CheckFailed``.
    """
    from utils.checks import passed

    data = decode(encode(run_probe(lab, name)))
    note = judge(lab, name, data)
    if note:
        print(note)
    passed(name, get(lab, name).points)


def emit_probe(lab: str, name: str) -> None:
    """Sonda para el calificador: emite los datos codificados como una salida de tipo :data:`MIME`.

    No imprime nada parecido a una nota: el veredicto lo calcula el juez, fuera del sandbox.
    """
    from IPython.display import display

    payload = encode(run_probe(lab, name))
    display({MIME: {"lab": lab, "ejercicio": name, "datos": payload}}, raw=True)
