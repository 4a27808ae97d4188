"""Carga de datos que funciona con y sin conexión a Internet.

- :func:`load_fashion_mnist` usa ``keras.datasets.fashion_mnist`` tal cual: lee
  el caché de Keras (``$KERAS_HOME/datasets/fashion-mnist``) y, si falta,
  lo descarga; sin red falla en segundos con un mensaje en español.
- :func:`load_mnist` devuelve el MNIST de Keras cuando puede; si no hay red ni
  caché, usa la partición oficial de prueba de MNIST (10 000 imágenes en formato
  IDX) de una carpeta local y la divide de forma reproducible en
  entrenamiento y prueba, avisándolo.
- :func:`dataset_available` dice, sin cargar nada, si un conjunto (o unos pesos
  preentrenados) se puede usar aquí: así una celda que lo necesita muestra
  ``utils.book.offline_note`` en lugar de una traza.

Los mensajes nombran el conjunto de datos («MNIST (prueba oficial, 10 000
imágenes)»), nunca una carpeta de la máquina, y agrupan las cifras con
:func:`utils.book.number`. La variable de entorno ``CURSO_SIN_RED=1``
simula la falta de red (útil en pruebas).
"""

from __future__ import annotations

import gzip
import os
import socket
import struct
import sys
import threading
from pathlib import Path

import numpy as np

from utils.book import number as group_digits  # utils.book: el sandbox del calificador lo permite

ROOT = Path(__file__).resolve().parent.parent
FASHION_FILES = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                 "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]
# Nombres en español de las 10 clases de Fashion-MNIST, en el orden de sus etiquetas 0–9.
FASHION_CLASSES_ES = ["camiseta", "pantalón", "suéter", "vestido", "abrigo",
                      "sandalia", "camisa", "zapatilla", "bolso", "botín"]


class DatasetUnavailable(RuntimeError):
    """No se pudo obtener un conjunto de datos (sin red y sin copia local)."""


def keras_cache_dir() -> Path:
    """Carpeta de datos de Keras: ``$KERAS_HOME/datasets`` o ``~/.keras/datasets``.

    Keras lee ``KERAS_HOME`` una sola vez, al importarse; si ya está importado,
    se usa la carpeta que él usará de verdad.
    """
    config = sys.modules.get("keras.src.backend.config")
    if config is not None and hasattr(config, "keras_home"):
        return Path(config.keras_home()) / "datasets"
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets"


def network_available(host: str = "storage.googleapis.com", port: int = 443, timeout: float = 3.0) -> bool:
    """``True`` si se puede abrir una conexión a ``host`` en menos de ``timeout`` segundos.

    La resolución DNS también queda acotada por ``timeout`` (corre en un hilo
    aparte), así que nunca se cuelga.
    """
    if os.environ.get("CURSO_SIN_RED"):
        return False
    ok = []

    def probe():
        try:
            with socket.create_connection((host, port), timeout=timeout):
                ok.append(True)
        except OSError:
            pass

    t = threading.Thread(target=probe, daemon=True)
    t.start()
    t.join(timeout + 0.5)
    return bool(ok)


def _no_network_message(name: str, extra: str = "") -> str:
    # Nombra el conjunto, no la carpeta: el mensaje puede acabar en una página publicada.
    return (f"No se pudo cargar {name}: no hay conexión a Internet y no está en el caché de datos "
            f"de Keras. Ejecuta el cuaderno en Colab o con conexión a Internet (se descarga una "
            f"sola vez).{extra}")


# Qué archivo del caché de Keras prueba que un conjunto (o unos pesos) ya está descargado,
# relativo a ``$KERAS_HOME``, y con qué nombre se lo nombra en los mensajes.
_CACHED = {
    "mnist": ("datasets/mnist.npz", "MNIST"),
    "fashion_mnist": ("datasets/fashion-mnist/" + FASHION_FILES[-1], "Fashion-MNIST"),
    "cifar10": ("datasets/cifar-10-batches-py-target/cifar-10-batches-py/test_batch", "CIFAR-10"),
    "cifar100": ("datasets/cifar-100-python-target/cifar-100-python/test", "CIFAR-100"),
    "vgg16_imagenet": ("models/vgg16_weights_tf_dim_ordering_tf_kernels.h5",
                       "los pesos de VGG-16 entrenados en ImageNet"),
    "vgg16_imagenet_notop": ("models/vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
                             "los pesos de VGG-16 (sin cabeza) entrenados en ImageNet"),
}
DATASETS = tuple(_CACHED)


