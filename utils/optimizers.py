"""Optimizadores SGD, RMSprop y Adam en NumPy, idénticos a los de Keras 3.

Uso: ``opt = Adam(0.001)`` y luego, en cada paso, ``opt.step(params, grads)``,
donde ``params`` y ``grads`` son listas de arreglos de NumPy con las mismas
formas. ``step`` modifica ``params`` EN SU LUGAR. El estado (momentos,
velocidades) se crea en el primer paso, un arreglo por parámetro según su
posición en la lista.

Las fórmulas reproducen las de ``keras/src/optimizers/{sgd,rmsprop,adam}.py``
(Keras 3.15), incluida la posición de ``epsilon``.
"""

from __future__ import annotations

import numbers

import numpy as np

from .validation import as_array

__all__ = ["SGD", "RMSprop", "Adam", "clip_by_global_norm"]


def _check_real(value, name: str, low: float, high: float | None = None, include_low: bool = True) -> float:
    """Comprueba que ``value`` sea un número real dentro del intervalo indicado."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"`{name}` debe ser un número real; llegó {value!r} ({type(value).__name__}).")
    value = float(value)
    too_low = value < low if include_low else value <= low
    too_high = high is not None and value >= high
    if not np.isfinite(value) or too_low or too_high:
        left = "[" if include_low else "("
        right = f"{high})" if high is not None else "infinito)"
        raise ValueError(f"`{name}` debe estar en el intervalo {left}{low}, {right}; llegó {value}.")
    return value


def keras_float(value: float) -> float:
    """Redondea ``value`` a float32, como hace Keras con algunos hiperparámetros.

    Keras guarda la tasa de aprendizaje en una variable float32, y TensorFlow
    convierte constantes como ``momentum`` o ``beta_2`` a float32 antes de
    usarlas. Redondear igual hace que nuestros parámetros coincidan con los de
    Keras también con las betas habituales (0.9, 0.999), no solo de forma aproximada.

    >>> keras_float(0.5)
    0.5
    """
    return float(np.float32(value))


def clip_by_global_norm(grads, max_norm):
    """Recorte del gradiente por su norma global, como ``global_clipnorm`` de Keras.

    Si la norma de todos los gradientes juntos, ``sqrt(suma de g**2)``, supera
    ``max_norm``, los multiplica a todos por ``max_norm / norma``: la dirección
    no cambia, solo el largo. Entrada: lista de arreglos y un número > 0.
    Salida: ``(lista recortada, norma original)``; los arreglos de entrada no
    se modifican.

    >>> g, norma = clip_by_global_norm([np.array([3.0]), np.array([4.0])], 1.0)
    >>> norma, [round(float(x[0]), 6) for x in g]
    (5.0, [0.6, 0.8])
    """
    max_norm = _check_real(max_norm, "max_norm", 0.0, include_low=False)
    if not isinstance(grads, (list, tuple)):
        raise TypeError("`grads` debe ser una lista de arreglos de NumPy.")
    grads = [as_array(g, f"grads[{i}]") for i, g in enumerate(grads)]
    norma = float(np.sqrt(sum(np.sum(g * g) for g in grads)))
    factor = min(1.0, max_norm / norma) if norma > 0 else 1.0
    return [g * factor for g in grads], norma


class _Optimizer:
    """Base común: valida ``params`` y ``grads``, crea el estado y cuenta los pasos."""

    def __init__(self, learning_rate):
        self.learning_rate = _check_real(learning_rate, "learning_rate", 0.0, include_low=False)
        self.iterations = 0  # pasos dados
        self._shapes = None  # formas de los parámetros, fijadas en el primer paso

    def _build(self, params):
        """Crea el estado del optimizador (se llama una sola vez, en el primer paso)."""

    def _update(self, i, param, grad):
        """Actualiza en su lugar el parámetro ``i``; la implementa cada optimizador."""
        raise NotImplementedError

    def step(self, params, grads):
        """Da un paso de optimización: modifica cada arreglo de ``params`` en su lugar.

        Entradas: listas de la misma longitud; ``grads[i]`` tiene la forma de
        ``params[i]``. Salida: ``None``.
        """
        if not isinstance(params, (list, tuple)) or not isinstance(grads, (list, tuple)):
            raise TypeError("`params` y `grads` deben ser listas de arreglos de NumPy.")
        if len(params) != len(grads):
            raise ValueError(f"`params` y `grads` deben tener la misma longitud; tienen {len(params)} y {len(grads)}.")
        for i, p in enumerate(params):
            if not isinstance(p, np.ndarray) or p.dtype.kind != "f":
                raise TypeError(f"`params[{i}]` debe ser un arreglo de NumPy de punto flotante (se modifica en su lugar).")
        grads = [as_array(g, f"grads[{i}]") for i, g in enumerate(grads)]
        for i, (p, g) in enumerate(zip(params, grads)):
            if p.shape != g.shape:
                raise ValueError(f"`grads[{i}]` debe tener la forma de `params[{i}]` {p.shape}; tiene {g.shape}.")

        shapes = [p.shape for p in params]
        if self._shapes is None:
            self._shapes = shapes
            self._build(params)
        elif shapes != self._shapes:
            raise ValueError(
                f"Este optimizador se creó para parámetros con formas {self._shapes}; ahora llegaron {shapes}. "
                "Usa un optimizador nuevo para otro modelo."
            )

        for i, (p, g) in enumerate(zip(params, grads)):
            self._update(i, p, g)
        self.iterations += 1


class SGD(_Optimizer):
    """Descenso de gradiente estocástico, con momento y Nesterov opcionales (como Keras).

    Sin momento: ``p -= lr * g``. Con momento: ``v = momentum * v - lr * g`` y
    ``p += v``; con Nesterov: ``p += momentum * v - lr * g`` (con la ``v`` nueva).

    >>> p = [np.array([1.0])]
    >>> SGD(0.1).step(p, [np.array([2.0])])
    >>> p[0]
    array([0.8])
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False):
        super().__init__(learning_rate)
        self.momentum = _check_real(momentum, "momentum", 0.0, 1.0)
        if not isinstance(nesterov, bool):
            raise TypeError(f"`nesterov` debe ser True o False; llegó {nesterov!r}.")
        self.nesterov = nesterov

    def _build(self, params):
        self.velocities = [np.zeros_like(p) for p in params]

    def _update(self, i, param, grad):
        lr, momentum = keras_float(self.learning_rate), keras_float(self.momentum)
        if self.momentum == 0:
            param -= lr * grad
            return
        v = self.velocities[i]
        v[...] = momentum * v - lr * grad
        if self.nesterov:
            param += momentum * v - lr * grad
        else:
            param += v


