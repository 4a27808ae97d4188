"""Cargadores de datos sin red: caché de Keras, partición IDX de MNIST y errores claros.

Keras lee ``KERAS_HOME`` al importarse, así que lo que depende del caché corre
en un proceso de Python nuevo con su propio ``KERAS_HOME``.
"""

import gzip
import json
import os
import shutil
import struct
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from utils import data

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "datasets"


def fresh_python(code: str, keras_home, **env):
    """Ejecuta ``code`` en un Python nuevo, sin red simulada y con ``KERAS_HOME`` propio."""
    full = {k: v for k, v in os.environ.items() if k not in ("KERAS_HOME", "MNIST_IDX_DIR")}
    full.update({"KERAS_HOME": str(keras_home), "CURSO_SIN_RED": "1", "PYTHONPATH": str(ROOT),
                 "TF_CPP_MIN_LOG_LEVEL": "3"}, **env)
    return subprocess.run([sys.executable, "-c", code], env=full, capture_output=True, text=True, timeout=300)


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """Sin red, sin carpetas IDX conocidas y con un caché de Keras vacío (en este proceso)."""
    monkeypatch.setenv("CURSO_SIN_RED", "1")
    monkeypatch.delenv("MNIST_IDX_DIR", raising=False)
    monkeypatch.setattr(data, "ROOT", tmp_path / "repo")  # sin ../shared
    monkeypatch.setattr(data, "keras_cache_dir", lambda: tmp_path / "keras" / "datasets")
    return tmp_path


def write_idx(path, arr):
    header = struct.pack(">HBB", 0, 8, arr.ndim) + struct.pack(">" + "I" * arr.ndim, *arr.shape)
    with gzip.open(path, "wb") as fh:
        fh.write(header + arr.astype(np.uint8).tobytes())


@pytest.fixture
def idx_dir(tmp_path):
    folder = tmp_path / "mnist-idx"
    folder.mkdir()
    rng = np.random.default_rng(1)
    write_idx(folder / "t10k-images-idx3-ubyte.gz", rng.integers(0, 256, (50, 28, 28)))
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", rng.integers(0, 10, 50))
    return folder


def test_fashion_mnist_offline_without_cache_fails_fast_in_spanish(tmp_path):
    code = ("import time; from utils import data\nt = time.monotonic()\ntry:\n    data.load_fashion_mnist()\n"
            "except data.DatasetUnavailable as e:\n    print('ERROR', e); print('SEG', time.monotonic() - t)")
    out = fresh_python(code, tmp_path / "vacio")
    assert "ERROR No se pudo cargar Fashion-MNIST: no hay conexión a Internet" in out.stdout, out.stderr
    assert float(out.stdout.split("SEG")[1]) < 5
    assert str(tmp_path) not in out.stdout and "/" not in out.stdout.split("SEG")[0], \
        "el mensaje nombra una carpeta de la máquina"


def test_keras_cache_dir_follows_keras(tmp_path):
    code = "from utils import data; import keras; print(data.keras_cache_dir())"
    out = fresh_python(code, tmp_path / "casa")
    assert out.stdout.strip() == str(tmp_path / "casa" / "datasets"), out.stderr


def test_mnist_offline_without_any_source_fails_fast_in_spanish(offline):
    start = time.monotonic()
    with pytest.raises(data.DatasetUnavailable, match="MNIST_IDX_DIR") as err:
        data.load_mnist()
    assert time.monotonic() - start < 5
    assert str(offline) not in str(err.value) and "/" not in str(err.value), "el mensaje nombra una carpeta"


def test_mnist_falls_back_to_idx_split_reproducibly(offline, idx_dir, capsys, monkeypatch):
    monkeypatch.setenv("MNIST_IDX_DIR", str(idx_dir))
    (x_tr, y_tr), (x_te, y_te) = data.load_mnist(test_fraction=0.2, seed=0)
    assert x_tr.shape == (40, 28, 28) and x_te.shape == (10, 28, 28)
    assert y_tr.shape == (40,) and x_tr.dtype == np.uint8
    mensaje = capsys.readouterr().out
    # Nombra el conjunto, no la carpeta, y agrupa las cifras (aquí hay 50 imágenes).
    assert "MNIST (prueba oficial, 50 imágenes)" in mensaje and "40 de entrenamiento" in mensaje, mensaje
    assert str(idx_dir) not in mensaje and "/" not in mensaje, mensaje
    (x_tr2, _), _ = data.load_mnist(test_fraction=0.2, seed=0, verbose=False)
    assert np.array_equal(x_tr, x_tr2)
    (x_tr3, _), _ = data.load_mnist(test_fraction=0.2, seed=1, verbose=False)
    assert not np.array_equal(x_tr, x_tr3)


def test_explicit_idx_dir_and_corrupt_file(offline, idx_dir):
    (x_tr, _), (x_te, _) = data.load_mnist(idx_dir=idx_dir, verbose=False)
    assert len(x_tr) + len(x_te) == 50
    (idx_dir / "t10k-images-idx3-ubyte.gz").write_bytes(b"esto no es gzip")
    with pytest.raises(ValueError, match="no es un archivo IDX válido") as err:
        data.load_mnist(idx_dir=idx_dir)
    assert str(idx_dir) not in str(err.value)
    with pytest.raises(ValueError, match="entre 0 y 1"):
        data.load_mnist(idx_dir=idx_dir, test_fraction=1.5)


