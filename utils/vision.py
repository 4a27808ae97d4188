"""Detección de objetos con ventanas deslizantes: cajas, IoU y supresión de no máximos.

Convención: una caja es ``(x0, y0, x1, y1)`` en píxeles, con ``x`` la columna
e ``y`` la fila de la imagen; ``(x0, y0)`` es la esquina superior izquierda y
``(x1, y1)`` la inferior derecha, sin incluir (como en un corte ``img[y0:y1, x0:x1]``).
Su área es ``(x1 - x0) * (y1 - y0)``. Un conjunto de ``k`` cajas es un arreglo
de forma ``(k, 4)``.
"""

from __future__ import annotations

import numpy as np

from .validation import as_array, check_positive_int

__all__ = ["sliding_windows", "box_iou", "non_max_suppression", "match_detections", "make_canvas"]


def _boxes(boxes, name: str) -> np.ndarray:
    """Valida un arreglo de cajas ``(k, 4)`` con ``x1 > x0`` e ``y1 > y0``."""
    b = as_array(boxes, name, ndim=(1, 2))
    if b.ndim == 1 and b.size == 0:
        b = b.reshape(0, 4)
    if b.ndim == 1:
        b = b[None, :]
    if b.shape[1] != 4:
        raise ValueError(f"`{name}` debe tener forma (k, 4): cada caja es (x0, y0, x1, y1); tiene forma {b.shape}.")
    if np.any(b[:, 2] <= b[:, 0]) or np.any(b[:, 3] <= b[:, 1]):
        raise ValueError(f"`{name}` tiene cajas vacías o al revés: se necesita x1 > x0 e y1 > y0.")
    return b


def sliding_windows(image, size: int, stride: int):
    """Todas las ventanas de ``size × size`` de una imagen, desplazadas de ``stride`` en ``stride`` píxeles.

    Entrada: ``image`` de forma ``(H, W)``. Salida: ``(windows, boxes)`` con
    ``windows`` de forma ``(k, size, size)`` y ``boxes`` de forma ``(k, 4)``,
    recorridas fila por fila, con ``k = n_filas · n_columnas`` y
    ``n = (H - size) // stride + 1`` (la fórmula del tamaño de salida de una convolución).

    >>> w, b = sliding_windows(np.zeros((6, 8)), size=4, stride=2)
    >>> w.shape, b[:3].tolist()
    ((6, 4, 4), [[0, 0, 4, 4], [2, 0, 6, 4], [4, 0, 8, 4]])
    """
    img = as_array(image, "image", ndim=2)
    size, stride = check_positive_int(size, "size"), check_positive_int(stride, "stride")
    H, W = img.shape
    if size > min(H, W):
        raise ValueError(f"La ventana ({size}×{size}) no cabe en la imagen de {H}×{W}.")
    ys = np.arange(0, H - size + 1, stride)
    xs = np.arange(0, W - size + 1, stride)
    views = np.lib.stride_tricks.sliding_window_view(img, (size, size))   # (H-size+1, W-size+1, size, size)
    windows = views[ys][:, xs].reshape(-1, size, size)
    yy, xx = np.meshgrid(ys, xs, indexing="ij")
    boxes = np.stack([xx.ravel(), yy.ravel(), xx.ravel() + size, yy.ravel() + size], axis=1)
    return windows, boxes


def box_iou(boxes_a, boxes_b) -> np.ndarray:
    """Intersección sobre unión (IoU) de cada caja de ``boxes_a`` con cada caja de ``boxes_b``.

    Entradas: ``(k, 4)`` y ``(n, 4)``. Salida: matriz ``(k, n)`` con valores en [0, 1]:
    ``área(A ∩ B) / área(A ∪ B)``, 1 si las cajas coinciden y 0 si no se tocan.

    >>> box_iou([[0, 0, 2, 2]], [[1, 0, 3, 2], [5, 5, 6, 6]])
    array([[0.33333333, 0.        ]])
    """
    a, b = _boxes(boxes_a, "boxes_a"), _boxes(boxes_b, "boxes_b")
    ancho = np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0])
    alto = np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1])
    inter = np.clip(ancho, 0, None) * np.clip(alto, 0, None)
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    return inter / (area_a[:, None] + area_b[None, :] - inter)


