"""El calificador, probado sobre cada laboratorio real.

Para cada laboratorio: la fuente obtiene todos los puntos, la versión del
estudiante falla todas las comprobaciones y cada respuesta incorrecta de los
metadatos hace fallar la comprobación de su ejercicio. Además: archivos dañados,
bucles infinitos, entregas que intentan cambiar las comprobaciones o escribir
fuera de su directorio temporal.
"""

import copy
import csv
import json
import os
import subprocess
import sys

import pytest

from utils import grade, notebooks

ROOT = notebooks.ROOT
LABS = grade.source_labs()


def _write(path, nb):
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture(scope="module", params=sorted(LABS), ids=str)
def lab(request):
    return request.param, LABS[request.param]


def test_labs_exist():
    assert LABS, "no hay laboratorios en labs/"


def test_source_gets_full_points(lab):
    name, path = lab
    r = grade.grade_file(path, LABS)
    assert r.graded, r.status
    assert r.total == r.max_total > 0, r.feedback


def test_student_version_fails_every_check(lab):
    name, path = lab
    r = grade.grade_file(path.parent / notebooks.STUDENT_DIR / path.name, LABS)
    assert r.graded, r.status
    assert r.total == 0
    assert set(r.feedback) == set(r.maximum), "alguna comprobación pasó sin resolver el ejercicio"
    assert all("Todavía no completaste" in m or "Error" in m for m in r.feedback.values()), r.feedback


def test_each_wrong_answer_fails_its_check(lab, tmp_path):
    name, path = lab
    nb = notebooks.load(path)
    mutated = []
    for i, cell in enumerate(nb["cells"]):
        if notebooks.is_solution_cell(cell):
            info = cell["metadata"]["curso"]
            bad = copy.deepcopy(nb)
            bad["cells"][i]["source"] = notebooks.replace_solutions(notebooks._source(cell), info["incorrecta"])
            mutated.append((info["ejercicio"], _write(tmp_path / f"{name}_{info['ejercicio']}.ipynb", bad)))
    assert mutated
    for exercise, sub in mutated:
        r = grade.grade_file(sub, LABS)
        assert r.graded, r.status
        assert r.scores[exercise] == 0, f"la respuesta incorrecta de «{exercise}» pasó su comprobación"
        assert r.total < r.max_total


