"""Entregas escritas para hacer trampa o daño, calificadas en UN lote (``--trabajos 2``).

Cada entrega parte del laboratorio 1 y se corta tras la comprobación que ataca,
para que el lote sea barato. Los ataques que «ganarían» algo si funcionaran
definen la función correcta solo cuando el ataque tiene éxito: así, un punto
indebido en la tabla es la prueba de que el ataque pasó. Además hay dos
soluciones correctas escritas de otro modo, que deben sacar todos los puntos
sin ningún aviso.
"""

import copy
import csv
import hashlib
import json
import os
import socket
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import pytest

from utils import grade, notebooks

ROOT = notebooks.ROOT
LAB = "lab01_regresion_logistica"
pytestmark = pytest.mark.skipif(LAB not in grade.source_labs(), reason="falta el laboratorio 1")
NONCE = uuid.uuid4().hex[:10]
CORRECT_SIGMOID = "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))"
WRONG = "return 1 / (1 + np.exp(z))"


def _source():
    return notebooks.load(grade.source_labs()[LAB])


def _index(nb, key, value):
    return next(i for i, c in enumerate(nb["cells"]) if c.get("metadata", {}).get("curso", {}).get(key) == value)


def truncate(nb, exercise):
    """Corta el cuaderno justo después de la comprobación de ``exercise``."""
    nb["cells"] = nb["cells"][: _index(nb, "comprueba", exercise) + 1]
    return nb


def solve(nb, exercise, code, extra=""):
    """Cambia la solución de ``exercise`` por ``code`` y añade ``extra`` al final de su celda."""
    i = _index(nb, "ejercicio", exercise)
    src = notebooks.replace_solutions(notebooks._source(nb["cells"][i]), code)
    nb["cells"][i]["source"] = src + ("\n" + extra if extra else "")
    return nb


def attack(extra, exercise="sigmoid"):
    """Lab 1 cortado tras ``exercise``, con su respuesta incorrecta típica y ``extra`` en su celda."""
    nb = _source()
    wrong = nb["cells"][_index(nb, "ejercicio", exercise)]["metadata"]["curso"]["incorrecta"]
    return truncate(solve(nb, exercise, wrong, extra), exercise)


ALTERNATIVES = [
    {
        "sigmoid": "return np.exp(-np.logaddexp(0.0, -z))",
        "compute_cost": "a = np.minimum(np.maximum(a, 1e-7), 1 - 1e-7)\nm = len(y)\n"
                        "return float(-(y @ np.log(a) + (1 - y) @ np.log(1 - a)) / m)",
        "compute_gradients": "err = a - y\nreturn np.dot(err, X) / len(y), err.sum() / len(y)",
        "train": "n = X.shape[1]\nw, b = np.zeros(n), 0.0\nhistory = []\nfor it in range(n_iters):\n"
                 "    pred = sigmoid(np.dot(X, w) + b)\n    history += [compute_cost(pred, y)]\n"
                 "    gw, gb = compute_gradients(X, pred, y)\n    w -= learning_rate * gw\n"
                 "    b -= learning_rate * gb\nreturn w, b, history",
        "entrenar_y_evaluar": "learning_rate = 0.1\nn_iters = 1000\n"
                              "w, b, history = train(X_train, y_train, learning_rate, n_iters)\n"
                              "y_pred = (sigmoid(X_test @ w + b) >= 0.5) * 1",
    },
    {
        "sigmoid": "z = np.asarray(z, dtype=float)\ne = np.exp(-np.abs(z))\n"
                   "return np.where(z >= 0, 1 / (1 + e), e / (1 + e))",
        "compute_cost": "total = 0.0\nfor ai, yi in zip(np.clip(a, 1e-7, 1 - 1e-7), y):\n"
                        "    total -= yi * np.log(ai) + (1 - yi) * np.log(1 - ai)\nreturn total / len(y)",
        "compute_gradients": "m = len(y)\ndw = np.zeros(X.shape[1])\nfor i in range(m):\n"
                             "    dw += (a[i] - y[i]) * X[i]\nreturn dw / m, float(np.sum(a - y) / m)",
        "train": "w = np.zeros(X.shape[1])\nb = 0.0\nhistory = []\ni = 0\nwhile i < n_iters:\n"
                 "    salida = sigmoid(X.dot(w) + b)\n    costo = compute_cost(salida, y)\n"
                 "    grad_w, grad_b = compute_gradients(X, salida, y)\n    history.append(costo)\n"
                 "    w = w - learning_rate * grad_w\n    b = b - learning_rate * grad_b\n    i += 1\n"
                 "return w, b, history",
        "entrenar_y_evaluar": "learning_rate, n_iters = 1.0, 300\n"
                              "w, b, history = train(X_train, y_train, learning_rate=learning_rate, n_iters=n_iters)\n"
                              "probas = sigmoid(X_test.dot(w) + b)\ny_pred = np.where(probas >= 0.5, 1, 0)",
    },
]