class RMSprop(_Optimizer):
    """RMSprop (no centrado), como Keras.

    ``s = rho * s + (1 - rho) * g**2``; ``inc = lr * g / sqrt(s + epsilon)``
    (epsilon DENTRO de la raíz). Sin momento: ``p -= inc``; con momento:
    ``v = momentum * v + inc`` y ``p -= v``.

    >>> p = [np.array([1.0])]
    >>> RMSprop(0.1, rho=0.0, epsilon=0.0).step(p, [np.array([3.0])])
    >>> p[0]
    array([0.9])
    """

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7):
        super().__init__(learning_rate)
        self.rho = _check_real(rho, "rho", 0.0, 1.0)
        self.momentum = _check_real(momentum, "momentum", 0.0, 1.0)
        self.epsilon = _check_real(epsilon, "epsilon", 0.0)

    def _build(self, params):
        self.mean_squares = [np.zeros_like(p) for p in params]
        self.velocities = [np.zeros_like(p) for p in params]

    def _update(self, i, param, grad):
        s = self.mean_squares[i]
        s[...] = self.rho * s + (1 - self.rho) * grad**2
        increment = keras_float(self.learning_rate) * grad / np.sqrt(s + self.epsilon)
        if self.momentum > 0:
            v = self.velocities[i]
            v[...] = self.momentum * v + increment
            param -= v
        else:
            param -= increment


class Adam(_Optimizer):
    """Adam, como Keras.

    ``m += (1 - beta_1) * (g - m)``; ``v += (1 - beta_2) * (g**2 - v)``;
    ``alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)`` y
    ``p -= alpha * m / (sqrt(v) + epsilon)``, con ``t`` el número de paso
    (desde 1). Ojo: epsilon va FUERA de la raíz y sin corrección de sesgo.

    >>> p = [np.array([1.0])]
    >>> Adam(0.1).step(p, [np.array([5.0])])
    >>> p[0].round(5)
    array([0.9])
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        super().__init__(learning_rate)
        self.beta_1 = _check_real(beta_1, "beta_1", 0.0, 1.0)
        self.beta_2 = _check_real(beta_2, "beta_2", 0.0, 1.0)
        self.epsilon = _check_real(epsilon, "epsilon", 0.0)

    def _build(self, params):
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]

    def _update(self, i, param, grad):
        t = self.iterations + 1
        beta_1, beta_2 = keras_float(self.beta_1), keras_float(self.beta_2)  # como en Keras
        alpha = keras_float(self.learning_rate) * np.sqrt(1 - beta_2**t) / (1 - beta_1**t)
        m, v = self.m[i], self.v[i]
        m += (1 - self.beta_1) * (grad - m)
        v += (1 - self.beta_2) * (grad**2 - v)
        param -= alpha * m / (np.sqrt(v) + self.epsilon)
