"""Convenciones de los cuadernos: sin salidas, GPU en Colab, celda de preparación
idéntica y versiones del estudiante sincronizadas."""

import json

import pytest

from utils import notebooks

ROOT = notebooks.ROOT
ALL = sorted(list((ROOT / "chapters").rglob("*.ipynb")) + list((ROOT / "labs").rglob("*.ipynb")))
LABS = sorted((ROOT / "labs").glob("lab*.ipynb"))


def _id(p):
    return str(p.relative_to(ROOT))


def test_there_are_notebooks():
    assert any(p.parent == ROOT / "chapters" for p in ALL), "no hay capítulos"
    assert LABS, "no hay laboratorios"


@pytest.mark.parametrize("path", ALL, ids=_id)
def test_notebook_conventions(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code), "tiene salidas guardadas"
    assert nb["metadata"]["accelerator"] == "GPU"
    assert nb["metadata"]["colab"]["gpuType"]
    expected = notebooks.setup_cell_source(notebooks.read_config()["repo_url"])
    assert notebooks._source(code[0]) == expected, "la primera celda de código no es la celda de preparación común"
    assert nb["cells"][0]["cell_type"] == "markdown" and nb["cells"][0]["source"].startswith("# ")
    ids = [c.get("id") for c in nb["cells"]]
    assert all(ids) and len(set(ids)) == len(ids), "cada celda necesita un `id` propio (nbformat 4.5)"


def test_everything_in_sync():
    stale = notebooks.sync(check=True)
    assert not stale, f"ejecuta `python -m utils.notebooks sync`: {[_id(p) for p in stale]}"


def test_setup_cell_derives_url_from_config():
    cfg = notebooks.read_config()
    assert f'REPO_URL = "{cfg["repo_url"]}"' in notebooks.setup_cell_source(cfg["repo_url"])
    assert notebooks.colab_link("labs/x.ipynb", cfg) == (
        f"https://colab.research.google.com/github/{cfg['slug']}/blob/{cfg['branch']}/labs/x.ipynb")


@pytest.mark.parametrize("path", LABS, ids=_id)
def test_lab_structure(path):
    nb = notebooks.load(path)
    assert nb["metadata"]["curso"]["lab"] == path.stem
    every = [c for c in nb["cells"] if notebooks.is_solution_cell(c)]
    solutions = [c for c in every if not notebooks.is_optional_cell(c)]   # los desafíos opcionales no puntúan
    checks = notebooks.exercise_cells(nb)
    assert solutions and checks
    for cell in every:
        if notebooks.is_optional_cell(cell):
            assert "ejercicio" not in cell["metadata"]["curso"], "un desafío opcional no es un ejercicio calificado"
            assert "hide-input" in cell["metadata"]["tags"], "las soluciones deben verse plegadas en el libro"
    names = [c["metadata"]["curso"]["ejercicio"] for c in solutions]
    assert set(names) == set(checks), "cada ejercicio necesita su celda de comprobación y viceversa"
    for cell in solutions:
        assert cell["metadata"]["curso"].get("incorrecta"), "falta la respuesta incorrecta de prueba"
        assert "hide-input" in cell["metadata"]["tags"], "las soluciones deben verse plegadas en el libro"
    assert all(info["puntos"] > 0 for info in checks.values())
    student = notebooks.load(path.parent / notebooks.STUDENT_DIR / path.name)
    text = json.dumps(student, ensure_ascii=False)
    assert notebooks.BEGIN not in text and "incorrecta" not in text
    code = "".join(notebooks._source(c) for c in student["cells"] if c["cell_type"] == "code")
    assert code.count(notebooks.PLACEHOLDER) == sum(notebooks._source(c).count(notebooks.BEGIN) for c in every)


