"""El calificador, probado sobre cada laboratorio real.

Para cada laboratorio, en un solo lote con dos trabajos: la fuente obtiene todos
los puntos, la versión del estudiante falla todas las comprobaciones y cada
respuesta incorrecta de los metadatos hace fallar la comprobación de su
ejercicio (cada una cortada justo después de su comprobación, para que sea
barata). Además: archivos dañados, bucles infinitos, metadatos perdidos y la
línea de órdenes. Los ataques están en ``test_grade_adversarial.py`` y las
piezas sin núcleo (análisis estático, avisos, sandbox) en ``test_grade_static.py``.
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


def truncated_after_check(nb, exercise):
    """Copia de ``nb`` que termina en la celda de comprobación de ``exercise``."""
    nb = copy.deepcopy(nb)
    end = next(i for i, c in enumerate(nb["cells"])
               if c.get("metadata", {}).get("curso", {}).get("comprueba") == exercise)
    nb["cells"] = nb["cells"][: end + 1]
    return nb


@pytest.fixture(scope="module", params=sorted(LABS), ids=str)
def lab_batch(request, tmp_path_factory):
    """Califica en un lote la fuente, la versión del estudiante y cada respuesta incorrecta."""
    name, path = request.param, LABS[request.param]
    tmp = tmp_path_factory.mktemp(name)
    nb = notebooks.load(path)
    files = {"fuente": _write(tmp / f"{name}.ipynb", nb),
             "estudiante": _write(tmp / f"{name}_estudiante.ipynb",
                                  notebooks.load(path.parent / notebooks.STUDENT_DIR / path.name))}
    wrong = {}
    for i, cell in enumerate(nb["cells"]):
        if notebooks.is_solution_cell(cell) and not notebooks.is_optional_cell(cell):
            info = cell["metadata"]["curso"]
            bad = copy.deepcopy(nb)
            bad["cells"][i]["source"] = notebooks.replace_solutions(notebooks._source(cell), info["incorrecta"])
            bad = truncated_after_check(bad, info["ejercicio"])
            files[info["ejercicio"]] = _write(tmp / f"{name}_mal_{info['ejercicio']}.ipynb", bad)
            wrong[info["ejercicio"]] = True
    results = grade.grade_batch(list(files.values()), LABS, jobs=2)
    return name, dict(zip(files, results)), wrong


def test_labs_exist():
    assert LABS, "no hay laboratorios en labs/"


def test_source_gets_full_points(lab_batch):
    name, results, _ = lab_batch
    r = results["fuente"]
    assert r.graded, r.status
    assert r.total == r.max_total > 0, r.feedback


def test_student_version_fails_every_check(lab_batch):
    name, results, _ = lab_batch
    r = results["estudiante"]
    assert r.graded, r.status
    assert r.total == 0
    assert set(r.feedback) == set(r.maximum), "alguna comprobación pasó sin resolver el ejercicio"
    assert all("Todavía no completaste" in m or "Error" in m for m in r.feedback.values()), r.feedback
    assert not r.warnings, f"la versión del estudiante no debería tener avisos: {r.warnings}"


def test_each_wrong_answer_fails_its_check(lab_batch):
    name, results, wrong = lab_batch
    assert wrong, "el laboratorio no tiene respuestas incorrectas en sus metadatos"
    for exercise in wrong:
        r = results[exercise]
        assert r.graded, r.status
        assert r.scores[exercise] == 0, f"la respuesta incorrecta de «{exercise}» pasó su comprobación"
        assert r.total < r.max_total


@pytest.mark.parametrize("name", sorted(LABS))
def test_check_cells_are_probe_calls(name):
    """Cada celda de comprobación es ``check("labNN", "ejercicio")`` y cada ejercicio de
    ``grader/labs/labNN.py`` tiene la suya (un laboratorio sin portar no se califica)."""
    from grader import api, submission

    reference = notebooks.load(LABS[name])
    checks = submission.official_checks(reference, name)
    defined = api.exercises(submission.lab_id(name))
    assert list(checks) == list(defined), "las celdas de comprobación y las definiciones no coinciden"
    for exercise, info in checks.items():
        assert submission.check_call(info["source"]) == (submission.lab_id(name), exercise)
        assert defined[exercise].judge_fn is not None, f"«{exercise}» no tiene juez"


def test_unported_lab_gets_one_line_and_the_batch_goes_on(tmp_path):
    """Un laboratorio cuyas comprobaciones no son sondas y jueces no se califica (ni se ejecuta):
    su entrega recibe una línea clara en el CSV y la siguiente entrega del lote se califica."""
    from test_grade_static import OLD_STYLE_CHECK, synthetic_lab

    labs_dir = tmp_path / "labs"
    labs_dir.mkdir()
    lab = synthetic_lab(OLD_STYLE_CHECK)
    labs = {**LABS, "lab90_futuro": _write(labs_dir / "lab90_futuro.ipynb", lab)}
    marker = tmp_path / "se_ejecuto.txt"
    sub = copy.deepcopy(lab)
    sub["cells"].insert(1, {"cell_type": "code", "id": "marca", "metadata": {}, "outputs": [], "execution_count": None,
                            "source": f"open({str(marker)!r}, 'w').write('sí')"})
    (tmp_path / "entregas").mkdir()
    futuro = _write(tmp_path / "entregas" / "lab90_futuro_ana.ipynb", sub)
    name, path = "lab01_regresion_logistica", LABS["lab01_regresion_logistica"]
    nb = notebooks.load(path)
    first = next(iter(notebooks.exercise_cells(nb)))
    portado = _write(tmp_path / "entregas" / f"{name}_ana.ipynb", truncated_after_check(nb, first))
    # Sin sandbox, para que la marca pudiera escribirse si la entrega llegara a ejecutarse.
    results = grade.grade_batch([futuro, portado], labs, jobs=1, sandbox=False)
    grade.write_csv(results, tmp_path / "notas.csv")
    rows = {os.path.basename(r["entrega"]): r for r in csv.DictReader((tmp_path / "notas.csv").open(encoding="utf-8"))}
    assert rows["lab90_futuro_ana.ipynb"]["estado"] == ("error: el laboratorio lab90 no tiene sus comprobaciones "
                                                        "como sondas y jueces; el calificador no lo califica")
    assert rows["lab90_futuro_ana.ipynb"]["total"] == "" and not marker.exists()
    assert rows[f"{name}_ana.ipynb"]["estado"] == "calificado", rows[f"{name}_ana.ipynb"]
    from grader import api

    points = str(api.get("lab01", first).points)
    assert rows[f"{name}_ana.ipynb"][first] == rows[f"{name}_ana.ipynb"]["total"] == points, rows[f"{name}_ana.ipynb"]


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
    (subs / "celdas_raras.ipynb").write_text(json.dumps({"cells": [1, "x", {"cell_type": "code"}], "metadata": {}}))
    out_csv = tmp_path / "notas.csv"
    proc = subprocess.run([sys.executable, "-m", "utils.grade", str(subs), str(tmp_path / "no-existe.ipynb"),
                           "--csv", str(out_csv), "--trabajos", "2"], cwd=ROOT, capture_output=True, text=True, timeout=600)
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
    assert "igual a la solución oficial" in good["avisos"]
    assert rows["roto.ipynb"]["estado"].startswith("error")
    assert len(rows) == 8 and rows["celdas_raras.ipynb"]["estado"].startswith("error")


def test_all_good_batch_exits_zero(tmp_path):
    name, path = sorted(LABS.items())[0]
    nb = notebooks.load(path)
    first = next(iter(notebooks.exercise_cells(nb)))
    sub = _write(tmp_path / f"{name}.ipynb", truncated_after_check(nb, first))
    proc = subprocess.run([sys.executable, "-m", "utils.grade", str(sub), "--csv", str(tmp_path / "c.csv")],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 de 1 entregas calificadas" in proc.stdout


def test_whole_submission_timeout(tmp_path):
    """Con un límite total pequeño la entrega entera se corta sin colgar el lote."""
    name, path = sorted(LABS.items())[0]
    nb = notebooks.load(path)
    i, cell = next((i, c) for i, c in enumerate(nb["cells"]) if notebooks.is_solution_cell(c))
    exercise = cell["metadata"]["curso"]["ejercicio"]
    nb["cells"][i]["source"] = notebooks.replace_solutions(notebooks._source(cell), "while True:\n    pass")
    sub = _write(tmp_path / f"{name}.ipynb", truncated_after_check(nb, exercise))
    r = grade.grade_file(sub, LABS, cell_timeout=600, timeout=20)
    assert not r.graded and "tiempo agotado" in r.status


@pytest.mark.parametrize("args, expected", [
    ([], "faltan estos argumentos"),
    (["x.ipynb", "--timeout", "abc"], "se esperaba un número entero"),
    (["x.ipynb", "--trabajos", "0"], "entero positivo"),
    (["x.ipynb", "--avisos", "nunca"], "opción no válida"),
    (["x.ipynb", "--desconocida"], "argumentos desconocidos"),
])
def test_cli_errors_are_spanish(args, expected):
    proc = subprocess.run([sys.executable, "-m", "utils.grade", *args], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 2 and expected in proc.stderr and "uso:" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_lost_metadata_and_renamed_copy_are_still_graded(tmp_path):
    """Un editor que borra los metadatos y un nombre como «Copia de lab01_….ipynb» no rompen la nota."""
    name, path = sorted(LABS.items())[0]
    nb = notebooks.load(path)
    first = next(iter(notebooks.exercise_cells(nb)))
    nb = truncated_after_check(nb, first)
    nb["metadata"].pop("curso", None)
    for cell in nb["cells"]:
        cell["metadata"] = {}
    a = _write(tmp_path / f"Copia de {name}.ipynb", nb)
    nb = copy.deepcopy(nb)
    for i, cell in enumerate(nb["cells"]):  # ids nuevos también: se reconocen por su primera línea
        cell["id"] = f"colab-{i}"
    (tmp_path / "b").mkdir()
    b = _write(tmp_path / "b" / f"Copia de {name}.ipynb", nb)
    for r in grade.grade_batch([a, b], LABS, jobs=2):
        assert r.graded, r.status
        assert r.scores[first] == r.maximum[first] > 0, r.feedback


def test_figures_and_keras_data_before_checks_are_fine(tmp_path):
    """Una figura de Matplotlib y los datos de Keras (solo lectura) antes de las comprobaciones no
    cuentan como manipulación ni fallan dentro del sandbox: la fuente sigue con todos los puntos."""
    name, path = "lab01_regresion_logistica", LABS["lab01_regresion_logistica"]
    nb = notebooks.load(path)
    first = next(i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code")
    source = ("import os\n"
              "import matplotlib.pyplot as plt\n"
              "plt.plot([1, 2]); plt.show()\n"
              "try:\n"
              "    import keras\n"
              "    (x_moda, _), _ = keras.datasets.fashion_mnist.load_data()\n"
              "except Exception:\n"
              "    os._exit(1)  # sin los datos, el núcleo muere y ninguna comprobación pasa\n")
    nb["cells"].insert(first + 1, {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                                   "id": "figura-y-datos", "source": source})
    r = grade.grade_file(_write(tmp_path / f"{name}_figura.ipynb", nb), LABS)
    assert r.graded, r.status
    assert r.total == r.max_total, r.feedback


def test_an_earlier_failing_cell_is_named_in_the_comment(tmp_path):
    """Una celda que no es de comprobación y lanza un error (p. ej. la de entrenamiento) aparece en el
    comentario de la comprobación que falla por su culpa, con su excepción; no solo «¿ejecutaste su celda?»."""
    name, path = "lab01_regresion_logistica", LABS["lab01_regresion_logistica"]
    nb = notebooks.load(path)
    first = next(iter(notebooks.exercise_cells(nb)))
    nb = truncated_after_check(nb, first)
    sol = next(i for i, c in enumerate(nb["cells"]) if notebooks.is_solution_cell(c))
    nb["cells"][sol]["source"] = "raise ValueError('valor de prueba 4711')\n" + notebooks._source(nb["cells"][sol])
    r = grade.grade_file(_write(tmp_path / f"{name}_error.ipynb", nb), LABS)
    assert r.graded, r.status
    assert r.scores[first] == 0
    assert "ValueError: valor de prueba 4711" in r.feedback[first], r.feedback
    assert "Antes de esta comprobación" in r.feedback[first]


def test_earlier_error_only_names_cells_since_the_previous_check():
    from grader.cli import _earlier_error

    errores = {2: "NameError: name 'x' is not defined", 7: "ValueError: shapes (3,) and (4,) not aligned"}
    assert "ValueError" in _earlier_error(errores, 5, 9)
    assert _earlier_error(errores, 2, 5) == ""                       # la celda 2 es anterior a la comprobación previa
    assert "NameError" in _earlier_error(errores, -1, 5)
    assert _earlier_error(errores, 5, 9, "… shapes (3,) and (4,) not aligned …") == ""   # ya lo dice el comentario
