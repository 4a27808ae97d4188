"""Entregas escritas para hacer trampa o daño, calificadas en UN lote (``--trabajos 2``).

Cada entrega parte del laboratorio 1 y se corta tras la comprobación que ataca,
para que el lote sea barato (las que secuestran el núcleo van enteras, sin resolver
nada: en el calificador anterior sacaban 10/10). Los ataques que «ganarían» algo si
funcionaran definen la función correcta solo cuando el ataque tiene éxito: así, un
punto indebido en la tabla es la prueba de que el ataque pasó. Además hay dos
soluciones correctas escritas de otro modo, que deben sacar todos los puntos sin
ningún aviso.

Las filas de la tabla del issue 18, una entrega cada una (los topes son reales, a
escala: ``--memoria 1500 --disco 200``):

- ``secuestro_exec``: ``exec`` de un texto en base64 que cambia cómo el núcleo ejecuta
  cada celda siguiente;
- ``demonio``: un proceso separado (``setsid``) que reescribe el informe y trata de
  escribir datos de sonda falsos (correctos) en los descriptores de otros procesos;
- ``array_marco``: ``compute_cost`` devuelve un objeto cuyo ``__array__`` lee el valor
  esperado del marco de la comprobación (nombres armados con texto);
- ``lab_fuente``: busca el laboratorio fuente y ejecuta la solución oficial;
- ``fifo``: cambia el informe por un tubo con nombre;
- ``disco``: 16 archivos de 20 MB con un tope de 200 MiB (en el issue, 16 de 250 MB);
- ``hijos_memoria``: tres hijos de 600 MB con un tope total de 1500 MiB (en el issue, tres de 3 GiB);
- secuestros del núcleo en general: ``ipykernel_parcheado`` (``do_execute`` cambiado),
  ``sonda_falsa`` (una salida de tipo sonda con datos equivocados) y
  ``sonda_falsa_correcta`` (datos falsos iguales a un cálculo correcto: puntúa, como
  dice el diseño, porque no se distinguen de haber resuelto el ejercicio).

Aparte, dos calificaciones simultáneas no se matan entre sí ni matan procesos ajenos
con el mismo uid (:func:`test_two_concurrent_runs_do_not_kill_each_other`).
"""

import copy
import csv
import hashlib
import json
import os
import socket
import tempfile
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


def student_full(extra):
    """La versión del estudiante entera (nada resuelto) con ``extra`` al final de la celda de datos."""
    nb = notebooks.load(grade.source_labs()[LAB].parent / notebooks.STUDENT_DIR / f"{LAB}.ipynb")
    i = next(i for i, c in enumerate(nb["cells"]) if c.get("id") == "datos")
    nb["cells"][i]["source"] = notebooks._source(nb["cells"][i]) + "\n" + extra
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


def _indent(code, n=4):
    return code.replace("\n", "\n" + " " * n)


SIG_OK = "    " + _indent(CORRECT_SIGMOID)

HIJACK = ("ip = get_ipython()\n_orig = ip.transform_cell\n"
          "def _t(raw):\n"
          "    if 'calificador' in raw or 'Comprobaci' in raw or 'check(' in raw:\n"
          "        return 'pass\\n'\n"
          "    return _orig(raw)\n"
          "ip.transform_cell = _t\n")

DAEMON = f"""# {NONCE}
import glob, json, os, stat, sys, time
fake = '<?xml version="1.0"?><testsuites><testsuite>' + ''.join(
    '<testcase classname="x" name="Cell %d"/>' % i for i in range(80)) + '</testsuite></testsuites>'
lines = []
try:
    import numpy as np
    from grader import api
    sig = lambda v: 1 / (1 + np.exp(-v))
    good = api.encode({{"en0": 0.5, "grid": sig(np.linspace(-6, 6, 13)),
                       "matriz": sig(np.arange(-6.0, 6.0).reshape(3, 4)), "extremos": sig(np.array([-30.0, 30.0]))}})
    lines = [json.dumps({{"tipo": "sonda", "celda": i, "datos": good, "error": None}}) + "\\n" for i in range(40)]
except Exception:
    pass
end = time.time() + 120
while time.time() < end:
    for name in ("informe.xml",):
        try:
            with open(name + ".tmp", "w") as fh:
                fh.write(fake)
            os.replace(name + ".tmp", name)
        except OSError:
            pass
    for fd in glob.glob("/proc/[0-9]*/fd/*"):
        try:
            if stat.S_ISFIFO(os.stat(fd).st_mode):
                f = os.open(fd, os.O_WRONLY | os.O_NONBLOCK)
                os.write(f, "".join(lines).encode()[:60000])
                os.close(f)
        except Exception:
            pass
    time.sleep(0.02)
"""