def test_batch_with_corrupt_files_and_csv(tmp_path):
    name, path = sorted(LABS.items())[0]
    subs = tmp_path / "entregas"
    (subs / "grupo").mkdir(parents=True)
    (subs / "grupo" / f"{name}_ana.ipynb").write_bytes(path.read_bytes())
    (subs / "roto.ipynb").write_text('{"cells": [', encoding="utf-8")
    (subs / "binario.ipynb").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (subs / "lista.ipynb").write_text("[1, 2, 3]", encoding="utf-8")
    (subs / "notas.pdf").write_bytes(b"%PDF-1.4")
    (subs / "desconocido.ipynb").write_text(json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    out_csv = tmp_path / "notas.csv"
    proc = subprocess.run([sys.executable, "-m", "utils.grade", str(subs), str(tmp_path / "no-existe.ipynb"),
                           "--csv", str(out_csv)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1, "con entregas ilegibles el código de salida debe ser 1"
    text = proc.stdout
    assert "archivo corrupto" in text
    assert "no es un cuaderno de Jupyter (.ipynb)" in text
    assert "estructura de un cuaderno" in text
    assert "no se reconoce a qué laboratorio" in text
    assert "la ruta no existe" in text
    assert "Traceback" not in text + proc.stderr
    rows = {os.path.basename(r["entrega"]): r for r in csv.DictReader(out_csv.open(encoding="utf-8"))}
    good = rows[f"{name}_ana.ipynb"]
    assert good["estado"] == "calificado" and good["total"] == good["maximo"]
    assert rows["roto.ipynb"]["estado"].startswith("error")


def test_all_good_batch_exits_zero(tmp_path):
    name, path = sorted(LABS.items())[0]
    sub = tmp_path / "lab.ipynb"
    sub.write_bytes(path.read_bytes())
    proc = subprocess.run([sys.executable, "-m", "utils.grade", str(sub), "--csv", str(tmp_path / "c.csv")],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 de 1 entregas calificadas" in proc.stdout


def test_infinite_loop_is_stopped(tmp_path):
    name, path = sorted(LABS.items())[0]
    nb = notebooks.load(path)
    i, cell = next((i, c) for i, c in enumerate(nb["cells"]) if notebooks.is_solution_cell(c))
    exercise = cell["metadata"]["curso"]["ejercicio"]
    nb["cells"][i]["source"] = notebooks.replace_solutions(notebooks._source(cell), "while True:\n    pass")
    sub = _write(tmp_path / f"{name}.ipynb", nb)
    r = grade.grade_file(sub, LABS, cell_timeout=5)
    assert r.graded, r.status
    assert r.scores[exercise] == 0, r.feedback
    assert all("tiempo límite" in msg for msg in r.feedback.values()), r.feedback
    # Con un límite total pequeño la entrega entera se corta sin colgar el lote.
    r2 = grade.grade_file(sub, LABS, cell_timeout=600, timeout=20)
    assert not r2.graded and "tiempo agotado" in r2.status


def test_tampered_checks_are_replaced(tmp_path):
    name, path = sorted(LABS.items())[0]
    student = notebooks.load(path.parent / notebooks.STUDENT_DIR / path.name)
    for cell in student["cells"]:
        if "comprueba" in cell.get("metadata", {}).get("curso", {}):
            cell["source"] = "print('todo bien')"
            cell["metadata"]["curso"]["puntos"] = 1000
    r = grade.grade_file(_write(tmp_path / f"{name}.ipynb", student), LABS)
    assert r.graded and r.total == 0
    assert r.max_total == sum(i["puntos"] for i in notebooks.exercise_cells(notebooks.load(path)).values())


def test_submission_writes_only_in_a_temporary_directory(tmp_path):
    name, path = sorted(LABS.items())[0]
    nb = notebooks.load(path)
    nb["cells"].append({"cell_type": "code", "execution_count": None, "id": "escribe", "metadata": {},
                        "outputs": [], "source": "from pathlib import Path\n"
                        "Path('basura.txt').write_text('x')\nPath.home().joinpath('basura_home.txt').write_text('x')"})
    subs = tmp_path / "entregas"
    subs.mkdir()
    sub = _write(subs / f"{name}.ipynb", nb)
    before = set(os.listdir(ROOT))
    r = grade.grade_file(sub, LABS)
    assert r.graded and r.total == r.max_total
    assert sorted(os.listdir(subs)) == [sub.name]
    assert set(os.listdir(ROOT)) == before
    assert not (ROOT / "basura.txt").exists()
    assert not os.path.exists(os.path.expanduser("~/basura_home.txt"))


@pytest.mark.parametrize("args, expected", [
    ([], "faltan estos argumentos"),
    (["x.ipynb", "--timeout", "abc"], "se esperaba un número entero"),
    (["x.ipynb", "--desconocida"], "argumentos desconocidos"),
])
def test_cli_errors_are_spanish(args, expected):
    proc = subprocess.run([sys.executable, "-m", "utils.grade", *args], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2 and expected in proc.stderr and "uso:" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_lost_metadata_and_renamed_copy_are_still_graded(tmp_path):
    """Un editor que borra los metadatos y un nombre como «Copia de lab01_….ipynb» no rompen la nota."""
    name, path = sorted(LABS.items())[0]
    nb = notebooks.load(path)
    nb["metadata"].pop("curso", None)
    for cell in nb["cells"]:
        cell["metadata"] = {}
    r = grade.grade_file(_write(tmp_path / f"Copia de {name}.ipynb", nb), LABS)
    assert r.graded, r.status
    assert r.total == r.max_total > 0, r.feedback
    for i, cell in enumerate(nb["cells"]):  # ids nuevos también: se reconocen por su primera línea
        cell["id"] = f"colab-{i}"
    r = grade.grade_file(_write(tmp_path / f"Copia de {name}.ipynb", nb), LABS)
    assert r.total == r.max_total > 0, r.feedback
