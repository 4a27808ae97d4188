"""Configuración común de las pruebas: silencia TensorFlow antes de importarlo."""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
os.environ.setdefault("MPLBACKEND", "Agg")

import pytest


@pytest.fixture(scope="session")
def tf():
    """TensorFlow, importado solo por las pruebas que lo piden."""
    import tensorflow as tf

    return tf


@pytest.fixture(scope="session")
def keras():
    """Keras 3, importado solo por las pruebas que lo piden."""
    import keras

    return keras