class _Server:
    """Servidor TCP en 127.0.0.1 que cuenta las conexiones que recibe."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.5)
        self.port, self.connections, self.stop = self.sock.getsockname()[1], 0, False
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self):
        while not self.stop:
            try:
                conn, _ = self.sock.accept()
                self.connections += 1
                conn.close()
            except OSError:
                pass


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """Construye el lote, lo califica una vez por la línea de órdenes y devuelve lo que pasó."""
    base = tmp_path_factory.mktemp("adversarial")
    subs = base / "entregas"
    subs.mkdir()
    server = _Server()
    targets = {"tmp": Path(f"/tmp/calificador_{NONCE}"), "raiz": Path(f"/calificador_{NONCE}"),
               "home": Path.home() / f"calificador_{NONCE}", "curso": ROOT / f"calificador_{NONCE}"}
    checks_py = ROOT / "utils" / "checks.py"
    checks_hash = hashlib.sha256(checks_py.read_bytes()).hexdigest()
    other = subs / f"{LAB}_alternativa1.ipynb"
    cases = {
        # nombre: (cuaderno, ejercicios que NO deben puntuar, ejercicios que sí deben puntuar)
        "renombra": (attack("def check_close(*a, **k):\n    return None\n"
                            "call_student = lambda f, *a, **k: 0.5\ndef passed(*a):\n    print('✔')"), ["sigmoid"], []),
        "parchea_numpy": (attack("np.allclose = lambda *a, **k: True\nnp.isclose = lambda *a, **k: True"), ["sigmoid"], []),
        "parchea_oculto": (attack("exec('import numpy, utils.checks\\nnumpy.allclose = lambda *a, **k: True\\n"
                                  "utils.checks.check_close = lambda *a, **k: None')"), ["sigmoid"], []),
        "transformador": (attack("get_ipython().input_transformers_cleanup.append(lambda lines: ['pass\\n'])"),
                          ["sigmoid"], []),
        # /tmp y la carpeta personal son tmpfs privados dentro del sandbox: escribir ahí no sale de él,
        # así que solo «/» y el curso cuentan como éxito; las cuatro rutas se miran en la máquina.
        "escribe": (attack("ok = False\n" + "".join(
            f"try:\n    open({str(p)!r}, 'w').write('x')\n    ok = ok or {k in ('raiz', 'curso')}\n"
            "except OSError:\n    pass\n"
            for k, p in targets.items()) + "if ok:\n    " + CORRECT_SIGMOID.replace("\n", "\n    ")), ["sigmoid"], []),
        "red": (attack(f"import socket\ntry:\n    socket.create_connection(('127.0.0.1', {server.port}), timeout=3)\n"
                       f"    {CORRECT_SIGMOID.replace(chr(10), chr(10) + '    ')}\nexcept OSError:\n    pass"), ["sigmoid"], []),
        "memoria": (attack("_enorme = np.ones(2**30)  # 8 GiB\n" + CORRECT_SIGMOID), ["sigmoid"], []),
        "procesos": (attack("import os, time\nhijos = 0\nfor _ in range(3000):\n    try:\n        pid = os.fork()\n"
                            "    except OSError:\n        break\n    if pid == 0:\n        time.sleep(600)\n"
                            "        os._exit(0)\n    hijos += 1\nif hijos == 3000:\n    "
                            + CORRECT_SIGMOID.replace("\n", "\n    ")), ["sigmoid"], []),
        "imprime": (attack("for _ in range(100):\n    print('x' * 1_000_000)"), ["sigmoid"], []),
        "modifica_utils": (attack(f"try:\n    open({str(checks_py)!r}, 'a').close()\n"
                                  f"    {CORRECT_SIGMOID.replace(chr(10), chr(10) + '    ')}\nexcept OSError:\n    pass"),
                           ["sigmoid"], []),
        "lee_otra": (attack(f"import os\ntry:\n    open({str(other)!r}).read()\n"
                            f"    {CORRECT_SIGMOID.replace(chr(10), chr(10) + '    ')}\nexcept OSError:\n    pass"),
                     ["sigmoid"], []),
        "bucle": (attack("while True:\n    pass"), ["sigmoid"], []),
        "os_exit": (truncate(solve(solve(_source(), "sigmoid", "return 1 / (1 + np.exp(-z))"),
                                   "compute_cost", "import os\nos._exit(0)"), "compute_cost"),
                    ["compute_cost"], ["sigmoid"]),
    }
    # Comprobaciones editadas (puntos inflados) y borradas, con respuestas incorrectas.
    nb = solve(solve(_source(), "sigmoid", WRONG), "compute_cost", "return 0.0")
    nb = truncate(nb, "compute_cost")
    nb["cells"][_index(nb, "comprueba", "sigmoid")].update(source="print('✔ correcto')")
    nb["cells"][_index(nb, "comprueba", "sigmoid")]["metadata"]["curso"]["puntos"] = 100
    del nb["cells"][_index(nb, "comprueba", "compute_cost")]
    cases["edita_checks"] = (nb, ["sigmoid", "compute_cost"], [])
    # La implementación de referencia: conserva los puntos (--avisos marcar) con aviso.
    cases["referencia"] = (truncate(solve(_source(), "sigmoid", "from utils.activations import sigmoid as s\n"
                                          "return s(z)"), "sigmoid"), [], ["sigmoid"])
    for i, alternative in enumerate(ALTERNATIVES, 1):
        nb = _source()
        for exercise, code in alternative.items():
            nb = solve(nb, exercise, code)
        cases[f"alternativa{i}"] = (nb, [], list(alternative))
    for name, (nb, _, _) in cases.items():
        (subs / f"{LAB}_{name}.ipynb").write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    out_csv = base / "notas.csv"
    env = dict(os.environ, TMPDIR=str(base))
    proc = subprocess.run([sys.executable, "-m", "utils.grade", str(subs), "--csv", str(out_csv), "--trabajos", "2",
                           "--timeout-celda", "40", "--timeout", "300"],
                          cwd=ROOT, capture_output=True, text=True, timeout=1500, env=env)
    server.stop = True
    rows = {Path(r["entrega"]).stem.removeprefix(LAB + "_"): r for r in csv.DictReader(out_csv.open(encoding="utf-8"))}
    leftovers = []
    for pid in os.listdir("/proc"):
        try:
            if pid.isdigit() and str(base).encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                leftovers.append(pid)
        except OSError:
            pass
    found = {k: p.exists() for k, p in targets.items()}
    for p in targets.values():
        if p.exists():
            p.unlink()
    return {"proc": proc, "rows": rows, "cases": cases, "server": server, "written": found, "leftovers": leftovers,
            "checks_unchanged": hashlib.sha256(checks_py.read_bytes()).hexdigest() == checks_hash}


def test_batch_completes_with_one_line_per_submission(batch):
    proc, rows, cases = batch["proc"], batch["rows"], batch["cases"]
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert set(rows) == set(cases), proc.stdout[-3000:]
    table = proc.stdout.split("Comentarios")[0]
    for name in cases:
        assert sum(f"{LAB}_{name}.ipynb" in line for line in table.splitlines()) == 1, name
    assert all(r["estado"] == "calificado" for r in rows.values()), {k: r["estado"] for k, r in rows.items()}
    assert "Calificando" in proc.stderr, "falta la barra de progreso en stderr"


@pytest.mark.parametrize("name", ["renombra", "parchea_numpy", "parchea_oculto", "transformador", "escribe", "red",
                                  "memoria", "procesos", "imprime", "modifica_utils", "lee_otra", "bucle", "os_exit",
                                  "edita_checks", "referencia", "alternativa1", "alternativa2"])
def test_no_undeserved_points(batch, name):
    row = batch["rows"][name]
    _, zero, full = batch["cases"][name]
    for exercise in zero:
        assert row[exercise] == "0", f"{name}: «{exercise}» obtuvo {row[exercise]} puntos: {row['comentarios']}"
    for exercise in full:
        assert row[exercise] == "2", f"{name}: «{exercise}» debería puntuar: {row['comentarios']}"
    assert row["maximo"] == "10"


def test_tampering_is_explained(batch):
    rows = batch["rows"]
    for name in ("renombra", "parchea_numpy", "transformador"):
        assert "manipulación detectada en el código" in rows[name]["comentarios"], rows[name]["comentarios"]
    assert "Manipulación detectada antes de comprobar" in rows["parchea_oculto"]["comentarios"]
    assert "numpy.allclose" in rows["parchea_oculto"]["comentarios"]
    assert "tiempo límite" in rows["bucle"]["comentarios"]
    # Un núcleo muerto se nota en segundos (utils/_vigia_nbval.py), sin esperar el tiempo límite de la celda.
    assert "se detuvo" in rows["os_exit"]["comentarios"], rows["os_exit"]["comentarios"]
    assert "tiempo límite" not in rows["os_exit"]["comentarios"], rows["os_exit"]["comentarios"]


def test_sandbox_stopped_the_attacks(batch):
    if not grade.sandbox_status()[0]:
        pytest.skip("bubblewrap no funciona en esta máquina: " + grade.sandbox_status()[1])
    assert batch["server"].connections == 0, "una entrega se conectó a 127.0.0.1 de la máquina"
    assert not any(batch["written"].values()), f"una entrega escribió fuera de su directorio: {batch['written']}"
    assert batch["checks_unchanged"], "una entrega modificó utils/checks.py"
    assert batch["leftovers"] == [], "quedaron procesos de las entregas vivos"
    assert all(r["aislamiento"].startswith("bubblewrap") for r in batch["rows"].values())


def test_warnings_column(batch):
    rows = batch["rows"]
    assert "utils.activations" in rows["referencia"]["avisos"], rows["referencia"]["avisos"]
    assert "2/2⚠" in batch["proc"].stdout
    for name in ("alternativa1", "alternativa2"):
        assert rows[name]["avisos"] == "", f"{name} no debería tener avisos: {rows[name]['avisos']}"
        assert rows[name]["total"] == "10", rows[name]["comentarios"]
    assert "no tenía su celda de comprobación" in rows["edita_checks"]["avisos"]
