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
