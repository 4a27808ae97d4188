"""Convolución y *pooling* en 2-D con NumPy puro.

Convenciones (las mismas de Keras y TensorFlow):

* Lo que los marcos llaman "convolución" es en realidad una **correlación
  cruzada**: el filtro se desliza sin voltearlo.
* Lotes en formato **NHWC**: ``(N, alto, ancho, canales)``.
* Filtros en formato **HWIO**: ``(f_alto, f_ancho, canales_entrada, canales_salida)``.
* ``stride`` y ``size`` admiten un entero o un par ``(vertical, horizontal)``.
* ``padding`` admite ``"valid"`` (sin relleno), ``"same"`` (el relleno de
  TensorFlow, que con ``stride > 1`` puede quedar desigual: lo que sobra va
  abajo y a la derecha), un entero o un par de enteros (ceros en cada lado).

Cada operación viene en dos versiones: ``*_loop``, con bucles que se leen como
la fórmula, y la versión vectorizada (sin sufijo), que es la que conviene usar.
Ambas dan el mismo resultado.
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from .validation import as_array, check_nonnegative_int, check_positive_int

__all__ = [
    "output_size",
    "conv_params",
    "receptive_field",
    "zero_pad",
    "conv2d_loop",
    "conv2d",
    "conv2d_nhwc_loop",
    "conv2d_nhwc",
    "pool2d_loop",
    "pool2d",
]


# ---------------------------------------------------------------------------
# Utilidades internas
# ---------------------------------------------------------------------------

def _pair(value, name: str, positive: bool = True) -> tuple[int, int]:
    """Convierte un entero o un par de enteros en la tupla ``(vertical, horizontal)``."""
    check = check_positive_int if positive else check_nonnegative_int
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"`{name}` debe ser un entero o un par (vertical, horizontal); llegó {value!r}.")
        return check(value[0], name), check(value[1], name)
    return check(value, name), check(value, name)


def _same_padding(n: int, f: int, s: int) -> tuple[int, int]:
    """Relleno ``"same"`` de TensorFlow en un eje: ``(antes, después)``."""
    out = -(-n // s)  # techo de n / s
    total = max((out - 1) * s + f - n, 0)
    return total // 2, total - total // 2


def _resolve_padding(padding, in_hw, f_hw, s_hw) -> tuple[tuple[int, int], tuple[int, int]]:
    """Traduce ``padding`` a ``((arriba, abajo), (izquierda, derecha))``."""
    if isinstance(padding, str):
        mode = padding.lower()
        if mode == "valid":
            return (0, 0), (0, 0)
        if mode == "same":
            return tuple(_same_padding(n, f, s) for n, f, s in zip(in_hw, f_hw, s_hw))
        raise ValueError(f"`padding` debe ser 'valid', 'same' o un entero; llegó {padding!r}.")
    if isinstance(padding, (numbers.Integral, tuple, list)):
        ph, pw = _pair(padding, "padding", positive=False)
        return (ph, ph), (pw, pw)
    raise TypeError(f"`padding` debe ser 'valid', 'same', un entero o un par de enteros; llegó {type(padding).__name__}.")


def _check_fits(in_hw, f_hw, pads) -> None:
    """Lanza ``ValueError`` si el filtro no cabe en la entrada ya rellenada."""
    for axis, n, f, (before, after) in zip(("alto", "ancho"), in_hw, f_hw, pads):
        if f > n + before + after:
            raise ValueError(
                f"El filtro ({axis} {f}) no cabe en la entrada rellenada ({axis} {n} + relleno {before + after}); "
                "usa un filtro más pequeño o más relleno."
            )


def _out_len(n: int, f: int, before: int, after: int, s: int) -> int:
    """Largo de la salida en un eje: ⌊(n + relleno − f) / s⌋ + 1."""
    return (n + before + after - f) // s + 1


def _prepare_nhwc(x, w, b, stride, padding):
    """Valida los argumentos de la convolución NHWC y rellena ``x`` con ceros."""
    x = as_array(x, "x", ndim=4)
    w = as_array(w, "w", ndim=4)
    if x.shape[3] != w.shape[2]:
        raise ValueError(
            f"Los canales no coinciden: `x` tiene {x.shape[3]} canales (último eje, NHWC) "
            f"y `w` espera {w.shape[2]} (tercer eje, HWIO)."
        )
    if b is None:
        b = np.zeros(w.shape[3])
    else:
        b = as_array(b, "b", ndim=1)
        if b.shape[0] != w.shape[3]:
            raise ValueError(f"`b` debe tener un sesgo por filtro ({w.shape[3]}); tiene {b.shape[0]}.")
    s_hw = _pair(stride, "stride")
    pads = _resolve_padding(padding, x.shape[1:3], w.shape[:2], s_hw)
    _check_fits(x.shape[1:3], w.shape[:2], pads)
    xp = np.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    return xp, w, b, s_hw


def _prepare_2d(x, k, stride, padding):
    """Valida los argumentos de la convolución de un canal y rellena ``x`` con ceros."""
    x = as_array(x, "x", ndim=2)
    k = as_array(k, "k", ndim=2)
    s_hw = _pair(stride, "stride")
    pads = _resolve_padding(padding, x.shape, k.shape, s_hw)
    _check_fits(x.shape, k.shape, pads)
    return np.pad(x, pads), k, s_hw


# ---------------------------------------------------------------------------
# Tamaños y parámetros
# ---------------------------------------------------------------------------

def output_size(n, f, padding=0, stride=1) -> int:
    """Tamaño de la salida en un eje: ⌊(n + 2p − f) / s⌋ + 1.

    ``n`` es el tamaño de la entrada, ``f`` el del filtro, ``padding`` (p) los
    ceros añadidos en cada lado y ``stride`` (s) el paso.

    >>> output_size(6, 3)
    4
    >>> output_size(7, 3, padding=0, stride=2)
    3
    """
    n = check_positive_int(n, "n")
    f = check_positive_int(f, "f")
    p = check_nonnegative_int(padding, "padding")
    s = check_positive_int(stride, "stride")
    if f > n + 2 * p:
        raise ValueError(f"El filtro (f={f}) no cabe en la entrada rellenada (n + 2p = {n + 2 * p}).")
    return (n + 2 * p - f) // s + 1


def conv_params(f, c_in, n_filters, bias=True) -> int:
    """Número de parámetros de una capa convolucional: (f·f·c_in + 1)·n_filtros.

    ``f`` puede ser un entero (filtro cuadrado) o un par ``(f_alto, f_ancho)``.
    Con ``bias=False`` no se cuenta el sesgo de cada filtro.

    >>> conv_params(3, 3, 10)
    280
    """
    fh, fw = _pair(f, "f")
    c_in = check_positive_int(c_in, "c_in")
    n_filters = check_positive_int(n_filters, "n_filters")
    if not isinstance(bias, (bool, np.bool_)):
        raise TypeError(f"`bias` debe ser True o False; llegó {bias!r}.")
    return (fh * fw * c_in + int(bias)) * n_filters


def receptive_field(layers) -> list[int]:
    """Campo receptivo de cada capa de una pila de convoluciones o *poolings*.

    ``layers`` es una lista de pares ``(f, s)``: tamaño del filtro (o ventana)
    y paso de cada capa, de la entrada hacia la salida. Devuelve una lista con
    el campo receptivo ``r`` (cuántos píxeles de la entrada, por lado, ve una
    salida) después de cada capa, con la recurrencia
    ``r ← r + (f − 1)·j`` y ``j ← j·s``, que empieza en ``r = 1`` y ``j = 1``
    (``j`` es la distancia, en píxeles de la entrada, entre dos salidas vecinas).
    El relleno no cambia el campo receptivo.

    >>> receptive_field([(3, 1), (3, 1)])
    [3, 5]
    >>> receptive_field([(3, 1), (2, 2), (3, 1)])
    [3, 4, 8]
    """
    if isinstance(layers, (str, bytes)) or not hasattr(layers, "__iter__"):
        raise TypeError("`layers` debe ser una lista de pares (f, s), uno por capa.")
    r, j, out = 1, 1, []
    for k, layer in enumerate(layers):
        if not isinstance(layer, (tuple, list)) or len(layer) != 2:
            raise ValueError(f"La capa {k} debe ser un par (f, s); llegó {layer!r}.")
        f = check_positive_int(layer[0], f"f de la capa {k}")
        s = check_positive_int(layer[1], f"s de la capa {k}")
        r += (f - 1) * j
        j *= s
        out.append(r)
    return out


def zero_pad(x, p) -> np.ndarray:
    """Añade ``p`` filas y columnas de ceros en cada borde de una imagen.

    Solo se rellenan los dos ejes espaciales (alto y ancho), nunca los canales
    ni el lote. Formas admitidas: ``(alto, ancho)``, ``(alto, ancho, canales)``
    o un lote NHWC ``(N, alto, ancho, canales)``; la salida tiene
    ``alto + 2p`` y ``ancho + 2p``.

    >>> zero_pad([[1, 2], [3, 4]], 1)
    array([[0., 0., 0., 0.],
           [0., 1., 2., 0.],
           [0., 3., 4., 0.],
           [0., 0., 0., 0.]])
    >>> zero_pad(np.ones((2, 2, 3)), 2).shape
    (6, 6, 3)
    """
    x = as_array(x, "x", ndim=(2, 3, 4))
    p = check_nonnegative_int(p, "p")
    spatial = {2: (0, 1), 3: (0, 1), 4: (1, 2)}[x.ndim]
    width = [(p, p) if axis in spatial else (0, 0) for axis in range(x.ndim)]
    return np.pad(x, width)


# ---------------------------------------------------------------------------
# Convolución de un canal
# ---------------------------------------------------------------------------

def conv2d_loop(x, k, stride=1, padding=0) -> np.ndarray:
    """Correlación cruzada de una imagen 2-D con un filtro 2-D, con bucles.

    ``z[i, j] = Σ_a Σ_b x[i·s + a, j·s + b] · k[a, b]`` sobre la entrada rellenada.
    Formas: ``x`` (alto, ancho), ``k`` (f_alto, f_ancho) → salida
    (⌊(alto+2p−f_alto)/s⌋+1, ⌊(ancho+2p−f_ancho)/s⌋+1).

    >>> conv2d_loop([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, 1]])
    array([[ 6.,  8.],
           [12., 14.]])
    """
    xp, k, (sh, sw) = _prepare_2d(x, k, stride, padding)
    fh, fw = k.shape
    out_h = (xp.shape[0] - fh) // sh + 1
    out_w = (xp.shape[1] - fw) // sw + 1
    z = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            patch = xp[i * sh:i * sh + fh, j * sw:j * sw + fw]
            z[i, j] = np.sum(patch * k)
    return z


def conv2d(x, k, stride=1, padding=0) -> np.ndarray:
    """Correlación cruzada de una imagen 2-D con un filtro 2-D (vectorizada).

    Mismo resultado que :func:`conv2d_loop`: se toman todas las ventanas a la
    vez con ``sliding_window_view`` y se multiplican por el filtro.
    Formas: ``x`` (alto, ancho), ``k`` (f_alto, f_ancho).

    >>> conv2d([[1, 2, 3], [4, 5, 6], [7, 8, 9]], [[1, 0], [0, 1]])
    array([[ 6.,  8.],
           [12., 14.]])
    """
    xp, k, (sh, sw) = _prepare_2d(x, k, stride, padding)
    windows = sliding_window_view(xp, k.shape)[::sh, ::sw]  # (out_h, out_w, fh, fw)
    return np.tensordot(windows, k, axes=2)


# ---------------------------------------------------------------------------
# Convolución de lotes con varios canales (NHWC × HWIO)
# ---------------------------------------------------------------------------

def conv2d_nhwc_loop(x, w, b=None, stride=1, padding="valid") -> np.ndarray:
    """Convolución de un lote NHWC con filtros HWIO, con bucles (como la fórmula).

    ``z[n, i, j, o] = Σ_a Σ_b Σ_c x[n, i·s + a, j·s + b, c] · w[a, b, c, o] + b[o]``.
    Formas: ``x`` (N, alto, ancho, C_in), ``w`` (f_alto, f_ancho, C_in, C_out),
    ``b`` (C_out,) o ``None`` → salida (N, alto_salida, ancho_salida, C_out).

    >>> x = np.ones((1, 3, 3, 2)); w = np.ones((2, 2, 2, 1))
    >>> conv2d_nhwc_loop(x, w)[0, :, :, 0]
    array([[8., 8.],
           [8., 8.]])
    """
    xp, w, b, (sh, sw) = _prepare_nhwc(x, w, b, stride, padding)
    n_batch = xp.shape[0]
    fh, fw, _, c_out = w.shape
    out_h = (xp.shape[1] - fh) // sh + 1
    out_w = (xp.shape[2] - fw) // sw + 1
    z = np.zeros((n_batch, out_h, out_w, c_out))
    for n in range(n_batch):
        for i in range(out_h):
            for j in range(out_w):
                patch = xp[n, i * sh:i * sh + fh, j * sw:j * sw + fw, :]  # (fh, fw, C_in)
                for o in range(c_out):
                    z[n, i, j, o] = np.sum(patch * w[:, :, :, o]) + b[o]
    return z


def conv2d_nhwc(x, w, b=None, stride=1, padding="valid") -> np.ndarray:
    """Convolución de un lote NHWC con filtros HWIO (vectorizada, *im2col*).

    Igual que ``tf.nn.conv2d(x, w, strides=stride, padding=...)`` más el sesgo.
    Idea: copiar cada ventana (f_alto·f_ancho·C_in valores) en una fila de una
    matriz (*im2col*) y hacer **un solo** producto de matrices con los filtros.
    Formas: ``x`` (N, alto, ancho, C_in), ``w`` (f_alto, f_ancho, C_in, C_out),
    ``b`` (C_out,) o ``None`` → salida (N, alto_salida, ancho_salida, C_out).

    >>> x = np.ones((1, 3, 3, 2)); w = np.ones((2, 2, 2, 1))
    >>> conv2d_nhwc(x, w, b=[1.0])[0, :, :, 0]
    array([[9., 9.],
           [9., 9.]])
    """
    xp, w, b, (sh, sw) = _prepare_nhwc(x, w, b, stride, padding)
    n_batch = xp.shape[0]
    fh, fw, c_in, c_out = w.shape
    # Ventanas: (N, out_h, out_w, C_in, fh, fw); es una vista, no copia nada.
    windows = sliding_window_view(xp, (fh, fw), axis=(1, 2))[:, ::sh, ::sw]
    out_h, out_w = windows.shape[1:3]
    # im2col: una fila por posición de salida, en el orden (fh, fw, C_in) de `w`.
    cols = windows.transpose(0, 1, 2, 4, 5, 3).reshape(n_batch * out_h * out_w, fh * fw * c_in)
    z = cols @ w.reshape(fh * fw * c_in, c_out)
    z += b  # en el mismo arreglo: evita copiar otra vez toda la salida
    return z.reshape(n_batch, out_h, out_w, c_out)


# ---------------------------------------------------------------------------
# Pooling
# ---------------------------------------------------------------------------

def _prepare_pool(x, size, stride, mode, padding):
    """Valida los argumentos de ``pool2d`` y devuelve la entrada como lote NHWC."""
    x = as_array(x, "x", ndim=(2, 4))
    if not isinstance(mode, str) or mode.lower() not in ("max", "avg"):
        raise ValueError(f"`mode` debe ser 'max' o 'avg'; llegó {mode!r}.")
    f_hw = _pair(size, "size")
    s_hw = f_hw if stride is None else _pair(stride, "stride")
    x4 = x[None, :, :, None] if x.ndim == 2 else x
    pads = _resolve_padding(padding, x4.shape[1:3], f_hw, s_hw)
    _check_fits(x4.shape[1:3], f_hw, pads)
    for axis, f, (before, after) in zip(("alto", "ancho"), f_hw, pads):
        if max(before, after) >= f:
            raise ValueError(
                f"En pooling el relleno ({axis}: {max(before, after)}) debe ser menor que la ventana ({f}); "
                "si no, habría ventanas hechas solo de relleno."
            )
    return x, x4, f_hw, s_hw, pads, mode.lower()


def pool2d_loop(x, size, stride=None, mode="max", padding="valid") -> np.ndarray:
    """*Pooling* máximo o promedio, con bucles (para leer la definición).

    Cada salida es el máximo (``mode="max"``) o el promedio (``mode="avg"``) de
    una ventana de ``size`` que avanza ``stride`` (por omisión, ``stride = size``).
    Las celdas de relleno no cuentan, como en TensorFlow.
    Formas: ``x`` (alto, ancho) o un lote NHWC (N, alto, ancho, C); la salida
    tiene el mismo número de ejes.

    >>> pool2d_loop([[1, 2], [3, 4]], 2)
    array([[4.]])
    """
    x, x4, (fh, fw), (sh, sw), pads, mode = _prepare_pool(x, size, stride, mode, padding)
    n_batch, height, width, channels = x4.shape
    (top, bottom), (left, right) = pads
    out_h = _out_len(height, fh, top, bottom, sh)
    out_w = _out_len(width, fw, left, right, sw)
    z = np.zeros((n_batch, out_h, out_w, channels))
    for n in range(n_batch):
        for i in range(out_h):
            for j in range(out_w):
                # Ventana en coordenadas de la entrada sin rellenar, recortada a sus bordes.
                r0, c0 = i * sh - top, j * sw - left
                rows = slice(max(r0, 0), min(r0 + fh, height))
                cols = slice(max(c0, 0), min(c0 + fw, width))
                for c in range(channels):
                    window = x4[n, rows, cols, c]
                    z[n, i, j, c] = window.max() if mode == "max" else window.mean()
    return z[0, :, :, 0] if x.ndim == 2 else z


def pool2d(x, size, stride=None, mode="max", padding="valid") -> np.ndarray:
    """*Pooling* máximo o promedio (vectorizado).

    Igual que ``tf.nn.max_pool2d`` / ``tf.nn.avg_pool2d``. ``size`` y ``stride``
    son un entero o un par; por omisión ``stride = size``. ``padding`` es
    ``"valid"``, ``"same"`` o un entero; las celdas de relleno valen −∞ en el
    máximo y no cuentan en el promedio.
    Formas: ``x`` (alto, ancho) o un lote NHWC (N, alto, ancho, C); la salida
    tiene el mismo número de ejes.

    >>> pool2d([[12, 20, 30, 0], [8, 12, 2, 0], [34, 70, 37, 4], [112, 100, 25, 12]], 2)
    array([[ 20.,  30.],
           [112.,  37.]])
    """
    x, x4, (fh, fw), (sh, sw), pads, mode = _prepare_pool(x, size, stride, mode, padding)
    pad_width = ((0, 0), pads[0], pads[1], (0, 0))
    if mode == "max":
        xp = np.pad(x4, pad_width, constant_values=-np.inf)
        windows = sliding_window_view(xp, (fh, fw), axis=(1, 2))[:, ::sh, ::sw]
        z = windows.max(axis=(4, 5))
    else:
        # Suma de cada ventana dividida entre cuántas celdas reales contiene.
        xp = np.pad(x4, pad_width)
        real = np.pad(np.ones(x4.shape[1:3]), pads)
        sums = sliding_window_view(xp, (fh, fw), axis=(1, 2))[:, ::sh, ::sw].sum(axis=(4, 5))
        counts = sliding_window_view(real, (fh, fw))[::sh, ::sw].sum(axis=(2, 3))
        z = sums / counts[None, :, :, None]
    return z[0, :, :, 0] if x.ndim == 2 else z
