"""Pruebas de las extensiones del sitio (``_ext/``): soluciones, botones y bibliografía."""

import sys

import pytest

from utils import notebooks

sys.path.insert(0, str(notebooks.ROOT / "_ext"))
import bibliografia_es  # noqa: E402
import sitio  # noqa: E402


def test_solutions_lose_markers_and_fold_with_their_output():
    nb = {"cells": [
        {"cell_type": "code", "metadata": {"tags": ["hide-input"], "curso": {"ejercicio": "f"}},
         "source": ["def f():\n", "    ### BEGIN SOLUTION\n", "    return 1\n", "    ### END SOLUTION\n"]},
        {"cell_type": "code", "metadata": {}, "source": "x = 1"},
    ]}
    assert sitio.preparar_soluciones(nb)
    sol, otra = nb["cells"]
    assert "SOLUTION" not in sol["source"] and "return 1" in sol["source"]
    assert "hide-cell" in sol["metadata"]["tags"] and "hide-input" not in sol["metadata"]["tags"]
    assert sol["metadata"]["mystnb"]["code_prompt_show"] == "Mostrar solución"
    assert otra["metadata"] == {}, "una celda que no es solución no cambia"
    assert not sitio.preparar_soluciones({"cells": [otra]})


def test_lab_pages_launch_the_student_copy(tmp_path):
    (tmp_path / "labs" / notebooks.STUDENT_DIR).mkdir(parents=True)
    (tmp_path / "labs" / notebooks.STUDENT_DIR / "lab09_x.ipynb").write_text("{}")
    assert sitio.cuaderno_estudiante(tmp_path, "labs/lab09_x") == f"labs/{notebooks.STUDENT_DIR}/lab09_x.ipynb"
    assert sitio.cuaderno_estudiante(tmp_path, "chapters/01_neurona") is None
    assert sitio.cuaderno_estudiante(tmp_path, "labs/lab10_sin_copia") is None


def test_issue_link_is_spanish():
    url = sitio.issue_url("https://github.com/o/r", "chapters/01_neurona")
    assert url.startswith("https://github.com/o/r/issues/new?title=Error%20en%20la%20p%C3%A1gina")
    assert "Issue" not in url and "Your" not in url


def test_scripts_deduplicated_and_local_only():
    from sphinx.builders.html._assets import _JavaScript

    scripts = [_JavaScript("a.js"), _JavaScript("a.js?v=2"), _JavaScript("https://cdn.example/x.js"),
               _JavaScript(None, body="var x = 1;"), _JavaScript(None, body="var x = 1;"),
               _JavaScript(None, type="application/vnd.jupyter.widget-state+json", body="{}"),
               _JavaScript(None, body='const THEBE_JS_URL = "u"'), _JavaScript("_static/sphinx-thebe.js")]
    limpios = sitio._limpiar(scripts)
    assert [s.filename for s in limpios] == ["a.js", None]
    assert len(sitio._limpiar(scripts, con_thebe=True)) == 4


@pytest.fixture(scope="module")
def referencias():
    from pybtex.database import parse_file
    from pybtex.plugin import find_plugin

    bibliografia_es.registrar()
    estilo = find_plugin("pybtex.style.formatting", "autor_anio_es")()
    bib = parse_file(str(notebooks.ROOT / "references.bib"))
    return [(e.label, e.text.render_as("text")) for e in estilo.format_entries(bib.entries.values())]


def test_bibliography_style_is_spanish_author_year(referencias):
    etiquetas = [etiqueta for etiqueta, _ in referencias]
    assert len(set(etiquetas)) == len(etiquetas), "dos obras con la misma etiqueta"
    for etiqueta, texto in referencias:
        assert etiqueta.split(", ")[-1][:4].isdigit(), f"etiqueta sin año: {etiqueta}"
        sin_titulo = texto.split(". ", 1)[0]  # autores: aquí no debe quedar «and»
        assert " and " not in sin_titulo, texto
        for ingles in ("In Proceedings", " edition", "volume ", "URL:", "Imagenet"):
            assert ingles not in texto, f"{etiqueta}: «{ingles}» en «{texto}»"
    apellidos = [e.split(",")[0].split(" ")[0] for e in etiquetas]
    assert apellidos.index("Géron") < apellidos.index("Glorot"), "el orden alfabético ignora las tildes"