def non_max_suppression(boxes, scores, iou_threshold: float = 0.3) -> np.ndarray:
    """Supresión de no máximos: índices de las cajas que sobreviven, de mayor a menor puntaje.

    Recorre las cajas de mayor a menor ``scores``: se queda con la mejor y
    descarta todas las que se solapan con ella con IoU ``> iou_threshold``;
    repite con las que quedan. Entradas: ``boxes (k, 4)``, ``scores (k,)``.
    Es lo que hace ``tf.image.non_max_suppression``.

    >>> non_max_suppression([[0, 0, 4, 4], [1, 0, 5, 4], [10, 10, 14, 14]], [0.9, 0.8, 0.7])
    array([0, 2])
    """
    b = _boxes(boxes, "boxes")
    s = as_array(scores, "scores", ndim=1)
    if s.shape[0] != b.shape[0]:
        raise ValueError(f"Hace falta un puntaje por caja: hay {b.shape[0]} cajas y {s.shape[0]} puntajes.")
    if not 0 <= iou_threshold <= 1:
        raise ValueError(f"`iou_threshold` debe estar entre 0 y 1; llegó {iou_threshold}.")
    order = np.argsort(-s, kind="stable")
    keep = []
    while order.size:
        best, order = order[0], order[1:]
        keep.append(best)
        if order.size:
            order = order[box_iou(b[best], b[order])[0] <= iou_threshold]
    return np.array(keep, dtype=np.int64)


def match_detections(pred_boxes, scores, true_boxes, iou_threshold: float = 0.5) -> np.ndarray:
    """Marca cada detección como acierto (verdadero positivo) o no, con IoU ``>= iou_threshold``.

    Recorre las detecciones de mayor a menor puntaje; cada una se empareja con
    la caja verdadera libre de mayor IoU, si ese IoU alcanza el umbral. Cada
    caja verdadera se empareja una sola vez: una segunda detección del mismo
    objeto es un falso positivo. Salida: vector booleano ``(k,)`` en el orden de
    ``pred_boxes``; su suma son los VP, ``k - VP`` los FP y ``n_verdaderas - VP`` los FN.

    >>> match_detections([[0, 0, 4, 4], [1, 0, 5, 4]], [0.9, 0.8], [[0, 0, 4, 4]])
    array([ True, False])
    """
    p = _boxes(pred_boxes, "pred_boxes")
    s = as_array(scores, "scores", ndim=1)
    if s.shape[0] != p.shape[0]:
        raise ValueError(f"Hace falta un puntaje por detección: hay {p.shape[0]} cajas y {s.shape[0]} puntajes.")
    hit = np.zeros(p.shape[0], dtype=bool)
    t = _boxes(true_boxes, "true_boxes")
    if t.shape[0] == 0 or p.shape[0] == 0:
        return hit
    iou = box_iou(p, t)
    libre = np.ones(t.shape[0], dtype=bool)
    for i in np.argsort(-s, kind="stable"):
        candidatos = np.where(libre, iou[i], -1.0)
        j = int(np.argmax(candidatos))
        if candidatos[j] >= iou_threshold:
            hit[i], libre[j] = True, False
    return hit


def make_canvas(digits, size: int, n_objects: int, rng, min_gap: int = 2):
    """Pega ``n_objects`` imágenes de ``digits`` en un lienzo negro de ``size × size`` sin que se solapen.

    Entradas: ``digits`` de forma ``(m, h, w)`` (por ejemplo, dígitos de MNIST en
    [0, 1]), un generador ``rng`` de NumPy y una separación mínima ``min_gap``
    entre cajas. Salida: ``(canvas, boxes, idx)``: el lienzo ``(size, size)``, las
    cajas verdaderas ``(n_objects, 4)`` de cada imagen pegada y sus índices en ``digits``.

    >>> c, b, i = make_canvas(np.ones((5, 28, 28)), 84, 2, np.random.default_rng(0))
    >>> c.shape, b.shape, float(c.sum()) == 2 * 28 * 28
    ((84, 84), (2, 4), True)
    """
    d = as_array(digits, "digits", ndim=3)
    size, n_objects = check_positive_int(size, "size"), check_positive_int(n_objects, "n_objects")
    m, h, w = d.shape
    canvas = np.zeros((size, size))
    boxes, idx = [], []
    for _ in range(200 * n_objects):              # intentos al azar hasta ubicar todos
        if len(boxes) == n_objects:
            break
        x0, y0 = int(rng.integers(0, size - w + 1)), int(rng.integers(0, size - h + 1))
        caja = [x0, y0, x0 + w, y0 + h]
        if all(x0 >= b[2] + min_gap or b[0] >= caja[2] + min_gap or y0 >= b[3] + min_gap
               or b[1] >= caja[3] + min_gap for b in boxes):
            k = int(rng.integers(0, m))
            canvas[y0:y0 + h, x0:x0 + w] = d[k]
            boxes.append(caja)
            idx.append(k)
    if len(boxes) < n_objects:
        raise ValueError(f"No caben {n_objects} imágenes de {h}×{w} sin solaparse en un lienzo de {size}×{size}.")
    return canvas, np.array(boxes), np.array(idx)
