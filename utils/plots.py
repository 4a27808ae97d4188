"""Figuras que se repiten en varios capítulos y laboratorios.

- :func:`plot_decision_boundary` pinta la probabilidad que un clasificador de
  dos rasgos asigna a cada punto del plano, su frontera de decisión y los datos.
"""

from __future__ import annotations

import numpy as np

from .validation import as_array

__all__ = ["plot_decision_boundary"]


def plot_decision_boundary(ax, predict_proba, X, y, class_names=("clase 0", "clase 1"),
                           resolution=200, padding=0.5, threshold=0.5, point_size=16):
    """Dibuja en ``ax`` la probabilidad de la clase 1, la frontera y los puntos.

    Entradas: ``ax`` (ejes de Matplotlib); ``predict_proba``, una función que
    recibe un arreglo ``(k, 2)`` de puntos y devuelve ``k`` probabilidades de
    la clase 1 (forma ``(k,)`` o ``(k, 1)``); ``X`` ``(m, 2)`` y ``y`` ``(m,)``
    con etiquetas 0 o 1; ``class_names``, los nombres de las dos clases para la
    leyenda. La frontera es la curva donde la probabilidad vale ``threshold``.
    ``point_size`` es el área de cada punto (súbela con pocos puntos, como
    los cuatro del o exclusivo). Salida: el relleno de colores (para ``fig.colorbar``).

    >>> import matplotlib; matplotlib.use("Agg")
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> X = np.array([[0.0, 0.0], [1.0, 1.0]])
    >>> fondo = plot_decision_boundary(ax, lambda P: P[:, 0], X, np.array([0, 1]))
    >>> plt.close(fig)
    """
    if not callable(predict_proba):
        raise TypeError("`predict_proba` debe ser una función que reciba puntos (k, 2) y devuelva probabilidades.")
    X = as_array(X, "X", ndim=2)
    y = as_array(y, "y", ndim=1)
    if not isinstance(point_size, (int, float)) or isinstance(point_size, bool) or point_size <= 0:
        raise ValueError(f"`point_size` debe ser un número positivo; llegó {point_size!r}.")
    if X.shape[1] != 2:
        raise ValueError(f"`X` debe tener exactamente 2 rasgos (columnas) para dibujarse en el plano; tiene {X.shape[1]}.")
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"`y` debe tener una etiqueta por fila de `X` ({X.shape[0]}); tiene {y.shape[0]}.")
    x0 = np.linspace(X[:, 0].min() - padding, X[:, 0].max() + padding, resolution)
    x1 = np.linspace(X[:, 1].min() - padding, X[:, 1].max() + padding, resolution)
    G0, G1 = np.meshgrid(x0, x1)
    P = np.asarray(predict_proba(np.column_stack([G0.ravel(), G1.ravel()])), dtype=float)
    if P.size != G0.size:
        raise ValueError(f"`predict_proba` debe devolver una probabilidad por punto ({G0.size}); devolvió {P.size}.")
    P = P.reshape(G0.shape)
    fondo = ax.contourf(G0, G1, P, levels=np.linspace(0, 1, 11), cmap="RdBu_r", alpha=0.35)
    if P.min() < threshold < P.max():
        ax.contour(G0, G1, P, levels=[threshold], colors="k", linewidths=1.5)
    for clase, color, marker in [(0, "C0", "o"), (1, "C3", "s")]:
        sel = y == clase
        ax.scatter(X[sel, 0], X[sel, 1], s=point_size, c=color, marker=marker, edgecolors="white",
                   linewidths=0.4, label=class_names[clase], zorder=3)
    return fondo