ARRAY_FRAME = '''class _Astuto:
    def __array__(self, dtype=None, copy=None):
        import sys
        f = getattr(sys, "_get" + "frame")(1)
        while f is not None:
            for d in (getattr(f, "f_" + "locals"), getattr(f, "f_" + "globals")):
                for k in ("exp" + "ected", "_esp" + "erado"):
                    if k in d:
                        return np.asarray(d[k], dtype=float)
            f = getattr(f, "f_" + "back")
        return np.asarray(0.0)

    def __float__(self):
        return float(self.__array__())
return _Astuto()'''

SOURCE_LAB = f'''import json, os
from pathlib import Path
import utils
cands = [Path(utils.__file__).resolve().parents[1] / "labs" / "{LAB}.ipynb"]
for base in ("/work", "/home", "/root", "/srv", "/opt", "/tmp", "/mnt"):
    for dirpath, dirs, files in os.walk(base):
        if dirpath.count(os.sep) > 5:
            dirs[:] = []
        dirs[:] = [d for d in dirs if d not in (".venv", "site-packages", ".git", "node_modules")]
        if "{LAB}.ipynb" in files:
            cands.append(Path(dirpath) / "{LAB}.ipynb")
encontrada = False
for c in cands:
    try:
        fuente = json.loads(c.read_text())
    except (OSError, ValueError):
        continue
    for celda in fuente["cells"]:
        texto = "".join(celda["source"])
        if celda.get("metadata", {{}}).get("curso", {{}}).get("ejercicio") == "sigmoid" and "BEGIN SOLUTION" in texto:
            exec(texto, globals())
            encontrada = True
    if encontrada:
        break
'''

FIFO = ("import os\nfor _n in ('informe.xml', 'report.xml', 'salida.json'):\n    try:\n        os.remove(_n)\n"
        "    except OSError:\n        pass\n    try:\n        os.mkfifo(_n)\n    except OSError:\n        pass\n")

DISK = ("ok = True\nfor i in range(16):\n    try:\n        with open(f'relleno_{i}.bin', 'wb') as fh:\n"
        "            fh.write(b'\\0' * (20 * 2**20))\n    except OSError:\n        ok = False\n        break\n"
        "if ok:\n" + SIG_OK)

CHILDREN = ("import os, time\nr, w = os.pipe()\npids = []\nfor _ in range(3):\n    pid = os.fork()\n"
            "    if pid == 0:\n        try:\n            os.close(r)\n            buf = bytearray(600 * 2**20)\n"
            "            for j in range(0, len(buf), 4096):\n                buf[j] = 1\n            os.write(w, b'1')\n"
            "            time.sleep(40)\n        finally:\n            os._exit(0)\n    pids.append(pid)\nos.close(w)\n"
            "got = b''\nwhile len(got) < 3:\n    chunk = os.read(r, 3)\n    if not chunk:\n        break\n    got += chunk\n"
            "for pid in pids:\n    try:\n        os.kill(pid, 9)\n        os.waitpid(pid, 0)\n    except OSError:\n        pass\n"
            "if len(got) == 3:\n" + SIG_OK)

KERNEL_PATCH = ('import ipykernel.ipkernel as _k\n_orig = _k.IPythonKernel.do_execute\n'
                'async def _falso(self, code, silent, *args, **kwargs):\n'
                '    if "calificador" in code or "Comprobaci" in code or "check(" in code:\n'
                '        self.send_response(self.iopub_socket, "display_data", {"data": {\n'
                '            "application/vnd.curso.sonda+json": {"lab": "lab01", "ejercicio": "sigmoid", "datos": \'{"ok": true}\'},\n'
                '            "text/plain": "✔ correcto"}, "metadata": {}})\n'
                '        return {"status": "ok", "execution_count": self.execution_count, "payload": [], "user_expressions": {}}\n'
                '    return await _orig(self, code, silent, *args, **kwargs)\n'
                '_k.IPythonKernel.do_execute = _falso\n')


def _forged_probe(values):
    return ("try:\n    import grader.api as _g\n    from IPython.display import display as _d\n"
            "    def _falsa(lab, name):\n"
            f"        _d({{_g.MIME: {{'lab': lab, 'ejercicio': name, 'datos': _g.encode({values})}}}}, raw=True)\n"
            "    _g.emit_probe = _falsa\nexcept ImportError:\n    pass\n")


