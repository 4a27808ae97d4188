"""La vía heredada: un laboratorio cuyas comprobaciones aún no son ``check("labNN", …)``.

Se arma un laboratorio de una sola comprobación al estilo anterior (la celda llama a
``utils.checks`` dentro del núcleo del estudiante) y se califica: la fuente puntúa, una
respuesta incorrecta no, y el CSV avisa de que el veredicto no viene de un juez.
"""

import copy
import json

import pytest

from utils import grade, notebooks

OLD_CHECK = ("# Comprobación del ejercicio 1 (no modifiques esta celda).\n"
             "import numpy as _np\n"
             "from utils import checks as _checks\n"
             "_checks.check_close(_checks.call_student(sigmoid, _np.array([0.0, 2.0]), name='sigmoid'),\n"
             "                    [0.5, 0.8807970779778823], what='sigmoid en 0 y 2')\n"
             "_checks.passed('sigmoid', 2)")


def _legacy_lab(tmp_path):
    nb = notebooks.load(grade.source_labs()["lab01_regresion_logistica"])
    end = next(i for i, c in enumerate(nb["cells"]) if c.get("metadata", {}).get("curso", {}).get("comprueba") == "sigmoid")
    nb["cells"] = nb["cells"][: end + 1]
    nb["cells"][end]["source"] = OLD_CHECK
    nb["metadata"]["curso"] = {"lab": "lab01_heredado"}
    labs = tmp_path / "labs"
    labs.mkdir()
    path = labs / "lab01_heredado.ipynb"
    path.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    return nb, {"lab01_heredado": path}


def test_legacy_lab_is_still_graded_with_a_warning(tmp_path):
    if not grade.sandbox_status()[0]:
        pytest.skip("bubblewrap no funciona en esta máquina")
    nb, labs = _legacy_lab(tmp_path)
    subs = tmp_path / "entregas"
    subs.mkdir()
    good = subs / "lab01_heredado_bien.ipynb"
    good.write_text(json.dumps(nb, ensure_ascii=False), encoding="utf-8")
    bad_nb = copy.deepcopy(nb)
    i = next(i for i, c in enumerate(bad_nb["cells"]) if c.get("metadata", {}).get("curso", {}).get("ejercicio") == "sigmoid")
    bad_nb["cells"][i]["source"] = notebooks.replace_solutions(notebooks._source(bad_nb["cells"][i]),
                                                               "return 1 / (1 + np.exp(z))")
    bad = subs / "lab01_heredado_mal.ipynb"
    bad.write_text(json.dumps(bad_nb, ensure_ascii=False), encoding="utf-8")
    r_good, r_bad = grade.grade_batch([good, bad], labs, jobs=2)
    assert r_good.graded and r_good.scores == {"sigmoid": 2}, (r_good.status, r_good.feedback)
    assert r_good.via == "heredada" and "calificación heredada" in " ".join(r_good.warnings["calificación"])
    assert r_bad.graded and r_bad.scores == {"sigmoid": 0}
    assert "sigmoid en 0 y 2" in r_bad.feedback["sigmoid"], r_bad.feedback
