"""Piezas del calificador que no necesitan ejecutar cuadernos: análisis estático,
normalización, avisos, política, orden de bubblewrap, copia podada del curso y el
rechazo de un laboratorio sin portar a sondas y jueces."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from grader import sandbox, static, submission
from utils import grade, notebooks

ROOT = notebooks.ROOT


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


def test_prepare_reinserts_missing_checks_and_ignores_duplicates():
    name, lab = "lab01_regresion_logistica", grade.source_labs()["lab01_regresion_logistica"]
    reference = notebooks.load(lab)
    official = submission.official_checks(reference, name)
    nb = notebooks.load(lab)
    first = next(iter(official))
    i = next(i for i, c in enumerate(nb["cells"]) if c.get("metadata", {}).get("curso", {}).get("comprueba") == first)
    dup = dict(nb["cells"][i])
    del nb["cells"][i]
    nb["cells"].append(dup)
    nb["cells"].append(dict(dup))
    prepared = submission.prepare(nb, official, name)
    numbers = submission.check_cells(prepared)
    assert sorted(numbers.values()) == sorted(official)
    assert all("emit_probe" in prepared["cells"][i]["source"] for i in numbers)
    assert sum(c["source"].startswith("# (celda de comprobación repetida") for c in prepared["cells"]
               if c.get("cell_type") == "code") == 1
    assert len(prepared["cells"]) == len(nb["cells"])


def test_points_come_from_the_definitions_not_the_notebook():
    name, lab = "lab01_regresion_logistica", grade.source_labs()["lab01_regresion_logistica"]
    reference = notebooks.load(lab)
    for cell in reference["cells"]:
        if cell.get("metadata", {}).get("curso", {}).get("comprueba"):
            cell["metadata"]["curso"]["puntos"] = 100
    official = submission.official_checks(reference, name)
    assert {n: i["puntos"] for n, i in official.items()} == {n: 2 for n in official}


OLD_STYLE_CHECK = ("# Comprobación del ejercicio 1 (no modifiques esta celda).\n"
                   "from utils import checks as _c\n"
                   "_c.check_close(_c.call_student(doble, 2, name='doble'), 4, what='doble(2)')\n"
                   "_c.passed('doble', 1)")


def synthetic_lab(check_source: str, lab: str = "lab90_futuro") -> dict:
    """Un laboratorio pequeño de un ejercicio («doble») cuya celda de comprobación es ``check_source``."""
    def code(cell_id, source, curso=None):
        return {"cell_type": "code", "id": cell_id, "execution_count": None, "outputs": [], "source": source,
                "metadata": {"curso": curso} if curso else {}}

    return {"cells": [{"cell_type": "markdown", "id": "titulo", "metadata": {}, "source": "# Un laboratorio futuro"},
                      code("solucion", "def doble(x):\n    ### BEGIN SOLUTION\n    return 2 * x\n    ### END SOLUTION",
                           {"ejercicio": "doble", "incorrecta": "return x"}),
                      code("comprobacion", check_source, {"comprueba": "doble", "puntos": 1})],
            "metadata": {"curso": {"lab": lab}}, "nbformat": 4, "nbformat_minor": 5}


@pytest.mark.parametrize("lab, check_source", [
    ("lab90_futuro", OLD_STYLE_CHECK),                                   # comprobación al estilo anterior
    ("lab90_futuro", 'from grader import check\ncheck("lab90", "doble")'),  # sin grader/labs/lab90.py
    ("lab90_futuro", 'from grader import check\ncheck("lab01", "doble")'),  # la llamada es de otro laboratorio
    ("lab01_futuro", 'from grader import check\ncheck("lab01", "doble")'),  # ejercicio sin definición
])
def test_unported_lab_is_refused(lab, check_source):
    with pytest.raises(submission.UnportedLab) as info:
        submission.official_checks(synthetic_lab(check_source, lab), lab)
    assert str(info.value) == (f"error: el laboratorio {lab[:5]} no tiene sus comprobaciones como sondas y jueces; "
                               "el calificador no lo califica")


def test_one_unported_check_cell_is_enough_to_refuse_a_lab():
    name = "lab01_regresion_logistica"
    reference = notebooks.load(grade.source_labs()[name])
    assert submission.official_checks(reference, name)
    cell = next(c for c in reference["cells"] if c.get("metadata", {}).get("curso", {}).get("comprueba"))
    cell["source"] = OLD_STYLE_CHECK
    with pytest.raises(submission.UnportedLab, match="laboratorio lab01 no tiene"):
        submission.official_checks(reference, name)


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
    copy = copies.course_copy("lab01_regresion_logistica", reference)
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


def test_ast_parse_goes_through_the_lock():
    """El calificador corrige entregas en hilos y ``ast.parse`` no es seguro entre hilos en
    CPython 3.11 (cpython#106905: «AST constructor recursion depth mismatch»). Todo el
    análisis con ``ast`` del proceso principal debe pasar por ``static.parse``."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "grader"
    direct = [f"{p.relative_to(root.parent)}:{i}" for p in root.rglob("*.py") if p.name != "static.py"
              for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
              if re.search(r"\bast\.parse\(|\bcompile\(.*exec", line)]
    assert not direct, f"ast.parse sin cerrojo en: {direct}"



def test_mnist_through_a_symlink_reaches_the_sandbox(tmp_path, monkeypatch):
    """La CI pasa MNIST_IDX_DIR por el enlace ../shared → /work/shared. Dentro del sandbox el
    enlace apunta a una carpeta tapada: el entorno lleva la ruta real, que es la que se monta
    (antes, el laboratorio 5 oficial sacaba 6 de 10 en la CI: sus celdas de datos fallaban)."""
    real = tmp_path / "real" / "mnist-idx"
    real.mkdir(parents=True)
    enlace = tmp_path / "shared"
    enlace.symlink_to(tmp_path / "real")
    monkeypatch.setenv("MNIST_IDX_DIR", str(enlace / "mnist-idx"))
    env = sandbox.sandbox_env()
    assert env["MNIST_IDX_DIR"] == str(real.resolve())
    assert Path(env["MNIST_IDX_DIR"]) in sandbox._needed_paths()