FORGED_WRONG = _forged_probe("{'en0': 0.5, 'grid': [0.5] * 13, 'matriz': 1, 'extremos': '✔', 'ok': True}")
FORGED_RIGHT = _forged_probe("{'en0': 0.5, 'grid': 1 / (1 + np.exp(-np.linspace(-6, 6, 13))), "
                             "'matriz': 1 / (1 + np.exp(-np.arange(-6.0, 6.0).reshape(3, 4))), "
                             "'extremos': 1 / (1 + np.exp(-np.array([-30.0, 30.0])))}")
ALL = ["sigmoid", "compute_cost", "compute_gradients", "train", "entrenar_y_evaluar"]


def build_cases(other: Path, server_port: int, targets: dict, checks_py: Path) -> dict:
    """Las entregas del lote: nombre → (cuaderno, ejercicios que NO deben puntuar, los que SÍ)."""
    cases = {
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
            for k, p in targets.items()) + "if ok:\n" + SIG_OK), ["sigmoid"], []),
        "red": (attack(f"import socket\ntry:\n    socket.create_connection(('127.0.0.1', {server_port}), timeout=3)\n"
                       f"{SIG_OK}\nexcept OSError:\n    pass"), ["sigmoid"], []),
        "memoria": (attack("_enorme = np.ones(2**30)  # 8 GiB\n" + CORRECT_SIGMOID), ["sigmoid"], []),
        "procesos": (attack("import os, time\nhijos = 0\nfor _ in range(3000):\n    try:\n        pid = os.fork()\n"
                            "    except OSError:\n        break\n    if pid == 0:\n        time.sleep(600)\n"
                            "        os._exit(0)\n    hijos += 1\nif hijos == 3000:\n" + SIG_OK), ["sigmoid"], []),
        "imprime": (attack("for _ in range(100):\n    print('x' * 1_000_000)"), ["sigmoid"], []),
        "modifica_utils": (attack(f"try:\n    open({str(checks_py)!r}, 'a').close()\n{SIG_OK}\nexcept OSError:\n    pass"),
                           ["sigmoid"], []),
        "lee_otra": (attack(f"import os\ntry:\n    open({str(other)!r}).read()\n{SIG_OK}\nexcept OSError:\n    pass"),
                     ["sigmoid"], []),
        "bucle": (attack("while True:\n    pass"), ["sigmoid"], []),
        "os_exit": (truncate(solve(solve(_source(), "sigmoid", "return 1 / (1 + np.exp(-z))"),
                                   "compute_cost", "import os\nos._exit(0)"), "compute_cost"),
                    ["compute_cost"], ["sigmoid"]),
        # Las filas del issue 18
        "secuestro_exec": (student_full("import base64\nexec(base64.b64decode("
                                        f"{__import__('base64').b64encode(HIJACK.encode()).decode()!r}).decode())"),
                           ALL, []),
        "demonio": (student_full("import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', "
                                 f"{DAEMON!r}], start_new_session=True, stdin=subprocess.DEVNULL, "
                                 "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)"), ALL, []),
        "array_marco": (truncate(solve(solve(_source(), "sigmoid", "return 1 / (1 + np.exp(-z))"),
                                       "compute_cost", ARRAY_FRAME), "compute_cost"), ["compute_cost"], ["sigmoid"]),
        "lab_fuente": (attack(SOURCE_LAB), ["sigmoid"], []),
        "fifo": (attack(FIFO), ["sigmoid"], []),
        "disco": (attack(DISK), ["sigmoid"], []),
        "hijos_memoria": (attack(CHILDREN), ["sigmoid"], []),
        "ipykernel_parcheado": (student_full("import base64\nexec(base64.b64decode("
                                             f"{__import__('base64').b64encode(KERNEL_PATCH.encode()).decode()!r}).decode())"),
                                ALL, []),
        "sonda_falsa": (attack(FORGED_WRONG), ["sigmoid"], []),
        "sonda_falsa_correcta": (attack(FORGED_RIGHT), [], ["sigmoid"]),
    }
    # Comprobaciones editadas (puntos inflados) y borradas, con respuestas incorrectas.
    nb = solve(solve(_source(), "sigmoid", WRONG), "compute_cost", "return 0.0")
    nb = truncate(nb, "compute_cost")
    nb["cells"][_index(nb, "comprueba", "sigmoid")].update(source="print('✔ correcto')")
    nb["cells"][_index(nb, "comprueba", "sigmoid")]["metadata"]["curso"]["puntos"] = 100
    del nb["cells"][_index(nb, "comprueba", "compute_cost")]
    cases["edita_checks"] = (nb, ["sigmoid", "compute_cost"], [])
    # La implementación de referencia no está en el sandbox de este laboratorio.
    cases["referencia"] = (truncate(solve(_source(), "sigmoid", "from utils.activations import sigmoid as s\n"
                                          "return s(z)"), "sigmoid"), ["sigmoid"], [])
    for i, alternative in enumerate(ALTERNATIVES, 1):
        nb = _source()
        for exercise, code in alternative.items():
            nb = solve(nb, exercise, code)
        cases[f"alternativa{i}"] = (nb, [], list(alternative))
    return cases


