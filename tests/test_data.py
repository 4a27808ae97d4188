"""Cargadores de datos sin red: caché de Keras, partición IDX de MNIST y errores claros."""

import gzip
import os
import shutil
import struct
import time
from pathlib import Path

import numpy as np
import pytest

from utils import data


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """Sin red y con un caché de Keras vacío."""
    monkeypatch.setenv("CURSO_SIN_RED", "1")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    monkeypatch.delenv("MNIST_IDX_DIR", raising=False)
    monkeypatch.setattr(data, "ROOT", tmp_path / "repo")  # sin ../shared
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


def test_fashion_mnist_offline_without_cache_fails_fast_in_spanish(offline):
    start = time.monotonic()
    with pytest.raises(data.DatasetUnavailable, match="no hay conexión a Internet"):
        data.load_fashion_mnist()
    assert time.monotonic() - start < 5


def test_mnist_offline_without_any_source_fails_fast_in_spanish(offline):
    start = time.monotonic()
    with pytest.raises(data.DatasetUnavailable, match="MNIST_IDX_DIR"):
        data.load_mnist()
    assert time.monotonic() - start < 5


def test_mnist_falls_back_to_idx_split_reproducibly(offline, idx_dir, capsys, monkeypatch):
    monkeypatch.setenv("MNIST_IDX_DIR", str(idx_dir))
    (x_tr, y_tr), (x_te, y_te) = data.load_mnist(test_fraction=0.2, seed=0)
    assert x_tr.shape == (40, 28, 28) and x_te.shape == (10, 28, 28)
    assert y_tr.shape == (40,) and x_tr.dtype == np.uint8
    assert "partición oficial de prueba" in capsys.readouterr().out
    (x_tr2, _), _ = data.load_mnist(test_fraction=0.2, seed=0, verbose=False)
    assert np.array_equal(x_tr, x_tr2)
    (x_tr3, _), _ = data.load_mnist(test_fraction=0.2, seed=1, verbose=False)
    assert not np.array_equal(x_tr, x_tr3)


def test_explicit_idx_dir_and_corrupt_file(offline, idx_dir):
    (x_tr, _), (x_te, _) = data.load_mnist(idx_dir=idx_dir, verbose=False)
    assert len(x_tr) + len(x_te) == 50
    (idx_dir / "t10k-images-idx3-ubyte.gz").write_bytes(b"esto no es gzip")
    with pytest.raises(ValueError, match="no es un archivo IDX válido"):
        data.load_mnist(idx_dir=idx_dir)
    with pytest.raises(ValueError, match="entre 0 y 1"):
        data.load_mnist(idx_dir=idx_dir, test_fraction=1.5)


def test_network_probe_is_bounded(monkeypatch):
    """Aunque la conexión se cuelgue, la sonda responde en ~timeout (sin tocar la red)."""
    monkeypatch.delenv("CURSO_SIN_RED", raising=False)

    def hang(*args, **kwargs):
        time.sleep(10)

    monkeypatch.setattr(data.socket, "create_connection", hang)
    start = time.monotonic()
    assert data.network_available(timeout=1.0) is False
    assert time.monotonic() - start < 3


SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets"


@pytest.mark.skipif(not (SHARED / "keras" / "fashion-mnist").is_dir(), reason="sin ../shared/datasets")
def test_fashion_mnist_from_seeded_cache(monkeypatch, tmp_path):
    monkeypatch.setenv("CURSO_SIN_RED", "1")
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    shutil.copytree(SHARED / "keras", tmp_path / "datasets")
    (x_tr, y_tr), (x_te, y_te) = data.load_fashion_mnist()
    assert x_tr.shape == (60000, 28, 28) and x_te.shape == (10000, 28, 28)
    assert set(np.unique(y_te)) == set(range(10))


@pytest.mark.skipif(not (SHARED / "mnist-idx").is_dir(), reason="sin ../shared/datasets")
def test_real_mnist_test_split(offline):
    (x_tr, y_tr), (x_te, y_te) = data.load_mnist(idx_dir=SHARED / "mnist-idx", verbose=False)
    assert x_tr.shape == (8000, 28, 28) and x_te.shape == (2000, 28, 28)
    assert x_tr.max() == 255 and set(np.unique(y_tr)) == set(range(10))
