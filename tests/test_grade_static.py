"""Piezas del calificador que no necesitan ejecutar cuadernos: análisis estático,
normalización, avisos, política, orden de bubblewrap y la guardia en proceso (esta
última solo la usa la calificación heredada de los laboratorios sin portar)."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader import sandbox, static, submission
from utils import checks, grade, notebooks

ROOT = notebooks.ROOT
IMPORTED = static.imported_names(["import numpy as np\nimport sys, importlib\nfrom utils import checks\nimport builtins"])
PROTECTED = {"check_close": "utils.checks.check_close", "_np": "numpy", "_sigmoid_ref": "utils.activations.sigmoid"}


@pytest.mark.parametrize("code, what", [
    ("np.allclose = lambda *a, **k: True", "np.allclose"),
    ("np.linalg.norm = abs", "np.linalg.norm"),
    ("builtins.isinstance = lambda *a: True", "builtins.isinstance"),
    ("sys.modules['utils.checks'] = object()", "sys.modules"),
    ("sys.modules.update({})", "sys.modules"),
    ("setattr(np, 'allclose', print)", "setattr"),
    ("importlib.reload(checks)", "reload"),
    ("def check_close(*a, **k):\n    pass", "check_close"),
    ("check_close = print", "check_close"),
    ("from utils.losses import binary_cross_entropy as check_close", "check_close"),
    ("__builtins__ = {}", "__builtins__"),
    ("get_ipython().input_transformers_cleanup.append(len)", "input_transformers_cleanup"),
    ("get_ipython().events.register('pre_run_cell', print)", "events.register"),
    ("import sys\nf = sys._getframe(1).f_globals", "_getframe"),
    ("checks.check_close.__code__ = (lambda: 0).__code__", "__code__"),
    ("import ctypes", "ctypes"),
])
def test_static_scan_finds_tampering(code, what):
    found = static.tampering_findings(code, IMPORTED, PROTECTED)
    assert found and any(what.split(".")[-1] in f for f in found), found


@pytest.mark.parametrize("code", [
    "import numpy as np\ndef sigmoid(z):\n    return 1 / (1 + np.exp(-z))",
    "from utils.checks import call_student, check_close, check_true, passed",
    "plt.rcParams['figure.dpi'] = 100\nos.environ['X'] = '1'\nmodel.trainable = False",
    "w = np.zeros(3)\nw[0] = 1\nself_like = {}\nself_like['a'] = 2",
    "x = np.stack([a, b])\nclass Capa:\n    def __init__(self):\n        self.w = 0",
    "%matplotlib inline\nimport numpy as np",
    "esto no es python (",
])
def test_static_scan_accepts_ordinary_code(code):
    assert static.tampering_findings(code, IMPORTED, PROTECTED) == []


def test_normalization_ignores_names_comments_and_docstrings():
    a = 'def sigmoid(z):\n    """Doc."""\n    return 1 / (1 + np.exp(-z))  # comentario'
    b = "def f(x):\n    return 1 / (1 + np.exp(-x))"
    c = "def sigmoid(z):\n    return 1.0 / (1.0 + np.exp(-z))"
    assert static._normalized(a) == static._normalized(b) != static._normalized(c)


@pytest.mark.parametrize("code, found", [
    ("from utils.activations import sigmoid", ["utils.activations"]),
    ("import utils.neuron as n", ["utils.neuron"]),
    ("from utils import losses, checks", ["utils.losses"]),
    ("import utils\nutils.neuron.train", ["utils.neuron"]),
    ("import importlib\nimportlib.import_module('utils.mlp')", ["utils.mlp"]),
    ("from utils.checks import check_close\nfrom utils import data, book", []),
])
def test_reference_imports(code, found):
    assert static._reference_imports(code, set(static.DEFAULT_ALLOWED)) == found


def test_policy_and_copies():
    a = grade.Result(path=Path("a.ipynb"), lab="l", scores={"e": 2, "f": 2}, maximum={"e": 2, "f": 2},
                     warnings={"e": ["usa la implementación de referencia"]}, fingerprints={"f": "x"})
    b = grade.Result(path=Path("b.ipynb"), lab="l", scores={"e": 2, "f": 2}, maximum={"e": 2, "f": 2},
                     fingerprints={"f": "x", "e": "y"})
    grade.mark_copies([a, b])
    assert "b.ipynb" in a.warnings["f"][0] and "a.ipynb" in b.warnings["f"][0] and "e" not in b.warnings
    grade.apply_policy([a, b], "marcar")
    assert a.total == 4
    grade.apply_policy([a, b], "cero")
    assert a.scores == {"e": 0, "f": 0} and b.scores == {"e": 2, "f": 0}
    assert "--avisos cero" in a.feedback["e"]
    table = grade.format_table([a, b])
    assert "0/2⚠" in table and "Avisos para el docente" in table


@pytest.mark.parametrize("mode", ["sondas", "legado"])
def test_prepare_reinserts_missing_checks_and_ignores_duplicates(mode):
    name, lab = "lab01_regresion_logistica", grade.source_labs()["lab01_regresion_logistica"]
    reference = notebooks.load(lab)
    official, real_mode = submission.official_checks(reference, name)
    assert real_mode == "sondas"
    nb = notebooks.load(lab)
    first = next(iter(official))
    i = next(i for i, c in enumerate(nb["cells"]) if c.get("metadata", {}).get("curso", {}).get("comprueba") == first)
    dup = dict(nb["cells"][i])
    del nb["cells"][i]
    nb["cells"].append(dup)
    nb["cells"].append(dict(dup))
    prepared = submission.prepare(nb, official, name, mode)
    numbers = submission.check_cells(prepared)
    assert sorted(numbers.values()) == sorted(official)
    if mode == "sondas":
        assert all("emit_probe" in prepared["cells"][i]["source"] for i in numbers)
        assert not any(c.get("metadata", {}).get("curso", {}).get("calificador") for c in prepared["cells"])
    else:
        assert prepared["cells"][0]["metadata"]["curso"]["calificador"] == "huella"


def test_points_come_from_the_definitions_not_the_notebook():
    name, lab = "lab01_regresion_logistica", grade.source_labs()["lab01_regresion_logistica"]
    reference = notebooks.load(lab)
    for cell in reference["cells"]:
        if cell.get("metadata", {}).get("curso", {}).get("comprueba"):
            cell["metadata"]["curso"]["puntos"] = 100
    official, _ = submission.official_checks(reference, name)
    assert {n: i["puntos"] for n, i in official.items()} == {n: 2 for n in official}


def test_bwrap_hides_course_batch_and_home(tmp_path):
    batch = tmp_path / "lote"
    batch.mkdir()
    (batch / "otra.ipynb").write_text("{}")
    course = tmp_path / "curso"
    course.mkdir()
    limits = sandbox.Limits(disk_mb=123)
    args = sandbox.bwrap_args(course, limits, [batch, batch / "otra.ipynb"])
    text = " ".join(args)
    assert "--unshare-net" in text or "--unshare-all" in text
    assert "--unshare-pid" in text or "--unshare-all" in text
    assert "--die-with-parent" in args and ["--ro-bind", "/", "/"] == args[args.index("--ro-bind"):][:3]
    assert f"--tmpfs {batch}" in text and f"--ro-bind /dev/null {batch / 'otra.ipynb'}" in text
    assert f"--tmpfs {Path.home().resolve()}" in text and f"--tmpfs {ROOT}" in text
    assert f"--ro-bind {course} {ROOT}" in text
    if sandbox.bwrap_supports("--size"):
        assert f"--size {123 * 2**20} --tmpfs {sandbox.WORKDIR}" in text
    assert "--bind " not in text, "no debe haber ninguna carpeta del docente escribible"


def test_course_copy_is_pruned():
    from grader import copies

    reference = notebooks.load(grade.source_labs()["lab01_regresion_logistica"])
    copy = copies.course_copy("lab01_regresion_logistica", reference, "sondas")
    files = {p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file()}
    assert "grader/labs/lab01.py" in files and "grader/api.py" in files and "utils/checks.py" in files
    for forbidden in ("utils/activations.py", "utils/losses.py", "utils/neuron.py", "utils/mlp.py",
                      "grader/labs/lab02.py", "grader/judges.py", "utils/grade.py"):
        assert forbidden not in files, forbidden
    assert not any(f.startswith(("labs/", "chapters/", "tests/", ".git")) for f in files)
    # lo permitido se importa dentro de la copia (utils.data necesita utils.counting al cargarse)
    code = "import utils, utils.book, utils.checks, utils.data, utils.device, utils.validation, grader.api, grader.labs.lab01"
    proc = subprocess.run([sys.executable, "-c", code], cwd=copy, env={**os.environ, "PYTHONPATH": str(copy)},
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-1500:]
    legacy = copies.course_copy("lab01_regresion_logistica", reference, "legado")
    assert (legacy / "utils" / "activations.py").is_file() and not (legacy / "labs").exists()


def test_uid_leases_are_unique(monkeypatch, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("solo como root se reservan uids")
    monkeypatch.setattr(sandbox, "UID_LOCK_DIR", tmp_path / "uids")
    leases = [sandbox.UidLease() for _ in range(5)]
    try:
        uids = [l.uid for l in leases]
        assert len(set(uids)) == 5 and all(u >= sandbox.FIRST_UID for u in uids)
        # otro proceso (otra calificación) tampoco puede tomar esos uids
        code = ("import sys; sys.path.insert(0, %r)\nfrom grader import sandbox\nfrom pathlib import Path\n"
                "sandbox.UID_LOCK_DIR = Path(%r)\nprint(sandbox.UidLease().uid)") % (str(ROOT), str(tmp_path / "uids"))
        other = int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
        assert other not in uids
    finally:
        for l in leases:
            l.release()


def test_guard_detects_runtime_patches(monkeypatch):
    import numpy as np

    checks.snapshot(["utils.activations"])
    assert checks.tampering() == []
    monkeypatch.setattr(np, "allclose", lambda *a, **k: True)
    assert any("numpy.allclose" in t for t in checks.tampering())
    monkeypatch.undo()
    assert checks.tampering() == []


def test_guard_ignores_lazy_modules_of_tensorflow():
    """Usar TensorFlow en una comprobación no es una manipulación (sus submódulos se cargan al usarse)."""
    script = (
        "import os; os.environ['TF_CPP_MIN_LOG_LEVEL'] = '3'\n"
        "from utils import checks\n"
        "checks.snapshot(['tensorflow', 'keras'])\n"
        "import tensorflow as tf\n"
        "tf.nn.conv2d(tf.zeros((1, 5, 5, 1)), tf.zeros((3, 3, 1, 1)), 1, 'VALID')\n"
        "tf.keras.layers.Dense(2)\n"
        "assert checks.tampering() == [], checks.tampering()\n"
        "import numpy as np\n"
        "np.allclose = lambda *a, **k: True\n"
        "assert any('numpy.allclose' in t for t in checks.tampering())\n"
    )
    proc = subprocess.run([sys.executable, "-c", script], cwd=notebooks.ROOT, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]


def test_official_check_runs_isolated():
    checks.snapshot([])
    globals()["sigmoid"] = lambda z: 0.5  # el objeto del estudiante, en el espacio de nombres del «cuaderno»
    globals()["check_close"] = None       # un nombre rebindeado en el cuaderno no llega a la comprobación
    src = "import utils.checks as _c\n_c.check_close(_c.call_student(sigmoid, 0.0, name='s'), 0.5, what='s(0)')"
    try:
        checks.run_official_check("s", src, ["sigmoid"])
    finally:
        del globals()["sigmoid"], globals()["check_close"]
    with pytest.raises(checks.CheckFailed, match="no define `train`"):
        checks.run_official_check("t", "train", ["train"])
    with pytest.raises(NameError):
        checks.run_official_check("s", "check_close", ["sigmoid"])


def test_exigir_aislamiento_without_bwrap(tmp_path):
    env = {"PATH": str(tmp_path), "HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "utils.grade", str(tmp_path / "x.ipynb"), "--exigir-aislamiento",
                           "--csv", str(tmp_path / "c.csv")], cwd=ROOT, capture_output=True, text=True, env=env)
    assert proc.returncode == 2 and "no se puede aislar" in proc.stderr and "Traceback" not in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "utils.grade", str(tmp_path / "x.ipynb"),
                           "--csv", str(tmp_path / "c.csv")], cwd=ROOT, capture_output=True, text=True, env=env)
    assert proc.stdout.startswith("AVISO: SIN AISLAMIENTO"), proc.stdout


def test_meaningful_tail_for_the_csv():
    from grader import harness

    text = "\x1b[31m....\x1b[0m\n\nTraceback (most recent call last):\n  ...\nOSError: sin espacio\n.........\n   \n"
    assert harness.meaningful_tail(text, lines=2) == "Traceback (most recent call last): ⏎ OSError: sin espacio"
    assert harness.meaningful_tail("") == ""


def test_submissions_that_are_not_regular_files_are_not_opened(tmp_path):
    import os

    fifo = tmp_path / "lab01_tubo.ipynb"
    os.mkfifo(fifo)
    link = tmp_path / "lab01_enlace.ipynb"
    link.symlink_to(ROOT / "labs" / "lab01_regresion_logistica.ipynb")
    for p in (fifo, link):
        nb, error = submission.load_submission(p)  # no se bloquea en el tubo ni sigue el enlace
        assert nb is None and "no es un archivo normal" in error
    files, _ = grade.collect([str(tmp_path)])
    assert files == []