MEMORY_MB, DISK_MB = 1500, 200


def _disk_cap() -> bool:
    from grader import sandbox

    return sandbox.bwrap_supports("--size")


def run_grader(subs: Path, out_csv: Path, cwd: Path = ROOT, extra=(), timeout=1500):
    env = dict(os.environ, TMPDIR=str(out_csv.parent))
    return subprocess.run([sys.executable, "-m", "utils.grade", str(subs), "--csv", str(out_csv), "--trabajos", "2",
                           "--timeout-celda", "40", "--timeout", "300", *extra],
                          cwd=cwd, capture_output=True, text=True, timeout=timeout, env=env)


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
    cases = build_cases(subs / f"{LAB}_alternativa1.ipynb", server.port, targets, checks_py)
    for name, (nb, _, _) in cases.items():
        (subs / f"{LAB}_{name}.ipynb").write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    out_csv = base / "notas.csv"
    proc = run_grader(subs, out_csv, extra=["--memoria", str(MEMORY_MB), "--disco", str(DISK_MB)])
    server.stop = True
    rows = {Path(r["entrega"]).stem.removeprefix(LAB + "_"): r for r in csv.DictReader(out_csv.open(encoding="utf-8"))}
    leftovers = []
    for pid in os.listdir("/proc"):
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
            if pid.isdigit() and (str(base).encode() in cmd or NONCE.encode() in cmd):
                leftovers.append(pid)
        except OSError:
            pass
    found = {k: p.exists() for k, p in targets.items()}
    for p in targets.values():
        if p.exists():
            p.unlink()
    spill = [str(p) for d in (base, Path(tempfile.gettempdir())) for p in d.rglob("relleno_*.bin")]
    return {"proc": proc, "rows": rows, "cases": cases, "server": server, "written": found, "leftovers": leftovers,
            "checks_unchanged": hashlib.sha256(checks_py.read_bytes()).hexdigest() == checks_hash, "spill": spill}


def test_batch_completes_with_one_line_per_submission(batch):
    proc, rows, cases = batch["proc"], batch["rows"], batch["cases"]
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert set(rows) == set(cases), proc.stdout[-3000:]
    table = proc.stdout.split("Comentarios")[0]
    for name in cases:
        assert sum(f"{LAB}_{name}.ipynb" in line for line in table.splitlines()) == 1, name
    assert all(r["estado"] == "calificado" for r in rows.values()), {k: r["estado"] for k, r in rows.items()}
    assert "Calificando" in proc.stderr, "falta la barra de progreso en stderr"


CASE_NAMES = ["renombra", "parchea_numpy", "parchea_oculto", "transformador", "escribe", "red", "memoria", "procesos",
              "imprime", "modifica_utils", "lee_otra", "bucle", "os_exit", "secuestro_exec", "demonio", "array_marco",
              "lab_fuente", "fifo", "disco", "hijos_memoria", "ipykernel_parcheado", "sonda_falsa",
              "sonda_falsa_correcta", "edita_checks", "referencia", "alternativa1", "alternativa2"]


@pytest.mark.parametrize("name", CASE_NAMES)
def test_no_undeserved_points(batch, name):
    if name == "disco" and not _disk_cap():
        pytest.skip("este bubblewrap no tiene --size: no hay tope de disco (la columna aislamiento lo dice)")
    row = batch["rows"][name]
    _, zero, full = batch["cases"][name]
    for exercise in zero:
        assert row[exercise] == "0", f"{name}: «{exercise}» obtuvo {row[exercise]} puntos: {row['comentarios']}"
    for exercise in full:
        assert row[exercise] == "2", f"{name}: «{exercise}» debería puntuar: {row['comentarios']}"
    assert row["maximo"] == "10"


