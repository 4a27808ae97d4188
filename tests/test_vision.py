"""Pruebas de ``utils.vision``: ventanas, IoU, supresión de no máximos y emparejamiento."""

import numpy as np
import pytest

from utils import vision


def _iou_por_pixeles(a, b, n=40):
    # IoU contando píxeles de máscaras: la definición, sin fórmulas de cajas.
    ma, mb = np.zeros((n, n), bool), np.zeros((n, n), bool)
    ma[a[1]:a[3], a[0]:a[2]] = True
    mb[b[1]:b[3], b[0]:b[2]] = True
    return (ma & mb).sum() / (ma | mb).sum()


def _cajas(rng, k, n=40):
    x0, y0 = rng.integers(0, n - 2, size=(2, k))
    w, h = rng.integers(1, 15, size=(2, k))
    return np.stack([x0, y0, np.minimum(x0 + w, n), np.minimum(y0 + h, n)], axis=1)


def test_box_iou_matches_pixel_count():
    rng = np.random.default_rng(0)
    a, b = _cajas(rng, 12), _cajas(rng, 9)
    iou = vision.box_iou(a, b)
    assert iou.shape == (12, 9)
    esperado = np.array([[_iou_por_pixeles(x, y) for y in b] for x in a])
    np.testing.assert_allclose(iou, esperado, err_msg="el IoU no coincide con el conteo de píxeles")
    np.testing.assert_allclose(np.diag(vision.box_iou(a, a)), 1.0)


def test_sliding_windows_cut_the_image_where_the_boxes_say():
    img = np.arange(10 * 13, dtype=float).reshape(10, 13)
    win, boxes = vision.sliding_windows(img, size=4, stride=3)
    assert win.shape == (3 * 4, 4, 4) and boxes.shape == (12, 4)  # (10-4)//3+1 = 3, (13-4)//3+1 = 4
    for w, (x0, y0, x1, y1) in zip(win, boxes):
        np.testing.assert_array_equal(w, img[y0:y1, x0:x1])
    with pytest.raises(ValueError, match="no cabe"):
        vision.sliding_windows(img, size=11, stride=1)


@pytest.mark.parametrize("umbral", [0.2, 0.5, 0.7])
def test_nms_matches_tensorflow(umbral):
    tf = pytest.importorskip("tensorflow")
    rng = np.random.default_rng(1)
    boxes = _cajas(rng, 60).astype(float)
    scores = rng.permutation(60) / 60.0          # sin empates
    ours = vision.non_max_suppression(boxes, scores, umbral)
    tf_boxes = boxes[:, [1, 0, 3, 2]].astype("float32")   # TensorFlow usa (y0, x0, y1, x1)
    theirs = tf.image.non_max_suppression(tf_boxes, scores.astype("float32"), 60, iou_threshold=umbral).numpy()
    np.testing.assert_array_equal(ours, theirs, err_msg="la supresión de no máximos no coincide con TensorFlow")


def test_match_detections_counts_each_object_once():
    verdad = np.array([[0, 0, 10, 10], [20, 20, 30, 30]])
    pred = np.array([[1, 0, 11, 10], [0, 0, 10, 10], [20, 22, 30, 32], [50, 50, 60, 60]])
    hit = vision.match_detections(pred, [0.6, 0.9, 0.8, 0.95], verdad, iou_threshold=0.5)
    # la de 0.9 gana el primer objeto; la de 0.6 es un duplicado; la de 0.95 no toca nada
    np.testing.assert_array_equal(hit, [False, True, True, False])
    assert not vision.match_detections(np.zeros((0, 4)), [], verdad).any()


def test_make_canvas_places_digits_without_overlap():
    rng = np.random.default_rng(2)
    digitos = rng.uniform(size=(20, 28, 28))
    lienzo, cajas, idx = vision.make_canvas(digitos, 100, 4, rng)
    iou = vision.box_iou(cajas, cajas)
    assert np.allclose(iou - np.eye(4), 0), "las cajas no deben solaparse"
    for (x0, y0, x1, y1), k in zip(cajas, idx):
        np.testing.assert_array_equal(lienzo[y0:y1, x0:x1], digitos[k])
    with pytest.raises(ValueError, match="No caben"):
        vision.make_canvas(digitos, 40, 4, rng)


def test_bad_boxes_have_spanish_messages():
    with pytest.raises(ValueError, match=r"\(k, 4\)"):
        vision.box_iou([[0, 0, 1]], [[0, 0, 1, 1]])
    with pytest.raises(ValueError, match="x1 > x0"):
        vision.box_iou([[5, 0, 1, 1]], [[0, 0, 1, 1]])
    with pytest.raises(ValueError, match="un puntaje por caja"):
        vision.non_max_suppression([[0, 0, 1, 1]], [0.5, 0.2])
