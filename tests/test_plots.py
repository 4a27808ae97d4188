"""Pruebas de ``utils.plots``."""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from utils.plots import plot_decision_boundary


def test_boundary_draws_background_line_and_points():
    X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    y = np.array([0, 1, 0, 1])
    fig, ax = plt.subplots()
    fondo = plot_decision_boundary(ax, lambda P: 1 / (1 + np.exp(-10 * (P[:, 0] - 0.5))), X, y,
                                   class_names=("no", "sí"), resolution=30)
    assert fondo is not None
    labels = [h.get_label() for h in ax.collections if h.get_label() in ("no", "sí")]
    assert labels == ["no", "sí"]
    plt.close(fig)


def test_boundary_errors_are_spanish():
    fig, ax = plt.subplots()
    with pytest.raises(ValueError, match="2 rasgos"):
        plot_decision_boundary(ax, lambda P: P[:, 0], np.zeros((3, 3)), np.zeros(3))
    with pytest.raises(ValueError, match="una probabilidad por punto"):
        plot_decision_boundary(ax, lambda P: np.zeros(3), np.zeros((3, 2)), np.zeros(3), resolution=5)
    with pytest.raises(TypeError, match="función"):
        plot_decision_boundary(ax, None, np.zeros((3, 2)), np.zeros(3))
    plt.close(fig)


def test_boundary_point_size():
    X = np.array([[0.0, 0.0], [1.0, 1.0]])
    y = np.array([0, 1])
    fig, ax = plt.subplots()
    plot_decision_boundary(ax, lambda P: P[:, 0], X, y, resolution=10, point_size=120)
    tamanos = [h.get_sizes()[0] for h in ax.collections if h.get_label() in ("clase 0", "clase 1")]
    assert tamanos == [120, 120]
    with pytest.raises(ValueError, match="número positivo"):
        plot_decision_boundary(ax, lambda P: P[:, 0], X, y, resolution=10, point_size=0)
    plt.close(fig)