def test_comments_name_the_real_cause(batch):
    rows = batch["rows"]
    assert "tiempo límite" in rows["bucle"]["comentarios"]
    # Un núcleo muerto se nota en segundos, sin esperar el tiempo límite de la celda.
    assert "se detuvo" in rows["os_exit"]["comentarios"], rows["os_exit"]["comentarios"]
    assert "tiempo límite" not in rows["os_exit"]["comentarios"], rows["os_exit"]["comentarios"]
    assert f"límite de memoria de {MEMORY_MB} MiB" in rows["hijos_memoria"]["comentarios"], rows["hijos_memoria"]
    if _disk_cap():
        assert f"llenó su área de escritura ({DISK_MB} MiB" in rows["disco"]["comentarios"], rows["disco"]["comentarios"]
    assert "tipo _Astuto" in rows["array_marco"]["comentarios"], rows["array_marco"]["comentarios"]
    assert "ModuleNotFoundError" in rows["referencia"]["comentarios"], rows["referencia"]["comentarios"]
    assert "Todavía no completaste" not in rows["referencia"]["comentarios"]


def test_sandbox_stopped_the_attacks(batch):
    if not grade.sandbox_status()[0]:
        pytest.skip("bubblewrap no funciona en esta máquina: " + grade.sandbox_status()[1])
    assert batch["server"].connections == 0, "una entrega se conectó a 127.0.0.1 de la máquina"
    assert not any(batch["written"].values()), f"una entrega escribió fuera de su directorio: {batch['written']}"
    assert batch["checks_unchanged"], "una entrega modificó utils/checks.py"
    assert batch["leftovers"] == [], "quedaron procesos de las entregas vivos (¿el demonio?)"
    assert batch["spill"] == [], f"los archivos de la entrega llegaron al disco del docente: {batch['spill']}"
    assert all(r["aislamiento"].startswith("bubblewrap") for r in batch["rows"].values())


def test_warnings_column(batch):
    rows = batch["rows"]
    assert "utils.activations" in rows["referencia"]["avisos"], rows["referencia"]["avisos"]
    for name in ("alternativa1", "alternativa2"):
        assert rows[name]["avisos"] == "", f"{name} no debería tener avisos: {rows[name]['avisos']}"
        assert rows[name]["total"] == "10", rows[name]["comentarios"]
    assert "no tenía su celda de comprobación" in rows["edita_checks"]["avisos"]


def _small_submission(path: Path):
    nb = truncate(solve(_source(), "sigmoid", "return 1 / (1 + np.exp(-z))"), "sigmoid")
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")


def test_two_concurrent_runs_do_not_kill_each_other(tmp_path):
    """Dos calificaciones a la vez en la misma máquina: todas las entregas correctas puntúan."""
    if not grade.sandbox_status()[0]:
        pytest.skip("bubblewrap no funciona en esta máquina")
    runs = []
    for k in range(2):
        d = tmp_path / f"lote{k}"
        d.mkdir()
        for j in range(2):
            _small_submission(d / f"{LAB}_{k}{j}.ipynb")
        env = dict(os.environ, TMPDIR=str(tmp_path))
        runs.append((d, subprocess.Popen([sys.executable, "-m", "utils.grade", str(d), "--csv", str(d / "n.csv"),
                                          "--trabajos", "2"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                         stderr=subprocess.STDOUT, text=True)))
    for d, p in runs:
        out = p.communicate(timeout=900)[0]
        assert p.returncode == 0, out[-3000:]
        rows = list(csv.DictReader((d / "n.csv").open(encoding="utf-8")))
        assert [r["sigmoid"] for r in rows] == ["2", "2"], [r["comentarios"] for r in rows]


def test_grading_never_kills_by_uid(tmp_path, monkeypatch):
    """Un proceso ajeno con el mismo uid que la entrega sobrevive a su calificación."""
    if os.geteuid() != 0 or not grade.sandbox_status()[0]:
        pytest.skip("hace falta root y bubblewrap")
    from grader import sandbox

    uid = sandbox.FIRST_UID + sandbox.UID_SLOTS - 1
    sleeper = subprocess.Popen(["sleep", "300"], preexec_fn=lambda: (os.setgid(uid), os.setuid(uid)))
    real_init = sandbox.UidLease.__init__

    def fixed(self):
        real_init(self)
        self.release()
        self.uid, self._fd = uid, None  # la entrega corre con el uid del proceso ajeno

    monkeypatch.setattr(sandbox.UidLease, "__init__", fixed)
    try:
        sub = tmp_path / f"{LAB}.ipynb"
        _small_submission(sub)
        r = grade.grade_file(sub, grade.source_labs())
        assert r.graded and r.scores["sigmoid"] == 2, (r.status, r.feedback)
        assert sleeper.poll() is None, "la calificación mató un proceso ajeno con el mismo uid"
    finally:
        sleeper.kill()
        sleeper.wait()
