"""Cuenta parámetros y operaciones (MAC) de un modelo de Keras.

Convención, la misma del artículo de ResNet (He et al., 2015):

* Una «FLOP» es una **multiplicación-acumulación (MAC)** (*multiply-accumulate*):
  ``a ← a + b·c`` cuenta como una operación, no como dos.
* Se cuenta **un solo ejemplo** (lote de tamaño 1) y solo la pasada hacia
  adelante.
* Solo cuestan las capas lineales, que dominan el cómputo:

  - ``Conv1D/2D/3D`` y ``DepthwiseConv1D/2D``: posiciones de salida × tamaño
    del núcleo. Para ``Conv2D`` eso es ``H_out·W_out·C_out·kh·kw·C_in/groups``.
  - ``SeparableConv1D/2D``: lo mismo para el núcleo en profundidad y el
    puntual (1×1).
  - ``Conv1DTranspose``, ``Conv2DTranspose``, ``Conv3DTranspose``: posiciones de **entrada** × tamaño del núcleo.
  - ``Dense``: ``entradas·salidas`` (por cada posición si la entrada tiene más
    ejes, p. ej. una secuencia).
  - ``SimpleRNN``, ``LSTM``, ``GRU``: ``T·puertas·(rasgos·unidades +
    unidades·unidades)`` con 1, 4 y 3 puertas; ``T`` es la longitud de la
    secuencia. ``Bidirectional`` suma sus dos direcciones y
    ``TimeDistributed`` cuenta su capa interna en cada paso.

* Cuestan **0**: sesgos, activaciones, productos elemento a elemento de las
  puertas (también el término extra de ``GRU(reset_after=True)``), *pooling*
  (son comparaciones o sumas), normalización por lotes (en inferencia se
  funde con la convolución anterior), ``Add``, ``Concatenate``, ``Flatten``,
  ``Dropout``, ``ZeroPadding``, ``Embedding`` (es una búsqueda en una tabla)...

Un modelo anidado (un ``Sequential`` o funcional usado como capa) se abre y
sus capas aparecen con el prefijo ``modelo_interno/``. Cada capa se cuenta una
vez, con la forma de su primera llamada: si reutilizas la misma capa varias
veces (pesos compartidos) sus MAC se cuentan una sola vez. Una capa que este
módulo no conoce aparece con sus parámetros, 0 MAC y la nota «no contado»;
nunca se lanza un error por ella.

Importar este módulo no carga TensorFlow: solo se leen atributos del modelo.

>>> import keras                                   # doctest: +SKIP
>>> tabla = count_flops(keras.applications.VGG16(weights=None))  # doctest: +SKIP
>>> tabla.total_params, tabla.total_flops          # doctest: +SKIP
(138357544, 15470264320)
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass

# Capas cuyo cómputo no son MAC de pesos: 0 MAC por convención.
ZERO_MAC_LAYERS = frozenset({
    "InputLayer", "Flatten", "Reshape", "Permute", "RepeatVector", "Identity",
    "Activation", "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax",
    "Dropout", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
    "GaussianNoise", "GaussianDropout", "AlphaDropout",
    "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D",
    "Cropping1D", "Cropping2D", "Cropping3D",
    "UpSampling1D", "UpSampling2D", "UpSampling3D",
    "MaxPooling1D", "MaxPooling2D", "MaxPooling3D",
    "AveragePooling1D", "AveragePooling2D", "AveragePooling3D",
    "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
    "BatchNormalization", "LayerNormalization", "GroupNormalization",
    "UnitNormalization", "Normalization", "Rescaling", "Resizing", "CenterCrop",
    "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate",
    "Embedding",
})

# Capas cuyo costo es «posiciones de salida × tamaño del núcleo».
KERNEL_LAYERS = frozenset({
    "Dense", "Conv1D", "Conv2D", "Conv3D", "DepthwiseConv1D", "DepthwiseConv2D",
})

SEPARABLE_LAYERS = frozenset({"SeparableConv1D", "SeparableConv2D"})
TRANSPOSE_LAYERS = frozenset({"Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"})
RECURRENT_LAYERS = frozenset({"SimpleRNN", "LSTM", "GRU"})

HEADERS = ("capa", "tipo", "forma de salida", "parámetros", "MAC")


@dataclass
class LayerCount:
    """Una fila de la tabla: lo que cuesta una capa para un ejemplo.

    ``macs`` son multiplicaciones-acumulaciones (MAC); ``counted`` es ``False`` cuando no se
    supo calcularlas (la capa no es conocida o falta su forma), y ``note``
    explica por qué.
    """

    name: str
    kind: str
    output_shape: tuple | list | None
    params: int
    trainable_params: int
    macs: int
    counted: bool = True
    note: str = ""

    @property
    def flops(self) -> int:
        """Lo mismo que ``macs``: en este curso un FLOP es una MAC."""
        return self.macs

    def as_dict(self) -> dict:
        """La fila como diccionario (``name``, ``kind``, ``output_shape``, ``params``, ``macs``, ...)."""
        d = {f: getattr(self, f) for f in self.__dataclass_fields__}
        d["flops"] = self.macs
        return d

    def __getitem__(self, key: str):
        """Acceso tipo diccionario: ``fila["params"]``."""
        return self.as_dict()[key]


class CountTable:
    """Tabla por capas con totales de parámetros y de MAC.

    Atributos: ``rows`` (lista de :class:`LayerCount`), ``total_params``,
    ``total_trainable_params``, ``total_non_trainable_params`` y
    ``total_flops`` (MAC por ejemplo). ``print(tabla)``
    la muestra como texto; en Jupyter se ve como tabla HTML.

    >>> t = CountTable([LayerCount("d", "Dense", (3,), 15, 15, 12)])
    >>> t.total_params, t.total_flops
    (15, 12)
    """

    def __init__(self, rows, model_name: str = ""):
        self.rows = list(rows)
        self.model_name = model_name

    @property
    def total_params(self) -> int:
        return sum(r.params for r in self.rows)

    @property
    def total_trainable_params(self) -> int:
        return sum(r.trainable_params for r in self.rows)

    @property
    def total_non_trainable_params(self) -> int:
        return self.total_params - self.total_trainable_params

    @property
    def total_flops(self) -> int:
        """Total de MAC (multiplicaciones-acumulaciones) por ejemplo."""
        return sum(r.macs for r in self.rows)

    @property
    def uncounted(self) -> list:
        """Nombres de las capas cuyas MAC no se pudieron contar."""
        return [r.name for r in self.rows if not r.counted]

    @property
    def totals(self) -> dict:
        """Totales en un diccionario: ``params``, ``trainable_params``, ``macs`` (= ``flops``)."""
        return {"params": self.total_params, "trainable_params": self.total_trainable_params,
                "non_trainable_params": self.total_non_trainable_params,
                "macs": self.total_flops, "flops": self.total_flops}

    def to_dicts(self) -> list:
        """Las filas como lista de diccionarios (útil para pandas o para comparar)."""
        return [r.as_dict() for r in self.rows]

    def __iter__(self):
        return iter(self.rows)

    def __getitem__(self, name) -> LayerCount:
        """Fila por nombre de capa (``tabla["conv1"]``) o por posición (``tabla[0]``)."""
        if isinstance(name, int):
            return self.rows[name]
        for row in self.rows:
            if row.name == name:
                return row
        raise KeyError(f"no hay ninguna capa llamada {name!r} en la tabla.")

    def __len__(self) -> int:
        return len(self.rows)

    def summary(self) -> str:
        """Una línea con los totales, p. ej. para imprimir bajo un gráfico."""
        return (f"Total: {_group(self.total_params)} parámetros "
                f"({_group(self.total_trainable_params)} entrenables) y "
                f"{_group(self.total_flops)} MAC por ejemplo "
                f"(≈ {format_count(self.total_flops)}).")

    def _cells(self):
        """Filas de texto: encabezados, capas y fila de totales."""
        body = []
        for r in self.rows:
            macs = _group(r.macs) + ("" if r.counted else " (no contado)")
            body.append((r.name, r.kind, _shape_text(r.output_shape), _group(r.params), macs))
        body.append(("Total", "", "", _group(self.total_params), _group(self.total_flops)))
        return body

    def __str__(self) -> str:
        body = self._cells()
        widths = [max(len(str(c)) for c in col) for col in zip(HEADERS, *body)]
        right = (False, False, False, True, True)

        def line(cells):
            parts = [c.rjust(w) if r else c.ljust(w) for c, w, r in zip(cells, widths, right)]
            return "  ".join(parts).rstrip()

        rule = "-" * len(line(HEADERS))
        lines = [line(HEADERS), rule] + [line(c) for c in body[:-1]] + [rule, line(body[-1])]
        if self.model_name:
            lines.insert(0, f"Modelo: {self.model_name}")
        if self.uncounted:
            lines.append(self._warning())
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (f"CountTable({len(self.rows)} capas, parámetros={_group(self.total_params)}, "
                f"MAC={_group(self.total_flops)})")

    def _warning(self) -> str:
        missing = [f"{r.name} ({r.note})" for r in self.rows if not r.counted]
        return f"Aviso: {len(missing)} capa(s) sin contar sus MAC: {', '.join(missing)}."

    def to_markdown(self) -> str:
        """La tabla en Markdown, para pegarla en un cuaderno o informe."""
        lines = ["| " + " | ".join(HEADERS) + " |", "|---|---|---|---:|---:|"]
        for cells in self._cells():
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
        if self.uncounted:
            lines += ["", self._warning()]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        def row(cells, tag="td"):
            out = []
            for i, c in enumerate(cells):
                align = ' style="text-align:right"' if i >= 3 else ""
                out.append(f"<{tag}{align}>{html.escape(str(c))}</{tag}>")
            return "<tr>" + "".join(out) + "</tr>"

        body = self._cells()
        parts = ["<table>", "<thead>" + row(HEADERS, "th") + "</thead>", "<tbody>"]
        parts += [row(c) for c in body[:-1]]
        parts += ["</tbody>", "<tfoot>" + row(body[-1], "th") + "</tfoot>", "</table>"]
        if self.uncounted:
            parts.append(f"<p>{html.escape(self._warning())}</p>")
        return "".join(parts)


def count_params(model) -> CountTable:
    """Tabla por capas de un modelo de Keras construido; mira ``total_params``.

    Devuelve la misma :class:`CountTable` que :func:`count_flops`; su total de
    parámetros coincide con ``model.count_params()`` (entrenables y no
    entrenables, como las medias móviles de ``BatchNormalization``).

    >>> import keras                                        # doctest: +SKIP
    >>> m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])  # doctest: +SKIP
    >>> count_params(m).total_params                         # doctest: +SKIP
    15
    """
    return _count(model)


def count_flops(model) -> CountTable:
    """Tabla por capas de un modelo de Keras construido; mira ``total_flops``.

    ``total_flops`` son MAC (multiplicaciones-acumulaciones) para **un** ejemplo,
    como en el artículo de ResNet (la convención completa está al inicio del
    módulo). Devuelve la misma :class:`CountTable` que :func:`count_params`.

    >>> import keras                                        # doctest: +SKIP
    >>> m = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3)])  # doctest: +SKIP
    >>> count_flops(m).total_flops                           # 4·3     # doctest: +SKIP
    12
    """
    return _count(model)


def format_count(n: int) -> str:
    """Escribe un número grande de forma legible, con la convención del libro.

    >>> format_count(15_470_264_320)
    '15.47 × 10⁹'
    >>> format_count(61_706) == "61\u00a0706"
    True
    """
    for power, sup in ((12, "¹²"), (9, "⁹"), (6, "⁶")):
        if abs(n) >= 10 ** power:
            return f"{n / 10 ** power:.2f} × 10{sup}"       # punto decimal, como todo el libro
    return _group(n)


def group_digits(n) -> str:
    """Escribe un entero con los miles separados por un espacio que no se corta.

    Para citar cuentas en el texto (con ``glue``): el espacio es U+00A0, así
    que «138 357 544» nunca se parte entre dos líneas. Acepta enteros de
    Python o de NumPy.

    >>> group_digits(61706) == "61\u00a0706"
    True
    """
    if isinstance(n, bool) or not float(n).is_integer():
        raise TypeError(f"`group_digits` espera un número entero; llegó {n!r}.")
    return f"{int(n):,}".replace(",", "\u00a0")


# --------------------------------------------------------------------------
# Detalles internos
# --------------------------------------------------------------------------

def _count(model) -> CountTable:
    _check_model(model)
    return CountTable(_rows(model, prefix=""), model_name=getattr(model, "name", ""))


def _check_model(model) -> None:
    if not (hasattr(model, "layers") and hasattr(model, "count_params") and hasattr(model, "built")):
        raise TypeError("se esperaba un modelo de Keras (keras.Model o keras.Sequential); "
                        f"llegó {type(model).__name__}.")
    if not model.built:
        raise TypeError("el modelo no está construido: llama a model.build(...) o pásale una "
                        "entrada (por ejemplo, empieza el Sequential con keras.Input(forma)).")


def _rows(model, prefix: str) -> list:
    """Filas de las capas de ``model``, abriendo los modelos anidados."""
    rows = []
    for layer in model.layers:
        name = prefix + layer.name
        if hasattr(layer, "layers") and hasattr(layer, "count_params"):  # modelo anidado
            rows += _rows(layer, prefix=name + "/")
        else:
            rows.append(_layer_row(layer, name))
    return rows


def _layer_row(layer, name: str) -> LayerCount:
    kind = type(layer).__name__
    shape = _output_shape(layer)
    try:
        macs, note = _layer_macs(layer, kind, shape)
    except (AttributeError, TypeError, ValueError):  # una capa rara nunca detiene el conteo
        macs, note = None, "no se pudo leer la capa"
    return LayerCount(name=name, kind=kind, output_shape=shape,
                      params=_size_of(layer.weights), trainable_params=_size_of(layer.trainable_weights),
                      macs=macs or 0, counted=macs is not None, note=note)


def _layer_macs(layer, kind: str, shape):
    """``(macs, nota)``; ``macs`` es ``None`` si no se pudieron contar."""
    if kind in ZERO_MAC_LAYERS:
        return 0, ""
    if kind == "TimeDistributed":  # la capa interna se aplica en cada paso de tiempo
        return _layer_macs(layer.layer, type(layer.layer).__name__, shape)
    if kind in RECURRENT_LAYERS:
        return _recurrent_macs(layer)
    if kind == "Bidirectional":
        forward, note = _recurrent_macs(layer.forward_layer, _input_shape(layer))
        backward, _ = _recurrent_macs(layer.backward_layer, _input_shape(layer))
        return (None, note) if forward is None or backward is None else (forward + backward, "")
    if kind not in KERNEL_LAYERS | SEPARABLE_LAYERS | TRANSPOSE_LAYERS:
        return None, "capa desconocida"
    if kind in TRANSPOSE_LAYERS:  # cada posición de la entrada esparce el núcleo entero
        shape = _input_shape(layer)
    if not isinstance(shape, tuple) or None in shape:
        return None, "forma desconocida"
    channels_first = getattr(layer, "data_format", "channels_last") == "channels_first"
    positions = math.prod(shape[1:] if channels_first else shape[:-1])
    if kind in SEPARABLE_LAYERS:
        return positions * (_size_of([layer.depthwise_kernel]) + _size_of([layer.pointwise_kernel])), ""
    return positions * _size_of([layer.kernel]), ""


def _recurrent_macs(layer, input_shape=None):
    """MAC de SimpleRNN/LSTM/GRU: T·(tamaño del núcleo + del núcleo recurrente)."""
    shape = input_shape if input_shape is not None else _input_shape(layer)
    steps = shape[0] if isinstance(shape, tuple) and shape else None
    if steps is None:
        return None, "longitud de secuencia desconocida (fíjala en keras.Input)"
    cell = layer.cell
    return steps * (_size_of([cell.kernel]) + _size_of([cell.recurrent_kernel])), ""


def _output_shape(layer):
    """Forma de salida sin el eje del lote; ``None`` si la capa nunca se llamó."""
    try:
        return _drop_batch(layer.output)
    except (AttributeError, ValueError, RuntimeError):
        return None


def _input_shape(layer):
    try:
        return _drop_batch(layer.input)
    except (AttributeError, ValueError, RuntimeError):
        return None


def _drop_batch(tensor):
    if isinstance(tensor, (list, tuple)):
        return [tuple(t.shape[1:]) for t in tensor]
    return tuple(tensor.shape[1:])


def _size_of(weights) -> int:
    return sum(math.prod(w.shape) for w in weights)


def _group(n: int) -> str:
    """61706 → '61 706' (miles separados por un espacio que no se corta, U+00A0)."""
    return f"{n:,}".replace(",", "\u00a0")


def _shape_text(shape) -> str:
    if shape is None:
        return "?"
    if isinstance(shape, list):  # varias salidas, p. ej. LSTM(return_state=True)
        return ", ".join(f"[{_shape_text(s)}]" for s in shape)
    return " × ".join("?" if d is None else _group(int(d)) for d in shape)