def dataset_available(name: str, network: bool = True) -> bool:
    """``True`` si el conjunto ``name`` se puede cargar aquí: está en el caché o hay red.

    ``name`` es uno de :data:`DATASETS` (``"mnist"``, ``"fashion_mnist"``,
    ``"cifar10"``, ``"cifar100"``, ``"vgg16_imagenet"``, ``"vgg16_imagenet_notop"``).
    Para ``"mnist"`` también cuenta la partición de prueba en formato IDX (ver
    :func:`load_mnist`). Con ``network=False`` no se prueba la red. No descarga nada.

    >>> from utils.book import offline_note
    >>> if not dataset_available("cifar10"):                      # doctest: +SKIP
    ...     offline_note("entrena ResNet-20 en CIFAR-10")
    """
    claves = {k.replace("_", ""): k for k in _CACHED}  # «CIFAR-10», «cifar10», «fashion-mnist»…
    key = claves.get(str(name).lower().replace("-", "").replace("_", "").replace(" ", ""))
    if key is None:
        raise ValueError(f"Conjunto desconocido: {name!r}. Los conocidos son: {', '.join(DATASETS)}.")
    home = keras_cache_dir().parent
    if (home / _CACHED[key][0]).is_file():
        return True
    if key == "mnist" and _find_mnist_idx() is not None:
        return True
    return network and network_available()


def load_fashion_mnist():
    """Fashion-MNIST de Keras: ``(x_train, y_train), (x_test, y_test)``.

    Formas: ``(60000, 28, 28)`` y ``(10000, 28, 28)`` en ``uint8``; etiquetas 0–9.
    Sin red y sin caché lanza :class:`DatasetUnavailable` en pocos segundos.
    """
    folder = keras_cache_dir() / "fashion-mnist"
    if not all((folder / f).is_file() for f in FASHION_FILES) and not network_available():
        raise DatasetUnavailable(_no_network_message("Fashion-MNIST"))
    import keras

    return keras.datasets.fashion_mnist.load_data()


