"""Qué acelerador tiene el entorno y a qué escala conviene entrenar."""

from __future__ import annotations

import shutil
import subprocess


def gpu_name() -> str | None:
    """Nombre de la GPU de NVIDIA visible, o ``None`` si no hay ninguna.

    No importa TensorFlow: consulta ``nvidia-smi``, que Colab trae en los
    entornos con GPU.

    >>> gpu_name() is None or isinstance(gpu_name(), str)
    True
    """
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return None
    try:
        out = subprocess.run([exe, "--query-gpu=name", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    names = [line.strip() for line in out.stdout.splitlines() if line.strip()]
    return names[0] if out.returncode == 0 and names else None


def describe_device() -> str:
    """Frase en español que dice en qué dispositivo se ejecutará el cuaderno.

    >>> describe_device().startswith("Dispositivo:")
    True
    """
    name = gpu_name()
    if name:
        return f"Dispositivo: GPU ({name}). Los entrenamientos usarán la escala GPU."
    return ("Dispositivo: CPU (no se encontró una GPU). Los entrenamientos usarán la escala CPU, "
            "más pequeña. En Colab puedes activar una GPU en «Entorno de ejecución → "
            "Cambiar tipo de entorno de ejecución → GPU».")


def report_device() -> None:
    """Imprime :func:`describe_device`."""
    print(describe_device())


def has_gpu() -> bool:
    """``True`` si hay una GPU de NVIDIA disponible."""
    return gpu_name() is not None


def pick_scale(cpu: dict, gpu: dict) -> dict:
    """Elige la configuración de entrenamiento según el dispositivo y la anuncia.

    Parámetros
    ----------
    cpu, gpu : dict
        Configuraciones (por ejemplo ``{"epochs": 3, "n_train": 5000}``).

    Devuelve el diccionario elegido con la clave ``"scale"`` (``"CPU"`` o ``"GPU"``).

    >>> cfg = pick_scale({"epochs": 2}, {"epochs": 20})  # doctest: +ELLIPSIS
    Escala ...: epochs=...
    >>> cfg["scale"] in ("CPU", "GPU")
    True
    """
    if not isinstance(cpu, dict) or not isinstance(gpu, dict):
        raise TypeError("`cpu` y `gpu` deben ser diccionarios con la configuración de cada escala.")
    scale = "GPU" if has_gpu() else "CPU"
    chosen = dict(gpu if scale == "GPU" else cpu)
    chosen["scale"] = scale
    from utils.book import number

    def _valor(v):  # enteros con la convención del libro: n_train=5 000
        return number(v) if isinstance(v, int) and not isinstance(v, bool) else v

    detalles = ", ".join(f"{k}={_valor(v)}" for k, v in chosen.items() if k != "scale")
    print(f"Escala {scale}: {detalles}")
    return chosen