def test_network_probe_is_bounded(monkeypatch):
    """Aunque la conexión se cuelgue, la sonda responde en ~timeout (sin tocar la red)."""
    monkeypatch.delenv("CURSO_SIN_RED", raising=False)

    def hang(*args, **kwargs):
        time.sleep(5)
        raise OSError("conexión colgada")

    monkeypatch.setattr(data.socket, "create_connection", hang)
    start = time.monotonic()
    assert data.network_available(timeout=1.0) is False
    assert time.monotonic() - start < 3


@pytest.mark.skipif(not (SHARED / "keras" / "fashion-mnist").is_dir(), reason="sin ../shared/datasets")
def test_fashion_mnist_from_seeded_cache(tmp_path):
    """Con el caché sembrado, keras.datasets.fashion_mnist funciona sin red, sin cambios."""
    shutil.copytree(SHARED / "keras", tmp_path / "datasets")
    code = ("import json, keras; from utils import data\n(a, b), (c, d) = data.load_fashion_mnist()\n"
            "(e, _), _ = keras.datasets.fashion_mnist.load_data()\n"
            "print(json.dumps([a.shape, c.shape, sorted(set(d.tolist())), e.shape]))")
    out = fresh_python(code, tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    shapes = json.loads(out.stdout.strip().splitlines()[-1])
    assert shapes == [[60000, 28, 28], [10000, 28, 28], list(range(10)), [60000, 28, 28]]


@pytest.mark.skipif(not (SHARED / "mnist-idx").is_dir(), reason="sin ../shared/datasets")
def test_real_mnist_test_split(offline, capsys):
    (x_tr, y_tr), (x_te, y_te) = data.load_mnist(idx_dir=SHARED / "mnist-idx")
    assert x_tr.shape == (8000, 28, 28) and x_te.shape == (2000, 28, 28)
    assert x_tr.max() == 255 and set(np.unique(y_tr)) == set(range(10))
    mensaje = capsys.readouterr().out
    assert "MNIST (prueba oficial, 10\u00a0000 imágenes)" in mensaje, mensaje
    assert "8\u00a0000 de entrenamiento y 2\u00a0000 de prueba" in mensaje, mensaje
    assert str(SHARED) not in mensaje


def test_dataset_available_offline(offline, idx_dir, monkeypatch):
    """Sin red, solo está lo que hay en el caché (o, para MNIST, la partición IDX)."""
    cache = offline / "keras" / "datasets"
    for name in data.DATASETS:
        assert data.dataset_available(name) is False, name
    monkeypatch.setenv("MNIST_IDX_DIR", str(idx_dir))
    assert data.dataset_available("mnist") is True
    assert data.dataset_available("cifar10") is False
    lote = cache / "cifar-10-batches-py-target" / "cifar-10-batches-py" / "test_batch"
    lote.parent.mkdir(parents=True)
    lote.write_bytes(b"x")
    assert data.dataset_available("cifar10") is True and data.dataset_available("CIFAR-10") is True
    pesos = offline / "keras" / "models" / "vgg16_weights_tf_dim_ordering_tf_kernels.h5"
    pesos.parent.mkdir(parents=True)
    pesos.write_bytes(b"x")
    assert data.dataset_available("vgg16_imagenet") and not data.dataset_available("vgg16_imagenet_notop")
    with pytest.raises(ValueError, match="Conjunto desconocido"):
        data.dataset_available("imagenet21k")


def test_dataset_available_with_network(offline, monkeypatch):
    monkeypatch.setattr(data, "network_available", lambda *a, **k: True)
    assert data.dataset_available("cifar10") is True
    assert data.dataset_available("cifar10", network=False) is False


def test_load_co2_weekly_has_no_gaps(capsys):
    serie = data.load_co2_weekly()
    assert serie.shape == (2284,) and not serie.isna().any()
    assert serie.index[0].year == 1958 and serie.index[-1].year == 2001
    assert 310 < serie.min() and serie.max() < 380
    mensaje = capsys.readouterr().out
    assert "interpolación" in mensaje and "59" in mensaje and serie.attrs["faltantes"] == 59
    assert "2\u00a0284 semanas" in mensaje, mensaje
    # Una semana que faltaba queda entre sus vecinas (interpolación lineal).
    from statsmodels.datasets import co2

    crudo = co2.load_pandas().data["co2"]
    i = int(np.flatnonzero(crudo.isna().to_numpy())[5])
    assert min(serie.iloc[i - 1], serie.iloc[i + 1]) - 1e-9 <= serie.iloc[i] <= max(serie.iloc[i - 1], serie.iloc[i + 1]) + 1e-9
    assert data.load_co2_weekly(verbose=False).equals(serie)


def test_quijote_ships_with_the_course():
    """El texto del capítulo 14 viene en utils/textos: sin red, párrafos en una línea."""
    from utils.data import load_quijote

    texto = load_quijote()
    assert texto.startswith("Capítulo primero. Que trata de la condición")
    assert 90_000 < len(texto) < 110_000 and 60 < len(set(texto)) < 90
    assert "\n\n" not in texto and "  " not in texto
    assert "Capítulo VIII" in texto and "Capítulo IX" not in texto


def test_quijote_missing_file_fails_in_spanish(monkeypatch, tmp_path):
    from utils import data

    monkeypatch.setattr(data, "QUIJOTE", tmp_path / "no_esta.txt")
    with pytest.raises(data.DatasetUnavailable, match="Quijote"):
        data.load_quijote()
