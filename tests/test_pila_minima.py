"""Los cuadernos con la pila MÁS ANTIGUA que el curso admite (la de Colab, mediados de 2025).

En Colab los cuadernos no reinstalan TensorFlow: corren con lo que Colab trae, que
va meses detrás de ``requirements.txt``. ``.ci/run`` crea ``.venv-minimo`` con
``requirements-minimo.txt`` (TensorFlow 2.19, Keras 3.10, NumPy 2.0, ipywidgets 7…,
sin myst-nb, como en Colab) y esta prueba ejecuta allí, con nbval, todos los
laboratorios y los capítulos que caben en el presupuesto de la CI.
Fuera de la CI, sin ``.venv-minimo``, se omite (``make pila-minima`` lo crea).
"""

import os
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv-minimo" / "bin" / "python"
# Capítulos rápidos (≤ ~30 s cada uno en 2 núcleos): cubren NumPy puro, widgets,
# Keras denso y recurrente. Los laboratorios van todos.
CAPITULOS = ["01_neurona", "02_retropropagacion", "03_perceptron_multicapa", "06_como_ven",
             "07_aritmetica_convoluciones", "13_redes_recurrentes"]


def _versiones_minimas() -> dict[str, str]:
    pins = {}
    for linea in (ROOT / "requirements-minimo.txt").read_text().splitlines():
        if "==" in linea and not linea.startswith("#"):
            nombre, version = linea.strip().split("==")
            pins[nombre] = version
    return pins


@pytest.fixture(scope="module")
def python_minimo():
    if not PYTHON.exists():
        if os.environ.get("CI"):
            pytest.fail(".venv-minimo no existe: .ci/run debe crearlo (make pila-minima)")
        pytest.skip("sin .venv-minimo (créalo con `make pila-minima`)")
    return str(PYTHON)


def test_el_entorno_tiene_la_pila_minima(python_minimo):
    """La prueba no es vacía: el entorno tiene de verdad las versiones antiguas y no tiene myst-nb."""
    codigo = ("import importlib.metadata as m, json; print(json.dumps({p: m.version(p) for p in "
              "['tensorflow-cpu', 'keras', 'numpy', 'ipywidgets', 'scikit-learn', 'matplotlib']}))")
    salida = subprocess.run([python_minimo, "-c", codigo], capture_output=True, text=True, check=True).stdout
    import json

    instaladas = json.loads(salida)
    for nombre, version in instaladas.items():
        assert version == _versiones_minimas()[nombre], f"{nombre} {version} no es la versión mínima"
    sin_myst = subprocess.run([python_minimo, "-c", "import myst_nb"], capture_output=True)
    assert sin_myst.returncode != 0, "myst-nb no está en Colab: tampoco debe estar en .venv-minimo"


def _cuadernos():
    labs = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "labs").glob("lab*.ipynb"))
    caps = [f"chapters/{c}.ipynb" for c in CAPITULOS if (ROOT / "chapters" / f"{c}.ipynb").exists()]
    return labs + caps


@pytest.mark.parametrize("cuaderno", _cuadernos())
def test_cuaderno_con_la_pila_minima(python_minimo, cuaderno):
    inicio = time.monotonic()
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run(
        [python_minimo, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=", "--nbval-lax",
         "--nbval-cell-timeout=300", cuaderno],
        cwd=ROOT, env=env, capture_output=True, text=True)
    print(f"{cuaderno}: {time.monotonic() - inicio:.1f} s con la pila mínima")
    assert proc.returncode == 0, f"{cuaderno} falla con la pila mínima:\n" + proc.stdout[-5000:] + proc.stderr[-2000:]