def test_replace_solutions_keeps_indentation_and_rejects_unbalanced():
    src = "def f(x):\n    \"\"\"Doc.\"\"\"\n    ### BEGIN SOLUTION\n    return x\n    ### END SOLUTION\n"
    out = notebooks.replace_solutions(src)
    assert "    # TU CÓDIGO AQUÍ\n    raise NotImplementedError" in out and "return x" not in out
    assert "return 0" in notebooks.replace_solutions(src, "return 0")
    with pytest.raises(ValueError, match="sin su"):
        notebooks.replace_solutions("### BEGIN SOLUTION\nx = 1\n")
    with pytest.raises(ValueError, match="sin su"):
        notebooks.replace_solutions("x = 1\n### END SOLUTION\n")


def test_load_rejects_non_notebooks(tmp_path):
    bad = tmp_path / "x.ipynb"
    bad.write_text("{roto")
    with pytest.raises(ValueError, match="no es un cuaderno"):
        notebooks.load(bad)
    bad.write_text("[1, 2]")
    with pytest.raises(ValueError, match="no es un cuaderno"):
        notebooks.load(bad)


def test_english_terms_are_in_the_glossary():
    """Cada término en inglés que un capítulo presenta como «(*term*)» figura en el glosario."""
    import re

    glossary = (ROOT / "glosario.md").read_text(encoding="utf-8").lower()
    missing = {}
    for path in ALL:
        if notebooks.STUDENT_DIR in path.parts:
            continue
        text = "\n".join(notebooks._source(c) for c in notebooks.load(path)["cells"] if c["cell_type"] == "markdown")
        for term in re.findall(r"\(\*([^*]+)\*", text):
            t = term.lower()
            if t not in glossary and t.rstrip("s") not in glossary:  # «features» → «feature»
                missing.setdefault(_id(path), []).append(term)
    assert not missing, f"términos sin entrada en glosario.md: {missing}"


def test_glossary_is_sorted():
    import unicodedata

    text = (ROOT / "glosario.md").read_text(encoding="utf-8")
    body = text[text.index("```{glossary}"):].split("\n")[1:]
    terms = [l for l in body if l and not l.startswith((" ", "```"))]
    key = [unicodedata.normalize("NFKD", t).encode("ascii", "ignore").decode().lower() for t in terms]
    assert len(terms) > 20 and key == sorted(key), "ordena alfabéticamente las entradas de glosario.md"


def test_scale_is_compared_with_the_names_pick_scale_returns():
    """``pick_scale`` devuelve «CPU» o «GPU»: comparar con «cpu» deja las comprobaciones sin ejecutar nunca
    (pasó en el capítulo 10: sus cuatro assert de la transferencia eran código muerto)."""
    import re

    from utils.device import pick_scale

    assert pick_scale({}, {})["scale"] in ("CPU", "GPU")
    patron = re.compile(r"""\[\s*["']scale["']\s*\]\s*(?:==|!=|in)\s*[\(\["']*\s*["'](?!CPU|GPU)[^"']*["']""")
    malos = [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in ALL
             for c in notebooks.load(p)["cells"] if c["cell_type"] == "code"
             for m in patron.finditer(notebooks._source(c))]
    assert not malos, "comparaciones de escala que nunca se cumplen: " + "; ".join(malos)
    assert patron.search('if ESCALA["scale"] == "cpu":') and not patron.search('if cfg["scale"] == "GPU":')


def test_student_copies_say_what_not_to_edit_and_the_grading_scale():
    """Issue 19: el aviso de la versión del estudiante nombra las celdas que no se tocan (las de
    comprobación, no todo el cuaderno) y dice que la calificación corre a escala de CPU."""
    copias = sorted((ROOT / "labs" / notebooks.STUDENT_DIR).glob("lab*.ipynb"))
    assert copias
    for p in copias:
        texto = "\n".join(notebooks._source(c) for c in notebooks.load(p)["cells"] if c["cell_type"] == "markdown")
        assert "No modifiques las celdas de comprobación" in texto, p.name
        assert "escala de una CPU" in texto, p.name
        assert "no lo edites a mano" not in texto, p.name
