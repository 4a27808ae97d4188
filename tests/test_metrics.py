"""Pruebas de ``utils.metrics`` contra ``sklearn.metrics``."""

import numpy as np
import pytest
from sklearn import metrics as skm

from utils import metrics
from utils.data import FASHION_CLASSES_ES


@pytest.mark.parametrize("k, m, seed", [(2, 50, 0), (3, 7, 1), (10, 500, 2)])
def test_confusion_matrix_matches_sklearn(k, m, seed):
    rng = np.random.default_rng(seed)
    y_true, y_pred = rng.integers(0, k, size=m), rng.integers(0, k, size=m)
    ours = metrics.confusion_matrix(y_true, y_pred, n_classes=k)
    theirs = skm.confusion_matrix(y_true, y_pred, labels=np.arange(k))
    assert ours.shape == (k, k) and ours.dtype.kind == "i"
    np.testing.assert_array_equal(ours, theirs, err_msg="la matriz de confusión no coincide con sklearn")
    assert ours.sum() == m, "cada ejemplo debe contarse exactamente una vez"


def test_rows_are_true_class_and_columns_predicted():
    cm = metrics.confusion_matrix([2], [0], n_classes=3)
    assert cm[2, 0] == 1 and cm.sum() == 1, "filas = clase verdadera, columnas = clase predicha"


@pytest.mark.parametrize("k, m, seed", [(2, 40, 3), (4, 100, 4), (10, 1000, 5)])
def test_precision_recall_f1_match_sklearn(k, m, seed):
    rng = np.random.default_rng(seed)
    y_true = rng.integers(0, k, size=m)
    y_pred = np.where(rng.uniform(size=m) < 0.6, y_true, rng.integers(0, k, size=m))
    p, r, f = metrics.precision_recall_f1(metrics.confusion_matrix(y_true, y_pred, n_classes=k))
    sp, sr, sf, _ = skm.precision_recall_fscore_support(y_true, y_pred, labels=np.arange(k), zero_division=0)
    np.testing.assert_allclose(p, sp, rtol=1e-12, err_msg="la precisión no coincide con sklearn")
    np.testing.assert_allclose(r, sr, rtol=1e-12, err_msg="la exhaustividad no coincide con sklearn")
    np.testing.assert_allclose(f, sf, rtol=1e-12, err_msg="F1 no coincide con sklearn")
    cm = metrics.confusion_matrix(y_true, y_pred, n_classes=k)
    assert metrics.accuracy_from_confusion(cm) == pytest.approx(skm.accuracy_score(y_true, y_pred))


def test_class_never_predicted_gives_zero_not_nan():
    # La clase 2 existe pero nunca se predice, y la clase 1 nunca aparece: 0/0 → 0, como sklearn.
    y_true, y_pred = [0, 0, 2, 2], [0, 0, 0, 0]
    p, r, f = metrics.precision_recall_f1(metrics.confusion_matrix(y_true, y_pred, n_classes=3))
    sp, sr, sf, _ = skm.precision_recall_fscore_support(y_true, y_pred, labels=[0, 1, 2], zero_division=0)
    assert not np.isnan(np.concatenate([p, r, f])).any()
    np.testing.assert_allclose(np.vstack([p, r, f]), np.vstack([sp, sr, sf]))


def test_n_classes_default_is_largest_label_plus_one():
    assert metrics.confusion_matrix([0, 3], [1, 1]).shape == (4, 4)


@pytest.mark.parametrize("y_true, y_pred, n, match", [
    ([0, 1], [0], None, "misma forma"),
    ([[0.1, 0.9]], [[0.2, 0.8]], None, "argmax"),
    ([0.5, 1.0], [0, 1], None, "enteras"),
    ([0, -1], [0, 1], None, "negativas"),
    ([0, 5], [0, 1], 3, "n_classes"),
    ([], [], None, "vacíos"),
])
def test_bad_inputs_have_spanish_messages(y_true, y_pred, n, match):
    with pytest.raises(ValueError, match=match):
        metrics.confusion_matrix(y_true, y_pred, n_classes=n)


def test_bad_confusion_matrix():
    with pytest.raises(ValueError, match="cuadrada"):
        metrics.precision_recall_f1(np.ones((2, 3)))
    with pytest.raises(ValueError, match="no negativos"):
        metrics.precision_recall_f1([[1, -1], [0, 2]])