def read_idx(path) -> np.ndarray:
    """Lee un archivo IDX (el formato de MNIST), comprimido con gzip o no.

    >>> read_idx("t10k-labels-idx1-ubyte.gz").shape  # doctest: +SKIP
    (10000,)
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as fh:
            data = fh.read()
        zero, dtype_code, ndim = struct.unpack(">HBB", data[:4])
        if zero != 0 or dtype_code != 0x08:
            raise ValueError
        shape = struct.unpack(">" + "I" * ndim, data[4:4 + 4 * ndim])
        arr = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
        return arr.reshape(shape).copy()
    except FileNotFoundError:
        raise
    except (OSError, ValueError, struct.error, EOFError):
        raise ValueError(f"{path.name} no es un archivo IDX válido de MNIST (¿está dañado o incompleto?).") from None


def mnist_idx_candidates() -> list[Path]:
    """Carpetas donde se busca la partición de prueba de MNIST en formato IDX."""
    out = []
    if os.environ.get("MNIST_IDX_DIR"):
        out.append(Path(os.environ["MNIST_IDX_DIR"]))
    out += [keras_cache_dir() / "mnist-idx", ROOT.parent / "shared" / "datasets" / "mnist-idx"]
    return out


MNIST_IDX_FILES = ("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")


def _find_mnist_idx(candidates=None):
    """Primera carpeta de ``candidates`` con los dos archivos IDX de prueba de MNIST, o ``None``."""
    for folder in candidates if candidates is not None else mnist_idx_candidates():
        if all((Path(folder) / f).is_file() for f in MNIST_IDX_FILES):
            return Path(folder)
    return None


def load_mnist(idx_dir=None, test_fraction: float = 0.2, seed: int = 0, verbose: bool = True):
    """MNIST como ``(x_train, y_train), (x_test, y_test)`` con imágenes ``uint8`` de 28×28.

    1. Si Keras tiene ``mnist.npz`` en su caché o hay red: ``keras.datasets.mnist``
       (60 000 + 10 000 imágenes).
    2. Si no: la partición oficial de prueba (10 000 imágenes) leída de ``idx_dir``
       (o de ``$MNIST_IDX_DIR``, ``$KERAS_HOME/datasets/mnist-idx`` o
       ``../shared/datasets/mnist-idx``), dividida con la semilla ``seed`` en
       entrenamiento y prueba (``test_fraction``). Lo anuncia en español.
    3. Si tampoco: :class:`DatasetUnavailable` con instrucciones.
    """
    if not 0 < test_fraction < 1:
        raise ValueError(f"`test_fraction` debe estar entre 0 y 1; llegó {test_fraction}.")
    if idx_dir is None and ((keras_cache_dir() / "mnist.npz").is_file() or network_available()):
        import keras

        return keras.datasets.mnist.load_data()
    folder = _find_mnist_idx([Path(idx_dir)] if idx_dir is not None else None)
    if folder is not None:
        x, y = read_idx(folder / MNIST_IDX_FILES[0]), read_idx(folder / MNIST_IDX_FILES[1])
        if x.shape[0] != y.shape[0] or x.shape[1:] != (28, 28):
            raise ValueError(f"Los archivos IDX de prueba de MNIST no concuerdan: imágenes {x.shape}, "
                             f"etiquetas {y.shape}.")
        order = np.random.default_rng(seed).permutation(len(y))
        n_test = int(round(len(y) * test_fraction))
        tr, te = order[n_test:], order[:n_test]
        if verbose:
            print(f"Sin acceso al MNIST completo de Keras: se usa MNIST (prueba oficial, "
                  f"{group_digits(len(y))} imágenes), dividida con la semilla {seed} en "
                  f"{group_digits(len(tr))} de entrenamiento y {group_digits(len(te))} de prueba.")
        return (x[tr], y[tr]), (x[te], y[te])
    raise DatasetUnavailable(_no_network_message(
        "MNIST", " Sin Internet también sirve la partición oficial de prueba de MNIST "
        "(t10k-images-idx3-ubyte.gz y t10k-labels-idx1-ubyte.gz) en la carpeta que indique "
        "la variable MNIST_IDX_DIR."))


def load_co2_weekly(verbose: bool = True):
    """CO₂ atmosférico semanal de Mauna Loa (ppm), de ``statsmodels``, sin huecos.

    La serie trae semanas sin medición (``NaN``); aquí se rellenan por
    interpolación lineal entre las semanas vecinas, que conserva la tendencia
    y el ciclo anual. Devuelve una ``pandas.Series`` con índice semanal
    (2284 semanas, de marzo de 1958 a diciembre de 2001); cuántas semanas se
    rellenaron queda en ``serie.attrs["faltantes"]``. El conjunto viene dentro
    de ``statsmodels``: no necesita Internet.

    >>> co2 = load_co2_weekly(verbose=False)  # doctest: +SKIP
    >>> co2.shape, int(co2.isna().sum())       # doctest: +SKIP
    ((2284,), 0)
    """
    try:
        from statsmodels.datasets import co2
    except ImportError:
        raise DatasetUnavailable(
            "Para la serie de CO₂ hace falta el paquete statsmodels (viene instalado en Colab; "
            "en local: pip install statsmodels).") from None
    raw = co2.load_pandas().data["co2"].astype(float)
    missing = int(raw.isna().sum())
    series = raw.interpolate(method="linear", limit_direction="both")
    series.name = "co2"
    series.attrs["faltantes"] = missing      # cuántas semanas se rellenaron
    if verbose:
        print(f"CO₂ de Mauna Loa: {group_digits(len(series))} semanas ({series.index[0]:%Y-%m-%d} a "
              f"{series.index[-1]:%Y-%m-%d}); {group_digits(missing)} semanas sin medición rellenadas "
              f"por interpolación lineal.")
    return series


QUIJOTE = Path(__file__).resolve().parent / "textos" / "quijote_1-8.txt"


def load_quijote() -> str:
    """Capítulos I a VIII del *Quijote* (Cervantes, 1605; dominio público), como un solo texto.

    Viene con el curso (``utils/textos``): no necesita Internet. Las líneas de cada
    párrafo se unen con un espacio y los párrafos quedan separados por ``"\\n"``, así
    que el texto tiene unos 98 000 caracteres de un alfabeto de unas 70 letras,
    signos y cifras.

    >>> texto = load_quijote()
    >>> texto[:46]
    'Capítulo primero. Que trata de la condición y '
    """
    import re

    try:
        raw = QUIJOTE.read_text(encoding="utf-8")
    except OSError:
        raise DatasetUnavailable(f"No se encontró el texto del Quijote en {QUIJOTE.name}: "
                                 "vuelve a descargar la carpeta utils del curso.") from None
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", raw)]
    return "\n".join(p for p in paragraphs if p)
