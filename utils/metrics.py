"""Métricas de clasificación calculadas a mano: matriz de confusión, precisión, exhaustividad y F1.

Convención (la misma de ``sklearn.metrics``): en la matriz de confusión ``cm``
las **filas** son la clase verdadera y las **columnas** la clase predicha; así
``cm[i, j]`` cuenta los ejemplos de clase ``i`` que el modelo llamó ``j`` y la
diagonal cuenta los aciertos.

Para la clase ``c``:

- verdaderos positivos ``VP = cm[c, c]``;
- falsos positivos ``FP`` = suma de la columna ``c`` menos ``VP`` (otros que se llamaron ``c``);
- falsos negativos ``FN`` = suma de la fila ``c`` menos ``VP`` (ejemplos de ``c`` que se llamaron otra cosa);
- precisión ``VP / (VP + FP)``, exhaustividad ``VP / (VP + FN)`` y
  ``F1 = 2 P R / (P + R)``. Un cociente 0/0 vale 0, como
  ``sklearn.metrics.precision_recall_fscore_support(..., zero_division=0)``.
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["confusion_matrix", "precision_recall_f1", "accuracy_from_confusion"]


def _as_labels(y, name: str) -> np.ndarray:
    """Convierte ``y`` en un vector de enteros no negativos (etiquetas de clase)."""
    if isinstance(y, (str, bytes)) or y is None:
        raise TypeError(f"`{name}` debe ser un vector de etiquetas enteras; llegó {type(y).__name__}.")
    arr = np.asarray(y)
    if arr.ndim != 1:
        raise ValueError(
            f"`{name}` debe ser un vector (un eje) de etiquetas; tiene forma {arr.shape}. "
            "Si tienes probabilidades de forma (m, k), usa antes argmax(axis=1)."
        )
    if arr.size and arr.dtype.kind == "f":
        if not np.all(np.isfinite(arr)) or not np.all(arr == np.round(arr)):
            raise ValueError(f"`{name}` debe contener clases enteras (0, 1, 2, …), no probabilidades.")
    elif arr.size and arr.dtype.kind not in "iub":
        raise TypeError(f"`{name}` debe contener números enteros; su tipo es {arr.dtype}.")
    arr = arr.astype(np.int64)
    if arr.size and arr.min() < 0:
        raise ValueError(f"`{name}` contiene etiquetas negativas ({arr.min()}); las clases se numeran 0, 1, 2, …")
    return arr


def confusion_matrix(y_true, y_pred, n_classes=None) -> np.ndarray:
    """Matriz de confusión ``(k, k)`` de enteros: filas = clase verdadera, columnas = clase predicha.

    Entradas: ``y_true`` e ``y_pred``, vectores de forma ``(m,)`` con clases
    ``0 … k-1``; ``n_classes`` (opcional) fija ``k``; si falta, ``k`` es la
    mayor etiqueta presente más uno. Salida: arreglo ``int64`` de forma ``(k, k)``.
    Coincide con ``sklearn.metrics.confusion_matrix(y_true, y_pred, labels=range(k))``.

    >>> confusion_matrix([0, 1, 1, 2], [0, 2, 1, 2])
    array([[1, 0, 0],
           [0, 1, 1],
           [0, 0, 1]])
    """
    t = _as_labels(y_true, "y_true")
    p = _as_labels(y_pred, "y_pred")
    if t.shape != p.shape:
        raise ValueError(f"`y_true` y `y_pred` deben tener la misma forma; tienen {t.shape} y {p.shape}.")
    if t.size == 0:
        raise ValueError("`y_true` e `y_pred` están vacíos; se necesita al menos un ejemplo.")
    top = int(max(t.max(), p.max())) + 1
    if n_classes is None:
        k = top
    else:
        if isinstance(n_classes, bool) or not isinstance(n_classes, numbers.Integral) or n_classes < 1:
            raise ValueError(f"`n_classes` debe ser un entero positivo; llegó {n_classes!r}.")
        k = int(n_classes)
        if top > k:
            raise ValueError(f"Hay etiquetas hasta {top - 1}, pero `n_classes` = {k} solo admite 0 … {k - 1}.")
    cm = np.zeros((k, k), dtype=np.int64)
    np.add.at(cm, (t, p), 1)  # suma 1 en (verdadera, predicha) por cada ejemplo
    return cm


def _check_cm(cm) -> np.ndarray:
    """Comprueba que ``cm`` sea una matriz cuadrada de conteos no negativos."""
    arr = np.asarray(cm)
    if arr.ndim != 2 or arr.shape[0] != arr.shape[1] or arr.shape[0] == 0:
        raise ValueError(f"`cm` debe ser una matriz cuadrada (k, k); tiene forma {arr.shape}.")
    if arr.dtype.kind not in "iuf" or not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError("`cm` debe contener conteos: números finitos y no negativos.")
    return arr.astype(np.float64)


def _safe_divide(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` elemento a elemento, con 0 donde ``den`` es 0."""
    out = np.zeros_like(num, dtype=np.float64)
    np.divide(num, den, out=out, where=den > 0)
    return out


def precision_recall_f1(cm):
    """Precisión, exhaustividad y F1 de cada clase a partir de la matriz de confusión.

    Entrada: ``cm`` de forma ``(k, k)`` (filas = verdadera, columnas = predicha).
    Salida: tupla ``(precision, recall, f1)`` de tres arreglos de forma ``(k,)``.
    Coincide con ``sklearn.metrics.precision_recall_fscore_support(...,
    zero_division=0)``.

    >>> p, r, f = precision_recall_f1([[8, 2], [1, 9]])
    >>> p.round(3), r.round(3), f.round(3)
    (array([0.889, 0.818]), array([0.8, 0.9]), array([0.842, 0.857]))
    """
    cm = _check_cm(cm)
    tp = np.diag(cm)                 # verdaderos positivos de cada clase
    predicted = cm.sum(axis=0)       # VP + FP: columnas
    actual = cm.sum(axis=1)          # VP + FN: filas
    precision = _safe_divide(tp, predicted)
    recall = _safe_divide(tp, actual)
    f1 = _safe_divide(2 * precision * recall, precision + recall)
    return precision, recall, f1


def accuracy_from_confusion(cm) -> float:
    """Exactitud: aciertos (la diagonal) sobre el total de ejemplos.

    >>> accuracy_from_confusion([[8, 2], [1, 9]])
    0.85
    """
    cm = _check_cm(cm)
    total = cm.sum()
    if total == 0:
        raise ValueError("`cm` no cuenta ningún ejemplo (todas sus celdas son 0).")
    return float(np.trace(cm) / total)