def test_fashion_class_names():
    assert len(FASHION_CLASSES_ES) == 10 and len(set(FASHION_CLASSES_ES)) == 10


# --- Curva ROC, AUC y métricas de segmentación (capítulo 15) ---

@pytest.mark.parametrize("m, seed, redondeo", [(30, 0, None), (200, 1, 1), (500, 2, 2)])
def test_roc_curve_and_auc_match_sklearn(m, seed, redondeo):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, size=m)
    y[:2] = [0, 1]
    s = rng.normal(size=m) + y
    if redondeo is not None:
        s = s.round(redondeo)            # puntajes repetidos (empates)
    fpr, tpr, thr = metrics.roc_curve(y, s)
    sf, st, sthr = skm.roc_curve(y, s, drop_intermediate=False)
    np.testing.assert_allclose(fpr, sf, err_msg="fpr no coincide con sklearn")
    np.testing.assert_allclose(tpr, st, err_msg="tpr no coincide con sklearn")
    np.testing.assert_allclose(thr[1:], sthr[1:], err_msg="los umbrales no coinciden con sklearn")
    assert thr[0] == np.inf and (fpr[0], tpr[0], fpr[-1], tpr[-1]) == (0, 0, 1, 1)
    assert metrics.auc(fpr, tpr) == pytest.approx(skm.roc_auc_score(y, s), abs=1e-12)


def test_auc_of_perfect_and_reversed_scores():
    y = np.array([0, 0, 1, 1])
    assert metrics.auc(*metrics.roc_curve(y, [0.1, 0.2, 0.8, 0.9])[:2]) == 1.0
    assert metrics.auc(*metrics.roc_curve(y, [0.9, 0.8, 0.2, 0.1])[:2]) == 0.0


@pytest.mark.parametrize("objetivo", [0.5, 0.9, 0.95, 1.0])
def test_threshold_for_recall_is_the_highest_that_reaches_it(objetivo):
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, size=300)
    s = rng.normal(size=300) + 1.5 * y
    u = metrics.threshold_for_recall(y, s, objetivo)
    recall = np.mean(s[y == 1] >= u)
    assert recall >= objetivo, f"con el umbral {u} la exhaustividad es {recall}, menor que {objetivo}"
    mas_alto = s[s > u].min() if np.any(s > u) else np.inf
    assert np.mean(s[y == 1] >= mas_alto) < objetivo, "existe un umbral más alto que también alcanza el objetivo"


def test_roc_bad_inputs():
    with pytest.raises(ValueError, match="dos clases"):
        metrics.roc_curve([1, 1, 1], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="binario"):
        metrics.roc_curve([0, 1, 2], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="un puntaje por ejemplo"):
        metrics.roc_curve([0, 1], [0.1, 0.2, 0.3])
    with pytest.raises(ValueError, match="NaN"):
        metrics.roc_curve([0, 1], [0.1, np.nan])
    with pytest.raises(ValueError, match="ordenado"):
        metrics.auc([1, 0], [0, 1])
    with pytest.raises(ValueError, match="min_recall"):
        metrics.threshold_for_recall([0, 1], [0.1, 0.2], 0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_mask_iou_and_dice_match_sklearn(seed):
    rng = np.random.default_rng(seed)
    t = rng.uniform(size=(4, 16, 16)) < 0.3
    p = np.where(rng.uniform(size=t.shape) < 0.8, t, ~t)
    iou, d = metrics.mask_iou(t, p), metrics.dice(t, p.astype(int))
    assert iou == pytest.approx(skm.jaccard_score(t.ravel(), p.ravel()))
    assert d == pytest.approx(skm.f1_score(t.ravel(), p.ravel()))
    assert d == pytest.approx(2 * iou / (1 + iou)), "Dice = 2 IoU / (1 + IoU)"


def test_masks_edge_cases():
    vacia = np.zeros((3, 3))
    assert metrics.mask_iou(vacia, vacia) == 1.0 and metrics.dice(vacia, vacia) == 1.0
    assert metrics.mask_iou(vacia, np.ones((3, 3))) == 0.0
    with pytest.raises(ValueError, match="misma forma"):
        metrics.dice(np.zeros((2, 2)), np.zeros((3, 3)))
    with pytest.raises(ValueError, match="binaria"):
        metrics.mask_iou(np.zeros(3), [0.2, 0.7, 1.0])
