"""Métricas de clasificación calculadas a mano: matriz de confusión, precisión, exhaustividad, F1,
curva ROC y su área, y el IoU y el coeficiente de Dice de una segmentación.

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

Para un clasificador binario que entrega puntajes (probabilidades), la curva
ROC recorre todos los umbrales: en cada uno, la tasa de verdaderos positivos
(sensibilidad) frente a la de falsos positivos (1 − especificidad).
"""

from __future__ import annotations

import numbers

import numpy as np

__all__ = ["confusion_matrix", "precision_recall_f1", "accuracy_from_confusion",
           "roc_curve", "auc", "threshold_for_recall", "mask_iou", "dice"]


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


def _binary_scores(y_true, scores):
    """Valida etiquetas 0/1 de forma ``(m,)`` y puntajes finitos de la misma forma."""
    y = _as_labels(y_true, "y_true")
    s = np.asarray(scores, dtype=np.float64) if not isinstance(scores, (str, bytes)) else None
    if s is None or s.shape != y.shape:
        forma = None if s is None else s.shape
        raise ValueError(f"`scores` debe ser un vector con un puntaje por ejemplo, de forma {y.shape}; llegó {forma}.")
    if not np.all(np.isfinite(s)):
        raise ValueError("`scores` contiene valores NaN o infinitos.")
    if y.size and y.max() > 1:
        raise ValueError("`y_true` debe ser binario (0 = negativo, 1 = positivo).")
    if not (y == 1).any() or not (y == 0).any():
        raise ValueError("La curva ROC necesita ejemplos de las dos clases (algún 0 y algún 1 en `y_true`).")
    return y, s


def roc_curve(y_true, scores):
    """Curva ROC: tasas de falsos y verdaderos positivos para cada umbral.

    Entradas: ``y_true`` de forma ``(m,)`` con 0 y 1, y ``scores`` de forma
    ``(m,)`` (mayor = más positivo). Un ejemplo se declara positivo si
    ``score >= umbral``. Salida: ``(fpr, tpr, thresholds)``, tres vectores de
    la misma longitud; ``thresholds`` va de ``+inf`` (nadie positivo: el punto
    (0, 0)) al menor puntaje (todos positivos: el punto (1, 1)), un umbral por
    puntaje distinto. Coincide con
    ``sklearn.metrics.roc_curve(y_true, scores, drop_intermediate=False)``.

    >>> fpr, tpr, thr = roc_curve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    >>> fpr, tpr
    (array([0. , 0. , 0.5, 0.5, 1. ]), array([0. , 0.5, 0.5, 1. , 1. ]))
    """
    y, s = _binary_scores(y_true, scores)
    order = np.argsort(-s, kind="stable")          # de mayor a menor puntaje
    y, s = y[order], s[order]
    last = np.r_[np.flatnonzero(np.diff(s)), y.size - 1]  # último índice de cada puntaje distinto
    tp = np.cumsum(y)[last]                        # positivos con score >= umbral
    fp = (last + 1) - tp                           # negativos con score >= umbral
    tpr = np.r_[0.0, tp / tp[-1]]
    fpr = np.r_[0.0, fp / fp[-1]]
    return fpr, tpr, np.r_[np.inf, s[last]]


def auc(x, y) -> float:
    """Área bajo una curva dada por puntos, con la regla del trapecio.

    Entradas: ``x`` e ``y`` de forma ``(k,)``, con ``x`` ordenado (creciente).
    Con ``x = fpr`` e ``y = tpr`` de :func:`roc_curve` da el AUC de la curva ROC.

    >>> auc([0, 0, 1], [0, 1, 1])
    1.0
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    if x.ndim != 1 or x.shape != y.shape or x.size < 2:
        raise ValueError(f"`x` e `y` deben ser vectores de igual longitud (al menos 2 puntos); tienen formas {x.shape} y {y.shape}.")
    if np.any(np.diff(x) < 0):
        raise ValueError("`x` debe estar ordenado de menor a mayor (como el `fpr` de roc_curve).")
    return float(np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2))


def threshold_for_recall(y_true, scores, min_recall: float) -> float:
    """El umbral más alto que todavía alcanza una exhaustividad (sensibilidad) ``>= min_recall``.

    Es el punto de la curva ROC con menos falsos positivos entre los que
    detectan al menos esa fracción de positivos (``score >= umbral`` = positivo).

    >>> threshold_for_recall([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8], 0.9)
    0.35
    """
    if not 0 < min_recall <= 1:
        raise ValueError(f"`min_recall` debe estar en (0, 1]; llegó {min_recall}.")
    _, tpr, thresholds = roc_curve(y_true, scores)
    return float(thresholds[np.flatnonzero(tpr >= min_recall)[0]])


def _binary_masks(mask_true, mask_pred):
    """Valida dos máscaras de la misma forma y las devuelve como booleanas."""
    t, p = np.asarray(mask_true), np.asarray(mask_pred)
    if t.shape != p.shape:
        raise ValueError(f"Las máscaras deben tener la misma forma; tienen {t.shape} y {p.shape}.")
    for arr, name in ((t, "mask_true"), (p, "mask_pred")):
        if arr.dtype != bool and not np.isin(arr, (0, 1)).all():
            raise ValueError(f"`{name}` debe ser una máscara binaria (0/1 o True/False); umbraliza antes las probabilidades.")
    return t.astype(bool), p.astype(bool)


def mask_iou(mask_true, mask_pred) -> float:
    """Intersección sobre unión de dos máscaras binarias de cualquier forma: ``|A ∩ B| / |A ∪ B|``.

    Cuenta todos los píxeles juntos (de una imagen o de un lote). Si las dos
    máscaras están vacías devuelve 1 (coinciden). Es ``sklearn.metrics.jaccard_score``
    sobre los píxeles aplanados.

    >>> mask_iou([[1, 1, 0]], [[0, 1, 1]])
    0.3333333333333333
    """
    t, p = _binary_masks(mask_true, mask_pred)
    union = np.logical_or(t, p).sum()
    return 1.0 if union == 0 else float(np.logical_and(t, p).sum() / union)


def dice(mask_true, mask_pred) -> float:
    """Coeficiente de Dice de dos máscaras binarias: ``2 |A ∩ B| / (|A| + |B|)``.

    Es la F1 de la clasificación de píxeles (``sklearn.metrics.f1_score`` sobre
    los píxeles aplanados) y se relaciona con el IoU por ``Dice = 2 IoU / (1 + IoU)``.
    Si las dos máscaras están vacías devuelve 1.

    >>> dice([[1, 1, 0]], [[0, 1, 1]])
    0.5
    """
    t, p = _binary_masks(mask_true, mask_pred)
    total = t.sum() + p.sum()
    return 1.0 if total == 0 else float(2 * np.logical_and(t, p).sum() / total)
