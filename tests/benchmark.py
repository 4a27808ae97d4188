"""Mide cuánto tardan nuestras versiones en NumPy frente a TensorFlow/Keras.

Uso (desde la raíz del repositorio)::

    .venv/bin/python tests/benchmark.py

No es una prueba de pytest (el nombre no empieza por ``test_``). Imprime la
mediana de varias repeticiones para:

* convolución con bucles, vectorizada (im2col) y ``tf.nn.conv2d``;
* LSTM hacia adelante en NumPy frente a ``keras.layers.LSTM``.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
import timeit
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
import keras  # noqa: E402

from utils.conv import conv2d_nhwc, conv2d_nhwc_loop  # noqa: E402
from utils.rnn import lstm_forward  # noqa: E402

RNG = np.random.default_rng(0)


def median_time(fn, repeats=7, number=1):
    """Mediana (en segundos) de ``repeats`` mediciones de ``number`` llamadas a ``fn``."""
    fn()  # calentamiento: la primera llamada de TF compila y reserva memoria
    times = timeit.repeat(fn, number=number, repeat=repeats)
    return statistics.median(times) / number


def fmt(seconds):
    """Tiempo legible: µs, ms o s."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:8.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:8.2f} ms"
    return f"{seconds:8.2f} s "


def bench_conv(title, x_shape, w_shape, loop_batch):
    """Compara las tres convoluciones para un lote ``x_shape`` y filtros ``w_shape``."""
    x = RNG.normal(size=x_shape)
    w = RNG.normal(size=w_shape)
    b = RNG.normal(size=w_shape[3])
    x32, w32, b32 = x.astype(np.float32), w.astype(np.float32), b.astype(np.float32)

    # Primero comprobamos que todas den lo mismo.
    ours = conv2d_nhwc(x, w, b, padding="same")
    ref = tf.nn.conv2d(x, w, 1, "SAME").numpy() + b
    err = np.abs(ours - ref).max()
    err_loop = np.abs(conv2d_nhwc_loop(x[:1], w, b, padding="same") - ours[:1]).max()

    # La versión con bucles es muy lenta: se mide con `loop_batch` ejemplos y se extrapola.
    t0 = time.perf_counter()
    conv2d_nhwc_loop(x[:loop_batch], w, b, padding="same")
    t_loop = (time.perf_counter() - t0) * x_shape[0] / loop_batch

    t_np = median_time(lambda: conv2d_nhwc(x, w, b, padding="same"))
    t_tf64 = median_time(lambda: tf.nn.conv2d(x, w, 1, "SAME") + b)
    t_tf32 = median_time(lambda: tf.nn.conv2d(x32, w32, 1, "SAME") + b32)

    print(f"\n{title}")
    print(f"  entrada {x_shape} (NHWC), filtros {w_shape} (HWIO), stride 1, padding 'same'")
    print(f"  error máximo frente a TF: vectorizada {err:.1e}, bucles {err_loop:.1e}")
    print(f"  {'versión':<50}{'mediana':>12}{'× TF float32':>15}{'× TF float64':>15}")
    rows = [
        ("NumPy con bucles, float64 (extrapolado, ver nota)", t_loop),
        ("NumPy vectorizada (im2col + 1 matmul), float64", t_np),
        ("tf.nn.conv2d, float64", t_tf64),
        ("tf.nn.conv2d, float32", t_tf32),
    ]
    for name, t in rows:
        print(f"  {name:<50}{fmt(t):>12}{t / t_tf32:>14.1f}×{t / t_tf64:>14.1f}×")
    print(f"  nota: los bucles se midieron con {loop_batch} de los {x_shape[0]} ejemplos del lote "
          f"y el tiempo se multiplicó por {x_shape[0] // loop_batch}.")
    print(f"  → la vectorizada es {t_loop / t_np:,.0f} veces más rápida que los bucles "
          f"y tarda {t_np / t_tf32:.1f}× lo que TF en float32 ({t_np / t_tf64:.1f}× en float64).")


def bench_lstm(batch=32, time_steps=50, features=32, units=64):
    """Compara ``lstm_forward`` con ``keras.layers.LSTM(return_sequences=True)``."""
    layer = keras.layers.LSTM(units, return_sequences=True)
    layer.build((None, time_steps, features))
    kernel, recurrent_kernel, bias = layer.get_weights()
    x = RNG.normal(size=(batch, time_steps, features)).astype(np.float32)

    err = np.abs(lstm_forward(x, kernel, recurrent_kernel, bias)[0] - np.asarray(layer(x))).max()
    t_np = median_time(lambda: lstm_forward(x, kernel, recurrent_kernel, bias))
    t_keras = median_time(lambda: layer(x))
    compiled = tf.function(lambda inputs: layer(inputs), jit_compile=False)
    t_graph = median_time(lambda: compiled(x))

    print(f"\nLSTM hacia adelante: batch {batch}, {time_steps} pasos, {features} características, {units} unidades")
    print(f"  error máximo frente a Keras: {err:.1e}")
    print(f"  {'versión':<50}{'mediana':>12}{'× Keras':>15}")
    for name, t in [("NumPy lstm_forward, float64", t_np),
                    ("keras.layers.LSTM, modo eager, float32", t_keras),
                    ("keras.layers.LSTM en tf.function, float32", t_graph)]:
        print(f"  {name:<50}{fmt(t):>12}{t / t_keras:>14.2f}×")


def main():
    start = time.perf_counter()
    print("Comparación de tiempos: NumPy frente a TensorFlow/Keras (solo CPU)")
    print(f"  máquina: {platform.machine()}, {os.cpu_count()} núcleos; "
          f"NumPy {np.__version__}, TensorFlow {tf.__version__}, Keras {keras.__version__}")
    print("  cada tiempo es la mediana de 7 repeticiones tras una de calentamiento")
    bench_conv("(a) Lote tipo MNIST: 64×28×28×1 con 32 filtros 3×3", (64, 28, 28, 1), (3, 3, 1, 32), loop_batch=1)
    bench_conv("(b) Lote tipo CIFAR: 32×32×32×3 con 64 filtros 3×3", (32, 32, 32, 3), (3, 3, 3, 64), loop_batch=1)
    bench_lstm()
    print(f"\nTiempo total del benchmark: {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
