"""Mantenimiento de los cuadernos del curso: metadatos, celda de preparación y
cuadernos del estudiante.

Todo lo que se deriva de ``_config.yml`` (la URL del repositorio) se escribe
desde aquí, de modo que esa URL vive en un solo lugar:

- cada cuaderno de ``chapters/`` y ``labs/`` queda sin salidas, pide una GPU en
  Colab y empieza con la misma celda de preparación (:func:`setup_cell_source`);
- cada laboratorio fuente ``labs/labNN_*.ipynb`` recibe un enlace a su versión
  del estudiante y genera ``labs/estudiante/labNN_*.ipynb``, con cada solución
  (entre ``### BEGIN SOLUTION`` y ``### END SOLUTION``) cambiada por
  ``# TU CÓDIGO AQUÍ`` y un ``raise NotImplementedError``, y cada respuesta modelo
  de una pregunta escrita (celda markdown con ``{"curso": {"respuesta": true}}``)
  cambiada por un espacio para la respuesta del estudiante.

Un desafío opcional (sin puntos) también lleva su solución entre los marcadores, en
una celda con ``{"curso": {"opcional": "<nombre>"}}``: la página del libro la
ejecuta (y la pliega, como las demás), el estudiante recibe el hueco y el
calificador no la cuenta.

Uso::

    python -m utils.notebooks sync          # reescribe lo que haga falta
    python -m utils.notebooks sync --check  # solo comprueba (lo usa la CI)
"""

from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path

from .validation import SpanishArgumentParser

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
PLACEHOLDER = "# TU CÓDIGO AQUÍ"
SETUP_MARK = "# Preparación del entorno"
STUDENT_DIR = "estudiante"
ANSWER_PLACEHOLDER = "**Tu respuesta:** *(escribe aquí, en dos o tres frases)*"


# ---------------------------------------------------------------------------
# Configuración derivada de _config.yml
# ---------------------------------------------------------------------------

def read_config(root: Path = ROOT) -> dict:
    """Lee ``_config.yml`` y devuelve la URL del repositorio, la rama y Colab.

    >>> sorted(read_config())
    ['branch', 'colab_url', 'path_to_book', 'repo_url', 'slug']
    """
    import yaml

    cfg = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    repo = cfg["repository"]
    url = repo["url"].rstrip("/")
    m = re.fullmatch(r"https://github\.com/([^/]+/[^/]+?)(\.git)?", url)
    if not m:
        raise ValueError(f"repository.url en _config.yml debe ser https://github.com/<organización>/<repositorio>; es {url!r}.")
    return {
        "repo_url": url,
        "slug": m.group(1),
        "branch": repo.get("branch", "main"),
        "path_to_book": (repo.get("path_to_book") or "").strip("/"),
        "colab_url": cfg["launch_buttons"]["colab_url"].rstrip("/"),
    }


def colab_link(relpath: str, config: dict | None = None) -> str:
    """URL de Colab que abre el cuaderno ``relpath`` (relativo a la raíz del libro).

    >>> colab_link("labs/lab01.ipynb").startswith("https://colab.research.google.com/github/")
    True
    """
    c = config or read_config()
    path = "/".join(p for p in (c["path_to_book"], relpath) if p)
    return f"{c['colab_url']}/github/{c['slug']}/blob/{c['branch']}/{path}"


def setup_cell_source(repo_url: str) -> str:
    """Código de la celda de preparación, idéntico en todos los cuadernos.

    En Colab clona el repositorio (una sola vez) y lo añade a ``sys.path``; en
    local busca hacia arriba la carpeta que contiene ``utils/``. No instala nada:
    Colab ya trae TensorFlow, NumPy y Matplotlib.
    """
    return f'''{SETUP_MARK} (igual en todos los cuadernos; no hace falta modificarla).
# En Colab descarga el código del curso; en local solo hace importable `utils`.
import os, sys, subprocess
from pathlib import Path
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # silencia los avisos de TensorFlow
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
REPO_URL = "{repo_url}"
if "google.colab" in sys.modules:
    raiz = Path("curso-dl").resolve()
    if not (raiz / "utils").is_dir():
        subprocess.run(["git", "clone", "--quiet", "--depth=1", REPO_URL, str(raiz)], check=True)
else:
    aqui = Path.cwd().resolve()
    raiz = next((p for p in [aqui, *aqui.parents] if (p / "utils" / "__init__.py").is_file()), aqui)
sys.path.insert(0, str(raiz))
import utils
utils.report_device()'''


# ---------------------------------------------------------------------------
# Transformaciones de un cuaderno (diccionarios JSON de nbformat 4)
# ---------------------------------------------------------------------------

def _source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _code_cell(source: str, cell_id: str, tags: list[str], extra_meta: dict | None = None) -> dict:
    meta = {"tags": tags}
    meta.update(extra_meta or {})
    return {"cell_type": "code", "execution_count": None, "id": cell_id,
            "metadata": meta, "outputs": [], "source": source}


def _markdown_cell(source: str, cell_id: str, extra_meta: dict | None = None) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": dict(extra_meta or {}), "source": source}


def normalize(nb: dict, config: dict) -> dict:
    """Devuelve una copia de ``nb`` lista para publicar.

    Quita salidas y contadores, fija los metadatos de Colab (GPU) y del kernel,
    y pone la celda de preparación como primera celda de código.
    """
    nb = copy.deepcopy(nb)
    nb["nbformat"], nb["nbformat_minor"] = 4, 5
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        cell["source"] = _source(cell)
        cell.get("metadata", {}).pop("execution", None)
    meta = nb.setdefault("metadata", {})
    meta["accelerator"] = "GPU"
    meta["colab"] = {"gpuType": "T4", "provenance": [], "toc_visible": True}
    meta["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    meta["language_info"] = {"name": "python"}
    setup = _code_cell(setup_cell_source(config["repo_url"]), "preparacion", ["hide-cell"])
    first_code = next((i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code"), None)
    if first_code is not None and _source(nb["cells"][first_code]).startswith(SETUP_MARK):
        nb["cells"][first_code] = setup
    else:
        # Justo después del título (primera celda markdown), o al principio.
        pos = 1 if nb["cells"] and nb["cells"][0]["cell_type"] == "markdown" else 0
        nb["cells"].insert(pos, setup)
    return nb


def replace_solutions(source: str, replacement: str | None = None) -> str:
    """Cambia cada bloque ``### BEGIN SOLUTION`` … ``### END SOLUTION``.

    Sin ``replacement`` pone el marcador ``# TU CÓDIGO AQUÍ`` y un
    ``raise NotImplementedError``; con él, pone ese código (sirve para probar
    respuestas incorrectas). Respeta la sangría de la línea ``BEGIN``.

    >>> print(replace_solutions("def f():\\n    ### BEGIN SOLUTION\\n    return 1\\n    ### END SOLUTION"))
    def f():
        # TU CÓDIGO AQUÍ
        raise NotImplementedError("Completa este ejercicio.")
    """
    lines, out, inside, indent = source.split("\n"), [], False, ""
    for line in lines:
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError("Hay un «### BEGIN SOLUTION» sin su «### END SOLUTION».")
            inside, indent = True, line[: len(line) - len(line.lstrip())]
            if replacement is None:
                out += [indent + PLACEHOLDER, indent + 'raise NotImplementedError("Completa este ejercicio.")']
            else:
                out += [indent + r if r else r for r in replacement.split("\n")]
        elif stripped == END:
            if not inside:
                raise ValueError("Hay un «### END SOLUTION» sin su «### BEGIN SOLUTION».")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError("Hay un «### BEGIN SOLUTION» sin su «### END SOLUTION».")
    return "\n".join(out)


def strip_solution_markers(source: str) -> str:
    """Quita las líneas de marcadores y deja la solución (versión del libro)."""
    return "\n".join(l for l in source.split("\n") if l.strip() not in (BEGIN, END))


def is_solution_cell(cell: dict) -> bool:
    """``True`` si la celda contiene un bloque de solución."""
    return cell["cell_type"] == "code" and BEGIN in _source(cell)


def is_optional_cell(cell: dict) -> bool:
    """``True`` si la celda es la solución de un desafío opcional (sin puntos ni comprobación).

    >>> is_optional_cell({"cell_type": "code", "source": "### BEGIN SOLUTION\\nx = 1\\n### END SOLUTION",
    ...                   "metadata": {"curso": {"opcional": "sin_bucles"}}})
    True
    """
    return is_solution_cell(cell) and bool(cell.get("metadata", {}).get("curso", {}).get("opcional"))


def exercise_cells(nb: dict) -> dict[str, dict]:
    """Diccionario ``ejercicio → {"puntos", "celda"}`` de las celdas de comprobación.

    Una celda de comprobación lleva en sus metadatos
    ``{"curso": {"comprueba": "<ejercicio>", "puntos": <número>}}``.
    """
    found = {}
    for i, cell in enumerate(nb.get("cells", [])):
        info = cell.get("metadata", {}).get("curso", {})
        if cell.get("cell_type") == "code" and "comprueba" in info:
            found[info["comprueba"]] = {"puntos": info.get("puntos", 1), "celda": i}
    return found


def lab_link_cell(student_relpath: str, config: dict) -> dict:
    """Celda markdown con el enlace a la versión del estudiante en Colab."""
    url = colab_link(student_relpath, config)
    text = (":::{admonition} Versión para resolver\n:class: tip\n\n"
            "Esta página muestra el laboratorio **con las soluciones** (plegadas). "
            f"Para resolverlo tú, abre la [versión del estudiante en Colab]({url}) "
            f"(`{student_relpath}`), completa cada `# TU CÓDIGO AQUÍ` y ejecuta las "
            "celdas de comprobación.\n:::")
    return _markdown_cell(text, "enlace-estudiante", {"curso": {"enlace_estudiante": True}})


def with_lab_link(nb: dict, student_relpath: str, config: dict) -> dict:
    """Pone (o actualiza) el enlace al estudiante tras el título y pliega las soluciones."""
    nb = copy.deepcopy(nb)
    # Conserva el resto de los metadatos del laboratorio (por ejemplo curso.permitidos).
    nb["metadata"]["curso"] = {**nb["metadata"].get("curso", {}), "lab": Path(student_relpath).stem}
    nb["cells"] = [c for c in nb["cells"] if not c.get("metadata", {}).get("curso", {}).get("enlace_estudiante")]
    pos = 1 if nb["cells"] and nb["cells"][0]["cell_type"] == "markdown" else 0
    nb["cells"].insert(pos, lab_link_cell(student_relpath, config))
    for cell in nb["cells"]:
        if is_solution_cell(cell):
            tags = cell.setdefault("metadata", {}).setdefault("tags", [])
            if "hide-input" not in tags:
                tags.append("hide-input")
    return nb


def make_student(nb: dict, source_relpath: str) -> dict:
    """Genera el cuaderno del estudiante a partir del laboratorio fuente ``nb``."""
    nb = copy.deepcopy(nb)
    cells = []
    for cell in nb["cells"]:
        if cell.get("metadata", {}).get("curso", {}).get("enlace_estudiante"):
            continue
        if is_solution_cell(cell):
            cell["source"] = replace_solutions(_source(cell))
            tags = [t for t in cell["metadata"].get("tags", []) if t != "hide-input"]
            cell["metadata"] = {"tags": tags} if tags else {}
        elif cell.get("cell_type") == "markdown" and cell.get("metadata", {}).get("curso", {}).get("respuesta"):
            # La respuesta modelo de una pregunta escrita no va en la versión del estudiante.
            cell = _markdown_cell(ANSWER_PLACEHOLDER, cell.get("id", "respuesta"))
        cells.append(cell)
    aviso = _markdown_cell(
        "> **Versión del estudiante.** Completa cada bloque `# TU CÓDIGO AQUÍ` y ejecuta las "
        "celdas en orden; las celdas de comprobación te dirán qué está bien y qué revisar. "
        "**No modifiques las celdas de comprobación** («Comprobación del ejercicio …»): al calificar "
        "se cambian por las oficiales, así que editarlas no cambia tu nota. Puedes añadir celdas "
        "tuyas donde quieras.\n>\n"
        "> La calificación corre a la escala de una CPU: si en Colab usas una GPU, tus números "
        "(una exactitud, un tiempo) pueden salir algo distintos de los de la calificación. "
        f"(Esta versión se genera a partir de `{source_relpath}`.)",
        "aviso-estudiante")
    pos = 1 if cells and cells[0]["cell_type"] == "markdown" else 0
    cells.insert(pos, aviso)
    nb["cells"] = cells
    return nb


# ---------------------------------------------------------------------------
# Lectura, escritura y sincronización
# ---------------------------------------------------------------------------

def load(path: Path) -> dict:
    """Lee un cuaderno como diccionario JSON, con un error en español si no lo es."""
    try:
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path} no es un cuaderno válido (JSON ilegible: {exc}).") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise ValueError(f"{path} no es un cuaderno de Jupyter (falta la lista «cells»).")
    return nb


def dumps(nb: dict) -> str:
    """Serializa un cuaderno de forma estable (1 espacio de sangría, como Jupyter)."""
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def source_notebooks(root: Path = ROOT) -> list[Path]:
    """Cuadernos fuente del libro: capítulos y laboratorios (no los del estudiante)."""
    chapters = sorted((root / "chapters").rglob("*.ipynb"))
    labs = sorted(p for p in (root / "labs").glob("*.ipynb"))
    return [p for p in chapters + labs if ".ipynb_checkpoints" not in p.parts]


def expected_files(root: Path = ROOT) -> dict[Path, str]:
    """Contenido que deberían tener todos los cuadernos (fuente y estudiante)."""
    config = read_config(root)
    files = {}
    for path in source_notebooks(root):
        nb = normalize(load(path), config)
        if path.parent == root / "labs":
            student = path.parent / STUDENT_DIR / path.name
            nb = with_lab_link(nb, student.relative_to(root).as_posix(), config)
            files[student] = dumps(make_student(nb, path.relative_to(root).as_posix()))
        files[path] = dumps(nb)
    return files


def sync(root: Path = ROOT, check: bool = False) -> list[Path]:
    """Escribe (o, con ``check=True``, solo lista) los cuadernos desactualizados."""
    stale = []
    for path, text in expected_files(root).items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            stale.append(path)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    return stale


def main(argv=None) -> int:
    parser = SpanishArgumentParser(prog="python -m utils.notebooks",
                                     description="Sincroniza metadatos, celda de preparación y cuadernos del estudiante.")
    parser.add_argument("orden", choices=["sync"], help="sync: actualiza los cuadernos")
    parser.add_argument("--check", action="store_true", help="solo comprueba; sale con 1 si algo está desactualizado")
    args = parser.parse_args(argv)
    stale = sync(check=args.check)
    for path in stale:
        verbo = "desactualizado" if args.check else "actualizado"
        print(f"{verbo}: {path.relative_to(ROOT)}")
    if args.check and stale:
        print("Ejecuta `python -m utils.notebooks sync` y vuelve a confirmar los cambios.")
        return 1
    if not stale:
        print("Todos los cuadernos están al día.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
